"""The forms the tray opens carry the policy's branding (launch.launch_argv)."""

from __future__ import annotations

import dataclasses
import sys

from posture_guard.core import config
from posture_guard.ui.launch import launch_argv

ACME = dataclasses.replace(
    config.defaults().branding, organisation="Acme Health", accent_colour="#7a1f5c"
)


def test_the_forms_get_the_organisations_accent_and_name() -> None:
    assert launch_argv("check-in", branding=ACME) == [
        sys.executable, "-m", "posture_guard.ui.forms", "check-in",
        "--accent", "#7a1f5c", "--organisation", "Acme Health",
    ]  # fmt: skip


def test_no_branding_set_adds_nothing() -> None:
    plain = launch_argv("episode", branding=config.defaults().branding)
    assert plain == [sys.executable, "-m", "posture_guard.ui.forms", "episode"]


def test_other_windows_do_not_get_the_branding_options() -> None:
    assert "--accent" not in launch_argv("about", branding=ACME)
