r"""The control channel where there are no Unix sockets (Windows): a named pipe, through the
standard library's `multiprocessing.connection`, that only the holder of a key can talk to.

Rule 1: at each start the service makes a random address (`\\.\pipe\posture-guard-<32 hex>`)
        and a random 32-byte key, listens there, and writes both to the ticket file (the
        control path, `control.ticket` in the user's private runtime dir): mode 0600, written
        under another name and renamed over the old one. On Windows the profile's ACL keeps
        the file the user's (the runtime dir is under %LOCALAPPDATA%).
Rule 2: every connection begins with multiprocessing's mutual HMAC challenge with that key
        (`deliver_challenge` and `answer_challenge`): the service admits only a client that
        could read the ticket, and a client talks only to a service that holds the key, so a
        process that took the pipe's name first cannot pose as the service (and the name is
        random and secret besides; the pipe's default DACL lets only the owner, SYSTEM and
        administrators open it for writing).
Rule 3: after the challenge, one message each way: the request line, then the reply line (the
        protocol of `app/control.py`, unchanged). A message is whole or not there (the pipe is
        in message mode), so `poll` with the deadline guards the read; a watchdog breaks the
        connection at the deadline for what `poll` cannot guard (the challenge, a message left
        half sent on a stream): it shuts the socket down, or cancels the pipe's I/O.
Rule 4: the challenge runs on the connection's own thread, never in `accept` (Listener and
        Client are used without `authkey`; the challenge is done here), so a client that never
        answers holds nothing but its own thread, and only until the deadline.
Rule 5: a request over the limit is not read: multiprocessing stops at the message's length
        and makes the connection write-only, so the reply still goes out. The client, still
        sending, may find the pipe broken by then: it reads the reply all the same.
Rule 6: family "AF_UNIX" runs the same transport over a Unix socket beside the ticket; the tests
        use it on Linux, where Windows cannot run, so the protocol is tested through this code.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any, Final, Literal

from posture_guard.core.errors import ControlError
from posture_guard.core.i18n import N_, _
from posture_guard.desktop.ipc import Admission, KeyRefused

Family = Literal["AF_PIPE", "AF_UNIX"]
FAMILIES: Final[tuple[Family, ...]] = ("AF_PIPE", "AF_UNIX")
PIPE_PREFIX: Final = "\\\\.\\pipe\\posture-guard-"
KEY_BYTES: Final = 32
TICKET_KEYS: Final = ("family", "address", "authkey")

_Conn = Any  # multiprocessing's Connection or PipeConnection


@dataclass(frozen=True, slots=True)
class Ticket:
    """Where the service listens and the key it shares with its commands."""

    family: Family
    address: str
    authkey: bytes = field(repr=False)


def new_ticket(family: Family, path: Path) -> Ticket:
    """A fresh address and key for a service whose ticket is `path` (Rule 1)."""
    if family == "AF_PIPE":
        address = PIPE_PREFIX + secrets.token_hex(16)
    else:
        address = str(path.with_name(path.name + ".sock"))
    return Ticket(family, address, secrets.token_bytes(KEY_BYTES))


def format_ticket(ticket: Ticket) -> str:
    """The ticket file's text: one `KEY VALUE` line each for family, address and authkey."""
    return f"family {ticket.family}\naddress {ticket.address}\nauthkey {ticket.authkey.hex()}\n"


