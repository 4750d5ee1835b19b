"""`posture-guard doctor`: which idle, busy, notification and tray backends work here, and why
the others do not. One line per backend; never fails (a probe that raises is a line too).

Probing builds each backend, asks it once and closes it. pystray is never imported (with no
display it raises at import, G9 in DESKTOP-TESTING.md); its backends' needs are checked one by
one instead.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from posture_guard.desktop.busy import probe_busy_sources
from posture_guard.desktop.dbus import DBusError, session_bus
from posture_guard.desktop.idle import ENV_OVERRIDE, probe_idle_sources, select_idle_source
from posture_guard.desktop.notify import select_notifier
from posture_guard.desktop.xconn import XUnavailable, close_quietly, open_display
from posture_guard.traymodel import HOW_TO_GET_THE_FULL_TRAY

SNI_WATCHER: Final = "org.kde.StatusNotifierWatcher"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One backend: does it work here, and what it said (or why not)."""

    area: str  # "idle", "busy", "notify", "tray"
    name: str
    works: bool
    detail: str
    used: bool = False


def format_report(findings: list[Finding], hints: list[str]) -> str:
    """The report: a header, one aligned line per backend, then hints."""
    width = max((len(f.name) for f in findings), default=0)
    lines = [f"Posture Guard doctor: {sys.platform}, Python {platform.python_version()}"]
    for f in findings:
        verdict = "ok  " if f.works else "no  "
        used = "  [used]" if f.used else ""
        lines.append(f"{f.area:<6} {f.name:<{width}}  {verdict}{f.detail}{used}")
    lines += [f"hint: {h}" for h in hints]
    return "\n".join(lines)


def diagnose() -> tuple[list[Finding], list[str]]:
    """Probe every backend; the findings and the hints for what is missing. Never raises."""
    findings: list[Finding] = []
    hints: list[str] = []
    for area, probe in (
        ("idle", _idle),
        ("busy", _busy),
        ("notify", _notify),
        ("tray", _tray),
    ):
        try:
            found, hint = probe()
        except Exception as exc:  # a probe bug must not hide the other findings
            found, hint = (
                [Finding(area=area, name="?", works=False, detail=f"probe failed: {exc!r}")],
                [],
            )
        findings += found
        hints += hint
    return findings, hints


def _idle() -> tuple[list[Finding], list[str]]:
    chosen, _ = select_idle_source()
    used = chosen.name
    chosen.close()
    findings = []
    for name, source, why in probe_idle_sources():
        if source is None:
            findings.append(Finding(area="idle", name=name, works=False, detail=why))
            continue
        idle = source.idle_seconds()
        source.close()
        detail = f"{idle:.1f} s since the last input" if idle is not None else "answers None now"
        findings.append(
            Finding(
                area="idle", name=name, works=idle is not None, detail=detail, used=name == used
            )
        )
    override = os.environ.get(ENV_OVERRIDE, "").strip()
    findings.append(
        Finding(
            area="idle",
            name="none",
            works=True,
            detail="counts all time as active (the last resort)"
            + (f"; ${ENV_OVERRIDE}={override}" if override else ""),
            used=used == "none",
        )
    )
    return findings, []


def _busy() -> tuple[list[Finding], list[str]]:
    findings = []
    for name, source, why in probe_busy_sources():
        if source is None:
            findings.append(Finding(area="busy", name=name, works=False, detail=why))
            continue
        reason = source.busy_reason()
        via = getattr(source, "via", None)
        source.close()
        now = f"busy now: {reason}" if reason else "not busy now"
        detail = f"{now} (via {via})" if via else now
        findings.append(Finding(area="busy", name=name, works=True, detail=detail, used=True))
    return findings, []


def _notify() -> tuple[list[Finding], list[str]]:
    notifier, reasons = select_notifier()
    findings = [
        Finding(
            area="notify", name=r.split(":", 1)[0], works=False, detail=r.split(":", 1)[1].strip()
        )
        for r in reasons
    ]
    if not reasons:
        findings.append(
            Finding(
                area="notify",
                name="plyer",
                works=True,
                detail="a notification service answers",
                used=True,
            )
        )
    findings.append(
        Finding(
            area="notify",
            name="terminal",
            works=True,
            detail="prints notices where `posture-guard run` runs"
            + (" (the fallback)" if notifier.name != "terminal" else ""),
            used=notifier.name == "terminal",
        )
    )
    return findings, []


