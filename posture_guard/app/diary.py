"""The diary commands: what `posture-guard episode|check-in|advice|clinic|exercises` do.

Rule 1: this module orchestrates and decides nothing itself. Words are parsed by episodes.py's
        parse helpers, episode changes are decided by its lifecycle functions (inside the store's
        transaction), advice comes from triage.assess, clinic profiles from clinic.py, exercises
        from exercises.py. cli.py parses arguments, calls one function here and prints.
Rule 2: time arrives as an argument (`now`, aware); `--at` text without an offset is local time.
Rule 3: bad input raises DiaryValueError (or ClinicError) before anything is written; a refused
        change raises IllegalEpisodeChange and the store rolls it back. The messages are the
        core's: field, what was expected, what was got.
Rule 4: the interactive check-in reads answers through the `ask` function it is given (input()
        in the CLI). An answer that does not parse is explained and asked again; EOFError
        (Ctrl-D, end of piped input) propagates before anything is saved.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Final, TypeVar

from posture_guard.app import pack as clinic_pack
from posture_guard.app.managed import load_effective
from posture_guard.app.store import Store, open_or_read
from posture_guard.core import exercises, links, policy
from posture_guard.core.clinic import ClinicProfile, parse_clinic_file
from posture_guard.core.clock_ahead import (
    ahead_line,
    ahead_open,
    check_ins_ahead,
    episodes_ahead,
    first_ahead,
    update_ahead,
)
from posture_guard.core.episodes import (
    CHECK_IN_FLAGS,
    CHECK_IN_QUESTIONS,
    EARLIEST_DAY,
    LABELS,
    AgeBand,
    Answer,
    Area,
    CheckIn,
    Episode,
    EpisodeUpdate,
    Helped,
    Lasted,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
    current_episode,
    in_order,
    lasted_for,
    mend_text,
    parse_age,
    parse_answer,
    parse_choice,
    parse_choices,
    parse_days,
    parse_pain,
    parse_yes_no,
)
from posture_guard.core.errors import MISSING, DiaryValueError, StoreError, terminal_safe
from posture_guard.core.i18n import N_, _, ngettext
from posture_guard.core.localeforms import format_date_time
from posture_guard.core.pack import exercise_names
from posture_guard.core.records import AdviceSummary, StoredCheckIn
from posture_guard.core.settings import Settings
from posture_guard.core.tiers import Tier
from posture_guard.core.triage import Advice, assess, elapsed
from posture_guard.core.wording import kind_word
from posture_guard.desktop.paths import Paths

_E = TypeVar("_E", bound=Enum)

AT_EXPECTED: Final = N_(
    "expected a date and time like 2026-03-02T09:00 (local time) or 2026-03-02T09:00+01:00"
)
Ask = Callable[[str], str]
Say = Callable[[str], None]


def open_store(paths: Paths, *, told: Callable[[StoreError], None] | None = None) -> Store:
    """The user's database, as `store.open_or_read` opens it (read-only on storage that
    refuses writes, after `told(why)`). Raises StoreError as that does."""
    return open_or_read(paths.database, told=told)


#: How far past `now` an `--at` may lie (clock differences between machines, typing time).
FUTURE_ALLOWANCE: Final = timedelta(minutes=5)


def parse_at(text: str | None, now: datetime, field: str = "at") -> datetime:
    """`--at` as typed: ISO 8601, local time when it has no offset; `now` when not given.

    Raises:
        DiaryValueError: not such a time, one before EARLIEST_DAY, or a time in the future (the
            diary records what was).
    """
    if text is None:
        return now
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DiaryValueError(field, _(AT_EXPECTED), text) from None
    if moment.date() < EARLIEST_DAY:  # before the local zone is applied: year 1 has no room
        raise DiaryValueError(
            field,
            # Translators: {earliest} is a date written 2000-01-01
            _("expected a time on or after {earliest}").format(earliest=EARLIEST_DAY.isoformat()),
            text,
        )
    try:
        moment = moment if moment.utcoffset() is not None else moment.astimezone()
        instant = moment.timestamp()
    except (ValueError, OverflowError):  # the calendar's far edge
        raise DiaryValueError(field, _("expected a time that is not in the future"), text) from None
    if instant > (now + FUTURE_ALLOWANCE).timestamp():
        raise DiaryValueError(field, _("expected a time that is not in the future"), text)
    return moment


def _words(kind: type[_E], text: str | None, field: str) -> frozenset[_E]:
    return frozenset() if text is None else parse_choices(kind, text, field)


# --- episodes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EpisodeAnswers:
    """What `episode start` / `episode update` were given, as typed (None = not given)."""

    at: str | None = None
    pain: str | None = None
    stiffness: str | None = None
    where: str | None = None
    trigger: str | None = None
    symptom: str | None = None
    helped: str | None = None
    notes: str | None = None


def start_episode(
    store: Store, answers: EpisodeAnswers, now: datetime, *, plain: bool = False
) -> str:
    """Start an episode (only when none is open); returns what to print (`plain`: with the
    words people read rather than the words typed after the flags, as a form shows it).

    Raises:
        DiaryValueError: a value does not parse (nothing written).
        IllegalEpisodeChange: one is open, or it would start inside an earlier one.
    """
    if answers.pain is None:
        raise DiaryValueError(
            "pain",
            _(
                "expected a whole number from 0 (no pain) to 10 (worst imaginable)"
                " (--pain is needed to start)"
            ),
            MISSING,
        )
    pain = parse_pain(answers.pain)
    stale = ahead_open(store.episodes(), now)
    episode = store.start_episode(
        Episode(
            started=parse_at(answers.at, now),
            pain_at_start=pain,
            pain_peak=pain,
            stiffness=(
                None  # not answered: not "no stiffness"
                if answers.stiffness is None
                else parse_choice(Stiffness, answers.stiffness, "stiffness")
            ),
            areas=_words(Area, answers.where, "where"),
            triggers=_words(Trigger, answers.trigger, "trigger"),
            symptoms=_words(Symptom, answers.symptom, "symptom"),
            helped=_words(Helped, answers.helped, "helped"),
            notes=mend_text(answers.notes or ""),
        ),
        now=now,
    )
    head = _("Started episode {id} at {time}.").format(
        id=episode.id, time=format_date_time(episode.started)
    )
    if stale is not None:
        # Translators: {ahead} is "entered while the clock was ahead: dated <time>"
        closed = _("Episode {id} was ended at its own start ({ahead}).").format(
            id=stale.id, ahead=ahead_line(stale.started)
        )
        head = f"{closed}\n{head}"
    return head + "\n" + describe_episode(episode, plain=plain)


def update_episode(
    store: Store, answers: EpisodeAnswers, now: datetime, *, plain: bool = False
) -> str:
    """Add an update to the open episode; returns what to print (`plain`: as start_episode).

    An episode entered while the clock ran ahead may be corrected: an update asked for before
    its last moment is dated at that moment, and flagged (clock_ahead Rule 3), as ending it is.

    Raises:
        DiaryValueError: a value does not parse, or the update records nothing.
        IllegalEpisodeChange: no episode is open, or the update is before its start.
    """
    update = EpisodeUpdate(
        at=parse_at(answers.at, now),
        pain=None if answers.pain is None else parse_pain(answers.pain),
        stiffness=(
            None
            if answers.stiffness is None
            else parse_choice(Stiffness, answers.stiffness, "stiffness")
        ),
        symptoms=_words(Symptom, answers.symptom, "symptom"),
        helped=_words(Helped, answers.helped, "helped"),
        notes=mend_text(answers.notes or ""),
    )
    before = store.open_episode()
    episode = store.update_episode(update, now=now)
    at = update.at if before is None else update_ahead(before, update.at, now)  # as it was kept
    head = _("Updated episode {id} ({time}).").format(id=episode.id, time=format_date_time(at))
    return head + _ahead_flag(episode, now) + "\n" + describe_episode(episode, plain=plain)


def _ahead_flag(episode: Episode, now: datetime) -> str:
    """A line that flags the episode's first moment dated ahead of `now`, or nothing."""
    moment = first_ahead(episode, now)
    return "" if moment is None else "\n" + ahead_line(moment)


