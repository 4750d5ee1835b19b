"""The break window: `python -m posture_guard.ui.break_window` (its own process; GTK 3 or Tk,
as desktop/toolkit.py chooses; ui/break_gtk.py and ui/break_tk.py draw core/break_view.py).

Input: a `BreakScreen` as JSON on stdin (`--stdin`), or as arguments (`--kind --title --seconds
--exercise ID ...`). Output: JSON lines on stdout, as breakflow.py's Rule 1 says: at most one
`{"event": "started"}`, then exactly one `{"outcome": ..., "countdown_done": ...}`; exit 0.
A bad argument is one line on stderr and exit 2.

How it behaves (the decisions are in break_view.py and breakflow.py; this is the shell):
- It covers every monitor (one window each; the first shows the exercise, the others a calm
  cover with the countdown), above other windows.
- It never takes the keyboard, nor hides their work, while the user types: it first shows a
  small corner notice (bottom right of the main monitor; a "splash" window, which window
  managers map without focus) with Start now and Postpone for the mouse. Once the user has not
  typed for `--focus-after-idle` seconds (default 3), or clicks Start now, the notice goes and
  the full windows come, take the focus and start the countdown; when the user is idle already
  there is no notice (by its own idle reading, or `--idle-at-prompt`, the service's at the
  prompt: a source that has just started may not see idle time yet). When idle time cannot be read, the full windows come after `--notice`
  seconds without taking the focus.
- Keys: Enter = Start before the countdown, Done once it has finished (whatever button has the
  focus, like a dialog's default button); Esc = Postpone (when allowed); Tab / Shift+Tab move
  between the buttons, whose focus ring is drawn thick; Space presses the focused one.
- Closing a window reports "closed" (breakflow.commands_for_line decides what that means).
- After the countdown it waits for Done; if nobody answers for `--linger` seconds (default 60)
  it closes as taken.
- Scale: `--scale`, else POSTURE_GUARD_SCALE, else GDK_SCALE, is the whole scale (2 = 200 %).
  Tk sets its scaling to it; GTK applies GDK_SCALE to its windows itself, and our sizes and
  fonts carry the rest (`--scale 2` without GDK_SCALE: fonts and sizes doubled).
  High contrast: `--high-contrast on|off|auto` (auto follows the desktop; look.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field, replace

from PIL import Image

from posture_guard.art.exercises import DRAWINGS, draw
from posture_guard.art.pose import CALM, HIGH_CONTRAST
from posture_guard.core.break_view import NOTICE_SUFFIX, TITLE_SUFFIX, Timing
from posture_guard.core.breakflow import DEFAULT_ACCENT, BreakScreen, ScreenError
from posture_guard.core.exercises import load_catalogue
from posture_guard.core.i18n import _
from posture_guard.desktop.monitors import Monitor, parse_monitors

__all__ = ["NOTICE_SUFFIX", "TITLE_SUFFIX", "Options", "main"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Options:
    """How to show the break (the command line's choices, resolved)."""

    high_contrast: bool = False
    #: 2.0 = 200 %; None = the desktop's own.
    scale: float | None = None
    timing: Timing = field(default_factory=Timing)
    #: The monitors to cover; [] = ask the desktop.
    monitors: list[Monitor] = field(default_factory=list)
    single_monitor: bool = False
    #: Seconds without input as the service read them at the prompt (None: not given).
    prompted_idle_s: float | None = None


def emit(line: dict[str, object]) -> None:
    """Write one JSON line on stdout at once (the parent reads it line by line)."""
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def logo_picture(path: str, height: int) -> Image.Image | None:
    """The organisation's logo scaled to `height` pixels (at most 4 times as wide), or None
    with one log line when it cannot be read: the break goes on without it."""
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("break window: logo %s skipped: %s", path, exc)
        return None
    image.thumbnail((height * 4, height))
    return image


def exercise_picture(
    exercise_id: str, width: int, *, high_contrast: bool, picture: str = ""
) -> Image.Image | None:
    """The exercise's picture `width` pixels wide: the clinic's own (`picture`, a PNG file,
    scaled to the width) or our drawing of `exercise_id`; None when it has none, or the
    clinic's cannot be read (one log line: the break goes on without it)."""
    if picture:
        try:
            with Image.open(picture, formats=("PNG",)) as opened:
                image = opened.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            log.warning("break window: picture %s skipped: %s", picture, exc)
            return None
        height = max(1, round(image.height * width / max(1, image.width)))
        return image.resize((width, height), Image.Resampling.LANCZOS)
    if exercise_id not in DRAWINGS:
        return None
    return draw(exercise_id, width, HIGH_CONTRAST if high_contrast else CALM)


# --- command line --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m posture_guard.ui.break_window",
        description="Show one break on every monitor and print its outcome as JSON.",
    )
    p.add_argument("--stdin", action="store_true", help="read the break screen as JSON on stdin")
    p.add_argument("--kind", help="break kind, e.g. stretch")
    p.add_argument("--title", help='shown title, e.g. "Stretch break"')
    p.add_argument("--seconds", type=int, help="length of the countdown")
    p.add_argument("--exercise", default="", help="exercise id from the catalogue")
    p.add_argument("--no-skip", action="store_true", help="hide Skip (strict mode)")
    p.add_argument("--no-postpone", action="store_true", help="hide Postpone")
    p.add_argument("--accent", default=DEFAULT_ACCENT, help="accent colour, #RRGGBB")
    p.add_argument("--organisation", default="", help="organisation name shown on top")
    p.add_argument("--logo", default="", metavar="PNG", help="organisation logo shown on top")
    p.add_argument("--scale", type=float, help="2 = 200 %% (default: the desktop's)")
    p.add_argument("--high-contrast", choices=("auto", "on", "off"), default="auto")
    p.add_argument("--focus-after-idle", type=float, default=3.0, metavar="SECONDS")
    p.add_argument("--notice", type=float, default=10.0, metavar="SECONDS")
    p.add_argument("--linger", type=float, default=60.0, metavar="SECONDS")
    p.add_argument(
        "--idle-at-prompt",
        type=float,
        metavar="SECONDS",
        help="how long the user had not typed when the break was prompted (the service's "
        "reading): idle already, the break starts without the notice",
    )
    p.add_argument("--single-monitor", action="store_true", help="cover the first monitor only")
    p.add_argument(
        "--monitors", metavar="WxH+X+Y,...", help="the monitors to cover (default: ask X)"
    )
    return p


