"""The break window drawn with Tk (Windows, macOS, and Linux without PyGObject): a thin shell
over core/break_view.py, which says what it shows and decides what each tick, key and click does.

Tk specifics: each window asks the window manager only for what its windowing system has
(`window_hints`: on X11 the "splash" type, mapped without focus, undecorated, kept where placed;
under XWayland the notice override-redirect);
the focus is forced once the window manager mapped the main window, asked again on the next
ticks until Tk has it, and starts on the primary button; `tk scaling` carries the scale.
"""

from __future__ import annotations

import base64
import contextlib
import io
import signal
import sys
import time
import tkinter as tk
from dataclasses import dataclass
from tkinter import font as tkfont
from types import FrameType
from typing import Final

from PIL import Image

from posture_guard.core import break_view as bv
from posture_guard.core.breakflow import BreakScreen
from posture_guard.core.ports import IdleSource
from posture_guard.desktop.display import under_xwayland
from posture_guard.desktop.monitors import Monitor, monitors
from posture_guard.ui.break_window import Options, emit, exercise_picture, logo_picture

#: Tk's scaling at 100 %: 96 pixels per inch over 72 points per inch.
BASE_SCALING: Final = 96 / 72
TICK_MS: Final = 250
#: Ticks in which the break window asks again for the focus it wants (until it has it).
FOCUS_TRIES: Final = 8


@dataclass(frozen=True, slots=True)
class WindowHints:
    """What a break window asks of the window manager: Tk `wm attributes` (name, value), and
    whether to drop the frame by override-redirect."""

    attributes: tuple[tuple[str, str | bool], ...]
    override_redirect: bool = False


def window_hints(system: str, *, notice: bool = False, xwayland: bool = False) -> WindowHints:
    """The hints for Tk's windowing system (`tk windowingsystem`), only what that system has;
    `notice`: for the corner notice; `xwayland`: the X server is XWayland.

    - x11: the "splash" window type (undecorated, kept where placed, mapped without the focus,
      so the notice never takes the keyboard) and kept above; override-redirect would cost the
      main window the focus it takes. Under XWayland the compositor places a splash window
      itself, frames it and gives it the keyboard (sway did, in the middle of the screen,
      taking the keys of the person typing): there the notice is override-redirect, which the
      compositor shows where it is placed and above, and still a splash, without which
      wlroots gives an override-redirect window the keyboard as it maps (a key was lost).
    - win32: no window types there; override-redirect drops the frame, topmost keeps it above.
    - aqua: kept above only, with its title bar (an override-redirect window does not get the
      keyboard there).
    - any other: nothing.
    """
    if system == "x11" and notice and xwayland:
        return WindowHints((("-type", "splash"), ("-topmost", True)), override_redirect=True)
    if system == "x11":
        return WindowHints((("-type", "splash"), ("-topmost", True)))
    if system == "win32":
        return WindowHints((("-topmost", True),), override_redirect=True)
    if system == "aqua":
        return WindowHints((("-topmost", True),))
    return WindowHints(())


def photo(image: Image.Image, master: tk.Misc) -> tk.PhotoImage:
    data = io.BytesIO()
    image.save(data, format="PNG")
    return tk.PhotoImage(master=master, data=base64.b64encode(data.getvalue()))


