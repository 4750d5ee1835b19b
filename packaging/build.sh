#!/usr/bin/env bash
# Build the wheel and the sdist from pyproject.toml into dist/ (or the directory given), with
# the `build` front end from the test extra. Prints the two artefacts' paths.
#   bash packaging/build.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
outdir="${1:-dist}"
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python=python3
"$python" -m build --version >/dev/null 2>&1 || {
    echo "packaging/build.sh: the 'build' package is missing; run: $python -m pip install build" >&2
    exit 1
}
rm -rf build/  # a stale build/lib could carry removed modules into the wheel
# an isolated build: pip fetches setuptools and wheel as pyproject.toml asks
"$python" -m build --sdist --wheel --outdir "$outdir" . >&2
ls -1 "$outdir"/posture_guard-*.whl "$outdir"/posture_guard-*.tar.gz
