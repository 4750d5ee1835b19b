"""The break window drawn with GTK 3 (Linux where PyGObject is): a thin shell over
core/break_view.py, which says what it shows and decides what each tick, key and click does.

Rule 1: one Gtk.Window per monitor, covering it; the notice never takes the keyboard, so typing
        goes on where it was. How, on X11 and on Wayland, is desktop/gtk_windows.py's: on X11
        placed, sized and kept above (splash windows); on Wayland full screen, and the notice a
        layer-shell surface in the corner. Where the compositor has none (GNOME), the notice
        is a desktop notification with the same words and Start now / Postpone as its actions
        (desktop/notify.py rule 5), a click on the notification itself being Start now (its
        "default" action), withdrawn when the break starts or is answered.
Rule 2: GTK applies the desktop's scale (GDK_SCALE) to every window itself; the rest of the
        wanted scale (`--scale`, POSTURE_GUARD_SCALE) multiplies our sizes and fonts (CSS).
        The exercise picture is drawn at device pixels, so it stays sharp at any scale.
Rule 3: screen readers: every button is a Gtk.Button named by its action, with its key as the
        description; the countdown is a label and a named progress bar; the picture, the logo
        and the step numbers have names (gtk_look.name_for_readers).
Rule 4: keys: Enter and Esc are caught on the window before the focused button sees them (the
        break's main action, as in a dialog); Tab and Space are GTK's own. The focus starts on
        the primary button (break_view.first_focus), which stays focusable while it waits.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import gi

from posture_guard.core import break_view as bv
from posture_guard.core.breakflow import BreakScreen
from posture_guard.core.form_view import APP_NAME
from posture_guard.core.ports import IdleSource
from posture_guard.desktop import gtk_windows
from posture_guard.desktop.monitors import Monitor
from posture_guard.desktop.notify import FreedesktopNotifier, action_notifier
from posture_guard.ui.break_window import Options, emit, exercise_picture, logo_picture
from posture_guard.ui.gtk_look import apply_look, name_for_readers

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import Gdk, GdkPixbuf, GLib, Gtk  # noqa: E402

TICK_MS: Final = 250
#: The action a notification daemon invokes when the notification itself is clicked.
DEFAULT_ACTION: Final = "default"
#: The tag of the notification that stands in for the corner notice (gtk_windows Rule 3).
NOTICE_TAG: Final = "break-window-notice"
#: Ticks in which the window asks again for the focus it wants (until it has it).
FOCUS_TRIES: Final = 8

if TYPE_CHECKING:
    from PIL import Image


def css(c: bv.Colours, s: float, *, high_contrast: bool) -> str:
    """The break window's own CSS on top of gtk_look's: sizes at scale `s`, our buttons."""

    def pt(points: float) -> str:
        return f"{points * s:.1f}pt"

    def px(pixels: float) -> str:
        return f"{round(pixels * s)}px"

    card_border = f"{px(3)} solid {c.text}" if high_contrast else "none"
    # on black, a black button needs an outline to be seen as one
    button_border = f"{px(2)} solid {c.text}" if high_contrast else "none"
    flat = "background-image: none; box-shadow: none; text-shadow: none; -gtk-icon-shadow: none;"
    return f"""
.pg-card {{ background-color: {c.card}; border: {card_border};
            padding: {px(24)} {px(36)}; }}
.pg-notice {{ background-color: {c.card}; border: {px(2)} solid {c.muted};
              padding: {px(8)} {px(12)}; }}
.pg-card label, .pg-notice label, .pg-page label {{ font-family: "DejaVu Sans", sans-serif; }}
.pg-small {{ font-size: {pt(12)}; }}
.pg-body {{ font-size: {pt(14)}; }}
.pg-heading {{ font-size: {pt(26)}; font-weight: bold; }}
.pg-clock {{ font-size: {pt(40)}; font-weight: bold; }}
.pg-attribution {{ color: {c.attribution}; }}
.pg-number {{ background-color: {c.accent}; color: {c.on_accent}; font-size: {pt(13)};
              font-weight: bold; min-width: {px(28)}; padding: 0 {px(2)}; }}
button.pg-break {{ {flat} background-color: {c.button}; color: {c.text}; border: {button_border};
                   border-radius: 0; padding: {px(10)} {px(18)}; font-size: {pt(13)};
                   font-weight: bold; }}
