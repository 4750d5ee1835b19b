"""GTK 3 draws a form or a text window from its description (core/form_view.py): Linux with
PyGObject (desktop/toolkit.py chooses).

Rule 1: thin: every word, question and action comes from the description; what an action does
        comes from the shell's handlers (`cancel` and `close` close the window here).
Rule 2: screen readers: each question's label is the mnemonic label (LABELLED_BY) of its entry,
        the name of its group of choices, and the description of each choice; a refusal becomes
        the description of its question's controls, so it is said when the focus lands there.
Rule 3: keyboard as in Tk: every control a Tab stop in reading order (radio buttons too: Space
        chooses, as a check box is ticked), Enter does the primary action (a focused push button
        does its own; in the notes Enter is a new line and Ctrl+Enter saves), Esc cancels,
        asking first when something was entered (as the window's close button does).
Rule 4: the look is gtk_look's CSS over the desktop's theme: its fonts and text scale are kept
        (no font sizes in pixels; `--scale` multiplies the desktop's text scale, `text_dpi`);
        only the colours are ours, high contrast included.
Rule 5: a button's accessible name is its plain label ("Save"): the key that also does it is
        shown beside the label for the eye, and a screen reader says the button's own keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import gi

from posture_guard.core.form_view import (
    Action,
    Check,
    Entry,
    ErrorPlace,
    Form,
    Item,
    Look,
    MultipleChoice,
    Notes,
    Paragraph,
    Question,
    Raw,
    Result,
    SingleChoice,
    TextWindow,
    YesNo,
    button_text,
    discard_question,
    touched,
    window_title,
)
from posture_guard.core.statistics import StatisticsWindow
from posture_guard.ui.gtk_look import (  # requires Gtk 3, Gdk 3
    apply_look,
    name_for_readers,
    name_the_program,
)

gi.require_version("Atk", "1.0")
gi.require_version("PangoCairo", "1.0")
from gi.repository import Atk, Gdk, GLib, Gtk, PangoCairo  # noqa: E402

FORM_CLASS: Final = "PostureGuardForm"
INFO_CLASS: Final = "PostureGuardInfo"
_ENTER: Final = frozenset({Gdk.KEY_Return, Gdk.KEY_KP_Enter, Gdk.KEY_ISO_Enter})
_EXTRA_CSS: Final = """
.pg-brand {{ color: {attribution}; }}
.pg-form-buttons button {{ padding: 6px 16px; }}
button:not(.pg-primary) {{ background-image: none; background-color: {field}; color: {text};
                          border: 1px solid {muted}; }}
button:not(.pg-primary) label {{ color: {text}; }}
radio, check {{ border: 2px solid {muted}; background-image: none;
               background-color: {field}; color: {text}; }}
radio:checked, check:checked {{ background-color: {text}; color: {page}; }}
list.pg-table, list.pg-table row {{ background-color: {page}; color: {text}; }}
list.pg-table row:focus {{ outline-offset: -3px; }}
entry:disabled {{ background-color: {page}; color: {text}; border: 1px dashed {muted}; }}
"""
Handler = Callable[["GtkForm"], None]
#: gtk-xft-dpi at 100 %: 96 dots per inch, in 1024ths.
BASE_XFT_DPI: Final = 96 * 1024


def text_dpi(desktop: int, scale: float) -> int:
    """gtk-xft-dpi for `scale` times the desktop's text scale; `desktop` is its gtk-xft-dpi
    (0 or -1 when the desktop sets none: 96 dpi). A 2x text scale with `scale` 1.5 is 3x."""
    return round((desktop if desktop > 0 else BASE_XFT_DPI) * scale)


class _Radio(Gtk.RadioButton):  # type: ignore[misc]
    """A radio button that is a Tab stop of its own, as Tk's are (Rule 3): GTK's radio group
    takes one stop and moves with the arrows; Space still chooses."""

    def do_focus(self, direction: Any) -> bool:
        return bool(Gtk.Widget.do_focus(self, direction))


def _open(class_name: str, look: Look, scale: float | None) -> None:
    """Name the program's windows (WM_CLASS), install our colours, scale text when asked."""
    name_the_program(class_name)
    colours = look.colours()
    apply_look(colours)
    provider = Gtk.CssProvider()
    provider.load_from_data(_EXTRA_CSS.format(**colours).encode("utf-8"))
    screen = Gdk.Screen.get_default()
    if screen is None:
        raise RuntimeError("no display to show the window on")
    Gtk.StyleContext.add_provider_for_screen(
        screen, provider, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION + 1
    )
    if scale:
        settings = Gtk.Settings.get_default()
        if settings is not None:
            desktop = int(settings.get_property("gtk-xft-dpi"))
            settings.set_property("gtk-xft-dpi", text_dpi(desktop, scale))


