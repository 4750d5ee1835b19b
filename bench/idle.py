"""What does the headless service cost while nothing is due? Measured beside a bare python3.

Starts `posture-guard run --headless` (private XDG dirs, no display, long break intervals so
nothing falls due) and a bare sleeping `python3`, lets both settle, then for the measuring window
(default 120 s) reads from /proc: CPU seconds (schedstat of every thread), context switches
(voluntary + involuntary, summed over threads; each is a wakeup or a preemption) and PSS
(smaps_rollup). Prints the figures for both, the per-minute rates and the ratios to the targets:
under 0.005 s CPU per idle minute, at most one wakeup a second, PSS within 2x the bare interpreter.

Run: `.venv/bin/python bench/idle.py [--x11] [--seconds S] [--settle S]` (--x11 starts Xvfb
and gives the service the X11 idle source).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

QUIET_PLAN = """
[breaks.posture]
every = "8h"
length = "20s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""


def cpu_seconds(pid: int) -> float:
    """Time on CPU of every thread of `pid`, from schedstat (nanoseconds, not 10 ms ticks)."""
    return (
        sum(
            int((task / "schedstat").read_text().split()[0])
            for task in Path(f"/proc/{pid}/task").iterdir()
        )
        / 1e9
    )


def context_switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


def pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise RuntimeError("no Pss line")


def sample(pid: int) -> tuple[float, int]:
    return cpu_seconds(pid), context_switches(pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="measuring window")
    parser.add_argument("--settle", type=float, default=5.0, help="wait after start")
    parser.add_argument(
        "--x11", action="store_true", help="give the service an Xvfb display (X11 idle source)"
    )
    args = parser.parse_args()
    xvfb = start_xvfb() if args.x11 else None
    try:
        run(args, None if xvfb is None else xvfb[0])
    finally:
        if xvfb is not None:
            xvfb[1].terminate()
            xvfb[1].wait(timeout=10)


def start_xvfb() -> tuple[str, subprocess.Popen[bytes]]:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-s",
            "0",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return f":{pipe.readline().strip()}", proc


def run(args: argparse.Namespace, display: str | None) -> None:

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "run").mkdir(mode=0o700)
        config = home / "config.toml"
        config.write_text(QUIET_PLAN)
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        }
        env.update(
            HOME=str(home),
            XDG_RUNTIME_DIR=str(home / "run"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CONFIG_HOME=str(home / "cfg"),
            XDG_DATA_HOME=str(home / "data"),
            POSTURE_GUARD_POLICY="",
            PYTHONPATH=str(ROOT),
        )
        if display is not None:
            env["DISPLAY"] = display
        service = subprocess.Popen(
            [sys.executable, "-m", "posture_guard", "--config", str(config), "run", "--headless"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        bare = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(10**6)"])
        try:
            time.sleep(args.settle)
            if service.poll() is not None:
                raise SystemExit("posture-guard exited early")
            s0, b0 = sample(service.pid), sample(bare.pid)
            time.sleep(args.seconds)
            s1, b1 = sample(service.pid), sample(bare.pid)
            s_pss, b_pss = pss_kib(service.pid), pss_kib(bare.pid)
        finally:
            for proc in (service, bare):
                proc.terminate()
                proc.wait(timeout=10)

    minutes = args.seconds / 60
    s_cpu, s_sw = (s1[0] - s0[0]) / minutes, (s1[1] - s0[1]) / minutes
    b_cpu, b_sw = (b1[0] - b0[0]) / minutes, (b1[1] - b0[1]) / minutes
    source = f"X11 idle source on Xvfb {display}" if display else "no display: idle source none"
    print(f"bench/idle.py: headless service idle for {args.seconds:.0f} s ({source}),")
    print("  beside a bare sleeping python3 measured in the same run")
    print(
        "  (CPU: time on CPU from /proc/PID/task/*/schedstat, in ns; switches: voluntary +"
        " involuntary, summed over threads; PSS: smaps_rollup at the end)"
    )
    print(f"  {'':28}{'posture-guard':>16}{'bare python3':>16}")
    print(f"  {'CPU s per idle minute':28}{s_cpu:>16.5f}{b_cpu:>16.5f}")
    print(f"  {'context switches / minute':28}{s_sw:>16.1f}{b_sw:>16.1f}")
    print(f"  {'PSS KiB':28}{s_pss:>16,}{b_pss:>16,}")
    print(f"  CPU / target (0.005 s/min):      {s_cpu / 0.005:.3f}x")
    print(f"  wakeups / target (60 per min):   {s_sw / 60:.2f}x")
    print(f"  PSS / bare python3 (target 2x):  {s_pss / b_pss:.2f}x")


if __name__ == "__main__":
    main()
