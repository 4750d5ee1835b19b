"""The programme's daily dose read from a real diary (SQLite file) and a real kept pack: the
breaks taken today with each exercise, from the start of the working day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from posture_guard.app.pack import import_pack, programme_now
from posture_guard.app.store import Store
from posture_guard.core.exercises import load_catalogue
from posture_guard.core.records import BreakRecord
from posture_guard.core.timer import Outcome
from posture_guard.desktop.paths import default_paths

SAMPLE = Path(__file__).parents[1] / "data" / "clinic-pack"
NOD = "riverside-supported-chin-nod"
CIRCLES = "riverside-shoulder-circles"
ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=ZONE)  # a Monday afternoon
DAY_STARTS = time(4, 0)


def taken(at: datetime, exercise: str, outcome: Outcome = Outcome.TAKEN) -> BreakRecord:
    return BreakRecord(
        kind="stretch", ended=at, outcome=outcome, due=at - timedelta(minutes=2),
        prompted=at - timedelta(minutes=2), started=at - timedelta(minutes=1), exercise=exercise,
    )  # fmt: skip


def test_programme_now_leaves_out_what_was_taken_as_often_as_prescribed_today(
    tmp_path: Path,
) -> None:
    # Protects: the dose counts breaks taken today (since 04:00) with the exercise; a skipped
    # one and yesterday's do not count; once the nod had its 3, only the circles are offered.
    paths = default_paths({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")})
    catalogue = load_catalogue()
    with Store.open(paths.database) as store:
        assert programme_now(store, paths, catalogue, NOW, DAY_STARTS) is None  # no pack
        import_pack(store, paths, SAMPLE, catalogue, NOW - timedelta(days=2))

        def offered() -> list[str]:
            found = programme_now(store, paths, catalogue, NOW, DAY_STARTS)
            assert found is not None
            return [e.id for e in found.exercises]

        assert offered() == [NOD, CIRCLES]
        store.add_break(taken(NOW.replace(hour=3, minute=30), NOD))  # yesterday's working day
        store.add_break(taken(NOW.replace(hour=9), NOD))
        store.add_break(taken(NOW.replace(hour=10), NOD))
        store.add_break(taken(NOW.replace(hour=11), NOD, Outcome.SKIPPED))
        assert offered() == [NOD, CIRCLES]  # 2 taken today: one more to go
        store.add_break(taken(NOW.replace(hour=12), NOD))
        assert offered() == [CIRCLES]
