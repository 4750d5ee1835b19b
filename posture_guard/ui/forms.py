"""The diary forms: `python -m posture_guard.ui.forms episode|check-in` (a process of its own).

Rule 1: a form only collects text, as the CLI's flags would carry it, and hands it to diary.py
        (start_episode / update_episode / end_episode / check_in): the same parsing, checks and
        saving as `posture-guard episode ...` and `posture-guard check-in --yes`. Nothing is
        validated here.
Rule 2: what a form shows is its description (core/form_view.py), drawn by GTK 3 where
        `desktop.toolkit.choose()` finds it (ui/form_gtk.py) and by Tk elsewhere (ui/form_tk.py);
        the language is installed first. A refused value is shown next to its field (the
        description says which) and gets the focus; nothing is saved. After a check-in the
        advice is shown, with the booking link if any.
Rule 3: on exit it prints one JSON line: {"outcome": "saved" | "cancelled", "form": ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final, Literal, Protocol

from posture_guard.app import diary
from posture_guard.app.store import Store
from posture_guard.core import form_view as view
from posture_guard.core.brand_colours import rgb
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.i18n import _
from posture_guard.core.triage import Advice
from posture_guard.desktop import language, toolkit
from posture_guard.desktop.look import high_contrast_wanted, scale_wanted
from posture_guard.desktop.paths import Paths, default_paths
from posture_guard.ui.launch import Launcher


class Window(Protocol):
    """What the handlers need of a drawn form (GtkForm and TkForm are ones)."""

    def raw(self) -> dict[str, view.Raw]: ...

    def clear_errors(self) -> None: ...

    def show_error(self, place: view.ErrorPlace) -> None: ...

    def show_result(self, result: view.Result) -> None: ...

    def close(self) -> None: ...


Handler = Callable[[Window], None]


def now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


def _read(form: view.Form, window: Window) -> dict[str, str | None]:
    window.clear_errors()
    return view.answer_texts(form, window.raw())


def episode_form(
    store: Store, look: view.Look, outcome: dict[str, object]
) -> tuple[view.Form, dict[str, Handler]]:
    """Start an episode (none open) or update the open one, with End in the update form."""
    episode = store.open_episode()
    starting = episode is None
    opened = None if episode is None or episode.id is None else (episode.id, episode.started)
    form = view.episode_form(open_episode=opened, look=look)

    def save(window: Window) -> None:
        try:
            given = view.episode_answers(_read(form, window), now())
        except PostureGuardError as exc:
            window.show_error(view.place_error(form, exc))
            return
        answers = diary.EpisodeAnswers(
            at=given.get("at"), pain=given.get("pain"), stiffness=given.get("stiffness"),
            where=given.get("where"), trigger=given.get("trigger"),
            symptom=given.get("symptom"), helped=given.get("helped"), notes=given.get("notes"),
        )  # fmt: skip
        try:
            if starting:
                text = diary.start_episode(store, answers, now(), plain=True)
            else:
                text = diary.update_episode(store, answers, now(), plain=True)
        except PostureGuardError as exc:
            window.show_error(view.place_error(form, exc))
            return
        action: Literal["start", "update"] = "start" if starting else "update"
        outcome.update(outcome="saved", form="episode", action=action)
        window.show_result(view.episode_result(action, text))

    def end(window: Window) -> None:
        try:
            moment = now()
            at = view.when_answer(_read(form, window), moment)
            text = diary.end_episode(store, at, moment, plain=True)
        except PostureGuardError as exc:
            window.show_error(view.place_error(form, exc))
            return
        outcome.update(outcome="saved", form="episode", action="end")
        window.show_result(view.episode_result("end", text))

    return form, {"save": save, "end": end}


def check_in_form(
    store: Store, look: view.Look, outcome: dict[str, object]
) -> tuple[view.Form, dict[str, Handler]]:
    """The check-in questions with the diary's defaults; shows the advice when saved."""
    form = view.check_in_form(diary.check_in_defaults(store, now()), look=look)
    booking: list[Advice] = []

    def save(window: Window) -> None:
        try:
            given = view.check_in_answers(_read(form, window))
            advice = diary.check_in(store, given, now(), ask=None, say=lambda _line: None)
        except PostureGuardError as exc:
            window.show_error(view.place_error(form, exc))
            return
        outcome.update(outcome="saved", form="check-in", tier=advice.tier.value)
        if advice.booking_url is not None:
            booking.append(advice)
        result = view.check_in_result(
            advice.heading,
            diary.advice_text(advice, in_window=True),
            booking=advice.booking_url is not None,
            add_clinic=advice.add_clinic is not None,
        )
        window.show_result(result)

    def book(_window: Window) -> None:
        if booking:
            diary.open_booking(booking[-1])

    def add_clinic(window: Window) -> None:
        problem = Launcher().launch("settings", "--clinic")
        if problem is not None:
            window.show_error(view.ErrorPlace(None, f"{view.WARNING_SIGN} {problem}"))

    return form, {"save": save, "book": book, view.ADD_CLINIC: add_clinic}


