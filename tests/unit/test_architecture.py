"""ARCHITECTURE.md tells the same story as the code.

- The timer's state diagram in it is the one `core/timer_diagram.py` draws from `TRANSITIONS`
  now (as h11's docs diagram is drawn from its table), so the picture cannot drift from the
  machine; and a changed table does change the drawing.
- Every file of the package is named there (as `core/timer.py`, relative to posture_guard/), so
  a new room cannot be added silently. The check runs from the files to the document only: the
  document may name a room before its file lands.
- The diagram's module stays out of the running service: nothing in the package imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from posture_guard.core import config, timer_diagram
from posture_guard.core.timer import TRANSITIONS, BreakTimer, Command, State
from posture_guard.core.timer_diagram import (
    BEGIN,
    END,
    embedded_block,
    markdown_block,
    state_diagram,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "posture_guard"
DOCUMENT = ROOT / "ARCHITECTURE.md"


def _document() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def _rooms(package: Path) -> list[str]:
    """Every file of the package, relative to it, but the empty `__init__.py` markers and
    bytecode caches."""
    return sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not (path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip())
    )


def unnamed_rooms(package: Path, document: str) -> list[str]:
    """The package's files that `document` does not name as `path` (in backquotes); a data file
    (not Python) may be named by its folder instead (`locale/`, one catalogue per language)."""
    return [
        room
        for room in _rooms(package)
        if f"`{room}`" not in document
        and not (
            not room.endswith(".py")
            and any(f"`{'/'.join(room.split('/')[:n])}/`" in document for n in range(1, 3))
        )
    ]


def test_architecture_embeds_the_diagram_the_transition_table_draws() -> None:
    embedded = embedded_block(_document())
    assert embedded is not None, f"ARCHITECTURE.md lost its markers: {BEGIN!r} ... {END!r}"
    assert embedded == markdown_block(), (
        "the timer diagram in ARCHITECTURE.md is stale: replace the block between the markers "
        "with the output of `python -m posture_guard.core.timer_diagram`"
    )


def test_architecture_a_doctored_table_draws_a_different_diagram() -> None:
    # A command allowed in one more state: an arrow appears, and the embedded copy no longer
    # matches, so the test above would fail until the document is regenerated.
    more = {**TRANSITIONS, (State.PAUSED, Command.SKIP): State.WORKING}
    assert "    PAUSED --> WORKING: skip, resume\n" not in state_diagram()
    assert "    PAUSED --> WORKING: resume\n" in state_diagram()
    assert "    PAUSED --> WORKING: skip, resume\n" in state_diagram(more)
    assert markdown_block(more) != embedded_block(_document())

    # A command that leads elsewhere: the arrow moves.
    moved = {**TRANSITIONS, (State.BREAK_DUE, Command.SNOOZE): State.PAUSED}
    assert "    BREAK_DUE --> SNOOZED: snooze\n" in state_diagram()
    assert "    BREAK_DUE --> SNOOZED: snooze\n" not in state_diagram(moved)
    assert "    BREAK_DUE --> PAUSED: snooze, pause\n" in state_diagram(moved)

    # A command taken away: its arrow goes.
    fewer = {k: v for k, v in TRANSITIONS.items() if k != (State.OFF_HOURS, Command.TAKE_NOW)}
    assert "    OFF_HOURS --> ON_BREAK: take_now\n" in state_diagram()
    assert "OFF_HOURS --> ON_BREAK" not in state_diagram(fewer)


def test_architecture_diagram_draws_every_allowed_command_once() -> None:
    # One arrow per (state, target), labelled with its commands: every table entry is on the
    # drawing exactly once, and nothing else is.
    drawn = set()
    lines = state_diagram().splitlines()
    new_timer = BreakTimer(config.defaults().timer)
    assert lines[:2] == ["stateDiagram-v2", f"    [*] --> {new_timer.state.name}"]
    for line in lines[2:]:
        arrow, labels = line.strip().split(": ")
        source, target = arrow.split(" --> ")
        for label in labels.split(", "):
            entry = (State[source], Command(label))
            assert entry not in drawn
            assert TRANSITIONS[entry] is State[target]
            drawn.add(entry)
    assert drawn == set(TRANSITIONS)


def test_architecture_embedded_block_needs_both_markers() -> None:
    block = markdown_block()
    assert embedded_block(f"intro\n{block}outro\n") == block
    assert embedded_block("no markers here") is None
    assert embedded_block(f"{BEGIN}\nbut no end\n") is None
    assert embedded_block(f"{END}\n{BEGIN}\n") is None


def test_architecture_names_every_room_of_the_package() -> None:
    assert unnamed_rooms(PACKAGE, _document()) == [], (
        "name each new file in ARCHITECTURE.md with a one-line description"
    )


def test_architecture_finds_a_room_added_silently(tmp_path: Path) -> None:
    package = tmp_path / "posture_guard"
    (package / "core").mkdir(parents=True)
    (package / "core" / "__init__.py").write_text("")
    (package / "core" / "timer.py").write_text('"""The timer."""\n')
    (package / "core" / "hidden.py").write_text('"""Not in the document."""\n')
    (package / "content").mkdir()
    (package / "content" / "data.toml").write_text("")
    (package / "core" / "__pycache__").mkdir()
    (package / "core" / "__pycache__" / "timer.cpython-311.pyc").write_bytes(b"")
    document = "- `core/timer.py`: the timer.\n- `core/planned.py`: not written yet.\n"
    assert unnamed_rooms(package, document) == ["content/data.toml", "core/hidden.py"]


def test_architecture_the_service_never_imports_the_diagram() -> None:
    name = timer_diagram.__name__
    importers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names}
            else:
                continue
            if name in names:
                importers.append(path.relative_to(PACKAGE).as_posix())
    assert importers == []
