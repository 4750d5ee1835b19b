"""Idle time from the Wayland compositor: ext-idle-notify-v1, or KDE's org_kde_kwin_idle.

Both protocols tell events, not a counter: the client asks for a notification with a timeout,
and the compositor says "idled" once the seat has had no input for that long, then "resumed"
at the next input. So this source keeps one notification with a short timeout (`TIMEOUT_S`)
and a thread that waits for its events and notes when "idled" came:

    idle seconds = 0                                   before "idled" or after "resumed"
                 = TIMEOUT_S + (now - when "idled" came)   while idle

Resolution: idle shorter than `TIMEOUT_S` reads 0 (the timer counts that as active anyway:
the idle threshold is 30 s by default; one below `TIMEOUT_S` is reached late); from then on the
reading is exact to the event's delivery (milliseconds). The compositor starts the timeout
when the notification is made, so idle time counts from when the source started watching at
the earliest. Applications that inhibit idle (a playing video) keep "idled" from coming: that
time counts as active, as the person is still sitting there.

The wire client is the pure-Python one in `posture_guard.desktop.wayland`: no library needed.

Threading: build and close the source on the service's worker thread; a daemon reader thread
of its own blocks on the socket (no CPU between events: one pair per pause of `TIMEOUT_S`).
`idle_seconds()` reads what that thread noted; a float assignment is atomic in CPython.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from posture_guard.core.errors import IdleSourceUnavailable
from posture_guard.core.i18n import _
from posture_guard.desktop.wayland import Connection, WaylandError, socket_path, uint

_log = logging.getLogger("posture_guard.idle")

#: The notification's timeout: idle shorter than this reads 0.
TIMEOUT_S: Final = 5.0
#: The notification's events (the same opcodes in both protocols).
IDLED: Final = 0
RESUMED: Final = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class IdleProtocol:
    """How one idle protocol makes a notification: the global, the request, its argument order."""

    #: The source's short name for logs, `doctor` and $POSTURE_GUARD_IDLE.
    name: str
    #: The global interface the compositor offers.
    manager: str
    #: The manager's request that makes a notification (new_id, seat and timeout arguments).
    request: int
    #: True when the seat comes before the timeout in that request.
    seat_first: bool


#: ext-idle-notify-v1 (wayland-protocols staging): wlroots >= 0.17 (Sway 1.8, labwc,
#: Hyprland), KWin >= 5.27, COSMIC. get_idle_notification(id, timeout, seat).
EXT_IDLE_NOTIFY: Final = IdleProtocol(
    name="ext-idle-notify", manager="ext_idle_notifier_v1", request=1, seat_first=False
)
#: org_kde_kwin_idle (plasma-wayland-protocols): KWin, and wlroots before 0.17 (Sway 1.7).
#: get_idle_timeout(id, seat, timeout).
KWIN_IDLE: Final = IdleProtocol(
    name="kwin-idle", manager="org_kde_kwin_idle", request=0, seat_first=True
)


def idle_estimate(idled_at: float | None, now: float, timeout_s: float) -> float:
    """Idle seconds from when the "idled" event came (None: not idle now) on a monotonic clock."""
    if idled_at is None:
        return 0.0
    return timeout_s + max(0.0, now - idled_at)


def notification_args(protocol: IdleProtocol, new_id: int, seat: int, timeout_s: float) -> bytes:
    """The arguments of `protocol`'s request for a notification after `timeout_s` (whole ms)."""
    timeout = uint(max(1, round(timeout_s * 1000)))
    if protocol.seat_first:
        return uint(new_id) + uint(seat) + timeout
    return uint(new_id) + timeout + uint(seat)


class WaylandIdleSource:
    """Seconds since the last input on the compositor's seat, from an idle protocol's events."""

    #: True: `idle_seconds()` reports idle time while the compositor is there.
    HAS_IDLE_TIME: Final = True

    def __init__(
        self,
        protocol: IdleProtocol,
        env: Mapping[str, str] | None = None,
        *,
        timeout_s: float = TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Connect to the compositor of `env` (default: this process's environment), ask for
        a notification and start the thread that waits for its events.

        Raises:
            IdleSourceUnavailable: no compositor to reach, or it does not offer the protocol
                or a seat; the message says which.
        """
        #: A short name for logs and `doctor`.
        self.name = protocol.name
        self._timeout_s = timeout_s
        self._clock = clock
        self._idled_at: float | None = None
        self._broken: str | None = None
        self._closing = False
        try:
            path = socket_path(os.environ if env is None else env)
            conn = Connection(path)
        except WaylandError as exc:
            raise IdleSourceUnavailable(str(exc)) from None
        try:
            offered = conn.globals()
            manager = offered.get(protocol.manager)
            if manager is None:
                raise IdleSourceUnavailable(
                    _("the compositor does not offer {protocol}").format(protocol=protocol.manager)
                )
            seat = offered.get("wl_seat")
            if seat is None:
                raise IdleSourceUnavailable(_("the compositor offers no seat (wl_seat)"))
            seat_id = conn.bind(seat, 1)
            manager_id = conn.bind(manager, 1)
            self._notification = conn.new_id()
            conn.send(
                manager_id,
                protocol.request,
                notification_args(protocol, self._notification, seat_id, timeout_s),
            )
            conn.roundtrip()  # a refused request comes back as a protocol error here
        except WaylandError as exc:
            conn.close()
            raise IdleSourceUnavailable(str(exc)) from None
        except IdleSourceUnavailable:
            conn.close()
            raise
        #: What `doctor` says about this source beside its name.
        self.detail = _(
            "{protocol} on {socket}: idle time shows from {seconds} s on, counted from when "
            "Posture Guard started watching"
        ).format(protocol=protocol.manager, socket=os.path.basename(path), seconds=f"{timeout_s:g}")
        conn.set_blocking()
        self._conn = conn
        self._reader = threading.Thread(
            target=self._listen, name=f"posture-guard-idle-{protocol.name}", daemon=True
        )
        self._reader.start()

    def idle_seconds(self) -> float | None:
        """Seconds since the last input (0 below the timeout), or None once the compositor
        is gone. Never blocks, never raises."""
        if self._broken is not None:
            return None
        return idle_estimate(self._idled_at, self._clock(), self._timeout_s)

    def close(self) -> None:
        """Stop the reader thread and close the connection. Idempotent; never raises."""
        self._closing = True
        self._conn.shutdown()
        if self._reader is not threading.current_thread():
            self._reader.join(timeout=2.0)
        self._conn.close()

    def _listen(self) -> None:
        try:
            while True:
                for event in self._conn.read():
                    if event.object_id != self._notification:
                        continue
                    if event.opcode == IDLED:
                        self._idled_at = self._clock()
                    elif event.opcode == RESUMED:
                        self._idled_at = None
        except WaylandError as exc:
            self._broken = str(exc)
            if not self._closing:
                _log.warning(
                    "idle source %s stopped: %s; idle time cannot be seen from now on",
                    self.name,
                    exc,
                )