def _label(text: str, *classes: str, wrap: bool = True) -> Any:
    label = Gtk.Label(label=text, xalign=0.0)
    label.set_line_wrap(wrap)
    for name in classes:
        label.get_style_context().add_class(name)
    return label


def _describe(widgets: list[Any], text: str) -> None:
    for widget in widgets:
        accessible = widget.get_accessible()
        if accessible is not None:
            accessible.set_description(text)


def _labelled_by(widget: Any, label: Any) -> None:
    """ATK: `widget` is labelled by `label` (and `label` labels it)."""
    mine, theirs = widget.get_accessible(), label.get_accessible()
    if mine is None or theirs is None:
        return
    mine.add_relationship(Atk.RelationType.LABELLED_BY, theirs)
    theirs.add_relationship(Atk.RelationType.LABEL_FOR, mine)


class _Field:
    """One question's controls: how to read its answer, its error label, what a reader says."""

    def __init__(
        self, read: Callable[[], Raw], error: Any, controls: list[Any], about: str, box: Any
    ) -> None:
        self.read = read
        self.error = error
        self.controls = controls
        self.about = about  # the controls' description when there is no error
        self.box = box  # the question, its controls and its error, to scroll into view


class GtkForm:
    """A scrollable form of questions with its actions, then the result view."""

    def __init__(self, form: Form, look: Look, handlers: Mapping[str, Handler]) -> None:
        self.form = form
        self.look = look
        self.handlers = handlers
        self.fields: dict[str, _Field] = {}
        self._primary: Callable[[], None] = lambda: None
        self.saved = False  # the result replaced the questions: nothing left to lose
        self.window = Gtk.Window(title=window_title(form.title))
        self.window.connect("delete-event", lambda *_a: self._delete())
        self.window.connect("key-press-event", self._key)
        page = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=4)
        page.get_style_context().add_class("pg-page")
        page.set_border_width(18)
        self.window.add(page)
        if form.brand:
            page.pack_start(_label(form.brand, "pg-brand"), False, False, 0)
        self.header = _label(form.title, "pg-title")
        page.pack_start(self.header, False, False, 0)
        self.banner = _label("", "pg-error")
        self.banner.set_no_show_all(True)
        page.pack_start(self.banner, False, False, 0)
        self.scrolled = Gtk.ScrolledWindow()
        self.scrolled.set_policy(Gtk.PolicyType.NEVER, Gtk.PolicyType.AUTOMATIC)
        self.scrolled.set_vexpand(True)
        self.scrolled.set_overlay_scrolling(False)  # a scroll bar always shown
        page.pack_start(self.scrolled, True, True, 0)
        self.body = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=14)
        self.body.set_border_width(6)
        self.body.set_focus_vadjustment(self.scrolled.get_vadjustment())
        self.scrolled.add(self.body)
        self.buttons = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=10)
        self.buttons.get_style_context().add_class("pg-form-buttons")
        self.buttons.set_margin_top(10)
        page.pack_start(self.buttons, False, False, 0)
        if form.intro:
            self.body.pack_start(_label(form.intro, "pg-muted"), False, False, 0)
        for question in form.questions:
            self._add(question)
        self._actions(form.actions)

    # --- questions --------------------------------------------------------------------------

    def _add(self, item: Item) -> None:
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=4)
        if isinstance(item, Paragraph):
            self._paragraph(box, item)
            return
        question: Question = item
        if isinstance(question, Check):
            read, controls, about = self._check(box, question)
        else:
            label = _label(question.text, "pg-question")
            box.pack_start(label, False, False, 0)
            if isinstance(question, Entry):
                read, controls, about = self._entry(box, label, question)
            elif isinstance(question, Notes):
                read, controls, about = self._notes(box, label, question)
            elif isinstance(question, MultipleChoice):
                read, controls, about = self._choices(box, label, question)
            else:
                read, controls, about = self._choice(box, label, question)
        error = _label("", "pg-error")
        error.set_no_show_all(True)
        box.pack_start(error, False, False, 0)
        self.body.pack_start(box, False, False, 0)
        self.fields[question.name] = _Field(read, error, controls, about, box)

    def _paragraph(self, box: Any, paragraph: Paragraph) -> None:
        """A heading and its lines: text to read, no Tab stop (a screen reader reads labels)."""
        box.pack_start(_label(paragraph.text, "pg-question"), False, False, 0)
        for line in paragraph.lines:
            box.pack_start(_label(line), False, False, 0)
        self.body.pack_start(box, False, False, 0)

    def _check(self, box: Any, q: Check) -> tuple[Callable[[], Raw], list[Any], str]:
        """One check box labelled by its own text (its name for screen readers); "yes"/"no"."""
        button = Gtk.CheckButton(label=q.text)
        button.get_child().set_line_wrap(True)
        button.set_active(q.default)
        button.set_halign(Gtk.Align.START)  # its focus ring round the box and label only
        name_for_readers(button, q.text, q.locked)
        if q.locked:
            button.set_sensitive(False)
            row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=10)
            row.pack_start(button, False, False, 0)
            row.pack_start(_label(q.locked, "pg-muted", wrap=False), False, False, 0)
            box.pack_start(row, False, False, 0)
        else:
            box.pack_start(button, False, False, 0)
        return lambda: "yes" if button.get_active() else "no", [button], q.locked

    def _entry(self, box: Any, label: Any, q: Entry) -> tuple[Callable[[], Raw], list[Any], str]:
        row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=10)
        entry = Gtk.Entry(text=q.default, width_chars=q.width)
        entry.set_activates_default(False)
        label.set_mnemonic_widget(entry)
        beside = q.locked or q.hint
        name_for_readers(entry, q.text, beside)
        entry.set_sensitive(not q.locked)
        row.pack_start(entry, False, False, 0)
        if q.choose and not q.locked:
            button = Gtk.Button(label=q.choose)
            name_for_readers(button, q.choose, q.text)
            button.connect("clicked", lambda _b: self._choose_file(entry, q.text))
            row.pack_start(button, False, False, 0)
        if beside:
            row.pack_start(_label(beside, "pg-muted", wrap=False), False, False, 0)
        box.pack_start(row, False, False, 0)
        return entry.get_text, [entry], beside

    def _choose_file(self, entry: Any, title: str) -> None:
        """The desktop's file chooser (a portal's where there is one); the file picked goes
        into `entry`, which keeps the focus."""
        chooser = Gtk.FileChooserNative.new(title, self.window, Gtk.FileChooserAction.OPEN)
        if chooser.run() == Gtk.ResponseType.ACCEPT:
            picked = chooser.get_filename()
            if picked:
                entry.set_text(picked)
        chooser.destroy()
        entry.grab_focus()

    def _notes(self, box: Any, label: Any, q: Notes) -> tuple[Callable[[], Raw], list[Any], str]:
        view = Gtk.TextView(wrap_mode=Gtk.WrapMode.WORD_CHAR, accepts_tab=False)
        view.set_left_margin(6)
        view.set_right_margin(6)
        view.set_top_margin(4)
        view.set_bottom_margin(4)
        frame = Gtk.Frame()
        frame.add(view)
        layout = view.create_pango_layout("M")
        frame.set_size_request(-1, layout.get_pixel_size()[1] * 3 + 12)  # three lines
        label.set_mnemonic_widget(view)
        name_for_readers(view, q.text)
        box.pack_start(frame, False, False, 0)
        buffer = view.get_buffer()

        def read() -> Raw:
            return str(buffer.get_text(buffer.get_start_iter(), buffer.get_end_iter(), False))

        return read, [view], ""

    def _grid(
        self, box: Any, label: Any, question: Question, buttons: list[Any], cols: int
    ) -> None:
        grid = Gtk.Grid(column_spacing=24, row_spacing=2)
        for index, button in enumerate(buttons):
            grid.attach(button, index % cols, index // cols, 1, 1)
        name_for_readers(grid, question.text)
        _labelled_by(grid, label)
        _describe(buttons, question.text)
        box.pack_start(grid, False, False, 0)

    def _choice(
        self, box: Any, label: Any, q: SingleChoice | YesNo
    ) -> tuple[Callable[[], Raw], list[Any], str]:
        if isinstance(q, YesNo):
            options = [("yes", q.yes), ("no", q.no)]
            default = None if q.default is None else ("yes" if q.default else "no")
            columns = 2
        else:
            options = [(o.value, o.label) for o in q.options]
            default, columns = q.default, q.columns
        nothing = _Radio()  # never shown: chosen while no answer is (a GTK group has one)
        buttons: list[Any] = []
        for value, text in options:
            button = _Radio(label=text, group=nothing)
            button.get_child().set_line_wrap(True)
            button.set_active(value == default)
            buttons.append(button)
        nothing.set_active(default is None)
        self._grid(box, label, q, buttons, columns)
        if isinstance(q, SingleChoice) and q.locked:
            for button in buttons:
                button.set_sensitive(False)
            _describe(buttons, q.locked)
            box.pack_start(_label(q.locked, "pg-muted"), False, False, 0)
        values = [value for value, _text in options]

        def read() -> Raw:
            return next((v for v, b in zip(values, buttons, strict=True) if b.get_active()), None)

        return read, buttons, q.text

    def _choices(
        self, box: Any, label: Any, q: MultipleChoice
    ) -> tuple[Callable[[], Raw], list[Any], str]:
        buttons: list[Any] = []
        for option in q.options:
            button = Gtk.CheckButton(label=option.label)
            button.get_child().set_line_wrap(True)
            button.set_active(option.value in q.default)
            buttons.append(button)
        self._grid(box, label, q, buttons, q.columns)
        ticks = list(zip((o.value for o in q.options), buttons, strict=True))
        return lambda: frozenset(v for v, b in ticks if b.get_active()), buttons, q.text

    # --- actions, keys, errors, results -----------------------------------------------------

    def _actions(self, actions: tuple[Action, ...]) -> Any:
        """The buttons, right-aligned in the actions' order; returns the primary one."""
        for child in self.buttons.get_children():
            child.destroy()
        self._primary = lambda: None
        self.buttons.pack_start(Gtk.Box(), True, True, 0)  # pushes the buttons to the right
        primary = None
        for action in actions:
            button = Gtk.Button(label=button_text(action))
            name_for_readers(button, action.label)
            command = self._command(action)
            button.connect("clicked", lambda _b, c=command: c())
            if action.primary:
                button.get_style_context().add_class("pg-primary")
                primary = button
            if action.key == "enter":
                self._primary = command
            self.buttons.pack_start(button, False, False, 0)
        self.buttons.show_all()
        return primary

    def _command(self, action: Action) -> Callable[[], None]:
        if action.id == "cancel":
            return self.cancel
        if action.id == "close":
            return self.close
        handler = self.handlers[action.id]
        return lambda: handler(self)

    def cancel(self) -> None:
        """Close, after asking when something was entered (Esc, Cancel, the close button)."""
        if self.saved or not touched(self.form, self.raw()) or self._discard_asked():
            self.close()

    def _delete(self) -> bool:
        self.cancel()
        return True  # the window stays unless cancel closed it

    def _discard_asked(self) -> bool:
        """Ask `discard_question()`; True when Discard was chosen (Esc, Enter: keep)."""
        confirm = discard_question()
        dialog = Gtk.MessageDialog(
            transient_for=self.window, modal=True, message_type=Gtk.MessageType.QUESTION,
            buttons=Gtk.ButtonsType.NONE, text=confirm.title, secondary_text=confirm.text,
        )  # fmt: skip
        dialog.set_title(window_title(confirm.title))
        responses = {}
        for number, action in enumerate(confirm.actions, start=1):
            button = dialog.add_button(action.label, number)
            name_for_readers(button, action.label)
            responses[number] = action.id
            if action.id == confirm.default:
                dialog.set_default_response(number)
                button.grab_focus()
        answer = dialog.run()
        dialog.destroy()
        return responses.get(answer) == "discard"

    def _key(self, _window: Any, event: Any) -> bool:
        if event.keyval == Gdk.KEY_Escape:
            self.cancel()
            return True
        if event.keyval not in _ENTER:
            return False
        focus = self.window.get_focus()
        ctrl = bool(event.state & Gdk.ModifierType.CONTROL_MASK)
        if isinstance(focus, Gtk.TextView) and not ctrl:
            return False  # a new line in the notes
        if isinstance(focus, Gtk.Button) and not isinstance(focus, Gtk.ToggleButton):
            return False  # a focused push button does its own action
        self._primary()
        return True

    def raw(self) -> dict[str, Raw]:
        """What each question holds now, by its name."""
        return {name: field.read() for name, field in self.fields.items()}

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.error.set_text("")
            field.error.hide()
            _describe(field.controls, field.about)
        self.banner.set_text("")
        self.banner.hide()

    def show_error(self, place: ErrorPlace) -> None:
        """The refusal beside its question or on top (always in view, above the questions);
        either way it becomes the description of the concerned question's controls, the first
        of which takes the focus, and that question is scrolled into view with its error."""
        field = self.fields.get(place.field) if place.field is not None else None
        if field is None:
            self.banner.set_text(place.text)
            self.banner.show()
            concerned = place.concerns
            field = self.fields.get(concerned) if concerned is not None else None
            field = field or next(iter(self.fields.values()), None)
            if field is None:
                return
        else:
            field.error.set_text(place.text)
            field.error.show()
        _describe(field.controls, f"{place.text} {field.about}".strip())
        field.controls[0].grab_focus()
        GLib.idle_add(self._reveal, field.box)

    def _reveal(self, box: Any) -> bool:
        """Scroll the questions so that `box` (a question with its error) is in view."""
        placed = box.translate_coordinates(self.body, 0, 0)
        if placed is None:
            return False
        top = placed[1]
        bottom = top + box.get_allocated_height()
        adjustment = self.scrolled.get_vadjustment()
        shown, page = adjustment.get_value(), adjustment.get_page_size()
        value = shown
        if bottom > shown + page:
            value = bottom - page + 12  # its end (the error) in view
        value = min(value, top - 12)  # and its start (the question), first
        adjustment.set_value(max(0.0, min(value, adjustment.get_upper() - page)))
        return False

    def show_result(self, result: Result) -> None:
        """Replace the questions with what was saved (and the advice), read-only."""
        for child in self.body.get_children():
            child.destroy()
        self.fields.clear()
        self.saved = True
        self.header.set_text(result.heading)
        self.banner.hide()
        view = _text_view(result.text, monospace=False)
        name_for_readers(view, result.heading)
        self.body.pack_start(view, True, True, 0)
        self.body.show_all()
        self.scrolled.get_vadjustment().set_value(0)
        primary = self._actions(result.actions)
        if primary is not None:
            primary.grab_focus()

    def run(self) -> None:
        """Show the form until it closes; the first question (or `form.focus`) has the focus."""
        screen = self.window.get_screen()
        width, height = (720, 780) if self.form.small else (1120, 740)
        self.window.set_default_size(
            min(width, screen.get_width() - 40), min(height, screen.get_height() - 100)
        )
        self.window.show_all()
        # the focus ring from the start, not only after the first key (a check box that has
        # the focus shows no caret to tell)
        self.window.set_focus_visible(True)
        first = self.fields.get(self.form.focus or "") or next(iter(self.fields.values()), None)
        if first is not None:
            first.controls[0].grab_focus()
            if self.form.focus is not None:
                GLib.idle_add(self._reveal, first.box)
        self.window.present()
        Gtk.main()

    def close(self) -> None:
        self.window.destroy()
        self._quit()

    def _quit(self) -> bool:
        Gtk.main_quit()
        return False


def _text_view(text: str, *, monospace: bool) -> Any:
    view = Gtk.TextView(editable=False, cursor_visible=False, monospace=monospace)
    view.set_wrap_mode(Gtk.WrapMode.NONE if monospace else Gtk.WrapMode.WORD_CHAR)
    view.get_buffer().set_text(text)
    for side in ("left", "right", "top", "bottom"):
        getattr(view, f"set_{side}_margin")(8)
    return view


def show_form(
    form: Form, look: Look, handlers: Mapping[str, Handler], *, scale: float | None
) -> None:
    """Draw `form` and run it until it closes (RuntimeError without a display)."""
    _open(FORM_CLASS, look, scale)
    GtkForm(form, look, handlers).run()


def show_text(window: TextWindow, handlers: Mapping[str, Callable[[], object]], look: Look) -> None:
    """A read-only text window with its buttons; blocks until closed (RuntimeError: no
    display). Close (first in Tab order) has the focus; Esc closes."""
    _open(INFO_CLASS, look, None)
    top = Gtk.Window(title=window.title)
    top.connect("destroy", lambda *_a: Gtk.main_quit())
    top.connect(
        "key-press-event",
        lambda _w, e: e.keyval == Gdk.KEY_Escape and (top.destroy() or True),
    )
    page = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=8)
    page.set_border_width(8)
    top.add(page)
    if window.alert:  # first, in the error colour, announced as an alert
        banner = Gtk.Label(label=window.alert, xalign=0.0)
        banner.set_line_wrap(True)
        banner.set_max_width_chars(72)
        banner.set_selectable(True)
        banner.set_can_focus(False)
        banner.get_style_context().add_class("pg-alert")
        accessible = banner.get_accessible()
        if accessible is not None:
            accessible.set_role(Atk.Role.ALERT)
        page.pack_start(banner, False, False, 0)
    scrolled = Gtk.ScrolledWindow()
    scrolled.set_vexpand(True)
    view = _text_view(window.text, monospace=window.monospace)
    name_for_readers(view, window.name or window.title)
    scrolled.add(view)
    page.pack_start(scrolled, True, True, 0)
    row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=8)
    row.pack_start(Gtk.Box(), True, True, 0)
    made = []
    for action in window.actions:
        button = Gtk.Button(label=button_text(action))
        name_for_readers(button, action.label)
        if action.id == "close":
            button.connect("clicked", lambda _b: top.destroy())
        else:
            handler = handlers[action.id]
            button.connect("clicked", lambda _b, h=handler: h())
        row.pack_start(button, False, False, 0)
        made.append(button)
    page.pack_start(row, False, False, 0)
    if window.monospace:  # wide enough for the longest line (whole paths), within the screen
        widest = max(window.text.splitlines() or [""], key=len)
        layout = view.create_pango_layout(widest + "MMMM")
    else:
        layout = view.create_pango_layout("M" * 72)
    char_width, line_height = layout.get_pixel_size()
    lines = min(max(window.text.count("\n") + 2, 8), 30)
    screen = top.get_screen()
    top.set_default_size(
        min(char_width + 60, screen.get_width() - 40),
        min(line_height * lines + 90, screen.get_height() - 100),
    )
    top.show_all()
    made[0].grab_focus()
    top.present()
    Gtk.main()


