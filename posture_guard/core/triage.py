"""Warning-sign triage: (check-in answers, episode history, now) -> Advice. Pure.

Rule 1: over-triage politely. When in doubt, the higher tier: red flags have a high negative and a
        low positive predictive value, and guidelines disagree (Feller 2024), so a missed sign
        costs more than a cautious word. Never name a condition as the answer: every Advice
        carries the not-a-diagnosis line, and the rules say "can mean", never "is".
Rule 2: no clock, no I/O but reading the package's own text. The answers, the diary and `now`
        arrive as arguments; the same arguments always give the same Advice.
Rule 3: the tier is the highest tier among the rules that fired (EMERGENCY > PROMPT > BOOK >
        SELF_CARE). The self-care rule is the fallback: it is the reason only when no other rule
        fires, and its text is the safety net.
Rule 4: every rule cites sources by id from content/sources.toml. Where the mapping from a source,
        the tier or a threshold is ours, it also cites "judgement" and its text says what is ours.
Rule 5: the emergency tier says to call the local emergency number (112 / 999 / 911) and offers
        no booking, even when a clinic is set.
Rule 6: the booking link comes only from the clinic the user (or their employer) set, and only for
        the PROMPT and BOOK tiers. With no clinic the advice says how to add one. No link is ever
        made up.
Rule 7: a worse answer never lowers the tier: every predicate is monotone in each answer that can
        get worse (a symptom added, pain or stiffness up, the trend worse, a "yes", a risk added,
        more days of home care, a longer duration; "not sure" sits between "no" and "yes" and
        fires what "yes" fires). Age is a band, not a direction, and is the one exception.
Rule 8: what the diary can tell is computed: duration from the open episode's start, recurrence
        from the starts in the last 8 weeks, worsening from successive pain values. Duration is
        asked too (weeks of pain need not be an open episode); either one counts.
        Durations are real elapsed time (UTC), so a DST change neither adds nor loses an hour.
Rule 9: the code holds the logic (RULES); content/warning_signs.toml holds the words (title, what
        to do, sources) in our own words. Loading the words checks that both list the same ids,
        tiers and sources, and that every source resolves.

Theory of operation. `assess` runs every predicate in RULES over the same three arguments; the
rules that fire, highest tier first and then in table order, become the Advice's reasons, and the
top tier decides what to do and whether a booking link is shown. The thresholds below are the
only numbers; each is marked with where it comes from.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from posture_guard.core import links
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.content import (
    Key,
    Schema,
    Source,
    Table,
    content_document,
    in_content,
    one_of,
    optional,
)
from posture_guard.core.content import load_sources as load_source_list
from posture_guard.core.episodes import (
    AgeBand,
    CheckIn,
    Episode,
    Lasted,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    check_moment,
)
from posture_guard.core.errors import MISSING
from posture_guard.core.i18n import _
from posture_guard.core.tiers import Tier

#: "Several days without improvement" (seed page): 7 days is CLINICAL.md's default (judgement).
SEVERAL_DAYS: Final = timedelta(days=7)
#: Home care "has had a fair try" after this many days (judgement, as SEVERAL_DAYS).
HOME_CARE_DAYS: Final = 7
#: Recurrence: at least RECURRENCE_COUNT episodes started within RECURRENCE_WINDOW (judgement).
RECURRENCE_WINDOW: Final = timedelta(weeks=8)
RECURRENCE_COUNT: Final = 3
#: Pain this many points above the episode's lowest counts as worse (the often-quoted minimal
#: important change of the 0-10 scale, CLINICAL.md section 5; judgement).
WORSENING_POINTS: Final = 2
#: Pain from this score up is severe (a common convention for the 0-10 scale; judgement).
SEVERE_PAIN: Final = 7
#: The top of the scale, "worst imaginable": intractable pain (CLINICAL.md row 2; judgement).
WORST_PAIN: Final = 10
#: Pain that has lasted this long without going has had "a few weeks" (HSE/NHS, row 1).
FEW_WEEKS: Final = Lasted.WEEKS_3_TO_12
#: Two or more neck-artery signs together are read as stroke-like (judgement, see the rule).
VASCULAR_SIGNS_TOGETHER: Final = 2
#: Without a fever, a stiff neck with this many meningitis signs is an emergency (judgement).
MENINGISM_SIGNS_WITHOUT_FEVER: Final = 2


Predicate = Callable[[CheckIn, Sequence[Episode], datetime], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One warning sign: fires when `applies(check_in, episodes, now)` is true.

    Attributes:
        id: the key of its words in warning_signs.toml.
        tier: how soon to get help when it fires.
        sources: ids in sources.toml (with "judgement" where the call is ours).
        basis: where it comes from: the seed page's lists and CLINICAL.md section 1 rows.
        applies: the predicate; pure and monotone (module Rule 7).
    """

    id: str
    tier: Tier
    sources: tuple[str, ...]
    basis: str
    applies: Predicate


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """A rule that fired, in words, with its sources resolved."""

    rule_id: str
    tier: Tier
    title: str
    do_now: str
    judgement: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Advice:
    """What the person should do, and why.

    Attributes:
        tier: the highest tier of the rules that fired; SELF_CARE when none did.
        heading: the tier in words ("Get emergency help now").
        reasons: the rules that fired, highest tier first.
        what_to_do: the top tier's action (for EMERGENCY, names the emergency numbers).
        clinic: the user's clinic, for PROMPT and BOOK only; else None.
        booking_url: the clinic's booking link, for PROMPT and BOOK only; else None.
        add_clinic: how to add a clinic, when none is set (never for EMERGENCY); else None.
        not_a_diagnosis: always present.
        clinic_owner: whose clinic it is when it is not the user's own (the organisation's
            name, from the policy); None for the user's clinic.
    """

    tier: Tier
    heading: str
    reasons: tuple[Reason, ...]
    what_to_do: str
    clinic: ClinicProfile | None
    booking_url: str | None
    add_clinic: str | None
    not_a_diagnosis: str
    clinic_owner: str | None = None

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reason.rule_id for reason in self.reasons)

    def text(self, *, heading: bool = True) -> str:
        """The whole advice as plain text, as `posture-guard advice` prints it; `heading`
        False leaves out the first line, for a caller that says the heading itself. Each
        reason is its sentence, without the rule's id."""
        lines = [self.heading, "", self.what_to_do] if heading else [self.what_to_do]
        if self.clinic is not None:
            whose = (
                _("Your clinic: {name}")
                if self.clinic_owner is None
                else _("The clinic your organisation ({organisation}) offers: {name}")
            )
            lines += ["", whose.format(name=self.clinic.name, organisation=self.clinic_owner)]
            if self.booking_url is not None:
                shown = links.shown_url(self.booking_url)
                lines.append("  " + _("Book online: {url}").format(url=shown))
                warning = self.clinic.insecure_warning
                if warning is not None:
                    lines.append("  " + warning)
            if self.clinic.phone is not None:
                lines.append("  " + _("Phone: {phone}").format(phone=self.clinic.phone))
            if self.clinic.opening_hours is not None:
                lines.append(
                    "  " + _("Opening hours: {hours}").format(hours=self.clinic.opening_hours)
                )
        if self.add_clinic is not None:
            lines += ["", self.add_clinic]
        lines += ["", _("Why:")]
        for reason in self.reasons:
            lines.append(f"- {reason.title}")
            lines.append(f"  {reason.do_now}")
            if reason.judgement is not None:
                lines.append("  " + _("Our judgement: {note}").format(note=reason.judgement))
            cited = "; ".join(s.title for s in reason.sources if s.id != "judgement")
            if cited:
                lines.append("  " + _("Sources: {titles}").format(titles=cited))
        lines += ["", self.not_a_diagnosis]
        return "\n".join(lines)


