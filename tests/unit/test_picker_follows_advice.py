"""Issue 17, acceptance 2: the exercises follow the advice (exercises Rule 9). After emergency or
prompt advice, or an injury answer, no exercise that moves the neck is offered until a later
check-in at self-care or book; inflammatory arthritis, osteoporosis, past neck surgery and
severe stiffness keep neck exercises gentle. Plain values, the shipped catalogue."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core import exercises
from posture_guard.core.episodes import RiskFactor, Stiffness
from posture_guard.core.exercises import (
    HOLD_AREAS,
    Area,
    NeckLimit,
    Phase,
    eligible,
    neck_limit,
    pick,
)
from posture_guard.core.settings import BREAK_KINDS
from posture_guard.core.tiers import Tier
from tests.unit.test_episodes import check_in, check_ins

CATALOGUE = exercises.load_catalogue()
MOVES_THE_NECK = frozenset({Area.NECK, Area.SHOULDERS, Area.UPPER_BACK})


@pytest.mark.parametrize("tier", [Tier.EMERGENCY, Tier.PROMPT])
def test_after_emergency_or_prompt_advice_nothing_moves_the_neck(tier: Tier) -> None:
    limit = neck_limit(check_in(), tier)
    assert limit is NeckLimit.HOLD
    for kind in BREAK_KINDS:
        offered = eligible(CATALOGUE, kind=kind, acute=False, symptoms=(), length_s=600, neck=limit)
        assert not {e.area for e in offered} & MOVES_THE_NECK, kind
    # what is left: the eyes, and standing or walking
    posture = eligible(
        CATALOGUE, kind="posture", acute=False, symptoms=(), length_s=600, neck=limit
    )
    assert posture
    assert {e.area for e in posture} <= HOLD_AREAS


def test_an_injury_answer_holds_the_neck_whatever_the_tier() -> None:
    hurt = check_in(after_injury=True)
    for tier in Tier:
        assert neck_limit(hurt, tier) is NeckLimit.HOLD


@pytest.mark.parametrize("tier", [Tier.SELF_CARE, Tier.BOOK])
def test_a_later_check_in_at_self_care_or_book_clears_the_hold(tier: Tier) -> None:
    assert neck_limit(check_in(), tier) is NeckLimit.FREE
    stretch = pick(
        CATALOGUE, kind="stretch", history=(), acute=False, symptoms=(), length_s=600,
        neck=neck_limit(check_in(), tier),
    )  # fmt: skip
    assert stretch is not None
    assert stretch.area is Area.NECK  # the stretch rotation starts with the neck again


@pytest.mark.parametrize(
    "risk", [RiskFactor.INFLAMMATORY_ARTHRITIS, RiskFactor.OSTEOPOROSIS, RiskFactor.NECK_SURGERY]
)
def test_arthritis_osteoporosis_and_neck_surgery_keep_neck_exercises_gentle(
    risk: RiskFactor,
) -> None:
    limit = neck_limit(check_in(risk_history=frozenset({risk})), Tier.BOOK)
    assert limit is NeckLimit.GENTLE
    offered = eligible(
        CATALOGUE, kind="stretch", acute=False, symptoms=(), length_s=600, neck=limit
    )
    neck = [e for e in offered if e.area is Area.NECK]
    assert neck  # gentle neck exercises are still offered
    assert all(e.phase is Phase.ACUTE_GENTLE for e in neck)
    free = eligible(CATALOGUE, kind="stretch", acute=False, symptoms=(), length_s=600)
    assert any(e.area is Area.NECK and e.phase is not Phase.ACUTE_GENTLE for e in free)


def test_severe_stiffness_gets_the_gentle_set_and_other_risks_do_not_limit() -> None:
    assert neck_limit(check_in(stiffness=Stiffness.SEVERE), Tier.SELF_CARE) is NeckLimit.GENTLE
    cancer = check_in(risk_history=frozenset({RiskFactor.CANCER}))
    assert neck_limit(cancer, Tier.SELF_CARE) is NeckLimit.FREE
    assert neck_limit(None, None) is NeckLimit.FREE


@given(
    latest=check_ins(),
    tier=st.sampled_from(list(Tier)),
    kind=st.sampled_from(BREAK_KINDS),
    history=st.lists(st.sampled_from([e.id for e in CATALOGUE.exercises]), max_size=20),
    acute=st.booleans(),
)
def test_whatever_the_check_in_a_held_neck_is_never_offered_a_neck_exercise(
    latest, tier, kind, history, acute
) -> None:
    """The property: HOLD never offers an exercise that moves the neck; GENTLE never offers a
    neck exercise beyond the acute-gentle phase; and a worse tier never loosens the limit."""
    limit = neck_limit(latest, tier)
    chosen = pick(
        CATALOGUE, kind=kind, history=history, acute=acute, symptoms=(), length_s=600, neck=limit
    )
    if chosen is not None and limit is NeckLimit.HOLD:
        assert chosen.area not in MOVES_THE_NECK
    if chosen is not None and limit is NeckLimit.GENTLE and chosen.area is Area.NECK:
        assert chosen.phase is Phase.ACUTE_GENTLE
    order = [NeckLimit.FREE, NeckLimit.GENTLE, NeckLimit.HOLD]
    worse = {Tier.SELF_CARE: Tier.BOOK, Tier.BOOK: Tier.PROMPT, Tier.PROMPT: Tier.EMERGENCY}
    if tier in worse:
        assert order.index(neck_limit(latest, worse[tier])) >= order.index(limit)
    assert (
        order.index(neck_limit(replace(latest, after_injury=True, high_risk_mechanism=False), tier))
        == 2
    )
