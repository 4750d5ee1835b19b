"""The control protocol over the Windows transport (desktop/pipes.py): multiprocessing's
connections with the key's mutual challenge. Windows cannot run here, so the same code runs with
family "AF_UNIX" (a Unix socket beside the ticket); only the pipe's name and the cancelling of its
I/O are Windows' own (their choices are unit-tested in tests/unit/test_pipe_ticket.py)."""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from multiprocessing.connection import Client, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app import control
from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import Command, Malformed, Refused, Result, Status
from posture_guard.core.errors import ControlError
from posture_guard.desktop.pipes import (
    PipeChannel,
    Ticket,
    new_ticket,
    read_ticket,
    write_ticket,
)
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from tests.e2e.test_control import ROUND_TRIP, _echo

pytestmark = pytest.mark.e2e


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    return run


@pytest.fixture
def server(run_dir: Path) -> Iterator[control.ControlServer]:
    srv = control.ControlServer(PipeChannel(run_dir / "control.ticket", "AF_UNIX"), _echo)
    srv.start()
    yield srv
    srv.close()


def _owner_conn(ticket_path: Path) -> Any:
    """A connection that passed the challenge, for sending what `request` never would."""
    ticket = read_ticket(ticket_path)
    conn = Client(ticket.address, family=ticket.family)
    answer_challenge(conn, ticket.authkey)
    deliver_challenge(conn, ticket.authkey)
    return conn


def _raw(server: control.ControlServer, data: bytes) -> bytes:
    """Send `data` as the request message and return the reply (b"" when dropped)."""
    calling = server.channel.connect(time.monotonic() + 10)
    try:
        return calling.call(data, time.monotonic() + 10)
    finally:
        calling.close()


def test_pipe_ticket_is_0600_and_gone_after_close(run_dir: Path) -> None:
    """Rule 1: only the owner can read the key; a stopped service leaves no ticket behind."""
    srv = control.ControlServer(PipeChannel(run_dir / "control.ticket", "AF_UNIX"), _echo)
    srv.start()
    ticket = run_dir / "control.ticket"
    assert stat.S_IMODE(os.stat(ticket).st_mode) == 0o600
    address = Path(read_ticket(ticket).address)
    assert address.parent == run_dir
    srv.close()
    assert not ticket.exists()
    assert not address.exists()
    assert sorted(run_dir.iterdir()) == []


def test_pipe_each_start_has_a_new_key(run_dir: Path) -> None:
    keys = []
    for _ in range(2):
        srv = control.ControlServer(PipeChannel(run_dir / "control.ticket", "AF_UNIX"), _echo)
        srv.start()
        keys.append(read_ticket(srv.path).authkey)
        srv.close()
    assert keys[0] != keys[1]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"hello\n", "request is not valid JSON"),
        (b"\xff\xfe\n", "request is not valid JSON"),
        (b"[1, 2]\n", 'expected a JSON object with a "command" string'),
        (b'{"command": 5}\n', 'expected a JSON object with a "command" string'),
        (b"", "request is not valid JSON"),
        (b"1" * 5000 + b"\n", "request is not valid JSON"),
        (b"[" * 60000 + b"\n", "request is not valid JSON"),
        (b'{"command": "explode"}\n', "unknown command 'explode'"),
    ],
    ids=["text", "binary", "list", "number-command", "empty", "huge-number", "deep", "unknown"],
)
def test_pipe_garbage_gets_an_error_reply_and_the_server_survives(
    server: control.ControlServer, data: bytes, error: str
) -> None:
    assert json.loads(_raw(server, data)) == {"ok": False, "error": error}
    assert control.request(server.channel, Status()) == {"ok": True, "message": "got status"}


def test_pipe_oversized_request_is_refused_unread_and_the_server_survives(
    server: control.ControlServer,
) -> None:
    """pipes.py Rule 5: a message over the limit is not read, and still gets its reply."""
    reply = _raw(server, b"x" * (control.MAX_REQUEST_BYTES + 10))
    assert json.loads(reply) == {"ok": False, "error": "request too large (limit 65536 bytes)"}
    assert control.request(server.channel, Status())["ok"] is True


def test_pipe_slow_client_times_out(server: control.ControlServer) -> None:
    """Rule 3: a client that passed the challenge and then sends nothing is told so."""
    conn = _owner_conn(server.path)
    with conn:
        started = time.monotonic()
        assert conn.poll(10)
        assert json.loads(conn.recv_bytes()) == {"ok": False, "error": "request timed out"}
        assert time.monotonic() - started < control.READ_TIMEOUT_S + 2
    assert control.request(server.channel, Status())["ok"] is True


def test_pipe_half_sent_message_hits_the_deadline(server: control.ControlServer) -> None:
    """A message whose header promises more than ever comes cannot hold the server's thread past
    READ_TIMEOUT_S: the watchdog ends the read (the stream case; a pipe's messages are whole)."""
    conn = _owner_conn(server.path)
    with conn:
        os.write(conn.fileno(), (100).to_bytes(4, "big") + b'{"comm')  # and then nothing
        started = time.monotonic()
        assert conn.poll(10)
        with pytest.raises((EOFError, OSError)):
            conn.recv_bytes()
        assert time.monotonic() - started < control.READ_TIMEOUT_S + 1.5
    assert control.request(server.channel, Status())["ok"] is True