class TkBreak:
    """The Tk windows of one break; `state` is core's, the widgets follow it."""

    def __init__(
        self, root: tk.Tk, screen: BreakScreen, options: Options, scale: float, idle: IdleSource
    ) -> None:
        self.root = root
        self.screen = screen
        self.view = bv.describe(screen)
        self.scale = scale
        self.hc = options.high_contrast
        self.c = bv.colours_for(high_contrast=options.high_contrast, accent=screen.accent)
        self.idle = idle
        self.timing = options.timing
        self.prompted_idle_s = options.prompted_idle_s
        self.state = bv.BreakState(seconds=float(screen.seconds), timing=options.timing)
        self.last = time.monotonic()
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
        self.quiet = False

    # --- building ---------------------------------------------------------------------------

    def build(self, where: list[Monitor]) -> None:
        for index, monitor in enumerate(where):
            window: tk.Toplevel | tk.Tk = self.root if index == 0 else tk.Toplevel(self.root)
            window.withdraw()
            window.title(self.view.window_title)
            window.configure(background=self.c.page)
            self._keep(window)
            window.geometry(monitor.geometry)
            window.protocol("WM_DELETE_WINDOW", lambda: self.press("close"))
            if index == 0:
                self._main(window, monitor)
            else:
                self._cover(window)
            self.windows.append(window)
        self.root.bind_all("<Return>", lambda _e: self.press("enter"))
        self.root.bind_all("<KP_Enter>", lambda _e: self.press("enter"))
        self.root.bind_all("<Escape>", lambda _e: self.press("escape"))
        self.state, effects = bv.opening(
            self.screen.seconds, self.timing, self._idle(), self.prompted_idle_s
        )
        if self.state.phase == "notice":
            self.notice = self._notice(where[0])
        self.apply(effects)

    def _notice(self, monitor: Monitor) -> tk.Toplevel:
        """The small corner notice shown while the user types: unfocused (a splash window,
        which window managers never give the keyboard), clickable, over nothing they type in."""
        c, pad, view = self.c, self._px(12), self.view.notice
        notice = tk.Toplevel(self.root, background=c.card)
        notice.withdraw()
        notice.title(view.window_title)
        self._keep(notice, notice=True)
        notice.protocol("WM_DELETE_WINDOW", lambda: self.press("close"))
        frame = tk.Frame(
            notice,
            background=c.card,
            highlightthickness=self._px(2),
            highlightbackground=c.muted,
            padx=pad,
            pady=self._px(8),
        )
        frame.pack(fill="both", expand=True)
        for text, font, fg in ((view.heading, self.f_button, c.text), (view.line, self.f_small, c.muted)):  # fmt: skip
            tk.Label(frame, text=text, font=font, fg=fg, bg=c.card, anchor="w").pack(fill="x")
        row = tk.Frame(frame, background=c.card)
        row.pack(anchor="e", pady=(self._px(6), 0))
        for button in view.buttons:
            self._notice_button(row, button)
        width, height = self._px(bv.NOTICE_SIZE[0]), self._px(bv.NOTICE_SIZE[1])
        notice.update_idletasks()
        width = max(width, notice.winfo_reqwidth())
        height = max(height, notice.winfo_reqheight())
        box = (monitor.x, monitor.y, monitor.width, monitor.height)
        x, y = bv.notice_place(box, (width, height), self.scale)
        notice.geometry(f"{width}x{height}+{x}+{y}")
        notice.deiconify()
        return notice

    def _keep(self, window: tk.Toplevel | tk.Tk, *, notice: bool = False) -> None:
        """Ask the window manager to keep `window` (the corner notice: `notice`) as its
        windowing system allows."""
        system = str(self.root.tk.call("tk", "windowingsystem"))
        hints = window_hints(system, notice=notice, xwayland=under_xwayland())
        if hints.override_redirect:
            window.overrideredirect(True)
        for name, value in hints.attributes:
            window.attributes(name, value)

    def _notice_button(self, parent: tk.Frame, button: bv.Button) -> None:
        c = self.c
        bg, fg = (c.accent, c.on_accent) if button.primary else (c.button, c.text)
        tk.Button(
            parent,
            text=button.label,
            command=lambda: self.press(button.id),
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
        c = self.c
        box = tk.Frame(window, background=c.page)
        box.place(relx=0.5, rely=0.5, anchor="center")
        tk.Label(box, text=self.view.title, font=self.f_title, fg=c.text, bg=c.page).pack()
        clock = tk.Label(box, font=self.f_clock, fg=c.text, bg=c.page)
        clock.pack(pady=self._px(8))
        self.clock_labels.append(clock)
        tk.Label(box, text=self.view.cover_line, font=self.f_body, fg=c.muted, bg=c.page).pack()

    def _main(self, window: tk.Toplevel | tk.Tk, monitor: Monitor) -> None:
        c, pad, view = self.c, self._px(24), self.view
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
        tk.Label(card, text=view.heading, font=self.f_title, fg=c.text, bg=c.card).pack(
            anchor="w", pady=(self._px(4), pad)
        )
        middle = tk.Frame(card, background=c.card)
        middle.pack(fill="x")
        picture_w = bv.picture_width(monitor.width, monitor.height, self.scale)
        image = exercise_picture(
            view.exercise_id, picture_w, high_contrast=self.hc, picture=view.picture
        )
        if image is not None:
            self.picture = photo(image, window)
            tk.Label(middle, image=self.picture, bg=c.card, name="picture").pack(
                side="left", padx=(0, pad)
            )
        steps = tk.Frame(middle, background=c.card)
        steps.pack(side="left", fill="y")
        wrap = min(self._px(440), monitor.width - picture_w - 6 * pad)
        for step in view.steps:
            row = tk.Frame(steps, background=c.card)
            row.pack(anchor="w", pady=self._px(4))
            tk.Label(
                row, text=step.number, font=self.f_button, fg=c.on_accent, bg=c.accent, width=2
            ).pack(side="left", anchor="n", padx=(0, self._px(10)))
            tk.Label(
                row, text=step.text, font=self.f_body, fg=c.text, bg=c.card, wraplength=wrap,
                justify="left",
            ).pack(side="left", anchor="w")  # fmt: skip
        if view.hold:
            tk.Label(
                steps, text=view.hold, font=self.f_small, fg=c.muted, bg=c.card,
                wraplength=wrap, justify="left", name="hold",
            ).pack(anchor="w", pady=(self._px(10), 0))  # fmt: skip

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

        row = tk.Frame(card, background=c.card)
        row.pack(anchor="e", pady=(pad, 0))
        self.buttons = {b.id: self._button(row, b) for b in view.buttons}
        self._fit(card, monitor)

    def _header(self, card: tk.Frame) -> None:
        """[logo] "Posture Guard · <organisation>" on the left, the break's title on the right."""
        c = self.c
        header = tk.Frame(card, background=c.card)
        header.pack(fill="x")
        if self.view.logo:
            image = logo_picture(self.view.logo, self._px(28))
            if image is not None:
                self.logo = photo(image, header)
                tk.Label(header, image=self.logo, bg=c.card, name="logo").pack(
                    side="left", padx=(0, self._px(10))
                )
        tk.Label(
            header, text=self.view.attribution, font=self.f_small, fg=c.attribution, bg=c.card,
            name="attribution",
        ).pack(side="left")  # fmt: skip
        tk.Label(header, text=self.view.title, font=self.f_small, fg=c.muted, bg=c.card).pack(
            side="right"
        )

    def _fit(self, card: tk.Frame, monitor: Monitor) -> None:
        """On a screen too small for this scale, drop the picture and then the hold line
        rather than cut off the buttons."""
        for name in bv.DROP_ORDER:
            card.update_idletasks()
            if bv.fits(
                card.winfo_reqwidth(), card.winfo_reqheight(), monitor.width, monitor.height
            ):
                return
            for widget in _descendants(card):
                if widget.winfo_name() == name and isinstance(widget, tk.Widget):
                    widget.pack_forget()

    def _button(self, parent: tk.Frame, spec: bv.Button) -> tk.Button:
        c = self.c
        bg = c.accent if spec.primary else c.button
        fg = c.on_accent if spec.primary else c.text
        button = tk.Button(
            parent,
            text=spec.label,
            command=lambda: self.press(
                bv.primary(self.state.phase).id if spec.primary else spec.id
            ),
            font=self.f_button,
            bg=bg,
            fg=fg,
            activebackground=bg,
            activeforeground=fg,
            disabledforeground=c.primary_disabled if spec.primary else c.muted,
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
        if self.state.phase == "answered" or self.quiet:
            return
        now = time.monotonic()
        dt, self.last = now - self.last, now
        if self.state.phase == "running" and self.focus_tries > 0:
            self.focus_tries -= 1
            if self.root.focus_get() is None:
                self.take_focus()
            else:
                self.focus_tries = 0
        idle = self._idle() if self.state.phase == "notice" else None
        self.state, effects = bv.tick(self.state, dt, idle)
        self.apply(effects)
        if self.state.phase != "answered":
            self.root.after(TICK_MS, self.tick)

    def press(self, what: bv.ButtonId | bv.Key) -> None:
        if self.quiet:
            return
        self.state, effects = bv.press(self.state, what, allow_postpone=self.screen.allow_postpone)
        self.apply(effects)

    def apply(self, effects: tuple[bv.Effect, ...]) -> None:
        for effect in effects:
            line = bv.protocol_line(effect)
            if line is not None:
                emit(line)
            if isinstance(effect, bv.Start):
                self._start(take_focus=effect.take_focus)
            elif isinstance(effect, bv.Finish):
                if self.root.focus_get() is not None:
                    self.buttons["start"].focus_set()
            elif isinstance(effect, bv.Answer):
                self.root.destroy()
                return
        self._refresh()

    def _idle(self) -> float | None:
        try:
            return self.idle.idle_seconds()
        except Exception:
            return None

    def _start(self, *, take_focus: bool) -> None:
        """The notice goes, the full windows come (and take the keyboard when asked)."""
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
        if self.state.phase == "answered":
            return
        main = self.windows[0]
        main.lift()
        main.focus_force()
        self.buttons[bv.first_focus(self.view.buttons)].focus_set()

    def _refresh(self) -> None:
        phase = self.state.phase
        for label in self.clock_labels:
            label.configure(text=self.state.clock)
        for bar in self.bars:
            bar.delete("all")
            width = max(1, bar.winfo_width())
            height = max(1, bar.winfo_height())
            bar.create_rectangle(0, 0, width, height, fill=self.c.bar_track, width=0)
            bar.create_rectangle(
                0, 0, width * self.state.progress, height, fill=self.c.bar, width=0
            )
        self.status.configure(text=bv.status_text(phase))
        for other in ("postpone", "skip"):  # gone once the time is up (break_view Rule 4)
            button = self.buttons.get(other)
            if button is not None and not bv.enabled(other, phase) and button.winfo_manager():
                button.pack_forget()
        primary = bv.primary(phase)
        self.buttons["start"].configure(
            text=primary.label, state="normal" if bv.enabled(primary.id, phase) else "disabled"
        )


def _descendants(widget: tk.Misc) -> list[tk.Misc]:
    found = [widget]
    for child in widget.winfo_children():
        found += _descendants(child)
    return found


def run(screen: BreakScreen, options: Options, idle: IdleSource) -> int:
    """Show the break with Tk until it is answered; 1 when there is no display."""
    try:
        root = tk.Tk(className="PostureGuardBreak")
    except tk.TclError as exc:
        print(f"break window: no display to show the break on ({exc})", file=sys.stderr)
        return 1
    scale = options.scale or float(root.tk.call("tk", "scaling")) / BASE_SCALING
    root.tk.call("tk", "scaling", BASE_SCALING * scale)
    fallback = Monitor(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
    where = options.monitors or monitors(fallback)
    if options.single_monitor:
        where = where[:1]
    window = TkBreak(root, screen, options, scale, idle)

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        window.quiet = True  # the service ended the break elsewhere: say nothing
        root.after(0, root.destroy)

    signal.signal(signal.SIGTERM, on_signal)
    window.build(where)
    if window.state.phase != "answered":
        root.after(TICK_MS, window.tick)
        # let Tk notice SIGTERM while it waits for events
        root.after(200, _keep_python_awake, root)
        root.mainloop()
    return 0


def _keep_python_awake(root: tk.Tk) -> None:
    with contextlib.suppress(tk.TclError):
        root.after(200, _keep_python_awake, root)
