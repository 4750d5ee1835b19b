"""Small read-only windows the tray opens, each in its own process: advice, settings, about.

`python -m posture_guard.ui.info_window advice|settings|about [--config FILE]`

- advice: the latest check-in read against the diary now (`diary.current_advice`), with a button
  that opens the clinic's booking link when the advice offers one.
- settings: opens the user config file with the desktop's opener (created with a comment line if
  missing) and shows what `posture-guard config show` prints: every value and where it came from.
- about: the version, what the app does, and where its files are.
What each window says is its description (core/form_view.py: `advice_window`, `settings_window`,
`about_window`), drawn by GTK 3 where `desktop.toolkit.choose()` finds it and by Tk elsewhere
(ui/form_gtk.py, ui/form_tk.py); the language is installed first.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from posture_guard import __version__
from posture_guard.app.managed import load_effective
from posture_guard.core import form_view
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.i18n import _, ngettext
from posture_guard.core.localeforms import format_number
from posture_guard.core.settings import Settings
from posture_guard.desktop import language, toolkit
from posture_guard.desktop.files import write_file
from posture_guard.desktop.look import high_contrast_wanted, scale_wanted
from posture_guard.desktop.paths import Paths, default_paths, ensure_private_dir
from posture_guard.desktop.programs import open_with_default_app
from posture_guard.ui.launch import Launcher

#: The class of the window (WM_CLASS), for window managers and tests.
WINDOW_CLASS = "PostureGuardInfo"
#: How long `config show` may take before the window says it did not answer.
SETTINGS_TIMEOUT_S = 30.0


def config_header() -> str:
    """The comment a new config file starts with, in the reader's language (TOML comments)."""
    # Translators: the first lines of a new settings file. Keep {command} and {examples} as
    # they are (they are typed); a line break here starts a new comment line in the file
    text = _(
        "Posture Guard settings: see `{command}` for every key and its value,\n"
        "and the README's Configuration section. Durations: {examples}."
    ).format(command="posture-guard config show", examples="20s, 45m, 1h30m")
    return "".join(f"# {line}\n" for line in text.splitlines())


def advice_text(paths: Paths, now: datetime) -> tuple[str | None, str | None, str, bool]:
    """The advice as `posture-guard advice` prints it (None: no check-in yet) in a window's
    words, the booking link it offers (or None), its banner (form_view.advice_alert; "" for
    none), and whether it asks for a clinic to be added."""
    from posture_guard.app import diary  # noqa: PLC0415 - only this window needs the diary

    fallback = diary.org_clinic(load_effective(paths).settings)  # the organisation's clinic
    with diary.open_store(paths) as store:
        found = diary.current_advice(store, now, fallback=fallback)
    if found is None:
        return None, None, "", False
    stored, advice = found
    alert = form_view.advice_alert(advice.tier, advice.what_to_do)
    text = diary.advice_text(advice, stored, in_window=True)
    return text, advice.booking_url, alert, advice.add_clinic is not None


def open_link(url: str) -> bool:
    """Hand the booking link to the browser in its plain form (app/diary.open_link)."""
    from posture_guard.app import diary  # noqa: PLC0415 - only this window needs the diary

    return diary.open_link(url)[0]


def settings_text(paths: Paths, timeout: float = SETTINGS_TIMEOUT_S) -> str:
    """What `posture-guard config show` prints for this user (its errors included), or one
    line saying it did not answer within `timeout` seconds."""
    argv = [sys.executable, "-m", "posture_guard", "--config", str(paths.user_config)]
    try:
        done = subprocess.run(
            [*argv, "config", "show"], capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        seconds = math.ceil(timeout)
        return ngettext(
            "`{command}` did not answer within {seconds} second; try it in a terminal.",
            "`{command}` did not answer within {seconds} seconds; try it in a terminal.",
            seconds,
        ).format(command="posture-guard config show", seconds=format_number(seconds))
    return (done.stderr + done.stdout).strip()


def about_text(paths: Paths, settings: Settings | None = None) -> str:
    """Version, purpose, who provides it (a policy's organisation and support contact), what
    leaves this computer, and where the files are."""
    return form_view.about_text(_about(paths, settings))


def _about(paths: Paths, settings: Settings | None) -> form_view.About:
    branding = settings.branding if settings is not None else None
    return form_view.About(
        version=__version__,
        settings_file=str(paths.user_config),
        diary_file=str(paths.database),
        log_file=str(paths.log_file),
        organisation=branding.organisation if branding and branding.organisation else None,
        support_contact=branding.support_contact if branding else None,
        fleet=settings is not None and settings.fleet.directory is not None,
    )


def ensure_config_file(path: Path) -> Path:
    """Create the user config file with a comment line when it does not exist; returns it."""
    if not path.exists():
        ensure_private_dir(path.parent)  # 0700, as every folder of ours
        with contextlib.suppress(FileExistsError):  # made meanwhile: it is kept
            write_file(path, config_header().encode("utf-8"), exclusive=True)
    return path


def show(window: form_view.TextWindow, handlers: Mapping[str, Callable[[], object]]) -> str:
    """Draw `window` with the chosen toolkit until it closes; "" or why it could not."""
    look = form_view.Look.of(high_contrast=high_contrast_wanted())
    if toolkit.choose().toolkit == "gtk":
        from posture_guard.ui import form_gtk  # noqa: PLC0415 - GTK only when chosen

        try:
            form_gtk.show_text(window, handlers, look)
        except RuntimeError as exc:
            return str(exc)
        return ""
    import tkinter  # noqa: PLC0415 - Tk only when chosen

    from posture_guard.ui import form_tk  # noqa: PLC0415

    try:
        form_tk.show_text(window, handlers, look, scale=scale_wanted())
    except tkinter.TclError as exc:
        return str(exc)
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Open one info window; 0 when it closed, 1 when its content could not be read."""
    language.install()
    parser = argparse.ArgumentParser(prog="posture_guard.ui.info_window")
    parser.add_argument("what", choices=("advice", "settings", "about"))
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    paths = default_paths(config_file=args.config)
    handlers: dict[str, Callable[[], object]] = {}
    try:
        if args.what == "advice":
            now = datetime.now().astimezone().replace(microsecond=0)
            text, url, alert, no_clinic = advice_text(paths, now)
            if url is not None:
                handlers["book"] = lambda: open_link(url)
            if no_clinic:
                launcher = Launcher(config_file=args.config)
                handlers[form_view.ADD_CLINIC] = lambda: launcher.launch("settings", "--clinic")
            window = form_view.advice_window(
                text, booking=url is not None, alert=alert, add_clinic=no_clinic
            )
        elif args.what == "settings":
            config_file = ensure_config_file(paths.user_config)
            problem = open_with_default_app(config_file)
            handlers["open-again"] = lambda: open_with_default_app(config_file)
            window = form_view.settings_window(settings_text(paths), problem=problem or "")
        else:
            window = form_view.about_window(_about(paths, load_effective(paths).settings))
    except (PostureGuardError, OSError) as exc:
        print(f"posture-guard {args.what}: {exc}", file=sys.stderr)
        return 1
    problem = show(window, handlers)
    if problem:
        print(
            f"posture-guard {args.what}: "
            + _("cannot open a window: {problem}").format(problem=problem),
            file=sys.stderr,
        )
        print("\n\n".join(filter(None, (window.alert, window.text))))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