# --- what the diary tells ------------------------------------------------------------------------


def elapsed(since: datetime, now: datetime) -> timedelta:
    """Real time from `since` to `now` (negative when `since` is later), DST-proof."""
    return now.astimezone(UTC) - since.astimezone(UTC)


def open_episode_at(episodes: Sequence[Episode], now: datetime) -> Episode | None:
    """The open episode that had started by `now` (the latest, should there be more)."""
    return max(
        (e for e in episodes if e.is_open and elapsed(e.started, now) >= timedelta(0)),
        key=lambda e: e.started,
        default=None,
    )


def episodes_started_within(episodes: Sequence[Episode], now: datetime, window: timedelta) -> int:
    """How many episodes started in the `window` before `now` (both ends included)."""
    return sum(1 for e in episodes if timedelta(0) <= elapsed(e.started, now) <= window)


# --- predicates, one per rule --------------------------------------------------------------------

_S = Symptom
#: With fever and a stiff or painful neck, any of these means possible meningitis (row 7).
MENINGITIS_COMPANIONS: Final = frozenset(
    {
        _S.HEADACHE,
        _S.SEVERE_HEADACHE,
        _S.THUNDERCLAP_HEADACHE,
        _S.VOMITING,
        _S.LIGHT_SENSITIVITY,
        _S.DROWSINESS,
    }
)
#: Without a recorded fever, meningitis signs counted by kind (a headache of any sort is one
#: kind): a stiff neck with MENINGISM_SIGNS_WITHOUT_FEVER of them is an emergency (row 7).
MENINGISM_KINDS: Final = (
    frozenset({_S.HEADACHE, _S.SEVERE_HEADACHE, _S.THUNDERCLAP_HEADACHE}),
    frozenset({_S.VOMITING}),
    frozenset({_S.LIGHT_SENSITIVITY}),
)
#: A stiff neck with one of these and no fever: possible early meningitis (row 7, prompt).
MENINGISM_ALONE: Final = frozenset({_S.VOMITING, _S.LIGHT_SENSITIVITY})
#: Unusually drowsy, confused or hard to wake (NHS "when to call 999": an acute confused state).
ALTERED_CONSCIOUSNESS: Final = frozenset({_S.DROWSINESS})
#: Sudden nerve, spinal-cord or brain signs (row 10; a seizure added, judgement), with the
#: stroke-like neck-artery signs of the IFOMPT cervical framework (row 12: sudden loss of sight,
#: nystagmus, sudden unsteadiness).
SUDDEN_DEFICITS: Final = frozenset(
    {
        _S.SUDDEN_WEAKNESS,
        _S.FACE_NUMBNESS,
        _S.DOUBLE_VISION,
        _S.TROUBLE_SPEAKING_SWALLOWING,
        _S.FAINTING,
        _S.SEIZURE,
        _S.ELECTRIC_SHOCK_FEELING,
        _S.SUDDEN_VISION_LOSS,
        _S.NYSTAGMUS,
        _S.SUDDEN_UNSTEADINESS,
    }
)
#: Gradual spinal-cord compression (row 11).
MYELOPATHY_SIGNS: Final = frozenset(
    {_S.CLUMSY_HANDS, _S.BALANCE_PROBLEMS, _S.BLADDER_BOWEL_CHANGES, _S.ELECTRIC_SHOCK_FEELING}
)
#: Possible neck-artery problem without stroke-like signs (row 12; nausea from the IFOMPT
#: cervical framework's list).
DISSECTION_SIGNS: Final = frozenset(
    {
        _S.SEVERE_HEADACHE,
        _S.DIZZINESS,
        _S.VISION_CHANGES,
        _S.HEARING_CHANGES,
        _S.DROP_ATTACKS,
        _S.NAUSEA,
    }
)
#: The neck-artery (cervical arterial dysfunction) signs of the IFOMPT cervical framework that
#: a person can notice, and the new severe headache that often comes first (RCEM): two or more
#: together, or any after an injury or a neck manipulation, are an emergency (row 12).
VASCULAR_SIGNS: Final = DISSECTION_SIGNS | frozenset(
    {
        _S.BALANCE_PROBLEMS,
        _S.DOUBLE_VISION,
        _S.TROUBLE_SPEAKING_SWALLOWING,
        _S.FACE_NUMBNESS,
        _S.SUDDEN_VISION_LOSS,
        _S.NYSTAGMUS,
        _S.SUDDEN_UNSTEADINESS,
        _S.THUNDERCLAP_HEADACHE,
    }
)
#: After any injury (the head may have been hit without the person knowing): NICE head-injury
#: signs that need the emergency department.
AFTER_INJURY_SIGNS: Final = frozenset({_S.VOMITING, _S.DROWSINESS, _S.SEIZURE, _S.FAINTING})
#: After a head injury, NICE adds a headache that persists and signs of the brain or nerves.
AFTER_HEAD_INJURY_SIGNS: Final = AFTER_INJURY_SIGNS | frozenset(
    {_S.HEADACHE, _S.SEVERE_HEADACHE, _S.CLUMSY_HANDS, _S.BALANCE_PROBLEMS}
)
#: The whole body (row 13).
SYSTEMIC_SIGNS: Final = frozenset(
    {_S.FEVER, _S.FEELING_UNWELL, _S.NIGHT_SWEATS_WEIGHT_LOSS, _S.SWOLLEN_GLANDS}
)
#: Arm signs that can come from a nerve root in the neck (row 6).
NERVE_ROOT_SIGNS: Final = frozenset({_S.ARM_PAIN, _S.TINGLING_NUMBNESS, _S.COLD_ARM, _S.WEAKNESS})
#: After an injury, any of these in the limbs is a C-spine high-risk feature (row 9).
LIMB_SIGNS_AFTER_INJURY: Final = frozenset({_S.TINGLING_NUMBNESS, _S.WEAKNESS, _S.SUDDEN_WEAKNESS})
#: Histories that make a serious cause of neck pain more likely (row 14).
RISK_HISTORIES: Final = frozenset(
    {
        RiskFactor.CANCER,
        RiskFactor.TUBERCULOSIS,
        RiskFactor.IMMUNOSUPPRESSION,
        RiskFactor.IV_DRUG_USE,
        RiskFactor.INFLAMMATORY_ARTHRITIS,
    }
)
#: Age bands in which new neck pain is a warning sign on its own (row 15).
RISK_AGE_BANDS: Final = frozenset({AgeBand.UNDER_20, AgeBand.FROM_56_TO_64, AgeBand.FROM_65})
#: Over 50 (the 51-55 band), these histories make the age a warning sign too (row 15).
RISK_HISTORIES_OVER_50: Final = frozenset({RiskFactor.CANCER, RiskFactor.VASCULAR_DISEASE})


