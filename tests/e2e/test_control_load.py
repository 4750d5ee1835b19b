"""The control channel under load: one slow or idle client never blocks another, and a client
waits for a busy server instead of failing. The server once answered one client at a time with a
backlog of 8: nine idle connections made every `status` fail at once (EAGAIN), and 200 parallel
calls failed 16-72 times."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app import control
from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import Status
from posture_guard.core.errors import ControlError
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Path]:
    """The real service (fake clock and idle) behind the real control socket; its path."""
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    service = Service(config.defaults(), clock, ScriptedIdleSource([0.0]), RecordingNotifier())
    server = control.ControlServer(run_dir / "control.sock", service.submit)
    worker = threading.Thread(target=service.run, daemon=True)
    server.start()
    worker.start()
    yield server.path
    service.stop()
    worker.join(5)
    server.close()


def _idle_clients(path: Path, count: int) -> list[socket.socket]:
    """`count` connections that send nothing (a hung client, a port scanner)."""
    idle = []
    for _ in range(count):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        idle.append(sock)
    return idle


def _fill_backlog(path: Path) -> list[socket.socket]:
    """Connections without waiting until the next one is refused with EAGAIN (backlog full)."""
    fillers = []
    for _ in range(16):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            sock.connect(str(path))
        except BlockingIOError:
            sock.close()
            return fillers
        fillers.append(sock)
    raise AssertionError("the backlog never filled")


def test_twenty_idle_connections_do_not_delay_a_status(served):
    idle = _idle_clients(served, 20)
    try:
        started = time.monotonic()
        reply = control.request(served, Status(), timeout=5)
        took = time.monotonic() - started
    finally:
        for sock in idle:
            sock.close()
    assert reply["ok"] is True
    # the idle ones wait out their own 2 s read deadline; nobody waits for them
    assert took < control.READ_TIMEOUT_S


def test_two_hundred_parallel_status_calls_all_answer(served):
    def one(_: int) -> bool:
        return control.request(served, Status(), timeout=30)["ok"] is True

    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(one, range(200)))
    assert answers == [True] * 200


def test_a_full_backlog_makes_the_client_wait_not_fail(tmp_path):
    # a server that accepts nothing yet, with a backlog of 1: connects beyond it would fail at
    # once with EAGAIN; the client waits and gets its answer once the server is there
    path = tmp_path / "run" / "control.sock"
    path.parent.mkdir(mode=0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    fillers = _fill_backlog(path)

    def serve_later() -> None:
        time.sleep(1.0)
        for _ in range(len(fillers) + 1):
            conn, _address = listener.accept()
            with conn:
                conn.settimeout(0.5)  # the fillers never send
                with contextlib.suppress(TimeoutError):
                    if conn.recv(65536):
                        conn.sendall(b'{"ok": true, "message": "later"}\n')

    server = threading.Thread(target=serve_later, daemon=True)
    server.start()
    try:
        reply = control.request(path, Status(), timeout=10)
    except ControlError as exc:
        pytest.fail(f"the client gave up on a busy server: {exc}")
    finally:
        for sock in fillers:
            sock.close()
        listener.close()
    assert reply == {"ok": True, "message": "later"}
