"""How fast and how big is the store? Write latency under WAL, and years of data on disk.

Latency: WRITES single-transaction `Store.save` calls, each one break row plus that day's figure
(what the service writes when a break ends; its minute flush is the figure alone), timed one by
one with time.perf_counter on a fresh database, first with synchronous=NORMAL, then FULL. The
database lives in a temporary folder beside the real data dir (same disk and file system, which
is what decides the cost of an fsync), or in --dir.

Size: --years (default 5) x 250 working days, each with 25 break rows (a mix of kinds and outcomes, with the
times each outcome has) and one day figure, saved one day per transaction; the size is that of
the database file after `close` (WAL folded in, no -wal left), with its page counts.

Diary read: what the exercise picker reads at each break (`Store.picker_diary`), timed READS
times on a diary of --years x 250 check-ins (one each working day, pains 0-10) and an open
episode with a pain update a day for a week, beside one write's p50 measured above in the same
run.

Prints figures and never asserts. Run:
`.venv/bin/python bench/store.py [--dir DIR] [--writes N] [--years N] [--reads N]`.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from posture_guard.app.store import Store, Synchronous
from posture_guard.core.episodes import AgeBand, CheckIn, Episode, EpisodeUpdate, Stiffness, Trend
from posture_guard.core.records import AdviceSummary, BreakRecord, DayActivity
from posture_guard.core.tiers import Tier
from posture_guard.core.timer import Outcome
from posture_guard.desktop.paths import default_paths

KINDS = (("posture", 20), ("stretch", 120), ("movement", 300))
#: Outcome mix of a working day's breaks (judgement): most taken or natural, some skipped.
OUTCOMES = (
    [Outcome.TAKEN] * 10 + [Outcome.NATURAL] * 8 + [Outcome.SKIPPED] * 5 + [Outcome.MERGED] * 1
) + [Outcome.CANCELLED]


def one_break(rng: random.Random, ended: datetime) -> BreakRecord:
    kind, length_s = rng.choice(KINDS)
    outcome = rng.choice(OUTCOMES)
    if outcome is Outcome.NATURAL and rng.random() < 0.7:  # stepped away, never asked
        return BreakRecord(
            kind=kind, started=ended - timedelta(seconds=length_s * 2), ended=ended, outcome=outcome
        )
    due = ended - timedelta(seconds=rng.uniform(30, 900))
    snoozes = rng.choice((0, 0, 0, 1, 2))
    started = ended - timedelta(seconds=length_s) if outcome is Outcome.TAKEN else None
    return BreakRecord(
        kind=kind,
        due=due,
        prompted=due,
        started=started,
        ended=ended,
        outcome=outcome,
        snoozes=snoozes,
    )


def latencies_ms(folder: Path, synchronous: Synchronous, writes: int) -> list[float]:
    rng = random.Random(1)
    path = folder / f"latency-{synchronous.lower()}.sqlite3"
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    out: list[float] = []
    with Store.open(path, synchronous=synchronous) as store:
        for i in range(writes + 50):
            ended = start + timedelta(minutes=20 * i)
            record = one_break(rng, ended)
            figure = DayActivity(day=ended.date(), active_s=60.0 * i)
            began = time.perf_counter()
            store.save(breaks=[record], activity=[figure])
            if i >= 50:  # the first writes warm caches and grow the file
                out.append((time.perf_counter() - began) * 1000)
    return out


def history(folder: Path, years: int) -> tuple[int, int, int, str]:
    rng = random.Random(5)
    path = folder / "history.sqlite3"
    day = date(2021, 1, 4)
    days = rows = 0
    with Store.open(path) as store:
        while days < years * 250:
            if day.weekday() < 5:
                begin = datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC)
                moments = sorted(rng.uniform(0, 9 * 3600) for _ in range(25))
                breaks = [one_break(rng, begin + timedelta(seconds=s)) for s in moments]
                figure = DayActivity(day=day, active_s=rng.uniform(4, 8) * 3600)
                store.save(breaks=breaks, activity=[figure])
                days += 1
                rows += len(breaks)
            day += timedelta(days=1)
    with closing(sqlite3.connect(path)) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    return days, rows, path.stat().st_size, f"{pages:,} pages of {page_size:,} bytes, {free} free"


def diary_reads_ms(folder: Path, years: int, reads: int) -> tuple[int, list[float]]:
    """`reads` timings of `picker_diary` over a diary of `years` x 250 check-ins and an open
    episode with 7 updates; with the number of check-ins."""
    path = folder / "diary.sqlite3"
    start = datetime(2021, 1, 4, 9, 0, tzinfo=UTC)
    count = years * 250
    advice = AdviceSummary(tier=Tier.SELF_CARE, rule_ids=())
    with Store.open(path) as store:
        for i in range(count):
            at = start + timedelta(days=i * 7 / 5)
            answers = CheckIn(
                at=at,
                pain_now=i % 11,
                stiffness=Stiffness.MILD,
                trend=Trend.SAME,
                age_band=AgeBand.FROM_20_TO_50,
            )
            store.add_check_in(answers, advice)
        began = start + timedelta(days=count * 7 / 5)
        store.start_episode(
            Episode(started=began, pain_at_start=6, pain_peak=6, stiffness=None), now=began
        )
        for day in range(1, 8):
            at = began + timedelta(days=day)
            store.update_episode(EpisodeUpdate(at=at, pain=6 - day % 4), now=at)
        now = began + timedelta(days=8)  # the clock's reading at a break, as the service passes it
        out: list[float] = []
        for _ in range(reads + 5):
            before = time.perf_counter()
            store.picker_diary(now=now)
            out.append((time.perf_counter() - before) * 1000)
    return count, out[5:]  # the first reads warm the page cache


def file_system(folder: Path) -> str:
    """The mount's type from /proc/self/mounts (Linux); '?' elsewhere."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return "?"
    best, kind = "", "?"
    target = str(folder.resolve())
    for line in mounts:
        parts = line.split()
        inside = len(parts) > 2 and (
            target == parts[1] or target.startswith(parts[1].rstrip("/") + "/")
        )
        if inside and len(parts[1]) >= len(best):
            best, kind = parts[1], parts[2]
    return f"{kind} at {best}"