def _tray() -> tuple[list[Finding], list[str]]:
    if sys.platform == "linux":
        return _linux_tray()
    else:
        native = Finding(
            area="tray",
            name=sys.platform,
            works=importlib.util.find_spec("pystray") is not None,
            detail="pystray's native backend (menu included)",
            used=True,
        )
        return [native], []


def _linux_tray() -> tuple[list[Finding], list[str]]:
    display, tray_owner = _x_tray()
    bus_problem, watcher = _sni_watcher()
    gi_problem = _gi_problem("AyatanaAppIndicator3", "0.1")
    gtk_problem = _gi_problem("Gtk", "3.0")
    checks: list[tuple[str, list[str], str]] = []

    appindicator = [p for p in (gi_problem, bus_problem, display) if p]
    if not appindicator and not watcher and tray_owner:
        appindicator.append(tray_owner)
    checks.append(
        (
            "appindicator",
            appindicator,
            "menu on click; "
            + (
                "a StatusNotifierItem host"
                if watcher
                else "an XEmbed tray (no StatusNotifierWatcher)"
            ),
        )
    )
    gtk = [p for p in (gtk_problem, bus_problem, display, tray_owner) if p]
    checks.append(("gtk", gtk, "menu on right click, in the XEmbed tray"))
    xorg = [p for p in (display, tray_owner) if p]
    if importlib.util.find_spec("Xlib") is None:
        xorg.insert(0, "python-xlib is not installed")
    checks.append(("xorg", xorg, "icon only: no menu; a left click opens Posture Guard's own menu"))

    pinned = os.environ.get("PYSTRAY_BACKEND", "")
    first_working = next((name for name, problems, _ in checks if not problems), None)
    used = pinned or first_working
    findings = [
        Finding(
            area="tray",
            name=name,
            works=not problems,
            detail=("; ".join(problems) if problems else works_text)
            + (" (PYSTRAY_BACKEND)" if pinned == name else ""),
            used=name == used,
        )
        for name, problems, works_text in checks
    ]
    if used is None:
        findings.append(
            Finding(
                area="tray",
                name="headless",
                works=True,
                detail="no tray: `posture-guard run` runs without one, prompts in the terminal",
                used=True,
            )
        )
    if importlib.util.find_spec("pystray") is None:
        findings.insert(
            0, Finding(area="tray", name="pystray", works=False, detail="not installed")
        )
    hints = [] if gi_problem is None else [HOW_TO_GET_THE_FULL_TRAY]
    return findings, hints


def _x_tray() -> tuple[str | None, str | None]:
    """(why there is no display, why there is no XEmbed tray); None where all is well."""
    try:
        name, conn = open_display()
    except XUnavailable as exc:
        return str(exc), None
    except ImportError:
        return "python-xlib is not installed", None
    try:
        screen = conn.get_default_screen()
        selection = conn.intern_atom(f"_NET_SYSTEM_TRAY_S{screen}")
        owner = conn.get_selection_owner(selection)
        owned = bool(owner) and getattr(owner, "id", owner) not in (0, None)
        return (
            None,
            None
            if owned
            else f"no system tray on {name} (nothing owns _NET_SYSTEM_TRAY_S{screen})",
        )
    finally:
        close_quietly(conn)


def _sni_watcher() -> tuple[str | None, bool]:
    """(why there is no usable session bus, whether a StatusNotifierWatcher runs)."""
    try:
        bus = session_bus()
    except (DBusError, ImportError) as exc:
        return str(exc), False
    try:
        return None, bus.has_owner(SNI_WATCHER)
    except DBusError as exc:
        return str(exc), False
    finally:
        bus.close()


def _gi_problem(namespace: str, version: str) -> str | None:
    """Why PyGObject cannot load `namespace` `version` (the typelib is checked, not loaded)."""
    if importlib.util.find_spec("gi") is None:
        return "PyGObject (gi) is not installed"
    gi = importlib.import_module("gi")  # optional, untyped: looked up by name
    require: Callable[[str, str], None] = gi.require_version
    try:
        require(namespace, version)
    except ValueError as exc:
        return f"{namespace} {version} typelib missing ({exc})"
    return None
