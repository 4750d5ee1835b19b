"""Every bench in bench/ runs as its docstring says (`python bench/NAME.py ...`) and prints its
figures, at a tiny size so the whole set takes about a minute.

Benches print figures and never assert; these tests assert only that a bench still starts from
its own folder (a script's folder is first on sys.path, which is how bench/packaging.py once hid
the `packaging` distribution from matplotlib), that its imports survived the last move of the
package, and that the lines carrying its figures still come out with numbers in them. Every
file in bench/ must have a case here, so a new bench is run from the day it is added.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app import ROOT

pytestmark = pytest.mark.e2e

BENCH = ROOT / "bench"
NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"


@dataclass(frozen=True)
class Case:
    script: str
    args: tuple[str, ...]
    #: Regular expressions, each of which must match a line of the output.
    figures: tuple[str, ...]
    timeout: float = 120.0


CASES = (
    Case(
        "timer.py",
        ("--days", "2"),
        (rf"observations/s:\s+{NUMBER}$", rf"breaks prompted:\s+{NUMBER}$"),
    ),
    Case(
        "store.py",
        ("--writes", "20", "--years", "1"),  # --dir: added per test (a private folder)
        (
            rf"synchronous=FULL\s+p50\s+{NUMBER} ms\s+p99\s+{NUMBER} ms",
            rf"1 years:\s+{NUMBER} working days",
            rf"file size {NUMBER} MB",
            rf"diary read: .*\n\s+p50\s+{NUMBER} ms\s+p99\s+{NUMBER} ms",
            rf"reference: one write \(synchronous=FULL\) p50\s+{NUMBER} ms",
        ),
    ),
    Case(
        "report.py",
        ("--years", "1", "--runs", "1"),
        (
            rf"html\s+90 days\s+{NUMBER}s\s+{NUMBER} kB$",
            rf"pdf\s+1 year\s+{NUMBER}s\s+{NUMBER} kB$",
            rf"csv\s+1 year\s+{NUMBER}s\s+{NUMBER} kB$",
        ),
    ),
    Case(
        "busy.py",
        ("--repeat", "3"),
        (rf"camera/microphone \(/proc scan\)\s+median\s+{NUMBER} ms\s+worst\s+{NUMBER} ms",),
    ),
    Case(
        "idle.py",
        ("--seconds", "2", "--settle", "2"),
        (
            r"no display: idle source none",
            rf"CPU s per idle minute\s+{NUMBER}\s+{NUMBER}$",
            rf"PSS KiB\s+{NUMBER}\s+{NUMBER}$",
        ),
    ),
    Case(
        "control.py",
        ("--calls", "20", "--idle", "20", "--parallel", "200"),
        tuple(
            rf"^{who}\s+status p50\s+{NUMBER} ms\s+p99\s+{NUMBER} ms\s+echo p50\s+{NUMBER} ms"
            rf"\s+p99\s+{NUMBER} ms\s+failed 0 \(echo 0\)$"
            for who in ("0 other clients", "20 idle clients", "200 parallel clients")
        ),
    ),
    Case(
        "build_install.py",
        ("--repeat", "1"),
        (
            rf"build wheel \+ sdist\s+{NUMBER}$",
            rf"pip install wheel\s+{NUMBER}$",
            rf"posture_guard-\S+\.whl\s+{NUMBER} KiB$",
        ),
        timeout=600.0,
    ),
)

#: The benches that start their own Xvfb (and, for footprint.py, a whole tray desktop).
DESKTOP_CASES = (
    Case(
        "idle.py",
        ("--x11", "--seconds", "2", "--settle", "2"),
        (r"X11 idle source on Xvfb :\d+", rf"PSS KiB\s+{NUMBER}\s+{NUMBER}$"),
    ),
    Case(
        "footprint.py",
        ("--seconds", "2", "--settle", "1"),
        (
            r"^\s+sni\s+posture-guard",
            rf"the toolkit alone \(sni, FLOOR\): {NUMBER} MiB PSS",
            r"^\s+appindicator\s+posture-guard",
            r"^\s+xorg\s+posture-guard",
            rf"PSS MiB\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}$",
            rf"the toolkit alone \(xorg, FLOOR\): {NUMBER} MiB PSS",
        ),
        timeout=300.0,
    ),
)


def _private_env(tmp_path: Path) -> dict[str, str]:
    """This user's environment minus anything that could reach the real desktop or data."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "DBUS_SESSION_BUS_ADDRESS",
            "POSTURE_GUARD_IDLE",
            "PYSTRAY_BACKEND",
            "POSTURE_GUARD_TRAY",
            "PYTHONPATH",  # a bench runs on the installed package, as its docstring says
        )
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".state"),
        XDG_DATA_HOME=str(home / ".data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
        POSTURE_GUARD_POLICY="",
    )
    (tmp_path / "run").mkdir(mode=0o700)
    return env


def _run_bench(case: Case, tmp_path: Path) -> str:
    args = case.args
    if case.script == "store.py":
        args = (*args, "--dir", str(tmp_path))
    result = subprocess.run(
        [sys.executable, str(BENCH / case.script), *args],
        cwd=tmp_path,  # not the repository root: a bench must not depend on where it is run
        env=_private_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=case.timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"bench/{case.script} {' '.join(args)} exited {result.returncode}:\n{result.stderr[-3000:]}"
    )
    return result.stdout


def _missing_figures(case: Case, output: str) -> list[str]:
    return [p for p in case.figures if not re.search(p, output, flags=re.MULTILINE)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.script} {' '.join(c.args)}")
def test_benches_run_as_scripts_and_print_their_figures(case: Case, tmp_path: Path) -> None:
    output = _run_bench(case, tmp_path)
    assert _missing_figures(case, output) == [], output


@pytest.mark.desktop
@pytest.mark.parametrize("case", DESKTOP_CASES, ids=lambda c: f"{c.script} {' '.join(c.args)}")
def test_benches_on_a_virtual_desktop_run_and_print_their_figures(
    case: Case, tmp_path: Path
) -> None:
    output = _run_bench(case, tmp_path)
    assert _missing_figures(case, output) == [], output


def test_benches_every_bench_has_a_case() -> None:
    benches = {path.name for path in BENCH.glob("*.py")}
    covered = {case.script for case in CASES + DESKTOP_CASES}
    assert benches - covered == set(), "add a case for each new bench above"
    assert covered - benches == set(), "a case names a bench that no longer exists"


def test_benches_no_bench_hides_an_installed_module() -> None:
    # Run as a script, a bench has bench/ first on sys.path: a bench named like an importable
    # module (bench/packaging.py once) replaces it for the bench and everything it imports.
    shadowing = sorted(
        path.name for path in BENCH.glob("*.py") if importlib.util.find_spec(path.stem) is not None
    )
    assert shadowing == []