# --- the statistics window ---------------------------------------------------------------------


def _rgb(colour: str) -> tuple[float, float, float]:
    value = Gdk.RGBA()
    value.parse(colour)
    return value.red, value.green, value.blue


def _draw_bars(area: Any, cr: Any, window: StatisticsWindow, look: Look) -> bool:
    """The bars of active time per day: the time above each bar, the day under it, a base
    line; the focus ring round them when they have the focus (a Tab stop of their own)."""
    width, height = area.get_allocated_width(), area.get_allocated_height()
    layout = area.create_pango_layout("0")
    line = layout.get_pixel_size()[1]
    top, bottom = line + 6, line + 10
    room = max(1, height - top - bottom)
    slot = width / max(1, len(window.bars))
    for number, bar in enumerate(window.bars):
        left = number * slot
        tall = bar.fraction * room
        if bar.fraction > 0:
            tall = max(tall, 2.0)
        cr.set_source_rgb(*_rgb(window.bar_colour))
        cr.rectangle(left + slot * 0.2, top + room - tall, slot * 0.6, tall)
        cr.fill()
        cr.set_source_rgb(*_rgb(look.text))
        for text, y in ((bar.value, top + room - tall - line - 3), (bar.label, top + room + 6)):
            layout.set_text(text, -1)
            text_width = layout.get_pixel_size()[0]
            cr.move_to(left + (slot - text_width) / 2, y)
            PangoCairo.show_layout(cr, layout)
    cr.set_source_rgb(*_rgb(look.muted))
    cr.set_line_width(1)
    cr.move_to(0, top + room + 0.5)
    cr.line_to(width, top + room + 0.5)
    cr.stroke()
    if area.has_focus():
        cr.set_source_rgb(*_rgb(look.focus))
        cr.set_line_width(3)
        cr.rectangle(1.5, 1.5, width - 3, height - 3)
        cr.stroke()
    return False


