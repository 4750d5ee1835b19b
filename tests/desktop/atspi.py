"""A real AT-SPI registry for a test's desktop, and what a screen reader sees through it.

`accessibility(env, workdir)` runs a private session bus with at-spi-bus-launcher on it (which
starts the accessibility bus and at-spi2-registryd, as a desktop session does) and yields the
environment for the program under test: that bus, and NO_AT_BRIDGE unset, so GTK's ATK bridge
registers with the registry. `tree(env)` reads every application's accessible tree as a screen
reader does (libatspi through PyGObject, in a subprocess of its own: libatspi keeps one bus per
process), `focused(env)` the object that has the keyboard focus.

Run as a program it prints the JSON: `python -m tests.desktop.atspi tree|focused`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.desktop.conftest import start_session_bus, wait_until

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
REGISTRY = "org.a11y.Bus"
#: Roles a person acts on with the keyboard; each must have a name and take the focus.
CONTROL_ROLES = frozenset({
    "push button", "toggle button", "check box", "radio button", "text", "entry",
    "password text", "combo box", "spin button", "slider", "link", "menu item",
})  # fmt: skip


@dataclass(frozen=True)
class Node:
    """One accessible object: its role, name, description, states, children and, for a text
    (a multi-line text view), the text it holds."""

    role: str
    name: str
    description: str = ""
    states: frozenset[str] = frozenset()
    children: tuple[Node, ...] = field(default=())
    text: str = ""

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def controls(self) -> list[Node]:
        """The objects a person operates (CONTROL_ROLES), in tree order, showing ones only."""
        return [n for n in self.walk() if n.role in CONTROL_ROLES and "showing" in n.states]


def _node(data: Mapping[str, Any]) -> Node:
    return Node(
        role=data["role"],
        name=data["name"],
        description=data.get("description", ""),
        states=frozenset(data.get("states", ())),
        children=tuple(_node(c) for c in data.get("children", ())),
        text=data.get("text", ""),
    )


@contextmanager
def accessibility(env: Mapping[str, str], workdir: Path) -> Iterator[dict[str, str]]:
    """A session bus with the AT-SPI bus launcher on it; the environment to run programs in."""
    with start_session_bus(env, workdir) as bus:
        run_env = {k: v for k, v in bus.env.items() if k != "NO_AT_BRIDGE"}
        with (workdir / "at-spi.log").open("wb") as log:
            launcher = subprocess.Popen(
                [LAUNCHER, "--launch-immediately"], env=run_env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            wait_until(lambda: bus.name_has_owner(REGISTRY), "the AT-SPI bus launcher", 10)
            yield run_env
        finally:
            # the launcher's accessibility bus and registry are in its process group
            with suppress(ProcessLookupError):
                os.killpg(launcher.pid, signal.SIGTERM)
            try:
                launcher.wait(timeout=5)
            except subprocess.TimeoutExpired:  # a hung launcher must not hide the test's result
                with suppress(ProcessLookupError):
                    os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait(timeout=5)


def _ask(env: Mapping[str, str], what: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "tests.desktop.atspi", what],
        env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=30,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"AT-SPI {what} failed: {done.stderr}"
    return json.loads(done.stdout)


def tree(env: Mapping[str, str], app: str | None = None) -> Node:
    """The accessible tree of the desktop (or of the application whose frame is titled so that
    it ends with `app`) as a screen reader reads it."""
    desktop = _node(_ask(env, "tree"))
    if app is None:
        return desktop
    for application in desktop.children:
        if any(f.name.endswith(app) for f in application.children):
            return application
    names = [f.name for a in desktop.children for f in a.children]
    raise AssertionError(f"no application with a window named ...{app!r}; windows: {names}")


def focused(env: Mapping[str, str]) -> Node | None:
    """The object that has the keyboard focus (no children), or None."""
    data = _ask(env, "focused")
    return None if data is None else _node(data)


# --- the reader side, in its own process -----------------------------------------------------


def _read(acc: Any, depth: int = 0) -> dict[str, Any]:
    states = acc.get_state_set().get_states()
    text = ""
    if acc.get_role_name() == "text" and acc.get_text_iface() is not None:
        from gi.repository import Atspi

        text = Atspi.Text.get_text(acc, 0, Atspi.Text.get_character_count(acc)) or ""
    return {
        "text": text,
        "role": acc.get_role_name(),
        "name": acc.get_name() or "",
        "description": acc.get_description() or "",
        "states": [s.value_nick for s in states],
        "children": [
            _read(child, depth + 1)
            for i in range(acc.get_child_count() if depth < 40 else 0)
            if (child := acc.get_child_at_index(i)) is not None
        ],
    }


def _find_focused(acc: Any) -> Any:
    from gi.repository import Atspi

    if acc.get_state_set().contains(Atspi.StateType.FOCUSED):
        return acc
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is not None and (hit := _find_focused(child)) is not None:
            return hit
    return None


def main(what: str) -> int:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    desktop = Atspi.get_desktop(0)
    if what == "tree":
        print(json.dumps(_read(desktop), ensure_ascii=False))
    else:
        hit = _find_focused(desktop)
        if hit is None:
            print("null")
        else:
            data = _read(hit)
            data["children"] = []
            print(json.dumps(data, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
