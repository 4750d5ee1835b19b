"""The control socket: private, and unbreakable by what a client sends."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from posture_guard.app import control
from posture_guard.core.errors import ControlError
from tests.app import App, read_until

pytestmark = pytest.mark.e2e


def _echo(request: Mapping[str, object]) -> dict[str, object]:
    return {"ok": True, "message": f"got {request['command']}"}


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
    assert control.request(server.path, {"command": "status"}) == {
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
    assert control.request(server.path, {"command": "status"})["ok"] is True


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
        control.request(tmp_path / "nothing.sock", {"command": "status"})


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
        ({"command": "snooze"}, "Can't snooze now (working)"),
        ({"command": "snooze", "seconds": 5 * 3600}, "Can't snooze for 5h: expected from 1s to 4h"),
        ({"command": "pause", "seconds": -5}, "Can't pause for -5s: expected from 1s to 168h"),
        (
            {"command": "pause", "until": "never"},
            "Can't pause until 'never': expected \"tomorrow\" or a duration",
        ),
        ({"command": "break-now", "kind": 7}, '"kind" must be a break kind, got 7'),
    ]
    for payload, error in bad:
        reply = control.request(sock, payload)
        assert (reply["ok"], reply["error"]) == (False, error)
    assert app.cli("status").returncode == 0
    assert proc.poll() is None
