"""The settings window as plain values: what it shows, what a save would change in the person's
settings file, and where a refusal is shown (drawn by ui/settings_window.py with form_view's
renderers). Pure.

Rule 1: one field per setting of the user file (its dotted key, `FIELDS`), opened with the
        value in force; the weekday fields say a day's hours ("" the usual ones, "off" no
        working hours that day: `[working_hours] days` and the day's key together).
Rule 2: a key the policy locks is drawn disabled with the policy's value and "Set by your
        organisation" beside it; a save never writes it (`changes` leaves it out).
Rule 3: a save writes only what was changed (`changes`: key -> the value as TOML holds it,
        text as typed), so the rest of the file stays as the person wrote it. Whether the
        result is good is decided by reading it as `config check` reads it (config.load with
        the new text); each of its problems is shown beside the field of the key it names,
        in the same words (`place_problems`), and nothing is written while there is one.
Rule 4: the clinic and "Start at login" are not in the settings file: the clinic is checked as
        `clinic set` checks it and refused while the policy locks the organisation's
        (policy.clinic_change_refusal); the login item is the welcome window's
        (welcome.login_action).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Final, Literal

from posture_guard.core import welcome
from posture_guard.core.clinic import NAME_EXPECTED, ClinicProfile
from posture_guard.core.config import Layer, Loaded
from posture_guard.core.errors import ClinicError
from posture_guard.core.form_view import (
    WARNING_SIGN,
    Action,
    Check,
    Entry,
    ErrorPlace,
    Form,
    Item,
    Look,
    Option,
    Paragraph,
    Result,
    SingleChoice,
)
from posture_guard.core.i18n import _
from posture_guard.core.settings import BREAK_KINDS, BREAK_TITLES, DAY_NAMES
from posture_guard.core.welcome import (
    BOOKING_URL,
    CLINIC_NAME,
    PHONE,
    START_AT_LOGIN,
    WelcomeAnswers,
    clinic_profile,
    plan_lines,
)

Kind = Literal["check", "text", "count", "choice"]

#: The field of each setting the window changes, and how its text becomes the file's value:
#: "check" a boolean, "count" a whole number when it is one (else the text, which the check
#: refuses or takes: "unlimited"), "text" and "choice" the text as typed.
FIELDS: Final[Mapping[str, tuple[str, Kind]]] = {
    **{
        f"breaks-{kind}-{leaf}": (f"breaks.{kind}.{leaf}", "check" if leaf == "enabled" else "text")
        for kind in BREAK_KINDS
        for leaf in ("enabled", "every", "length")
    },
    "working-hours": ("working_hours.hours", "text"),
    **{f"hours-{day}": (f"working_hours.{day}", "text") for day in DAY_NAMES},
    "snooze": ("general.snooze", "text"),
    "max-snoozes": ("general.max_snoozes", "count"),
    "max-skips-in-row": ("general.max_skips_in_row", "count"),
    "max-skips-per-day": ("general.max_skips_per_day", "count"),
    "idle-threshold": ("general.idle_threshold", "text"),
    "daily-limit": ("general.daily_limit", "text"),
    "sound": ("sound.enabled", "check"),
    "notifications": ("notifications.enabled", "check"),
    "language": ("general.language", "choice"),
}
#: The field a problem with each key is shown beside (FIELDS, and the keys that say the same
#: thing another way: start and end are the usual hours, the days each weekday's field).
KEY_FIELDS: Final[Mapping[str, str]] = {
    **{key: name for name, (key, _kind) in FIELDS.items()},
    "working_hours.start": "working-hours",
    "working_hours.end": "working-hours",
    "working_hours.days": "hours-mon",
}
CLINIC_HOURS: Final = "clinic-hours"
#: A clinic's file or pack to import on save (`posture-guard clinic import`).
CLINIC_FILE: Final = "clinic-file"
#: A refused clinic value's key (ClinicError.key) -> its field; "" (neither a link nor a
#: phone) is shown beside the booking link.
CLINIC_FIELDS: Final[Mapping[str, str]] = {
    **welcome.CLINIC_FIELDS,
    "clinic.opening_hours": CLINIC_HOURS,
}
#: The word in a weekday's field for a day without working hours (not in `days`).
OFF: Final = "off"
#: Each language in its own words (a person who cannot read the current one finds theirs).
LANGUAGE_NAMES: Final[Mapping[str, str]] = {"en": "English", "de": "Deutsch", "hi": "हिन्दी"}


def _day_words() -> Mapping[str, str]:
    return {
        "mon": _("Monday"),
        "tue": _("Tuesday"),
        "wed": _("Wednesday"),
        "thu": _("Thursday"),
        "fri": _("Friday"),
        "sat": _("Saturday"),
        "sun": _("Sunday"),
    }


def _clock(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def ranges_text(ranges: Sequence[tuple[time, time]]) -> str:
    """Ranges as `[working_hours] hours` takes them: "09:00-12:00, 13:00-17:30"."""
    return ", ".join(f"{_clock(start)}-{_clock(end)}" for start, end in ranges)


def _raw_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def opened_texts(loaded: Loaded) -> dict[str, str]:
    """What each setting's field opens with: the value in force, as the file spells it (Rule 1)."""
    hours = loaded.settings.timer.working_hours
    own = dict(hours.by_day)
    texts: dict[str, str] = {}
    for name, (key, _kind) in FIELDS.items():
        if name == "working-hours":
            texts[name] = ranges_text(hours.ranges)
        elif name.startswith("hours-"):
            day = DAY_NAMES.index(name.removeprefix("hours-"))
            if day not in hours.days:
                texts[name] = OFF
            else:
                texts[name] = ranges_text(own[day]) if day in own else ""
        else:
            texts[name] = _raw_text(loaded.values[key])
    return texts


