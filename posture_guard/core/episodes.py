"""The diary's values: episodes of neck pain, their timed updates, and check-ins. Pure.

Rule 1: a value that exists is valid. Episode, EpisodeUpdate and CheckIn check themselves when
        they are built (as h11's events do), so no invalid diary value travels anywhere.
Rule 2: every problem names the field, what was expected and what was got, e.g.
        `pain = 11: expected a whole number from 0 (no pain) to 10 (worst imaginable)`.
        DiaryValueError carries the three parts; a record error also says which record.
Rule 3: every vocabulary (stiffness, areas, triggers, symptoms, what helped, trend, risk history,
        age band) is an Enum whose values are the words the CLI takes and the store keeps
        ("tingling-numbness"). Symptoms cover the seed page and every warning sign in
        CLINICAL.md section 1, so triage can read them; `LABELS` says each in plain words.
Rule 4: `to_record()` / `from_record()` turn every value into a JSON-able dict and back, exactly:
        sets become lists in vocabulary order, times ISO 8601 with their UTC offset. So that
        this holds even in the hour a DST change repeats, a value keeps its times with a fixed
        offset: a named zone (ZoneInfo) becomes its offset at that moment when the value is
        built. An unknown key, a missing key, a wrong type or an unknown word in a record is an
        error that names it.
Rule 5: the episode lifecycle is pure functions over values: `start_episode` only when no episode
        is open (and not inside an earlier one), `update_episode` only an open episode and not
        before its start, `end_episode` only an open episode and not before its start or its last
        update. A refused change raises IllegalEpisodeChange and changes nothing.
Rule 6: no clock and no I/O; times arrive as aware datetimes.
Rule 7: the newest episode is the one entered last (the highest id, the store's row order),
        never the one dated latest: a date may be back-dated (`--at`) or, entered while the
        system clock ran ahead, in the future (clock_ahead.py). `open_episode`,
        `current_episode` and `entered_last` pick by entry order; a moment dated more than
        `TOLERANCE` after `now` (`is_ahead`) tells nothing about when it really was.

Pain is the Numeric Pain Rating Scale (NPRS): one whole number, 0 (no pain) to 10 (worst
imaginable), as CLINICAL.md section 5 recommends for the daily diary.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Final, Self, TypeVar

from posture_guard.core.content import Invalid, Key, Refusal, Refuse, Schema, one_of
from posture_guard.core.errors import (
    DiaryError,
    DiaryValueError,
    IllegalEpisodeChange,
    PostureGuardError,
)
from posture_guard.core.i18n import N_, _

# --- vocabularies ------------------------------------------------------------------------------


class Stiffness(Enum):
    """How stiff the neck is, in order; `SEVERE` means the head can hardly be turned."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"

    @property
    def level(self) -> int:
        """0 (none) to 3 (severe), for comparing."""
        return list(Stiffness).index(self)


class Area(Enum):
    """Where it hurts."""

    NECK_LEFT = "neck-left"
    NECK_RIGHT = "neck-right"
    NECK_BOTH = "neck-both"
    SHOULDER = "shoulder"
    UPPER_BACK = "upper-back"
    HEAD = "head"


class Trigger(Enum):
    """What seemed to set the episode off (the seed page's causes, plus sleep position)."""

    POSTURE = "posture"
    LONG_SCREEN_SESSION = "long-screen-session"
    STRESS = "stress"
    SUDDEN_MOVEMENT = "sudden-movement"
    SLEEP_POSITION = "sleep-position"
    OTHER = "other"


class Symptom(Enum):
    """Everything the diary and the check-in can record besides pain and stiffness.

    The first group is the seed page's common symptoms; the rest are the warning signs of
    CLINICAL.md section 1 (the row is given), which triage.py reads.
    """

    # common with neck-muscle spasm (seed page)
    HEADACHE = "headache"
    PAIN_ON_MOVEMENT = "pain-on-movement"
    TWITCHING = "twitching"
    SHOULDER_DISCOMFORT = "shoulder-discomfort"
    POSTURE_DISCOMFORT = "posture-discomfort"
    # nerve root (row 6)
    ARM_PAIN = "arm-pain"
    TINGLING_NUMBNESS = "tingling-numbness"
    COLD_ARM = "cold-arm"
    WEAKNESS = "weakness"
    # meningitis (row 7)
    FEVER = "fever"
    VOMITING = "vomiting"
    LIGHT_SENSITIVITY = "light-sensitivity"
    DROWSINESS = "drowsiness"
    NON_FADING_RASH = "non-fading-rash"
    # bleeding around the brain (row 8)
    THUNDERCLAP_HEADACHE = "thunderclap-headache"
    SEIZURE = "seizure"
    # sudden nerve, cord or brain signs (row 10)
    SUDDEN_WEAKNESS = "sudden-weakness"
    FACE_NUMBNESS = "face-numbness"
    DOUBLE_VISION = "double-vision"
    TROUBLE_SPEAKING_SWALLOWING = "trouble-speaking-swallowing"
    FAINTING = "fainting"
    ELECTRIC_SHOCK_FEELING = "electric-shock-feeling"
    # spinal cord, gradual (row 11)
    CLUMSY_HANDS = "clumsy-hands"
    BALANCE_PROBLEMS = "balance-problems"
    BLADDER_BOWEL_CHANGES = "bladder-bowel-changes"
    # neck artery (row 12)
    SEVERE_HEADACHE = "severe-headache"
    DIZZINESS = "dizziness"
    VISION_CHANGES = "vision-changes"
    HEARING_CHANGES = "hearing-changes"
    DROP_ATTACKS = "drop-attacks"
    # the whole body (row 13)
    FEELING_UNWELL = "feeling-unwell"
    NIGHT_SWEATS_WEIGHT_LOSS = "night-sweats-weight-loss"
    SWOLLEN_GLANDS = "swollen-glands"
    # heart (row 17)
    CHEST_PAIN = "chest-pain"
    # the second clinical pass: the rest of the neck-artery signs (IFOMPT cervical framework;
    # rows 10 and 12), and nerve signs that are spreading or on both sides (rows 6 and 11)
    NAUSEA = "nausea"
    NYSTAGMUS = "nystagmus"
    SUDDEN_UNSTEADINESS = "sudden-unsteadiness"
    SUDDEN_VISION_LOSS = "sudden-vision-loss"
    WEAKNESS_SPREADING = "weakness-spreading"
    BOTH_ARMS = "both-arms"


#: The seed page's everyday symptoms of a neck-muscle spasm: the check-in asks them apart from
#: the warning signs (every other Symptom), which need an explicit "none of these".
EVERYDAY_SYMPTOMS: Final = (
    Symptom.HEADACHE,
    Symptom.PAIN_ON_MOVEMENT,
    Symptom.TWITCHING,
    Symptom.SHOULDER_DISCOMFORT,
    Symptom.POSTURE_DISCOMFORT,
)
#: Every other symptom is a warning sign (CLINICAL.md section 1), in vocabulary order.
WARNING_SYMPTOMS: Final = tuple(s for s in Symptom if s not in EVERYDAY_SYMPTOMS)


class Helped(Enum):
    """What eased it."""

    HEAT = "heat"
    COLD = "cold"
    REST = "rest"
    STRETCHING = "stretching"
    MOVEMENT = "movement"
    MEDICATION = "medication"
    PHYSIOTHERAPY = "physiotherapy"
    MASSAGE = "massage"
    OTHER = "other"


