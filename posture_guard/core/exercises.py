"""The exercise catalogue and the picker: the one concrete thing each break offers.

Rule 1: the catalogue is data. `content/exercises.toml` holds the exercises, in our own words,
        and every entry cites ids from `content/sources.toml`; CAUTIONS and SYMPTOM_CAUTIONS below
        are the only vocabulary and mapping the picker knows.
Rule 2: pure. The only I/O is `_package_text`, which reads package data from
        its package folder; everything else takes text or values, so a test can hand over a
        broken catalogue from memory.
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

Theory of operation. `eligible()` filters the catalogue by rules 4-6, keeping catalogue order;
`pick()` takes the one whose last appearance in the history is earliest. Why that is a rotation:
if the pick had been shown among the last len(eligible) - 1 eligible entries of the history,
every other candidate would have been shown after it, so those entries would hold all
len(eligible) exercises, one too many. History ids that are not eligible now (another kind, a
symptom since recorded, an exercise since removed) simply never match.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar
from urllib.parse import urlsplit

from posture_guard.core.errors import MISSING, ContentError
from posture_guard.core.settings import BREAK_KINDS

if TYPE_CHECKING:
    from datetime import datetime

    from posture_guard.core.episodes import CheckIn, Episode

EXERCISES_FILE: Final = "exercises.toml"
SOURCES_FILE: Final = "sources.toml"
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
class Source:
    """One citable source from sources.toml; `url` is empty for the seed page and judgement."""

    id: str
    title: str
    url: str
    note: str


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


# --- checking one table of TOML --------------------------------------------------------------

_E = TypeVar("_E", bound=Enum)
_ID_RE: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MAX_STEP_CHARS: Final = 120
_MIN_DURATION_S: Final = 5
_MAX_DURATION_S: Final = 600


@dataclass(frozen=True, slots=True)
class _Table:
    """One entry of a content file, with what is needed to name it in an error."""

    file: str
    entry: str
    values: Mapping[str, object]

    def error(self, key: str, expected: str) -> ContentError:
        return ContentError(self.file, self.entry, key, expected, self.values.get(key, MISSING))

    def reject_unknown(self, known: Sequence[str]) -> None:
        for key in self.values:
            if key not in known:
                raise self.error(key, f"unknown key (expected one of: {', '.join(known)})")

    def text(self, key: str, *, allow_empty: bool = False, optional: bool = False) -> str:
        """A string; a missing key is an error unless `optional` (then it reads as "")."""
        value = self.values.get(key, "" if optional else MISSING)
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise self.error(
                key, "expected a string" if allow_empty else "expected a non-empty string"
            )
        return value

    def texts(self, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        value = self.values.get(key)
        expected = "expected a list of non-empty strings" + (
            "" if allow_empty else ", at least one"
        )
        if not isinstance(value, list):
            raise self.error(key, expected)
        items = tuple(item for item in value if isinstance(item, str) and item.strip())
        if len(items) != len(value) or (not allow_empty and not items):
            raise self.error(key, expected)
        return items

    def ids(
        self, key: str, known: Collection[str], what: str, *, allow_empty: bool
    ) -> tuple[str, ...]:
        items = self.texts(key, allow_empty=allow_empty)
        unknown = [item for item in items if item not in known]
        if unknown:
            listed = ", ".join(f'"{item}"' for item in unknown)
            raise self.error(key, f"expected ids from {what}; unknown: {listed}")
        if len(set(items)) != len(items):
            raise self.error(key, "expected each id once")
        return items

    def whole_number(self, key: str, low: int, high: int) -> int:
        value = self.values.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"expected a whole number from {low} to {high}")
        return value

    def choice(self, key: str, choices: type[_E]) -> _E:
        value = self.values.get(key)
        for member in choices:
            if member.value == value:
                return member
        names = ", ".join(f'"{member.value}"' for member in choices)
        raise self.error(key, f"expected one of {names}")


def _document(text: str, file: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(file, "", "", f"not valid TOML: {exc}") from None


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        return False
    return (
        parts.scheme in ("https", "http")
        and bool(parts.hostname)
        and not any(ch.isspace() for ch in url)
    )


# --- sources -----------------------------------------------------------------------------------


def parse_sources(text: str, *, file: str = SOURCES_FILE) -> tuple[Source, ...]:
    """Check and read a sources file: one table per source id with title, url and an optional note.

    Args:
        text: the file's text.
        file: the name used in error messages.

    Returns:
        The sources in file order.

    Raises:
        ContentError: the text is not TOML, or an entry is wrong (names the id and the key).
    """
    document = _document(text, file)
    sources: list[Source] = []
    for source_id, values in document.items():
        entry = f"[{source_id}]"
        if not _ID_RE.fullmatch(source_id):
            raise ContentError(file, entry, "", "expected an id of lower-case words joined by -")
        if not isinstance(values, dict):
            raise ContentError(file, "", source_id, "expected a table with title and url", values)
        table = _Table(file, entry, values)
        table.reject_unknown(("title", "url", "note"))
        url = table.text("url", allow_empty=True)
        if url and not _is_web_address(url):
            raise table.error(
                "url", 'expected "" or a web address starting with https:// or http://'
            )
        sources.append(
            Source(
                id=source_id,
                title=table.text("title"),
                url=url,
                note=table.text("note", allow_empty=True, optional=True),
            )
        )
    return tuple(sources)


# --- the catalogue -----------------------------------------------------------------------------

#: Every key of an [[exercise]] table, in the order they are checked; "judgement" is optional.
_KEYS: Final = (
    "id",
    "name",
    "area",
    "steps",
    "hold_reps",
    "duration_s",
    "phase",
    "breaks",
    "cautions",
    "caution_text",
    "picture",
    "sources",
    "judgement",
)
_BREAK_KINDS_TEXT: Final = f"the break kinds ({', '.join(BREAK_KINDS)})"
_CAUTIONS_TEXT: Final = f"the cautions ({', '.join(CAUTIONS)})"


def parse_catalogue(
    text: str, sources: Sequence[Source], *, file: str = EXERCISES_FILE
) -> Catalogue:
    """Check and read an exercise catalogue against the sources it may cite.

    Args:
        text: the catalogue's TOML: an array of `[[exercise]]` tables (keys: see exercises.toml).
        sources: every source an exercise may cite (from `parse_sources`).
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
    document = _document(text, file)
    for key in document:
        if key != "exercise":
            raise ContentError(
                file, "", key, "unknown key (expected [[exercise]] tables only)", document[key]
            )
    entries = document.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise ContentError(
            file,
            "",
            "exercise",
            "expected one or more [[exercise]] tables",
            entries if entries is not None else MISSING,
        )
    source_ids = [source.id for source in sources]
    exercises: list[Exercise] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(entries, start=1):
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
        exercise = _parse_exercise(_Table(file, f"exercise #{number}", values), source_ids)
        seen[exercise.id] = number
        exercises.append(exercise)
    for kind in BREAK_KINDS:
        if not any(kind in exercise.breaks for exercise in exercises):
            raise ContentError(
                file, "", "", f'expected at least one exercise for the "{kind}" break'
            )
    return Catalogue(exercises=tuple(exercises), sources=tuple(sources))


