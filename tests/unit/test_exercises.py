"""The shipped exercise catalogue and the picker: rotation without repeats, the gentle set while
acute, cautions against recorded symptoms, and the break's length (issue 4, acceptance 3)."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core import config, exercises
from posture_guard.core.exercises import (
    ACUTE_CAUTION,
    CAUTIONS,
    SYMPTOM_CAUTIONS,
    Area,
    Catalogue,
    Exercise,
    Phase,
    active_cautions,
    eligible,
    is_acute,
    pick,
)


@functools.cache
def _catalogue() -> Catalogue:
    return exercises.load_catalogue()


DEFAULT_LENGTH = {spec.kind: spec.length_s for spec in config.defaults().timer.breaks}
IDS = [exercise.id for exercise in _catalogue().exercises]
UNKNOWN_SYMPTOM = "something-new"

kinds = st.sampled_from(config.BREAK_KINDS)
symptom_sets = st.frozensets(st.sampled_from([*SYMPTOM_CAUTIONS, UNKNOWN_SYMPTOM]), max_size=3)
lengths = st.integers(min_value=0, max_value=700)
histories = st.lists(st.sampled_from([*IDS, "retired-exercise"]), max_size=40)


def _ids(items: Sequence[Exercise]) -> list[str]:
    return [exercise.id for exercise in items]


def _pick(
    kind: str,
    history: Sequence[str] = (),
    *,
    acute: bool = False,
    symptoms: Collection[str] = (),
    length_s: int | None = None,
) -> Exercise | None:
    return pick(
        _catalogue(),
        kind=kind,
        history=history,
        acute=acute,
        symptoms=symptoms,
        length_s=DEFAULT_LENGTH[kind] if length_s is None else length_s,
    )


def _eligible_ids(
    kind: str, *, acute: bool = False, symptoms: Collection[str] = (), length_s: int | None = None
) -> list[str]:
    return _ids(
        eligible(
            _catalogue(),
            kind=kind,
            acute=acute,
            symptoms=symptoms,
            length_s=DEFAULT_LENGTH[kind] if length_s is None else length_s,
        )
    )


# --- the shipped catalogue ---------------------------------------------------------------------


def test_catalogue_has_12_to_16_exercises_for_neck_shoulders_upper_back_and_eyes() -> None:
    catalogue = _catalogue()
    assert 12 <= len(catalogue.exercises) <= 16
    areas = {exercise.area for exercise in catalogue.exercises}
    assert {Area.NECK, Area.SHOULDERS, Area.UPPER_BACK, Area.EYES} <= areas


def test_catalogue_every_exercise_fits_each_break_it_suits_at_the_default_length() -> None:
    for exercise in _catalogue().exercises:
        for kind in exercise.breaks:
            assert exercise.duration_s <= DEFAULT_LENGTH[kind], (exercise.id, kind)


def test_catalogue_every_break_offers_a_gentle_exercise_while_acute_at_default_length() -> None:
    for kind in config.BREAK_KINDS:
        assert _eligible_ids(kind, acute=True), kind


def test_catalogue_uses_every_caution_and_symptoms_map_only_to_known_cautions() -> None:
    used = {caution for exercise in _catalogue().exercises for caution in exercise.cautions}
    assert used == set(CAUTIONS)
    for symptom, cautions in SYMPTOM_CAUTIONS.items():
        assert cautions <= set(CAUTIONS), symptom


def test_catalogue_recovery_only_exercises_include_the_acute_spasm_cautioned_ones() -> None:
    for exercise in _catalogue().exercises:
        if ACUTE_CAUTION in exercise.cautions:
            assert exercise.phase is Phase.RECOVERY, exercise.id


def test_catalogue_looks_up_an_exercise_by_id_and_raises_key_error_for_an_unknown_one() -> None:
    assert _catalogue().exercise("chin-glide").name == "Chin glide"
    with pytest.raises(KeyError, match=r"^'nope'$"):
        _catalogue().exercise("nope")


# --- rotation: no repeat until every eligible exercise was shown --------------------------------


def test_picker_from_no_history_shows_each_eligible_exercise_once_in_catalogue_order() -> None:
    history: list[str] = []
    pool = _eligible_ids("stretch")
    for _ in pool:
        chosen = _pick("stretch", history)
        assert chosen is not None
        history.append(chosen.id)
    assert history == pool
    # the next rotation starts again with the exercise shown longest ago
    assert _pick("stretch", history) == _catalogue().exercise(pool[0])


def test_picker_gives_the_same_pick_for_the_same_inputs() -> None:
    history = ["neck-turn", "chin-glide", "blink-reset"]
    assert _pick("stretch", history) == _pick("stretch", list(history))


def test_picker_skips_history_ids_of_other_breaks_and_retired_exercises() -> None:
    history = ["distance-gaze", "retired-exercise", "neck-forward-tilt", "stand-and-walk"]
    chosen = _pick("stretch", history)
    assert chosen is not None
    assert chosen.id == "neck-side-tilt"


def test_picker_finishes_a_rotation_begun_in_the_history_before_repeating() -> None:
    pool = _eligible_ids("movement")  # lying-chin-nod, stand-and-walk, warmth-and-gentle-movement
    assert len(pool) == 3
    history = [pool[2], pool[0]]
    chosen = _pick("movement", history)
    assert chosen is not None
    assert chosen.id == pool[1]


@given(kind=kinds, acute=st.booleans(), symptoms=symptom_sets, length_s=lengths, history=histories)
def test_picker_any_run_of_picks_has_no_repeat_until_all_eligible_were_shown(
    kind: str, acute: bool, symptoms: frozenset[str], length_s: int, history: list[str]
) -> None:
    pool = sorted(_eligible_ids(kind, acute=acute, symptoms=symptoms, length_s=length_s))
    picks: list[str] = []
    for _ in range(2 * len(pool) + 1):
        chosen = _pick(kind, history + picks, acute=acute, symptoms=symptoms, length_s=length_s)
        if not pool:
            assert chosen is None
            return
        assert chosen is not None
        picks.append(chosen.id)
    # every window of len(pool) consecutive picks shows each eligible exercise exactly once
    for start in range(len(picks) - len(pool) + 1):
        assert sorted(picks[start : start + len(pool)]) == pool


@given(kind=kinds, acute=st.booleans(), symptoms=symptom_sets, length_s=lengths, history=histories)
def test_picker_never_repeats_one_of_the_last_eligible_exercises_shown(
    kind: str, acute: bool, symptoms: frozenset[str], length_s: int, history: list[str]
) -> None:
    pool = _eligible_ids(kind, acute=acute, symptoms=symptoms, length_s=length_s)
    chosen = _pick(kind, history, acute=acute, symptoms=symptoms, length_s=length_s)
    if not pool:
        assert chosen is None
        return
    assert chosen is not None
    assert chosen.id in pool
    recent = [exercise_id for exercise_id in history if exercise_id in pool][-(len(pool) - 1) :]
    if len(pool) > 1:
        assert chosen.id not in recent


# --- the gentle set while acute -----------------------------------------------------------------


@pytest.mark.parametrize("kind", config.BREAK_KINDS)
def test_picker_offers_only_acute_gentle_exercises_while_acute(kind: str) -> None:
    gentle = _eligible_ids(kind, acute=True)
    everything = _eligible_ids(kind)
    assert gentle
    assert set(gentle) < set(everything) or kind == "posture"
    for exercise_id in gentle:
        assert _catalogue().exercise(exercise_id).phase is Phase.ACUTE_GENTLE


def test_picker_leaves_recovery_stretches_out_while_acute() -> None:
    assert set(_eligible_ids("stretch")) - set(_eligible_ids("stretch", acute=True)) == {
        "assisted-side-stretch",
        "doorway-chest-stretch",
        "band-arm-raise",
    }


@given(kind=kinds, symptoms=symptom_sets, length_s=lengths, history=histories)
def test_picker_while_acute_never_picks_a_recovery_exercise(
    kind: str, symptoms: frozenset[str], length_s: int, history: list[str]
) -> None:
    chosen = _pick(kind, history, acute=True, symptoms=symptoms, length_s=length_s)
    if chosen is not None:
        assert chosen.phase is Phase.ACUTE_GENTLE
        assert ACUTE_CAUTION not in chosen.cautions


@pytest.mark.parametrize(
    ("episode_open", "latest_pain", "acute"),
    [
        (True, None, True),
        (True, 2, True),
        (False, 7, True),
        (False, 10, True),
        (False, 6, False),
        (False, 0, False),
        (False, None, False),
    ],
)
def test_is_acute_means_an_open_episode_or_latest_pain_of_7_or_more(
    episode_open: bool, latest_pain: int | None, acute: bool
) -> None:
    assert is_acute(episode_open=episode_open, latest_pain=latest_pain) is acute


# --- cautions against recorded symptoms -------------------------------------------------------


@pytest.mark.parametrize("symptom", sorted(SYMPTOM_CAUTIONS))
@pytest.mark.parametrize("kind", config.BREAK_KINDS)
def test_picker_never_offers_an_exercise_cautioned_for_a_recorded_symptom(
    symptom: str, kind: str
) -> None:
    ruled_out = SYMPTOM_CAUTIONS[symptom]
    for acute in (False, True):
        for exercise_id in _eligible_ids(kind, acute=acute, symptoms=[symptom]):
            assert ruled_out.isdisjoint(_catalogue().exercise(exercise_id).cautions)


@pytest.mark.parametrize("symptom", ["arm-pain", "tingling-numbness", "weakness", "cold-arm"])
def test_picker_with_arm_symptoms_offers_shoulder_and_walking_but_no_neck_exercise(
    symptom: str,
) -> None:
    assert _eligible_ids("stretch", symptoms=[symptom]) == [
        "shrug-and-drop",
        "shoulder-rolls",
        "shoulder-blade-squeeze",
        "stand-and-walk",
    ]
    assert _eligible_ids("movement", symptoms=[symptom]) == ["stand-and-walk"]


def test_picker_with_dizziness_offers_no_neck_movement_and_no_walk() -> None:
    assert _eligible_ids("stretch", symptoms=["dizziness"]) == [
        "shrug-and-drop",
        "shoulder-rolls",
        "shoulder-blade-squeeze",
        "doorway-chest-stretch",
        "band-arm-raise",
    ]
    assert _eligible_ids("movement", symptoms=["dizziness"]) == ["lying-chin-nod"]


def test_picker_with_an_unstable_shoulder_leaves_out_the_doorway_stretch_and_band_raise() -> None:
    offered = set(_eligible_ids("stretch", symptoms=["shoulder-instability"]))
    assert offered.isdisjoint({"doorway-chest-stretch", "band-arm-raise"})
    assert "assisted-side-stretch" in offered


def test_picker_takes_the_common_spasm_symptoms_as_no_reason_to_change_the_exercise() -> None:
    common = ["headache", "pain-on-movement", "twitching", "shoulder-discomfort"]
    for kind in config.BREAK_KINDS:
        assert _eligible_ids(kind, symptoms=common) == _eligible_ids(kind)


@pytest.mark.parametrize("symptom", ["fever", "severe-headache", "balance-problems", "chest-pain"])
def test_picker_with_a_warning_sign_offers_only_caution_free_exercises(symptom: str) -> None:
    assert _eligible_ids("stretch", symptoms=[symptom]) == [
        "shrug-and-drop",
        "shoulder-rolls",
        "shoulder-blade-squeeze",
    ]
    assert _eligible_ids("posture", symptoms=[symptom]) == _eligible_ids("posture")
    assert _eligible_ids("movement", symptoms=[symptom]) == []


def test_picker_knows_every_symptom_the_diary_records() -> None:
    from posture_guard.core.episodes import Symptom

    assert {symptom.value for symptom in Symptom} <= set(SYMPTOM_CAUTIONS)


def test_picker_with_an_unknown_symptom_offers_only_caution_free_exercises() -> None:
    assert active_cautions([UNKNOWN_SYMPTOM], acute=False) == frozenset(CAUTIONS)
    for kind in config.BREAK_KINDS:
        for exercise_id in _eligible_ids(kind, symptoms=[UNKNOWN_SYMPTOM]):
            assert _catalogue().exercise(exercise_id).cautions == ()


def test_active_cautions_add_acute_spasm_while_acute_and_merge_symptoms() -> None:
    assert active_cautions([], acute=False) == frozenset()
    assert active_cautions([], acute=True) == {"acute-spasm"}
    assert active_cautions(["weakness", "dizziness"], acute=False) == {"arm-symptoms", "dizziness"}


@given(kind=kinds, acute=st.booleans(), symptoms=symptom_sets, length_s=lengths, history=histories)
def test_picker_never_picks_an_exercise_whose_caution_a_symptom_activates(
    kind: str, acute: bool, symptoms: frozenset[str], length_s: int, history: list[str]
) -> None:
    chosen = _pick(kind, history, acute=acute, symptoms=symptoms, length_s=length_s)
    if chosen is not None:
        assert active_cautions(symptoms, acute=acute).isdisjoint(chosen.cautions)


# --- the break's length -------------------------------------------------------------------------


def test_picker_for_the_20_second_posture_break_offers_the_eye_and_posture_items() -> None:
    assert _eligible_ids("posture", length_s=20) == [
        "distance-gaze",
        "blink-reset",
        "posture-reset",
    ]


def test_picker_for_a_shortened_stretch_break_offers_only_what_fits() -> None:
    assert _eligible_ids("stretch", length_s=60) == [
        "neck-forward-tilt",
        "shrug-and-drop",
        "shoulder-rolls",
    ]


@given(kind=kinds, acute=st.booleans(), symptoms=symptom_sets, length_s=lengths, history=histories)
def test_picker_picks_an_exercise_for_this_kind_that_fits_the_break_length(
    kind: str, acute: bool, symptoms: frozenset[str], length_s: int, history: list[str]
) -> None:
    chosen = _pick(kind, history, acute=acute, symptoms=symptoms, length_s=length_s)
    if chosen is not None:
        assert chosen.duration_s <= length_s
        assert kind in chosen.breaks


# --- nothing fits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "acute", "symptoms", "length_s"),
    [
        pytest.param("posture", False, (), 10, id="posture-break-too-short"),
        pytest.param("stretch", False, (), 0, id="zero-length"),
        pytest.param("movement", True, ("dizziness",), 300, id="acute-and-dizzy-movement"),
        pytest.param("movement", False, ("dizziness", "arm-pain"), 300, id="dizzy-with-arm-pain"),
    ],
)
def test_picker_returns_none_when_no_exercise_fits(
    kind: str, acute: bool, symptoms: tuple[str, ...], length_s: int
) -> None:
    assert (
        _pick(kind, ["stand-and-walk"], acute=acute, symptoms=symptoms, length_s=length_s) is None
    )


def test_picker_rejects_an_unknown_break_kind_with_an_exact_message() -> None:
    with pytest.raises(
        ValueError, match=r"^unknown break kind 'nap': expected one of posture, stretch, movement$"
    ):
        _pick("nap", length_s=60)
