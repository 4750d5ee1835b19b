"""`posture-guard doctor`: which idle, busy, notification and tray backends work here, and why
the others do not. One line per backend; never fails (a probe that raises is a line too).

Probing builds each backend, asks it once and closes it. The tray is probed the way `run`
chooses it (tray.probe_tray_backends: one truth for which backend `run` would use and why not
the others); that imports pystray once per backend, and never without a display (G9 in
DESKTOP-TESTING.md).
"""

from __future__ import annotations

import importlib.util
import os
import platform
from dataclasses import dataclass
from typing import Final

from posture_guard.core.i18n import _
from posture_guard.core.traymodel import HOW_TO_GET_THE_FULL_TRAY
from posture_guard.core.wording import IDLE_UNSEEN
from posture_guard.desktop.busy import probe_busy_sources
from posture_guard.desktop.dbus import DBusError, session_bus
from posture_guard.desktop.display import platform_name
from posture_guard.desktop.idle import ENV_OVERRIDE, probe_idle_sources, select_idle_source
from posture_guard.desktop.notify import select_notifier
from posture_guard.desktop.tray_backends import tray_backends

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
    lines = [f"Posture Guard doctor: {platform_name()}, Python {platform.python_version()}"]
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
    chosen, _reasons = select_idle_source()
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
        detail = getattr(source, "detail", detail)  # a Wayland source: how it tells idle time
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
            detail=(
                _(IDLE_UNSEEN) if used == "none" else "counts all time as active (the last resort)"
            )
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
    """One line per backend, as `run` would find them (tray.probe_tray_backends), with where
    a working one would show; headless when `run` would use none."""
    from posture_guard.ui.tray import probe_tray_backends  # noqa: PLC0415 - doctor only

    findings = []
    if importlib.util.find_spec("pystray") is None:
        findings.append(Finding(area="tray", name="pystray", works=False, detail="not installed"))
    probe = probe_tray_backends()
    works = None in probe.problems.values()
    hosts = _tray_hosts() if tray_backends().needs_tray_host and works else {}
    for name, problem in probe.problems.items():
        detail = problem if problem is not None else hosts.get(name, _NATIVE)
        findings.append(
            Finding(
                area="tray",
                name=name,
                works=problem is None,
                detail=detail + (" (PYSTRAY_BACKEND)" if probe.pinned == name else ""),
                used=name == probe.used,
            )
        )
    if probe.used is None:
        findings.append(
            Finding(
                area="tray",
                name="headless",
                works=True,
                detail="no tray: `posture-guard run` runs without one, prompts in the terminal",
                used=True,
            )
        )
    return findings, [HOW_TO_GET_THE_FULL_TRAY] if probe.full_tray_needs_install else []


_NATIVE: Final = "pystray's native backend (menu included)"


def _tray_hosts() -> dict[str, str]:
    """What each backend that needs a tray host would show in, for the line of one that works."""
    from posture_guard.ui.tray import tray_host_problem  # noqa: PLC0415 - doctor only

    docked = tray_host_problem() is None  # the very check `run` makes before docking
    xembed = "" if docked else "; no tray host yet: the icon shows when one starts"
    if _sni_watcher():
        where = "a StatusNotifierItem host"
    elif docked:
        where = "an XEmbed tray (no StatusNotifierWatcher)"
    else:
        where = (
            "no tray host yet (no StatusNotifierWatcher, no XEmbed tray): it shows when one starts"
        )
    return {
        "appindicator": f"menu on click; {where}",
        "gtk": f"menu on right click, in the XEmbed tray{xembed}",
        "xorg": f"icon only: no menu; a left click opens Posture Guard's own menu{xembed}",
    }


def _sni_watcher() -> bool:
    """Whether a StatusNotifierWatcher runs on the session bus (False when there is none)."""
    try:
        bus = session_bus()
    except (DBusError, ImportError):
        return False
    try:
        return bus.has_owner(SNI_WATCHER)
    except DBusError:
        return False
    finally:
        bus.close()
