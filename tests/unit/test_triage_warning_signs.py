"""Every warning sign the sources name, alone and in the combinations the clinical review listed
(issue 17), at the tier the sources give: one row per sign or combination, with the source row
it comes from. The baseline is test_triage's: 35 years old, pain 3/10, a little stiff, improving,
nothing else, which alone is self-care.

# Protects: under-triage. Altered consciousness, a meningitis-like picture without a fever, the
# whole cervical arterial dysfunction set (IFOMPT), spreading or two-sided arm signs, pain that
# has lasted weeks, "not sure" after an injury, a head injury, a neck manipulation and the worst
# pain getting worse each reach the tier the sources give, never lower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from posture_guard.core.episodes import Symptom
from posture_guard.core.tiers import Tier
from posture_guard.core.triage import RULES, assess, load_sources, load_warning_signs
from tests.unit.test_triage import NOW, ask

E, P, B, S = Tier.EMERGENCY, Tier.PROMPT, Tier.BOOK, Tier.SELF_CARE


@dataclass(frozen=True)
class Sign:
    name: str
    source: str  # where the tier comes from: CLINICAL.md's row, or a source id
    answers: dict[str, Any]
    tier: Tier


def sign(name: str, source: str, tier: Tier, **answers: Any) -> Sign:
    return Sign(name, source, answers, tier)


#: The cervical arterial dysfunction signs of the IFOMPT cervical framework, each as the
#: check-in's words say it (trouble speaking and trouble swallowing are one answer).
CAD_SIGNS: dict[str, tuple[str, Tier]] = {
    "dizziness": ("dizziness", P),
    "double vision (diplopia)": ("double-vision", E),
    "trouble speaking (dysarthria)": ("trouble-speaking-swallowing", E),
    "trouble swallowing (dysphagia)": ("trouble-speaking-swallowing", E),
    "drop attacks": ("drop-attacks", P),
    "nausea": ("nausea", P),
    "nystagmus": ("nystagmus", E),
    "numbness (face)": ("face-numbness", E),
    "unsteadiness, sudden (ataxia)": ("sudden-unsteadiness", E),
    "unsteadiness, gradual": ("balance-problems", P),
    "sudden loss of sight": ("sudden-vision-loss", E),
    "blurred vision": ("vision-changes", P),
    "hearing changes": ("hearing-changes", P),
    "new severe headache": ("severe-headache", P),
}

ALONE: list[Sign] = [
    # CLINICAL.md section 1, row by row
    sign("row 1: lasted 3-12 weeks", "1.1", B, lasted="3-12-weeks"),
    sign("row 1: lasted over 12 weeks", "1.1", B, lasted="over-12-weeks"),
    sign("row 1: 1-3 weeks, not improving", "1.1", B, lasted="1-3-weeks", trend="same"),
    sign("row 2: getting worse", "1.2", B, trend="worse"),
    sign("seed: persisting despite a week of home care", "seed", B, home_care=7, trend="same"),
    sign("seed: daily life affected", "seed", B, daily=True),
    sign("row 3: severe stiffness", "1.3", B, stiffness="severe"),
    sign("row 4: sleep disturbed", "1.4", B, sleep=True),
    sign("row 5: interfering with work", "1.5", B, work=True),
    sign("row 6: arm pain", "1.6", B, symptoms="arm-pain"),
    sign("row 6: pins and needles", "1.6", B, symptoms="tingling-numbness"),
    sign("row 6: cold arm", "1.6", B, symptoms="cold-arm"),
    sign("row 6: weakness", "1.6", B, symptoms="weakness"),
    sign("row 6: weakness getting worse", "1.6", P, symptoms="weakness", trend="worse"),
    sign("row 6: weakness or numbness spreading", "1.6", P, symptoms="weakness-spreading"),
    sign("row 6: both arms", "1.6, 1.11", P, symptoms="both-arms"),
    sign("row 7: non-fading rash", "1.7", E, symptoms="non-fading-rash"),
    sign("row 7: fever with a stiff neck", "1.7", E, symptoms="fever"),
    sign(
        "row 7: drowsy, confused or hard to wake", "1.7; when-to-call-999", E, symptoms="drowsiness"
    ),
    sign(
        "row 7: drowsy, not even neck pain",
        "when-to-call-999",
        E,
        symptoms="drowsiness",
        pain=0,
        stiffness="none",
    ),
    sign("row 7: stiff neck and vomiting, no fever", "1.7", P, symptoms="vomiting"),
    sign("row 7: stiff neck and light hurts, no fever", "1.7", P, symptoms="light-sensitivity"),
    sign("row 8: thunderclap headache", "1.8", E, symptoms="thunderclap-headache"),
    sign("row 9: injury at 65", "1.9", E, injury=True, age=65),
    sign("row 9: dangerous mechanism", "1.9", E, injury=True, high_risk=True),
    sign("row 9: dangerous mechanism, not sure", "1.9", E, injury="not-sure", high_risk="not-sure"),
    sign("row 9: injury, limb tingling", "1.9", E, injury=True, symptoms="tingling-numbness"),
    sign("row 9: injury, cannot turn the head", "1.9", E, injury=True, stiffness="severe"),
    sign("row 9: injury alone", "1.9", B, injury=True),
    sign("row 9: injury, not sure", "1.9", B, injury="not-sure"),
    sign("row 10: sudden weakness", "1.10", E, symptoms="sudden-weakness"),
    sign("row 10: fainting", "1.10", E, symptoms="fainting"),
    sign("row 10: seizure", "1.10", E, symptoms="seizure"),
    sign("row 10: electric shock", "1.10", E, symptoms="electric-shock-feeling"),
    sign("row 11: clumsy hands", "1.11", P, symptoms="clumsy-hands"),
    sign("row 11: bladder or bowel", "1.11", P, symptoms="bladder-bowel-changes"),
    sign("row 13: fever, neck pain, not stiff", "1.13", P, symptoms="fever", stiffness="none"),
    sign("row 13: unwell", "1.13", P, symptoms="feeling-unwell"),
    sign("row 13: night sweats", "1.13", P, symptoms="night-sweats-weight-loss"),
    sign("row 13: swollen glands", "1.13", P, symptoms="swollen-glands"),
    sign("row 14: cancer", "1.14", P, risks="cancer"),
    sign("row 14: tuberculosis", "1.14", P, risks="tuberculosis"),
    sign("row 14: immunosuppression", "1.14", P, risks="immunosuppression"),
    sign("row 14: injecting drugs", "1.14", P, risks="iv-drug-use"),
    sign("row 14: inflammatory arthritis", "1.14", P, risks="inflammatory-arthritis"),
    sign("row 15: under 20", "1.15", B, age=19),
    sign("row 15: over 55", "1.15", B, age=56),
    sign("row 15: over 50 with cancer", "1.15", P, age=51, risks="cancer"),
    sign("row 16: osteoporosis and a fall", "1.16", P, risks="osteoporosis", injury=True),
    sign("row 16: neck surgery", "1.16", B, risks="neck-surgery"),
    sign("row 17: chest pain", "1.17", E, symptoms="chest-pain"),
    sign("row 18: severe pain 7", "1.18", B, pain=7),
    sign("row 2, 18: pain 7 getting worse", "1.2, 1.18", P, pain=7, trend="worse"),
    sign("row 2, 18: pain 10 getting worse", "1.2, 1.18", P, pain=10, trend="worse"),
    sign("row 2, 18: pain 10", "1.2, 1.18", P, pain=10),
    sign("row 18: nothing", "1.18", S),
    # everyday symptoms stay self-care
    *(
        sign(f"everyday: {word}", "seed", S, symptoms=word)
        for word in (
            "headache",
            "pain-on-movement",
            "twitching",
            "shoulder-discomfort",
            "posture-discomfort",
        )
    ),
    # IFOMPT cervical framework: every cervical arterial dysfunction sign alone
    *(
        sign(f"CAD alone: {name}", "ifompt", tier, symptoms=word)
        for name, (word, tier) in CAD_SIGNS.items()
    ),
]

COMBINED: list[Sign] = [
    # altered consciousness (issue 17): alone above; with vomiting after an injury
    sign(
        "drowsy, vomiting after an injury", "ng232", E, symptoms="drowsiness,vomiting", injury=True
    ),
    sign(
        "vomiting after an injury", "ng232", E, symptoms="vomiting", injury=True, stiffness="none"
    ),
    sign(
        "vomiting after an injury, not sure",
        "ng232",
        E,
        symptoms="vomiting",
        injury="not-sure",
        stiffness="none",
    ),
    sign("fainting after an injury", "ng232", E, symptoms="fainting", injury=True),
    sign(
        "headache after a head injury",
        "ng232",
        E,
        symptoms="headache",
        injury=True,
        head=True,
        stiffness="none",
    ),
    sign(
        "headache after a head injury, not sure",
        "ng232",
        E,
        symptoms="headache",
        injury=True,
        head="not-sure",
        stiffness="none",
    ),
    sign(
        "headache after an injury, head not hit",
        "1.9",
        B,
        symptoms="headache",
        injury=True,
        head=False,
        stiffness="none",
    ),
    sign(
        "unsteady after a head injury",
        "ng232",
        E,
        symptoms="balance-problems",
        injury=True,
        head=True,
    ),
    # meningitis without a recorded fever (issue 17)
    sign(
        "headache, vomiting, light, stiff neck",
        "1.7",
        E,
        symptoms="headache,vomiting,light-sensitivity",
    ),
    sign("headache and vomiting, stiff neck", "1.7", E, symptoms="headache,vomiting"),
    sign("headache and light, stiff neck", "1.7", E, symptoms="headache,light-sensitivity"),
    sign("vomiting and light, stiff neck", "1.7", E, symptoms="vomiting,light-sensitivity"),
    sign("headache and stiff neck only", "1.7", S, symptoms="headache"),
    sign("fever, stiff neck, headache", "1.7", E, symptoms="fever,headache"),
    sign("fever, very stiff neck", "1.7", E, symptoms="fever", stiffness="severe"),
    # neck-artery signs with an injury or a manipulation (row 12)
    *(
        sign(f"after a manipulation: {name}", "1.12; ifompt", E, symptoms=word, manipulation=answer)
        for name, (word, _tier) in CAD_SIGNS.items()
        for answer in (True, "not-sure")
    ),
    *(
        sign(f"after an injury: {name}", "1.12; ifompt", E, symptoms=word, injury=True)
        for name, (word, _tier) in CAD_SIGNS.items()
    ),
    sign("manipulation, no sign", "1.12", S, manipulation=True),
    sign("manipulation not sure, no sign", "1.12", S, manipulation="not-sure"),
    # the highest tier wins
    sign("both arms and chest pain", "1.6, 1.17", E, symptoms="both-arms,chest-pain"),
    sign(
        "weeks of pain, sleepless, interfering with work",
        "1.1, 1.4, 1.5",
        B,
        lasted="over-12-weeks",
        sleep=True,
        work=True,
    ),
    sign(
        "spreading numbness and clumsy hands",
        "1.6, 1.11",
        P,
        symptoms="weakness-spreading,clumsy-hands",
    ),
]

#: Every pair of cervical arterial dysfunction signs together is an emergency (issue 17).
CAD_PAIRS: list[Sign] = [
    sign(f"CAD together: {a} + {b}", "1.12; ifompt", E, symptoms=f"{wa},{wb}")
    for i, (a, (wa, _ta)) in enumerate(CAD_SIGNS.items())
    for b, (wb, _tb) in list(CAD_SIGNS.items())[i + 1 :]
    if wa != wb
]

TABLE = ALONE + COMBINED + CAD_PAIRS


@pytest.mark.parametrize("case", TABLE, ids=[c.name for c in TABLE])
def test_every_warning_sign_reaches_the_tier_its_source_gives(case: Sign) -> None:
    advice = assess(ask(**case.answers), [], NOW, None)
    assert advice.tier is case.tier, (case.source, advice.rule_ids)


def test_the_table_covers_every_warning_sign_word() -> None:
    """Every symptom word of the check-in appears in a row, so none is left undecided."""
    said = {
        word.strip()
        for case in TABLE
        for word in str(case.answers.get("symptoms", "")).split(",")
        if word.strip()
    }
    assert said == {s.value for s in Symptom}


def test_the_table_reaches_every_rule() -> None:
    """Every rule but the one read from the diary alone (recurrence: test_triage's vignettes)."""
    fired = set().union(*(assess(ask(**c.answers), [], NOW, None).rule_ids for c in TABLE))
    assert fired == {rule.id for rule in RULES} - {"recurrent-episodes"}


def test_new_rules_cite_sources_that_resolve_to_web_addresses() -> None:
    sources = load_sources()
    for rule_id in (
        "altered-consciousness",
        "injury-warning-signs",
        "vascular-signs-together",
        "vascular-signs-after-injury-or-manipulation",
        "possible-meningitis-no-fever",
        "both-arms",
        "severe-pain-getting-worse",
        "lasting-weeks",
    ):
        rule = next(r for r in RULES if r.id == rule_id)
        cited = [sources[s] for s in rule.sources if s != "judgement"]
        assert cited, rule_id
        assert all(re.match(r"^https?://[^/\s]+", s.url) for s in cited), rule_id


def test_no_advice_text_diagnoses() -> None:
    """The advice says what signs "can" come from; it never tells someone what they have."""
    signs = load_warning_signs()
    for text in (r.do_now for r in signs.rules.values()):
        lowered = text.lower()
        assert "suggest" not in lowered
        assert " you have " not in lowered
        assert "this is a " not in lowered
