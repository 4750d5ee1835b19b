"""The settings window: `posture-guard settings` or `python -m posture_guard.ui.settings_window
[--config FILE]` (a process of its own; the tray's Settings… opens it).

Rule 1: what it shows, what a save changes and where a refusal goes are decided in
        core/settings_form.py; it is drawn as the diary forms are (`ui.forms.show`: GTK 3 where
        `desktop.toolkit.choose()` finds it, Tk elsewhere), in the language installed first.
Rule 2: Save checks everything before anything is written: the settings file as it would be,
        read as `config check` reads it (config.load with the new text); the clinic as `clinic
        set` checks it; then writes the file (app/settings_file.py: comments kept, one step,
        0600), the clinic (diary.set_clinic) and the login item (ui.setup.autostart_line).
        A refusal is shown beside its field and nothing is written; the window stays open.
Rule 3: the running service applies the new file by itself (app/managed.py Poller, within a
        second or two); nothing here speaks to it.
Rule 4: Cancel, Esc or closing the window changes nothing (asking first when something was
        entered). On exit it prints one JSON line: {"outcome": "saved" | "cancelled", ...}.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from posture_guard.app import diary
from posture_guard.app import settings_file as files
from posture_guard.app.managed import load_effective, policy_sources
from posture_guard.app.store import Store
from posture_guard.core import config, policy, settings_form, welcome
from posture_guard.core import form_view as view
from posture_guard.core.errors import ClinicError, PostureGuardError
from posture_guard.core.i18n import _
from posture_guard.desktop import language
from posture_guard.desktop.autostart import LoginItem, login_item
from posture_guard.desktop.look import high_contrast_wanted
from posture_guard.desktop.paths import Paths, default_paths
from posture_guard.ui.forms import Handler, Window, show_with_diary
from posture_guard.ui.setup import autostart_line


@dataclass(frozen=True, slots=True)
class Place:
    """Where the window's settings live: the paths, the diary, the login item."""

    paths: Paths
    store: Store
    item: LoginItem


def settings_handlers(
    place: Place, outcome: dict[str, object], look: view.Look
) -> tuple[view.Form, dict[str, Handler]]:
    """The settings form as the files are now, and what Save does (Rule 2)."""
    paths = place.paths
    loaded = load_effective(paths)
    refusal = policy.clinic_change_refusal(loaded.settings)
    shown_clinic = place.store.clinic()
    if refusal is not None:  # the organisation's, which the advice offers
        shown_clinic = loaded.settings.branding.clinic
    extras = settings_form.Extras(
        clinic=shown_clinic,
        clinic_refusal=refusal,
        start_at_login=place.item.status().enabled,
        languages=language.available(),
    )
    form = settings_form.settings_form(loaded, extras, look=look)

    def refuse(window: Window, places: Sequence[view.ErrorPlace]) -> None:
        for where in reversed(places):  # the first one last: it keeps the focus
            window.show_error(where)

    def save(window: Window) -> None:
        window.clear_errors()
        answers = view.answer_texts(form, window.raw())
        path = paths.user_config
        changes = settings_form.changes(loaded, answers)
        try:
            before = files.read_text(path)
            text = files.edited(path, before, changes) if changes else before
        except PostureGuardError as exc:
            refuse(window, [view.ErrorPlace(None, f"{view.WARNING_SIGN} {exc}")])
            return
        after = config.load(path, policies=policy_sources(paths), user_text=text)
        places = settings_form.place_problems(after)
        try:
            clinic = settings_form.clinic_to_save(answers, extras)
        except ClinicError as exc:
            clinic = None
            places.append(settings_form.place_clinic_error(exc))
        if places:
            refuse(window, places)
            return
        start_at_login = answers.get(welcome.START_AT_LOGIN) == "yes"
        clinic_file = (answers.get(settings_form.CLINIC_FILE) or "").strip()
        imported = ""
        if clinic_file:  # first: a refused file changes nothing at all
            try:
                file = Path(clinic_file).expanduser()
                imported = diary.import_clinic(place.store, file, paths)
            except (PostureGuardError, OSError) as exc:
                refuse(
                    window,
                    [view.ErrorPlace(settings_form.CLINIC_FILE, f"{view.WARNING_SIGN} {exc}")],
                )
                return
            clinic = None  # the file's clinic, not the fields shown before it was imported
        try:
            if text != before:
                files.write(path, text)
            if clinic is not None:
                diary.set_clinic(
                    place.store, name=clinic.name, booking_url=clinic.booking_url,
                    phone=clinic.phone, hours=clinic.opening_hours,
                )  # fmt: skip
            if start_at_login != extras.start_at_login:
                action = welcome.login_action(start_at_login, enabled=extras.start_at_login)
                if action is not None:
                    autostart_line(place.item, action)
        except (PostureGuardError, OSError) as exc:
            refuse(window, [view.ErrorPlace(None, f"{view.WARNING_SIGN} {exc}")])
            return
        outcome.update(
            outcome="saved",
            changed=sorted(changes) if text != before else [],
            clinic=clinic is not None,
            clinic_file=bool(clinic_file),
            start_at_login=start_at_login,
        )
        window.show_result(settings_form.saved_result(after, imported))

    return form, {"save": save}


def main(argv: Sequence[str] | None = None) -> int:
    """Show the settings window until it closes; 0, or 1 when it could not be shown."""
    language.install()
    parser = argparse.ArgumentParser(
        prog="posture-guard settings",
        description=_("Posture Guard's settings, in a window."),
    )
    parser.add_argument("--config", type=Path)
    parser.add_argument("--scale", type=float, help=_("2 = 200 %% (default: the desktop's)"))
    parser.add_argument(
        "--clinic", action="store_true", help=_("start at the clinic (the advice's Add my clinic)")
    )
    args = parser.parse_args(argv)
    paths = default_paths(config_file=args.config)
    look = view.Look.of(high_contrast=high_contrast_wanted())
    outcome: dict[str, object] = {"outcome": "cancelled"}

    def build(store: Store) -> tuple[view.Form, Mapping[str, Handler]]:
        form, handlers = settings_handlers(Place(paths, store, login_item()), outcome, look)
        return (replace(form, focus=welcome.CLINIC_NAME) if args.clinic else form), handlers

    return show_with_diary("settings", paths, build, look=look, scale=args.scale, outcome=outcome)


if __name__ == "__main__":
    raise SystemExit(main())
