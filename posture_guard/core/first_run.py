"""What the first run of `posture-guard run` does for the person: the notice, the welcome
window, or nothing. Pure, and small: the service decides here without loading the welcome's
form (core/welcome.py, drawn in a process of its own).

Rule 1: the first run says what stays private once per user. With a desktop and no
        organisation's policy it opens the welcome window too; under a policy it asks nothing
        (a managed rollout starts without questions: the terminal notice and the log say what
        the employer sees); without a desktop, the terminal notice alone.
"""

from __future__ import annotations

from enum import Enum, auto


class FirstRun(Enum):
    """What the first run of `posture-guard run` does for the person."""

    #: Done before (the marker is there): nothing.
    DONE = auto()
    #: The notice in the terminal and the log (no desktop, or a managed rollout).
    NOTICE = auto()
    #: The notice, and the welcome window.
    WELCOME = auto()


def first_run_step(*, shown: bool, managed: bool, desktop: bool) -> FirstRun:
    """Rule 1: `shown`, the first-run marker exists; `managed`, a policy applies; `desktop`,
    windows can be shown (a display, and not --headless)."""
    if shown:
        return FirstRun.DONE
    if managed or not desktop:
        return FirstRun.NOTICE
    return FirstRun.WELCOME