def test_pipe_silent_client_in_the_challenge_blocks_nobody(server: control.ControlServer) -> None:
    """pipes.py Rule 4: the challenge runs on the client's own thread: while one connection
    never answers it, another is answered at once; the silent one is dropped at the deadline."""
    ticket = read_ticket(server.path)
    silent = Client(ticket.address, family=ticket.family)  # never answers the challenge
    try:
        started = time.monotonic()
        assert control.request(server.channel, Status(), timeout=5)["ok"] is True
        assert time.monotonic() - started < control.READ_TIMEOUT_S
        assert silent.poll(control.READ_TIMEOUT_S + 2)  # the challenge, then the end
        silent.recv_bytes()
        with pytest.raises((EOFError, OSError)):
            silent.recv_bytes()
        assert time.monotonic() - started < control.READ_TIMEOUT_S + 2
    finally:
        silent.close()


def test_pipe_wrong_key_is_refused_both_ways(
    server: control.ControlServer, run_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """pipes.py Rule 2: a client without the key is refused (and logged), and a client whose key
    the server does not hold will not talk to it (a squatter on the name cannot answer)."""
    real = read_ticket(server.path)
    forged = run_dir / "forged.ticket"
    write_ticket(forged, Ticket("AF_UNIX", real.address, b"k" * 32))
    with caplog.at_level(logging.WARNING, logger="posture_guard.app.control"):
        with pytest.raises(ControlError, match=r"does not hold the key written there"):
            control.request(PipeChannel(forged, "AF_UNIX"), Status(), timeout=5)
        deadline = time.monotonic() + 5
        while "a client without the key" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "refused a control connection from a client without the key" in caplog.text
    assert control.request(server.channel, Status())["ok"] is True


def test_pipe_without_service_says_not_running(run_dir: Path) -> None:
    with pytest.raises(ControlError, match=r"^Posture Guard is not running"):
        control.request(PipeChannel(run_dir / "control.ticket", "AF_UNIX"), Status())


def test_pipe_stale_ticket_says_not_running(run_dir: Path) -> None:
    """A ticket left by a service that died: its address answers no more."""
    ticket = run_dir / "control.ticket"
    write_ticket(ticket, new_ticket("AF_UNIX", ticket))
    with pytest.raises(ControlError, match=r"^Posture Guard is not running"):
        control.request(PipeChannel(ticket, "AF_UNIX"), Status())


def test_pipe_bad_ticket_is_one_line_naming_file_and_key(run_dir: Path) -> None:
    ticket = run_dir / "control.ticket"
    ticket.write_text("family AF_UNIX\naddress /x\nauthkey 12\n")
    with pytest.raises(ControlError) as caught:
        control.request(PipeChannel(ticket, "AF_UNIX"), Status())
    assert str(caught.value) == f"{ticket}: \"authkey\": expected 64 hexadecimal digits, got '12'"


def test_pipe_delivers_each_command_as_the_same_value(run_dir: Path) -> None:
    received: list[Command | Malformed] = []

    def record(command: Command | Malformed) -> Result:
        received.append(command)
        return Refused(reason="no")

    srv = control.ControlServer(PipeChannel(run_dir / "control.ticket", "AF_UNIX"), record)
    srv.start()
    try:
        replies = [control.request(srv.channel, command) for command in ROUND_TRIP]
    finally:
        srv.close()
    assert received == ROUND_TRIP
    assert replies == [{"ok": False, "error": "no"}] * len(ROUND_TRIP)


@pytest.fixture
def served(run_dir: Path) -> Iterator[PipeChannel]:
    """The real service (fake clock and idle) behind the pipe transport."""
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    service = Service(config.defaults(), clock, ScriptedIdleSource([0.0]), RecordingNotifier())
    channel = PipeChannel(run_dir / "control.ticket", "AF_UNIX")
    server = control.ControlServer(channel, service.submit)
    worker = threading.Thread(target=service.run, daemon=True)
    server.start()
    worker.start()
    yield channel
    service.stop()
    worker.join(5)
    server.close()


def test_pipe_real_service_answers_good_and_bad_commands(served: PipeChannel) -> None:
    status = control.request(served, Status())
    assert (status["ok"], status["message"]) == (True, "OK.")
    assert isinstance(status["status"], dict)
    assert status["status"]["pid"] == os.getpid()
    calling = served.connect(time.monotonic() + 5)
    try:
        reply = json.loads(
            calling.call(b'{"command": "snooze", "seconds": "soon"}\n', time.monotonic() + 5)
        )
    finally:
        calling.close()
    assert reply["error"] == "Can't snooze: \"seconds\" must be a whole number, got 'soon'"


def test_pipe_hundred_parallel_status_calls_all_answer(served: PipeChannel) -> None:
    def one(_: int) -> bool:
        return control.request(served, Status(), timeout=30)["ok"] is True

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(one, range(100)))
    assert answers == [True] * 100