def _neck_symptoms(c: CheckIn) -> bool:
    """There is neck pain or stiffness now."""
    return c.pain_now >= 1 or c.stiffness is not Stiffness.NONE


def _not_improving(c: CheckIn) -> bool:
    return c.trend is not Trend.IMPROVING


def _stiff_neck(c: CheckIn) -> bool:
    return c.stiffness is not Stiffness.NONE


def _meningitis_signs(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    s = c.symptoms
    kinds = sum(1 for kind in MENINGISM_KINDS if s & kind)
    return (
        _S.NON_FADING_RASH in s
        or (_S.FEVER in s and _stiff_neck(c))
        or (_S.FEVER in s and _neck_symptoms(c) and bool(s & MENINGITIS_COMPANIONS))
        or (_stiff_neck(c) and kinds >= MENINGISM_SIGNS_WITHOUT_FEVER)
    )


def _altered_consciousness(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.symptoms & ALTERED_CONSCIOUSNESS)


def _injury_warning_signs(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(
        (c.after_injury and c.symptoms & AFTER_INJURY_SIGNS)
        or (c.head_injury and c.symptoms & AFTER_HEAD_INJURY_SIGNS)
    )


def _vascular_signs_together(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return len(c.symptoms & VASCULAR_SIGNS) >= VASCULAR_SIGNS_TOGETHER


def _vascular_signs_after_strain(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool((c.after_injury or c.neck_manipulation) and c.symptoms & VASCULAR_SIGNS)


def _possible_meningitis_no_fever(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return _stiff_neck(c) and bool(c.symptoms & MENINGISM_ALONE)


def _thunderclap_headache(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return _S.THUNDERCLAP_HEADACHE in c.symptoms


def _neck_injury_high_risk(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.after_injury) and (
        bool(c.high_risk_mechanism)
        or c.age_band is AgeBand.FROM_65
        or bool(c.symptoms & LIMB_SIGNS_AFTER_INJURY)
        or c.stiffness is Stiffness.SEVERE
    )


def _sudden_neuro_deficit(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.symptoms & SUDDEN_DEFICITS)


def _cardiac_chest_pain(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return _S.CHEST_PAIN in c.symptoms


def _myelopathy_signs(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.symptoms & MYELOPATHY_SIGNS)


def _dissection_like_signs(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.symptoms & DISSECTION_SIGNS)


def _systemic_signs(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.symptoms & SYSTEMIC_SIGNS)


def _risk_history(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.risk_history & RISK_HISTORIES) and _neck_symptoms(c)


def _weakness_getting_worse(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return _S.WEAKNESS_SPREADING in c.symptoms or (
        _S.WEAKNESS in c.symptoms and c.trend is Trend.WORSE
    )


def _both_arms(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return _S.BOTH_ARMS in c.symptoms


def _severe_pain_getting_worse(c: CheckIn, h: Sequence[Episode], now: datetime) -> bool:
    return c.pain_now >= WORST_PAIN or (c.pain_now >= SEVERE_PAIN and _getting_worse(c, h, now))


def _osteoporosis_and_injury(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return RiskFactor.OSTEOPOROSIS in c.risk_history and bool(c.after_injury)


def _lasted_at_least(c: CheckIn, band: Lasted) -> bool:
    return c.pain_lasted is not None and c.pain_lasted.level >= band.level


def _several_days_no_better(c: CheckIn, h: Sequence[Episode], now: datetime) -> bool:
    episode = open_episode_at(h, now)
    long_enough = (
        episode is not None and elapsed(episode.started, now) >= SEVERAL_DAYS
    ) or _lasted_at_least(c, Lasted.WEEKS_1_TO_3)
    return long_enough and _not_improving(c) and _neck_symptoms(c)


def _lasting_weeks(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return _lasted_at_least(c, FEW_WEEKS) and _neck_symptoms(c)


def _persisting_despite_home_care(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return c.home_care_days >= HOME_CARE_DAYS and _not_improving(c) and _neck_symptoms(c)


def _recurrent_episodes(_c: CheckIn, h: Sequence[Episode], now: datetime) -> bool:
    return episodes_started_within(h, now, RECURRENCE_WINDOW) >= RECURRENCE_COUNT


def _getting_worse(c: CheckIn, h: Sequence[Episode], now: datetime) -> bool:
    if c.trend is Trend.WORSE:
        return True
    episode = open_episode_at(h, now)
    return episode is not None and c.pain_now >= min(episode.pains(until=now)) + WORSENING_POINTS


def _severe_stiffness(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return c.stiffness is Stiffness.SEVERE


def _sleep_disturbed(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return c.pain_disturbs_sleep


def _work_stopped(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return c.pain_stops_work


def _daily_life_affected(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return c.daily_life_affected


def _arm_or_nerve_symptoms(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.symptoms & NERVE_ROOT_SIGNS)


def _severe_pain(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return c.pain_now >= SEVERE_PAIN


def _age_band(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    risky_age = c.age_band in RISK_AGE_BANDS or (
        c.age_band is AgeBand.FROM_51_TO_55 and bool(c.risk_history & RISK_HISTORIES_OVER_50)
    )
    return risky_age and _neck_symptoms(c)


def _previous_neck_surgery(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return RiskFactor.NECK_SURGERY in c.risk_history and _neck_symptoms(c)


def _neck_injury(c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return bool(c.after_injury)  # yes or not sure


def _always(_c: CheckIn, _h: Sequence[Episode], _now: datetime) -> bool:
    return True


# --- the rules -----------------------------------------------------------------------------------

_E, _P, _B = Tier.EMERGENCY, Tier.PROMPT, Tier.BOOK
SELF_CARE_ID: Final = "self-care"

#: Every warning sign, highest tier first. Their words are in content/warning_signs.toml.
RULES: Final[tuple[Rule, ...]] = (
    Rule(
        id="meningitis-signs",
        tier=_E,
        sources=("nhs-meningitis", "judgement"),
        basis="CLINICAL.md 1.7",
        applies=_meningitis_signs,
    ),
    Rule(
        id="altered-consciousness",
        tier=_E,
        sources=("swast-when-to-call-999", "nhs-meningitis", "nice-ng232-head-injury", "judgement"),
        basis="CLINICAL.md 1.7 (drowsiness); NHS when to call 999 (an acute confused state)",
        applies=_altered_consciousness,
    ),
    Rule(
        id="injury-warning-signs",
        tier=_E,
        sources=("nice-ng232-head-injury", "judgement"),
        basis="CLINICAL.md 1.9 (after an injury); NICE NG232 1.1 (referral to the emergency "
        "department after a head injury)",
        applies=_injury_warning_signs,
    ),
    Rule(
        id="vascular-signs-together",
        tier=_E,
        sources=("ifompt-cervical-framework", "rcem-dissection", "judgement"),
        basis="CLINICAL.md 1.10, 1.12; IFOMPT cervical framework (signs of cervical arterial "
        "dysfunction)",
        applies=_vascular_signs_together,
    ),
    Rule(
        id="vascular-signs-after-injury-or-manipulation",
        tier=_E,
        sources=(
            "ifompt-cervical-framework",
            "rcem-dissection",
            "gponline-cks-neck-pain",
            "judgement",
        ),
        basis="CLINICAL.md 1.12 (after neck trauma or manipulation); IFOMPT cervical framework",
        applies=_vascular_signs_after_strain,
    ),
    Rule(
        id="thunderclap-headache",
        tier=_E,
        sources=("nice-ng228-sah",),
        basis="CLINICAL.md 1.8",
        applies=_thunderclap_headache,
    ),
    Rule(
        id="neck-injury-high-risk",
        tier=_E,
        sources=("canadian-c-spine-rule", "nice-cks-neck-pain", "feller-2024", "judgement"),
        basis="CLINICAL.md 1.9, 1.3 (after trauma)",
        applies=_neck_injury_high_risk,
    ),
    Rule(
        id="sudden-neuro-deficit",
        tier=_E,
        sources=(
            "sheffield-msk-neck-pain",
            "rcem-dissection",
            "ifompt-cervical-framework",
            "judgement",
        ),
        basis="CLINICAL.md 1.10, 1.12 (stroke-like), seed (neurological symptoms); IFOMPT "
        "cervical framework",
        applies=_sudden_neuro_deficit,
    ),
    Rule(
        id="cardiac-chest-pain",
        tier=_E,
        sources=("springwell-heart-attack", "judgement"),
        basis="CLINICAL.md 1.17",
        applies=_cardiac_chest_pain,
    ),
    Rule(
        id="myelopathy-signs",
        tier=_P,
        sources=(
            "gponline-cks-neck-pain",
            "kce-119",
            "gpreasoning-neck-pain",
            "move-better-gwent",
            "judgement",
        ),
        basis="CLINICAL.md 1.11, seed (neurological symptoms)",
        applies=_myelopathy_signs,
    ),
    Rule(
        id="dissection-like-signs",
        tier=_P,
        sources=(
            "rcem-dissection",
            "gponline-cks-neck-pain",
            "move-better-gwent",
            "ifompt-cervical-framework",
            "judgement",
        ),
        basis="CLINICAL.md 1.12; IFOMPT cervical framework (nausea)",
        applies=_dissection_like_signs,
    ),
    Rule(
        id="possible-meningitis-no-fever",
        tier=_P,
        sources=("nhs-meningitis", "judgement"),
        basis="CLINICAL.md 1.7 (do not wait for every symptom)",
        applies=_possible_meningitis_no_fever,
    ),
    Rule(
        id="systemic-signs",
        tier=_P,
        sources=("nice-cks-neck-pain", "indpharm-red-flags", "judgement"),
        basis="CLINICAL.md 1.13",
        applies=_systemic_signs,
    ),
    Rule(
        id="risk-history",
        tier=_P,
        sources=("gponline-cks-neck-pain", "indpharm-red-flags", "judgement"),
        basis="CLINICAL.md 1.14",
        applies=_risk_history,
    ),
    Rule(
        id="weakness-getting-worse",
        tier=_P,
        sources=(
            "aafp-radiculopathy",
            "hse-ireland-neck-pain",
            "gponline-cks-neck-pain",
            "judgement",
        ),
        basis="CLINICAL.md 1.6 (weakness getting worse)",
        applies=_weakness_getting_worse,
    ),
    Rule(
        id="both-arms",
        tier=_P,
        sources=("gponline-cks-neck-pain", "kce-119", "gpreasoning-neck-pain", "judgement"),
        basis="CLINICAL.md 1.6 (more than one myotome or dermatome), 1.11",
        applies=_both_arms,
    ),
    Rule(
        id="severe-pain-getting-worse",
        tier=_P,
        sources=("gponline-cks-neck-pain", "versus-arthritis-neck-leaflet", "judgement"),
        basis="CLINICAL.md 1.2 (intractable or increasing pain), 1.18 (severe pain)",
        applies=_severe_pain_getting_worse,
    ),
    Rule(
        id="osteoporosis-and-injury",
        tier=_P,
        sources=("nice-cks-neck-pain", "indpharm-red-flags", "judgement"),
        basis="CLINICAL.md 1.16",
        applies=_osteoporosis_and_injury,
    ),
    Rule(
        id="several-days-no-better",
        tier=_B,
        sources=("seed-nivaan", "hse-ireland-neck-pain", "uclh-neck-pain", "judgement"),
        basis="seed (several days without improvement), CLINICAL.md 1.1, 1.3 (not easing)",
        applies=_several_days_no_better,
    ),
    Rule(
        id="lasting-weeks",
        tier=_B,
        sources=("hse-ireland-neck-pain", "uclh-neck-pain", "nice-cks-neck-pain", "judgement"),
        basis="CLINICAL.md 1.1 (not gone after a few weeks), 1.5 (4-12 weeks)",
        applies=_lasting_weeks,
    ),
    Rule(
        id="persisting-despite-home-care",
        tier=_B,
        sources=("seed-nivaan", "hse-ireland-neck-pain", "judgement"),
        basis="seed (persist despite home care), CLINICAL.md 1.1",
        applies=_persisting_despite_home_care,
    ),
    Rule(
        id="recurrent-episodes",
        tier=_B,
        sources=("seed-nivaan", "familiprix-torticollis", "judgement"),
        basis="seed (recurrent spasms), CLINICAL.md 1.2",
        applies=_recurrent_episodes,
    ),
    Rule(
        id="getting-worse",
        tier=_B,
        sources=("seed-nivaan", "gponline-cks-neck-pain", "familiprix-torticollis", "judgement"),
        basis="seed (worsening spasms; pain or stiffness continues to worsen), CLINICAL.md 1.2",
        applies=_getting_worse,
    ),
    Rule(
        id="severe-stiffness",
        tier=_B,
        sources=("seed-nivaan", "hse-ireland-neck-pain", "viyanacare-torticollis", "judgement"),
        basis="seed (severe stiffness; severely limited movement), CLINICAL.md 1.3",
        applies=_severe_stiffness,
    ),
    Rule(
        id="sleep-disturbed",
        tier=_B,
        sources=("seed-nivaan", "nice-cks-neck-pain", "judgement"),
        basis="seed (pain interfering with sleep), CLINICAL.md 1.4",
        applies=_sleep_disturbed,
    ),
    Rule(
        id="work-stopped",
        tier=_B,
        sources=("seed-nivaan", "nice-cks-neck-pain", "judgement"),
        basis="seed (pain interfering with work), CLINICAL.md 1.5",
        applies=_work_stopped,
    ),
    Rule(
        id="daily-life-affected",
        tier=_B,
        sources=("seed-nivaan", "judgement"),
        basis="seed (interferes with daily activities)",
        applies=_daily_life_affected,
    ),
    Rule(
        id="arm-or-nerve-symptoms",
        tier=_B,
        sources=(
            "seed-nivaan",
            "hse-ireland-neck-pain",
            "aafp-radiculopathy",
            "gponline-cks-neck-pain",
            "judgement",
        ),
        basis="seed (arm pain or neurological symptoms), CLINICAL.md 1.6",
        applies=_arm_or_nerve_symptoms,
    ),
    Rule(
        id="severe-pain",
        tier=_B,
        sources=("versus-arthritis-neck-leaflet", "judgement"),
        basis="CLINICAL.md 1.18 (contact a doctor for severe pain)",
        applies=_severe_pain,
    ),
    Rule(
        id="age-band",
        tier=_B,
        sources=("gponline-cks-neck-pain", "indpharm-red-flags", "judgement"),
        basis="CLINICAL.md 1.15",
        applies=_age_band,
    ),
    Rule(
        id="previous-neck-surgery",
        tier=_B,
        sources=("indpharm-red-flags", "nice-cks-neck-pain", "judgement"),
        basis="CLINICAL.md 1.16",
        applies=_previous_neck_surgery,
    ),
    Rule(
        id="neck-injury",
        tier=_B,
        sources=("canadian-c-spine-rule", "judgement"),
        basis="CLINICAL.md 1.9 (no high-risk feature)",
        applies=_neck_injury,
    ),
    Rule(
        id=SELF_CARE_ID,
        tier=Tier.SELF_CARE,
        sources=("hse-ireland-neck-pain", "versus-arthritis-neck-leaflet", "nice-cks-neck-pain"),
        basis="CLINICAL.md 1.18, section 4",
        applies=_always,
    ),
)


def fired_rules(check_in: CheckIn, episodes: Sequence[Episode], now: datetime) -> tuple[Rule, ...]:
    """The rules that fire, highest tier first, then in table order; the self-care rule alone
    when no other fires (module Rule 3)."""
    fired = [r for r in RULES if r.id != SELF_CARE_ID and r.applies(check_in, episodes, now)]
    if not fired:
        return tuple(r for r in RULES if r.id == SELF_CARE_ID)
    return tuple(sorted(fired, key=lambda r: -r.tier.rank))


def assess(
    check_in: CheckIn,
    episodes: Sequence[Episode],
    now: datetime,
    clinic: ClinicProfile | None,
    *,
    clinic_owner: str | None = None,
) -> Advice:
    """Read the answers and the diary against the warning signs.

    Args:
        check_in: today's answers.
        episodes: the whole diary (any order); episodes and updates after `now` are ignored.
        now: an aware datetime; durations are measured to it.
        clinic: the user's clinic, or None when none is set.
        clinic_owner: whose clinic `clinic` is when not the user's (the organisation's name).

    Returns:
        The Advice: tier, reasons, what to do, the booking link when it applies.

    Raises:
        DiaryValueError: when `now` is not aware.
        ContentError: when the package's warning_signs.toml or sources.toml is broken (a bug).
    """
    check_moment(now, "now")
    signs = load_warning_signs()
    sources = load_sources()
    fired = fired_rules(check_in, episodes, now)
    tier = fired[0].tier
    reasons = tuple(
        Reason(
            rule_id=rule.id,
            tier=rule.tier,
            title=_(signs.rules[rule.id].title),
            do_now=_(signs.rules[rule.id].do_now),
            judgement=_optional(signs.rules[rule.id].judgement),
            sources=tuple(sources[s] for s in rule.sources),
        )
        for rule in fired
    )
    offers_booking = tier in (Tier.PROMPT, Tier.BOOK) and clinic is not None
    words = signs.tiers[tier]
    return Advice(
        tier=tier,
        heading=_(words.title),
        reasons=reasons,
        what_to_do=_(words.what_to_do_as_written).replace(
            "{emergency_numbers}", _(signs.emergency_numbers)
        ),
        clinic=clinic if offers_booking else None,
        booking_url=clinic.booking_url if offers_booking and clinic is not None else None,
        add_clinic=_(signs.no_clinic) if clinic is None and tier is not Tier.EMERGENCY else None,
        not_a_diagnosis=_(signs.not_a_diagnosis),
        clinic_owner=clinic_owner if offers_booking else None,
    )


# --- the words: content/sources.toml and content/warning_signs.toml -------------------------------

SOURCES_FILE: Final = "sources.toml"
WARNING_SIGNS_FILE: Final = "warning_signs.toml"


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleText:
    """A rule's words (warning_signs.toml)."""

    id: str
    tier: Tier
    title: str
    do_now: str
    sources: tuple[str, ...]
    judgement: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TierText:
    """A tier's words (warning_signs.toml [tiers.*])."""

    tier: Tier
    title: str
    what_to_do: str  # with the emergency numbers in place
    sources: tuple[str, ...]
    judgement: str | None
    #: `what_to_do` as written, "{emergency_numbers}" and all: what the catalogues translate
    what_to_do_as_written: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class WarningSigns:
    """Everything warning_signs.toml says, checked against RULES and sources.toml."""

    rules: Mapping[str, RuleText]
    tiers: Mapping[Tier, TierText]
    not_a_diagnosis: str
    no_clinic: str
    emergency_numbers: str


def _text(raw: object) -> str:
    if not isinstance(raw, str):
        raise ValueError("expected text")
    return raw


def _anything(raw: object) -> object:
    """A value read as a table of its own, or checked by the loader."""
    return raw


def _rule_list(raw: object) -> list[object]:
    if not isinstance(raw, list):
        raise ValueError("expected [[rule]] entries")
    return raw


def _source_ids(known: Mapping[str, Source]) -> Key[tuple[str, ...]]:
    """The "sources" key of a tier or rule: a list of ids from sources.toml."""

    def read(raw: object) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
            raise ValueError("expected a list of source ids")
        unknown = [v for v in raw if v not in known]
        if unknown:
            raise ValueError(f"expected ids from {SOURCES_FILE}; unknown: {', '.join(unknown)}")
        return tuple(raw)

    return Key("sources", read)


def _judgement(table: Table, sources: tuple[str, ...]) -> str | None:
    """A tier's or rule's judgement note; one that cites "judgement" must have it (Rule 4)."""
    if "judgement" in sources and "judgement" not in table:
        raise table.error("judgement", 'expected when "judgement" is cited')
    return table[_JUDGEMENT]


# Every table of warning_signs.toml: known keys only; a missing one is named in the order its
# schema lists the keys (alphabetical), before any value is read. A tier's and a rule's schema
# are made by the loader, with the "sources" key that knows sources.toml.
_ADVICE: Final = Key("advice", _anything)
_TIERS: Final = Key("tiers", _anything)
_RULES: Final = Key("rule", _rule_list)
_TITLE: Final = Key("title", _text)
_WHAT_TO_DO: Final = Key("what_to_do", _text)
_DO_NOW: Final = Key("do_now", _text)
_ID: Final = Key("id", _text)
_TIER: Final = Key("tier", one_of(Tier))
_JUDGEMENT: Final = Key("judgement", optional(_text, None), required=False)
_EMERGENCY_NUMBERS: Final = Key("emergency_numbers", _text)
_NO_CLINIC: Final = Key("no_clinic", _text)
_NOT_A_DIAGNOSIS: Final = Key("not_a_diagnosis", _text)


def _schema(*keys: Key[object]) -> Schema:
    return Schema(keys=keys, unknown="unknown key", missing="expected in every entry")


_DOCUMENT: Final = _schema(_ADVICE, _RULES, _TIERS)
_ADVICE_TABLE: Final = _schema(_EMERGENCY_NUMBERS, _NO_CLINIC, _NOT_A_DIAGNOSIS)
_TIERS_TABLE: Final = _schema(*(Key(word, _anything) for word in sorted(t.value for t in Tier)))


@functools.cache
def load_sources() -> Mapping[str, Source]:
    """Every citable source by id (content/sources.toml).

    Raises:
        ContentError: when the file is broken (a bug in the package).
    """
    return {source.id: source for source in load_source_list()}


@functools.cache
def load_warning_signs() -> WarningSigns:
    """The words of every rule and tier, checked against RULES and sources.toml.

    Raises:
        ContentError: when warning_signs.toml misses a rule of RULES or has one it doesn't know,
            a tier or a source list differs from the code, a source is not in sources.toml, or
            anything is mistyped (a bug in the package).
    """
    file = WARNING_SIGNS_FILE
    sources = _source_ids(load_sources())
    tier_schema = _schema(_JUDGEMENT, sources, _TITLE, _WHAT_TO_DO)
    rule_schema = _schema(_DO_NOW, _ID, _JUDGEMENT, sources, _TIER, _TITLE)
    document = _DOCUMENT.read(content_document(file), in_content(file))
    advice = _ADVICE_TABLE.read(document[_ADVICE], in_content(file, "[advice]"))
    numbers = advice[_EMERGENCY_NUMBERS]

    tiers_table = _TIERS_TABLE.read(document[_TIERS], in_content(file, "[tiers]"))
    tiers: dict[Tier, TierText] = {}
    for tier in Tier:
        entry = f"[tiers.{tier.value}]"
        table = tier_schema.read(tiers_table.values[tier.value], in_content(file, entry))
        tiers[tier] = TierText(
            tier=tier,
            title=table[_TITLE],
            what_to_do=table[_WHAT_TO_DO].replace("{emergency_numbers}", numbers),
            what_to_do_as_written=table[_WHAT_TO_DO],
            sources=(cited := table[sources]),
            judgement=_judgement(table, cited),
        )

    by_id = {rule.id: rule for rule in RULES}
    rules: dict[str, RuleText] = {}
    for index, raw in enumerate(document[_RULES]):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        entry = f'rule "{rule_id}"' if isinstance(rule_id, str) else f"[[rule]] number {index + 1}"
        table = rule_schema.read(raw, in_content(file, entry))
        text = RuleText(
            id=table[_ID],
            tier=table[_TIER],
            title=table[_TITLE],
            do_now=table[_DO_NOW],
            sources=(cited := table[sources]),
            judgement=_judgement(table, cited),
        )
        code = by_id.get(text.id)
        if code is None:
            raise table.error("id", "expected the id of a rule in triage.RULES")
        if text.id in rules:
            raise table.error("id", "expected each rule once")
        if text.tier is not code.tier:
            raise table.error("tier", f"expected {code.tier.value!r}, as in triage.RULES")
        if text.sources != code.sources:
            raise table.error("sources", f"expected {list(code.sources)}, as in triage.RULES")
        rules[text.id] = text
    missing = [rule.id for rule in RULES if rule.id not in rules]
    if missing:
        raise document.error(
            "rule",
            f"expected words for every rule in triage.RULES; missing: {', '.join(missing)}",
            MISSING,
        )
    return WarningSigns(
        rules=rules,
        tiers=tiers,
        not_a_diagnosis=advice[_NOT_A_DIAGNOSIS],
        no_clinic=advice[_NO_CLINIC],
        emergency_numbers=numbers,
    )


def _optional(text: str | None) -> str | None:
    return None if text is None else _(text)