def end_episode(store: Store, at: str | None, now: datetime, *, plain: bool = False) -> str:
    """End the open episode; returns what to print (`plain`: as start_episode).

    Raises:
        DiaryValueError: `at` does not parse.
        IllegalEpisodeChange: no episode is open, or `at` is before its start or last update.
    """
    episode = store.end_episode(parse_at(at, now), now=now)
    assert episode.ended is not None
    head = _("Ended episode {id} at {time}.").format(
        id=episode.id, time=format_date_time(episode.ended)
    )
    return head + _ahead_flag(episode, now) + "\n" + describe_episode(episode, plain=plain)


def list_episodes(store: Store, now: datetime | None = None) -> str:
    """One line per episode in the order entered, so the last line is the newest (episodes
    Rule 7), whatever the dates; with `now`, one entered while the clock ran ahead (dated
    after `now`, or after an episode entered later: clock_ahead Rule 4) has one more line
    that says so, even once the real time has passed its date."""
    found = sorted(store.episodes(), key=lambda e: e.id or 0)
    if not found:
        return _("No episodes yet. Start one with `posture-guard episode start --pain N`.")
    ahead = {} if now is None else episodes_ahead(found, store.episodes_entered(), now)
    lines = []
    for episode in found:
        lines.append(_episode_line(episode))
        if episode.id in ahead:
            lines.append("     " + ahead_line(ahead[episode.id]))
    return "\n".join(lines)


