"""The exercise catalogue and the picker: the one concrete thing each break offers.

Rule 1: the catalogue is data. `content/exercises.toml` holds the exercises, in our own words,
        and every entry cites ids from `content/sources.toml`; CAUTIONS and SYMPTOM_CAUTIONS below
        are the only vocabulary and mapping the picker knows.
Rule 2: pure. The only I/O is reading the package's own files, through `content`; everything
        else takes text or values, so a test can hand over a broken catalogue from memory.
Rule 3: a catalogue is checked whole when it is parsed: every entry, key, caution id and source
        id. The first problem raises ContentError naming the file, the entry, the key, what was
        expected and what was got. A broken catalogue is a bug in the package, never the user's.
Rule 4: the picker offers only an exercise that suits the break's kind and fits its length
        (`duration_s <= length_s`).
Rule 5: while `acute`, only the "acute-gentle" phase is offered. The caller decides `acute`:
        an open spasm episode, or a latest pain rating of ACUTE_PAIN or more (`is_acute`).
Rule 6: never an exercise with a caution that a recorded symptom maps to (SYMPTOM_CAUTIONS), nor
        one cautioned "acute-spasm" while acute. A symptom the table does not know is taken to
        match every caution: when unsure, only caution-free exercises are offered.
Rule 7: rotation. The pick is the eligible exercise shown longest ago (never shown first; ties
        in catalogue order), so an exercise comes back only after every other eligible one has
        been shown since: with the same eligible set, any len(eligible) picks in a row are all
        different. The same inputs always give the same pick.
Rule 8: nothing fits -> None. The picker never raises for that; it raises only for a caller's
        mistake (an unknown break kind).
Rule 9: the exercises follow the advice (`neck_limit`). While the latest check-in's advice is
        emergency or prompt, or that check-in answered an injury, HOLD: nothing that moves the
        neck, shoulders or upper back, only the eyes and standing or walking (the advice may
        have just said to keep the head and neck still), until a later check-in clears it.
        Inflammatory (e.g. rheumatoid) arthritis, osteoporosis or past neck surgery (fracture
        and instability risk: CLINICAL.md row 16), or severe stiffness: GENTLE, neck exercises
        of the acute-gentle phase only.

Theory of operation. `eligible()` filters the catalogue by rules 4-6, keeping catalogue order;
`pick()` takes the one whose last appearance in the history is earliest. Why that is a rotation:
if the pick had been shown among the last len(eligible) - 1 eligible entries of the history,
every other candidate would have been shown after it, so those entries would hold all
len(eligible) exercises, one too many. History ids that are not eligible now (another kind, a
symptom since recorded, an exercise since removed) simply never match.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Final

from posture_guard.core import clock_ahead, content
from posture_guard.core.content import (
    ID_RE,
    SOURCES_FILE,
    Invalid,
    Key,
    Refuse,
    Schema,
    Source,
    content_toml,
    ids,
    in_content,
    non_empty_text,
    one_of,
    optional,
    text,
    texts,
    whole_number,
)
from posture_guard.core.episodes import CheckIn, RiskFactor, Stiffness
from posture_guard.core.errors import ContentError
from posture_guard.core.i18n import _
from posture_guard.core.records import PainEntry
from posture_guard.core.settings import BREAK_KINDS
from posture_guard.core.tiers import Tier

if TYPE_CHECKING:
    from datetime import datetime

    from posture_guard.core.episodes import CheckIn, Episode

EXERCISES_FILE: Final = "exercises.toml"
#: The source id that marks our own reasoning; never cited alone (sources.toml says why).
JUDGEMENT: Final = "judgement"
#: A latest pain rating (0-10) at or above this counts as acute (issue 4; CLINICAL.md section 5:
#: the diary uses the 0-10 numeric rating scale).
ACUTE_PAIN: Final = 7

#: Conditions that rule an exercise out, with the words shown to people. The ids are what
#: exercises.toml lists under `cautions`.
CAUTIONS: Final[Mapping[str, str]] = {
    "arm-symptoms": "pain, pins and needles, numbness, coldness or weakness in an arm or hand",
    "dizziness": "dizziness or feeling unsteady",
    "shoulder-instability": "a shoulder that has dislocated or feels unstable, or a frozen shoulder",
    "acute-spasm": "an acute neck spasm (an open episode, or pain of 7 or more)",
}
#: The caution that is active whenever the caller says `acute`.
ACUTE_CAUTION: Final = "acute-spasm"

_ARM: Final = frozenset({"arm-symptoms"})
_DIZZY: Final = frozenset({"dizziness"})
_SHOULDER: Final = frozenset({"shoulder-instability"})
_EVERY: Final = frozenset(CAUTIONS)
_NONE: Final = frozenset[str]()

#: Diary symptom (episodes.Symptom values) -> the cautions it activates. Sources: CLINICAL.md
#: section 3, "stop and seek advice for new arm symptoms" (Versus Arthritis) and "stop if dizzy"
#: (rehab leaflet). The rest is our judgement: the seed page's common symptoms change nothing; a
#: warning sign of section 1 rows 7-17 activates every caution, so until a clinician has seen it
#: only caution-free exercises (eyes, posture, easy shoulder moves) are offered, while triage
#: gives the advice. A symptom missing here activates every caution too (rule 6).
SYMPTOM_CAUTIONS: Final[Mapping[str, frozenset[str]]] = {
    # common with neck-muscle spasm (seed page)
    "headache": _NONE,
    "pain-on-movement": _NONE,
    "twitching": _NONE,
    "shoulder-discomfort": _NONE,
    "posture-discomfort": _NONE,
    # nerve root (row 6)
    "arm-pain": _ARM,
    "tingling-numbness": _ARM,
    "cold-arm": _ARM,
    "weakness": _ARM,
    # dizziness on its own (row 12 lists it; the brief and section 3 ask only to stop if dizzy)
    "dizziness": _DIZZY,
    # conditions a person may report about a shoulder (no diary symptom yet)
    "shoulder-instability": _SHOULDER,
    "frozen-shoulder": _SHOULDER,
    # warning signs (rows 7, 8, 10, 11, 12, 13, 17)
    "balance-problems": _EVERY,
    "drop-attacks": _EVERY,
    "fainting": _EVERY,
    "fever": _EVERY,
    "vomiting": _EVERY,
    "light-sensitivity": _EVERY,
    "drowsiness": _EVERY,
    "non-fading-rash": _EVERY,
    "thunderclap-headache": _EVERY,
    "seizure": _EVERY,
    "sudden-weakness": _EVERY,
    "face-numbness": _EVERY,
    "double-vision": _EVERY,
    "trouble-speaking-swallowing": _EVERY,
    "electric-shock-feeling": _EVERY,
    "clumsy-hands": _EVERY,
    "bladder-bowel-changes": _EVERY,
    "severe-headache": _EVERY,
    "vision-changes": _EVERY,
    "hearing-changes": _EVERY,
    "feeling-unwell": _EVERY,
    "night-sweats-weight-loss": _EVERY,
    "swollen-glands": _EVERY,
    "chest-pain": _EVERY,
    # the second clinical pass: neck-artery signs (IFOMPT cervical framework) and nerve signs
    # that spread or affect both arms (rows 6, 10-12)
    "nausea": _EVERY,
    "nystagmus": _EVERY,
    "sudden-unsteadiness": _EVERY,
    "sudden-vision-loss": _EVERY,
    "weakness-spreading": _EVERY,
    "both-arms": _EVERY,
}


class Phase(Enum):
    """When an exercise may be offered."""

    #: Gentle enough during an acute spasm; also offered at any other time.
    ACUTE_GENTLE = "acute-gentle"
    #: Recovery and prevention only; never while acute.
    RECOVERY = "recovery"


class Area(Enum):
    """The part of the body an exercise works on."""

    EYES = "eyes"
    NECK = "neck"
    SHOULDERS = "shoulders"
    UPPER_BACK = "upper-back"
    WHOLE_BODY = "whole-body"


@dataclass(frozen=True, slots=True, kw_only=True)
class Exercise:
    """One exercise of the catalogue, as checked by `parse_catalogue`."""

    id: str
    name: str
    area: Area
    steps: tuple[str, ...]
    hold_reps: str
    duration_s: int
    phase: Phase
    breaks: tuple[str, ...]
    cautions: tuple[str, ...]
    caution_text: str
    #: The picture's copy in the repository (icons/exercises/<id>.png); posture_guard.art draws it.
    picture: str
    sources: tuple[str, ...]
    #: What part is our own judgement; "" when the entry does not cite "judgement".
    judgement: str
    #: A PNG file shown as it is instead of the drawing: a clinic's own picture (core/pack.py),
    #: its path in the user's data folder; "" for the catalogue's (posture_guard.art draws those).
    picture_file: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """Every exercise, in file order, and every source they may cite."""

    exercises: tuple[Exercise, ...]
    sources: tuple[Source, ...]

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id.

        Raises:
            KeyError: no exercise has this id.
        """
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def source(self, source_id: str) -> Source:
        """The source with this id.

        Raises:
            KeyError: no source has this id.
        """
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def sources_of(self, exercise: Exercise) -> tuple[Source, ...]:
        """The sources an exercise cites, in the order it cites them."""
        return tuple(self.source(source_id) for source_id in exercise.sources)


