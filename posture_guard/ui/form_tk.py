"""Tk draws a form or a text window from its description (core/form_view.py): Windows, macOS,
and Linux without PyGObject.

Rule 1: thin: every word, question and action comes from the description; what an action does
        comes from the shell's handlers (`cancel` and `close` close the window here).
Rule 2: keyboard: Tab / Shift+Tab in reading order (the buttons left to right, as drawn),
        Space ticks, Enter does the primary action; a focused button does its own on Enter, and
        in the notes Enter is a new line (Ctrl+Enter does the primary action); Esc cancels or
        closes, asking first when something was entered (as the window's close button does).
Rule 3: Tk shapes no complex script and exposes nothing to screen readers (desktop/toolkit.py
        says so); the fonts follow Tk's scaling, which the shell sets from the desktop's scale.
Rule 4: one look for forms and text windows (`apply_look`): the palette of the description's
        `Look` and a focus ring of FOCUS_RING_PX on every control.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Mapping
from tkinter import font as tkfont
from tkinter import ttk
from typing import Final, NamedTuple

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

BASE_SCALING: Final = 96 / 72
#: The focus ring's width in pixels (WCAG 2.4.13 asks for at least 2), as gtk_look's.
FOCUS_RING_PX: Final = 3
#: A ttk button's focus ring: its border in the focus colour (clam draws at most two pixels).
BUTTON_RING_PX: Final = 2
#: One notch of a mouse wheel as Windows and Tk 8.7+ on X11 report it in <MouseWheel>'s delta.
WHEEL_NOTCH: Final = 120
FORM_CLASS: Final = "PostureGuardForm"
INFO_CLASS: Final = "PostureGuardInfo"
Handler = Callable[["TkForm"], None]


class _Field:
    """One question's widgets: how to read its answer, its error label, its first control."""

    def __init__(
        self, read: Callable[[], Raw], error: ttk.Label, first: tk.Widget, box: ttk.Frame
    ) -> None:
        self.read = read
        self.error = error
        self.first = first
        self.box = box  # the question, its controls and its error, to scroll into view


def open_root(class_name: str, scale: float | None) -> tk.Tk:
    """The Tk root (raises tk.TclError without a display), scaled by `scale` when given."""
    root = tk.Tk(className=class_name)
    if scale:
        root.tk.call("tk", "scaling", BASE_SCALING * scale)
    return root