class Trend(Enum):
    """How things are since the last check-in (or since the episode began), in order."""

    IMPROVING = "improving"
    SAME = "same"
    WORSE = "worse"

    @property
    def level(self) -> int:
        """0 (improving) to 2 (worse), for comparing."""
        return list(Trend).index(self)


class RiskFactor(Enum):
    """Past or present conditions that make a serious cause of neck pain more likely."""

    CANCER = "cancer"
    TUBERCULOSIS = "tuberculosis"
    IMMUNOSUPPRESSION = "immunosuppression"
    IV_DRUG_USE = "iv-drug-use"
    INFLAMMATORY_ARTHRITIS = "inflammatory-arthritis"
    OSTEOPOROSIS = "osteoporosis"
    NECK_SURGERY = "neck-surgery"
    VASCULAR_DISEASE = "vascular-disease"


class Answer(Enum):
    """Yes, no or not sure, for questions a person may not know the answer to (the injury
    questions). In order; only NO is false, so code that asks `if answer:` treats "not sure"
    as yes: the safe reading (triage Rule 1)."""

    NO = "no"
    NOT_SURE = "not-sure"
    YES = "yes"

    def __bool__(self) -> bool:
        return self is not Answer.NO

    @property
    def level(self) -> int:
        """0 (no) to 2 (yes), for comparing."""
        return list(Answer).index(self)


class Lasted(Enum):
    """How long the neck pain or stiffness has lasted so far, in order (CLINICAL.md row 1:
    "a few weeks"; CKS: 4-12 weeks)."""

    UNDER_1_WEEK = "under-1-week"
    WEEKS_1_TO_3 = "1-3-weeks"
    WEEKS_3_TO_12 = "3-12-weeks"
    OVER_12_WEEKS = "over-12-weeks"

    @property
    def level(self) -> int:
        """0 (under a week) to 3 (more than 12 weeks), for comparing."""
        return list(Lasted).index(self)


def lasted_for(duration: timedelta) -> Lasted:
    """The band of a duration: 6 days 23 hours -> under a week, 3 weeks -> 3 to 12 weeks."""
    if duration < timedelta(weeks=1):
        return Lasted.UNDER_1_WEEK
    if duration < timedelta(weeks=3):
        return Lasted.WEEKS_1_TO_3
    if duration <= timedelta(weeks=12):
        return Lasted.WEEKS_3_TO_12
    return Lasted.OVER_12_WEEKS


class AgeBand(Enum):
    """Age in the bands the warning signs use (CLINICAL.md rows 9 and 15)."""

    UNDER_20 = "under-20"
    FROM_20_TO_50 = "20-50"
    FROM_51_TO_55 = "51-55"
    FROM_56_TO_64 = "56-64"
    FROM_65 = "65-plus"


#: Each vocabulary word in plain words, for the check-in questions, forms and reports; marked
#: for the catalogues, translated where shown (`_(LABELS[member])`, i18n Rule 2).
LABELS: Final[Mapping[Enum, str]] = {
    Stiffness.NONE: N_("no stiffness"),
    Stiffness.MILD: N_("a little stiff"),
    Stiffness.MODERATE: N_("stiff: turning the head is limited"),
    Stiffness.SEVERE: N_("very stiff: I can hardly turn my head"),
    Area.NECK_LEFT: N_("left side of the neck"),
    Area.NECK_RIGHT: N_("right side of the neck"),
    Area.NECK_BOTH: N_("both sides of the neck"),
    Area.SHOULDER: N_("shoulder"),
    Area.UPPER_BACK: N_("upper back"),
    Area.HEAD: N_("head"),
    Trigger.POSTURE: N_("awkward or slumped posture"),
    Trigger.LONG_SCREEN_SESSION: N_("a long spell at the screen"),
    Trigger.STRESS: N_("stress"),
    Trigger.SUDDEN_MOVEMENT: N_("a sudden movement"),
    Trigger.SLEEP_POSITION: N_("the way I slept"),
    Trigger.OTHER: N_("something else"),
    Symptom.HEADACHE: N_("headache, like my usual tension headache"),
    Symptom.PAIN_ON_MOVEMENT: N_("pain that gets worse when I move"),
    Symptom.TWITCHING: N_("twitching, cramping or tight neck muscles"),
    Symptom.SHOULDER_DISCOMFORT: N_("shoulder discomfort"),
    Symptom.POSTURE_DISCOMFORT: N_("hard to find a comfortable position"),
    Symptom.ARM_PAIN: N_("pain spreading down an arm"),
    Symptom.TINGLING_NUMBNESS: N_("pins and needles or numbness in an arm or hand"),
    Symptom.COLD_ARM: N_("an arm that feels cold"),
    Symptom.WEAKNESS: N_("weakness in an arm or hand"),
    Symptom.FEVER: N_("fever (high temperature, hot or shivery)"),
    Symptom.VOMITING: N_("being sick (vomiting)"),
    Symptom.LIGHT_SENSITIVITY: N_("bright light hurts my eyes"),
    Symptom.DROWSINESS: N_("unusually drowsy, confused or hard to wake"),
    Symptom.NON_FADING_RASH: N_("a rash that does not fade when a glass is pressed on it"),
    Symptom.THUNDERCLAP_HEADACHE: N_(
        "a sudden, very severe headache, the worst ever, peaking in moments"
    ),
    Symptom.SEIZURE: N_("a seizure (fit)"),
    Symptom.SUDDEN_WEAKNESS: N_("sudden weakness or loss of coordination in an arm or leg"),
    Symptom.FACE_NUMBNESS: N_("new numbness or tingling in the face"),
    Symptom.DOUBLE_VISION: N_("double vision"),
    Symptom.TROUBLE_SPEAKING_SWALLOWING: N_("trouble speaking or swallowing"),
    Symptom.FAINTING: N_("fainting or blacking out"),
    Symptom.ELECTRIC_SHOCK_FEELING: N_("an electric-shock feeling down the spine or limbs"),
    Symptom.CLUMSY_HANDS: N_("clumsy hands (buttons, writing, picking things up)"),
    Symptom.BALANCE_PROBLEMS: N_("unsteady walking or poor balance"),
    Symptom.BLADDER_BOWEL_CHANGES: N_("changes in bladder or bowel control"),
    Symptom.SEVERE_HEADACHE: N_("a new, severe headache, unlike my usual ones"),
    Symptom.DIZZINESS: N_("dizziness"),
    Symptom.VISION_CHANGES: N_("blurred vision or other changes in sight"),
    Symptom.HEARING_CHANGES: N_("changes in hearing"),
    Symptom.DROP_ATTACKS: N_("sudden falls without blacking out"),
    Symptom.FEELING_UNWELL: N_("feeling generally unwell"),
    Symptom.NIGHT_SWEATS_WEIGHT_LOSS: N_("night sweats or weight loss I cannot explain"),
    Symptom.SWOLLEN_GLANDS: N_("swollen glands"),
    Symptom.CHEST_PAIN: N_("chest pain, tightness or pressure"),
    Symptom.NAUSEA: N_("feeling sick (nausea)"),
    Symptom.NYSTAGMUS: N_("eyes flicking or jumping on their own, or the view seeming to jump"),
    Symptom.SUDDEN_UNSTEADINESS: N_(
        "suddenly unsteady on my feet, staggering or falling to one side"
    ),
    Symptom.SUDDEN_VISION_LOSS: N_("sudden loss of sight, in one or both eyes"),
    Symptom.WEAKNESS_SPREADING: N_("weakness or numbness that is getting worse or spreading"),
    Symptom.BOTH_ARMS: N_("pain, pins and needles, numbness or weakness in both arms"),
    Helped.HEAT: N_("heat"),
    Helped.COLD: N_("cold"),
    Helped.REST: N_("rest"),
    Helped.STRETCHING: N_("stretching"),
    Helped.MOVEMENT: N_("moving about"),
    Helped.MEDICATION: N_("pain relief or other medicine"),
    Helped.PHYSIOTHERAPY: N_("physiotherapy"),
    Helped.MASSAGE: N_("massage"),
    Helped.OTHER: N_("something else"),
    Trend.IMPROVING: N_("getting better"),
    Trend.SAME: N_("about the same"),
    Trend.WORSE: N_("getting worse"),
    RiskFactor.CANCER: N_("cancer, now or in the past"),
    RiskFactor.TUBERCULOSIS: N_("tuberculosis (TB)"),
    RiskFactor.IMMUNOSUPPRESSION: N_(
        "a weakened immune system (e.g. HIV, chemotherapy, long-term steroids)"
    ),
    RiskFactor.IV_DRUG_USE: N_("injecting drugs"),
    RiskFactor.INFLAMMATORY_ARTHRITIS: N_("inflammatory arthritis (e.g. rheumatoid arthritis)"),
    RiskFactor.OSTEOPOROSIS: N_("osteoporosis (thin bones)"),
    RiskFactor.NECK_SURGERY: N_("an operation on the neck"),
    RiskFactor.VASCULAR_DISEASE: N_("heart or blood-vessel disease, or a stroke"),
    Answer.NO: N_("no"),
    Answer.NOT_SURE: N_("not sure"),
    Answer.YES: N_("yes"),
    Lasted.UNDER_1_WEEK: N_("less than a week"),
    Lasted.WEEKS_1_TO_3: N_("1 to 3 weeks"),
    Lasted.WEEKS_3_TO_12: N_("3 to 12 weeks"),
    Lasted.OVER_12_WEEKS: N_("more than 12 weeks"),
    AgeBand.UNDER_20: N_("under 20"),
    AgeBand.FROM_20_TO_50: N_("20 to 50"),
    AgeBand.FROM_51_TO_55: N_("51 to 55"),
    AgeBand.FROM_56_TO_64: N_("56 to 64"),
    AgeBand.FROM_65: N_("65 or over"),
}