# --- the catalogue -----------------------------------------------------------------------------

_MAX_STEP_CHARS: Final = 120
_MIN_DURATION_S: Final = 5
_MAX_DURATION_S: Final = 600
_STEPS_EXPECTED: Final = (
    f"expected short sentences ending with a full stop, at most {_MAX_STEP_CHARS} characters each"
)


def _exercise_id(raw: object) -> str:
    if not isinstance(raw, str) or not ID_RE.fullmatch(raw):
        raise ValueError("expected an id of lower-case words joined by -")
    return raw


def _steps(raw: object) -> tuple[str, ...]:
    steps = texts(at_least_one=True)(raw)
    for step in steps:
        if len(step) > _MAX_STEP_CHARS or not step.endswith("."):
            raise Invalid(_STEPS_EXPECTED, got=step)
    return steps


def _entries(raw: object) -> list[object]:
    if not isinstance(raw, list) or not raw:
        raise ValueError("expected one or more [[exercise]] tables")
    return raw


_ENTRIES: Final = Key("exercise", _entries)
_CATALOGUE: Final = Schema(
    keys=(_ENTRIES,),
    unknown="unknown key (expected [[exercise]] tables only)",
)

# The keys of an [[exercise]] table; "judgement" is optional.
_ID: Final = Key("id", _exercise_id)
_NAME: Final = Key("name", non_empty_text)
_AREA: Final = Key("area", one_of(Area, quoted=True))
_STEPS: Final = Key("steps", _steps)
_HOLD_REPS: Final = Key("hold_reps", non_empty_text)
_DURATION_S: Final = Key("duration_s", whole_number(_MIN_DURATION_S, _MAX_DURATION_S))
_PHASE: Final = Key("phase", one_of(Phase, quoted=True))
_BREAKS: Final = Key(
    "breaks",
    ids(BREAK_KINDS, f"the break kinds ({', '.join(BREAK_KINDS)})", at_least_one=True),
)
_CAUTIONS: Final = Key(
    "cautions", ids(CAUTIONS, f"the cautions ({', '.join(CAUTIONS)})", at_least_one=False)
)
_CAUTION_TEXT: Final = Key("caution_text", non_empty_text)
_PICTURE: Final = Key("picture", non_empty_text)
_JUDGEMENT: Final = Key("judgement", optional(text, ""))