def _parse_exercise(numbered: _Table, source_ids: Collection[str]) -> Exercise:
    """One [[exercise]] table: each key's form in _KEYS order, then the rules between keys."""
    exercise_id = numbered.values.get("id", MISSING)
    if not isinstance(exercise_id, str) or not _ID_RE.fullmatch(exercise_id):
        raise numbered.error("id", "expected an id of lower-case words joined by -")
    table = _Table(numbered.file, f'exercise "{exercise_id}"', numbered.values)
    table.reject_unknown(_KEYS)
    exercise = Exercise(
        id=exercise_id,
        name=table.text("name"),
        area=table.choice("area", Area),
        steps=_steps(table),
        hold_reps=table.text("hold_reps"),
        duration_s=table.whole_number("duration_s", _MIN_DURATION_S, _MAX_DURATION_S),
        phase=table.choice("phase", Phase),
        breaks=table.ids("breaks", BREAK_KINDS, _BREAK_KINDS_TEXT, allow_empty=False),
        cautions=table.ids("cautions", CAUTIONS, _CAUTIONS_TEXT, allow_empty=True),
        caution_text=table.text("caution_text"),
        picture=table.text("picture"),
        sources=table.ids("sources", source_ids, SOURCES_FILE, allow_empty=False),
        judgement=table.text("judgement", allow_empty=True, optional=True),
    )
    if exercise.phase is Phase.ACUTE_GENTLE and ACUTE_CAUTION in exercise.cautions:
        raise table.error(
            "cautions",
            f'expected no "{ACUTE_CAUTION}" on an exercise whose phase is "{exercise.phase.value}"',
        )
    picture = f"icons/exercises/{exercise_id}.png"
    if exercise.picture != picture:
        raise table.error("picture", f'expected "{picture}"')
    if exercise.sources == (JUDGEMENT,):
        raise table.error("sources", f'expected at least one source besides "{JUDGEMENT}"')
    if JUDGEMENT in exercise.sources and not exercise.judgement.strip():
        raise table.error(
            "judgement",
            f'expected a note saying what is our judgement, because sources include "{JUDGEMENT}"',
        )
    if JUDGEMENT not in exercise.sources and "judgement" in table.values:
        raise table.error(
            "judgement", f'expected no judgement note unless sources include "{JUDGEMENT}"'
        )
    return exercise


