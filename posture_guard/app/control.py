"""Local control channel: `posture-guard snooze` reaches the running service over a Unix socket.

Protocol: one JSON object per connection, one line each way. The client sends
``{"command": "snooze", "seconds": 600}``; the service answers ``{"ok": true, "message": ...}``
or ``{"ok": false, "error": ...}``.

Rule 1: the socket lives in the user's private runtime dir (0700) and is itself 0600.
Rule 2: a peer whose user id is not ours (or cannot be told) is refused before anything is read.
Rule 3: garbage, oversized or slow requests get an error reply (or are dropped); the server and the
        service behind it never fail because of what a client sent.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from posture_guard.core.errors import ControlError
from posture_guard.desktop.ipc import local_stream_socket, peer_is_owner

MAX_REQUEST_BYTES: Final = 64 * 1024
READ_TIMEOUT_S: Final = 2.0
REPLY_TIMEOUT_S: Final = 10.0

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, object]], dict[str, object]]


class ControlServer:
    """Accepts control requests on `path` and answers each with `handler(request)`.

    The accept loop runs on its own daemon thread, blocked in accept() (no CPU while idle). The
    handler is called on that thread; it must be thread-safe (the service's `submit` is).
    """

    def __init__(self, path: Path, handler: Handler) -> None:
        self.path = path
        self._handler = handler
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self) -> None:
        """Bind (replacing a stale socket file), restrict to 0600, and start accepting."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        sock = local_stream_socket()
        old_umask = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)
        sock.listen(8)
        self._sock = sock
        self._thread = threading.Thread(
            target=self._serve, name="posture-guard-control", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop accepting and remove the socket file."""
        self._closing.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                if self._closing.is_set():
                    return
                continue
            with conn:
                try:
                    self._answer(conn)
                except Exception:  # a bug in handling one request must not stop the server
                    log.exception("control request failed")

    def _answer(self, conn: socket.socket) -> None:
        owner, uid = peer_is_owner(conn)
        if not owner:
            log.warning("refused a control connection from user id %s", uid)
            _discard_input(conn)
            _send(conn, {"ok": False, "error": "refused: this service belongs to another user"})
            return
        try:
            raw = _read_line(conn, time.monotonic() + READ_TIMEOUT_S)
        except TimeoutError:
            _send(conn, {"ok": False, "error": "request timed out"})
            return
        if raw is None:
            _discard_input(conn)
            _send(
                conn, {"ok": False, "error": f"request too large (limit {MAX_REQUEST_BYTES} bytes)"}
            )
            return
        try:
            request = json.loads(raw)
        except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, huge numbers
            _send(conn, {"ok": False, "error": "request is not valid JSON"})
            return
        if not isinstance(request, dict) or not isinstance(request.get("command"), str):
            _send(conn, {"ok": False, "error": 'expected a JSON object with a "command" string'})
            return
        _send(conn, self._handler(request))


def _read_line(conn: socket.socket, deadline: float) -> bytes | None:
    """Read up to the first newline or EOF; None when over MAX_REQUEST_BYTES.

    Raises:
        TimeoutError: when the whole line has not arrived by `deadline` (time.monotonic()).
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        conn.settimeout(left)
        chunk = conn.recv(8192)
        if not chunk:
            break
        newline = chunk.find(b"\n")
        if newline >= 0:
            chunks.append(chunk[:newline])
            size += newline
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            return None
    return None if size > MAX_REQUEST_BYTES else b"".join(chunks)


def _discard_input(conn: socket.socket) -> None:
    """Drop what the client is still sending (briefly, bounded), so that closing the connection
    with unread data does not reset it before the client has read our reply."""
    conn.settimeout(0.2)
    dropped = 0
    with contextlib.suppress(OSError):
        while dropped < 16 * MAX_REQUEST_BYTES and (chunk := conn.recv(65536)):
            dropped += len(chunk)


def _send(conn: socket.socket, reply: Mapping[str, object]) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(reply).encode() + b"\n")


def request(
    path: Path, payload: Mapping[str, object], *, timeout: float = REPLY_TIMEOUT_S
) -> dict[str, object]:
    """Send one request to the service listening on `path` and return its reply.

    Raises:
        ControlError: when no service is running or the reply is not understood.
    """
    sock = local_stream_socket()
    sock.settimeout(timeout)
    with sock:
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            raise ControlError(
                "Posture Guard is not running (start it with `posture-guard run`)"
            ) from None
        except OSError as exc:
            raise ControlError(
                f"cannot reach Posture Guard at {path}: {exc.strerror or exc}"
            ) from None
        owner, uid = peer_is_owner(sock)
        if not owner:
            raise ControlError(f"{path} is served by user id {uid}, not by you; not talking to it")
        try:
            sock.sendall(json.dumps(payload).encode() + b"\n")
            raw = _read_line(sock, time.monotonic() + timeout)
        except TimeoutError:
            raise ControlError(f"Posture Guard did not answer within {timeout:g} s") from None
        except OSError as exc:
            raise ControlError(f"connection to Posture Guard failed: {exc.strerror}") from None
    try:
        reply = json.loads(raw or b"")
    except json.JSONDecodeError:
        raise ControlError("Posture Guard sent a reply that is not JSON") from None
    if not isinstance(reply, dict):
        raise ControlError("Posture Guard sent a reply that is not a JSON object")
    return reply
