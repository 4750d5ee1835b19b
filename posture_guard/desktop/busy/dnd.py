"""Busy while the desktop's do-not-disturb is on, wherever the desktop keeps that switch.

Asked only when org.freedesktop.Notifications already has an owner (asking an unowned name
would D-Bus-activate a daemon); the first switch the daemon has, in this order:
- the `Inhibited` property of org.freedesktop.Notifications (KDE Plasma, spec 1.2 servers);
- dunst's `paused` property (org.dunstproject.cmd0), which `dunstctl set-paused` sets;
- GNOME Shell (its GetServerInformation names "gnome-shell"): GNOME keeps its switch in
  GSettings, org.gnome.desktop.notifications show-banners (false: do not disturb), read from
  the user's dconf database file (`desktop.dconf`): no `gsettings` process and no GLib, one
  stat() per look and a parse only after a change.

Threading: used only by the service's worker thread (it owns its bus).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.core.i18n import _
from posture_guard.desktop.dbus import Bus, DBusError
from posture_guard.desktop.dconf import DconfError, UserSettings, user_db_path

REASON: Final = "do not disturb"
NOTIFICATIONS: Final = "org.freedesktop.Notifications"
PATH: Final = "/org/freedesktop/Notifications"
#: (interface, property) pairs that mean "do not disturb" when true, in the order tried.
SWITCHES: Final = (
    (NOTIFICATIONS, "Inhibited"),
    ("org.dunstproject.cmd0", "paused"),
)
#: The notification server whose switch is GNOME's setting (GetServerInformation's name).
GNOME_SHELL: Final = "gnome-shell"
#: GNOME's switch: the dconf key of org.gnome.desktop.notifications show-banners (default
#: true); false means do not disturb.
SHOW_BANNERS: Final = "/org/gnome/desktop/notifications/show-banners"


class DoNotDisturbSource:
    """Says "do not disturb" while the desktop holds notifications back."""

    #: A short name for logs and `doctor`.
    name: str = "do-not-disturb"

    def __init__(self, bus: Bus, gnome_settings: Path | None = None) -> None:
        """Find which switch the notification daemon on `bus` has.

        Args:
            bus: The session bus; closed here when the source is not available.
            gnome_settings: The user's dconf database, read when the daemon is GNOME Shell;
                None: `dconf.user_db_path()` of this process's environment.

        Raises:
            BusySourceUnavailable: no daemon owns the name, or it has no known switch.
        """
        self._bus = bus
        self._gnome: UserSettings | None = None
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
            #: How it tells, for `doctor`.
            self.via = f"{interface} {prop}"
            return
        if self._server_name() == GNOME_SHELL:
            gnome_settings = gnome_settings if gnome_settings is not None else user_db_path()
            self._gnome = UserSettings(gnome_settings)
            self.switch = ("org.gnome.desktop.notifications", "show-banners")
            self.via = f"org.gnome.desktop.notifications show-banners, {gnome_settings}"
            return
        bus.close()
        raise BusySourceUnavailable(_("the notification daemon exposes no do-not-disturb switch"))

    def busy_reason(self) -> str | None:
        """ "do not disturb" or None (also when the switch cannot be read now). Never raises."""
        if self._gnome is not None:
            try:
                on = not self._gnome.boolean(SHOW_BANNERS, default=True)
            except DconfError:
                return None
        else:
            try:
                on = bool(self._bus.get_property(NOTIFICATIONS, PATH, *self.switch))
            except DBusError:
                return None
        return REASON if on else None

    def close(self) -> None:
        """Close the bus connection. Idempotent."""
        self._bus.close()

    def _server_name(self) -> str | None:
        try:
            name, *_rest = self._bus.call(
                NOTIFICATIONS, PATH, NOTIFICATIONS, "GetServerInformation"
            )
        except (DBusError, ValueError):
            return None
        return name if isinstance(name, str) else None