def _episode_line(episode: Episode) -> str:
    # Translators: an episode's state in the `episode list` table
    end = (
        _("open")
        if episode.ended is None
        else _("ended {time}").format(time=format_date_time(episode.ended))
    )
    updates = len(episode.updates)
    figures = ngettext(
        "pain {pain} (peak {peak})  stiffness {stiffness}  {count} update",
        "pain {pain} (peak {peak})  stiffness {stiffness}  {count} updates",
        updates,
    ).format(
        pain=episode.pain_now,
        peak=episode.pain_peak,
        stiffness=_stiffness_word(episode.stiffness_now),
        count=updates,
    )
    return f"{episode.id:>3}  {format_date_time(episode.started)}  {end:<28}  {figures}"


def show_episode(store: Store, episode_id: int | None) -> str:
    """One episode in full: the one asked for, else the open one, else the one entered last
    (episodes Rule 7; with none at all, says so and how to start one).

    Raises:
        DiaryValueError: there is no episode with the id asked for.
    """
    if episode_id is not None:
        episode = store.episode(episode_id)
        if episode is None:
            raise DiaryValueError(
                "id", _("expected the id of an episode (see `episode list`)"), episode_id
            )
    else:
        episode = current_episode(store.episodes())
        if episode is None:
            return list_episodes(store)  # the friendly "no episodes yet"
    return describe_episode(episode)


def _stiffness_word(stiffness: Stiffness | None) -> str:
    """A stiffness as typed after --stiffness, or that it was not answered."""
    # Translators: a stiffness that was not answered (not the same as "no stiffness")
    return _("not given") if stiffness is None else stiffness.value


def _stiffness_label(stiffness: Stiffness | None) -> str:
    return _("not given") if stiffness is None else _(LABELS[stiffness])


def _said(members: Sequence[Enum], *, plain: bool, sep: str = ", ") -> str:
    """Vocabulary words as typed after the flags, or (`plain`) as the forms label them."""
    return sep.join(_(LABELS[m]) if plain and m in LABELS else str(m.value) for m in members)


