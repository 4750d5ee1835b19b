"""The break screen's branding: the presenter's own values, else the policy's, else ours."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from posture_guard.core import config
from posture_guard.core.breakflow import DEFAULT_ACCENT
from posture_guard.ui.presenter import branding_for

NONE = config.defaults().branding
ACME = dataclasses.replace(
    NONE, organisation="Acme Health", accent_colour="#7a1f5c", logo=Path("/etc/acme.png")
)


def test_without_a_policy_the_window_is_ours() -> None:
    assert branding_for(NONE) == (DEFAULT_ACCENT, "", "")


def test_the_policys_branding_goes_to_the_window() -> None:
    assert branding_for(ACME) == ("#7a1f5c", "Acme Health", "/etc/acme.png")


def test_values_given_to_the_presenter_win_over_the_policy() -> None:
    assert branding_for(ACME, "#123456", "Other") == ("#123456", "Other", "/etc/acme.png")
