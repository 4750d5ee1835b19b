"""The break window: `python -m posture_guard.ui.break_window` (its own Tk process).

Input: a `BreakScreen` as JSON on stdin (`--stdin`), or as arguments (`--kind --title --seconds
--exercise ID ...`). Output: JSON lines on stdout, as breakflow.py's Rule 1 says: at most one
`{"event": "started"}`, then exactly one `{"outcome": ..., "countdown_done": ...}`; exit 0.
A bad argument is one line on stderr and exit 2.

How it behaves (the decisions are in breakflow.py; this is the shell):
- It covers every monitor (one window each; the first shows the exercise, the others a calm
  cover with the countdown), above other windows.
- It never takes the keyboard, nor hides their work, while the user types: it first shows a
  small corner notice (bottom right of the main monitor; a "splash" window, which window
  managers map without focus) with Start now and Postpone for the mouse. Once the user has not
  typed for `--focus-after-idle` seconds (default 3), or clicks Start now, the notice goes and
  the full windows come, take the focus and start the countdown; when the user is idle already
  there is no notice. When idle time cannot be read, the full windows come after `--notice`
  seconds without taking the focus.
- Keys: Enter = Start before the countdown, Done once it has finished (whatever button has the
  focus, like a dialog's default button); Esc = Postpone (when allowed); Tab / Shift+Tab move
  between the buttons, whose focus ring is drawn thick; Space presses the focused one.
- Closing a window reports "closed" (breakflow.commands_for_line decides what that means).
- After the countdown it waits for Done; if nobody answers for `--linger` seconds (default 60)
  it closes as taken.
- Scale: `--scale` (or POSTURE_GUARD_SCALE / GDK_SCALE) sets Tk's scaling; 2 = 200 %.
  High contrast: `--high-contrast on|off|auto` (auto follows the desktop; look.py).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import logging
import signal
import sys
import tkinter as tk
from dataclasses import dataclass
from tkinter import font as tkfont
from types import FrameType
from typing import Final

from PIL import Image

from posture_guard.art.exercises import DRAWINGS, draw
from posture_guard.art.pose import CALM, HIGH_CONTRAST
from posture_guard.core.brand_colours import accent_use, mix
from posture_guard.core.breakflow import DEFAULT_ACCENT, BreakScreen, ScreenError
from posture_guard.core.exercises import load_catalogue
from posture_guard.core.ports import IdleSource
from posture_guard.desktop.look import high_contrast_wanted, scale_wanted
from posture_guard.desktop.monitors import Monitor, monitors, parse_monitors

log = logging.getLogger(__name__)

#: Tk's scaling at 100 %: 96 pixels per inch over 72 points per inch.
BASE_SCALING: Final = 96 / 72
TICK_MS: Final = 250
#: The corner notice's title ends so; the full windows' titles end with " - Posture Guard".
NOTICE_SUFFIX: Final = " - Posture Guard notice"
#: The corner notice's size at 100 % (it grows when its words need more).
NOTICE_SIZE: Final = (360, 110)
#: Ticks in which the break window asks again for the focus it wants (until it has it).
FOCUS_TRIES: Final = 8


@dataclass(frozen=True, slots=True)
class Colours:
    page: str
    card: str
    text: str
    muted: str
    accent: str
    on_accent: str
    button: str
    primary_disabled: str
    focus: str
    bar_track: str
    bar: str
    attribution: str


def colours_for(*, high_contrast: bool, accent: str) -> Colours:
    """The window's colours; the organisation's `accent` goes where it reads (brand_colours.py)
    and not at all in high contrast."""
    if high_contrast:
        return Colours(
            page="#000000", card="#000000", text="#FFFFFF", muted="#FFFFFF",
            accent="#FFDD00", on_accent="#000000", button="#000000", primary_disabled="#5C5200",
            focus="#00FFFF",
            bar_track="#555555", bar="#FFDD00", attribution="#FFFFFF",
        )  # fmt: skip
    use = accent_use(accent, card="#FFFFFF")
    return Colours(
        page="#DCE6EE", card="#FFFFFF", text="#1C2B39", muted="#4A5B6B",
        accent=use.fill, on_accent=use.on_fill, button="#E6EDF3",
        primary_disabled=mix(use.fill, use.on_fill, 0.6),
        focus="#D66222",
        bar_track="#E2E9EF", bar=use.bar, attribution=use.attribution,
    )  # fmt: skip


def logo_image(path: str, height: int, master: tk.Misc) -> tk.PhotoImage | None:
    """The organisation's logo scaled to `height` pixels (at most 4 times as wide), or None
    with one log line when it cannot be read: the break goes on without it."""
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("break window: logo %s skipped: %s", path, exc)
        return None
    image.thumbnail((height * 4, height))
    data = io.BytesIO()
    image.save(data, format="PNG")
    return tk.PhotoImage(master=master, data=base64.b64encode(data.getvalue()))


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


class BreakWindow:
    """The Tk windows of one break and their state (notice, running, finished, answered)."""

    def __init__(
        self,
        root: tk.Tk,
        screen: BreakScreen,
        *,
        high_contrast: bool,
        scale: float,
        focus_after_idle_s: float,
        notice_s: float,
        linger_s: float,
        idle: IdleSource,
    ) -> None:
        self.root = root
        self.screen = screen
        self.scale = scale
        self.hc = high_contrast
        self.c = colours_for(high_contrast=high_contrast, accent=screen.accent)
        self.idle = idle
        self.focus_after_idle_s = focus_after_idle_s
        self.notice_s = notice_s
        self.linger_s = linger_s
        self.phase = "notice"
        self.left_s = float(screen.seconds)
        self.shown_for_s = 0.0
        self.finished_for_s = 0.0
        self.answered = False
        family = "DejaVu Sans" if "DejaVu Sans" in tkfont.families(root) else "TkDefaultFont"
        self.f_small = tkfont.Font(root, family=family, size=12)
        self.f_body = tkfont.Font(root, family=family, size=14)
        self.f_title = tkfont.Font(root, family=family, size=26, weight="bold")
        self.f_clock = tkfont.Font(root, family=family, size=40, weight="bold")
        self.f_button = tkfont.Font(root, family=family, size=13, weight="bold")
        self.windows: list[tk.Toplevel | tk.Tk] = []
        self.clock_labels: list[tk.Label] = []
        self.bars: list[tk.Canvas] = []
        self.picture: tk.PhotoImage | None = None
        self.logo: tk.PhotoImage | None = None
        self.notice: tk.Toplevel | None = None
        self.focus_tries = 0

    # --- building ---------------------------------------------------------------------------

    def build(self, where: list[Monitor]) -> None:
        for index, monitor in enumerate(where):
            window: tk.Toplevel | tk.Tk = self.root if index == 0 else tk.Toplevel(self.root)
            window.withdraw()
            window.title(f"{self.screen.title} - Posture Guard")
            window.configure(background=self.c.page)
            # a splash window is mapped without focus, undecorated, and kept where we put it
            window.attributes("-type", "splash")
            window.attributes("-topmost", True)
            window.geometry(monitor.geometry)
            window.protocol("WM_DELETE_WINDOW", lambda: self.answer("closed"))
            if index == 0:
                self._main(window, monitor)
            else:
                self._cover(window)
            self.windows.append(window)
        self.root.bind_all("<Return>", lambda _e: self.on_enter())
        self.root.bind_all("<KP_Enter>", lambda _e: self.on_enter())
        self.root.bind_all("<Escape>", lambda _e: self.on_escape())
        idle = self._idle()
        if idle is not None and idle >= self.focus_after_idle_s:
            self.start(take_focus=True)  # nobody is typing: no need for a notice
        else:
            self.notice = self._notice(where[0])
        self._refresh()

    def _notice(self, monitor: Monitor) -> tk.Toplevel:
        """The small corner notice shown while the user types: unfocused (a splash window,
        which window managers never give the keyboard), clickable, over nothing they type in."""
        c, pad = self.c, self._px(12)
        notice = tk.Toplevel(self.root, background=c.card)
        notice.withdraw()
        notice.title(f"{self.screen.title}{NOTICE_SUFFIX}")
        notice.attributes("-type", "splash")
        notice.attributes("-topmost", True)
        notice.protocol("WM_DELETE_WINDOW", lambda: self.answer("closed"))
        frame = tk.Frame(
            notice,
            background=c.card,
            highlightthickness=self._px(2),
            highlightbackground=c.muted,
            padx=pad,
            pady=self._px(8),
        )
        frame.pack(fill="both", expand=True)
        name = self.screen.exercise_name
        tk.Label(
            frame,
            text=f"{self.screen.title}: {name}" if name else self.screen.title,
            font=self.f_button,
            fg=c.text,
            bg=c.card,
            anchor="w",
        ).pack(fill="x")
        tk.Label(
            frame,
            text="Starts when you pause typing.",
            font=self.f_small,
            fg=c.muted,
            bg=c.card,
            anchor="w",
        ).pack(fill="x")
        row = tk.Frame(frame, background=c.card)
        row.pack(anchor="e", pady=(self._px(6), 0))
        self._notice_button(row, "Start now", lambda: self.start(take_focus=True), primary=True)
        if self.screen.allow_postpone:
            self._notice_button(row, "Postpone", lambda: self.answer("postponed"))
        width, height = self._px(NOTICE_SIZE[0]), self._px(NOTICE_SIZE[1])
        notice.update_idletasks()
        width = max(width, notice.winfo_reqwidth())
        height = max(height, notice.winfo_reqheight())
        margin = self._px(16)
        x = monitor.x + monitor.width - width - margin
        y = monitor.y + monitor.height - height - margin
        notice.geometry(f"{width}x{height}+{x}+{y}")
        notice.deiconify()
        return notice

    def _notice_button(
        self, parent: tk.Frame, text: str, command: object, *, primary: bool = False
    ) -> None:
        c = self.c
        bg, fg = (c.accent, c.on_accent) if primary else (c.button, c.text)
        tk.Button(
            parent,
            text=text,
            command=command,  # type: ignore[arg-type]
            font=self.f_small,
            bg=bg,
            fg=fg,
            activebackground=bg,
            activeforeground=fg,
            relief="flat",
            borderwidth=0,
            padx=self._px(10),
            pady=self._px(4),
            highlightthickness=0,
            takefocus=False,  # the notice never asks for the keyboard
            cursor="hand2",
        ).pack(side="left", padx=(self._px(8), 0))

    def _px(self, points: float) -> int:
        return round(points * self.scale)

    def _cover(self, window: tk.Toplevel | tk.Tk) -> None:
        box = tk.Frame(window, background=self.c.page)
        box.place(relx=0.5, rely=0.5, anchor="center")
        tk.Label(
            box, text=self.screen.title, font=self.f_title, fg=self.c.text, bg=self.c.page
        ).pack()
        clock = tk.Label(box, font=self.f_clock, fg=self.c.text, bg=self.c.page)
        clock.pack(pady=self._px(8))
        self.clock_labels.append(clock)
        tk.Label(
            box,
            text="The exercise is on your main screen.",
            font=self.f_body,
            fg=self.c.muted,
            bg=self.c.page,
        ).pack()

    def _main(self, window: tk.Toplevel | tk.Tk, monitor: Monitor) -> None:
        c, pad = self.c, self._px(24)
        card = tk.Frame(
            window,
            background=c.card,
            highlightthickness=self._px(3) if self.hc else 0,
            highlightbackground=c.text,
            padx=pad * 1.5,
            pady=pad,
        )
        card.place(relx=0.5, rely=0.5, anchor="center")
        self._header(card)
        tk.Label(
            card,
            text=self.screen.exercise_name or self.screen.title,
            font=self.f_title,
            fg=c.text,
            bg=c.card,
        ).pack(anchor="w", pady=(self._px(4), pad))

        middle = tk.Frame(card, background=c.card)
        middle.pack(fill="x")
        # on a small screen at a large scale the picture gives way to the words
        picture_w = max(
            self._px(160), min(self._px(400), monitor.width // 3, int(monitor.height * 0.5))
        )
        if self.screen.exercise_id in DRAWINGS:
            image = draw(self.screen.exercise_id, picture_w, HIGH_CONTRAST if self.hc else CALM)
            data = io.BytesIO()
            image.save(data, format="PNG")
            self.picture = tk.PhotoImage(master=window, data=base64.b64encode(data.getvalue()))
            tk.Label(middle, image=self.picture, bg=c.card, name="picture").pack(
                side="left", padx=(0, pad)
            )
        steps = tk.Frame(middle, background=c.card)
        steps.pack(side="left", fill="y")
        wrap = min(self._px(440), monitor.width - picture_w - 6 * pad)
        for number, step in enumerate(self.screen.steps, start=1):
            row = tk.Frame(steps, background=c.card)
            row.pack(anchor="w", pady=self._px(4))
            tk.Label(
                row,
                text=f"{number}",
                font=self.f_button,
                fg=c.on_accent,
                bg=c.accent,
                width=2,
            ).pack(side="left", anchor="n", padx=(0, self._px(10)))
            tk.Label(
                row, text=step, font=self.f_body, fg=c.text, bg=c.card, wraplength=wrap,
                justify="left",
            ).pack(side="left", anchor="w")  # fmt: skip
        if self.screen.hold:
            tk.Label(
                steps,
                text=self.screen.hold,
                font=self.f_small,
                fg=c.muted,
                bg=c.card,
                wraplength=wrap,
                justify="left",
                name="hold",
            ).pack(anchor="w", pady=(self._px(10), 0))

        bottom = tk.Frame(card, background=c.card)
        bottom.pack(fill="x", pady=(pad, 0))
        clock = tk.Label(bottom, font=self.f_clock, fg=c.text, bg=c.card, name="clock")
        clock.pack(side="left")
        self.clock_labels.append(clock)
        bar = tk.Canvas(bottom, height=self._px(12), bg=c.card, highlightthickness=0, name="bar")
        bar.pack(side="left", fill="x", expand=True, padx=pad)
        self.bars.append(bar)
        self.status = tk.Label(
            card, font=self.f_body, fg=c.muted, bg=c.card, anchor="w", justify="left"
        )
        self.status.pack(fill="x", pady=(self._px(6), 0))

        buttons = tk.Frame(card, background=c.card)
        buttons.pack(anchor="e", pady=(pad, 0))
        self.primary = self._button(buttons, "Start now  (Enter)", self.on_enter, primary=True)
        self.postpone: tk.Button | None = None
        if self.screen.allow_postpone:
            self.postpone = self._button(
                buttons, "Postpone  (Esc)", lambda: self.answer("postponed")
            )
        if self.screen.allow_skip:
            self._button(buttons, "Skip", lambda: self.answer("skipped"))
        self._fit(card, monitor)

    def _header(self, card: tk.Frame) -> None:
        """[logo] "Posture Guard · <organisation>" on the left, the break's title on the right."""
        c = self.c
        header = tk.Frame(card, background=c.card)
        header.pack(fill="x")
        if self.screen.logo:
            self.logo = logo_image(self.screen.logo, self._px(28), header)
            if self.logo is not None:
                tk.Label(header, image=self.logo, bg=c.card, name="logo").pack(
                    side="left", padx=(0, self._px(10))
                )
        org = self.screen.organisation
        tk.Label(
            header,
            text=f"Posture Guard  \u00b7  {org}" if org else "Posture Guard",
            font=self.f_small,
            fg=c.attribution,
            bg=c.card,
            name="attribution",
        ).pack(side="left")
        tk.Label(header, text=self.screen.title, font=self.f_small, fg=c.muted, bg=c.card).pack(
            side="right"
        )

    def _fit(self, card: tk.Frame, monitor: Monitor) -> None:
        """On a screen too small for this scale, drop the picture and then the hold line
        rather than cut off the buttons."""
        for name in ("picture", "hold"):
            card.update_idletasks()
            if (
                card.winfo_reqheight() <= monitor.height * 0.96
                and card.winfo_reqwidth() <= monitor.width
            ):
                return
            for widget in card.winfo_children():
                found = [w for w in _descendants(widget) if w.winfo_name() == name]
                for w in found:
                    if isinstance(w, tk.Widget):
                        w.pack_forget()

    def _button(
        self, parent: tk.Frame, text: str, command: object, *, primary: bool = False
    ) -> tk.Button:
        c = self.c
        bg = c.accent if primary else c.button
        fg = c.on_accent if primary else c.text
        button = tk.Button(
            parent,
            text=text,
            command=command,  # type: ignore[arg-type]
            font=self.f_button,
            bg=bg,
            fg=fg,
            activebackground=bg,
            activeforeground=fg,
            disabledforeground=c.primary_disabled if primary else c.muted,
            relief="flat",
            borderwidth=0,
            padx=self._px(18),
            pady=self._px(10),
            highlightthickness=self._px(3),
            highlightcolor=c.focus,
            highlightbackground=c.card if not self.hc else c.text,
            takefocus=True,
            cursor="hand2",
        )
        button.pack(side="left", padx=(self._px(12), 0))
        # Space presses the focused button; Enter is always the main action (bound on all)
        button.bind("<space>", lambda _e: (button.invoke(), "break")[1])
        return button

    # --- behaviour --------------------------------------------------------------------------

    def tick(self) -> None:
        if self.answered:
            return
        step = TICK_MS / 1000
        self.shown_for_s += step
        if self.phase == "notice":
            idle = self._idle()
            if idle is not None and idle >= self.focus_after_idle_s:
                self.start(take_focus=True)
            elif idle is None and self.shown_for_s >= self.notice_s:
                self.start(take_focus=False)
        elif self.phase == "running":
            if self.focus_tries > 0:
                self.focus_tries -= 1
                if self.root.focus_get() is None:
                    self.take_focus()
                else:
                    self.focus_tries = 0
            self.left_s -= step
            if self.left_s <= 0:
                self.finish()
        elif self.phase == "finished":
            self.finished_for_s += step
            if self.finished_for_s >= self.linger_s:
                self.answer("taken")
                return
        self._refresh()
        self.root.after(TICK_MS, self.tick)

    def _idle(self) -> float | None:
        try:
            return self.idle.idle_seconds()
        except Exception:
            return None

    def start(self, *, take_focus: bool) -> None:
        """The countdown begins: the notice goes, the full windows come (and take the
        keyboard when the user is idle or accepted)."""
        if self.phase != "notice":
            return
        self.phase = "running"
        emit({"event": "started"})
        self.primary.configure(text="Done  (Enter)", state="disabled")
        if self.notice is not None:
            self.notice.destroy()
            self.notice = None
        for window in self.windows:
            window.deiconify()
        if take_focus:
            # X gives the focus only to a mapped window: ask once the window manager mapped
            # it, and again on the next few ticks until Tk has it
            self.focus_tries = FOCUS_TRIES
            main = self.windows[0]
            main.update_idletasks()
            if main.winfo_viewable():
                self.take_focus()
            else:
                main.bind("<Map>", lambda e: self.take_focus() if e.widget is main else None, "+")

    def take_focus(self) -> None:
        if self.answered:
            return
        main = self.windows[0]
        main.lift()
        main.focus_force()
        target = self.postpone or self.primary
        target.focus_set()

    def finish(self) -> None:
        self.phase = "finished"
        self.left_s = 0
        self.primary.configure(state="normal")
        if self.root.focus_get() is not None:
            self.primary.focus_set()

    def on_enter(self) -> None:
        if self.phase == "notice":
            self.start(take_focus=True)
        elif self.phase == "finished":
            self.answer("taken")

    def on_escape(self) -> None:
        if self.screen.allow_postpone:
            self.answer("postponed")

    def answer(self, outcome: str) -> None:
        if self.answered:
            return
        self.answered = True
        emit({"outcome": outcome, "countdown_done": self.phase == "finished"})
        self.root.destroy()

    def _refresh(self) -> None:
        text = _clock(self.left_s)
        for label in self.clock_labels:
            label.configure(text=text)
        done = 1 - self.left_s / self.screen.seconds
        for bar in self.bars:
            bar.delete("all")
            width = max(1, bar.winfo_width())
            height = max(1, bar.winfo_height())
            bar.create_rectangle(0, 0, width, height, fill=self.c.bar_track, width=0)
            bar.create_rectangle(0, 0, width * done, height, fill=self.c.bar, width=0)
        words = {
            "notice": "The break starts when you pause typing, or press Start now.",
            "running": "Follow the steps at an easy pace. Done unlocks when the time is up.",
            "finished": "Well done. Press Done (Enter) to get back to work.",
        }
        self.status.configure(text=words[self.phase])


