"""How fast is the pure break timer? One simulated working year through `BreakTimer.observe`.

250 working days x 8 h, one observation every 2 s (3.6 million observations), with a realistic
mix: typing, short pauses under the idle threshold, a few longer idle spells (natural breaks),
a night gap between days, and every prompted break taken through the real commands.
Prints the wall time, observations per second and the ratio to the issue's 10 s target.

Run: `.venv/bin/python bench/timer.py [--days N]` (--days: working days to simulate, default 250;
the target is scaled to the days run).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from posture_guard.core import config
from posture_guard.core.timer import BreakPrompted, BreakTimer


def simulate_year(days: int = 250, seed: int = 7) -> tuple[int, int, float]:
    rng = random.Random(seed)
    timer = BreakTimer(config.defaults().timer)
    zone = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 1, 5, 8, 0, tzinfo=zone)
    # pre-draw the idle pattern so the loop measures the timer, not the random module
    pattern = [
        0.5 if rng.random() < 0.9 else (10.0 if rng.random() < 0.97 else 120.0) for _ in range(4096)
    ]
    observations = prompts = 0
    mono = 0.0
    began = time.perf_counter()
    for day in range(days):
        now = start + timedelta(days=day + (day // 5) * 2)  # weekends skipped
        mono += 16 * 3600.0  # the night: one suspend gap
        for step in range(8 * 1800):
            now = now + timedelta(seconds=2)
            mono += 2.0
            events = timer.observe(now, pattern[(day * 31 + step) & 4095], mono=mono)
            observations += 1
            for event in events:
                if isinstance(event, BreakPrompted):
                    prompts += 1
                    timer.start_break(now)
    return observations, prompts, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250, help="working days to simulate")
    args = parser.parse_args()
    observations, prompts, seconds = simulate_year(args.days)
    target = 10.0 * args.days / 250
    print(f"bench/timer.py: {args.days} simulated working days through the pure timer")
    print(f"  observations:        {observations:,} ({args.days} days x 8 h, every 2 s)")
    print(f"  breaks prompted:     {prompts:,}")
    print(f"  wall time:           {seconds:.2f} s (time.perf_counter, one run, this machine)")
    print(f"  observations/s:      {observations / seconds:,.0f}")
    print(
        f"  time / {target:g} s target:  {seconds / target:.2f}x "
        "(10 s a year of 250 days; below 1 meets the target)"
    )


if __name__ == "__main__":
    main()
