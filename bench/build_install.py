"""How long do packaging/build.sh and a wheel install into a fresh venv take?

Runs `bash packaging/build.sh` into a temporary directory (an isolated `python -m build`: pip
fetches setuptools and wheel for the build environment from the configured index or cache),
then `python -m venv` and `pip install WHEEL` (dependencies from the configured index or the
local pip cache), then `posture-guard --version`. Prints wall-clock seconds per step, the best
of --repeat runs, and the artefacts' sizes. tests/e2e/test_packaging.py runs the same steps.

Run: `.venv/bin/python bench/build_install.py [--repeat N]`. (Not bench/packaging.py: a script's
folder comes first on sys.path, so that name hid the `packaging` distribution from every other
bench that imports matplotlib or pip.)
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
#: No PYTHONPATH: with the checkout on it, pip finds posture_guard.egg-info there, calls the
#: wheel "already satisfied" and installs nothing into the fresh venv.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def timed(*args: str | Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=True, cwd=ROOT, env=ENV
    )
    return time.perf_counter() - start, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            seconds, listing = timed("bash", ROOT / "packaging" / "build.sh", out / "dist")
            best["build wheel + sdist"] = min(best.get("build wheel + sdist", 1e9), seconds)
            wheel = next(Path(p) for p in listing.split() if p.endswith(".whl"))
            for artefact in listing.split():
                sizes[Path(artefact).name] = Path(artefact).stat().st_size
            seconds, _ = timed(sys.executable, "-m", "venv", out / "venv")
            best["fresh venv"] = min(best.get("fresh venv", 1e9), seconds)
            pip = out / "venv" / "bin" / "pip"
            seconds, _ = timed(pip, "install", "-q", "--disable-pip-version-check", wheel)
            best["pip install wheel"] = min(best.get("pip install wheel", 1e9), seconds)
            seconds, _ = timed(out / "venv" / "bin" / "posture-guard", "--version")
            best["posture-guard --version"] = min(best.get("posture-guard --version", 1e9), seconds)
    print(f"best of {args.repeat} runs, wall-clock seconds:")
    for step, seconds in best.items():
        print(f"  {step:<26} {seconds:6.2f}")
    for name, size in sorted(sizes.items()):
        print(f"  {name:<40} {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
