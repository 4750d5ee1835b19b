"""What does the headless service cost while nothing is due? Measured beside a bare python3.

Starts `posture-guard run --headless` (private XDG dirs, no display, long break intervals so
nothing falls due) and a bare sleeping `python3`, lets both settle, then for the measuring window
(default 120 s) reads from /proc: CPU seconds (utime + stime of every thread), context switches
(voluntary + involuntary, summed over threads; each is a wakeup or a preemption) and PSS
(smaps_rollup). Prints the figures for both, the per-minute rates and the ratios to the targets:
under 0.005 s CPU per idle minute, at most one wakeup a second, PSS within 2x the bare interpreter.
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
CLK_TCK = os.sysconf("SC_CLK_TCK")

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
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


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
    args = parser.parse_args()

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
            POSTURE_GUARD_POLICY="",
            PYTHONPATH=str(ROOT),
        )
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
    print(
        f"bench/idle.py: headless service idle for {args.seconds:.0f} s beside a bare sleeping python3"
    )
    print(
        f"  (CPU from /proc/PID/stat utime+stime at {CLK_TCK} ticks/s; switches summed over threads; PSS from smaps_rollup)"
    )
    print(f"  {'':28}{'posture-guard':>16}{'bare python3':>16}")
    print(f"  {'CPU s per idle minute':28}{s_cpu:>16.4f}{b_cpu:>16.4f}")
    print(f"  {'context switches / minute':28}{s_sw:>16.1f}{b_sw:>16.1f}")
    print(f"  {'PSS KiB':28}{s_pss:>16,}{b_pss:>16,}")
    print(
        f"  CPU / target (0.005 s/min):      {s_cpu / 0.005:.2f}x  (tick resolution {1 / CLK_TCK:.2f} s over the window)"
    )
    print(f"  wakeups / target (60 per min):   {s_sw / 60:.2f}x")
    print(f"  PSS / bare python3 (target 2x):  {s_pss / b_pss:.2f}x")


if __name__ == "__main__":
    main()