#: The check-in's answers as the CLI names them (flag without dashes) -> CheckIn field.
CHECK_IN_FLAGS: Final[Mapping[str, str]] = {
    "pain": "pain_now",
    "stiffness": "stiffness",
    "symptom": "symptoms",
    "trend": "trend",
    "lasted": "pain_lasted",
    "sleep-disturbed": "pain_disturbs_sleep",
    "stops-work": "pain_stops_work",
    "daily-life-affected": "daily_life_affected",
    "home-care-days": "home_care_days",
    "after-injury": "after_injury",
    "high-risk-injury": "high_risk_mechanism",
    "head-injury": "head_injury",
    "neck-manipulation": "neck_manipulation",
    "risk": "risk_history",
    "age": "age_band",
}

#: What the check-in asks, field by field, in plain words (translated where asked).
CHECK_IN_QUESTIONS: Final[Mapping[str, str]] = {
    "pain_now": N_(
        "How bad is the neck pain right now, from 0 (no pain) to 10 (worst imaginable)?"
    ),
    "stiffness": N_(
        "How stiff is your neck: none, mild, moderate, or severe (you can hardly turn your head)?"
    ),
    "symptoms": N_("Do you have any of these now? Pick all that apply."),
    "trend": N_(
        "Since your last check-in (or since it began), is it getting better, about the same, or worse?"
    ),
    "pain_lasted": N_(
        "How long have you had this neck pain or stiffness: less than a week, 1 to 3 weeks, "
        "3 to 12 weeks, or more than 12 weeks?"
    ),
    "pain_disturbs_sleep": N_("Does the pain keep you awake or wake you up?"),
    "pain_stops_work": N_("Is the pain interfering with your work?"),
    "daily_life_affected": N_(
        "Does it get in the way of everyday things (dressing, driving, housework)?"
    ),
    "home_care_days": N_(
        "For how many days have you been looking after it yourself (heat, movement, pain relief)? 0 if you have not."
    ),
    "after_injury": N_(
        "Did the pain start after an injury, a fall or a knock? (yes, no or not sure)"
    ),
    "high_risk_mechanism": N_(
        "Was it a fall from more than a metre or five stairs, a diving accident, a fast or "
        "rollover car crash, or a bicycle collision? (yes, no or not sure)"
    ),
    "head_injury": N_(
        "In that injury, did you hit your head or was your head hurt? (yes, no or not sure)"
    ),
    "neck_manipulation": N_(
        "In the last 4 weeks, has anyone manipulated your neck: a quick push or twist that "
        "may click, as a chiropractor, osteopath or physiotherapist may do? (yes, no or not sure)"
    ),
    "risk_history": N_("Do you have, or have you had, any of these? Pick all that apply."),
    "age_band": N_("How old are you?"),
}

PAIN_EXPECTED: Final = N_("expected a whole number from 0 (no pain) to 10 (worst imaginable)")
DAYS_MAX: Final = 3650
AGE_MAX: Final = 120
#: The limits' messages as the catalogues hold them: `.format(max=...)` where raised.
AGE_EXPECTED: Final = N_("expected a whole number of years from 0 to {max}, or an age band")
DAYS_EXPECTED: Final = N_("expected a whole number of days from 0 to {max}")
MOMENT_EXPECTED: Final = (
    "expected a date and time with its UTC offset, like 2026-03-02T09:00:00+01:00"
)
BOOL_EXPECTED: Final = "expected true or false"
ID_EXPECTED: Final = "expected a whole number of 1 or more, or none"
NOTES_MAX: Final = 4000
RANGE_NOTE_MAX: Final = 200

_E = TypeVar("_E", bound=Enum)
_T = TypeVar("_T")


# --- checks: shared by the constructors, the record readers and the CLI -----------------------


def when(moment: datetime) -> str:
    """A moment as refusals show it: ``2026-03-02 09:00+01:00`` (seconds only when not 0).

    ISO on purpose, in every language: a refusal names the moment to type back with `--at`.
    What a person only reads (the episode list, the confirmations) is in the language's form
    (localeforms.format_date_time)."""
    exact = moment.second or moment.microsecond
    return moment.isoformat(sep=" ", timespec="auto" if exact else "minutes")


def check_pain(value: object, field: str = "pain") -> int:
    """A pain score: a whole number 0-10 (NPRS).

    Raises:
        DiaryValueError: ``pain = 11: expected a whole number from 0 (no pain) to 10 (...)``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise DiaryValueError(field, _(PAIN_EXPECTED), value)
    return value


def check_days(value: object, field: str) -> int:
    """A number of days from 0 to DAYS_MAX."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= DAYS_MAX:
        raise DiaryValueError(field, _(DAYS_EXPECTED).format(max=DAYS_MAX), value)
    return value