button.pg-break label {{ color: {c.text}; }}
button.pg-break.pg-small-button {{ font-size: {pt(12)}; padding: {px(4)} {px(10)};
                                   font-weight: normal; }}
button.pg-break.pg-primary, button.pg-break.pg-primary:hover,
button.pg-break.pg-primary:active, button.pg-break.pg-primary:disabled {{
    {flat} background-color: {c.accent}; }}
button.pg-break.pg-primary label {{ color: {c.on_accent}; }}
button.pg-break.pg-primary:disabled label,
button.pg-break.pg-primary.pg-waiting label {{ color: {c.primary_disabled}; }}
button.pg-break:hover, button.pg-break:active {{ {flat} background-color: {c.button}; }}
button.pg-break:disabled label {{ color: {c.muted}; }}
button.pg-break:focus {{ outline-color: {c.focus}; outline-style: solid;
                         outline-width: {px(3)}; outline-offset: {px(1)}; }}
progressbar trough {{ background-image: none; background-color: {c.bar_track}; border: none;
                      border-radius: 0; min-height: {px(12)}; box-shadow: none; }}
progressbar progress {{ background-image: none; background-color: {c.bar}; border: none;
                        border-radius: 0; min-height: {px(12)}; box-shadow: none; }}
"""


def image_widget(image: Image.Image, device_scale: int) -> Gtk.Image:
    """A Gtk.Image of a PIL image whose pixels are device pixels (sharp at GDK_SCALE 2)."""
    rgba = image.convert("RGBA")
    width, height = rgba.size
    pixbuf = GdkPixbuf.Pixbuf.new_from_bytes(
        GLib.Bytes.new(rgba.tobytes()), GdkPixbuf.Colorspace.RGB, True, 8, width, height,
        width * 4,
    )  # fmt: skip
    surface = Gdk.cairo_surface_create_from_pixbuf(pixbuf, device_scale, None)
    return Gtk.Image.new_from_surface(surface)


def label(text: str, *classes: str, wrap: int = 0, xalign: float = 0.0) -> Gtk.Label:
    widget = Gtk.Label(label=text, xalign=xalign)
    for name in classes:
        widget.get_style_context().add_class(name)
    if wrap:
        widget.set_line_wrap(True)
        widget.set_max_width_chars(wrap)
    return widget


class GtkBreak:
    """The GTK windows of one break; `state` is core's, the widgets follow it."""

    def __init__(
        self,
        screen: BreakScreen,
        options: Options,
        idle: IdleSource,
        *,
        quit: Callable[[], None] = Gtk.main_quit,
    ) -> None:
        self.screen = screen
        self.view = bv.describe(screen)
        self.options = options
        self.hc = options.high_contrast
        self.c = bv.colours_for(high_contrast=options.high_contrast, accent=screen.accent)
        self.idle = idle
        self.quit = quit
        self.state = bv.BreakState(seconds=float(screen.seconds), timing=options.timing)
        self.last = time.monotonic()
        display = Gdk.Display.get_default()
        monitor = display.get_monitor(0) if display is not None else None
        #: GTK's own scale (GDK_SCALE): every logical pixel is this many device pixels.
        self.device = monitor.get_scale_factor() if monitor is not None else 1
        #: The scale we apply on top of GTK's.
        self.s = (options.scale or self.device) / self.device
        self.windows: list[Gtk.Window] = []
        self.clocks: list[Gtk.Label] = []
        self.bars: list[Gtk.ProgressBar] = []
        self.buttons: dict[str, Gtk.Button] = {}
        self.droppable: dict[str, Gtk.Widget] = {}
        self.notice: Gtk.Window | None = None
        #: The notification shown instead of the corner notice, while it is shown.
        self.notification: FreedesktopNotifier | None = None
        self.status: Gtk.Label | None = None
        self.focus_tries = 0
        self.quiet = False
        self.primary_now = bv.primary("notice")

    def px(self, pixels: float) -> int:
        return round(pixels * self.s)

    # --- building ---------------------------------------------------------------------------

    def build(self, where: list[Monitor]) -> None:
        """Make the windows (shown when the countdown starts) and the notice or the start."""
        c = self.c
        palette = dict(page=c.page, text=c.text, muted=c.muted, accent=c.accent,
                       on_accent=c.on_accent, focus=c.focus, field=c.card, error=c.text)  # fmt: skip
        apply_look(palette)
        provider = Gtk.CssProvider()
        provider.load_from_data(css(self.c, self.s, high_contrast=self.hc).encode("utf-8"))
        gdk_screen = Gdk.Screen.get_default()
        if gdk_screen is not None:
            Gtk.StyleContext.add_provider_for_screen(
                gdk_screen, provider, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION + 1
            )
        for index, monitor in enumerate(where):
            window = self._window(self.view.window_title, monitor, index)
            window.set_focus_visible(True)
            if index == 0:
                self._main(window, monitor)
            else:
                self._cover(window)
            window.connect("key-press-event", self._on_key)
            self.windows.append(window)
        self.state, effects = bv.opening(
            self.screen.seconds, self.options.timing, self._idle(), self.options.prompted_idle_s
        )
        if self.state.phase == "notice":
            self.notice = self._notice(where[0])
            if self.notice is None:
                self.notification = self._notification()
        self.apply(effects)

    def _window(self, title: str, monitor: Monitor, index: int) -> Gtk.Window:
        window = Gtk.Window(title=title)
        window.set_wmclass("posture-guard-break", "PostureGuardBreak")
        gtk_windows.cover(window, monitor, index)
        window.get_style_context().add_class("pg-page")
        window.connect("delete-event", self._on_delete)
        return window

    def _notice(self, monitor: Monitor) -> Gtk.Window | None:
        """The small corner notice shown while the user types: never focused, clickable;
        None where it cannot be shown without taking the keyboard (gtk_windows Rule 3)."""
        view = self.view.notice
        notice = Gtk.Window(title=view.window_title)
        notice.connect("delete-event", self._on_delete)
        frame = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=self.px(2))
        frame.get_style_context().add_class("pg-notice")
        frame.add(label(view.heading, "pg-body", "pg-question"))
        frame.add(label(view.line, "pg-small", "pg-muted"))
        row = Gtk.Box(spacing=self.px(8), halign=Gtk.Align.END, margin_top=self.px(6))
        for spec in view.buttons:
            button = self._button(spec, small=True)
            button.set_can_focus(False)  # the notice never asks for the keyboard
            row.add(button)
        frame.add(row)
        notice.add(frame)
        frame.show_all()
        _minimum, natural = frame.get_preferred_size()
        width = max(self.px(bv.NOTICE_SIZE[0]), natural.width)
        height = max(self.px(bv.NOTICE_SIZE[1]), natural.height)
        box = (monitor.x, monitor.y, monitor.width, monitor.height)
        place = bv.notice_place(box, (width, height), self.s)
        if not gtk_windows.corner_notice(notice, monitor, place, (width, height)):
            notice.destroy()
            return None
        notice.show_all()
        return notice

    def _notification(self) -> FreedesktopNotifier | None:
        """The notice as a desktop notification whose actions are its buttons, for where no
        corner notice can be shown (Rule 1); None when the desktop has no such notifications
        (the break still starts when the user pauses)."""
        notifier = action_notifier()
        if notifier is None:
            return None
        view = self.view.notice
        buttons: dict[str, bv.ButtonId] = {spec.id: spec.id for spec in view.buttons}
        primary = next(spec for spec in view.buttons if spec.primary)
        # a click on the notification itself ("default") is its primary button, as a click on
        # the corner notice's is: GNOME Shell otherwise opens our launcher (a second `run`)
        buttons[DEFAULT_ACTION] = primary.id

        def picked(tag: str, key: str) -> None:  # on the notifier's listening thread
            button = buttons.get(key)
            if tag == NOTICE_TAG and button is not None:
                GLib.idle_add(self._picked, button)

        actions = [
            (DEFAULT_ACTION, primary.label),
            *((spec.id, spec.label) for spec in view.buttons),
        ]
        if not notifier.watch_actions(picked) or not notifier.notify(
            view.heading, view.line, tag=NOTICE_TAG, actions=actions
        ):
            notifier.close()
            return None
        return notifier

    def _picked(self, key: bv.ButtonId) -> bool:
        """A notification's action picked: as its button on the notice (main thread)."""
        if self.state.phase == "notice":
            self.press(key)
        return False  # once

    def withdraw_notification(self) -> None:
        """Take the notification off the screen, if one is shown."""
        notifier, self.notification = self.notification, None
        if notifier is not None:
            notifier.withdraw(NOTICE_TAG)
            notifier.close()

    def _cover(self, window: Gtk.Window) -> None:
        box = Gtk.Box(
            orientation=Gtk.Orientation.VERTICAL, spacing=self.px(8),
            halign=Gtk.Align.CENTER, valign=Gtk.Align.CENTER,
        )  # fmt: skip
        box.add(label(self.view.title, "pg-heading", xalign=0.5))
        clock = label(self.state.clock, "pg-clock", xalign=0.5)
        self.clocks.append(clock)
        box.add(clock)
        box.add(label(self.view.cover_line, "pg-body", "pg-muted", xalign=0.5))
        window.add(box)

    def _main(self, window: Gtk.Window, monitor: Monitor) -> None:
        view, pad = self.view, self.px(24)
        card = Gtk.Box(
            orientation=Gtk.Orientation.VERTICAL, halign=Gtk.Align.CENTER,
            valign=Gtk.Align.CENTER,
        )  # fmt: skip
        card.get_style_context().add_class("pg-card")
        card.add(self._header())
        heading = label(view.heading, "pg-heading", wrap=40)
        heading.set_margin_top(self.px(4))
        heading.set_margin_bottom(pad)
        card.add(heading)

        middle = Gtk.Box(spacing=pad)
        picture_w = bv.picture_width(monitor.width, monitor.height, self.s)
        image = exercise_picture(
            view.exercise_id,
            picture_w * self.device,
            high_contrast=self.hc,
            picture=view.picture,
        )
        if image is not None:
            picture = image_widget(image, self.device)
            picture.set_valign(Gtk.Align.START)
            name_for_readers(picture, view.picture_name)
            self.droppable["picture"] = picture
            middle.add(picture)
        steps = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=self.px(8))
        for step in view.steps:
            row = Gtk.Box(spacing=self.px(10))
            number = label(step.number, "pg-number", xalign=0.5)
            number.set_valign(Gtk.Align.START)
            name_for_readers(number, step.name)
            row.add(number)
            row.add(label(step.text, "pg-body", wrap=36))
            steps.add(row)
        if view.hold:
            hold = label(view.hold, "pg-small", "pg-muted", wrap=44)
            hold.set_margin_top(self.px(2))
            self.droppable["hold"] = hold
            steps.add(hold)
        middle.add(steps)
        card.add(middle)

        bottom = Gtk.Box(spacing=pad, margin_top=pad)
        clock = label(self.state.clock, "pg-clock")
        self.clocks.append(clock)
        bottom.add(clock)
        bar = Gtk.ProgressBar(hexpand=True, valign=Gtk.Align.CENTER)
        name_for_readers(bar, view.countdown_name, view.countdown_hint)
        self.bars.append(bar)
        bottom.add(bar)
        card.add(bottom)
        self.status = label(bv.status_text(self.state.phase), "pg-body", "pg-muted", wrap=60)
        self.status.set_margin_top(self.px(6))
        card.add(self.status)

        row = Gtk.Box(spacing=self.px(12), halign=Gtk.Align.END, margin_top=pad)
        for spec in view.buttons:
            button = self._button(spec)
            self.buttons[spec.id] = button
            row.add(button)
        card.add(row)
        window.add(card)
        self._fit(card, monitor)

    def _header(self) -> Gtk.Box:
        """[logo] "Posture Guard · <organisation>" on the left, the break's title on the right."""
        header = Gtk.Box(spacing=self.px(10))
        if self.view.logo:
            image = logo_picture(self.view.logo, self.px(28) * self.device)
            if image is not None:
                logo = image_widget(image, self.device)
                name_for_readers(logo, self.view.logo_name)
                header.add(logo)
        header.add(label(self.view.attribution, "pg-small", "pg-attribution"))
        header.pack_end(label(self.view.title, "pg-small", "pg-muted"), False, False, 0)
        return header

    def _fit(self, card: Gtk.Box, monitor: Monitor) -> None:
        """On a screen too small for this scale, drop the picture and then the hold line
        rather than cut off the buttons."""
        card.show_all()
        for name in bv.DROP_ORDER:
            _minimum, natural = card.get_preferred_size()
            if bv.fits(natural.width, natural.height, monitor.width, monitor.height):
                return
            widget = self.droppable.pop(name, None)
            if widget is not None:
                widget.destroy()

    def _button(self, spec: bv.Button, *, small: bool = False) -> Gtk.Button:
        button = Gtk.Button(label=spec.label)
        style = button.get_style_context()
        style.add_class("pg-break")
        if small:
            style.add_class("pg-small-button")
        if spec.primary:
            style.add_class("pg-primary")
        name_for_readers(button, spec.name, spec.hint)
        if spec.primary:
            button.connect("clicked", lambda _b: self.press(bv.primary(self.state.phase).id))
        else:
            button.connect("clicked", lambda _b: self.press(spec.id))
        return button

    # --- behaviour --------------------------------------------------------------------------

    def _on_delete(self, *_args: object) -> bool:
        self.press("close")
        return True

    def _on_key(self, _window: Gtk.Window, event: Any) -> bool:
        name = Gdk.keyval_name(event.keyval)
        if name in ("Return", "KP_Enter"):
            self.press("enter")
            return True
        if name == "Escape":
            self.press("escape")
            return True
        return False

    def tick(self) -> bool:
        if self.state.phase == "answered" or self.quiet:
            return False
        now = time.monotonic()
        dt, self.last = now - self.last, now
        if self.state.phase == "running" and self.focus_tries > 0:
            self.focus_tries -= 1
            if self.windows[0].is_active():
                self.focus_tries = 0
            else:
                self.take_focus()
        idle = self._idle() if self.state.phase == "notice" else None
        self.state, effects = bv.tick(self.state, dt, idle)
        self.apply(effects)
        return self.state.phase != "answered"

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
                self._refresh()
                if self.windows[0].is_active():
                    self.buttons["start"].grab_focus()
                    self.windows[0].set_focus_visible(True)
            elif isinstance(effect, bv.Answer):
                self.withdraw_notification()
                for window in self.windows:
                    window.hide()
                self.quit()
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
        self.withdraw_notification()
        for window in self.windows:
            window.show_all()
        if take_focus:
            self.focus_tries = FOCUS_TRIES
            self.take_focus()

    def take_focus(self) -> None:
        main = self.windows[0]
        self.buttons[bv.first_focus(self.view.buttons)].grab_focus()
        main.set_focus_visible(True)  # the ring shows where the keyboard is from the start
        gdk_window = main.get_window()
        main.present_with_time(Gtk.get_current_event_time() or gtk_windows.server_time(gdk_window))
        if gdk_window is not None:
            gdk_window.focus(gtk_windows.server_time(gdk_window))

    def _refresh(self) -> None:
        phase = self.state.phase
        for clock in self.clocks:
            clock.set_text(self.state.clock)
        for bar in self.bars:
            bar.set_fraction(self.state.progress)
        if self.status is not None:
            self.status.set_text(bv.status_text(phase))
        for other in ("postpone", "skip"):  # gone once the time is up (break_view Rule 4)
            if other in self.buttons and not bv.enabled(other, phase):
                self.buttons[other].set_visible(False)
        spec = bv.primary(phase)
        button = self.buttons.get("start")
        if button is None:
            return
        if spec != self.primary_now:
            self.primary_now = spec
            button.set_label(spec.label)
            name_for_readers(button, spec.name, spec.hint)
        # until the countdown is over Done waits, drawn dimmed but still focusable (GTK gives
        # no focus to an insensitive widget, and the keyboard starts on it: break_view Rule 4);
        # pressing it meanwhile does nothing
        style = button.get_style_context()
        if bv.enabled(spec.id, phase):
            style.remove_class("pg-waiting")
        else:
            style.add_class("pg-waiting")


def _monitors(options: Options, device: int) -> list[Monitor]:
    """The monitors to cover in GTK's (logical) pixels."""
    if options.monitors:
        where = [
            Monitor(m.x // device, m.y // device, m.width // device, m.height // device)
            for m in options.monitors
        ]
    else:
        where = gtk_windows.covered_monitors(device)
    return where[:1] if options.single_monitor else where


def run(screen: BreakScreen, options: Options, idle: IdleSource) -> int:
    """Show the break with GTK until it is answered; 1 when there is no display."""
    # what screen readers call the application (else the script's file name)
    GLib.set_prgname(APP_NAME)
    GLib.set_application_name(APP_NAME)
    ok, _argv = Gtk.init_check(None)
    if not ok:
        print("break window: no display to show the break on", file=sys.stderr)
        return 1
    window = GtkBreak(screen, options, idle)

    def on_term() -> bool:
        window.quiet = True  # the service ended the break elsewhere: say nothing
        Gtk.main_quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, on_term)
    window.build(_monitors(options, window.device))
    if window.state.phase != "answered":
        GLib.timeout_add(TICK_MS, window.tick)
        Gtk.main()
    window.withdraw_notification()  # the break ended elsewhere (SIGTERM) while it was shown
    return 0
