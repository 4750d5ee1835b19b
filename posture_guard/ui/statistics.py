"""The statistics window: `python -m posture_guard.ui.statistics [--config FILE]` (a process of
its own; the tray's Statistics… and `posture-guard stats --window` start it).

Rule 1: the figures are the ones `posture-guard stats` prints (app/stats.py `summaries`: today,
        the last 7 and the last 30 working days); what the window says is core/statistics.py,
        drawn by GTK 3 where `desktop.toolkit.choose()` finds it and by Tk elsewhere, in the
        language installed first.
Rule 2: it only reads the store; Close or Esc closes it. When it cannot be drawn it prints the
        `stats` text instead and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from posture_guard.app import diary, stats
from posture_guard.app.managed import load_effective
from posture_guard.core import statistics
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.form_view import Look
from posture_guard.core.i18n import _
from posture_guard.desktop import language, toolkit
from posture_guard.desktop.clock import local_zone
from posture_guard.desktop.look import high_contrast_wanted, scale_wanted
from posture_guard.desktop.paths import default_paths


def show(window: statistics.StatisticsWindow, look: Look, scale: float | None) -> str:
    """Draw the window with the chosen toolkit until it closes; "" or why it could not."""
    if toolkit.choose().toolkit == "gtk":
        from posture_guard.ui import form_gtk  # noqa: PLC0415 - GTK only when chosen

        try:
            form_gtk.show_statistics(window, look, scale=scale)
        except RuntimeError as exc:
            return str(exc)
        return ""
    import tkinter  # noqa: PLC0415 - Tk only when chosen

    from posture_guard.ui import form_tk  # noqa: PLC0415

    try:
        form_tk.show_statistics(window, look, scale=scale or scale_wanted())
    except tkinter.TclError as exc:
        return str(exc)
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Show the statistics until the window closes; 0, or 1 when it could not be shown."""
    language.install()
    parser = argparse.ArgumentParser(
        prog="python -m posture_guard.ui.statistics",
        description=_("Posture Guard's statistics: today, the last 7 and the last 30 days."),
    )
    parser.add_argument("--config", type=Path)
    parser.add_argument("--scale", type=float, help=_("2 = 200 %% (default: the desktop's)"))
    args = parser.parse_args(argv)
    paths = default_paths(config_file=args.config)
    settings = load_effective(paths).settings
    day_starts_at = settings.timer.day_starts_at
    zone = local_zone() or datetime.now().astimezone().tzinfo
    now = datetime.now(zone).replace(microsecond=0)
    branding = settings.branding
    look = Look.of(
        high_contrast=high_contrast_wanted(),
        accent=branding.accent_colour,
        organisation=branding.organisation or "",
    )
    try:
        with diary.open_store(paths) as store:
            found = stats.summaries(store, now, day_starts_at, statistics.PERIODS)
    except PostureGuardError as exc:
        print(f"posture-guard statistics: {exc}", file=sys.stderr)
        return 1
    problem = show(statistics.statistics_window(found, look=look), look, args.scale)
    if problem:
        print(
            "posture-guard statistics: "
            + _("cannot open a window: {problem}").format(problem=problem),
            file=sys.stderr,
        )
        with diary.open_store(paths) as store:  # the same figures, as `stats` prints them
            print(stats.stats_text(store, now, day_starts_at, 7))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