def check_bool(value: object, field: str) -> bool:
    """True or false, nothing else (not 0 or 1)."""
    if not isinstance(value, bool):
        raise DiaryValueError(field, BOOL_EXPECTED, value)
    return value


def check_id(value: object, field: str = "id") -> int | None:
    """A store id: a whole number >= 1, or None for a value not stored yet."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DiaryValueError(field, ID_EXPECTED, value)
    return value


#: The earliest day a diary takes: a year typed wrong (1026 for 2026) or the calendar's edge is
#: refused, so a report never spans a millennium (2 GB and two minutes) or meets year 1.
EARLIEST_DAY: Final = date(2000, 1, 1)


def check_moment(value: object, field: str) -> datetime:
    """An aware datetime (one that knows its UTC offset)."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        shown = value.isoformat() if isinstance(value, datetime) else None
        raise DiaryValueError(field, MOMENT_EXPECTED, value, shown=shown)
    return value


def fixed_offset(moment: datetime) -> datetime:
    """The same instant and wall time with a fixed-offset tzinfo (a named zone's offset at that
    moment; `fold` dropped), as a record gives it back (Rule 4)."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("fixed_offset needs an aware datetime")
    zone = UTC if offset == timedelta(0) else timezone(offset)
    return moment.replace(tzinfo=zone, fold=0)


def _keep_fixed(value: object, *names: str) -> None:
    """Store the datetimes `names` of a frozen value in fixed-offset form."""
    for name in names:
        moment = getattr(value, name)
        if moment is not None:
            object.__setattr__(value, name, fixed_offset(moment))


def check_member(kind: type[_E], value: object, field: str) -> _E:
    """One member of the vocabulary `kind`."""
    if not isinstance(value, kind):
        raise DiaryValueError(field, expected_one_of(kind), value)
    return value


def check_members(kind: type[_E], value: object, field: str) -> frozenset[_E]:
    """A frozenset of members of the vocabulary `kind` (possibly empty)."""
    if not isinstance(value, frozenset):
        raise DiaryValueError(
            field, f"expected a frozenset of {kind.__name__}", value, shown=repr(value)
        )
    for member in value:
        check_member(kind, member, field)
    return value


def mend_text(text: str) -> str:
    """`text` with every lone surrogate made U+FFFD (the replacement character): bytes that
    were not UTF-8 reach Python as such (an argument decoded with surrogateescape), and no
    file format can hold one. Everything else stays as written."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def check_text(value: object, field: str, max_chars: int) -> str:
    """Free text of at most `max_chars` characters (may be empty)."""
    if not isinstance(value, str):
        raise DiaryValueError(field, "expected text", value)
    if len(value) > max_chars:
        raise DiaryValueError(
            field,
            f"expected at most {max_chars} characters",
            value,
            shown=f"({len(value)} characters)",
        )
    return value


def check_range_note(value: object, field: str = "range_of_motion") -> str | None:
    """The optional range-of-motion note: None, or a short non-blank line."""
    if value is None:
        return None
    expected = (
        f'expected a short note (at most {RANGE_NOTE_MAX} characters) like "can turn left only '
        'halfway", or none'
    )
    if not isinstance(value, str) or not value.strip() or len(value) > RANGE_NOTE_MAX:
        raise DiaryValueError(field, expected, value)
    return value


def vocabulary(kind: type[Enum]) -> tuple[str, ...]:
    """The words of a vocabulary, in order: ``("none", "mild", "moderate", "severe")``."""
    return tuple(str(member.value) for member in kind)


def expected_one_of(kind: type[Enum]) -> str:
    """``expected one of none, mild, moderate, severe``."""
    return _("expected one of {words}").format(words=", ".join(vocabulary(kind)))


def in_order(kind: type[_E], members: frozenset[_E]) -> list[_E]:
    """The members of a set in vocabulary order (records, reports and messages use this)."""
    return [member for member in kind if member in members]


# --- parsing words, as the CLI and records spell them ------------------------------------------


