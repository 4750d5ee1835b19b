"""`python -m posture_guard.art [FOLDER]`: write every exercise picture as FOLDER/<id>.png.

FOLDER defaults to icons/exercises in the current directory (run it from the repository root).
"""

from __future__ import annotations

import sys
from pathlib import Path

from posture_guard.art.exercises import write_pictures


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("icons") / "exercises"
    for path in write_pictures(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