#: Where the catalogue's pictures are kept in the repository.
PICTURE_DIR: Final = "icons/exercises"


def _sources_key(sources: Sequence[Source]) -> Key[tuple[str, ...]]:
    return Key("sources", ids([source.id for source in sources], SOURCES_FILE, at_least_one=True))


def _exercise_schema(sources: Key[tuple[str, ...]]) -> Schema:
    """The [[exercise]] keys in the order they are listed and checked; `sources` is the key
    that knows which sources the catalogue has."""
    return Schema(
        keys=(
            _ID,
            _NAME,
            _AREA,
            _STEPS,
            _HOLD_REPS,
            _DURATION_S,
            _PHASE,
            _BREAKS,
            _CAUTIONS,
            _CAUTION_TEXT,
            _PICTURE,
            sources,
            _JUDGEMENT,
        )
    )


def parse_catalogue(
    text: str, sources: Sequence[Source], *, file: str = EXERCISES_FILE
) -> Catalogue:
    """Check and read an exercise catalogue against the sources it may cite.

    Args:
        text: the catalogue's TOML: an array of `[[exercise]]` tables (keys: see exercises.toml).
        sources: every source an exercise may cite (from `content.parse_sources`).
        file: the name used in error messages.

    Returns:
        The catalogue, exercises in file order.

    Raises:
        ContentError: the first problem found, naming the file, the entry (`exercise "id"`, or
            `exercise #n` while the id itself is wrong), the key, what was expected and what was
            got. Checked: TOML, unknown or missing keys, every value's form, unique ids, known
            caution and source ids, "judgement" never cited alone and explained exactly when
            cited, no "acute-spasm" caution on an acute-gentle exercise, the picture path, and at
            least one exercise for every kind of break.
    """
    entries = _CATALOGUE.read(content_toml(text, file), in_content(file))[_ENTRIES]
    exercises: list[Exercise] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(entries, start=1):
        numbered = in_content(file, f"exercise #{number}")
        if not isinstance(values, dict):
            raise ContentError(file, f"exercise #{number}", "", "expected a table")
        exercise_id = values.get("id")
        if (
            isinstance(exercise_id, str) and exercise_id in seen
        ):  # before the rest: it names the entry
            raise ContentError(
                file,
                f'exercise "{exercise_id}"',
                "id",
                f"expected a unique id; exercise #{seen[exercise_id]} already has it",
                exercise_id,
            )
        exercise = parse_exercise(file, values, numbered, sources)
        seen[exercise.id] = number
        exercises.append(exercise)
    for kind in BREAK_KINDS:
        if not any(kind in exercise.breaks for exercise in exercises):
            raise ContentError(
                file, "", "", f'expected at least one exercise for the "{kind}" break'
            )
    return Catalogue(exercises=tuple(exercises), sources=tuple(sources))


