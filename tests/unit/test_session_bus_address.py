"""The one rule for "is there a session bus, and where": $DBUS_SESSION_BUS_ADDRESS, else the
systemd user bus $XDG_RUNTIME_DIR/bus when it is a socket of ours, else none (never autolaunch).

The sockets are real AF_UNIX sockets bound in tmp_path; nothing listens on them (the rule only
looks at the file, as libdbus does).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_guard.desktop.dbus import (
    NO_SESSION_BUS,
    DBusError,
    session_bus,
    session_bus_address,
    session_bus_env,
)


@pytest.fixture
def runtime_dir(tmp_path: Path) -> Iterator[Path]:
    """An $XDG_RUNTIME_DIR whose `bus` is a real Unix socket."""
    run = tmp_path / "run"
    run.mkdir()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(run / "bus"))
    try:
        yield run
    finally:
        sock.close()


def test_the_variable_wins_over_the_runtime_dir(runtime_dir: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/elsewhere", "XDG_RUNTIME_DIR": str(runtime_dir)}
    assert session_bus_address(env) == "unix:path=/elsewhere"


def test_without_the_variable_the_systemd_user_bus_socket_is_the_session_bus(
    runtime_dir: Path,
) -> None:
    env = {"XDG_RUNTIME_DIR": str(runtime_dir)}
    assert session_bus_address(env) == f"unix:path={runtime_dir / 'bus'}"
    # an empty variable counts as unset, as in libdbus
    assert session_bus_address({**env, "DBUS_SESSION_BUS_ADDRESS": ""}) == (
        f"unix:path={runtime_dir / 'bus'}"
    )


def test_a_bus_path_that_is_not_a_socket_is_no_bus(tmp_path: Path) -> None:
    (tmp_path / "bus").write_text("not a socket")
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None
    (tmp_path / "bus").unlink()
    (tmp_path / "bus").mkdir()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None


def test_no_variable_and_no_socket_is_no_bus(tmp_path: Path) -> None:
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None
    assert session_bus_address({"XDG_RUNTIME_DIR": ""}) is None
    assert session_bus_address({}) is None


def test_children_get_the_address_the_rule_found(runtime_dir: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(runtime_dir), "PATH": "/usr/bin"}
    assert session_bus_env(env) == {
        **env,
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={runtime_dir / 'bus'}",
    }
    assert session_bus_env({"PATH": "/usr/bin"}) is None


def test_session_bus_without_a_bus_says_so(tmp_path: Path) -> None:
    with pytest.raises(DBusError, match=f"^{re.escape(NO_SESSION_BUS)}$"):
        session_bus({"XDG_RUNTIME_DIR": str(tmp_path)})