def _descendants(widget: tk.Misc) -> list[tk.Misc]:
    found = [widget]
    for child in widget.winfo_children():
        found += _descendants(child)
    return found


def emit(line: dict[str, object]) -> None:
    """Write one JSON line on stdout at once (the parent reads it line by line)."""
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


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
            exercise_name=exercise.name,
            steps=list(exercise.steps),
            hold=exercise.hold_reps,
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
    args = _parser().parse_args(argv)
    try:
        screen = screen_from_args(args, sys.stdin.read() if args.stdin else None)
    except ScreenError as exc:
        print(f"break window: {exc}", file=sys.stderr)
        return 2
    from posture_guard.desktop.idle import select_idle_source  # noqa: PLC0415 - needs X

    try:
        root = tk.Tk(className="PostureGuardBreak")
    except tk.TclError as exc:
        print(f"break window: no display to show the break on ({exc})", file=sys.stderr)
        return 1
    scale = args.scale or scale_wanted() or float(root.tk.call("tk", "scaling")) / BASE_SCALING
    root.tk.call("tk", "scaling", BASE_SCALING * scale)
    high_contrast = args.high_contrast == "on" or (
        args.high_contrast == "auto" and high_contrast_wanted()
    )
    idle, _reasons = select_idle_source()
    fallback = Monitor(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
    try:
        where = parse_monitors(args.monitors) if args.monitors else monitors(fallback)
    except ValueError as exc:
        print(f"break window: {exc}", file=sys.stderr)
        return 2
    if args.single_monitor:
        where = where[:1]
    window = BreakWindow(
        root,
        screen,
        high_contrast=high_contrast,
        scale=scale,
        focus_after_idle_s=args.focus_after_idle,
        notice_s=args.notice,
        linger_s=args.linger,
        idle=idle,
    )

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        window.answered = True  # the service ended the break elsewhere: say nothing
        root.after(0, root.destroy)

    signal.signal(signal.SIGTERM, on_signal)
    window.build(where)
    root.after(TICK_MS, window.tick)
    # let Tk notice SIGTERM while it waits for events
    root.after(200, _keep_python_awake, root)
    try:
        root.mainloop()
    finally:
        idle.close()
    return 0


def _keep_python_awake(root: tk.Tk) -> None:
    with contextlib.suppress(tk.TclError):
        root.after(200, _keep_python_awake, root)


if __name__ == "__main__":
    raise SystemExit(main())