def describe_episode(episode: Episode, *, plain: bool = False) -> str:
    """An episode in plain words, with its updates; the vocabulary's words as typed after the
    flags (`--where neck-left`), or with `plain` as the forms show them ("left side of the
    neck")."""
    started = format_date_time(episode.started)
    head = (
        _("Episode {id}: started {time}, still open").format(id=episode.id, time=started)
        if episode.ended is None
        else _("Episode {id}: started {time}, ended {end}").format(
            id=episode.id, time=started, end=format_date_time(episode.ended)
        )
    )
    lines = [
        head,
        "  "
        + _("pain at start {start}, now {now}, peak {peak}").format(
            start=episode.pain_at_start, now=episode.pain_now, peak=episode.pain_peak
        ),
        "  " + _("stiffness: {label}").format(label=_stiffness_label(episode.stiffness_now)),
    ]
    # the words are the vocabulary's, as typed with --where, --trigger, --symptom, --helped
    for label, members in (
        (N_("where: {words}"), in_order(Area, episode.areas)),
        (N_("triggers: {words}"), in_order(Trigger, episode.triggers)),
        (N_("symptoms: {words}"), in_order(Symptom, episode.symptoms_so_far)),
        (N_("helped: {words}"), in_order(Helped, episode.helped_so_far)),
    ):
        if members:
            lines.append("  " + _(label).format(words=_said(members, plain=plain)))
    if episode.notes:
        notes = terminal_safe(episode.notes, keep_newlines=True).replace("\n", "\n         ")
        lines.append("  " + _("notes: {notes}").format(notes=notes))
    for update in episode.updates:
        parts = []
        if update.pain is not None:
            parts.append(_("pain {pain}").format(pain=update.pain))
        if update.stiffness is not None:
            word = _stiffness_label(update.stiffness) if plain else update.stiffness.value
            parts.append(_("stiffness {word}").format(word=word))
        sep = ", " if plain else ","
        if update.symptoms:
            words = _said(in_order(Symptom, update.symptoms), plain=plain, sep=sep)
            parts.append(_("symptoms {words}").format(words=words))
        if update.helped:
            words = _said(in_order(Helped, update.helped), plain=plain, sep=sep)
            parts.append(_("helped {words}").format(words=words))
        if update.notes:
            parts.append(_("notes: {notes}").format(notes=terminal_safe(update.notes)))
        lines.append(f"  - {format_date_time(update.at)}: " + "; ".join(parts))
    return "\n".join(lines)


# --- check-ins -----------------------------------------------------------------------------------

_FLAG_OF: Final = {field: flag for flag, field in CHECK_IN_FLAGS.items()}


def _parser(field: str, flag: str) -> Callable[[str], object]:
    """How the answer to `field` is read from text (a flag's value or a typed answer)."""
    readers: dict[str, Callable[[str], object]] = {
        "pain_now": lambda t: parse_pain(t, flag),
        "stiffness": lambda t: _choice(Stiffness, t, flag),
        "symptoms": lambda t: _choices(Symptom, t, flag),
        "trend": lambda t: _choice(Trend, t, flag),
        "pain_lasted": lambda t: _choice(Lasted, t, flag),
        "after_injury": lambda t: _answer(t, flag),
        "high_risk_mechanism": lambda t: _answer(t, flag),
        "head_injury": lambda t: _answer(t, flag),
        "neck_manipulation": lambda t: _answer(t, flag),
        "home_care_days": lambda t: parse_days(t, flag),
        "risk_history": lambda t: _choices(RiskFactor, t, flag),
        "age_band": lambda t: _age(t, flag),
    }
    return readers.get(field, lambda t: parse_yes_no(t, flag))


def _choice(kind: type[_E], text: str, field: str) -> _E:
    """A word, or its number in the list the interactive check-in shows (1 = first)."""
    members = list(kind)
    word = text.strip()
    if word.isascii() and word.isdigit() and 1 <= int(word) <= len(members):
        return members[int(word) - 1]
    return parse_choice(kind, word, field)


def _choices(kind: type[_E], text: str, field: str) -> frozenset[_E]:
    """Comma-separated words or list numbers (``"arm-pain, 7"``); ``none`` or nothing = none."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    words = [p for p in parts if not (p.isascii() and p.isdigit())]
    numbered = frozenset(_choice(kind, p, field) for p in parts if p not in words)
    return numbered | parse_choices(kind, ",".join(words), field)


def _answer(text: str, field: str) -> Answer:
    """yes, no or not-sure, or its number in the list the interactive check-in shows."""
    word = text.strip()
    if word.isascii() and word.isdigit():
        return _choice(Answer, word, field)
    return parse_answer(word, field)


def _age(text: str, field: str) -> AgeBand:
    return parse_age(text, field)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if value is None:
        return "none"
    if isinstance(value, frozenset):
        return ",".join(str(m.value) for m in sorted(value, key=lambda m: str(m.value))) or "none"
    return str(value)


def check_in_defaults(store: Store, now: datetime | None = None) -> dict[str, object]:
    """What Enter keeps: the open episode's pain, stiffness and how long it has lasted, the last
    check-in's age, risks and days of home care, "same" and "no" for the rest. Pain, stiffness,
    how long it has lasted and age have no default until the diary holds one; whether the
    injury was a dangerous one, or hurt the head, never has one (it is asked after an injury).
    How long it has lasted is the open episode's age at `now` (none without `now`)."""
    defaults: dict[str, object] = {
        "symptoms": frozenset(),
        "trend": Trend.SAME,
        "pain_disturbs_sleep": False,
        "pain_stops_work": False,
        "daily_life_affected": False,
        "home_care_days": 0,
        "after_injury": Answer.NO,
        "neck_manipulation": Answer.NO,
        "risk_history": frozenset(),
    }
    latest = store.latest_check_in()
    if latest is not None:
        defaults.update(
            age_band=latest.check_in.age_band,
            risk_history=latest.check_in.risk_history,
            home_care_days=latest.check_in.home_care_days,
            stiffness=latest.check_in.stiffness,
        )
    episode = store.open_episode()
    if episode is not None:
        defaults.update(pain_now=episode.pain_now, stiffness=episode.stiffness_now)
        if now is not None:
            defaults.update(pain_lasted=lasted_for(elapsed(episode.started, now)))
    return defaults


