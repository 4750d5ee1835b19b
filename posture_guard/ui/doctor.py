"""`posture-guard doctor`: which idle, busy, notification, sound and tray backends work here,
and why the others do not. One line per backend; never fails (a probe that raises is a line too).

Probing builds each backend, asks it once and closes it. The tray is probed the way `run`
chooses it (tray.probe_tray_backends: one truth for which backend `run` would use and why not
the others); that imports pystray once per backend, and never without a display (pystray can
raise at import time then: tests/desktop/README.md).

The words are in the reader's language (core/i18n.py), looked up when the report is made; the
areas' and backends' names, paths and environment variables are data, shown as written. The
second line says which toolkit draws the windows (desktop/toolkit.py `limits`).
"""

from __future__ import annotations

import importlib.util
import os
import platform
from dataclasses import dataclass
from typing import Final

from posture_guard.core.i18n import N_, _, pgettext
from posture_guard.core.localeforms import format_number
from posture_guard.core.traymodel import HOW_TO_GET_THE_FULL_TRAY
from posture_guard.core.wording import IDLE_UNSEEN
from posture_guard.desktop.busy import probe_busy_sources
from posture_guard.desktop.display import platform_name
from posture_guard.desktop.idle import ENV_OVERRIDE, probe_idle_sources, select_idle_source
from posture_guard.desktop.notify import FallbackNotifier, select_notifier
from posture_guard.desktop.paths import default_paths
from posture_guard.desktop.sound import describe, select_chime
from posture_guard.desktop.toolkit import choose, limits
from posture_guard.desktop.tray_backends import tray_backends


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One backend: does it work here, and what it said (or why not)."""

    area: str  # "idle", "busy", "notify", "sound", "tray"
    name: str
    works: bool
    detail: str
    used: bool = False


def format_report(findings: list[Finding], hints: list[str], windows: str | None = None) -> str:
    """The report: a header, the windows' toolkit line (`windows`; by default what
    toolkit.limits says of the toolkit chosen here), one aligned line per backend, then hints.

    The area and backend names stay as written (they are names, as the log says them); the
    verdicts, details and hints are in the language in use.
    """
    width = max((len(f.name) for f in findings), default=0)
    # Translators: the report's first line; {platform} is the OS ("linux"), {python} a version
    lines = [
        _("Posture Guard doctor: {platform}, Python {python}").format(
            platform=platform_name(), python=platform.python_version()
        ),
        windows if windows is not None else limits(choose()),
    ]
    # Translators: the verdicts of the report's lines (a backend works here or not); keep them
    # short: the lines are aligned after them
    verdicts = {True: pgettext("doctor", "ok"), False: pgettext("doctor", "no")}
    verdict_width = max(len(v) for v in verdicts.values()) + 2
    for f in findings:
        verdict = verdicts[f.works].ljust(verdict_width)
        # Translators: marks the backend Posture Guard uses, at the end of its line
        used = "  " + pgettext("doctor", "[used]") if f.used else ""
        lines.append(f"{f.area:<6} {f.name:<{width}}  {verdict}{f.detail}{used}")
    # Translators: before a hint at the end of the report ("hint: install ...")
    lines += [_("hint: {hint}").format(hint=_(h)) for h in hints]
    return "\n".join(lines)


def diagnose() -> tuple[list[Finding], list[str]]:
    """Probe every backend; the findings and the hints for what is missing. Never raises."""
    findings: list[Finding] = []
    hints: list[str] = []
    for area, probe in (
        ("idle", _idle),
        ("busy", _busy),
        ("notify", _notify),
        ("sound", _sound),
        ("tray", _tray),
    ):
        try:
            found, hint = probe()
        except Exception as exc:  # a probe bug must not hide the other findings
            detail = _("probe failed: {error}").format(error=repr(exc))
            found, hint = ([Finding(area=area, name="?", works=False, detail=detail)], [])
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
        detail = (
            # Translators: {seconds} is a number of seconds ("12.5")
            _("{seconds} s since the last input").format(seconds=format_number(idle, 1))
            if idle is not None
            else _("answers no idle time now")
        )
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
                _(IDLE_UNSEEN)
                if used == "none"
                else _("counts all time as active (the last resort)")
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
        # Translators: {reason} says why ("a call", "a fullscreen window")
        now = _("busy now: {reason}").format(reason=reason) if reason else _("not busy now")
        # Translators: {how} is how it tells: a name ("logind") or a path ("/proc/*/fd")
        detail = _("{state} (via {how})").format(state=now, how=via) if via else now
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
                name=notifier.primary.name
                if isinstance(notifier, FallbackNotifier)
                else notifier.name,
                works=True,
                detail=_("a notification service answers"),
                used=True,
            )
        )
    findings.append(
        Finding(
            area="notify",
            name="terminal",
            works=True,
            detail=(
                _("prints notices where `posture-guard run` runs (the fallback)")
                if notifier.name != "terminal"
                else _("prints notices where `posture-guard run` runs")
            ),
            used=notifier.name == "terminal",
        )
    )
    return findings, []


def _sound() -> tuple[list[Finding], list[str]]:
    """The player of the break's sounds `run` would use, where the sounds come from and
    whether the desktop is muted now; or why there is none."""
    chime, reasons = select_chime(default_paths().sounds_dir)
    try:
        if reasons:
            return [Finding(area="sound", name=chime.name, works=False, detail=reasons[0])], []
        detail = describe(chime)
        return [Finding(area="sound", name=chime.name, works=True, detail=detail, used=True)], []
    finally:
        chime.close()


def _tray() -> tuple[list[Finding], list[str]]:
    """One line per backend, as `run` would find them (tray.probe_tray_backends), with where
    a working one would show; headless when `run` would use none."""
    from posture_guard.ui.tray import probe_tray_backends  # noqa: PLC0415 - doctor only

    findings = []
    if importlib.util.find_spec("pystray") is None:
        findings.append(
            Finding(area="tray", name="pystray", works=False, detail=_("not installed"))
        )
    probe = probe_tray_backends()
    works = None in probe.problems.values()
    hosts = _tray_hosts() if tray_backends().needs_tray_host and works else {}
    for name, problem in probe.problems.items():
        detail = problem if problem is not None else hosts.get(name) or _(_NATIVE)
        findings.append(
            Finding(
                area="tray",
                name=name,
                works=problem is None,
                detail=detail + (f" ({probe.pinned_by})" if probe.pinned == name else ""),
                used=name == probe.used,
            )
        )
    if probe.used is None:
        findings.append(
            Finding(
                area="tray",
                name="headless",
                works=True,
                detail=_("no tray: `posture-guard run` runs without one, prompts in the terminal"),
                used=True,
            )
        )
    return findings, [HOW_TO_GET_THE_FULL_TRAY] if probe.full_tray_needs_host else []


_NATIVE: Final = N_("pystray's native backend (menu included)")


def _tray_hosts() -> dict[str, str]:
    """What each backend that needs a tray host would show in, for the line of one that works."""
    from posture_guard.ui.tray import sni_watcher_present, tray_host_problem  # noqa: PLC0415

    docked = tray_host_problem() is None  # the very check `run` makes before docking
    # StatusNotifierItem, StatusNotifierWatcher and XEmbed are the protocols' names
    if sni_watcher_present():
        where = _("a StatusNotifierItem host")
    elif docked:
        where = _("an XEmbed tray (no StatusNotifierWatcher)")
    else:
        where = _(
            "no tray host yet (no StatusNotifierWatcher, no XEmbed tray): it shows when one starts"
        )
    if docked:
        gtk = _("menu on right click, in the XEmbed tray")
        xorg = _("icon only: no menu; a left click opens Posture Guard's own menu")
    else:
        gtk = _(
            "menu on right click, in the XEmbed tray; no tray host yet: the icon shows when "
            "one starts"
        )
        xorg = _(
            "icon only: no menu; a left click opens Posture Guard's own menu; no tray host yet: "
            "the icon shows when one starts"
        )
    # Translators: {where} is where the icon shows ("a StatusNotifierItem host")
    return {
        "sni": _("menu on click, without GTK; {where}").format(where=where),
        "appindicator": _("menu on click; {where}").format(where=where),
        "gtk": gtk,
        "xorg": xorg,
    }
