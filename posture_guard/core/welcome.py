"""The first day at the desk: whether the first run welcomes with a window, and what that window
says and does, as plain values (drawn by ui/welcome.py with form_view's renderers). Pure.

Rule 1: the window opens on the first run with a desktop and no organisation's policy
        (core/first_run.py decides; the service never loads this module).
Rule 2: the window says what Posture Guard does, what stays private (nothing leaves this
        computer) and the break plan of the effective settings (each enabled kind, how much
        active screen time earns it, how long it lasts); "Start at login" is ticked; the clinic
        (a name, a booking link, a phone number) is optional.
Rule 3: Start (Enter) applies and closes: the login item is written when ticked (and removed
        when unticked and there is one: `login_action`), the clinic is saved when any of its
        fields is filled. Skip (Esc) or closing the window changes nothing.
Rule 4: the clinic is checked as `posture-guard clinic set` checks it (`ClinicProfile`), before
        anything is saved; a refusal is shown beside its field (`place_clinic_error`), and a
        login item that cannot be written beside the check box. Nothing is saved then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.errors import ClinicError, PostureGuardError
from posture_guard.core.form_view import (
    WARNING_SIGN,
    Action,
    Check,
    Entry,
    ErrorPlace,
    Form,
    Item,
    Look,
    Paragraph,
)
from posture_guard.core.i18n import _, ngettext
from posture_guard.core.localeforms import format_number
from posture_guard.core.settings import BreakSpec, Settings

#: The window's questions, by name (as answer_texts returns them).
START_AT_LOGIN: Final = "start-at-login"
CLINIC_NAME: Final = "clinic-name"
BOOKING_URL: Final = "booking-url"
PHONE: Final = "phone"
#: A refused clinic value's key (ClinicError.key) -> the field it is shown beside; "" is the
#: whole profile (neither a booking link nor a phone), shown beside the booking link.
CLINIC_FIELDS: Final[Mapping[str, str]] = {
    "clinic.name": CLINIC_NAME,
    "clinic.booking_url": BOOKING_URL,
    "clinic.phone": PHONE,
    "": BOOKING_URL,
}


# --- what the window says ----------------------------------------------------------------------


def duration_words(seconds: int) -> str:
    """A break's interval or length: "20 min" for whole minutes, else "20 s"; the number in the
    language's form."""
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        # Translators: a length of time in whole minutes
        return ngettext("{minutes} min", "{minutes} min", minutes).format(
            minutes=format_number(minutes)
        )
    # Translators: a length of time in seconds
    return ngettext("{seconds} s", "{seconds} s", seconds).format(seconds=format_number(seconds))


def plan_lines(breaks: Sequence[BreakSpec]) -> tuple[str, ...]:
    """One line per enabled break kind: "Stretch break: every 40 min of screen time, for
    2 min"; one line saying so when every kind is off."""
    if not breaks:
        return (_("Every break is turned off in your settings."),)
    return tuple(
        # Translators: one line of the break plan: {title} is a break's name ("Stretch
        # break"), {every} the active screen time that earns it ("40 min"), {length} how long
        # it lasts ("2 min", "20 s")
        _("{title}: every {every} of screen time, for {length}").format(
            title=_(spec.title),
            every=duration_words(spec.every_s),
            length=duration_words(spec.length_s),
        )
        for spec in breaks
    )


def welcome_form(
    settings: Settings,
    *,
    clinic: ClinicProfile | None = None,
    clinic_allowed: bool = True,
    look: Look | None = None,
) -> Form:
    """The welcome window (Rule 2): `settings` are the effective ones (their break plan is
    shown); `clinic`, the clinic already set (its fields start filled in); without
    `clinic_allowed` (a policy locks the clinic) the clinic's part is left out."""
    items: list[Item] = [
        Paragraph(
            "what",
            _("What Posture Guard does"),
            (
                _(
                    "It counts your active screen time and asks for a short break when you "
                    "have earned one, with one concrete exercise each time."
                ),
                _(
                    "It also keeps a private diary of neck-pain episodes and gives advice on "
                    "warning signs."
                ),
            ),
        ),
        Paragraph(
            "private",
            _("What stays private"),
            (
                _("Nothing leaves this computer."),
                _("Your diary, check-ins and advice stay in a file only your account can read."),
            ),
        ),
        Paragraph(
            "plan",
            _("Your break plan"),
            (
                *plan_lines(settings.timer.breaks),
                _(
                    "Time away from the computer does not count; stepping away for a break's "
                    "length counts as that break."
                ),
                _("To change the plan, choose Settings… in the tray menu."),
            ),
        ),
        Check(START_AT_LOGIN, _("Start Posture Guard when I log in"), default=True),
    ]
    if clinic_allowed:
        items += [
            Paragraph(
                "clinic",
                _("Your clinic (optional)"),
                (
                    _(
                        "When the advice says to see someone, it offers your clinic's booking "
                        "page or phone number. You can also add it later: Settings… in the "
                        "tray menu."
                    ),
                ),
            ),
            *clinic_entries(clinic),
        ]
    return Form(
        id="welcome",
        title=_("Welcome"),
        questions=tuple(items),
        actions=(
            Action("start", _("Start"), "enter", primary=True),
            Action("cancel", _("Skip"), "escape"),
        ),
        brand=(look or Look.of(high_contrast=False)).brand_line(),
        small=True,
    )