def parse_exercise(
    file: str,
    values: Mapping[str, object],
    numbered: Refuse,
    sources: Sequence[Source],
    *,
    picture_dir: str = PICTURE_DIR,
) -> Exercise:
    """One [[exercise]] table: the id (it names the entry), the keys, each value in the
    schema's order, then the rules between keys. The picture must be `<picture_dir>/<id>.png`
    (a clinic's pack keeps its own pictures in its own folder: core/pack.py).

    Raises:
        ContentError: the first problem, as `parse_catalogue` says.
    """
    sources_key = _sources_key(sources)
    schema = _exercise_schema(sources_key)
    exercise_id = _ID.read(values, numbered)
    table = schema.read(values, in_content(file, f'exercise "{exercise_id}"'))
    exercise = Exercise(
        id=exercise_id,
        name=table[_NAME],
        area=table[_AREA],
        steps=table[_STEPS],
        hold_reps=table[_HOLD_REPS],
        duration_s=table[_DURATION_S],
        phase=table[_PHASE],
        breaks=table[_BREAKS],
        cautions=table[_CAUTIONS],
        caution_text=table[_CAUTION_TEXT],
        picture=table[_PICTURE],
        sources=table[sources_key],
        judgement=table[_JUDGEMENT],
    )
    if exercise.phase is Phase.ACUTE_GENTLE and ACUTE_CAUTION in exercise.cautions:
        raise table.error(
            "cautions",
            f'expected no "{ACUTE_CAUTION}" on an exercise whose phase is "{exercise.phase.value}"',
        )
    picture = f"{picture_dir}/{exercise_id}.png"
    if exercise.picture != picture:
        raise table.error("picture", f'expected "{picture}"')
    if exercise.sources == (JUDGEMENT,):
        raise table.error("sources", f'expected at least one source besides "{JUDGEMENT}"')
    if JUDGEMENT in exercise.sources and not exercise.judgement.strip():
        raise table.error(
            "judgement",
            f'expected a note saying what is our judgement, because sources include "{JUDGEMENT}"',
        )
    if JUDGEMENT not in exercise.sources and "judgement" in table:
        raise table.error(
            "judgement", f'expected no judgement note unless sources include "{JUDGEMENT}"'
        )
    return exercise


# --- loading the package data ---------------------------------------------------------------------


def load_catalogue() -> Catalogue:
    """The package's exercise catalogue (content/exercises.toml), checked against sources.toml.

    Raises:
        ContentError: a shipped file is broken (a bug in the package).
    """
    return parse_catalogue(content.package_text(EXERCISES_FILE), content.load_sources())


# --- the picker ----------------------------------------------------------------------------------