def parse_ticket(text: str, path: Path) -> Ticket:
    """The ticket in `text` (read from `path`).

    Raises:
        ControlError: one line naming the file, the key, what was expected and what was got.
    """
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, _space, value = line.partition(" ")
        if key not in TICKET_KEYS:
            raise ControlError(
                _(
                    '{path}: line {line}: expected "family", "address" or "authkey", got {got}'
                ).format(path=path, line=number, got=repr(key))
            )
        values[key] = value.strip()
    missing = [key for key in TICKET_KEYS if key not in values]
    if missing:
        raise ControlError(
            _('{path}: "{key}" is missing; expected the lines "family", "address" and "authkey"')
            .format(path=path, key=missing[0])
        )  # fmt: skip
    family = values["family"]
    if family == "AF_PIPE":
        checked: Family = "AF_PIPE"
    elif family == "AF_UNIX":
        checked = "AF_UNIX"
    else:
        raise _bad(path, "family", N_("AF_PIPE or AF_UNIX"), family)
    address = values["address"]
    if checked == "AF_PIPE" and not (
        address.startswith(PIPE_PREFIX) and len(address) > len(PIPE_PREFIX)
    ):
        raise _bad(
            path, "address", N_("a pipe name starting with \\\\.\\pipe\\posture-guard-"), address
        )
    if checked == "AF_UNIX" and not os.path.isabs(address):
        raise _bad(path, "address", N_("an absolute path"), address)
    try:
        authkey = bytes.fromhex(values["authkey"])
    except ValueError:
        authkey = b""
    if len(authkey) != KEY_BYTES:
        raise _bad(path, "authkey", N_("64 hexadecimal digits"), values["authkey"])
    return Ticket(checked, address, authkey)


def _bad(path: Path, key: str, expected: str, got: str) -> ControlError:
    return ControlError(
        _('{path}: "{key}": expected {expected}, got {got}').format(
            path=path, key=key, expected=_(expected), got=repr(got)
        )
    )


def write_ticket(path: Path, ticket: Ticket) -> None:
    """Write the ticket (0600), replacing the old one in one step (Rule 1)."""
    new = path.with_name(path.name + ".new")
    with contextlib.suppress(FileNotFoundError):
        new.unlink()
    fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(format_ticket(ticket))
    os.replace(new, path)


def read_ticket(path: Path) -> Ticket:
    """Raises FileNotFoundError (no service) or ControlError (not a ticket)."""
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        text = "\x00"
    return parse_ticket(text, path)


class PipeChannel:
    """The control channel over multiprocessing's connections; `path` is the ticket file."""

    def __init__(self, path: Path, family: Family = "AF_PIPE") -> None:
        self._path = path
        self._family: Family = family

    @property
    def path(self) -> Path:
        return self._path

    @property
    def family(self) -> Family:
        return self._family

    def listen(self) -> _PipeListening:
        ticket = new_ticket(self._family, self._path)
        if ticket.family == "AF_UNIX":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(ticket.address)
        old_umask = os.umask(0o177)
        try:  # no authkey: the challenge runs on each connection's own thread (Rule 4)
            listener = Listener(ticket.address, family=ticket.family, backlog=socket.SOMAXCONN)
        finally:
            os.umask(old_umask)
        try:
            write_ticket(self._path, ticket)
        except BaseException:
            listener.close()
            raise
        return _PipeListening(listener, ticket, self._path)

    def connect(self, deadline: float) -> _PipeCalling:
        ticket = read_ticket(self._path)
        if ticket.family != self._family:
            raise _bad(self._path, "family", self._family, ticket.family)
        conn = Client(ticket.address, family=ticket.family)
        try:
            with _Watchdog(conn, deadline) as dog:
                try:
                    answer_challenge(conn, ticket.authkey)
                    deliver_challenge(conn, ticket.authkey)
                except AuthenticationError:
                    raise KeyRefused from None
                except (EOFError, OSError, RuntimeError):
                    if dog.fired:
                        raise TimeoutError from None
                    raise
        except BaseException:
            conn.close()
            raise
        return _PipeCalling(conn)


class _PipeListening:
    def __init__(self, listener: Listener, ticket: Ticket, path: Path) -> None:
        self._listener = listener
        self._ticket = ticket
        self._path = path

    def accept(self) -> _PipePeer:
        return _PipePeer(self._listener.accept(), self._ticket.authkey)

    def interrupt(self) -> None:
        """Connect once, so that a blocked accept returns (a listener cannot be woken else)."""
        with contextlib.suppress(OSError, EOFError):
            Client(self._ticket.address, family=self._ticket.family).close()

    def close(self) -> None:
        self._listener.close()  # an AF_UNIX listener removes its socket file
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()


