"""Local control channel: `posture-guard snooze` reaches the running service over a Unix socket
(Linux, macOS) or a named pipe (Windows), one protocol over either.

Protocol: one JSON object per connection, one line each way. The client sends
``{"command": "snooze", "seconds": 600}``; the service answers ``{"ok": true, "message": ...}``
or ``{"ok": false, "error": ...}``, with ``"status"`` (the snapshot) when the command reached
the timer. The transport is behind one seam (`desktop/ipc.py`: `Channel`, `Peer`); this module
speaks to nothing else, so its tests run over each transport.

Rule 1: the channel lives in the user's private runtime dir (0700): a Unix socket, itself 0600;
        on Windows a named pipe with a random name, written with a random key to a 0600 ticket
        file there (`desktop/pipes.py`).
Rule 2: a peer that is not the owner is refused before its request is read: on a Unix socket, a
        peer whose user id is not ours (or cannot be told), told so in a reply; on the pipe, a
        peer that fails the key's mutual challenge, told so by the challenge. The client, too,
        talks only to a server that is the owner's.
Rule 3: garbage, oversized or slow requests get an error reply (or are dropped); the server and the
        service behind it never fail because of what a client sent.
Rule 4: this is the only place that speaks JSON. A request line becomes a command value
        (core/commands.py) here, and the service's Result becomes the reply line here; the
        client's `request` encodes its command here too. `decode_command(encode_command(c)) == c`.
Rule 5: one slow or idle client never blocks another: each connection is answered on a thread of
        its own (at most MAX_CLIENTS at once; the kernel's backlog, as deep as it allows, holds
        the rest), and a client that finds the backlog full waits for its turn within its
        timeout instead of failing (on the pipe, for a free pipe instance, as multiprocessing's
        Client waits: up to its own 20 s). The key's challenge, too, runs on the client's thread.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Final

from posture_guard.core import refusals
from posture_guard.core.commands import (
    BreakNow,
    Command,
    Done,
    FinishBreak,
    Malformed,
    Pause,
    Quit,
    Result,
    Resume,
    Skip,
    Snapshot,
    Snooze,
    StartBreak,
    Status,
)
from posture_guard.core.errors import ControlError, UnknownCommand
from posture_guard.core.i18n import _
from posture_guard.core.timer import Outcome
from posture_guard.core.wording import state_words
from posture_guard.desktop.ipc import (
    Channel,
    KeyRefused,
    Listening,
    Peer,
    ServedByStranger,
    select_channel,
)

MAX_REQUEST_BYTES: Final = 64 * 1024
READ_TIMEOUT_S: Final = 2.0
REPLY_TIMEOUT_S: Final = 10.0
#: Connections answered at once, each on a thread of its own (Rule 5); more wait in the backlog.
MAX_CLIENTS: Final = 64

log = logging.getLogger(__name__)

Submit = Callable[[Command | Malformed], Result]


class ControlServer:
    """Accepts control requests on `channel` (a path: the OS's channel there, see
    `desktop.ipc.select_channel`), and answers each with what `submit(command)` returns.

    The accept loop runs on its own daemon thread, blocked in accept() (no CPU while idle);
    each connection is answered on a short-lived daemon thread of its own (Rule 5). `submit` is
    called on those; it must be thread-safe (the service's `submit` is).
    """

    def __init__(self, channel: Channel | Path, submit: Submit) -> None:
        self.channel = select_channel(channel) if isinstance(channel, Path) else channel
        self.path = self.channel.path
        self._submit = submit
        self._listening: Listening | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._slots = threading.BoundedSemaphore(MAX_CLIENTS)

    def start(self) -> None:
        """Listen (replacing a stale socket or ticket, Rule 1), and start accepting."""
        self._listening = self.channel.listen()
        self._thread = threading.Thread(
            target=self._serve, name="posture-guard-control", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop accepting and remove the channel's file."""
        self._closing.set()
        if self._listening is not None:
            self._listening.interrupt()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._listening is not None:
            self._listening.close()

    def _serve(self) -> None:
        assert self._listening is not None
        while not self._closing.is_set():
            try:
                peer = self._listening.accept()
            except (OSError, EOFError):
                if self._closing.is_set():
                    return
                continue
            if self._closing.is_set():
                peer.close()
                return
            self._slots.acquire()  # MAX_CLIENTS busy: the next ones wait in the backlog
            try:
                threading.Thread(
                    target=self._handle, args=(peer,), name="posture-guard-control-client",
                    daemon=True,
                ).start()  # fmt: skip
            except RuntimeError:  # no thread to be had: this one is dropped, the server goes on
                self._slots.release()
                peer.close()
                log.warning("control: no thread for a connection; dropped it")

    def _handle(self, peer: Peer) -> None:
        try:
            self._answer(peer)
        except Exception:  # a bug in handling one request must not stop the server
            log.exception("control request failed")
        finally:
            peer.close()
            self._slots.release()

    def _answer(self, peer: Peer) -> None:
        deadline = time.monotonic() + READ_TIMEOUT_S
        admission = peer.admit(deadline)
        if not admission.owner:
            log.warning("refused a control connection from %s", admission.who)
            peer.discard_input()
            _send(peer, {"ok": False, "error": "refused: this service belongs to another user"})
            return
        try:
            raw = peer.recv_request(MAX_REQUEST_BYTES, deadline)
        except TimeoutError:
            _send(peer, {"ok": False, "error": "request timed out"})
            return
        except OSError:  # the client went away
            return
        if raw is None:
            peer.discard_input()
            _send(
                peer, {"ok": False, "error": f"request too large (limit {MAX_REQUEST_BYTES} bytes)"}
            )
            return
        try:
            request = json.loads(raw)
        except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, huge numbers
            _send(peer, {"ok": False, "error": "request is not valid JSON"})
            return
        if not isinstance(request, dict) or not isinstance(request.get("command"), str):
            _send(peer, {"ok": False, "error": 'expected a JSON object with a "command" string'})
            return
        try:
            command = decode_command(request)
        except UnknownCommand as exc:
            _send(peer, {"ok": False, "error": str(exc)})
            return
        _send(peer, encode_result(self._submit(command)))


# --- JSON <-> values -------------------------------------------------------------------------


class _Unreadable(Exception):
    """A field of a known command cannot be read; the message is the refusal."""


def decode_command(request: Mapping[str, object]) -> Command | Malformed:
    """The command a request object stands for (its "command" is a string).

    A known command with an argument of the wrong type is `Malformed`: the service refuses it
    (after the policy, commands.py Rule 3). Values of the right type are checked by the service
    (`commands.validate`), not here.

    Raises:
        UnknownCommand: no command has that name.
    """
    name = request.get("command")
    assert isinstance(name, str)
    decode = _DECODERS.get(name)
    if decode is None:
        raise UnknownCommand(name)
    try:
        return decode(request)
    except _Unreadable as exc:
        return Malformed(verb=name, problem=str(exc))


def _seconds(request: Mapping[str, object], verb: str) -> int | None:
    value = request.get("seconds")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Unreadable(refusals.not_whole_seconds(verb, value))
    return value


def _pause(request: Mapping[str, object]) -> Pause:
    until = request.get("until")
    if until == "tomorrow":
        return Pause(tomorrow=True)  # "seconds" is not looked at, as always
    if until is not None:
        raise _Unreadable(refusals.bad_pause_until(until))
    return Pause(seconds=_seconds(request, Pause.VERB))


def _break_now(request: Mapping[str, object]) -> BreakNow:
    kind = request.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise _Unreadable(refusals.bad_kind(kind))
    return BreakNow(kind=kind)


def _finish_break(request: Mapping[str, object]) -> FinishBreak:
    outcome = request.get("outcome")
    for known in Outcome:
        if outcome == known.value:
            return FinishBreak(outcome=known)  # other outcomes than these two: `validate`
    raise _Unreadable(refusals.bad_outcome(outcome))


_DECODERS: Final[Mapping[str, Callable[[Mapping[str, object]], Command]]] = {
    Status.VERB: lambda _: Status(),
    Snooze.VERB: lambda r: Snooze(seconds=_seconds(r, Snooze.VERB)),
    Skip.VERB: lambda _: Skip(),
    Pause.VERB: _pause,
    Resume.VERB: lambda _: Resume(),
    BreakNow.VERB: _break_now,
    StartBreak.VERB: lambda _: StartBreak(),
    FinishBreak.VERB: _finish_break,
    Quit.VERB: lambda _: Quit(),
}


def encode_command(command: Command) -> dict[str, object]:
    """The request object for `command` (the inverse of `decode_command`)."""
    request: dict[str, object] = {"command": command.VERB}
    match command:
        case Snooze(seconds=seconds) if seconds is not None:
            request["seconds"] = seconds
        case Pause(tomorrow=True):
            request["until"] = "tomorrow"
        case Pause(seconds=seconds) if seconds is not None:
            request["seconds"] = seconds
        case BreakNow(kind=kind) if kind is not None:
            request["kind"] = kind
        case FinishBreak(outcome=outcome):
            request["outcome"] = outcome.value
        case _:
            pass
    return request


def encode_result(result: Result) -> dict[str, object]:
    """The reply object for a result: "ok", then "message" or "error", then "status" when the
    result carries a snapshot."""
    reply: dict[str, object]
    if isinstance(result, Done):
        reply = {"ok": True, "message": result.message}
    else:
        reply = {"ok": False, "error": result.reason}
    if result.snapshot is not None:
        reply["status"] = encode_snapshot(result.snapshot)
    return reply


def encode_snapshot(snapshot: Snapshot) -> dict[str, object]:
    """The snapshot as the reply's "status" (JSON types only); `cli.format_status` and the
    menu window read it."""
    s = snapshot.status
    return {
        "at": snapshot.at.isoformat(),
        "pid": os.getpid(),
        "state": s.state.name.lower(),
        "state_text": state_words(s.state),
        "allowed": sorted(c.value for c in s.allowed),
        "current": s.current,
        "next_kind": s.next_kind,
        "next_in_s": s.next_in_s,
        "active_today_s": round(snapshot.today.active_s, 1),
        "day": s.day.isoformat() if s.day else None,
        "paused_until": s.paused_until.isoformat() if s.paused_until else None,
        "outcomes_today": {k: dict(v) for k, v in snapshot.today.outcomes.items()},
        "snoozes_left": s.snoozes_left,
        "skip_allowed": s.skip_allowed,
        "waiting_for": s.waiting_for,
        "snoozed_until": None
        if s.snooze_left_s is None
        else (snapshot.at + timedelta(seconds=s.snooze_left_s)).isoformat(),
        "idle_source": snapshot.idle_source,
        "sees_idle": snapshot.sees_idle,
        "notifier": snapshot.notifier,
        "episode_open": snapshot.episode_open,
        "settings_problem": None
        if snapshot.settings_trouble is None
        else {
            "file": snapshot.settings_trouble.file,
            "problems": list(snapshot.settings_trouble.problems),
        },
    }


def _send(peer: Peer, reply: Mapping[str, object]) -> None:
    peer.send_reply(json.dumps(reply).encode() + b"\n")


def request(
    channel: Channel | Path, command: Command, *, timeout: float = REPLY_TIMEOUT_S
) -> dict[str, object]:
    """Send `command` to the service listening on `channel` (a path: the OS's channel there)
    and return its reply object ("ok", "message" or "error", and "status" as `encode_result`
    makes them).

    Raises:
        ControlError: when no service is running or the reply is not understood.
    """
    channel = select_channel(channel) if isinstance(channel, Path) else channel
    path = channel.path
    deadline = time.monotonic() + timeout
    late = _("Posture Guard did not answer within {seconds} s").format(seconds=f"{timeout:g}")
    try:
        calling = channel.connect(deadline)
    except (FileNotFoundError, ConnectionRefusedError):
        raise ControlError(
            _("Posture Guard is not running (start it with `posture-guard run`)")
        ) from None
    except TimeoutError:
        raise ControlError(late) from None
    except ServedByStranger as exc:
        raise ControlError(
            _("{path} is served by user id {uid}, not by you; not talking to it").format(
                path=path, uid=exc.uid
            )
        ) from None
    except KeyRefused:
        raise ControlError(
            _(
                "the service behind {path} does not hold the key written there, or refused ours;"
                " not talking to it"
            ).format(path=path)
        ) from None
    except (OSError, EOFError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ControlError(
            _("cannot reach Posture Guard at {path}: {reason}").format(path=path, reason=reason)
        ) from None
    try:
        raw = calling.call(json.dumps(encode_command(command)).encode() + b"\n", deadline)
    except TimeoutError:
        raise ControlError(late) from None
    except OSError as exc:
        raise ControlError(
            _("connection to Posture Guard failed: {reason}").format(reason=exc.strerror or exc)
        ) from None
    finally:
        calling.close()
    try:
        reply = json.loads(raw)
    except (ValueError, RecursionError):
        raise ControlError(_("Posture Guard sent a reply that is not JSON")) from None
    if not isinstance(reply, dict):
        raise ControlError(_("Posture Guard sent a reply that is not a JSON object"))
    return reply
