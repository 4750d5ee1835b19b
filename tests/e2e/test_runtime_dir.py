"""The runtime folder without XDG_RUNTIME_DIR (issue 18): it was `posture-guard-UID` in the temp
folder, a name any local user could create first, which stopped this user's service from
starting. Now it is `run` in the user's own state folder, 0700, which no one else can take; when
a socket there would be too long for a socket path, a private `mkdtemp` folder named in the
state folder (desktop/paths.py)."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest

from posture_guard.desktop.paths import RUNTIME_RECORD, SOCKET_PATH_MAX, default_paths
from tests.app import App, read_until

pytestmark = pytest.mark.e2e


def without_runtime_dir(app: App, tmp_path: Path) -> Path:
    """The app with no XDG_RUNTIME_DIR and its own temp folder (TMPDIR), which holds the old
    fixed name already taken by another user (nobody); returns that folder."""
    del app.env["XDG_RUNTIME_DIR"]
    temp = tmp_path / "tmp"
    temp.mkdir(mode=0o1777)
    temp.chmod(0o1777)
    app.env["TMPDIR"] = str(temp)
    taken = temp / f"posture-guard-{os.getuid()}"
    taken.mkdir(mode=0o700)
    nobody = pwd.getpwnam("nobody")
    os.chown(taken, nobody.pw_uid, nobody.pw_gid)
    return taken


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another user")
def test_runtime_dir_another_user_cannot_stop_the_service(app: App, tmp_path: Path) -> None:
    # Protects: with no XDG_RUNTIME_DIR, a folder another user made under the old fixed name
    # does not stop the service; it runs from a private folder and `status` reaches it
    taken = without_runtime_dir(app, tmp_path)
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    run = app.home / ".state" / "posture-guard" / "run"
    assert stat.S_IMODE(run.stat().st_mode) == 0o700
    assert run.stat().st_uid == os.getuid()
    assert stat.S_ISSOCK((run / "control.sock").stat().st_mode)
    assert list(taken.iterdir()) == []  # nothing of ours in the other user's folder
    done = app.cli("pause", "10m")
    assert done.returncode == 0, done.stderr


def test_runtime_dir_too_long_for_a_socket_is_a_private_recorded_temp_dir(tmp_path: Path) -> None:
    # Protects: a state folder so deep that a socket path there would be too long gives a
    # private mkdtemp folder (0700, ours), the same one for every process (its name recorded)
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    env = {"XDG_STATE_HOME": str(deep), "TMPDIR": str(tmp_path), "HOME": str(tmp_path)}
    first = default_paths(env).runtime_dir
    assert len(os.fsencode(first / "control.sock")) <= SOCKET_PATH_MAX
    assert first.parent == tmp_path
    assert first.name.startswith("posture-guard-")
    assert first.name != f"posture-guard-{os.getuid()}"  # not a name to guess
    info = first.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid) == (0o700, os.getuid())
    record = deep / "posture-guard" / RUNTIME_RECORD
    assert record.read_text(encoding="utf-8") == f"{first}\n"
    assert default_paths(env).runtime_dir == first  # every process finds the same one
    # a recorded folder that is no longer private is never used again
    first.chmod(0o755)
    second = default_paths(env).runtime_dir
    assert second != first
    assert record.read_text(encoding="utf-8") == f"{second}\n"
