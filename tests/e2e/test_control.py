"""The control socket: private, and unbreakable by what a client sends."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app import control
from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import (
    BreakNow,
    Command,
    Done,
    FinishBreak,
    Malformed,
    Pause,
    Quit,
    Refused,
    Result,
    Resume,
    Skip,
    Snooze,
    StartBreak,
    Status,
    policy_verb,
)
from posture_guard.core.errors import ControlError
from posture_guard.core.timer import Outcome
from posture_guard.desktop.ipc import Channel, UnixSocketChannel
from posture_guard.desktop.pipes import PipeChannel
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from tests.app import App, read_until

pytestmark = pytest.mark.e2e


def _echo(command: Command | Malformed) -> Result:
    return Done(message=f"got {policy_verb(command)}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[control.ControlServer]:
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    srv = control.ControlServer(run_dir / "control.sock", _echo)
    srv.start()
    yield srv
    srv.close()


def _raw(path: Path, data: bytes, *, shut: bool = True) -> bytes:
    """Send raw bytes, half-close, and read the whole reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        # the server may stop reading early (oversized); its reply is still there
        with contextlib.suppress(BrokenPipeError):
            sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_control_socket_file_is_0600(server: control.ControlServer) -> None:
    assert stat.S_IMODE(os.stat(server.path).st_mode) == 0o600


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"hello\n", "request is not valid JSON"),
        (b"\xff\xfe\n", "request is not valid JSON"),
        (b"[1, 2]\n", 'expected a JSON object with a "command" string'),
        (b'{"command": 5}\n', 'expected a JSON object with a "command" string'),
        (b"", "request is not valid JSON"),
        (b"1" * 5000 + b"\n", "request is not valid JSON"),  # past Python's int-digits limit
        (b"[" * 60000 + b"\n", "request is not valid JSON"),  # nesting past the recursion limit
        (b"x" * (control.MAX_REQUEST_BYTES + 10), "request too large (limit 65536 bytes)"),
    ],
    ids=["text", "binary", "list", "number-command", "empty", "huge-number", "deep", "oversized"],
)
def test_control_garbage_gets_an_error_reply_and_the_server_survives(
    server: control.ControlServer, data: bytes, error: str
) -> None:
    assert json.loads(_raw(server.path, data)) == {"ok": False, "error": error}
    assert control.request(server.path, Status()) == {
        "ok": True,
        "message": "got status",
    }


def test_control_slow_client_times_out_without_blocking_forever(
    server: control.ControlServer,
) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(server.path))
        sock.sendall(b'{"command": ')  # and then nothing
        started = time.monotonic()
        reply = sock.recv(65536)
        assert json.loads(reply) == {"ok": False, "error": "request timed out"}
        assert time.monotonic() - started < control.READ_TIMEOUT_S + 2
    assert control.request(server.path, Status())["ok"] is True


