"""The diary forms: `python -m posture_guard.ui.forms episode|check-in` (own Tk process).

Rule 1: a form only collects text, as the CLI's flags would carry it, and hands it to diary.py
        (start_episode / update_episode / end_episode / check_in): the same parsing, checks and
        saving as `posture-guard episode ...` and `posture-guard check-in --yes`. Nothing is
        validated here.
Rule 2: a refused value is shown next to its field (DiaryValueError names the field) and gets
        the focus; nothing is saved. Other refusals (no open episode, the database) show at top.
Rule 3: keyboard: Tab / Shift+Tab in reading order, Space ticks, Enter saves (Ctrl+Enter in the
        notes), Esc cancels. After a check-in the advice is shown, with the booking link if any.
Rule 4: on exit it prints one JSON line: {"outcome": "saved" | "cancelled", "form": ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tkinter as tk
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import Enum
from tkinter import font as tkfont
from tkinter import ttk
from typing import Final

from posture_guard.app import diary
from posture_guard.app.store import Store
from posture_guard.core.brand_colours import accent_use, rgb
from posture_guard.core.episodes import (
    CHECK_IN_FLAGS,
    CHECK_IN_QUESTIONS,
    LABELS,
    AgeBand,
    Area,
    Helped,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
)
from posture_guard.core.errors import MISSING, DiaryValueError, PostureGuardError
from posture_guard.core.triage import Advice
from posture_guard.desktop.look import high_contrast_wanted, scale_wanted
from posture_guard.desktop.paths import default_paths

BASE_SCALING: Final = 96 / 72
_YES_NO: Final = ("sleep-disturbed", "stops-work", "daily-life-affected", "after-injury")


def _label(member: Enum) -> str:
    return LABELS.get(member, str(member.value))


class Palette:
    """The forms' look: colours (the organisation's accent where it reads, never in high
    contrast; brand_colours.py) and the organisation named in the header ("" = none)."""

    def __init__(
        self, *, high_contrast: bool, accent: str | None = None, organisation: str = ""
    ) -> None:
        use = accent_use(None if high_contrast else accent)
        self.organisation = organisation
        self.bg = "#000000" if high_contrast else "#FFFFFF"
        self.text = "#FFFFFF" if high_contrast else "#1C2B39"
        self.muted = "#FFFFFF" if high_contrast else "#4A5B6B"
        self.accent = "#FFDD00" if high_contrast else use.fill
        self.on_accent = "#000000" if high_contrast else use.on_fill
        self.attribution = "#FFFFFF" if high_contrast else use.attribution
        self.error = "#FF8080" if high_contrast else "#B3261E"
        self.field = "#000000" if high_contrast else "#F4F7FA"
        self.focus = "#00FFFF" if high_contrast else "#D66222"


class Field:
    """One question: how to read its answer as text, and where its error goes."""

    def __init__(self, name: str, read: Callable[[], str | None], error: ttk.Label) -> None:
        self.name = name
        self.read = read
        self.error = error
        self.first: tk.Widget | None = None


class Form:
    """A scrollable form of questions with Save / Cancel, and a result view."""

    def __init__(self, root: tk.Tk, title: str, palette: Palette) -> None:
        self.root = root
        self.p = palette
        self.fields: dict[str, Field] = {}
        self.outcome: dict[str, object] = {"outcome": "cancelled"}
        self._save: Callable[[], None] = lambda: None
        root.title(f"{title} - Posture Guard")
        root.configure(background=palette.bg)
        family = "DejaVu Sans" if "DejaVu Sans" in tkfont.families(root) else "TkDefaultFont"
        self.f_body = tkfont.Font(root, family=family, size=11)
        self.f_bold = tkfont.Font(root, family=family, size=11, weight="bold")
        self.f_title = tkfont.Font(root, family=family, size=18, weight="bold")
        self._style()
        if palette.organisation:
            ttk.Label(
                root, text=f"Posture Guard  \u00b7  {palette.organisation}", style="Brand.TLabel"
            ).pack(anchor="w", padx=24, pady=(14, 0))
        self.header = ttk.Label(root, text=title, style="Title.TLabel")
        self.header.pack(anchor="w", padx=24, pady=(4 if palette.organisation else 18, 4))
        self.banner = ttk.Label(root, text="", style="Error.TLabel", wraplength=960)
        self.banner.pack(anchor="w", padx=24)
        outer = ttk.Frame(root)
        outer.pack(fill="both", expand=True, padx=(24, 8))
        self.canvas = tk.Canvas(outer, background=palette.bg, highlightthickness=0)
        bar = ttk.Scrollbar(outer, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.body = ttk.Frame(self.canvas)
        self.canvas.create_window((0, 0), window=self.body, anchor="nw")
        self.body.bind(
            "<Configure>", lambda _e: self.canvas.configure(scrollregion=self.canvas.bbox("all"))
        )
        root.bind_all("<Button-4>", lambda _e: self.canvas.yview_scroll(-2, "units"))
        root.bind_all("<Button-5>", lambda _e: self.canvas.yview_scroll(2, "units"))
        self.buttons = ttk.Frame(root)
        self.buttons.pack(fill="x", padx=24, pady=14)
        root.bind("<Escape>", lambda _e: self.close())
        root.protocol("WM_DELETE_WINDOW", self.close)

    def _style(self) -> None:
        p = self.p
        style = ttk.Style(self.root)
        style.theme_use("clam")
        style.configure(".", background=p.bg, foreground=p.text, font=self.f_body)
        style.configure("TFrame", background=p.bg)
        style.configure("Title.TLabel", font=self.f_title, foreground=p.text)
        style.configure("Question.TLabel", font=self.f_bold, foreground=p.text)
        style.configure("Error.TLabel", foreground=p.error, font=self.f_bold)
        style.configure("Muted.TLabel", foreground=p.muted)
        style.configure("Brand.TLabel", foreground=p.attribution)
        for kind in ("TCheckbutton", "TRadiobutton"):
            style.configure(kind, background=p.bg, foreground=p.text, focuscolor=p.focus,
                            indicatorbackground=p.field, indicatorforeground=p.text,
                            indicatorsize=self.f_body.metrics("linespace") - 4,
                            indicatormargin=(0, 2, 6, 2))  # fmt: skip
            style.map(kind, background=[("active", p.field)])
        style.configure("TEntry", fieldbackground=p.field, foreground=p.text,
                        insertcolor=p.text, bordercolor=p.muted, lightcolor=p.field)  # fmt: skip
        style.map("TEntry", bordercolor=[("focus", p.focus)], lightcolor=[("focus", p.focus)])
        style.configure("Accent.TButton", background=p.accent, foreground=p.on_accent,
                        font=self.f_bold, padding=(16, 8), focuscolor=p.focus, bordercolor=p.accent)  # fmt: skip
        style.map("Accent.TButton", background=[("active", p.accent)])
        style.configure("TButton", padding=(16, 8), font=self.f_bold, focuscolor=p.focus)

    # --- questions --------------------------------------------------------------------------

    def _question(self, name: str, text: str) -> ttk.Frame:
        box = ttk.Frame(self.body)
        box.pack(fill="x", anchor="w", pady=(10, 0))
        ttk.Label(box, text=text, style="Question.TLabel", wraplength=940).pack(anchor="w")
        return box

    def _error_label(self, box: ttk.Frame) -> ttk.Label:
        label = ttk.Label(box, text="", style="Error.TLabel", wraplength=940)
        label.pack(anchor="w")
        return label

    def _keep_visible(self, widget: tk.Widget) -> None:
        widget.bind("<FocusIn>", lambda _e: self._scroll_to(widget), add="+")

    def _scroll_to(self, widget: tk.Widget) -> None:
        self.root.update_idletasks()
        top = widget.winfo_rooty() - self.body.winfo_rooty()
        height = max(1, self.body.winfo_height())
        view_top, view_bottom = self.canvas.yview()
        if not view_top * height <= top <= view_bottom * height - 40:
            self.canvas.yview_moveto(max(0.0, (top - 60) / height))

    def entry(
        self, name: str, text: str, *, default: str = "", hint: str = "", width: int = 12
    ) -> None:
        box = self._question(name, text)
        row = ttk.Frame(box)
        row.pack(anchor="w", pady=(4, 0))
        var = tk.StringVar(self.root, default)
        widget = ttk.Entry(
            row, textvariable=var, width=width, font=self.f_body, name=f"field_{name}"
        )
        widget.pack(side="left")
        if hint:
            ttk.Label(row, text=hint, style="Muted.TLabel").pack(side="left", padx=10)
        self._keep_visible(widget)
        field = Field(name, lambda: var.get().strip() or None, self._error_label(box))
        field.first = widget
        self.fields[name] = field

    def notes(self, name: str, text: str) -> None:
        box = self._question(name, text)
        widget = tk.Text(
            box, width=70, height=3, font=self.f_body, wrap="word", background=self.p.field,
            foreground=self.p.text, insertbackground=self.p.text, relief="solid", borderwidth=1,
            highlightthickness=2, highlightcolor=self.p.focus, name=f"field_{name}",
        )  # fmt: skip
        widget.pack(anchor="w", pady=(4, 0))
        # Tab moves on (a note has no tabs); Ctrl+Enter saves from inside the note
        widget.bind("<Tab>", lambda _e: _move_focus(widget.tk_focusNext()))
        widget.bind("<Shift-Tab>", lambda _e: _move_focus(widget.tk_focusPrev()))
        widget.bind("<Control-Return>", lambda _e: self._save_and_stop())
        widget.bind("<Return>", lambda _e: None)
        self._keep_visible(widget)
        field = Field(
            name, lambda: widget.get("1.0", "end").strip() or None, self._error_label(box)
        )
        field.first = widget
        self.fields[name] = field

    def choice(
        self,
        name: str,
        text: str,
        members: Sequence[Enum],
        *,
        default: Enum | None = None,
        columns: int = 2,
        labels: Callable[[Enum], str] = _label,
    ) -> None:
        box = self._question(name, text)
        grid = ttk.Frame(box)
        grid.pack(anchor="w", pady=(4, 0))
        var = tk.StringVar(self.root, "" if default is None else str(default.value))
        first: tk.Widget | None = None
        for index, member in enumerate(members):
            button = ttk.Radiobutton(
                grid, text=labels(member), value=str(member.value), variable=var,
                name=f"field_{name}_{member.value}".replace("-", "_"),
            )  # fmt: skip
            button.grid(row=index // columns, column=index % columns, sticky="w", padx=(0, 24))
            self._keep_visible(button)
            first = first or button
        field = Field(name, lambda: var.get() or None, self._error_label(box))
        field.first = first
        self.fields[name] = field

    def choices(
        self,
        name: str,
        text: str,
        members: Sequence[Enum],
        *,
        default: frozenset[Enum] = frozenset(),
        columns: int = 2,
    ) -> None:
        box = self._question(name, text)
        grid = ttk.Frame(box)
        grid.pack(anchor="w", pady=(4, 0))
        ticks: list[tuple[Enum, tk.BooleanVar]] = []
        first: tk.Widget | None = None
        for index, member in enumerate(members):
            var = tk.BooleanVar(self.root, member in default)
            button = ttk.Checkbutton(
                grid, text=_label(member), variable=var,
                name=f"field_{name}_{member.value}".replace("-", "_"),
            )  # fmt: skip
            button.grid(row=index // columns, column=index % columns, sticky="w", padx=(0, 24))
            self._keep_visible(button)
            ticks.append((member, var))
            first = first or button
        field = Field(
            name,
            lambda: ",".join(str(m.value) for m, v in ticks if v.get()) or "none",
            self._error_label(box),
        )
        field.first = first
        self.fields[name] = field

    def yes_no(self, name: str, text: str, *, default: bool | None = False) -> None:
        words = {True: "yes", False: "no"}
        box = self._question(name, text)
        row = ttk.Frame(box)
        row.pack(anchor="w", pady=(4, 0))
        var = tk.StringVar(self.root, "" if default is None else words[default])
        first: tk.Widget | None = None
        for word in ("yes", "no"):
            button = ttk.Radiobutton(
                row, text=word.capitalize(), value=word, variable=var, name=f"field_{name}_{word}"
            )
            button.pack(side="left", padx=(0, 24))
            self._keep_visible(button)
            first = first or button
        field = Field(name, lambda: var.get() or None, self._error_label(box))
        field.first = first
        self.fields[name] = field

    # --- saving and results -----------------------------------------------------------------

    def add_buttons(
        self, save_text: str, save: Callable[[], None], *extra: tuple[str, Callable[[], None]]
    ) -> None:
        self._save = save
        ttk.Button(self.buttons, text="Cancel  (Esc)", command=self.close).pack(side="right")
        for text, command in extra:
            ttk.Button(self.buttons, text=text, command=command).pack(side="right", padx=(0, 10))
        ttk.Button(
            self.buttons, text=f"{save_text}  (Enter)", style="Accent.TButton", command=save,
            name="save",
        ).pack(side="right", padx=(0, 10))  # fmt: skip
        self.root.bind("<Return>", lambda _e: self.save())
        self.root.bind("<KP_Enter>", lambda _e: self.save())

    def save(self) -> None:
        self._save()

    def _save_and_stop(self) -> str:
        self._save()
        return "break"

    def answers(self) -> dict[str, str | None]:
        for field in self.fields.values():
            field.error.configure(text="")
        self.banner.configure(text="")
        return {name: field.read() for name, field in self.fields.items()}

    def show_error(self, exc: Exception) -> None:
        if isinstance(exc, DiaryValueError) and exc.field in self.fields:
            field = self.fields[exc.field]
            words = "Please answer this question." if exc.got is MISSING else str(exc)
            field.error.configure(text=f"\u26a0 {words}")
            if field.first is not None:
                field.first.focus_set()
            return
        self.banner.configure(text=f"\u26a0 {exc}")

    def show_result(
        self, heading: str, text: str, *actions: tuple[str, Callable[[], None]]
    ) -> None:
        """Replace the questions with what was saved (and the advice)."""
        for child in [*self.body.winfo_children(), *self.buttons.winfo_children()]:
            child.destroy()
        self.header.configure(text=heading)
        self.canvas.yview_moveto(0)
        ttk.Label(self.body, text=text, wraplength=940, justify="left", name="result").pack(
            anchor="w", pady=(8, 0)
        )
        self.root.unbind("<Return>")
        close = ttk.Button(
            self.buttons, text="Close  (Enter)", style="Accent.TButton", command=self.close,
            name="close",
        )  # fmt: skip
        close.pack(side="right")
        for label, command in actions:
            ttk.Button(self.buttons, text=label, command=command).pack(side="right", padx=(0, 10))
        self.root.bind("<Return>", lambda _e: self.close())
        close.focus_set()

    def close(self) -> None:
        print(json.dumps(self.outcome), flush=True)
        self.root.destroy()


# --- the two forms -------------------------------------------------------------------------


def _move_focus(widget: tk.Misc | None) -> str:
    if widget is not None:
        widget.focus_set()
    return "break"  # Tk must not also insert a tab into the note


def now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


def episode_form(root: tk.Tk, store: Store, palette: Palette) -> Form:
    """Start an episode (none open) or update the open one, with End in the update form."""
    episode = store.open_episode()
    starting = episode is None
    form = Form(root, "Log a neck-pain episode" if starting else "Update your episode", palette)
    if not starting:
        assert episode is not None
        ttk.Label(
            form.body,
            text=f"Episode {episode.id}, begun {episode.started:%a %d %b %H:%M}.",
            style="Muted.TLabel",
        ).pack(anchor="w")
    form.entry(
        "pain", "How bad is the pain now, from 0 (none) to 10 (worst)?", hint="0 to 10", width=6
    )
    stiffness = list(Stiffness)
    form.choice("stiffness", "How stiff is your neck?", stiffness)
    if starting:
        form.choices("where", "Where is it?", list(Area), columns=3)
        form.choices("trigger", "What set it off?", list(Trigger), columns=3)
    form.choices("symptom", "Do you have any of these?", list(Symptom))
    form.choices("helped", "What has helped?", list(Helped), columns=3)
    form.notes("notes", "Notes (optional)")
    form.entry("at", "When? Leave empty for now.", hint="e.g. 2026-03-02T09:00", width=20)

    def answers() -> diary.EpisodeAnswers:
        given = form.answers()
        none_is_empty = {k: (None if v == "none" else v) for k, v in given.items()}
        return diary.EpisodeAnswers(
            at=given.get("at"),
            pain=given.get("pain"),
            stiffness=given.get("stiffness"),
            where=none_is_empty.get("where"),
            trigger=none_is_empty.get("trigger"),
            symptom=none_is_empty.get("symptom"),
            helped=none_is_empty.get("helped"),
            notes=given.get("notes"),
        )

    def save() -> None:
        try:
            if starting:
                text = diary.start_episode(store, answers(), now())
            else:
                text = diary.update_episode(store, answers(), now())
        except PostureGuardError as exc:
            form.show_error(exc)
            return
        form.outcome = {
            "outcome": "saved",
            "form": "episode",
            "action": "start" if starting else "update",
        }
        form.show_result("Saved", text)

    def end() -> None:
        try:
            text = diary.end_episode(store, form.answers().get("at"), now())
        except PostureGuardError as exc:
            form.show_error(exc)
            return
        form.outcome = {"outcome": "saved", "form": "episode", "action": "end"}
        form.show_result("Episode ended", text)

    if starting:
        form.add_buttons("Start episode", save)
    else:
        form.add_buttons("Save update", save, ("End episode", end))
    return form


def check_in_form(root: tk.Tk, store: Store, palette: Palette) -> Form:
    """The check-in questions with the diary's defaults; shows the advice when saved."""
    defaults = diary.check_in_defaults(store)
    form = Form(root, "How is your neck today?", palette)
    q = CHECK_IN_QUESTIONS

    def default_text(field: str) -> str:
        value = defaults.get(field)
        if value is None:
            return ""
        if isinstance(value, Enum):
            return str(value.value)
        return str(value)

    def default_member(field: str) -> Enum | None:
        value = defaults.get(field)
        return value if isinstance(value, Enum) else None

    def default_set(field: str) -> frozenset[Enum]:
        value = defaults.get(field, frozenset())
        return value if isinstance(value, frozenset) else frozenset()

    def default_bool(field: str) -> bool | None:
        value = defaults.get(field)
        return value if isinstance(value, bool) else None

    form.entry("pain", q["pain_now"], default=default_text("pain_now"), hint="0 to 10", width=6)
    form.choice("stiffness", q["stiffness"], list(Stiffness), default=default_member("stiffness"))
    form.choices("symptom", q["symptoms"], list(Symptom), default=default_set("symptoms"))
    form.choice(
        "trend", q["trend"], list(Trend), default=default_member("trend"), columns=3,
        labels=lambda m: {"improving": "Getting better", "same": "About the same", "worse": "Worse"}[str(m.value)],
    )  # fmt: skip
    for flag in _YES_NO:
        field = CHECK_IN_FLAGS[flag]
        form.yes_no(flag, q[field], default=default_bool(field))
    form.yes_no("high-risk-injury", q["high_risk_mechanism"], default=None)
    form.entry(
        "home-care-days", q["home_care_days"], default=default_text("home_care_days"),
        hint="days", width=6,
    )  # fmt: skip
    form.choices("risk", q["risk_history"], list(RiskFactor), default=default_set("risk_history"))
    bands = ", ".join(str(b.value) for b in AgeBand)
    form.entry(
        "age", q["age_band"], default=default_text("age_band"), hint=f"years, or {bands}", width=8
    )

    def save() -> None:
        given = form.answers()
        if given.get("after-injury") != "yes":
            given["high-risk-injury"] = None  # only asked after an injury (as in the CLI)
        try:
            advice = diary.check_in(store, given, now(), ask=None, say=lambda _line: None)
        except PostureGuardError as exc:
            form.show_error(exc)
            return
        form.outcome = {"outcome": "saved", "form": "check-in", "tier": advice.tier.value}
        actions: list[tuple[str, Callable[[], None]]] = []
        if advice.booking_url is not None:
            actions.append(("Open booking page", lambda: _open_booking(advice)))
        form.show_result(advice.heading, diary.advice_text(advice), *actions)

    form.add_buttons("Save check-in", save)
    return form


