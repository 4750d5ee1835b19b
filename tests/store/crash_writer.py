"""The writer the crash test kills: appends one break and one day figure per transaction.

`python -m tests.store.crash_writer DB RUN` opens the database, prints `ready`, then writes
records RUN * STRIDE, RUN * STRIDE + 1, ... forever, printing `ack N` after `save` has returned
for record N (that is, after its transaction committed). The test SIGKILLs it at a random moment
and then checks that every acknowledged record is in the database.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from posture_guard.app.store import Store
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.timer import Outcome

#: Record numbers of one run start at RUN * STRIDE, so every run writes its own records.
STRIDE = 1_000_000
_BASE = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
_OUTCOMES = tuple(Outcome)


def record(n: int) -> BreakRecord:
    """Record number `n`: every field derived from `n`, so the test can rebuild it exactly."""
    ended = _BASE + timedelta(seconds=n)
    return BreakRecord(
        kind=("posture", "stretch", "movement")[n % 3],
        due=None if n % 4 == 0 else ended - timedelta(minutes=3),
        prompted=None if n % 2 == 0 else ended - timedelta(minutes=2),
        started=ended - timedelta(seconds=20),
        ended=ended,
        outcome=_OUTCOMES[n % len(_OUTCOMES)],
        snoozes=n % 4,
    )


def day_of_run(run: int) -> date:
    """The day whose figure run `run` sets, to its latest record number, with each record."""
    return date(2000, 1, 1) + timedelta(days=run)


def main(argv: list[str]) -> None:
    path, run = Path(argv[1]), int(argv[2])
    with Store.open(path) as store:
        print("ready", flush=True)
        n = run * STRIDE
        while True:
            store.save(breaks=[record(n)], activity=[DayActivity(day=day_of_run(run), active_s=n)])
            print(f"ack {n}", flush=True)
            n += 1


if __name__ == "__main__":
    main(sys.argv)
