"""Local sockets for the control channel, per OS: which family, and who is on the other end."""

from __future__ import annotations

import os
import socket
import struct
import sys

from posture_guard.core.errors import ControlError


def local_stream_socket() -> socket.socket:
    """A new stream socket for a filesystem path (a Unix socket).

    Raises:
        ControlError: where this Python has no Unix sockets (Windows).
    """
    if sys.platform == "win32":
        raise ControlError("the control channel is not available on Windows yet")
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