def check_in(
    store: Store,
    given: Mapping[str, str | None],
    now: datetime,
    *,
    ask: Ask | None,
    say: Say,
    fallback: OrgClinic | None = None,
) -> Advice:
    """Take a check-in, assess it against the diary, keep both; returns the advice.

    Args:
        store: the diary.
        given: answers given as flags, by CHECK_IN_FLAGS name (None = not given).
        now: when the check-in is made.
        ask: reads one answer (shown the prompt); None = ask nothing: defaults fill the rest.
            Nothing is asked either when every answer without a default was given.
        say: prints a line (choices, a re-ask reason).
        fallback: the organisation's clinic, offered when the user has set none.

    Raises:
        DiaryValueError: a flag's value does not parse, or (without asking) an answer with no
            default is missing; nothing is saved.
        EOFError: the input ended while asking; nothing is saved.
    """
    answers: dict[str, object] = {}
    for flag, text in given.items():
        if text is not None:
            field = CHECK_IN_FLAGS[flag]
            answers[field] = _parser(field, flag)(text)
    for follow_up in ("high_risk_mechanism", "head_injury"):
        if answers.get(follow_up):  # a dangerous fall or crash, a hurt head: an injury
            answers.setdefault("after_injury", answers[follow_up])
    defaults = check_in_defaults(store, now)
    required = ("pain_now", "stiffness", "trend", "age_band")
    interactive = ask
    # Given as flags, these answers skip the questions; how long it has lasted, with no open
    # episode to tell it, is still asked on its own (with --yes it stays not answered).
    if ask is not None and all(f in answers for f in required):
        ask = None
    for field in CHECK_IN_QUESTIONS:
        if field in answers:
            continue
        if field in ("high_risk_mechanism", "head_injury"):
            if not answers.get("after_injury", Answer.NO):
                answers[field] = Answer.NO
                continue
            # After an injury this answer decides between an emergency and a booking: it is
            # asked (or must be given), never filled in by a default.
            if interactive is None:
                raise DiaryValueError(
                    _FLAG_OF[field],
                    _(
                        "expected yes, no or not-sure after an injury (a fall from height or "
                        "down stairs, a diving accident, a fast or rollover crash, a bike "
                        "collision)"
                    )
                    if field == "high_risk_mechanism"
                    else _(
                        "expected yes, no or not-sure after an injury (whether the head was hit "
                        "or hurt)"
                    ),
                    MISSING,
                )
            answers[field] = _ask_one(field, MISSING, interactive, say)
            continue
        if ask is None and field == "pain_lasted" and field not in defaults:
            answers[field] = (
                None if interactive is None else _ask_one(field, MISSING, interactive, say)
            )
            continue
        if ask is None:
            if field not in defaults:
                missing = [
                    "--" + _FLAG_OF[f] for f in required if f not in answers and f not in defaults
                ]
                raise DiaryValueError(
                    _FLAG_OF[field],
                    _(
                        "expected an answer (missing: {options}); give them, or leave out --yes"
                        " to be asked"
                    ).format(options=", ".join(missing)),
                    MISSING,
                )
            answers[field] = defaults[field]
        else:
            answers[field] = _ask_one(field, defaults.get(field, MISSING), ask, say)
    record = CheckIn(at=now, **answers)  # type: ignore[arg-type]
    profile, owner = clinic_in_use(store, fallback)
    advice = assess(record, store.episodes(), now, profile, clinic_owner=owner)
    store.add_check_in(record, AdviceSummary.of(advice))
    return advice