def describe(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (
        f"p50 {q[49]:6.3f} ms   p99 {q[98]:6.3f} ms   max {max(values):6.3f} ms   "
        f"mean {statistics.fmean(values):6.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where to put the temporary databases")
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5, help="years of data for the size")
    parser.add_argument("--reads", type=int, default=200, help="diary reads to time")
    args = parser.parse_args()
    base = args.dir or default_paths().data_dir.parent
    if not base.is_dir():
        base = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="posture-guard-bench-", dir=base) as tmp:
        folder = Path(tmp) / "data"
        print("bench/store.py: the SQLite store (WAL journal), on this machine")
        print(
            f"  folder:       {folder} ({file_system(Path(tmp))}), SQLite {sqlite3.sqlite_version}"
        )
        print(
            f"  write latency: {args.writes} single-transaction saves (1 break + the day's "
            "figure), timed each with perf_counter, after 50 warm-up writes"
        )
        write_p50 = 0.0
        for mode in ("NORMAL", "FULL"):
            used = "  <- the store's setting" if mode == "FULL" else ""
            timings = latencies_ms(folder, mode, args.writes)
            write_p50 = statistics.median(timings)
            print(f"    synchronous={mode:<6}  {describe(timings)}{used}")
        began = time.perf_counter()
        days, rows, size, pages = history(folder, args.years)
        seconds = time.perf_counter() - began
        print(
            f"  {f'{args.years} years:':<14}{days} working days, {rows:,} break rows + {days} day rows, "
            f"one transaction a day (synchronous=FULL), written in {seconds:.1f} s"
        )
        print(
            f"                file size {size / 1e6:.2f} MB ({size:,} bytes: {pages}; "
            f"{size / (rows + days):.0f} bytes a row, indexes included)"
        )
        print("                measured with os.stat after Store.close (WAL folded into the file)")
        left = sorted(p.name for p in folder.iterdir() if p.name.startswith("history"))
        print(f"                files left after close: {', '.join(left)}")
        check_ins, reads = diary_reads_ms(folder, args.years, args.reads)
        print(
            f"  diary read:   the exercise picker's read at each break (picker_diary), {check_ins:,}"
            f" check-ins and an open episode, {len(reads)} reads"
        )
        print(f"                {describe(reads)}")
        print(f"                reference: one write (synchronous=FULL) p50 {write_p50:6.3f} ms")


if __name__ == "__main__":
    main()
