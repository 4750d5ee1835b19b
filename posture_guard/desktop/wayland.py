"""A minimal Wayland client in pure Python: the wire format over the compositor's socket.

Enough for protocols whose requests and events carry numbers, strings and object ids (the idle
protocols, a seat, the registry); no shared memory, no file descriptors sent. Received file
descriptors (none are expected) are closed at once.

Why not libwayland-client through ctypes, or pywayland: the wire format is small and documented
(https://wayland.freedesktop.org/docs/html/ch04.html), so a client needs no library at all,
cannot crash the process on a wrong signature, runs wherever Python runs, and speaks protocols
that pywayland's wheels do not ship (org_kde_kwin_idle). pywayland has binary wheels only for
recent glibc on two architectures, and builds with a compiler elsewhere.

Rule 1: the encoding and decoding are pure functions (`message`, `split_messages`, `Args`),
        tested with plain bytes; `Connection` only adds the socket.
Rule 2: `Connection` is used by one thread at a time: the one that built it until it hands the
        connection to a reader thread (which then only reads).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from posture_guard.core.i18n import _

#: The display object every connection starts with (wl_display).
DISPLAY_ID: Final = 1
#: wl_display requests and events.
_SYNC: Final = 0
_GET_REGISTRY: Final = 1
_ERROR: Final = 0
_DELETE_ID: Final = 1
#: wl_registry request and events; wl_callback's only event.
_BIND: Final = 0
_GLOBAL: Final = 0
_GLOBAL_REMOVE: Final = 1
_DONE: Final = 0
#: A message header: the object id, then the size (high 16 bits) and opcode (low 16 bits).
_HEADER: Final = struct.Struct("=II")
_UINT: Final = struct.Struct("=I")
_INT: Final = struct.Struct("=i")
#: The longest message the protocol allows (its size is 16 bits).
MAX_MESSAGE: Final = 0xFFFF


class WaylandError(Exception):
    """The compositor cannot be reached, closed the connection, or reported a protocol error."""


@dataclass(frozen=True, slots=True)
class Message:
    """One message on the wire: to or from `object_id`, with its opcode and raw arguments."""

    object_id: int
    opcode: int
    payload: bytes


def uint(value: int) -> bytes:
    """A `uint`, `object` or `new_id` argument."""
    return _UINT.pack(value)


def int32(value: int) -> bytes:
    """An `int` argument."""
    return _INT.pack(value)


def string(text: str) -> bytes:
    """A `string` argument: its length with the terminating NUL, then the bytes, padded to 4.

    Raises:
        ValueError: `text` holds a NUL, which would end the string early at the other side.
    """
    if "\0" in text:
        raise ValueError(f"a Wayland string cannot hold a NUL character, got {text!r}")
    raw = text.encode() + b"\0"
    return uint(len(raw)) + raw + b"\0" * (-len(raw) % 4)


def message(object_id: int, opcode: int, *args: bytes) -> bytes:
    """A whole request: header and encoded arguments.

    Raises:
        ValueError: the message would be longer than the protocol allows.
    """
    payload = b"".join(args)
    size = _HEADER.size + len(payload)
    if size > MAX_MESSAGE:
        raise ValueError(f"a Wayland message of {size} bytes is too long")
    return _HEADER.pack(object_id, size << 16 | opcode) + payload


def split_messages(buffer: bytes) -> tuple[list[Message], bytes]:
    """The whole messages at the start of `buffer`, and the bytes left over (a partial one).

    Raises:
        WaylandError: a header gives a size shorter than a header (the stream is corrupt).
    """
    found = []
    at = 0
    while len(buffer) - at >= _HEADER.size:
        object_id, word = _HEADER.unpack_from(buffer, at)
        size, opcode = word >> 16, word & 0xFFFF
        if size < _HEADER.size:
            raise WaylandError(
                _("corrupt message from the compositor (size {size})").format(size=size)
            )
        if len(buffer) - at < size:
            break
        found.append(Message(object_id, opcode, bytes(buffer[at + _HEADER.size : at + size])))
        at += size
    return found, bytes(buffer[at:])


class Args:
    """Reads an event's arguments in order.

    Raises:
        WaylandError: the payload is shorter than its arguments claim.
    """

    def __init__(self, payload: bytes) -> None:
        self._payload = payload
        self._at = 0

    def uint(self) -> int:
        """A `uint`, `object` or `new_id` argument."""
        return self._take(_UINT)

    def int32(self) -> int:
        """An `int` argument."""
        return self._take(_INT)

    def string(self) -> str:
        """A `string` argument (an empty one for a null string)."""
        length = self.uint()
        end = self._at + length + (-length % 4)
        if end > len(self._payload):
            raise WaylandError(_("a message from the compositor is cut short"))
        raw = self._payload[self._at : self._at + length]
        self._at = end
        return raw.removesuffix(b"\0").decode(errors="replace")  # its one terminating NUL

    def _take(self, shape: struct.Struct) -> int:
        if self._at + shape.size > len(self._payload):
            raise WaylandError(_("a message from the compositor is cut short"))
        (value,) = shape.unpack_from(self._payload, self._at)
        self._at += shape.size
        return int(value)


def socket_path(env: Mapping[str, str]) -> str:
    """Where the compositor listens, as libwayland-client finds it: $WAYLAND_DISPLAY (default
    "wayland-0"), an absolute path as it is, else inside $XDG_RUNTIME_DIR.

    Raises:
        WaylandError: a relative name but no $XDG_RUNTIME_DIR.
    """
    name = env.get("WAYLAND_DISPLAY") or "wayland-0"
    if os.path.isabs(name):
        return name
    runtime = env.get("XDG_RUNTIME_DIR")
    if not runtime:
        raise WaylandError(_("XDG_RUNTIME_DIR is not set, so the Wayland socket cannot be found"))
    return os.path.join(runtime, name)


@dataclass(frozen=True, slots=True)
class Global:
    """An interface the compositor offers: its registry name and highest version."""

    name: int
    interface: str
    version: int


def parse_error(payload: bytes) -> str:
    """A wl_display.error event as a sentence."""
    args = Args(payload)
    object_id, code, text = args.uint(), args.uint(), args.string()
    return _("protocol error {code} on object {object}: {text}").format(
        code=code, object=object_id, text=text
    )


class Connection:
    """One connection to the compositor: send requests, read events (Rule 2)."""

    _sock: socket.socket

    def __init__(self, path: str, timeout_s: float = 2.0) -> None:
        """Connect to the socket at `path`; reads time out after `timeout_s` until
        `set_blocking()`.

        Raises:
            WaylandError: the socket cannot be reached.
        """
        self.path = path
        #: The registry's object id, once `globals()` has asked for it.
        self.registry = 0
        self._next_id = DISPLAY_ID + 1
        self._buffer = b""
        if sys.platform == "win32":
            raise WaylandError("there is no Wayland on Windows")
        else:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.settimeout(timeout_s)
            try:
                self._sock.connect(path)
            except OSError as exc:
                self._sock.close()
                raise WaylandError(
                    _("cannot connect to {path}: {error}").format(
                        path=path, error=exc.strerror or exc
                    )
                ) from None

    def new_id(self) -> int:
        """A fresh object id for a request's `new_id` argument."""
        new, self._next_id = self._next_id, self._next_id + 1
        return new

    def send(self, object_id: int, opcode: int, *args: bytes) -> None:
        """Send one request.

        Raises:
            WaylandError: the connection is gone.
        """
        try:
            self._sock.sendall(message(object_id, opcode, *args))
        except OSError:
            raise WaylandError(_("the compositor closed the connection")) from None

    def read(self) -> list[Message]:
        """The next events (at least one), waiting for them; wl_display's own are handled.

        Raises:
            WaylandError: the connection closed, a read timed out, or a protocol error.
        """
        while True:
            data = self._receive()
            if not data:
                raise WaylandError(_("the compositor closed the connection"))
            found, self._buffer = split_messages(self._buffer + data)
            events = []
            for event in found:
                if event.object_id == DISPLAY_ID and event.opcode == _ERROR:
                    raise WaylandError(parse_error(event.payload))
                if event.object_id != DISPLAY_ID:  # delete_id: ids are never reused here
                    events.append(event)
            if events:
                return events

    def _receive(self) -> bytes:
        """The next bytes from the socket (empty when it closed); file descriptors are closed."""
        if sys.platform == "win32":
            raise WaylandError("there is no Wayland on Windows")
        else:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self._sock, 65536, 8)
            except TimeoutError:
                raise WaylandError(_("the compositor did not answer in time")) from None
            except OSError:
                raise WaylandError(_("the compositor closed the connection")) from None
            for fd in fds:  # none expected: never leak one
                os.close(fd)
            return data

    def roundtrip(self) -> list[Message]:
        """Wait until the compositor has handled every request sent so far; the events that
        came meanwhile.

        Raises:
            WaylandError: as `read`.
        """
        callback = self.new_id()
        self.send(DISPLAY_ID, _SYNC, uint(callback))
        events: list[Message] = []
        while True:
            for event in self.read():
                if event.object_id == callback and event.opcode == _DONE:
                    return events
                events.append(event)

    def globals(self) -> dict[str, Global]:
        """The interfaces the compositor offers, by name (the first of each), with the
        registry's id for `bind`.

        Raises:
            WaylandError: as `read`.
        """
        self.registry = self.new_id()
        self.send(DISPLAY_ID, _GET_REGISTRY, uint(self.registry))
        offered: dict[str, Global] = {}
        for event in self.roundtrip():
            if event.object_id == self.registry and event.opcode == _GLOBAL:
                args = Args(event.payload)
                found = Global(args.uint(), args.string(), args.uint())
                offered.setdefault(found.interface, found)
        return offered

    def bind(self, offered: Global, version: int) -> int:
        """Bind a global (after `globals()`) at `version` or its own, if lower; the new id.

        Raises:
            WaylandError: as `send`.
        """
        new = self.new_id()
        self.send(
            self.registry,
            _BIND,
            uint(offered.name),
            string(offered.interface),
            uint(min(version, offered.version)),
            uint(new),
        )
        return new

    def set_blocking(self) -> None:
        """Let `read` wait as long as it takes (for a reader thread)."""
        self._sock.settimeout(None)

    def shutdown(self) -> None:
        """Wake a thread blocked in `read` (it gets WaylandError). Idempotent; never raises."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Close the socket. Idempotent; never raises."""
        self._sock.close()