def is_acute(*, episode_open: bool, latest_pain: int | None) -> bool:
    """The picker's `acute`: a spasm episode is open, or the latest pain rating is ACUTE_PAIN or more.

    Args:
        episode_open: the diary has an episode without an end.
        latest_pain: the most recent 0-10 pain rating, or None when there is none.
    """
    return episode_open or (latest_pain is not None and latest_pain >= ACUTE_PAIN)


@dataclass(frozen=True, slots=True, kw_only=True)
class PickerInputs:
    """What the picker is told about the diary now."""

    acute: bool
    symptoms: frozenset[str]
    why: str
    neck: NeckLimit


def picker_inputs(
    current: Episode | None,
    latest: CheckIn | None,
    tier: Tier | None = None,
    *,
    now: datetime | None = None,
    pains: Sequence[PainEntry] | None = None,
) -> PickerInputs:
    """`acute` = is_acute(open episode, latest pain); symptoms = the current episode's so far,
    plus the latest check-in's when it was made during or after that episode; `neck` =
    neck_limit(latest, tier) (Rule 9).

    The latest pain is the rating entered last (`clock_ahead.latest_pain`); one dated ahead of
    `now` (entered while the clock ran ahead, `episodes.is_ahead`) is never trusted over one
    that is not.

    Args:
        current: the open episode, else the latest (`episodes.current_episode`), or None.
        latest: the most recent check-in, or None.
        tier: the tier of the advice that check-in was given, or None.
        now: the clock's reading; None trusts every date.
        pains: the ratings with their entry sequence (`Store.picker_diary`); None: the
            current episode's and the latest check-in's, ordered by date.
    """
    symptoms: set[str] = set()
    if current is not None:
        symptoms |= {m.value for m in current.symptoms_so_far}
    if latest is not None and (current is None or latest.at >= current.started):
        symptoms |= {m.value for m in latest.symptoms}
    if pains is None:
        pains = dated_pains(current, latest)
    latest_pain = clock_ahead.latest_pain(pains, now)
    episode_open = current is not None and current.is_open
    acute = is_acute(episode_open=episode_open, latest_pain=latest_pain)
    why = (
        "an episode is open"
        if episode_open
        else f"your latest pain is {latest_pain}"
        if acute
        else ""
    )
    return PickerInputs(
        acute=acute, symptoms=frozenset(symptoms), why=why, neck=neck_limit(latest, tier)
    )


def dated_pains(current: Episode | None, latest: CheckIn | None) -> list[PainEntry]:
    """The ratings of `current` (its start, its updates with a pain) and of `latest`, with no
    entry sequence (clock_ahead Rule 6 orders them by date)."""
    pains: list[PainEntry] = []
    if current is not None:
        pains.append(PainEntry(None, current.started, current.pain_at_start))
        pains += [PainEntry(None, u.at, u.pain) for u in current.updates if u.pain is not None]
    if latest is not None:
        pains.append(PainEntry(None, latest.at, latest.pain_now))
    return pains


class NeckLimit(Enum):
    """How far the picker may work the neck (Rule 9)."""

    FREE = "free"  # what rules 4-6 allow
    GENTLE = "gentle"  # neck exercises of the acute-gentle phase only
    HOLD = "hold"  # the eyes and standing or walking only


#: What HOLD still offers: nothing here moves the neck.
HOLD_AREAS: Final = frozenset({Area.EYES, Area.WHOLE_BODY})
#: The areas GENTLE keeps to the acute-gentle phase.
NECK_AREAS: Final = frozenset({Area.NECK})
#: Conditions that keep neck exercises gentle (Rule 9).
GENTLE_RISKS: Final = frozenset(
    {RiskFactor.INFLAMMATORY_ARTHRITIS, RiskFactor.OSTEOPOROSIS, RiskFactor.NECK_SURGERY}
)


def neck_limit(latest: CheckIn | None, tier: Tier | None) -> NeckLimit:
    """Rule 9 from the latest check-in and the tier of the advice it was given (None: no
    check-in yet, nothing limits)."""
    if latest is None:
        return NeckLimit.FREE
    if tier in (Tier.EMERGENCY, Tier.PROMPT) or latest.after_injury:
        return NeckLimit.HOLD
    if latest.risk_history & GENTLE_RISKS or latest.stiffness is Stiffness.SEVERE:
        return NeckLimit.GENTLE
    return NeckLimit.FREE