def test_control_drip_fed_request_hits_one_deadline(server: control.ControlServer) -> None:
    """A client sending a byte now and then cannot hold the server past READ_TIMEOUT_S."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(server.path))
        started = time.monotonic()
        for _ in range(4):
            time.sleep(control.READ_TIMEOUT_S / 3)
            with contextlib.suppress(OSError):
                sock.sendall(b" ")
        reply = sock.recv(65536)
        assert json.loads(reply) == {"ok": False, "error": "request timed out"}
        assert time.monotonic() - started < control.READ_TIMEOUT_S + 1.5


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_control_refuses_another_user() -> None:
    # Open the directory and the socket to everyone, so only the peer-credential check is left
    # (pytest's tmp_path lies in a 0700 tree, so this one is made in the system temp dir).
    run_dir = Path(tempfile.mkdtemp(prefix="pg-peer-"))
    os.chmod(run_dir, 0o755)
    server = control.ControlServer(run_dir / "control.sock", _echo)
    server.start()
    os.chmod(server.path, 0o666)
    try:
        reply = _ask_as_nobody(server.path)
    finally:
        server.close()
        run_dir.rmdir()
    assert json.loads(reply) == {
        "ok": False,
        "error": "refused: this service belongs to another user",
    }, reply


def _ask_as_nobody(path: Path) -> bytes:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: become "nobody" and ask
        os.close(read_fd)
        try:
            os.setgid(65534)
            os.setuid(65534)
            reply = _raw(path, b'{"command": "status"}\n')
        except BaseException as exc:  # report anything to the parent
            reply = repr(exc).encode()
        os.write(write_fd, reply)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        reply = pipe.read()
    os.waitpid(pid, 0)
    return reply


def test_control_request_without_service_says_not_running(tmp_path: Path) -> None:
    with pytest.raises(
        ControlError, match=r"^Posture Guard is not running \(start it with `posture-guard run`\)$"
    ):
        control.request(tmp_path / "nothing.sock", Status())


def test_real_service_survives_garbage_and_bad_arguments(app: App) -> None:
    app.config.write_text("")
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    sock = Path(app.env["XDG_RUNTIME_DIR"]) / "posture-guard" / "control.sock"
    assert json.loads(_raw(sock, b"\x00garbage\n"))["ok"] is False
    assert (
        json.loads(_raw(sock, b"{" * 200_000))["error"] == "request too large (limit 65536 bytes)"
    )
    bad = [
        ({"command": "explode"}, "unknown command 'explode'"),
        (
            {"command": "snooze", "seconds": "soon"},
            "Can't snooze: \"seconds\" must be a whole number, got 'soon'",
        ),
        ({"command": "snooze"}, "Snooze is for when a break is due; none is due now"),
        ({"command": "snooze", "seconds": 5 * 3600}, "Can't snooze for 5h: expected from 1s to 4h"),
        ({"command": "pause", "seconds": -5}, "Can't pause for -5s: expected from 1s to 168h"),
        (
            {"command": "pause", "until": "never"},
            "Can't pause until 'never': expected \"tomorrow\" or a duration",
        ),
        ({"command": "break-now", "kind": 7}, '"kind" must be a break kind, got 7'),
    ]
    for payload, error in bad:
        reply = json.loads(_raw(sock, json.dumps(payload).encode() + b"\n"))
        assert (reply["ok"], reply["error"]) == (False, error)
    assert app.cli("status").returncode == 0
    assert proc.poll() is None


# --- JSON <-> command values: the socket is the only place they meet ---------------------------

ROUND_TRIP: list[Command] = [
    Status(),
    Snooze(),
    Snooze(seconds=600),
    Skip(),
    Pause(),
    Pause(seconds=3600),
    Pause(tomorrow=True),
    Resume(),
    BreakNow(),
    BreakNow(kind="movement"),
    StartBreak(),
    FinishBreak(outcome=Outcome.TAKEN),
    FinishBreak(outcome=Outcome.SKIPPED),
    Quit(),
]


@pytest.mark.parametrize("command", ROUND_TRIP, ids=repr)
def test_control_command_survives_the_json_round_trip(command: Command) -> None:
    assert control.decode_command(control.encode_command(command)) == command


def test_control_request_delivers_each_command_as_the_same_value(tmp_path: Path) -> None:
    received: list[Command | Malformed] = []

    def record(command: Command | Malformed) -> Result:
        received.append(command)
        return Refused(reason="no") if isinstance(command, Quit) else Done(message="yes")

    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    server = control.ControlServer(run_dir / "control.sock", record)
    server.start()
    try:
        replies = [control.request(server.path, command) for command in ROUND_TRIP]
    finally:
        server.close()
    assert received == ROUND_TRIP
    assert replies == [{"ok": True, "message": "yes"}] * (len(ROUND_TRIP) - 1) + [
        {"ok": False, "error": "no"}
    ]


def test_control_request_encodes_exactly_today_s_lines() -> None:
    assert control.encode_command(Snooze()) == {"command": "snooze"}
    assert control.encode_command(Snooze(seconds=600)) == {"command": "snooze", "seconds": 600}
    assert control.encode_command(Pause(tomorrow=True)) == {"command": "pause", "until": "tomorrow"}
    assert control.encode_command(BreakNow()) == {"command": "break-now"}
    assert control.encode_command(FinishBreak(outcome=Outcome.SKIPPED)) == {
        "command": "finish-break",
        "outcome": "skipped",
    }


class Served:
    """The real service (fake clock and idle) behind the real control socket."""

    def __init__(self, run_dir: Path, settings: config.Settings, transport: str = "socket") -> None:
        self.clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
        self.service = Service(settings, self.clock, ScriptedIdleSource([0.0]), RecordingNotifier())
        channel: Channel = (
            PipeChannel(run_dir / "control.ticket", "AF_UNIX")
            if transport == "pipe"
            else UnixSocketChannel(run_dir / "control.sock")
        )
        self.server = control.ControlServer(channel, self.service.submit)
        self.thread = threading.Thread(target=self.service.run, daemon=True)

    def __enter__(self) -> Served:
        self.server.start()
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.service.stop()
        self.thread.join(5)
        self.server.close()

    def send(self, request: Mapping[str, object]) -> dict[str, object]:
        """The reply to `request`, sent as it is (not through `control.request`)."""
        calling = self.server.channel.connect(time.monotonic() + 10)
        try:
            raw = calling.call(json.dumps(request).encode() + b"\n", time.monotonic() + 10)
        finally:
            calling.close()
        reply = json.loads(raw)
        assert isinstance(reply, dict)
        return reply


@pytest.fixture(params=["socket", "pipe"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Served]:
    """The real service behind each transport: the Unix socket, and the Windows one
    (desktop/pipes.py) over a Unix socket, so the protocol's answers are tested through both."""
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    with Served(run_dir, config.defaults(), request.param) as running:
        yield running


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (
            {"command": "snooze", "seconds": "soon"},
            "Can't snooze: \"seconds\" must be a whole number, got 'soon'",
        ),
        (
            {"command": "snooze", "seconds": True},
            'Can\'t snooze: "seconds" must be a whole number, got True',
        ),
        (
            {"command": "snooze", "seconds": 1.5},
            'Can\'t snooze: "seconds" must be a whole number, got 1.5',
        ),
        ({"command": "snooze", "seconds": 0}, "Can't snooze for 0s: expected from 1s to 4h"),
        ({"command": "snooze", "seconds": 5 * 3600}, "Can't snooze for 5h: expected from 1s to 4h"),
        ({"command": "snooze"}, "Snooze is for when a break is due; none is due now"),
        ({"command": "pause", "seconds": -5}, "Can't pause for -5s: expected from 1s to 168h"),
        (
            {"command": "pause", "seconds": "1h"},
            "Can't pause: \"seconds\" must be a whole number, got '1h'",
        ),
        (
            {"command": "pause", "until": "never"},
            "Can't pause until 'never': expected \"tomorrow\" or a duration",
        ),
        (
            {"command": "pause", "until": 5},
            'Can\'t pause until 5: expected "tomorrow" or a duration',
        ),
        ({"command": "break-now", "kind": 7}, '"kind" must be a break kind, got 7'),
        (
            {"command": "break-now", "kind": "nap"},
            "Can't take a 'nap' break: expected one of posture, stretch, movement",
        ),
        (
            {"command": "finish-break", "outcome": "natural"},
            'Can\'t finish a break: "outcome" must be "taken" or "skipped", got \'natural\'',
        ),
        (
            {"command": "finish-break"},
            'Can\'t finish a break: "outcome" must be "taken" or "skipped", got None',
        ),
        (
            {"command": "finish-break", "outcome": "taken"},
            "No break is running, so there is none to finish",
        ),
        ({"command": "start-break"}, "No break is due, so there is none to start"),
        ({"command": "skip"}, "Skip is for when a break is due; none is due now"),
        ({"command": "resume"}, "Breaks are not paused, so there is nothing to resume"),
    ],
    ids=lambda value: json.dumps(value) if isinstance(value, dict) else "",
)
def test_control_bad_arguments_are_refused_with_the_status(
    served: Served, request_: Mapping[str, object], error: str
) -> None:
    reply = served.send(request_)
    assert (reply["ok"], reply["error"]) == (False, error)
    status = reply["status"]
    assert isinstance(status, dict)
    assert status["state"] == "working"  # nothing changed
    assert set(reply) == {"ok", "error", "status"}


def test_control_unknown_command_is_refused_without_status(served: Served) -> None:
    assert served.send({"command": "explode"}) == {
        "ok": False,
        "error": "unknown command 'explode'",
    }


def test_control_policy_refusal_comes_before_the_arguments(tmp_path: Path) -> None:
    defaults = config.defaults()
    no_snooze = replace(defaults, controls=replace(defaults.controls, snooze=False))
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    with Served(run_dir, no_snooze) as served:
        reply = served.send({"command": "snooze", "seconds": "soon"})
    assert reply["error"] == "Can't snooze: turned off in your settings ([controls] snooze)."
    assert "status" in reply


def test_control_replies_as_before_to_good_commands(served: Served) -> None:
    status = served.send({"command": "status"})
    assert (status["ok"], status["message"]) == (True, "OK.")
    assert isinstance(status["status"], dict)
    assert status["status"]["pid"] == os.getpid()
    assert status["status"]["state_text"] == "working"
    paused = served.send({"command": "pause", "seconds": 600})
    assert paused["message"] == "Paused until Mon 09:10."
    assert served.send({"command": "quit"}) == {"ok": True, "message": "Posture Guard is stopping."}
