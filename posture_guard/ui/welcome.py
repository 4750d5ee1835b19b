"""The welcome window of the first run on a desktop: `python -m posture_guard.ui.welcome
[--config FILE]` (a process of its own, started once by `posture-guard run`).

Rule 1: what it shows and what Start does are decided in core/welcome.py; it is drawn as the
        diary forms are (`ui.forms.show`: GTK 3 where `desktop.toolkit.choose()` finds it, Tk
        elsewhere), in the language installed first.
Rule 2: Start does what the commands do: the login item through `ui.setup.autostart_line`
        (`posture-guard autostart enable|disable`), the clinic through `diary.set_clinic`
        (`posture-guard clinic set`), checked before anything is written. A refusal is shown
        beside its field and nothing is saved; the window stays open.
Rule 3: Skip, Esc or closing the window changes nothing. Whether it was shown is the runner's
        to note (the first-run marker), not the window's.
Rule 4: on exit it prints one JSON line: {"outcome": "started" | "skipped", ...}.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from posture_guard.app import diary
from posture_guard.app.managed import load_effective
from posture_guard.app.store import Store
from posture_guard.core import form_view as view
from posture_guard.core import policy, welcome
from posture_guard.core.errors import ClinicError, PostureGuardError
from posture_guard.core.i18n import _
from posture_guard.core.settings import Settings
from posture_guard.desktop import language
from posture_guard.desktop.autostart import LoginItem, login_item
from posture_guard.desktop.look import high_contrast_wanted
from posture_guard.desktop.paths import default_paths
from posture_guard.ui.forms import Handler, Window, show_with_diary
from posture_guard.ui.setup import autostart_line


def welcome_handlers(
    settings: Settings, store: Store, item: LoginItem, outcome: dict[str, object], look: view.Look
) -> tuple[view.Form, dict[str, Handler]]:
    """The welcome form, and what Start does (Rule 2); `outcome` gathers what was done."""
    clinic_now = store.clinic()
    form = welcome.welcome_form(
        settings,
        clinic=clinic_now,
        clinic_allowed=policy.clinic_change_refusal(settings) is None,
        look=look,
    )

    def start(window: Window) -> None:
        window.clear_errors()
        answers = welcome.read_answers(view.answer_texts(form, window.raw()))
        hours = clinic_now.opening_hours if clinic_now is not None else None
        try:
            clinic = welcome.clinic_profile(answers, hours=hours)
        except ClinicError as exc:
            window.show_error(welcome.place_clinic_error(exc))
            return
        try:
            action = welcome.login_action(answers.start_at_login, enabled=item.status().enabled)
            login = autostart_line(item, action) if action is not None else ""
        except PostureGuardError as exc:
            window.show_error(welcome.place_login_error(exc))
            return
        saved = False
        if clinic is not None and clinic != clinic_now:
            try:
                diary.set_clinic(
                    store,
                    name=clinic.name,
                    booking_url=clinic.booking_url,
                    phone=clinic.phone,
                    hours=clinic.opening_hours,
                )
            except PostureGuardError as exc:
                window.show_error(view.ErrorPlace(None, f"{view.WARNING_SIGN} {exc}"))
                return
            saved = True
        outcome.update(
            outcome="started", start_at_login=answers.start_at_login, login=login, clinic=saved
        )
        window.close()

    return form, {"start": start}


def main(argv: Sequence[str] | None = None) -> int:
    """Show the welcome window until it closes; 0, or 1 when it could not be shown."""
    language.install()
    parser = argparse.ArgumentParser(
        prog="python -m posture_guard.ui.welcome",
        description=_("Posture Guard's welcome window, shown on the first run."),
    )
    parser.add_argument("--config", type=Path)
    parser.add_argument("--scale", type=float, help=_("2 = 200 %% (default: the desktop's)"))
    args = parser.parse_args(argv)
    paths = default_paths(config_file=args.config)
    settings = load_effective(paths).settings
    look = view.Look.of(high_contrast=high_contrast_wanted())
    outcome: dict[str, object] = {"outcome": "skipped"}
    return show_with_diary(
        "welcome",
        paths,
        lambda store: welcome_handlers(settings, store, login_item(), outcome, look),
        look=look,
        scale=args.scale,
        outcome=outcome,
    )


if __name__ == "__main__":
    raise SystemExit(main())
