"""Idle time: one selector, one module per backend (after pystray's `backend()`).

Rules:

1. This package is the only place that decides which idle source runs; the service calls
   `select_idle_source()` once at start and never at import.
2. Candidates depend on `sys.platform`; the override (argument, else $POSTURE_GUARD_IDLE) tries
   one named source first. Every candidate that fails leaves a reason such as
   "x11: no DISPLAY set", and the last resort is `NoIdleSource`, which never fails.
3. Backend modules import their libraries when a source is built, so importing this package
   needs no display, no python-xlib and no desktop at all.
4. In a Wayland session XWayland's counter is never a fallback (it sees only X clients'
   input); when no compositor source works the choice is `NoIdleSource`, and `doctor`, the log
   and `status` say that idle time cannot be seen (`core.wording.IDLE_UNSEEN`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Final

from posture_guard.core.errors import IdleSourceUnavailable
from posture_guard.core.i18n import _
from posture_guard.core.ports import IdleSource

__all__ = [
    "ENV_OVERRIDE",
    "IdleSourceUnavailable",
    "in_wayland_session",
    "linux_candidates",
    "probe_idle_sources",
    "select_idle_source",
]

#: The environment variable that names the idle source to use ("x11", "gnome", "none"...).
ENV_OVERRIDE: Final = "POSTURE_GUARD_IDLE"


def _make_x11() -> IdleSource:
    from posture_guard.desktop.idle.x11 import X11IdleSource  # noqa: PLC0415 - only if tried

    return X11IdleSource()


def _make_gnome() -> IdleSource:
    from posture_guard.desktop.idle.dbus_idle import GNOME, DBusIdleSource  # noqa: PLC0415

    return DBusIdleSource(GNOME)


def _make_freedesktop() -> IdleSource:
    from posture_guard.desktop.idle.dbus_idle import FREEDESKTOP, DBusIdleSource  # noqa: PLC0415

    return DBusIdleSource(FREEDESKTOP)


def _make_ext_idle_notify() -> IdleSource:
    from posture_guard.desktop.idle.wayland import (  # noqa: PLC0415 - only if tried
        EXT_IDLE_NOTIFY,
        WaylandIdleSource,
    )

    return WaylandIdleSource(EXT_IDLE_NOTIFY)


def _make_kwin_idle() -> IdleSource:
    from posture_guard.desktop.idle.wayland import KWIN_IDLE, WaylandIdleSource  # noqa: PLC0415

    return WaylandIdleSource(KWIN_IDLE)


def _make_windows() -> IdleSource:
    from posture_guard.desktop.idle.windows import WindowsIdleSource  # noqa: PLC0415

    return WindowsIdleSource()


def _make_macos() -> IdleSource:
    from posture_guard.desktop.idle.macos import MacIdleSource  # noqa: PLC0415

    return MacIdleSource()


def _make_none() -> IdleSource:
    from posture_guard.desktop.idle.none import NoIdleSource  # noqa: PLC0415 - same shape

    return NoIdleSource()


#: Every known source by name. Each factory raises IdleSourceUnavailable or ImportError.
_FACTORIES: Final[dict[str, Callable[[], IdleSource]]] = {
    "x11": _make_x11,
    "gnome": _make_gnome,
    "freedesktop": _make_freedesktop,
    "ext-idle-notify": _make_ext_idle_notify,
    "kwin-idle": _make_kwin_idle,
    "windows": _make_windows,
    "macos": _make_macos,
    "none": _make_none,
}


def in_wayland_session(env: Mapping[str, str]) -> bool:
    """True in a Wayland session: $XDG_SESSION_TYPE says so, or $WAYLAND_DISPLAY is set."""
    return env.get("XDG_SESSION_TYPE", "").strip().lower() == "wayland" or bool(
        env.get("WAYLAND_DISPLAY")
    )


def linux_candidates(wayland: bool) -> list[str]:
    """The Linux sources to try, in order, in a Wayland session or not.

    On X11 the server's own counter is the most direct. In a Wayland session DISPLAY usually
    points at XWayland, whose counter sees only X clients' input: typing in a Wayland window
    would look like idle. So x11 is not tried there (Rule 4): the compositor's own sources are,
    GNOME's first (Mutter has no idle protocol for clients), then the Wayland protocols, then
    org.freedesktop.ScreenSaver where the desktop answers it.
    """
    if wayland:
        return ["gnome", "ext-idle-notify", "kwin-idle", "freedesktop"]
    return ["x11", "gnome", "freedesktop"]


def _platform_candidates() -> tuple[list[str], list[tuple[str, str]]]:
    """The sources to try on this platform, in order, and (name, why) for those left out."""
    if sys.platform == "linux":
        if in_wayland_session(os.environ):
            # Translators: why XWayland's idle counter is not used in a Wayland session
            why = _("not used in a Wayland session: XWayland sees only the input to X11 apps")
            return linux_candidates(True), [("x11", why)]
        return linux_candidates(False), []
    elif sys.platform == "win32":
        return ["windows"], []
    elif sys.platform == "darwin":
        return ["macos"], []
    else:  # an explicit else: mypy --platform X then skips the dead branch quietly
        # Translators: {platform} is the operating system's name as Python gives it ("freebsd")
        why = _("no idle source is implemented yet on {platform}").format(platform=sys.platform)
        return [], [("idle", why)]


def _missing_module(exc: ImportError) -> str:
    return _("a required module is missing ({error})").format(error=exc)


def probe_idle_sources() -> list[tuple[str, IdleSource | None, str]]:
    """Build every idle source of this platform, for `doctor`: (name, source or None, why not).

    The caller closes the sources it gets. Unlike `select_idle_source`, it does not stop at
    the first that works, and it ignores the override.
    """
    names, skipped = _platform_candidates()
    found: list[tuple[str, IdleSource | None, str]] = []
    for name in names:
        try:
            found.append((name, _FACTORIES[name](), ""))
        except IdleSourceUnavailable as exc:
            found.append((name, None, str(exc)))
        except ImportError as exc:
            found.append((name, None, _missing_module(exc)))
    return found + [(name, None, why) for name, why in skipped]


def select_idle_source(override: str | None = None) -> tuple[IdleSource, list[str]]:
    """Build the first idle source that works here, and say why the others did not.

    Args:
        override: A source name to use instead of the platform's choice; None reads
            $POSTURE_GUARD_IDLE, and an empty value means no override. An unknown name is
            reported in the reasons and the platform's choice is used.

    Returns:
        The source (`NoIdleSource` when nothing else works) and a list of human-readable
        reasons, one per source not chosen, e.g. ["x11: no DISPLAY set"]; empty when the
        first choice worked.
    """
    reasons: list[str] = []
    platform_names, skipped = _platform_candidates()
    notes = [f"{name}: {why}" for name, why in skipped]
    wanted = override if override is not None else os.environ.get(ENV_OVERRIDE, "")
    wanted = wanted.strip().lower()
    origin = "override" if override is not None else ENV_OVERRIDE
    if wanted and wanted not in _FACTORIES:
        known = ", ".join(_FACTORIES)
        # Translators: {origin} is where the name came from (POSTURE_GUARD_IDLE or
        # "override"), {name} the unknown name, {known} the names that exist, comma-separated
        unknown = _("unknown idle source {name!r} (known: {known})").format(
            name=wanted, known=known
        )
        reasons.append(f"{origin}: {unknown}")
        wanted = ""
    if wanted:
        candidates = [wanted]
        # Translators: a source not tried; {origin} is POSTURE_GUARD_IDLE or "override",
        # {name} the source it asks for
        skip = _("skipped, {origin} asks for {name!r}").format(origin=origin, name=wanted)
        reasons.extend(f"{n}: {skip}" for n in platform_names if n != wanted)
    else:
        candidates = platform_names
        reasons.extend(notes)

    for name in candidates:
        if name == "none":
            break
        try:
            return _FACTORIES[name](), reasons
        except IdleSourceUnavailable as exc:
            reasons.append(f"{name}: {exc}")
        except ImportError as exc:
            reasons.append(f"{name}: {_missing_module(exc)}")
    return _make_none(), reasons