class _PipePeer:
    def __init__(self, conn: _Conn, authkey: bytes) -> None:
        self._conn = conn
        self._authkey = authkey
        self._admitted = False

    def admit(self, deadline: float) -> Admission:
        dog = _Watchdog(self._conn, deadline)
        try:
            with dog:
                deliver_challenge(self._conn, self._authkey)
                answer_challenge(self._conn, self._authkey)
        except AuthenticationError:
            return Admission(False, "a client without the key")
        except (EOFError, OSError, RuntimeError):
            late = "did not answer the challenge in time" if dog.fired else "left the challenge"
            return Admission(False, f"a client that {late}")
        self._admitted = True
        return Admission(True, "the key's holder")

    def recv_request(self, max_bytes: int, deadline: float) -> bytes | None:
        if not self._conn.poll(max(deadline - time.monotonic(), 0)):
            raise TimeoutError
        with _Watchdog(self._conn, deadline) as dog:
            try:
                message: bytes = self._conn.recv_bytes(max_bytes + 1)  # the line and its newline
            except EOFError:
                if dog.fired:
                    raise TimeoutError from None
                return b""
            except (OSError, RuntimeError):
                if dog.fired:
                    raise TimeoutError from None
                return None  # "bad message length": over the limit, not read (Rule 5)
        line = message.split(b"\n", 1)[0]
        return None if len(line) > max_bytes else line

    def discard_input(self) -> None:
        """Nothing to drain: messages come whole."""

    def send_reply(self, data: bytes) -> None:
        if self._admitted:  # a refused client was told by the challenge itself
            with contextlib.suppress(OSError, ValueError):
                self._conn.send_bytes(data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.close()


class _PipeCalling:
    def __init__(self, conn: _Conn) -> None:
        self._conn = conn

    def call(self, request: bytes, deadline: float) -> bytes:
        # a server that answered before taking it all (too large, Rule 5) closed its end: the
        # rest of the request breaks the pipe, and its reply, sent first, is read below
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._conn.send_bytes(request)
        if not self._conn.poll(max(deadline - time.monotonic(), 0)):
            raise TimeoutError
        with _Watchdog(self._conn, deadline) as dog:
            try:
                reply: bytes = self._conn.recv_bytes()
            except EOFError:
                if dog.fired:
                    raise TimeoutError from None
                return b""
            except (OSError, RuntimeError):
                if dog.fired:
                    raise TimeoutError from None
                raise
        return reply.split(b"\n", 1)[0]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.close()


class _Watchdog:
    """Breaks `conn` at `deadline` unless the block ended first (Rule 3); `fired` says whether
    it did, so a read that failed then is told apart from one that failed on its own."""

    def __init__(self, conn: _Conn, deadline: float) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._armed = True
        self.fired = False
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._armed = False
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            self.fired = True
            with contextlib.suppress(OSError, ValueError):
                break_connection(self._conn.fileno())


def break_connection(handle: int) -> None:
    """End what blocks on this connection in another thread: cancel a pipe's I/O (Windows), or
    shut a socket down (through a duplicate, so the descriptor itself stays the owner's)."""
    if sys.platform == "win32":
        import ctypes  # noqa: PLC0415 - Windows only
        from ctypes import wintypes  # noqa: PLC0415

        cancel = ctypes.windll.kernel32.CancelIoEx
        cancel.argtypes = (wintypes.HANDLE, ctypes.c_void_p)
        cancel.restype = wintypes.BOOL
        cancel(handle, None)
    else:
        dup = socket.socket(fileno=os.dup(handle))
        try:
            dup.shutdown(socket.SHUT_RDWR)
        finally:
            dup.close()