_CHOICES: Final[Mapping[str, type[Enum]]] = {
    "stiffness": Stiffness,
    "symptoms": Symptom,
    "trend": Trend,
    "pain_lasted": Lasted,
    "after_injury": Answer,
    "high_risk_mechanism": Answer,
    "head_injury": Answer,
    "neck_manipulation": Answer,
    "risk_history": RiskFactor,
    "age_band": AgeBand,
}
_MULTI: Final = frozenset({"symptoms", "risk_history"})


def _ask_one(field: str, default: object, ask: Ask, say: Say) -> object:
    """Ask one question until the answer parses; Enter keeps the default (when there is one)."""
    flag = _FLAG_OF[field]
    say("")
    say(_(CHECK_IN_QUESTIONS[field]))
    kind = _CHOICES.get(field)
    if kind is not None:
        for number, member in enumerate(kind, start=1):
            say(f"  {number:>2}. {member.value}: {_(LABELS[member])}")
        if field in _MULTI:
            # Translators: "none" is the word to type; keep it in English
            say("  " + _("(numbers or words, separated by commas; none for none)"))
    elif field not in ("pain_now", "home_care_days"):
        # Translators: "yes" and "no" are the words to type; keep them in English
        say("  " + _("(yes or no)"))
    prompt = "> " if default is MISSING else f"[{_shown(default)}] > "
    while True:
        text = ask(prompt)
        if not text.strip():
            if default is not MISSING:
                return default
            say("  " + _("Please answer: this one has no default yet."))
            continue
        try:
            return _parser(field, flag)(text)
        except DiaryValueError as exc:
            say(f"  {exc}")


#: The advice's tiers as people read them (the tiers' names are the records' words).
_TIER_WORDS: Final[Mapping[Tier, str]] = {
    # Translators: the advice's tiers, lowest first: look after it yourself, book an
    # appointment, see someone today or tomorrow, call the emergency number
    Tier.SELF_CARE: N_("self-care"),
    Tier.BOOK: N_("book"),
    Tier.PROMPT: N_("prompt"),
    Tier.EMERGENCY: N_("emergency"),
}


def tier_word(tier: Tier) -> str:
    """The advice's tier in the reader's language (`self-care`, `book`... in English)."""
    return _(_TIER_WORDS[tier])


def advice_text(
    advice: Advice, stored: StoredCheckIn | None = None, *, in_window: bool = False
) -> str:
    """The advice as printed after a check-in and by `posture-guard advice`: its heading in
    words, then the reasons as sentences (the rules' ids and tiers are the records', for
    `--json`-like exports and the clinician's report, not for this text). `in_window`: for a
    window, where the way to add a clinic is a button (form_view.ADD_CLINIC), not a command."""
    if in_window and advice.add_clinic is not None:
        advice = replace(
            advice,
            add_clinic=_(
                "No clinic is set up yet, so Posture Guard has no booking link to offer. To "
                "add yours, press Add my clinic (or choose Settings… in the tray menu later)."
            ),
        )
    # Translators: {heading} is what the advice says to do, in words ("Book an appointment
    # within the next few days"); the reasons follow under "Why:"
    head = _("Advice: {heading}").format(heading=advice.heading)
    if stored is not None:
        read_again = _("Your check-in of {time}, read against the diary now.").format(
            time=format_date_time(stored.check_in.at)
        )
        head = f"{read_again}\n{head}"
    return head + "\n\n" + advice.text(heading=False)


def current_advice(
    store: Store, now: datetime, *, fallback: OrgClinic | None = None
) -> tuple[StoredCheckIn, Advice] | None:
    """The latest check-in, assessed again against the diary and the clinic as they are now."""
    latest = store.latest_check_in()
    if latest is None:
        return None
    profile, owner = clinic_in_use(store, fallback)
    return latest, assess(latest.check_in, store.episodes(), now, profile, clinic_owner=owner)


def clock_ahead_lines(store: Store, now: datetime, used: StoredCheckIn | None) -> list[str]:
    """One line per check-in entered while the clock ran ahead (clock_ahead Rule 1): the one
    the advice is read from, or one the advice leaves out for a later one."""
    lines = []
    for stored in check_ins_ahead(store.check_ins(), now):
        flag = ahead_line(stored.check_in.at)
        if used is not None and stored.id == used.id:
            lines.append(flag)
        else:
            # Translators: {ahead} is "entered while the clock was ahead: dated <time>"
            lines.append(
                _("Left out, as a later check-in was entered: a check-in {ahead}").format(
                    ahead=flag
                )
            )
    return lines


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgClinic:
    """The organisation's clinic (from the policy), offered when the user has set none."""

    profile: ClinicProfile
    owner: str  # the organisation's name, or "your organisation"