def statistics_view(window: StatisticsWindow, look: Look) -> Any:
    """The statistics window as a Gtk.Window (shown by the caller). The table is a list whose
    rows are Tab and arrow stops, each named with its sentence (`Row.spoken`); the bars are a
    Tab stop named with every day's time; Close (Esc) closes."""
    top = Gtk.Window(title=window_title(window.title))
    top.connect(
        "key-press-event",
        lambda _w, e: e.keyval == Gdk.KEY_Escape and (top.destroy() or True),
    )
    page = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=8)
    page.get_style_context().add_class("pg-page")
    page.set_border_width(18)
    top.add(page)
    if window.brand:
        page.pack_start(_label(window.brand, "pg-brand"), False, False, 0)
    page.pack_start(_label(window.title, "pg-title"), False, False, 0)
    if window.empty:
        page.pack_start(_label(window.empty, "pg-muted"), False, False, 0)
    sizes = [
        Gtk.SizeGroup(mode=Gtk.SizeGroupMode.HORIZONTAL) for _ in range(len(window.columns) + 1)
    ]

    def cells(texts: tuple[str, ...], *classes: str) -> Any:
        row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=24)
        for number, text in enumerate(texts):
            cell = _label(text, *classes, wrap=False)
            cell.set_xalign(0.0 if number == 0 else 1.0)
            sizes[number].add_widget(cell)
            row.pack_start(cell, False, False, 0)
        row.set_margin_start(6)
        row.set_margin_end(6)
        return row

    body = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=8)
    body.set_border_width(4)
    scrolled = Gtk.ScrolledWindow()
    scrolled.set_policy(Gtk.PolicyType.NEVER, Gtk.PolicyType.AUTOMATIC)
    scrolled.set_propagate_natural_height(True)  # as tall as the figures, within the screen
    scrolled.set_propagate_natural_width(True)
    scrolled.set_overlay_scrolling(False)  # a scroll bar shown when they do not fit
    scrolled.set_max_content_height(max(160, top.get_screen().get_height() - 200))
    scrolled.set_vexpand(True)
    scrolled.add(body)
    page.pack_start(scrolled, True, True, 0)
    body.set_focus_vadjustment(scrolled.get_vadjustment())
    header = cells(("", *window.columns), "pg-question")
    body.pack_start(header, False, False, 0)
    table = Gtk.ListBox()
    table.set_name("statistics-table")
    table.get_style_context().add_class("pg-table")
    table.set_selection_mode(Gtk.SelectionMode.NONE)
    name_for_readers(table, window.title)
    for row in window.rows:
        item = Gtk.ListBoxRow()
        item.add(cells((row.label, *row.cells)))
        item.set_activatable(False)
        name_for_readers(item, row.spoken)
        table.add(item)
    body.pack_start(table, False, False, 0)
    body.pack_start(_label(window.bars_title, "pg-question"), False, False, 6)
    area = Gtk.DrawingArea()
    area.set_name("statistics-bars")
    area.set_can_focus(True)
    probe = area.create_pango_layout(max((b.label for b in window.bars), key=len, default="M"))
    label_width, line = probe.get_pixel_size()
    area.set_size_request(max(420, (label_width + 24) * len(window.bars)), line * 8)
    name_for_readers(area, window.bars_spoken)
    accessible = area.get_accessible()
    if accessible is not None:
        accessible.set_role(Atk.Role.IMAGE)
    area.connect("draw", lambda a, cr: _draw_bars(a, cr, window, look))
    area.connect("focus-in-event", lambda a, _e: a.queue_draw() and False)
    area.connect("focus-out-event", lambda a, _e: a.queue_draw() and False)
    body.pack_start(area, False, False, 0)
    for note in window.notes:
        note_label = _label(note, "pg-muted")
        note_label.set_max_width_chars(80)
        body.pack_start(note_label, False, False, 0)
    buttons = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=10)
    buttons.get_style_context().add_class("pg-form-buttons")
    buttons.pack_start(Gtk.Box(), True, True, 0)
    for action in window.actions:
        button = Gtk.Button(label=button_text(action))
        name_for_readers(button, action.label)
        if action.primary:
            button.get_style_context().add_class("pg-primary")
        button.connect("clicked", lambda _b: top.destroy())  # Close is the only action
        buttons.pack_start(button, False, False, 0)
    page.pack_start(buttons, False, False, 0)
    first = table.get_row_at_index(0)
    top.connect("show", lambda *_a: first.grab_focus() if first is not None else None)
    return top


def show_statistics(window: StatisticsWindow, look: Look, *, scale: float | None) -> None:
    """Draw the statistics window and run it until it closes (RuntimeError: no display); the
    table's first row has the focus."""
    _open(INFO_CLASS, look, scale)
    top = statistics_view(window, look)
    top.connect("destroy", lambda *_a: Gtk.main_quit())
    top.show_all()
    top.set_focus_visible(True)
    top.present()
    Gtk.main()