def _word(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def parse_choice(kind: type[_E], text: str, field: str) -> _E:
    """One word of a vocabulary, case-insensitive, ``_`` taken as ``-``.

    Raises:
        DiaryValueError: ``stiffness = "stiff": expected one of none, mild, moderate, severe``.
    """
    word = _word(text)
    for member in kind:
        if member.value == word:
            return member
    raise DiaryValueError(field, expected_one_of(kind), text.strip())


def parse_choices(kind: type[_E], text: str, field: str) -> frozenset[_E]:
    """A comma-separated list of words (``"arm-pain, tingling-numbness"``); ``""`` or ``none`` is
    the empty set, and a word may repeat.

    Raises:
        DiaryValueError: naming the first word that is not in the vocabulary.
    """
    words = [w for w in (part.strip() for part in text.split(",")) if w]
    if len(words) == 1 and _word(words[0]) == "none" and "none" not in vocabulary(kind):
        return frozenset()
    return frozenset(parse_choice(kind, word, field) for word in words)


def parse_whole_number(text: str, field: str, expected: str) -> int:
    """A whole number written in digits; anything else raises with `expected`."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise DiaryValueError(field, expected, stripped)
    return int(stripped)


def parse_pain(text: str, field: str = "pain") -> int:
    """A pain score as typed: ``"7"``.

    Raises:
        DiaryValueError: ``pain = 11: expected a whole number from 0 (no pain) to 10 (...)`` or
            ``pain = "seven": ...``.
    """
    return check_pain(parse_whole_number(text, field, _(PAIN_EXPECTED)), field)


def parse_days(text: str, field: str = "home_care_days") -> int:
    """A number of days as typed: ``"5"``."""
    return check_days(parse_whole_number(text, field, _(DAYS_EXPECTED).format(max=DAYS_MAX)), field)


_YES: Final = frozenset({"yes", "y", "true"})
_NO: Final = frozenset({"no", "n", "false"})


def parse_yes_no(text: str, field: str) -> bool:
    """``yes``/``no`` (also ``y``/``n``, ``true``/``false``), case-insensitive."""
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise DiaryValueError(field, _("expected yes or no"), text.strip())


_NOT_SURE: Final = frozenset({"not-sure", "not sure", "notsure", "unsure", "?"})


def parse_answer(text: str, field: str) -> Answer:
    """``yes``, ``no`` or ``not-sure`` (also ``not sure``, ``unsure``; and the words
    parse_yes_no takes), case-insensitive.

    Raises:
        DiaryValueError: ``after-injury = "maybe": expected yes, no or not-sure``.
    """
    word = " ".join(text.strip().lower().split())
    if word in _NOT_SURE or word.replace(" ", "-") in _NOT_SURE:
        return Answer.NOT_SURE
    if word in _YES:
        return Answer.YES
    if word in _NO:
        return Answer.NO
    raise DiaryValueError(field, _("expected yes, no or not-sure"), text.strip())


def check_answer(value: object, field: str, *, optional: bool = False) -> Answer | None:
    """An Answer; true and false are taken as yes and no (what these questions held before
    "not sure" could be said). None only when `optional` (a question not asked then)."""
    if value is None and optional:
        return None
    if isinstance(value, bool):
        return Answer.YES if value else Answer.NO
    if not isinstance(value, Answer):
        raise DiaryValueError(field, expected_one_of(Answer), value)
    return value


def age_band_for(years: int, field: str = "age") -> AgeBand:
    """The band of an age in whole years: 64 -> 56-64, 65 -> 65-plus."""
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= AGE_MAX:
        raise DiaryValueError(field, _(AGE_EXPECTED).format(max=AGE_MAX), years)
    if years < 20:
        return AgeBand.UNDER_20
    if years <= 50:
        return AgeBand.FROM_20_TO_50
    if years <= 55:
        return AgeBand.FROM_51_TO_55
    if years <= 64:
        return AgeBand.FROM_56_TO_64
    return AgeBand.FROM_65


def parse_age(text: str, field: str = "age") -> AgeBand:
    """An age as typed: whole years (``"64"``) or a band (``"56-64"``, ``"65-plus"``)."""
    word = _word(text)
    for band in AgeBand:
        if band.value == word:
            return band
    return age_band_for(parse_whole_number(text, field, _(AGE_EXPECTED).format(max=AGE_MAX)), field)


# --- values --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EpisodeUpdate:
    """A timed note on an open episode: what changed. Every part but `at` may be left out, but
    not all of them.

    Attributes:
        at: when (aware).
        pain: pain at that time (0-10), or None when not recorded.
        stiffness: stiffness at that time, or None when not recorded.
        symptoms: symptoms noticed since the last update (new ones only).
        helped: what helped since the last update.
        notes: free text.
    """

    at: datetime
    pain: int | None = None
    stiffness: Stiffness | None = None
    symptoms: frozenset[Symptom] = frozenset()
    helped: frozenset[Helped] = frozenset()
    notes: str = ""

    def __post_init__(self) -> None:
        check_moment(self.at, "at")
        _keep_fixed(self, "at")
        if self.pain is not None:
            check_pain(self.pain, "pain")
        if self.stiffness is not None:
            check_member(Stiffness, self.stiffness, "stiffness")
        check_members(Symptom, self.symptoms, "symptoms")
        check_members(Helped, self.helped, "helped")
        check_text(self.notes, "notes", NOTES_MAX)
        if (
            self.pain is None
            and self.stiffness is None
            and not (self.symptoms or self.helped or self.notes.strip())
        ):
            raise DiaryValueError(
                "notes",
                "expected a note when an update records nothing else (pain, stiffness, symptoms "
                "or helped)",
                self.notes,
            )

    def to_record(self) -> dict[str, object]:
        """A JSON-able dict; `from_record` turns it back into an equal update."""
        return {
            "at": self.at.isoformat(),
            "pain": self.pain,
            "stiffness": None if self.stiffness is None else self.stiffness.value,
            "symptoms": [m.value for m in in_order(Symptom, self.symptoms)],
            "helped": [m.value for m in in_order(Helped, self.helped)],
            "notes": self.notes,
        }

    @classmethod
    def from_record(cls, record: object) -> Self:
        """The update a record describes.

        Raises:
            DiaryValueError: ``episode update record: pain = 11: expected ...``; also for an
                unknown or missing key.
            DiaryError: when the record is not a mapping, or records nothing.
        """
        where = "episode update record"
        r = _UPDATE_RECORD.read(record, _in_record(where))
        with _Naming(where):
            return cls(
                at=r[_AT],
                pain=r[_UPDATE_PAIN],
                stiffness=r[_MAYBE_STIFFNESS],
                symptoms=r[_SYMPTOMS],
                helped=r[_HELPED],
                notes=r[_NOTES],
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Episode:
    """One spell of neck pain or spasm, from its start to its end (None while open).

    The pain and stiffness at the start are kept; later values are in `updates` (in time order),
    and `pain_now` / `stiffness_now` are the latest recorded. `pain_peak` is the worst pain in
    the episode, at least every pain recorded (the person may report a worse one than any
    recorded, e.g. "8 last night").

    Attributes:
        id: the store's id, or None before it is stored.
        started, ended: aware times; ended is None while the episode is open.
        pain_at_start, pain_peak: 0-10 (NPRS).
        stiffness: stiffness at the start, or None when not answered (not "no stiffness");
            range_of_motion an optional note ("turns left halfway").
        areas, triggers, symptoms, helped: sets of vocabulary words, as recorded at the start.
        notes: free text.
        updates: timed updates, in time order, none before `started` or after `ended`.
    """

    id: int | None = None
    started: datetime
    ended: datetime | None = None
    pain_at_start: int
    pain_peak: int
    stiffness: Stiffness | None = None
    range_of_motion: str | None = None
    areas: frozenset[Area] = frozenset()
    triggers: frozenset[Trigger] = frozenset()
    symptoms: frozenset[Symptom] = frozenset()
    helped: frozenset[Helped] = frozenset()
    notes: str = ""
    updates: tuple[EpisodeUpdate, ...] = ()

    def __post_init__(self) -> None:
        check_id(self.id)
        check_moment(self.started, "started")
        if self.ended is not None:
            check_moment(self.ended, "ended")
        _keep_fixed(self, "started", "ended")
        if self.ended is not None and self.ended < self.started:
            raise DiaryValueError(
                "ended",
                f"expected at or after started ({when(self.started)})",
                self.ended,
                shown=when(self.ended),
            )
        check_pain(self.pain_at_start, "pain_at_start")
        check_pain(self.pain_peak, "pain_peak")
        if self.stiffness is not None:
            check_member(Stiffness, self.stiffness, "stiffness")
        check_range_note(self.range_of_motion)
        check_members(Area, self.areas, "areas")
        check_members(Trigger, self.triggers, "triggers")
        check_members(Symptom, self.symptoms, "symptoms")
        check_members(Helped, self.helped, "helped")
        check_text(self.notes, "notes", NOTES_MAX)
        if not isinstance(self.updates, tuple) or not all(
            isinstance(u, EpisodeUpdate) for u in self.updates
        ):
            raise DiaryValueError(
                "updates",
                "expected a tuple of EpisodeUpdate",
                self.updates,
                shown=repr(self.updates),
            )
        previous = self.started
        for index, update in enumerate(self.updates):
            field = f"updates[{index}].at"
            if update.at < previous:
                after = "started" if index == 0 else f"updates[{index - 1}].at"
                raise DiaryValueError(
                    field,
                    f"expected at or after {after} ({when(previous)})",
                    update.at,
                    shown=when(update.at),
                )
            if self.ended is not None and update.at > self.ended:
                raise DiaryValueError(
                    field,
                    f"expected at or before ended ({when(self.ended)})",
                    update.at,
                    shown=when(update.at),
                )
            previous = update.at
        highest = max(self.pains())
        if self.pain_peak < highest:
            raise DiaryValueError(
                "pain_peak",
                f"expected at least the highest pain recorded in this episode ({highest})",
                self.pain_peak,
            )

    @property
    def is_open(self) -> bool:
        return self.ended is None

    @property
    def pain_now(self) -> int:
        """The latest recorded pain (the start's, when no update recorded one)."""
        return next(
            (u.pain for u in reversed(self.updates) if u.pain is not None), self.pain_at_start
        )

    @property
    def stiffness_now(self) -> Stiffness | None:
        """The latest recorded stiffness (None: never answered)."""
        return next(
            (u.stiffness for u in reversed(self.updates) if u.stiffness is not None), self.stiffness
        )

    @property
    def symptoms_so_far(self) -> frozenset[Symptom]:
        """Symptoms at the start and in every update."""
        return self.symptoms.union(*(u.symptoms for u in self.updates))

    @property
    def helped_so_far(self) -> frozenset[Helped]:
        """What helped, at the start and in every update."""
        return self.helped.union(*(u.helped for u in self.updates))

    def pains(self, until: datetime | None = None) -> list[int]:
        """Every recorded pain in time order (the start's first), up to `until` when given."""
        return [self.pain_at_start] + [
            u.pain for u in self.updates if u.pain is not None and (until is None or u.at <= until)
        ]

    def to_record(self) -> dict[str, object]:
        """A JSON-able dict; `from_record` turns it back into an equal episode."""
        return {
            "id": self.id,
            "started": self.started.isoformat(),
            "ended": None if self.ended is None else self.ended.isoformat(),
            "pain_at_start": self.pain_at_start,
            "pain_peak": self.pain_peak,
            "stiffness": None if self.stiffness is None else self.stiffness.value,
            "range_of_motion": self.range_of_motion,
            "areas": [m.value for m in in_order(Area, self.areas)],
            "triggers": [m.value for m in in_order(Trigger, self.triggers)],
            "symptoms": [m.value for m in in_order(Symptom, self.symptoms)],
            "helped": [m.value for m in in_order(Helped, self.helped)],
            "notes": self.notes,
            "updates": [u.to_record() for u in self.updates],
        }

    @classmethod
    def from_record(cls, record: object) -> Self:
        """The episode a record describes (with its updates).

        Raises:
            DiaryValueError: ``episode record: updates[2].pain = 11: expected ...``; also for an
                unknown or missing key.
            DiaryError: when the record is not a mapping.
        """
        where = "episode record"
        r = _EPISODE_RECORD.read(record, _in_record(where))
        with _Naming(where):
            return cls(
                id=r[_ID],
                started=r[_STARTED],
                ended=r[_ENDED],
                pain_at_start=r[_PAIN_AT_START],
                pain_peak=r[_PAIN_PEAK],
                stiffness=r[_MAYBE_STIFFNESS],
                range_of_motion=r[_RANGE_OF_MOTION],
                areas=r[_AREAS],
                triggers=r[_TRIGGERS],
                symptoms=r[_SYMPTOMS],
                helped=r[_HELPED],
                notes=r[_NOTES],
                updates=r[_UPDATES],
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckIn:
    """The answers to one check-in (CHECK_IN_QUESTIONS asks them in plain words).

    Attributes:
        at: when the answers were given (aware).
        pain_now: 0-10 (NPRS).
        stiffness: how stiff the neck is now.
        symptoms: symptoms present now.
        trend: better, the same or worse since the last check-in (or since it began).
        pain_disturbs_sleep, pain_stops_work, daily_life_affected: yes or no.
        home_care_days: days of looking after it yourself so far (0 = not tried).
        pain_lasted: how long the pain or stiffness has lasted so far; None where it was not
            asked (check-ins from before the question).
        after_injury: the pain began after an injury, fall or knock (yes, no, not sure; true
            and false are taken as yes and no).
        high_risk_mechanism: that injury was a dangerous one (a fall from more than 1 m or five
            stairs, diving, a fast or rollover crash, a bicycle collision); only with after_injury.
        head_injury: the head was hit or hurt in that injury; only with after_injury; None
            where it was not asked.
        neck_manipulation: someone manipulated the neck in the last 4 weeks; None where it
            was not asked.
        risk_history: conditions, past or present, that raise the risk of a serious cause.
        age_band: the person's age band.

    "Not sure" is a possible yes: every Answer but NO is true (Answer.__bool__).
    """

    at: datetime
    pain_now: int
    stiffness: Stiffness
    symptoms: frozenset[Symptom] = frozenset()
    trend: Trend
    pain_disturbs_sleep: bool = False
    pain_stops_work: bool = False
    daily_life_affected: bool = False
    home_care_days: int = 0
    pain_lasted: Lasted | None = None
    after_injury: Answer = Answer.NO
    high_risk_mechanism: Answer = Answer.NO
    head_injury: Answer | None = Answer.NO
    neck_manipulation: Answer | None = Answer.NO
    risk_history: frozenset[RiskFactor] = frozenset()
    age_band: AgeBand

    def __post_init__(self) -> None:
        check_moment(self.at, "at")
        _keep_fixed(self, "at")
        check_pain(self.pain_now, "pain_now")
        check_member(Stiffness, self.stiffness, "stiffness")
        check_members(Symptom, self.symptoms, "symptoms")
        check_member(Trend, self.trend, "trend")
        for name in ("pain_disturbs_sleep", "pain_stops_work", "daily_life_affected"):
            check_bool(getattr(self, name), name)
        check_days(self.home_care_days, "home_care_days")
        if self.pain_lasted is not None:
            check_member(Lasted, self.pain_lasted, "pain_lasted")
        for name in ("after_injury", "high_risk_mechanism", "head_injury", "neck_manipulation"):
            optional = name in ("head_injury", "neck_manipulation")
            object.__setattr__(
                self, name, check_answer(getattr(self, name), name, optional=optional)
            )
        for name in ("high_risk_mechanism", "head_injury"):
            answer = getattr(self, name)
            if answer and not self.after_injury:
                raise DiaryValueError(
                    name,
                    "expected only with after_injury yes or not-sure (it describes the injury)",
                    answer.value,
                )
        check_members(RiskFactor, self.risk_history, "risk_history")
        check_member(AgeBand, self.age_band, "age_band")

    def to_record(self) -> dict[str, object]:
        """A JSON-able dict; `from_record` turns it back into an equal check-in."""
        return {
            "at": self.at.isoformat(),
            "pain_now": self.pain_now,
            "stiffness": self.stiffness.value,
            "symptoms": [m.value for m in in_order(Symptom, self.symptoms)],
            "trend": self.trend.value,
            "pain_disturbs_sleep": self.pain_disturbs_sleep,
            "pain_stops_work": self.pain_stops_work,
            "daily_life_affected": self.daily_life_affected,
            "home_care_days": self.home_care_days,
            "pain_lasted": None if self.pain_lasted is None else self.pain_lasted.value,
            "after_injury": self.after_injury.value,
            "high_risk_mechanism": self.high_risk_mechanism.value,
            "head_injury": None if self.head_injury is None else self.head_injury.value,
            "neck_manipulation": (
                None if self.neck_manipulation is None else self.neck_manipulation.value
            ),
            "risk_history": [m.value for m in in_order(RiskFactor, self.risk_history)],
            "age_band": self.age_band.value,
        }

    @classmethod
    def from_record(cls, record: object) -> Self:
        """The check-in a record describes.

        Raises:
            DiaryValueError: ``check-in record: trend = "meh": expected one of improving, ...``;
                also for an unknown or missing key.
            DiaryError: when the record is not a mapping.
        """
        where = "check-in record"
        r = _CHECK_IN_RECORD.read(record, _in_record(where))
        with _Naming(where):
            return cls(
                at=r[_AT],
                pain_now=r[_PAIN_NOW],
                stiffness=r[_STIFFNESS],
                symptoms=r[_SYMPTOMS],
                trend=r[_TREND],
                pain_disturbs_sleep=r[_PAIN_DISTURBS_SLEEP],
                pain_stops_work=r[_PAIN_STOPS_WORK],
                daily_life_affected=r[_DAILY_LIFE_AFFECTED],
                home_care_days=r[_HOME_CARE_DAYS],
                pain_lasted=r[_PAIN_LASTED],
                after_injury=r[_AFTER_INJURY],
                high_risk_mechanism=r[_HIGH_RISK_MECHANISM],
                head_injury=r[_HEAD_INJURY],
                neck_manipulation=r[_NECK_MANIPULATION],
                risk_history=r[_RISK_HISTORY],
                age_band=r[_AGE_BAND],
            )


# --- reading records: the shared table reader, with this module's checks as converters --------


def _in_record(where: str) -> Refuse:
    """Refusals said of the record `where`: ``episode record: pain = 11: expected ...``; the
    whole record (not a mapping) as a DiaryError naming its type."""

    def refuse(refusal: Refusal) -> PostureGuardError:
        if not refusal.key:
            return DiaryError(f"{where}: {refusal.expected}, got {type(refusal.got).__name__}")
        return DiaryValueError(
            refusal.key, refusal.expected, refusal.got, shown=refusal.shown, where=where
        )

    return refuse


class _Naming:
    """Gives a DiaryValueError raised inside (by a value's own checks) the record's name."""

    def __init__(self, where: str) -> None:
        self._where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, DiaryValueError) and exc.where is None:
            raise exc.within(self._where) from None


def _checked(check: Callable[[object, str], _T]) -> Callable[[object], _T]:
    """One of this module's checks as a converter: the reader names the field and record."""

    def convert(raw: object) -> _T:
        try:
            return check(raw, "")
        except DiaryValueError as exc:
            raise Invalid(exc.expected, got=exc.got, shown=exc.shown) from None

    return convert


def _or_none(convert: Callable[[object], _T]) -> Callable[[object], _T | None]:
    """`convert` for a field a record may hold as null."""

    def read(raw: object) -> _T | None:
        return None if raw is None else convert(raw)

    return read


def _moment(raw: object) -> datetime:
    """A time as a record holds it: ISO 8601 with its UTC offset."""
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
    raise ValueError(MOMENT_EXPECTED)


def _words(kind: type[_E]) -> Callable[[object], frozenset[_E]]:
    """A list of words of the vocabulary `kind`, each at most once; an unknown word is named."""
    word = one_of(kind)

    def read(raw: object) -> frozenset[_E]:
        if not isinstance(raw, list):
            raise ValueError("expected a list of words (" + expected_one_of(kind) + ")")
        members = []
        for item in raw:
            try:
                members.append(word(item))
            except ValueError as exc:
                raise Invalid(str(exc), got=item) from None
        if len(set(members)) != len(members):
            raise ValueError("expected each word at most once")
        return frozenset(members)

    return read


def _updates(raw: object) -> tuple[EpisodeUpdate, ...]:
    """An episode's updates: a list of update records, each named by its index."""
    if not isinstance(raw, list):
        raise ValueError("expected a list of episode update records")
    result = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise Invalid("expected an episode update record", got=item, part=f"[{index}]")
        try:
            result.append(EpisodeUpdate.from_record(item))
        except DiaryValueError as exc:
            part = f"[{index}].{exc.field}"
            raise Invalid(exc.expected, got=exc.got, part=part, shown=exc.shown) from None
    return tuple(result)


_ID: Final = Key("id", _checked(check_id))
_STARTED: Final = Key("started", _moment)
_ENDED: Final = Key("ended", _or_none(_moment))
_PAIN_AT_START: Final = Key("pain_at_start", _checked(check_pain))
_PAIN_PEAK: Final = Key("pain_peak", _checked(check_pain))
_STIFFNESS: Final = Key("stiffness", one_of(Stiffness))
_RANGE_OF_MOTION: Final = Key("range_of_motion", _checked(check_range_note))
_AREAS: Final = Key("areas", _words(Area))
_TRIGGERS: Final = Key("triggers", _words(Trigger))
_SYMPTOMS: Final = Key("symptoms", _words(Symptom))
_HELPED: Final = Key("helped", _words(Helped))
#: A record kept before mend_text existed may hold lone surrogates: read mended.
_NOTES: Final = Key(
    "notes", _checked(lambda raw, field: mend_text(check_text(raw, field, NOTES_MAX)))
)
_UPDATES: Final = Key("updates", _updates)
_AT: Final = Key("at", _moment)
_UPDATE_PAIN: Final = Key("pain", _or_none(_checked(check_pain)))
#: A stiffness, or None where it was not answered (an episode's start, an update).
_MAYBE_STIFFNESS: Final = Key("stiffness", _or_none(one_of(Stiffness)))
_PAIN_NOW: Final = Key("pain_now", _checked(check_pain))
_TREND: Final = Key("trend", one_of(Trend))
_PAIN_DISTURBS_SLEEP: Final = Key("pain_disturbs_sleep", _checked(check_bool))
_PAIN_STOPS_WORK: Final = Key("pain_stops_work", _checked(check_bool))
_DAILY_LIFE_AFFECTED: Final = Key("daily_life_affected", _checked(check_bool))
_HOME_CARE_DAYS: Final = Key("home_care_days", _checked(check_days))
_AFTER_INJURY: Final = Key("after_injury", one_of(Answer))
_HIGH_RISK_MECHANISM: Final = Key("high_risk_mechanism", one_of(Answer))
#: None: not asked (check-ins from before these questions; store migration 4 says so).
_PAIN_LASTED: Final = Key("pain_lasted", _or_none(one_of(Lasted)))
_HEAD_INJURY: Final = Key("head_injury", _or_none(one_of(Answer)))
_NECK_MANIPULATION: Final = Key("neck_manipulation", _or_none(one_of(Answer)))
_RISK_HISTORY: Final = Key("risk_history", _words(RiskFactor))
_AGE_BAND: Final = Key("age_band", one_of(AgeBand))


def _record(where: str, *keys: Key[object]) -> Schema:
    """A record's schema: every key required, listed in the value's field order."""
    return Schema(
        keys=keys,
        unknown="unknown key (the keys are {keys})",
        missing="expected in every " + where,
        not_a_table="expected a mapping of field names to values",
    )


_EPISODE_RECORD: Final = _record(
    "episode record",
    _ID,
    _STARTED,
    _ENDED,
    _PAIN_AT_START,
    _PAIN_PEAK,
    _MAYBE_STIFFNESS,
    _RANGE_OF_MOTION,
    _AREAS,
    _TRIGGERS,
    _SYMPTOMS,
    _HELPED,
    _NOTES,
    _UPDATES,
)
_UPDATE_RECORD: Final = _record(
    "episode update record", _AT, _UPDATE_PAIN, _MAYBE_STIFFNESS, _SYMPTOMS, _HELPED, _NOTES
)
_CHECK_IN_RECORD: Final = _record(
    "check-in record",
    _AT,
    _PAIN_NOW,
    _STIFFNESS,
    _SYMPTOMS,
    _TREND,
    _PAIN_DISTURBS_SLEEP,
    _PAIN_STOPS_WORK,
    _DAILY_LIFE_AFFECTED,
    _HOME_CARE_DAYS,
    _PAIN_LASTED,
    _AFTER_INJURY,
    _HIGH_RISK_MECHANISM,
    _HEAD_INJURY,
    _NECK_MANIPULATION,
    _RISK_HISTORY,
    _AGE_BAND,
)


# --- the episode lifecycle -----------------------------------------------------------------------


def _name(episode: Episode) -> str:
    """The episode as the refusals below name it (their `{episode}`)."""
    if episode.id is not None:
        # Translators: the {episode} of the messages that refuse an episode change
        return _("episode {id} (started {time})").format(id=episode.id, time=when(episode.started))
    # Translators: the {episode} of the messages that refuse an episode change
    return _("the episode started {time}").format(time=when(episode.started))


#: How far after `now` a moment may be dated before it counts as entered with the clock ahead
#: (clock_ahead Rule 2); it absorbs the small steps NTP makes.
TOLERANCE: Final = timedelta(minutes=5)


def is_ahead(at: datetime, now: datetime) -> bool:
    """Whether `at` is more than `TOLERANCE` after `now` (real time, whatever the offsets)."""
    return at.astimezone(UTC) - now.astimezone(UTC) > TOLERANCE


def entered_last(history: Iterable[Episode]) -> Episode | None:
    """The episode entered last (Rule 7): the highest id, whatever the dates; one not stored
    yet (no id) counts as entered after the stored ones, the later in `history` the later."""
    found = max(
        enumerate(history),
        key=lambda p: (p[1].id is None, 0 if p[1].id is None else p[1].id, p[0]),
        default=None,
    )
    return None if found is None else found[1]


def open_episode(history: Iterable[Episode]) -> Episode | None:
    """The open episode of a diary (the one entered last, should there be more), or None."""
    return entered_last(e for e in history if e.is_open)


def current_episode(history: Iterable[Episode]) -> Episode | None:
    """The episode the diary is about now: the open one, else the one entered last (Rule 7;
    never one dated later but entered earlier), else None."""
    history = tuple(history)
    return open_episode(history) or entered_last(history)


def overlaps(
    start: datetime, end: datetime | None, other_start: datetime, other_end: datetime | None
) -> bool:
    """Whether two spells of time share a moment. A spell runs from its start up to, not
    including, its end (an end of None: still going), so one may end the moment the next
    starts; a spell that ends as it starts holds that one moment."""
    same_start = start == other_start
    return (other_end is None or start < other_end or same_start) and (
        end is None or other_start < end or same_start
    )


def _first_later(history: Iterable[Episode], episode: Episode) -> Episode | None:
    """The first episode of `history` (other than `episode`) that starts after it does."""
    later = [
        other
        for other in history
        if other.started > episode.started and (other.id is None or other.id != episode.id)
    ]
    return min(later, key=lambda e: e.started, default=None)


def start_episode(history: Iterable[Episode], episode: Episode) -> Episode:
    """Check that `episode` may start in a diary holding `history`, and return it. An episode
    may start before a later one (a past episode entered afterwards); ending it, or updating
    it, at or after that one's start is refused then (`end_episode`, `update_episode`).

    Raises:
        IllegalEpisodeChange: when `episode` is already ended, another episode is still open,
            or it would start inside an earlier episode.
    """
    if episode.ended is not None:
        raise IllegalEpisodeChange(
            _(
                "can't start an episode that has already ended ({time}); start it, then end it"
            ).format(time=when(episode.ended))
        )
    for other in history:
        if other.ended is None:
            raise IllegalEpisodeChange(
                _("can't start a new episode while {episode} is still open; end it first").format(
                    episode=_name(other)
                )
            )
        if other.started == episode.started or other.started < episode.started < other.ended:
            raise IllegalEpisodeChange(
                _(
                    "can't start an episode at {time}: that is inside {episode}, which ended {end}"
                ).format(time=when(episode.started), episode=_name(other), end=when(other.ended))
            )
    return episode


def update_episode(
    episode: Episode, update: EpisodeUpdate, history: Iterable[Episode] = ()
) -> Episode:
    """The episode with `update` added in time order; a pain above the peak raises the peak.
    `history` is the diary's episodes: an update may not reach into a later one.

    Raises:
        IllegalEpisodeChange: when the episode has ended, the update is before its start, or
            at or after the start of a later episode.
    """
    if episode.ended is not None:
        raise IllegalEpisodeChange(
            _("can't update {episode}: it ended {end}").format(
                episode=_name(episode), end=when(episode.ended)
            )
        )
    if update.at < episode.started:
        raise IllegalEpisodeChange(
            _("can't add an update at {time} to {episode}: that is before it started").format(
                time=when(update.at), episode=_name(episode)
            )
        )
    later = _first_later(history, episode)
    if later is not None and update.at >= later.started:
        raise IllegalEpisodeChange(
            _(
                "can't add an update at {time} to {episode}: it would overlap {later}; add it"
                " before {start}"
            ).format(
                time=when(update.at),
                episode=_name(episode),
                later=_name(later),
                start=when(later.started),
            )
        )
    position = bisect.bisect_right([u.at for u in episode.updates], update.at)
    updates = (*episode.updates[:position], update, *episode.updates[position:])
    peak = max(episode.pain_peak, update.pain if update.pain is not None else 0)
    return replace(episode, updates=updates, pain_peak=peak)


def end_episode(episode: Episode, at: datetime, history: Iterable[Episode] = ()) -> Episode:
    """The episode, ended at `at`; `history` is the diary's episodes, none of which it may
    overlap once ended.

    Raises:
        IllegalEpisodeChange: when it has already ended, `at` is before its start or its last
            update, or at or after the start of a later episode.
        DiaryValueError: when `at` is not an aware datetime.
    """
    check_moment(at, "ended")
    if episode.ended is not None:
        raise IllegalEpisodeChange(
            _("can't end {episode}: it already ended {end}").format(
                episode=_name(episode), end=when(episode.ended)
            )
        )
    if at < episode.started:
        raise IllegalEpisodeChange(
            _("can't end {episode} at {time}: that is before it started").format(
                episode=_name(episode), time=when(at)
            )
        )
    if episode.updates and at < episode.updates[-1].at:
        raise IllegalEpisodeChange(
            _("can't end {episode} at {time}: that is before its last update ({last})").format(
                episode=_name(episode), time=when(at), last=when(episode.updates[-1].at)
            )
        )
    later = _first_later(history, episode)
    if later is not None and at > later.started:  # ending as the later one starts is fine
        raise IllegalEpisodeChange(
            _(
                "can't end {episode} at {time}: it would overlap {later}; end it at {start}"
                " at the latest"
            ).format(
                episode=_name(episode), time=when(at), later=_name(later), start=when(later.started)
            )
        )
    return replace(episode, ended=at)


#: An open episode asks for a check-in once it is this old, and again a day after the last one.
CHECK_IN_EVERY: Final = timedelta(days=1)


def check_in_due(
    episode: Episode | None,
    last_check_in: datetime | None,
    last_reminder: datetime | None,
    now: datetime,
) -> bool:
    """Whether to ask for a short check-in now: an episode is open and a day old, and neither a
    check-in nor a reminder came in the last day (the episode's start counts as a check-in).

    A time dated ahead of `now` (Rule 7) says nothing about when it was: an episode started
    ahead is of no known age (never due; it is flagged and ended as clock_ahead says), and a
    check-in or reminder dated ahead is left out, so it cannot hold back every reminder until
    the real time reaches its date.
    """
    if episode is None or not episode.is_open or is_ahead(episode.started, now):
        return False
    latest = max(
        (
            t
            for t in (episode.started, last_check_in, last_reminder)
            if t is not None and not is_ahead(t, now)
        ),
        key=lambda t: t.timestamp(),
    )
    return now.timestamp() - latest.timestamp() >= CHECK_IN_EVERY.total_seconds()
