"""The policy stores the operating system keeps: the Windows registry's policy key.

Policy files and macOS plists are plain files (`app/managed.py` reads them); this is the one
store that needs an OS API.
"""

from __future__ import annotations

import sys

from posture_guard.core.config import PolicySource


def registry_policy() -> PolicySource | None:
    """HKLM\\SOFTWARE\\Policies\\PostureGuard as a policy source on Windows; None elsewhere."""
    if sys.platform == "win32":
        from posture_guard.desktop.registry import read_policy_key  # noqa: PLC0415 - Windows only

        return read_policy_key()
    else:  # mypy checks each platform's branch only in this form
        return None