def active_cautions(symptoms: Collection[str], *, acute: bool) -> frozenset[str]:
    """The cautions that recorded symptoms (and an acute spasm) activate (rule 6).

    A symptom SYMPTOM_CAUTIONS does not know activates every caution.
    """
    active: set[str] = {ACUTE_CAUTION} if acute else set()
    for symptom in symptoms:
        active |= SYMPTOM_CAUTIONS.get(symptom, _EVERY)
    return frozenset(active)


def eligible(
    catalogue: Catalogue,
    *,
    kind: str,
    acute: bool,
    symptoms: Collection[str],
    length_s: int,
    neck: NeckLimit = NeckLimit.FREE,
) -> tuple[Exercise, ...]:
    """Every exercise the picker may offer for this break, in catalogue order (rules 4-6, 9).

    Args:
        catalogue: from `load_catalogue`.
        kind: the break kind, one of config.BREAK_KINDS.
        acute: see `is_acute`; while true, only the acute-gentle phase.
        symptoms: the diary symptoms recorded for the current or latest episode.
        length_s: the break's length; an exercise fits when its duration_s is no longer.
        neck: `neck_limit` of the latest check-in (Rule 9).

    Raises:
        ValueError: `kind` is not a break kind (a caller's mistake).
    """
    if kind not in BREAK_KINDS:
        raise ValueError(f"unknown break kind {kind!r}: expected one of {', '.join(BREAK_KINDS)}")
    ruled_out = active_cautions(symptoms, acute=acute)
    return tuple(
        exercise
        for exercise in catalogue.exercises
        if kind in exercise.breaks
        and exercise.duration_s <= length_s
        and (not acute or exercise.phase is Phase.ACUTE_GENTLE)
        and ruled_out.isdisjoint(exercise.cautions)
        and _within(exercise, neck)
    )


def _within(exercise: Exercise, neck: NeckLimit) -> bool:
    if neck is NeckLimit.HOLD:
        return exercise.area in HOLD_AREAS
    if neck is NeckLimit.GENTLE and exercise.area in NECK_AREAS:
        return exercise.phase is Phase.ACUTE_GENTLE
    return True


def instructions(exercise: Exercise) -> str:
    """The exercise as one short paragraph for a notice: name, steps, hold and repeats, in the
    language in use (the catalogue carries exercises.toml's words)."""
    steps = " ".join(_(step) for step in exercise.steps)
    # Translators: an exercise on one line: its name, its steps, then how long to hold and how
    # often to repeat
    return _("{name}: {steps} {hold_reps}").format(
        name=_(exercise.name), steps=steps, hold_reps=_(exercise.hold_reps)
    )


def pick(
    catalogue: Catalogue,
    *,
    kind: str,
    history: Sequence[str],
    acute: bool,
    symptoms: Collection[str],
    length_s: int,
    neck: NeckLimit = NeckLimit.FREE,
) -> Exercise | None:
    """The exercise to offer in this break, or None when no exercise fits.

    Args:
        catalogue: from `load_catalogue`.
        kind: the break kind, one of config.BREAK_KINDS.
        history: ids of the exercises offered before, oldest first, of any kind; ids that are not
            eligible now are skipped. Repeats are avoided over what is passed: the last 100
            entries are plenty.
        acute: true while a spasm episode is open or the latest pain is 7 or more (the caller
            decides; `is_acute` spells the rule). Only acute-gentle exercises then.
        symptoms: the diary symptoms recorded for the current or latest episode.
        length_s: the break's length in seconds.
        neck: `neck_limit` of the latest check-in (Rule 9).

    Returns:
        The next exercise of the rotation (rule 7), or None when nothing is eligible: the break
        is still taken, and the caller shows no exercise rather than a fallback that may not
        respect the same cautions.

    Raises:
        ValueError: `kind` is not a break kind (a caller's mistake). Never raised because
            nothing fits.
    """
    candidates = eligible(
        catalogue, kind=kind, acute=acute, symptoms=symptoms, length_s=length_s, neck=neck
    )
    if not candidates:
        return None
    last_shown = {exercise_id: index for index, exercise_id in enumerate(history)}
    # never shown (-1) first, then shown longest ago; min() keeps catalogue order on ties
    return min(candidates, key=lambda exercise: last_shown.get(exercise.id, -1))
