"""How long does the clinician report take, and how big is it, for five years of data?

Five years of synthetic working days (`posture_guard.testing.synthetic_years`: weekdays with
3-8 h of activity and 12-30 breaks each, an episode about every 7 weeks, a weekly check-in) go
into a real store in a temporary folder. Then, the way `posture-guard report` does it: read the
records, build the model, render. Times are wall-clock (time.perf_counter), the median of RUNS
runs after a first "cold" run that also pays for importing matplotlib and fpdf2. The 90-day
report of the same store is timed beside it, for the ratio. Sizes are the bytes written.

Run: .venv/bin/python bench/report.py
"""

from __future__ import annotations

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

RUNS = 5
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


def report(store: Store, days: int, fmt: str) -> bytes:
    p = period(days)
    records = read_records(store, p, NOW)
    return render(fmt, build(records, p, NOW), records)


def main() -> None:
    print(f"bench/report.py: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
          f" (shared; other work on the machine adds noise), median of {RUNS} warm runs")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "five-years.sqlite3"
        with Store.open(path) as store:
            seconds, counts = timed(lambda: synthetic_years(store, LAST, 5, ZONE))
            days, breaks = counts  # type: ignore[misc]
            print(f"  store: 5 years, {days} working days, {breaks:,} breaks, "
                  f"{path.stat().st_size / 1e6:.1f} MB (written in {seconds:.1f} s)")  # fmt: skip
            five_years = (NOW.date() - LAST.replace(year=LAST.year - 5)).days
            cold, _ = timed(lambda: report(store, five_years, "html"))
            print(f"  html, 5 years, cold (imports matplotlib): {cold:.2f} s")
            print()
            print(f"  {'format':<6} {'period':<8} {'time':>8} {'size':>10}")
            results: dict[tuple[str, int], float] = {}
            for fmt in ("html", "pdf", "json", "csv"):
                for span in (90, five_years):
                    times, size = [], 0
                    for _ in range(RUNS):
                        seconds, data = timed(lambda fmt=fmt, span=span: report(store, span, fmt))
                        times.append(seconds)
                        size = len(data)  # type: ignore[arg-type]
                    results[(fmt, span)] = statistics.median(times)
                    label = "90 days" if span == 90 else "5 years"
                    print(
                        f"  {fmt:<6} {label:<8} {results[(fmt, span)]:>7.2f}s {size / 1e3:>8.0f} kB"
                    )
            ratio = results[("html", five_years)] / results[("html", 90)]
            print()
            print(f"  html: 5 years take {ratio:.1f}x the time of 90 days"
                  f" ({five_years / 90:.0f}x the days; the daily chart shows weeks past 120 days)")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process (ru_maxrss): {peak:.0f} MB")


if __name__ == "__main__":
    main()
