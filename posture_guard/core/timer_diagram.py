"""The break timer's state diagram, drawn from its transition table (after h11's
make-state-diagrams.py). Pure: a table in, Mermaid text out.

Rule 1: the diagram is never drawn by hand. ARCHITECTURE.md embeds `markdown_block()` between
        the BEGIN and END markers below, and tests/unit/test_architecture.py fails when the
        embedded copy differs from what `timer.TRANSITIONS` draws now.
Rule 2: only the commands are drawn, because only they are a table: one arrow per (state,
        target) pair, labelled with every command that makes that move, in `Command` order.
        The moves `observe()` makes (a break coming due, a snooze or a break running out,
        working hours, a pause's end) are code, and ARCHITECTURE.md lists them in words.
Rule 3: the output is deterministic (states in `State` order, then targets in `State` order),
        so the same table always gives the same text and a diff shows what moved.

The running service never imports this module. `python -m posture_guard.core.timer_diagram`
prints the block to paste into ARCHITECTURE.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Final

from posture_guard.core.timer import TRANSITIONS, BreakTimer, Command, State

BEGIN: Final = (
    "<!-- BEGIN timer diagram: generated from TRANSITIONS in posture_guard/core/timer.py by "
    "`python -m posture_guard.core.timer_diagram`; edit the table, not this block -->"
)
END: Final = "<!-- END timer diagram -->"


def initial_state() -> State:
    """The state a new BreakTimer starts in (its dataclass default)."""
    default = next(f.default for f in fields(BreakTimer) if f.name == "state")
    assert isinstance(default, State)
    return default


def state_diagram(
    transitions: Mapping[tuple[State, Command], State] = TRANSITIONS,
    *,
    initial: State | None = None,
) -> str:
    """Mermaid `stateDiagram-v2` source for `transitions`, one line per arrow, newline-ended.

    Args:
        transitions: (state, command) -> state after the command, as `timer.TRANSITIONS`.
        initial: the start state (default: a new BreakTimer's).
    """
    start = initial_state() if initial is None else initial
    lines = ["stateDiagram-v2", f"    [*] --> {start.name}"]
    for source in State:
        for target in State:
            commands = [c.value for c in Command if transitions.get((source, c)) is target]
            if commands:
                lines.append(f"    {source.name} --> {target.name}: {', '.join(commands)}")
    return "\n".join(lines) + "\n"


def markdown_block(transitions: Mapping[tuple[State, Command], State] = TRANSITIONS) -> str:
    """The diagram as ARCHITECTURE.md holds it: BEGIN marker, a mermaid code fence, END marker."""
    return f"{BEGIN}\n```mermaid\n{state_diagram(transitions)}```\n{END}\n"


def embedded_block(document: str) -> str | None:
    """The block from BEGIN to END (markers and final newline included) in `document`, or None
    when either marker is missing."""
    first = document.find(BEGIN)
    last = document.find(END, first + 1)
    if first < 0 or last < 0:
        return None
    return document[first : last + len(END)] + "\n"


if __name__ == "__main__":
    print(markdown_block(), end="")
