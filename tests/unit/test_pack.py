"""The clinic's pack, pure (issue 17, acceptance 3): the sample pack read whole, each broken pack
refused with its one exact line, the manifest's guarantees as properties, the programme's
exercises under the picker's neck limit, and the report's adherence and pain per phase."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posture_guard.core.errors import ClinicError, PackError
from posture_guard.core.exercises import Area, NeckLimit, eligible, load_catalogue
from posture_guard.core.pack import (
    MANIFEST_FILE,
    Prescription,
    name_problem,
    programme_catalogue,
    read_pack,
)
from posture_guard.core.records import BreakRecord, PhaseChange
from posture_guard.core.timer import Outcome
from posture_guard.report.model import ProgrammeRecords, phase_at, programme_figures
from tests import packs
from tests.packs import BROKEN_LINES

CATALOGUE = load_catalogue()
WHERE = "clinic-pack"
NOD = "riverside-supported-chin-nod"
CIRCLES = "riverside-shoulder-circles"


def read(files: packs.Files) -> object:
    return read_pack(files, packs.sums(files), where=WHERE, catalogue=CATALOGUE)


def test_pack_the_sample_is_read_whole() -> None:
    # Protects: a good pack gives its id, version, clinic, phases in order and prescriptions.
    pack = read_pack(packs.sample(), packs.sums(packs.sample()), where=WHERE, catalogue=CATALOGUE)
    assert (pack.id, pack.version) == ("riverside-neck-programme", "1.2")
    assert pack.clinic.booking_url == "https://riverside-physio.example/book"
    assert pack.phases == ("acute", "recovery", "maintenance")
    assert pack.in_phase("acute") == (
        Prescription(phase="acute", exercise=NOD, per_day=3),
        Prescription(phase="acute", exercise=CIRCLES, per_day=4),
    )
    assert [e.id for e in pack.exercises] == [NOD, CIRCLES]
    assert pack.exercises[0].picture == f"pictures/{NOD}.png"


@pytest.mark.parametrize("broken", sorted(packs.BROKEN))
def test_pack_each_broken_pack_gives_its_one_exact_line(broken: str) -> None:
    # Protects: every kind of broken pack is refused with one line naming the file, the key,
    # what was expected and what was got.
    assert set(BROKEN_LINES) == set(packs.BROKEN)
    line = BROKEN_LINES[broken]
    pattern = line if broken == "wrong checksum" else re.escape(line)
    with pytest.raises(ClinicError, match=rf"^{pattern}$"):
        read(packs.BROKEN[broken](packs.sample()))


def test_pack_without_a_manifest_or_pack_file_is_refused() -> None:
    # Protects: no manifest, no pack.toml: refused, naming the missing file.
    files = {k: v for k, v in packs.sample().items() if k != MANIFEST_FILE}
    with pytest.raises(PackError, match=r"^clinic-pack: MANIFEST\.sha256 is missing: expected"):
        read(files)
    without = packs.signed({k: v for k, v in packs.sample().items() if k != "pack.toml"})
    with pytest.raises(PackError, match=r"^clinic-pack: pack\.toml is missing: expected"):
        read(without)


def test_pack_an_own_exercise_may_not_take_a_catalogue_id() -> None:
    # Protects: a pack's exercise cannot stand in for a built-in one of the same id.
    files = packs.edited(f'id = "{CIRCLES}"', 'id = "shoulder-rolls"')(packs.sample())
    with pytest.raises(
        PackError,
        match=r'^clinic-pack/pack\.toml: \[exercise "shoulder-rolls"\] picture = '
        rf'"pictures/{CIRCLES}\.png": expected "pictures/shoulder-rolls\.png"$',
    ):
        read(files)  # its picture is named for the old id: that is found first
    files = packs.sample()
    files["pack.toml"] = files["pack.toml"].replace(CIRCLES.encode(), b"shoulder-rolls")
    files["pictures/shoulder-rolls.png"] = files.pop(f"pictures/{CIRCLES}.png")
    files = packs.signed(files)
    with pytest.raises(
        PackError, match=r'^clinic-pack/pack\.toml: \[exercise "shoulder-rolls"\] id = '
    ):
        read(files)


@pytest.mark.parametrize(
    "name", ["../evil", "/etc/passwd", "a/../../b", "C:\\x", "a\\b", ".", "a//b", "-x/y", "a/./b"]
)
def test_pack_a_name_outside_the_pack_is_refused(name: str) -> None:
    # Protects: zip path traversal: a member named outside the pack (or oddly) refuses it.
    assert name_problem(name) is not None
    with pytest.raises(
        PackError, match=r"^clinic-pack: file name = .*: expected a file name inside the pack"
    ):
        read(packs.signed({**packs.sample(), name: b"x"}))


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(packs.sample())),
    at=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
)
def test_pack_any_changed_byte_of_any_file_is_refused(name: str, at: int, flip: int) -> None:
    # Protects: the manifest catches a damaged pack, whichever byte of whichever file changed.
    files = packs.sample()
    data = bytearray(files[name])
    data[at % len(data)] ^= flip
    files[name] = bytes(data)
    with pytest.raises(ClinicError):
        read(files)


@settings(max_examples=40, deadline=None)
@given(
    st.from_regex(r"[a-z][a-z0-9]{0,8}(/[a-z][a-z0-9]{0,8}){0,2}\.(png|txt|toml)", fullmatch=True)
)
def test_pack_any_extra_file_not_in_the_manifest_is_refused(name: str) -> None:
    # Protects: a file slipped into a pack after the manifest was made refuses the pack.
    files = packs.sample()
    if name in files:
        return
    files[name] = b"extra"
    with pytest.raises(PackError, match=rf"^clinic-pack/MANIFEST\.sha256: {re.escape(name)} is"):
        read(files)


def test_pack_neck_exercises_of_the_programme_follow_the_neck_limit() -> None:
    # Protects: the advice wins: while the advice holds neck exercises, the programme's neck
    # exercise (and its shoulder one) is not offered; once free, both are.
    pack = read_pack(packs.sample(), packs.sums(packs.sample()), where=WHERE, catalogue=CATALOGUE)
    acute = programme_catalogue(pack, CATALOGUE, "acute", picture_folder="/data/pack")
    assert [e.id for e in acute.exercises] == [NOD, CIRCLES]
    assert acute.exercises[0].picture_file == f"/data/pack/pictures/{NOD}.png"
    assert acute.exercises[0].area is Area.NECK

    def offered(neck: NeckLimit) -> list[str]:
        return [
            e.id
            for e in eligible(
                acute, kind="stretch", acute=False, symptoms=(), length_s=120, neck=neck
            )
        ]

    assert offered(NeckLimit.FREE) == [NOD, CIRCLES]
    assert offered(NeckLimit.GENTLE) == [NOD, CIRCLES]  # both are acute-gentle
    assert offered(NeckLimit.HOLD) == []
    recovery = programme_catalogue(pack, CATALOGUE, "recovery")
    assert [e.id for e in recovery.exercises] == [NOD, "chin-glide"]
    assert recovery.exercises[1] == CATALOGUE.exercise("chin-glide")
    assert programme_catalogue(pack, CATALOGUE, "no-such-phase").exercises == ()


def test_pack_a_break_offers_only_the_exercises_short_of_today_s_dose() -> None:
    # Protects: Rule 8: the programme's exercises each have a dose a day (per_day); one done
    # that often today is not offered again, and with every dose done none is (the catalogue's
    # exercises come back); without the day's counts, all of the phase's are offered.
    pack = read_pack(packs.sample(), packs.sums(packs.sample()), where=WHERE, catalogue=CATALOGUE)
    per_day = {p.exercise: p.per_day for p in pack.in_phase("acute")}
    assert per_day == {NOD: 3, CIRCLES: 4}

    def offered(done: dict[str, int] | None) -> list[str]:
        found = programme_catalogue(pack, CATALOGUE, "acute", done_today=done)
        return [e.id for e in found.exercises]

    assert offered(None) == [NOD, CIRCLES]
    assert offered({}) == [NOD, CIRCLES]
    assert offered({NOD: 2, CIRCLES: 3}) == [NOD, CIRCLES]
    assert offered({NOD: 3}) == [CIRCLES]
    assert offered({NOD: 3, CIRCLES: 4}) == []
    assert offered({"chin-glide": 9}) == [NOD, CIRCLES]  # another phase's exercise: no matter


T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_report_programme_adherence_per_exercise_and_pain_per_phase() -> None:
    # Protects: adherence counts the breaks that offered each prescribed exercise and those
    # taken; pain is grouped by the phase in force at each check-in.
    from posture_guard.core.episodes import AgeBand, CheckIn, Stiffness, Trend
    from posture_guard.core.records import AdviceSummary, StoredCheckIn
    from posture_guard.core.tiers import Tier

    pack = read_pack(packs.sample(), packs.sums(packs.sample()), where=WHERE, catalogue=CATALOGUE)
    changes = (
        PhaseChange(at=T0, phase="acute"),
        PhaseChange(at=T0 + timedelta(days=3), phase="recovery"),
    )
    programme = ProgrammeRecords(
        pack_id=pack.id, version=pack.version, clinic=pack.clinic.name, phases=pack.phases,
        phase="recovery", prescriptions=pack.prescriptions,
        names={NOD: "Supported chin nod", CIRCLES: "Slow shoulder circles",
               "chin-glide": "Chin glide", "shoulder-blade-squeeze": "Shoulder-blade squeeze"},
        changes=changes,
    )  # fmt: skip

    def brk(hours: int, exercise: str, outcome: Outcome) -> BreakRecord:
        at = T0 + timedelta(hours=hours)
        return BreakRecord(kind="stretch", ended=at, outcome=outcome, exercise=exercise)

    breaks = [
        brk(1, NOD, Outcome.TAKEN), brk(2, NOD, Outcome.SKIPPED), brk(3, NOD, Outcome.TAKEN),
        brk(4, CIRCLES, Outcome.SKIPPED), brk(5, "neck-turn", Outcome.TAKEN),
        brk(6, "", Outcome.NATURAL),
    ]  # fmt: skip

    def check_in(hours: int, pain: int) -> StoredCheckIn:
        c = CheckIn(at=T0 + timedelta(hours=hours), pain_now=pain, stiffness=Stiffness.MILD,
                    symptoms=frozenset(), trend=Trend.SAME, age_band=AgeBand.FROM_20_TO_50)  # fmt: skip
        return StoredCheckIn(
            id=hours, check_in=c, advice=AdviceSummary(tier=Tier.SELF_CARE, rule_ids=())
        )

    ins = [check_in(-5, 8), check_in(2, 6), check_in(30, 4), check_in(80, 3), check_in(90, 2)]
    figures = programme_figures(programme, breaks, ins)
    assert [(a.exercise, a.phases, a.per_day, a.offered, a.done) for a in figures.adherence] == [
        (NOD, ("acute", "recovery"), 3, 3, 2),
        (CIRCLES, ("acute",), 4, 1, 0),
        ("chin-glide", ("recovery",), 3, 0, 0),
        ("shoulder-blade-squeeze", ("maintenance",), 2, 0, 0),
    ]
    assert [(p.phase, p.check_ins, p.mean, p.lowest, p.highest) for p in figures.pain] == [
        ("", 1, 8.0, 8, 8),
        ("acute", 2, 5.0, 4, 6),
        ("recovery", 2, 2.5, 2, 3),
    ]
    assert phase_at(changes, T0 - timedelta(seconds=1)) == ""
    assert phase_at(changes, T0 + timedelta(days=3)) == "recovery"