def _locked_fields(loaded: Loaded) -> frozenset[str]:
    locked = loaded.settings.locked
    days_locked = "working_hours.days" in locked
    return frozenset(
        name
        for name, (key, _kind) in FIELDS.items()
        if key in locked or (days_locked and name.startswith("hours-"))
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Extras:
    """What the window shows besides the settings file: the clinic (the person's, or the
    organisation's when the policy locks it; None: none), why it cannot be changed (None: it
    can), whether Posture Guard starts at login, the languages
    that have a catalogue."""

    clinic: ClinicProfile | None = None
    clinic_refusal: str | None = None
    start_at_login: bool = False
    languages: tuple[str, ...] = ()


def settings_form(loaded: Loaded, extras: Extras, *, look: Look | None = None) -> Form:
    """The settings window: the break plan, working hours, snooze and skip limits, screen time,
    sound, start at login, language, and the clinic (Rules 1, 2 and 4)."""
    texts = opened_texts(loaded)
    locked = _locked_fields(loaded)
    by_org = _("Set by your organisation")

    def note(name: str) -> str:
        return by_org if name in locked else ""

    def entry(name: str, text: str, hint: str, width: int = 10) -> Entry:
        return Entry(name, text, texts[name], hint, width, locked=note(name))

    def check(name: str, text: str) -> Check:
        return Check(name, text, texts[name] == "yes", locked=note(name))

    # Translators: {example} is a duration to type as written (e.g. 40m, 1h30m, 20s)
    duration = _("e.g. {example}")
    count = _('a whole number, or "unlimited"')
    items: list[Item] = [Paragraph("plan", _("Breaks"))]
    for kind in BREAK_KINDS:
        title = _(BREAK_TITLES[kind])
        items += [
            check(f"breaks-{kind}-enabled", title),
            # Translators: {title} is a break's name ("Stretch break")
            entry(
                f"breaks-{kind}-every",
                _("{title}: after this much screen time").format(title=title),
                duration.format(example="40m"),
            ),
            entry(
                f"breaks-{kind}-length",
                _("{title}: how long it lasts").format(title=title),
                duration.format(example="2m"),
            ),
        ]
    days = _day_words()
    items += [
        Paragraph(
            "hours",
            _("Working hours"),
            (
                _("Breaks are asked for only in these hours."),
                # Translators: "off" is typed as written
                _(
                    'A day left empty has the usual hours; "off" means no breaks that day. '
                    "Several ranges are separated by commas."
                ),
            ),
        ),
        entry(
            "working-hours",
            _("Usual hours"),
            _("e.g. {example}").format(example="09:00-12:00, 13:00-17:30"),
            width=28,
        ),
        *(entry(f"hours-{day}", days[day], "", width=28) for day in DAY_NAMES),
        Paragraph("limits", _("Snoozing and skipping")),
        entry("snooze", _("Snooze puts a break off for"), duration.format(example="5m")),
        entry("max-snoozes", _("Snoozes allowed in a row"), count),
        entry("max-skips-in-row", _("Skips allowed in a row"), count),
        entry("max-skips-per-day", _("Skips allowed in a day"), count),
        Paragraph("time", _("Screen time")),
        entry(
            "idle-threshold",
            _("Idle time that still counts as screen time"),
            duration.format(example="30s"),
        ),
        # Translators: "off" is typed as written
        entry(
            "daily-limit",
            _("Daily screen-time limit"),
            _('e.g. {example}, or "off"').format(example="8h"),
        ),
        Paragraph("general", _("General")),
        check("sound", _("Play a soft sound when a break starts and ends")),
        check("notifications", _("Show notifications (the coming break, reminders)")),
        Check(START_AT_LOGIN, _("Start Posture Guard when I log in"), extras.start_at_login),
        _language(texts["language"], extras.languages, note("language")),
        *_clinic_items(extras),
    ]
    return Form(
        id="settings",
        title=_("Settings"),
        questions=tuple(items),
        actions=(
            Action("save", _("Save"), "enter", primary=True),
            Action("cancel", _("Cancel"), "escape"),
        ),
        brand=(look or Look.of(high_contrast=False)).brand_line(),
    )


def _language(chosen: str, languages: Sequence[str], locked: str) -> SingleChoice:
    # English is the catalogues' own language: it has no catalogue and is always there
    codes = list(dict.fromkeys(c for c in ("en", *languages) if c in LANGUAGE_NAMES))
    if chosen != "auto" and chosen not in codes:
        codes.append(chosen)  # a code with no catalogue here still shows what is set
    options = (
        Option("auto", _("The desktop's language")),
        *(Option(code, LANGUAGE_NAMES.get(code, code)) for code in codes),
    )
    return SingleChoice(
        "language", _("Language"), options, chosen, columns=len(options), locked=locked
    )


def _clinic_items(extras: Extras) -> list[Item]:
    clinic = extras.clinic
    locked = _("Set by your organisation") if extras.clinic_refusal is not None else ""
    return [
        Paragraph(
            "clinic",
            _("Your clinic"),
            (
                _(
                    "When the advice says to see someone, it offers your clinic's booking "
                    "page or phone number."
                ),
            ),
        ),
        *welcome.clinic_entries(clinic, locked=locked),
        Entry(
            CLINIC_HOURS,
            _("Opening hours (optional)"),
            (clinic.opening_hours or "") if clinic else "",
            hint=_("e.g. {example}").format(example="Mon-Fri 08:00-18:00"),
            width=24,
            locked=locked,
        ),
        *(
            ()
            if locked
            else (
                Entry(
                    CLINIC_FILE,
                    _("A file from your clinic (optional)"),
                    hint=_("its programme and details, imported when you save"),
                    width=36,
                    choose=_("Choose…"),
                ),
            )
        ),
    ]


# --- what a save changes -----------------------------------------------------------------------


def _value(kind: Kind, text: str) -> object:
    if kind == "check":
        return text == "yes"
    if kind == "count" and text.isdigit():
        return int(text)
    return text


def changes(loaded: Loaded, answers: Mapping[str, str | None]) -> dict[str, object]:
    """What a save writes into the settings file (Rule 3): the dotted key of each changed,
    unlocked field and its value as the file holds it; `[working_hours] days` when a weekday
    was turned "off" or on again (a day's own hours are written only when given). A key whose
    value in the file was refused is written too, with what the field holds."""
    opened = opened_texts(loaded)
    locked = _locked_fields(loaded)
    # a value the file holds that was refused: the field opened with the one in force, which
    # is written back even unchanged, so that a save leaves a file `config check` accepts
    broken = {p.key for p in loaded.errors if p.layer is Layer.USER and p.key is not None}
    found: dict[str, object] = {}
    days_changed = False
    for name, (key, kind) in FIELDS.items():
        text = (answers.get(name) or "").strip()
        if name in locked or (text == opened[name].strip() and key not in broken):
            continue
        if name.startswith("hours-"):
            was_off, now_off = opened[name] == OFF, text.lower() == OFF
            days_changed = days_changed or was_off != now_off
            if now_off or (was_off and not text):
                continue
        found[key] = _value(kind, text)
    if days_changed:
        found["working_hours.days"] = [
            day for day in DAY_NAMES if (answers.get(f"hours-{day}") or "").strip().lower() != OFF
        ]
    return found


def place_problems(loaded: Loaded) -> list[ErrorPlace]:
    """Every error of the person's file as `config check` words it (Rule 3), each beside the
    field of the key it names (the file's name left off: it is the window's file); one with
    no field (an unknown key, the file as a whole) on top."""
    places = []
    for problem in loaded.errors:
        if problem.layer is not Layer.USER:
            continue
        field = KEY_FIELDS.get(problem.key) if problem.key is not None else None
        text = problem.message
        if field is not None:
            _file, sep, rest = text.partition(": [")
            text = "[" + rest if sep else text
        places.append(ErrorPlace(field, f"{WARNING_SIGN} {text}"))
    return places


def clinic_to_save(answers: Mapping[str, str | None], extras: Extras) -> ClinicProfile | None:
    """The clinic a save sets, checked as `clinic set` checks it; None: nothing to save (as it
    was, or the organisation's clinic, which cannot change here).

    Raises:
        ClinicError: a field is no good, a name came without a booking link or phone, or every
            field was emptied (a clinic can be changed, not removed: the name is asked for).
    """
    if extras.clinic_refusal is not None:
        return None
    given = WelcomeAnswers(
        start_at_login=False,
        clinic_name=answers.get(CLINIC_NAME),
        booking_url=answers.get(BOOKING_URL),
        phone=answers.get(PHONE),
    )
    profile = clinic_profile(given, hours=answers.get(CLINIC_HOURS))
    if profile is None and extras.clinic is not None:
        raise ClinicError("", "clinic.name", NAME_EXPECTED, "")
    return None if profile == extras.clinic else profile


def place_clinic_error(error: ClinicError) -> ErrorPlace:
    """A refused clinic beside its field (its opening hours too), as the welcome's."""
    return welcome.place_clinic_error(error, CLINIC_FIELDS)


def saved_result(loaded: Loaded, imported: str = "") -> Result:
    """After a save: the break plan now in force, that it applies without a restart, and what
    a clinic's file brought (`imported`, as `clinic import` says it; "" for none)."""
    text = "\n".join(
        (
            *plan_lines(loaded.settings.timer.breaks),
            "",
            _("Posture Guard applies them within seconds; no restart is needed."),
            *(("", imported) if imported else ()),
        )
    )
    return Result(_("Settings saved"), text, (Action("close", _("Close"), "enter", primary=True),))