# --- what Start does ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class WelcomeAnswers:
    """What the window held when Start was pressed (text stripped; None = left empty)."""

    start_at_login: bool
    clinic_name: str | None = None
    booking_url: str | None = None
    phone: str | None = None


def clinic_entries(clinic: ClinicProfile | None, *, locked: str = "") -> tuple[Entry, ...]:
    """The clinic's name, booking link and phone as fields (the welcome's and the settings'),
    holding `clinic`'s; `locked`: why they cannot be changed ("" = they can)."""
    return (
        Entry(
            CLINIC_NAME, _("Clinic's name"), clinic.name if clinic else "", width=36, locked=locked
        ),
        Entry(
            BOOKING_URL,
            _("Booking link"),
            (clinic.booking_url or "") if clinic else "",
            # Translators: keep the web address as it is: it shows the form to type
            hint=_("e.g. {example}").format(example="https://clinic.example/book"),
            width=36,
            locked=locked,
        ),
        Entry(
            PHONE,
            _("Phone (optional)"),
            (clinic.phone or "") if clinic else "",
            hint=_("e.g. {example}").format(example="+44 20 7946 0000"),
            width=20,
            locked=locked,
        ),
    )


def read_answers(texts: Mapping[str, str | None]) -> WelcomeAnswers:
    """The answers from `form_view.answer_texts` of the welcome form."""
    return WelcomeAnswers(
        start_at_login=texts.get(START_AT_LOGIN) == "yes",
        clinic_name=texts.get(CLINIC_NAME),
        booking_url=texts.get(BOOKING_URL),
        phone=texts.get(PHONE),
    )


def clinic_profile(answers: WelcomeAnswers, *, hours: str | None = None) -> ClinicProfile | None:
    """The clinic to save, checked as `clinic set` checks it; None when every field is empty.
    `hours`: the opening hours of the clinic set before (the window does not ask them; a
    clinic saved again keeps them).

    Raises:
        ClinicError: a field is no good, or a name came without a booking link or phone.
    """
    given = (answers.clinic_name, answers.booking_url, answers.phone)
    if all(value is None for value in given):
        return None
    return ClinicProfile(
        name=answers.clinic_name or "",
        booking_url=answers.booking_url,
        phone=answers.phone,
        opening_hours=hours,
    )


def login_action(start_at_login: bool, *, enabled: bool) -> Literal["enable", "disable"] | None:
    """What Start does to the login item (the `posture-guard autostart` action), or None:
    ticked writes it (again: it may start another copy), unticked removes one that is there."""
    if start_at_login:
        return "enable"
    return "disable" if enabled else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def place_clinic_error(error: ClinicError, fields: Mapping[str, str] = CLINIC_FIELDS) -> ErrorPlace:
    """A refused clinic beside its field (Rule 4; `fields`: the window's key -> field map):
    what a good value looks like, as `clinic set` says it; "give a link or a phone" beside the
    booking link."""
    field = fields.get(error.key, BOOKING_URL)
    if not error.key:
        words = _("Give a booking link or a phone number, or both.")
    else:
        words = _sentence(error.expected)
    return ErrorPlace(field, f"{WARNING_SIGN} {words}")


def place_login_error(error: PostureGuardError) -> ErrorPlace:
    """A login item that cannot be written or removed, beside the check box."""
    return ErrorPlace(START_AT_LOGIN, f"{WARNING_SIGN} {error}")