def screen_from_args(args: argparse.Namespace, stdin_text: str | None) -> BreakScreen:
    """The BreakScreen from stdin JSON or the arguments.

    Raises:
        ScreenError: one line saying what is wrong.
    """
    if args.stdin:
        try:
            data = json.loads(stdin_text or "")
        except ValueError as exc:
            raise ScreenError(f"stdin: expected a JSON object, got invalid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise ScreenError(f"stdin: expected a JSON object, got {type(data).__name__}")
        return BreakScreen.from_mapping(data, "stdin")
    given: dict[str, object] = {
        key: value
        for key, value in (("kind", args.kind), ("title", args.title), ("seconds", args.seconds))
        if value is not None
    }
    if args.exercise:
        try:
            exercise = load_catalogue().exercise(args.exercise)
        except KeyError:
            raise ScreenError(
                f"--exercise: no exercise {args.exercise!r} in the catalogue"
            ) from None
        given.update(
            exercise_id=exercise.id,
            exercise_name=_(exercise.name),
            steps=[_(step) for step in exercise.steps],
            hold=_(exercise.hold_reps),
        )
    given.update(
        allow_skip=not args.no_skip,
        allow_postpone=not args.no_postpone,
        accent=args.accent,
        organisation=args.organisation,
        logo=args.logo,
    )
    return BreakScreen.from_mapping(given, "arguments")


def main(argv: list[str] | None = None) -> int:
    from posture_guard.desktop.language import install  # noqa: PLC0415 - sets the process's

    install()
    args = _parser().parse_args(argv)
    try:
        screen = screen_from_args(args, sys.stdin.read() if args.stdin else None)
        where = parse_monitors(args.monitors) if args.monitors else []
    except (ScreenError, ValueError) as exc:
        print(f"break window: {exc}", file=sys.stderr)
        return 2
    from posture_guard.desktop.idle import select_idle_source  # noqa: PLC0415 - needs X
    from posture_guard.desktop.look import high_contrast_wanted, scale_wanted  # noqa: PLC0415
    from posture_guard.desktop.toolkit import choose  # noqa: PLC0415

    options = Options(
        high_contrast=args.high_contrast == "on"
        or (args.high_contrast == "auto" and high_contrast_wanted()),
        scale=args.scale,
        timing=Timing(args.focus_after_idle, args.notice, args.linger),
        monitors=where,
        single_monitor=args.single_monitor,
        prompted_idle_s=args.idle_at_prompt,
    )
    idle, _reasons = select_idle_source()
    try:
        if choose().toolkit == "gtk":
            from posture_guard.ui import break_gtk  # noqa: PLC0415 - loads GTK

            return break_gtk.run(screen, replace_scale(options, scale_wanted()), idle)
        from posture_guard.ui import break_tk  # noqa: PLC0415 - loads Tk

        return break_tk.run(screen, replace_scale(options, scale_wanted()), idle)
    finally:
        idle.close()


def replace_scale(options: Options, desktop: float | None) -> Options:
    """`options` with the desktop's scale where the command line gave none."""
    return options if options.scale else replace(options, scale=desktop)


if __name__ == "__main__":
    raise SystemExit(main())
