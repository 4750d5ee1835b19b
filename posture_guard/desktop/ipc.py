"""The control channel's transport, one seam per OS: how the service listens, how a command
connects, and who is at the other end. `app/control.py` speaks its protocol through this seam
only, so the same protocol (and its tests) runs over each transport.

Rule 1: `select_channel(path)` picks the transport, at start: a Unix socket at `path` on Linux,
        macOS and other Unix (`UnixSocketChannel`), a named pipe on Windows (`PipeChannel` in
        `desktop/pipes.py`, whose ticket file is `path`). Tests pick a transport by building it.
Rule 2: a transport tells the server whether the peer is the owner (`Peer.admit`) before any
        request is read, and the client whether the server is (`connect` raises
        `ServedByStranger` or `KeyRefused`); the words are `app/control.py`'s.
Rule 3: every read has a deadline (time.monotonic()); one at the deadline raises TimeoutError.
        A request is capped at `max_bytes`; over it, `recv_request` returns None.
Rule 4: `send_reply` and `discard_input` never raise: the client may be gone.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

#: How long a client sleeps before it tries a full backlog again (it keeps to its deadline).
_CONNECT_RETRY_S: Final = 0.02


class ServedByStranger(Exception):
    """The server at the other end runs as another user (`uid`; None when it cannot be told)."""

    def __init__(self, uid: int | None) -> None:
        super().__init__(uid)
        self.uid = uid


class KeyRefused(Exception):
    """The server and this client do not share the channel's key (one of them lacks it)."""


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a peer may talk to the service, and who it is in a log line."""

    owner: bool
    who: str


class Peer(Protocol):
    """One accepted connection, on the server's side."""

    def admit(self, deadline: float) -> Admission: ...

    def recv_request(self, max_bytes: int, deadline: float) -> bytes | None: ...

    def discard_input(self) -> None: ...

    def send_reply(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class Listening(Protocol):
    """A channel the service listens on."""

    def accept(self) -> Peer:
        """The next connection; raises OSError once interrupted or closed."""
        ...

    def interrupt(self) -> None:
        """Wake a blocked `accept` (from another thread); the caller then stops accepting."""
        ...

    def close(self) -> None:
        """Stop listening and remove the channel's file."""
        ...


class Calling(Protocol):
    """A client's connection to the service."""

    def call(self, request: bytes, deadline: float) -> bytes:
        """Send the request and return the reply (b"" when the server closed without one)."""
        ...

    def close(self) -> None: ...


class Channel(Protocol):
    """A way between the service and its commands: the server listens, a client connects."""

    @property
    def path(self) -> Path: ...

    def listen(self) -> Listening: ...

    def connect(self, deadline: float) -> Calling:
        """Raises:
        FileNotFoundError, ConnectionRefusedError: nobody is listening.
        TimeoutError: not connected by `deadline`.
        ServedByStranger, KeyRefused: the server is not the owner's (Rule 2).
        OSError: anything else.
        """
        ...


def select_channel(path: Path, platform: str = sys.platform) -> Channel:
    """The control channel for this OS at `path` (Rule 1)."""
    if platform == "win32":
        from posture_guard.desktop.pipes import PipeChannel  # noqa: PLC0415 - Windows only

        return PipeChannel(path, family="AF_PIPE")
    return UnixSocketChannel(path)


# --- the Unix socket ---------------------------------------------------------------------------


class UnixSocketChannel:
    """A Unix socket at `path`, 0600 in the user's 0700 runtime dir; the peer's user id, from the
    kernel (SO_PEERCRED, LOCAL_PEERCRED), decides who is the owner."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        return self._path

    def listen(self) -> _SocketListening:
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
        sock = local_stream_socket()
        old_umask = os.umask(0o177)
        try:
            sock.bind(str(self._path))
        finally:
            os.umask(old_umask)
        os.chmod(self._path, 0o600)
        sock.listen(socket.SOMAXCONN)
        return _SocketListening(sock, self._path)

    def connect(self, deadline: float) -> _SocketCalling:
        sock = local_stream_socket()
        try:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            _connect(sock, self._path, deadline)
            owner, uid = peer_is_owner(sock)
            if not owner:
                raise ServedByStranger(uid)
        except BaseException:
            sock.close()
            raise
        return _SocketCalling(sock)


class _SocketListening:
    def __init__(self, sock: socket.socket, path: Path) -> None:
        self._sock = sock
        self._path = path

    def accept(self) -> _SocketPeer:
        conn, _address = self._sock.accept()
        return _SocketPeer(conn)

    def interrupt(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()


class _SocketPeer:
    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn

    def admit(self, deadline: float) -> Admission:
        owner, uid = peer_is_owner(self._conn)
        return Admission(owner, f"user id {uid}")

    def recv_request(self, max_bytes: int, deadline: float) -> bytes | None:
        return read_line(self._conn, max_bytes, deadline)

    def discard_input(self) -> None:
        """Drop what the client is still sending (briefly, bounded), so that closing the
        connection with unread data does not reset it before the client has read our reply."""
        self._conn.settimeout(0.2)
        dropped = 0
        with contextlib.suppress(OSError):
            while dropped < 1024 * 1024 and (chunk := self._conn.recv(65536)):
                dropped += len(chunk)

    def send_reply(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            self._conn.sendall(data)

    def close(self) -> None:
        self._conn.close()


class _SocketCalling:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def call(self, request: bytes, deadline: float) -> bytes:
        self._sock.sendall(request)
        return read_line(self._sock, None, deadline) or b""

    def close(self) -> None:
        self._sock.close()


def read_line(conn: socket.socket, max_bytes: int | None, deadline: float) -> bytes | None:
    """Read up to the first newline or EOF; None when over `max_bytes`.

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
        if max_bytes is not None and size > max_bytes:
            return None
    return None if max_bytes is not None and size > max_bytes else b"".join(chunks)


def _connect(sock: socket.socket, path: Path, deadline: float) -> None:
    """Connect, waiting while the server's backlog is full (EAGAIN on a Unix socket) until
    `deadline` (time.monotonic()); then raise as connect does."""
    while True:
        try:
            sock.connect(str(path))
            return
        except BlockingIOError:
            if time.monotonic() + _CONNECT_RETRY_S >= deadline:
                raise TimeoutError from None
            time.sleep(_CONNECT_RETRY_S)


def local_stream_socket() -> socket.socket:
    """A new stream socket for a filesystem path (a Unix socket).

    Raises:
        OSError: where this Python has no Unix sockets (Windows, which uses `PipeChannel`).
    """
    if sys.platform == "win32":
        raise OSError("no Unix sockets on Windows")
    else:
        return socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)


def peer_is_owner(sock: socket.socket) -> tuple[bool, int | None]:
    """Whether the process on the other end of `sock` runs as our user, and its user id.

    A peer whose user id cannot be told is not the owner.
    """
    uid = _peer_uid(sock)
    if sys.platform == "win32":
        return False, uid
    else:
        return uid is not None and uid == os.getuid(), uid


def _peer_uid(sock: socket.socket) -> int | None:
    try:
        if sys.platform == "linux":
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _pid, uid, _gid = struct.unpack("3i", creds)
            return int(uid)
        elif sys.platform == "darwin":
            sol_local, local_peercred = 0, 1  # <sys/un.h>: struct xucred starts with version, uid
            xucred = sock.getsockopt(sol_local, local_peercred, struct.calcsize("2I"))
            _version, uid = struct.unpack("2I", xucred[: struct.calcsize("2I")])
            return int(uid)
        else:
            return None
    except OSError:
        return None