def _steps(table: _Table) -> tuple[str, ...]:
    steps = table.texts("steps")
    for step in steps:
        if len(step) > _MAX_STEP_CHARS or not step.endswith("."):
            raise ContentError(
                table.file,
                table.entry,
                "steps",
                f"expected short sentences ending with a full stop, at most {_MAX_STEP_CHARS} characters each",
                step,
            )
    return steps


# --- loading the package data: the only I/O in this module -------------------------------------


def _package_text(name: str) -> str:
    """The text of a file in posture_guard/content (a plain path: see config.DEFAULTS)."""
    return (Path(__file__).parents[1] / "content" / name).read_text(encoding="utf-8")


def content_document(name: str) -> dict[str, object]:
    """A file of posture_guard/content parsed as TOML (for the other content loaders).

    Raises:
        ContentError: the file is not valid TOML (a bug in the package).
    """
    return _document(_package_text(name), name)


def load_sources() -> tuple[Source, ...]:
    """Every source the package's content may cite (content/sources.toml).

    Raises:
        ContentError: the shipped file is broken (a bug in the package).
    """
    return parse_sources(_package_text(SOURCES_FILE))


def load_catalogue() -> Catalogue:
    """The package's exercise catalogue (content/exercises.toml), checked against sources.toml.

    Raises:
        ContentError: a shipped file is broken (a bug in the package).
    """
    return parse_catalogue(_package_text(EXERCISES_FILE), load_sources())


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


def picker_inputs(current: Episode | None, latest: CheckIn | None) -> PickerInputs:
    """`acute` = is_acute(open episode, latest pain); symptoms = the current episode's so far,
    plus the latest check-in's when it was made during or after that episode.

    Args:
        current: the open episode, else the latest (`episodes.current_episode`), or None.
        latest: the most recent check-in, or None.
    """
    pains: list[tuple[datetime, int]] = []
    symptoms: set[str] = set()
    if current is not None:
        pains.append((current.started, current.pain_at_start))
        pains += [(u.at, u.pain) for u in current.updates if u.pain is not None]
        symptoms |= {m.value for m in current.symptoms_so_far}
    if latest is not None:
        pains.append((latest.at, latest.pain_now))
        if current is None or latest.at >= current.started:
            symptoms |= {m.value for m in latest.symptoms}
    latest_pain = max(pains, key=lambda p: p[0])[1] if pains else None
    episode_open = current is not None and current.is_open
    acute = is_acute(episode_open=episode_open, latest_pain=latest_pain)
    why = (
        "an episode is open"
        if episode_open
        else f"your latest pain is {latest_pain}"
        if acute
        else ""
    )
    return PickerInputs(acute=acute, symptoms=frozenset(symptoms), why=why)


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
) -> tuple[Exercise, ...]:
    """Every exercise the picker may offer for this break, in catalogue order (rules 4-6).

    Args:
        catalogue: from `load_catalogue`.
        kind: the break kind, one of config.BREAK_KINDS.
        acute: see `is_acute`; while true, only the acute-gentle phase.
        symptoms: the diary symptoms recorded for the current or latest episode.
        length_s: the break's length; an exercise fits when its duration_s is no longer.

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
    )


def instructions(exercise: Exercise) -> str:
    """The exercise as one short paragraph for a notice: name, steps, hold and repeats."""
    return f"{exercise.name}: {' '.join(exercise.steps)} {exercise.hold_reps}"


def pick(
    catalogue: Catalogue,
    *,
    kind: str,
    history: Sequence[str],
    acute: bool,
    symptoms: Collection[str],
    length_s: int,
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

    Returns:
        The next exercise of the rotation (rule 7), or None when nothing is eligible: the break
        is still taken, and the caller shows no exercise rather than a fallback that may not
        respect the same cautions.

    Raises:
        ValueError: `kind` is not a break kind (a caller's mistake). Never raised because
            nothing fits.
    """
    candidates = eligible(catalogue, kind=kind, acute=acute, symptoms=symptoms, length_s=length_s)
    if not candidates:
        return None
    last_shown = {exercise_id: index for index, exercise_id in enumerate(history)}
    # never shown (-1) first, then shown longest ago; min() keeps catalogue order on ties
    return min(candidates, key=lambda exercise: last_shown.get(exercise.id, -1))