def _open_booking(advice: Advice) -> None:
    diary.open_booking(advice)


FORMS: Final = {"episode": episode_form, "check-in": check_in_form}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m posture_guard.ui.forms",
        description="The episode and check-in forms of Posture Guard's diary.",
    )
    parser.add_argument("form", choices=sorted(FORMS))
    parser.add_argument("--scale", type=float, help="2 = 200 %% (default: the desktop's)")
    parser.add_argument("--high-contrast", choices=("auto", "on", "off"), default="auto")
    parser.add_argument("--accent", help="the organisation's accent colour, #RRGGBB")
    parser.add_argument("--organisation", default="", help="the organisation named on top")
    args = parser.parse_args(argv)
    if args.accent is not None:
        try:
            rgb(args.accent)
        except ValueError as exc:
            print(f"posture-guard forms: --accent: {exc}", file=sys.stderr)
            return 2
    try:
        store = diary.open_store(default_paths())
    except PostureGuardError as exc:
        print(f"posture-guard forms: {exc}", file=sys.stderr)
        return 1
    with store:
        try:
            root = tk.Tk(className="PostureGuardForm")
        except tk.TclError as exc:
            print(f"posture-guard forms: no display to show the form on ({exc})", file=sys.stderr)
            return 1
        scale = args.scale or scale_wanted()
        if scale:
            root.tk.call("tk", "scaling", BASE_SCALING * scale)
        high_contrast = args.high_contrast == "on" or (
            args.high_contrast == "auto" and high_contrast_wanted()
        )
        palette = Palette(
            high_contrast=high_contrast, accent=args.accent, organisation=args.organisation
        )
        form = FORMS[args.form](root, store, palette)
        width = min(1120, root.winfo_screenwidth() - 40)
        height = min(740, root.winfo_screenheight() - 100)
        root.geometry(f"{width}x{height}")
        root.after(50, lambda: _focus_first(form))
        root.mainloop()
    return 0


def _focus_first(form: Form) -> None:
    form.root.focus_force()
    first = next(iter(form.fields.values()), None)
    if first is not None and first.first is not None:
        first.first.focus_set()


if __name__ == "__main__":
    raise SystemExit(main())
