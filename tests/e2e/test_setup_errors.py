"""Setup problems (a file where a folder should be, a planted symlink) are said, not thrown."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from posture_guard.core.errors import PostureGuardError
from posture_guard.desktop.paths import ensure_private_dir
from tests.app import App

pytestmark = pytest.mark.e2e


def test_private_dir_refuses_a_planted_symlink_and_leaves_its_target_alone(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    os.chmod(target, 0o755)
    link = tmp_path / "posture-guard"
    link.symlink_to(target)
    with pytest.raises(
        PostureGuardError,
        match=rf"^{link}: expected a directory, found a symlink or file; refusing to use it$",
    ):
        ensure_private_dir(link)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_private_dir_is_created_0700_and_tightened(tmp_path: Path) -> None:
    made = ensure_private_dir(tmp_path / "run" / "posture-guard")
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    os.chmod(made, 0o755)
    ensure_private_dir(made)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700


def test_run_with_a_file_where_the_state_dir_should_be_says_so(app: App) -> None:
    blocker = app.home / ".state"
    blocker.write_text("not a folder")
    result = app.cli("run", "--headless")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"posture-guard: {blocker / 'posture-guard'}: Not a directory"


def test_run_with_a_missing_config_file_given_is_a_usage_error(app: App) -> None:
    app.config.unlink()
    result = app.cli("run", "--headless")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"posture-guard: {app.config}: no such file (given with --config)"
    )