FORMS: Final = {"episode": episode_form, "check-in": check_in_form}


def main(argv: list[str] | None = None) -> int:
    language.install()
    parser = argparse.ArgumentParser(
        prog="python -m posture_guard.ui.forms",
        description=_("The episode and check-in forms of Posture Guard's diary."),
    )
    parser.add_argument("form", choices=sorted(FORMS))
    parser.add_argument("--scale", type=float, help=_("2 = 200 %% (default: the desktop's)"))
    parser.add_argument("--high-contrast", choices=("auto", "on", "off"), default="auto")
    parser.add_argument("--accent", help=_("the organisation's accent colour, #RRGGBB"))
    parser.add_argument("--organisation", default="", help=_("the organisation named on top"))
    args = parser.parse_args(argv)
    if args.accent is not None:
        try:
            rgb(args.accent)
        except ValueError as exc:
            print(f"posture-guard forms: --accent: {exc}", file=sys.stderr)
            return 2
    high_contrast = args.high_contrast == "on" or (
        args.high_contrast == "auto" and high_contrast_wanted()
    )
    look = view.Look.of(
        high_contrast=high_contrast, accent=args.accent, organisation=args.organisation
    )
    outcome: dict[str, object] = {"outcome": "cancelled"}
    return show_with_diary(
        "forms",
        default_paths(),
        lambda store: FORMS[args.form](store, look, outcome),
        look=look,
        scale=args.scale,
        outcome=outcome,
    )


def show_with_diary(
    name: str,
    paths: Paths,
    build: Callable[[Store], tuple[view.Form, Mapping[str, Handler]]],
    *,
    look: view.Look,
    scale: float | None,
    outcome: Mapping[str, object],
) -> int:
    """Open the diary, draw the form `build` makes with it until it closes, and print
    `outcome` (as the handlers left it) as a JSON line: 0. When the diary or the window
    cannot be opened, one line naming `name` ("settings") on stderr: 1."""
    try:
        store = diary.open_store(paths)
    except PostureGuardError as exc:
        print(f"posture-guard {name}: {exc}", file=sys.stderr)
        return 1
    with store:
        form, handlers = build(store)
        problem = show(form, look, handlers, scale)
    if problem:
        print(
            f"posture-guard {name}: "
            + _("cannot open a window: {problem}").format(problem=problem),
            file=sys.stderr,
        )
        return 1
    print(json.dumps(outcome), flush=True)
    return 0


def show(
    form: view.Form, look: view.Look, handlers: Mapping[str, Handler], scale: float | None
) -> str:
    """Draw the form with the chosen toolkit until it closes; "" or why it could not. (The
    welcome window is drawn this way too.)"""
    if toolkit.choose().toolkit == "gtk":
        from posture_guard.ui import form_gtk  # noqa: PLC0415 - GTK only when chosen

        try:
            form_gtk.show_form(form, look, handlers, scale=scale)
        except RuntimeError as exc:
            return str(exc)
        return ""
    import tkinter  # noqa: PLC0415 - Tk only when chosen

    from posture_guard.ui import form_tk  # noqa: PLC0415

    try:
        form_tk.show_form(form, look, handlers, scale=scale or scale_wanted())
    except tkinter.TclError as exc:
        return str(exc)
    return ""


if __name__ == "__main__":
    raise SystemExit(main())
