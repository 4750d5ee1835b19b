"""Busy while the desktop's do-not-disturb is on, where the notification daemon exposes it.

Asked on the session bus, only when the name already has an owner (asking an unowned
org.freedesktop.Notifications would D-Bus-activate a daemon):
- the `Inhibited` property of org.freedesktop.Notifications (KDE Plasma, spec 1.2 servers);
- dunst's `paused` property (org.dunstproject.cmd0), which `dunstctl set-paused` sets.
GNOME keeps its switch in GSettings (org.gnome.desktop.notifications show-banners); reading it
means a `gsettings` process or a dconf parser per look, so it is left out on purpose.

Threading: used only by the service's worker thread (it owns its bus).
"""

from __future__ import annotations

from typing import Final

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.core.i18n import _
from posture_guard.desktop.dbus import Bus, DBusError

REASON: Final = "do not disturb"
NOTIFICATIONS: Final = "org.freedesktop.Notifications"
PATH: Final = "/org/freedesktop/Notifications"
#: (interface, property) pairs that mean "do not disturb" when true, in the order tried.
SWITCHES: Final = (
    (NOTIFICATIONS, "Inhibited"),
    ("org.dunstproject.cmd0", "paused"),
)


class DoNotDisturbSource:
    """Says "do not disturb" while the notification daemon holds notifications back."""

    #: A short name for logs and `doctor`.
    name: str = "do-not-disturb"

    def __init__(self, bus: Bus) -> None:
        """Find which switch the daemon on `bus` exposes.

        Raises:
            BusySourceUnavailable: no daemon owns the name, or it exposes no known switch.
        """
        self._bus = bus
        try:
            owned = bus.has_owner(NOTIFICATIONS)
        except DBusError as exc:
            bus.close()
            raise BusySourceUnavailable(str(exc)) from None
        if not owned:
            bus.close()
            # Translators: {name} is a D-Bus name, as written
            raise BusySourceUnavailable(
                _("no notification daemon owns {name}").format(name=NOTIFICATIONS)
            )
        for interface, prop in SWITCHES:
            try:
                bus.get_property(NOTIFICATIONS, PATH, interface, prop)
            except DBusError:
                continue
            self.switch = (interface, prop)
            return
        bus.close()
        raise BusySourceUnavailable(_("the notification daemon exposes no do-not-disturb switch"))

    def busy_reason(self) -> str | None:
        """ "do not disturb" or None (also when the daemon does not answer). Never raises."""
        try:
            on = self._bus.get_property(NOTIFICATIONS, PATH, *self.switch)
        except DBusError:
            return None
        return REASON if on else None

    def close(self) -> None:
        """Close the bus connection. Idempotent."""
        self._bus.close()
