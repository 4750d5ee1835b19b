"""What does asking the busy sources cost, when the service asks them (a break can come due)?

Times each Linux busy source's `busy_reason()` on this machine: the full-screen check (one
X round trip; needs $DISPLAY), the capture-device scan of /proc/*/fd (every process we may
read), and the same scan plus `pactl list short source-outputs` when pactl is installed.
Each is called REPEAT times after one warm-up call; prints the median and the worst, in ms,
and how many processes and file descriptors the scan looked at. Prints figures and never
asserts. Run: `.venv/bin/python bench/busy.py [--repeat N]` (inside a desktop session for the
full-screen figure).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.desktop.busy.fullscreen import FullscreenSource
from posture_guard.desktop.busy.media import CaptureDeviceSource


def timed(label: str, ask: Callable[[], object], repeat: int) -> None:
    ask()  # warm-up: imports, atom lookups
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = ask()
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<34} median {statistics.median(times):7.2f} ms   worst {max(times):7.2f} ms"
        f"   answer {answer!r}"
    )


def scanned() -> tuple[int, int]:
    processes = fds = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fds += len(os.listdir(os.path.join(entry.path, "fd")))
        except OSError:
            continue
        processes += 1
    return processes, fds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    processes, fds = scanned()
    print(f"/proc: {processes} readable processes, {fds} file descriptors (uid {os.getuid()})")
    capture = CaptureDeviceSource(Path("/proc"), Path("/dev"))
    timed("camera/microphone (/proc scan)", capture.busy_reason, args.repeat)
    pactl = shutil.which("pactl")
    if pactl:
        with_pactl = CaptureDeviceSource(Path("/proc"), Path("/dev"), pactl)
        timed("camera/microphone (+ pactl)", with_pactl.busy_reason, max(5, args.repeat // 5))
    else:
        print("camera/microphone (+ pactl)        skipped: pactl is not installed")
    try:
        fullscreen = FullscreenSource()
    except (BusySourceUnavailable, ImportError) as exc:
        print(f"fullscreen-x11                     skipped: {exc}")
    else:
        timed("fullscreen-x11 (EWMH)", fullscreen.busy_reason, args.repeat)
        fullscreen.close()
    print("The service asks them only in steps where a prompt can come (BreakTimer.busy_matters).")


if __name__ == "__main__":
    main()