def wheel_units(delta: int, windowing: str) -> int:
    """Units to scroll for one turn of the wheel (positive: down). `delta` is <MouseWheel>'s:
    Windows (and Tk 8.7+ on X11) report 120 a notch, finer wheels less; macOS ("aqua") reports
    lines. X11 under Tk 8.6 sends Button-4 / Button-5 instead: call with +/-WHEEL_NOTCH."""
    if delta == 0:
        return 0
    if windowing == "aqua":
        return -delta
    notches = max(1, abs(delta) // WHEEL_NOTCH)
    return -2 * notches if delta > 0 else 2 * notches


class Fonts(NamedTuple):
    """The fonts of our windows: body text, bold (questions, buttons), the title."""

    body: tkfont.Font
    bold: tkfont.Font
    title: tkfont.Font


def apply_look(root: tk.Tk, look: Look) -> Fonts:
    """The look of our Tk windows (Rule 4): the palette on every ttk style, our fonts, a focus
    ring in the focus colour (a button's border, BUTTON_RING_PX; a text's, FOCUS_RING_PX)."""
    family = "DejaVu Sans" if "DejaVu Sans" in tkfont.families(root) else "TkDefaultFont"
    fonts = Fonts(
        _font(root, "PostureGuardBody", family=family, size=11),
        _font(root, "PostureGuardBold", family=family, size=11, weight="bold"),
        _font(root, "PostureGuardTitle", family=family, size=18, weight="bold"),
    )
    root.configure(background=look.page)
    p = look
    style = ttk.Style(root)
    style.theme_use("clam")
    style.configure(".", background=p.page, foreground=p.text, font=fonts.body,
                    focuscolor=p.focus)  # fmt: skip
    style.configure("TFrame", background=p.page)
    style.configure("Title.TLabel", font=fonts.title, foreground=p.text)
    style.configure("Question.TLabel", font=fonts.bold, foreground=p.text)
    style.configure("Error.TLabel", foreground=p.error, font=fonts.bold)
    style.configure("Muted.TLabel", foreground=p.muted)
    style.configure("Brand.TLabel", foreground=p.attribution)
    ring_element = _ring_element(root, style, p.focus)
    for kind in ("TCheckbutton", "TRadiobutton"):
        style.configure(kind, background=p.page, foreground=p.text,
                        indicatorbackground=p.field, indicatorforeground=p.text,
                        indicatorsize=fonts.body.metrics("linespace") - 4,
                        indicatormargin=(0, 2, 6, 2))  # fmt: skip
        style.map(kind, background=[("active", p.field)],
                  upperbordercolor=[("focus", p.focus)], lowerbordercolor=[("focus", p.focus)])  # fmt: skip
        name = kind.removeprefix("T")
        style.layout(kind, [(f"{name}.padding", {"sticky": "nswe", "children": [
            (f"{name}.indicator", {"side": "left", "sticky": ""}),
            (f"{name}.{ring_element}", {"side": "left", "sticky": "w",
                                        "children": [(f"{name}.label", {"sticky": "nswe"})]}),
        ]})])  # fmt: skip
    style.configure("TEntry", fieldbackground=p.field, foreground=p.text,
                    insertcolor=p.text, bordercolor=p.muted, lightcolor=p.field)  # fmt: skip
    style.map("TEntry", bordercolor=[("focus", p.focus)], lightcolor=[("focus", p.focus)])
    # a button's ring: its whole border (clam draws two pixels: the edge and the bevel)
    ring = [("focus", p.focus)]
    style.configure("TButton", padding=(16, 8), font=fonts.bold, borderwidth=BUTTON_RING_PX)
    style.map("TButton", bordercolor=ring, lightcolor=ring, darkcolor=ring)
    style.configure("Accent.TButton", background=p.accent, foreground=p.on_accent,
                    font=fonts.bold, padding=(16, 8), bordercolor=p.accent)  # fmt: skip
    style.map("Accent.TButton", background=[("active", p.accent)], bordercolor=ring,
              lightcolor=ring, darkcolor=ring)  # fmt: skip
    style.configure("TScrollbar", troughcolor=p.page)
    return fonts


def _ring_element(root: tk.Tk, style: ttk.Style, colour: str) -> str:
    """The name of a ttk element that frames its children with a solid FOCUS_RING_PX ring in
    `colour` while the widget has the focus (clam's own focus element draws one dotted pixel
    whatever its focusthickness), and keeps the same room without it, so nothing moves."""
    name = f"PostureGuardRing{colour.lstrip('#')}"
    if name in style.element_names():
        return name
    # named Tcl images, not PhotoImage objects: they live as long as Tk, as the element does
    ring, blank, side, width = f"{name}On", f"{name}Off", 2 * FOCUS_RING_PX + 2, FOCUS_RING_PX
    for image in (ring, blank):  # a new photo's pixels are all transparent
        root.tk.call("image", "create", "photo", image, "-width", side, "-height", side)
    for box in ((0, 0, side, width), (0, side - width, side, side), (0, 0, width, side),
                (side - width, 0, side, side)):  # fmt: skip
        root.tk.call(ring, "put", colour, "-to", *box)
    style.element_create(name, "image", blank, ("focus", ring), border=FOCUS_RING_PX,
                         padding=FOCUS_RING_PX + 1, sticky="nswe")  # fmt: skip
    return name


def _font(root: tk.Tk, name: str, **options: object) -> tkfont.Font:
    """A named font that lives as long as the window: the styles name it, so it must not go
    when the Python object does (Font deletes its Tk font then)."""
    font = tkfont.Font(root, name=name, exists=False, **options)  # type: ignore[arg-type]
    font.delete_font = False
    return font


def text_colours(look: Look) -> dict[str, object]:
    """A tk.Text in our look: the field's colours, a focus ring of FOCUS_RING_PX."""
    return {"background": look.field, "foreground": look.text, "insertbackground": look.text,
            "selectbackground": look.text, "selectforeground": look.field, "relief": "solid",
            "borderwidth": 1, "highlightthickness": FOCUS_RING_PX,
            "highlightcolor": look.focus, "highlightbackground": look.page}  # fmt: skip


def _buttons(row: tk.Misc, made: list[ttk.Button]) -> None:
    """Lay `made` out right-aligned in their order: made left to right, so Tab (which follows
    the order of making) goes the way they read; Enter presses the focused one."""
    for button in reversed(made):
        button.pack(side="right", padx=(10, 0))
    for button in made:
        button.bind("<Return>", _press(button))
        button.bind("<KP_Enter>", _press(button))


def _press(button: ttk.Button) -> Callable[[object], str]:
    def press(_event: object) -> str:
        button.invoke()
        return "break"  # not the window's Enter too

    return press


class TkForm:
    """A scrollable form of questions with its actions, then the result view."""

    def __init__(
        self, root: tk.Tk, form: Form, look: Look, handlers: Mapping[str, Handler]
    ) -> None:
        self.root = root
        self.form = form
        self.p = look
        self.handlers = handlers
        self.fields: dict[str, _Field] = {}
        self._primary: Callable[[], None] = lambda: None
        #: Where text wraps, in pixels: the form's width less its margins.
        self.wrap = 620 if form.small else 940
        self.saved = False  # the result replaced the questions: nothing left to lose
        root.title(window_title(form.title))
        self.f_body = apply_look(root, look).body
        if form.brand:
            ttk.Label(root, text=form.brand, style="Brand.TLabel").pack(
                anchor="w", padx=24, pady=(14, 0)
            )
        self.header = ttk.Label(root, text=form.title, style="Title.TLabel")
        self.header.pack(anchor="w", padx=24, pady=(4 if form.brand else 18, 4))
        self.banner = ttk.Label(root, text="", style="Error.TLabel", wraplength=self.wrap + 20)
        self.banner.pack(anchor="w", padx=24)
        outer = ttk.Frame(root)
        outer.pack(fill="both", expand=True, padx=(24, 8))
        self.canvas = tk.Canvas(outer, background=look.page, highlightthickness=0)
        bar = ttk.Scrollbar(outer, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.body = ttk.Frame(self.canvas)
        self.canvas.create_window((0, 0), window=self.body, anchor="nw")
        self.body.bind(
            "<Configure>", lambda _e: self.canvas.configure(scrollregion=self.canvas.bbox("all"))
        )
        windowing = str(root.tk.call("tk", "windowingsystem"))
        root.bind_all("<MouseWheel>", lambda e: self._scroll(wheel_units(e.delta, windowing)))
        root.bind_all("<Button-4>", lambda _e: self._scroll(wheel_units(WHEEL_NOTCH, "x11")))
        root.bind_all("<Button-5>", lambda _e: self._scroll(wheel_units(-WHEEL_NOTCH, "x11")))
        self.buttons = ttk.Frame(root)
        self.buttons.pack(fill="x", padx=24, pady=14)
        root.bind("<Escape>", lambda _e: self.cancel())
        root.protocol("WM_DELETE_WINDOW", self.cancel)
        if form.intro:
            ttk.Label(self.body, text=form.intro, style="Muted.TLabel").pack(anchor="w")
        for question in form.questions:
            self._add(question)
        self._actions(form.actions)

    # --- questions --------------------------------------------------------------------------

    def _add(self, item: Item) -> None:
        box = ttk.Frame(self.body)
        box.pack(fill="x", anchor="w", pady=(10, 0))
        if isinstance(item, Paragraph):  # a heading and its lines: to read, no Tab stop
            ttk.Label(box, text=item.text, style="Question.TLabel", wraplength=self.wrap).pack(
                anchor="w"
            )
            for line in item.lines:
                ttk.Label(box, text=line, wraplength=self.wrap, justify="left").pack(anchor="w")
            return
        read: Callable[[], Raw]
        if isinstance(item, Check):
            read, first = self._check(box, item)
        else:
            ttk.Label(box, text=item.text, style="Question.TLabel", wraplength=self.wrap).pack(
                anchor="w"
            )
            if isinstance(item, Entry):
                read, first = self._entry(box, item)
            elif isinstance(item, Notes):
                read, first = self._notes(box, item)
            elif isinstance(item, MultipleChoice):
                read, first = self._choices(box, item)
            else:
                read, first = self._choice(box, item)
        error = ttk.Label(box, text="", style="Error.TLabel", wraplength=self.wrap)
        error.pack(anchor="w")
        self.fields[item.name] = _Field(read, error, first, box)

    def _scroll(self, units: int) -> None:
        self.canvas.yview_scroll(units, "units")

    def _keep_visible(self, widget: tk.Widget) -> None:
        widget.bind("<FocusIn>", lambda _e: self._scroll_to(widget), add="+")

    def _scroll_to(self, widget: tk.Widget) -> None:
        self.root.update_idletasks()
        top = widget.winfo_rooty() - self.body.winfo_rooty()
        height = max(1, self.body.winfo_height())
        view_top, view_bottom = self.canvas.yview()
        if not view_top * height <= top <= view_bottom * height - 40:
            self.canvas.yview_moveto(max(0.0, (top - 60) / height))

    def _entry(self, box: ttk.Frame, q: Entry) -> tuple[Callable[[], Raw], tk.Widget]:
        row = ttk.Frame(box)
        row.pack(anchor="w", pady=(4, 0))
        var = tk.StringVar(self.root, q.default)
        widget = ttk.Entry(
            row, textvariable=var, width=q.width, font=self.f_body, name=f"field_{q.name}"
        )
        widget.pack(side="left")
        if q.locked:
            widget.state(["disabled"])
        elif q.choose:

            def choose() -> None:
                from tkinter import filedialog  # noqa: PLC0415 - only when asked for

                picked = filedialog.askopenfilename(parent=self.root, title=q.text)
                if picked:
                    var.set(picked)
                widget.focus_set()

            ttk.Button(row, text=q.choose, command=choose).pack(side="left", padx=(8, 0))
        if q.locked or q.hint:
            ttk.Label(row, text=q.locked or q.hint, style="Muted.TLabel").pack(side="left", padx=10)
        self._keep_visible(widget)
        return var.get, widget

    def _notes(self, box: ttk.Frame, q: Notes) -> tuple[Callable[[], Raw], tk.Widget]:
        widget = tk.Text(
            box, width=70, height=3, font=self.f_body, wrap="word", name=f"field_{q.name}",
            **text_colours(self.p),  # type: ignore[arg-type]
        )  # fmt: skip
        widget.pack(anchor="w", pady=(4, 0))
        # Tab moves on (a note has no tabs); Enter is a new line, not the window's Enter;
        # Ctrl+Enter does the primary action from inside
        widget.bind("<Tab>", lambda _e: _move_focus(widget.tk_focusNext()))
        widget.bind("<Shift-Tab>", lambda _e: _move_focus(widget.tk_focusPrev()))
        widget.bind("<Control-Return>", lambda _e: self._primary_and_stop())
        widget.bind("<Control-KP_Enter>", lambda _e: self._primary_and_stop())
        widget.bind("<Return>", lambda _e: _new_line(widget))
        widget.bind("<KP_Enter>", lambda _e: _new_line(widget))
        self._keep_visible(widget)
        return lambda: widget.get("1.0", "end"), widget

    def _choice(
        self, box: ttk.Frame, q: SingleChoice | YesNo
    ) -> tuple[Callable[[], Raw], tk.Widget]:
        if isinstance(q, YesNo):
            options = [("yes", q.yes), ("no", q.no)]
            default = None if q.default is None else ("yes" if q.default else "no")
            columns = 2
        else:
            options = [(o.value, o.label) for o in q.options]
            default, columns = q.default, q.columns
        grid = ttk.Frame(box)
        grid.pack(anchor="w", pady=(4, 0))
        var = tk.StringVar(self.root, default or "")
        buttons = []
        for index, (value, label) in enumerate(options):
            button = ttk.Radiobutton(
                grid, text=label, value=value, variable=var,
                name=f"field_{q.name}_{value}".replace("-", "_"),
            )  # fmt: skip
            button.grid(row=index // columns, column=index % columns, sticky="w", padx=(0, 24))
            self._keep_visible(button)
            buttons.append(button)
        if isinstance(q, SingleChoice) and q.locked:
            for button in buttons:
                button.state(["disabled"])
            ttk.Label(box, text=q.locked, style="Muted.TLabel").pack(anchor="w")
        return lambda: var.get() or None, buttons[0]

    def _check(self, box: ttk.Frame, q: Check) -> tuple[Callable[[], Raw], tk.Widget]:
        """One check box labelled by its own text; its answer "yes" or "no"."""
        var = tk.BooleanVar(self.root, q.default)
        row = ttk.Frame(box)
        row.pack(anchor="w", pady=(4, 0))
        button = ttk.Checkbutton(
            row, text=q.text, variable=var, name=f"field_{q.name}".replace("-", "_")
        )
        button.pack(side="left")
        if q.locked:
            button.state(["disabled"])
            ttk.Label(row, text=q.locked, style="Muted.TLabel").pack(side="left", padx=10)
        self._keep_visible(button)
        return lambda: "yes" if var.get() else "no", button

    def _choices(self, box: ttk.Frame, q: MultipleChoice) -> tuple[Callable[[], Raw], tk.Widget]:
        grid = ttk.Frame(box)
        grid.pack(anchor="w", pady=(4, 0))
        ticks: list[tuple[str, tk.BooleanVar]] = []
        buttons = []
        for index, option in enumerate(q.options):
            var = tk.BooleanVar(self.root, option.value in q.default)
            button = ttk.Checkbutton(
                grid, text=option.label, variable=var,
                name=f"field_{q.name}_{option.value}".replace("-", "_"),
            )  # fmt: skip
            button.grid(row=index // q.columns, column=index % q.columns, sticky="w",
                        padx=(0, 24))  # fmt: skip
            self._keep_visible(button)
            ticks.append((option.value, var))
            buttons.append(button)
        return lambda: frozenset(v for v, var in ticks if var.get()), buttons[0]

    # --- actions, errors, results -----------------------------------------------------------

    def _actions(self, actions: tuple[Action, ...]) -> tk.Widget | None:
        """The buttons, right-aligned in the actions' order (Tab too); the key bindings."""
        self.root.unbind("<Return>")
        self.root.unbind("<KP_Enter>")
        self._primary = lambda: None
        primary: tk.Widget | None = None
        made: list[ttk.Button] = []
        for action in actions:
            command = self._command(action)
            button = ttk.Button(
                self.buttons, text=button_text(action), command=command,
                style="Accent.TButton" if action.primary else "TButton",
                name=action.id.replace("-", "_"),
            )  # fmt: skip
            made.append(button)
            if action.key == "enter":
                self._primary = command
                self.root.bind("<Return>", _on_key(command))
                self.root.bind("<KP_Enter>", _on_key(command))
            if action.primary:
                primary = button
        _buttons(self.buttons, made)
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

    def _discard_asked(self) -> bool:
        """Ask `discard_question()` in a small modal window; True when Discard was chosen
        (Keep editing has the focus: Enter, Esc and closing it keep what was entered)."""
        confirm = discard_question()
        chosen: list[str] = []
        dialog = tk.Toplevel(self.root, name="discard", background=self.p.page)
        dialog.title(window_title(confirm.title))
        dialog.transient(self.root)
        page = ttk.Frame(dialog, padding=18)
        page.pack(fill="both", expand=True)
        ttk.Label(page, text=confirm.title, style="Question.TLabel").pack(anchor="w")
        ttk.Label(page, text=confirm.text, wraplength=480).pack(anchor="w", pady=(6, 14))
        row = ttk.Frame(page)
        row.pack(fill="x")

        def answer(action_id: str) -> Callable[[], None]:
            def chose() -> None:
                chosen.append(action_id)
                dialog.destroy()

            return chose

        made: list[ttk.Button] = []
        for action in confirm.actions:
            made.append(ttk.Button(
                row, text=action.label, command=answer(action.id),
                style="Accent.TButton" if action.primary else "TButton",
                name=action.id.replace("-", "_"),
            ))  # fmt: skip
        _buttons(row, made)
        keep = answer(confirm.default)
        dialog.bind("<Escape>", lambda _e: keep())
        dialog.protocol("WM_DELETE_WINDOW", keep)
        default = next(
            b for a, b in zip(confirm.actions, made, strict=True) if a.id == confirm.default
        )
        dialog.wait_visibility()
        dialog.grab_set()
        default.focus_set()
        self.root.wait_window(dialog)
        return chosen == ["discard"]

    def _primary_and_stop(self) -> str:
        self._primary()
        return "break"

    def raw(self) -> dict[str, Raw]:
        """What each question holds now, by its name."""
        return {name: field.read() for name, field in self.fields.items()}

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.error.configure(text="")
        self.banner.configure(text="")

    def show_error(self, place: ErrorPlace) -> None:
        """The refusal beside its question or on top (always in view, above the questions);
        the question it concerns takes the focus and is scrolled into view with its error."""
        field = self.fields.get(place.field) if place.field is not None else None
        if field is None:
            self.banner.configure(text=place.text)
            concerned = place.concerns
            field = self.fields.get(concerned) if concerned is not None else None
            field = field or next(iter(self.fields.values()), None)
            if field is None:
                return
        else:
            field.error.configure(text=place.text)
        field.first.focus_set()
        self._reveal(field.box)

    def _reveal(self, box: tk.Widget) -> None:
        """Scroll the questions so that `box` (a question with its error) is in view."""
        self.root.update_idletasks()
        height = max(1, self.body.winfo_height())
        top = box.winfo_rooty() - self.body.winfo_rooty()
        bottom = top + box.winfo_height()
        view_top, view_bottom = (f * height for f in self.canvas.yview())
        value = view_top
        if bottom > view_bottom:
            value = bottom - (view_bottom - view_top) + 12  # its end (the error) in view
        value = min(value, top - 12)  # and its start (the question), first
        if value != view_top:
            self.canvas.yview_moveto(max(0.0, value / height))

    def show_result(self, result: Result) -> None:
        """Replace the questions with what was saved (and the advice)."""
        for child in [*self.body.winfo_children(), *self.buttons.winfo_children()]:
            child.destroy()
        self.fields.clear()
        self.saved = True
        self.header.configure(text=result.heading)
        self.banner.configure(text="")
        self.canvas.yview_moveto(0)
        ttk.Label(self.body, text=result.text, wraplength=self.wrap, justify="left",
                  name="result").pack(anchor="w", pady=(8, 0))  # fmt: skip
        primary = self._actions(result.actions)
        if primary is not None:
            primary.focus_set()

    def focus_first(self) -> None:
        self.root.focus_force()
        first = self.fields.get(self.form.focus or "") or next(iter(self.fields.values()), None)
        if first is not None:
            first.first.focus_set()
            if self.form.focus is not None:
                self._reveal(first.box)

    def run(self) -> None:
        """Show the form until it closes."""
        width, height = (720, 780) if self.form.small else (1120, 740)
        width = min(width, self.root.winfo_screenwidth() - 40)
        height = min(height, self.root.winfo_screenheight() - 100)
        self.root.geometry(f"{width}x{height}")
        self.root.after(50, self.focus_first)
        self.root.mainloop()

    def close(self) -> None:
        self.root.destroy()


def _on_key(command: Callable[[], None]) -> Callable[[object], None]:
    return lambda _event: command()


def _new_line(text: tk.Text) -> str:
    """Enter in a note: what Tk's Text does (a new line, over a selection), and no more."""
    text.tk.call("tk::TextInsert", text, "\n")
    text.see("insert")
    return "break"


def _move_focus(widget: tk.Misc | None) -> str:
    if widget is not None:
        widget.focus_set()
    return "break"  # Tk must not also insert a tab into the note


def show_form(
    form: Form, look: Look, handlers: Mapping[str, Handler], *, scale: float | None
) -> None:
    """Draw `form` and run it until it closes (raises tk.TclError without a display)."""
    TkForm(open_root(FORM_CLASS, scale), form, look, handlers).run()


def show_text(
    window: TextWindow,
    handlers: Mapping[str, Callable[[], object]],
    look: Look,
    *,
    scale: float | None = None,
) -> None:
    """A read-only text window with its buttons in our look; blocks until closed (tk.TclError:
    no display). Close (first in Tab order) has the focus; Esc closes."""
    text_window(open_root(INFO_CLASS, scale), window, handlers, look).mainloop()


def text_window(
    root: tk.Tk, window: TextWindow, handlers: Mapping[str, Callable[[], object]], look: Look
) -> tk.Tk:
    """Draw `window` into `root`: its text is `.page.text`, its buttons `.page.buttons.<id>`."""
    root.title(window.title)
    fonts = apply_look(root, look)
    lines = window.text.count("\n") + 1
    page = ttk.Frame(root, padding=8, name="page")
    page.pack(fill="both", expand=True)
    row = ttk.Frame(page, name="buttons")
    row.pack(side="bottom", fill="x", pady=(8, 0))
    if window.alert:  # first, in the error colour (Tk has no screen-reader roles to give it)
        tk.Label(
            page, text=window.alert, name="alert", justify="left", anchor="w",
            wraplength=fonts.body.measure("M") * 60, font=fonts.bold,
            background=look.error, foreground=look.page, padx=12, pady=12,
        ).pack(side="top", fill="x", pady=(0, 8))  # fmt: skip
    box = tk.Text(
        page,
        wrap="none" if window.monospace else "word",
        width=96 if window.monospace else 72,
        height=min(max(lines + 1, 8), 30),
        font=tkfont.nametofont("TkFixedFont", root) if window.monospace else fonts.body,
        padx=8,
        pady=8,
        name="text",
        **text_colours(look),  # type: ignore[arg-type]
    )
    bar = ttk.Scrollbar(page, orient="vertical", command=box.yview)
    box.configure(yscrollcommand=bar.set)
    bar.pack(side="right", fill="y")
    box.pack(side="left", fill="both", expand=True)
    box.insert("1.0", window.text)
    box.configure(state="disabled")
    made: list[ttk.Button] = []
    for action in window.actions:
        command = root.destroy if action.id == "close" else handlers[action.id]
        button = ttk.Button(
            row, text=button_text(action), command=command,
            style="Accent.TButton" if action.primary else "TButton",
            name=action.id.replace("-", "_"),
        )  # fmt: skip
        made.append(button)
    _buttons(row, made)
    root.bind("<Escape>", lambda _e: root.destroy())
    made[0].focus_set()
    return root


# --- the statistics window ---------------------------------------------------------------------


def statistics_view(root: tk.Tk, window: StatisticsWindow, look: Look) -> tk.Tk:
    """Draw the statistics into `root`: the table is `.page.table` (a label per cell), the bars
    `.page.bars` (a canvas, a Tab stop with the focus ring), Close `.page.buttons.close`; Esc
    closes. Tk says nothing to screen readers (Rule 3): the words are on screen only."""
    root.title(window_title(window.title))
    fonts = apply_look(root, look)
    page = ttk.Frame(root, padding=18, name="page")
    page.pack(fill="both", expand=True)
    # the buttons first, at the bottom: on a small screen the figures give way, never Close
    row_of_buttons = ttk.Frame(page, name="buttons")
    row_of_buttons.pack(side="bottom", fill="x", pady=(10, 0))
    if window.brand:
        ttk.Label(page, text=window.brand, style="Brand.TLabel").pack(anchor="w")
    ttk.Label(page, text=window.title, style="Title.TLabel").pack(anchor="w", pady=(0, 8))
    wrap = fonts.body.measure("M") * 48
    if window.empty:
        ttk.Label(page, text=window.empty, style="Muted.TLabel", wraplength=wrap).pack(anchor="w")
    table = ttk.Frame(page, name="table")
    table.pack(anchor="w", pady=(4, 10))
    for column, text in enumerate(window.columns, start=1):
        ttk.Label(table, text=text, style="Question.TLabel").grid(
            row=0, column=column, sticky="e", padx=(24, 0)
        )
    for number, row in enumerate(window.rows, start=1):
        ttk.Label(table, text=row.label).grid(row=number, column=0, sticky="w", pady=2)
        for column, cell in enumerate(row.cells, start=1):
            ttk.Label(table, text=cell).grid(row=number, column=column, sticky="e", padx=(24, 0))
    ttk.Label(page, text=window.bars_title, style="Question.TLabel").pack(anchor="w")
    line = fonts.body.metrics("linespace")
    slot = max(fonts.body.measure(b.label) for b in window.bars) + 24 if window.bars else 60
    width, height = max(420, slot * len(window.bars)), line * 8
    bars = tk.Canvas(
        page, width=width, height=height, background=look.page, name="bars", takefocus=1,
        highlightthickness=FOCUS_RING_PX, highlightcolor=look.focus,
        highlightbackground=look.page,
    )  # fmt: skip
    bars.pack(anchor="w", pady=(4, 8))
    top, room = line + 6, height - 2 * line - 16
    slot_width = width / max(1, len(window.bars))
    for number, bar in enumerate(window.bars):
        left = number * slot_width
        tall = max(bar.fraction * room, 2.0) if bar.fraction > 0 else 0.0
        base = top + room
        if tall:
            bars.create_rectangle(
                left + slot_width * 0.2, base - tall, left + slot_width * 0.8, base,
                fill=window.bar_colour, outline="",
            )  # fmt: skip
        middle = left + slot_width / 2
        bars.create_text(middle, base - tall - 3, text=bar.value, anchor="s",
                         fill=look.text, font=fonts.body)  # fmt: skip
        bars.create_text(middle, base + 6, text=bar.label, anchor="n",
                         fill=look.text, font=fonts.body)  # fmt: skip
    bars.create_line(0, top + room, width, top + room, fill=look.muted)
    for note in window.notes:
        ttk.Label(page, text=note, style="Muted.TLabel", wraplength=wrap * 1.4).pack(anchor="w")
    made = [
        ttk.Button(
            row_of_buttons,
            text=button_text(action),
            command=root.destroy,
            style="Accent.TButton" if action.primary else "TButton",
            name=action.id,
        )
        for action in window.actions
    ]
    _buttons(row_of_buttons, made)
    root.bind("<Escape>", lambda _e: root.destroy())
    made[0].focus_set()
    return root


def show_statistics(window: StatisticsWindow, look: Look, *, scale: float | None) -> None:
    """The statistics window in our look; blocks until closed (tk.TclError: no display)."""
    statistics_view(open_root(INFO_CLASS, scale), window, look).mainloop()