def org_clinic(settings: Settings) -> OrgClinic | None:
    """The organisation's clinic from the policy (`branding.clinic`), with its name; or None."""
    profile = settings.branding.clinic
    if profile is None:
        return None
    return OrgClinic(profile=profile, owner=policy.organisation_name(settings))


def clinic_in_use(
    store: Store, fallback: OrgClinic | None
) -> tuple[ClinicProfile | None, str | None]:
    """The user's own clinic (owner None); else the organisation's, with whose it is (the advice
    and the report both ask this)."""
    own = store.clinic()
    if own is not None or fallback is None:
        return own, None
    return fallback.profile, fallback.owner


def open_booking(
    advice: Advice, find_browser: Callable[[], webbrowser.BaseBrowser] = webbrowser.get
) -> tuple[bool, str] | None:
    """Hand the advice's booking link to the browser (`open_link`); None when there is none."""
    if advice.booking_url is None:
        return None
    return open_link(advice.booking_url, find_browser)


def open_link(
    url: str, find_browser: Callable[[], webbrowser.BaseBrowser] = webbrowser.get
) -> tuple[bool, str]:
    """Hand `url`, its host in the plain form (core/links.py Rule 2), to the person's browser.

    Returns (True, "Asked your browser to open URL") only when a browser was found and took
    it (started, or answered that it did); else (False, one line saying what went wrong, with
    the link to open by hand). Never says "opened": a browser started is not a page shown.
    """
    plain = links.plain_url(url)
    if plain is None:
        return False, _(
            "The booking link {url} has no host name a browser can look up; it was not opened."
        ).format(url=url)
    try:
        browser = find_browser()
    except webbrowser.Error:
        return False, _(
            "No web browser was found to open the link; open it yourself: {url}"
        ).format(url=plain)
    if not browser.open(plain):
        return False, _("Your web browser did not take the link; open it yourself: {url}").format(
            url=plain
        )
    return True, _("Asked your browser to open {url}").format(url=plain)


# --- clinic --------------------------------------------------------------------------------------


def set_clinic(
    store: Store, *, name: str, booking_url: str | None, phone: str | None, hours: str | None
) -> str:
    """Make this the clinic. Raises ClinicError (naming the key) before anything is saved."""
    profile = ClinicProfile(name=name, booking_url=booking_url, phone=phone, opening_hours=hours)
    store.set_clinic(profile)
    return _("Clinic saved.") + "\n" + describe_clinic(profile)


def import_clinic(store: Store, file: Path, paths: Paths | None = None) -> str:
    """Make the clinic file's profile the clinic; or, for a pack (a folder or a zip) and with
    `paths`, make the pack the one in use (app/pack.py). Raises ClinicError (file, key,
    expected, got); nothing changes then."""
    if paths is not None and clinic_pack.is_pack(file):
        now = datetime.now().astimezone().replace(microsecond=0)
        pack = clinic_pack.import_pack(store, paths, file, exercises.load_catalogue(), now)
        return "\n".join(
            (
                _("Clinic pack imported from {file}.").format(file=file),
                describe_clinic(pack.clinic),
                pack_text(clinic_pack.installed(store, paths, exercises.load_catalogue())),
            )
        )
    profile = parse_clinic_file(file)
    store.set_clinic(profile)
    return _("Clinic imported from {file}.").format(file=file) + "\n" + describe_clinic(profile)


def pack_text(found: clinic_pack.Installed | None) -> str:
    """The pack in use: its id and version, its phases (the one in force marked) and each
    phase's exercises with how many times a day."""
    if found is None:
        return ""
    pack = found.pack
    names = exercise_names(pack, exercises.load_catalogue())
    lines = [
        _("Programme: {pack} version {version}").format(pack=pack.id, version=pack.version),
    ]
    for phase in pack.phases:
        head = (
            _("Phase {phase} (now)").format(phase=phase)
            if phase == found.phase
            else _("Phase {phase}").format(phase=phase)
        )
        lines.append("  " + head)
        for item in pack.in_phase(phase):
            lines.append(
                "    "
                + ngettext(
                    "{exercise}: {count} time a day",
                    "{exercise}: {count} times a day",
                    item.per_day,
                ).format(exercise=names[item.exercise], count=item.per_day)
            )
    return "\n".join(lines)


