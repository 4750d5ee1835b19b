"""How long does the clinician report take, and how big is it, for five years of data?

Five years of synthetic working days (`posture_guard.testing.synthetic_years`: weekdays with
3-8 h of activity and 12-30 breaks each, an episode about every 7 weeks, a weekly check-in) go
into a real store in a temporary folder. Then, the way `posture-guard report` does it: read the
records, build the model, render. Times are wall-clock (time.perf_counter), the median of --runs
runs after a first "cold" run that also pays for importing matplotlib and fpdf2. The 90-day
report of the same store is timed beside it, for the ratio. Sizes are the bytes written.

Run: `.venv/bin/python bench/report.py [--years N] [--runs N]` (defaults: 5 years, 5 runs).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from posture_guard.app.store import Store
from posture_guard.report.model import Period, build
from posture_guard.report.write import read_records, render
from posture_guard.testing import synthetic_years

ZONE = ZoneInfo("Europe/London")
LAST = date(2026, 11, 24)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def period(days: int) -> Period:
    today = NOW.date()
    return Period(first=today - timedelta(days=days - 1), last=today,
                  day_starts_at=clock(4, 0), zone=ZONE)  # fmt: skip


def on_disk(path: Path) -> int:
    """Bytes of the database and its write-ahead log (the store has not checkpointed yet)."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def report(store: Store, days: int, fmt: str) -> bytes:
    p = period(days)
    records = read_records(store, p, NOW)
    return render(fmt, build(records, p, NOW), records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5, help="years of synthetic data")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per format and period")
    args = parser.parse_args()
    years, runs = args.years, args.runs
    span = f"{years} year{'s' if years != 1 else ''}"
    print(f"bench/report.py: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
          f" (shared; other work on the machine adds noise), median of {runs} warm runs")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        with Store.open(path) as store:
            seconds, counts = timed(lambda: synthetic_years(store, LAST, years, ZONE))
            days, breaks = counts  # type: ignore[misc]
            print(f"  store: {span}, {days} working days, {breaks:,} breaks, "
                  f"{on_disk(path) / 1e6:.1f} MB with its WAL (written in {seconds:.1f} s)")  # fmt: skip
            whole = (NOW.date() - LAST.replace(year=LAST.year - years)).days
            cold, _ = timed(lambda: report(store, whole, "html"))
            print(f"  html, {span}, cold (imports matplotlib): {cold:.2f} s")
            print()
            print(f"  {'format':<6} {'period':<8} {'time':>8} {'size':>10}")
            results: dict[tuple[str, int], float] = {}
            for fmt in ("html", "pdf", "json", "csv"):
                for days_back in (90, whole):
                    times, size = [], 0
                    for _ in range(runs):
                        seconds, data = timed(lambda fmt=fmt, d=days_back: report(store, d, fmt))
                        times.append(seconds)
                        size = len(data)  # type: ignore[arg-type]
                    results[(fmt, days_back)] = statistics.median(times)
                    label = "90 days" if days_back == 90 else span
                    print(
                        f"  {fmt:<6} {label:<8} {results[(fmt, days_back)]:>7.2f}s {size / 1e3:>8.0f} kB"
                    )
            ratio = results[("html", whole)] / results[("html", 90)]
            print()
            print(f"  html, {span}: {ratio:.1f}x the time of 90 days"
                  f" ({whole / 90:.0f}x the days; the daily chart shows weeks past 120 days)")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process (ru_maxrss): {peak:.0f} MB")


if __name__ == "__main__":
    main()