def set_phase(store: Store, paths: Paths, phase: str) -> str:
    """Put the programme's `phase` in force from now. Raises PackError; nothing changes then."""
    now = datetime.now().astimezone().replace(microsecond=0)
    found = clinic_pack.set_phase(store, paths, exercises.load_catalogue(), phase, now)
    return _("The programme's phase is now {phase}.").format(phase=phase) + "\n" + pack_text(found)


def show_clinic(store: Store, paths: Paths | None = None) -> str:
    profile = store.clinic()
    programme = (
        ""
        if paths is None
        else pack_text(clinic_pack.installed_or_none(store, paths, exercises.load_catalogue()))
    )
    if profile is not None and programme:
        return describe_clinic(profile) + "\n" + programme
    if profile is None:
        return _(
            "No clinic is set. Add one with `posture-guard clinic set --name NAME --booking-url URL"
            " [--phone P --hours H]` or `posture-guard clinic import FILE`."
        )
    return describe_clinic(profile)


def describe_clinic(profile: ClinicProfile) -> str:
    lines = [_("Clinic: {name}").format(name=profile.name)]
    if profile.booking_url is not None:
        lines.append("  " + _("Booking: {url}").format(url=links.shown_url(profile.booking_url)))
        if profile.insecure_warning is not None:
            lines.append("  " + profile.insecure_warning)
    if profile.phone is not None:
        lines.append("  " + _("Phone: {phone}").format(phone=profile.phone))
    if profile.opening_hours is not None:
        lines.append("  " + _("Hours: {hours}").format(hours=profile.opening_hours))
    return "\n".join(lines)


# --- exercises -----------------------------------------------------------------------------------


def exercises_text(store: Store, paths: Paths, kind: str | None, now: datetime) -> str:
    """The catalogue, or what the picker may offer for a break of `kind` now (its length from
    the settings, the acute state and symptoms from the diary)."""
    catalogue = exercises.load_catalogue()
    if kind is None:
        return "\n".join(_exercise_line(e) for e in catalogue.exercises)
    loaded = load_effective(paths)
    spec = next((b for b in loaded.settings.timer.breaks if b.kind == kind), None)
    if spec is None:
        return _("The {kind} break is switched off in your settings; nothing to offer.").format(
            kind=kind_word(kind)
        )
    diary = store.picker_diary(now=now)
    latest = diary.latest
    inputs = exercises.picker_inputs(
        diary.current,
        None if latest is None else latest.check_in,
        None if latest is None else latest.advice.tier,
        now=now,
        pains=diary.pains,
    )
    neck = inputs.neck
    offered = exercises.eligible(
        catalogue,
        kind=kind,
        acute=inputs.acute,
        symptoms=inputs.symptoms,
        length_s=spec.length_s,
        neck=neck,
    )
    lines = [
        _("For a {kind} break ({seconds} s):").format(kind=kind_word(kind), seconds=spec.length_s)
    ]
    if inputs.acute:
        lines.append(_("Only gentle exercises, because {reason}.").format(reason=inputs.why))
    if neck is exercises.NeckLimit.HOLD:
        lines.append(
            _(
                "Nothing that moves your neck, after the advice of your latest check-in; a later"
                " check-in can clear this."
            )
        )
    elif neck is exercises.NeckLimit.GENTLE:
        lines.append(_("Only gentle neck exercises, after what your latest check-in says."))
    if inputs.symptoms:
        lines.append(_("Leaving out what your recorded symptoms advise against."))
    if not offered:
        lines.append(_("Nothing fits now: take the break without an exercise."))
    lines += [_exercise_line(e) for e in offered]
    return "\n".join(lines)


def _exercise_line(exercise: exercises.Exercise) -> str:
    details = _("({phase}, {seconds} s; breaks: {kinds})").format(
        phase=exercise.phase.value,
        seconds=exercise.duration_s,
        kinds=", ".join(exercise.breaks),
    )
    return f"{exercise.id:<24} {_(exercise.name)}  {details}"
