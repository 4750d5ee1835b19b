"""After the README's run command, `posture-guard` is a command a new terminal finds (issue: a
new shell answered "command not found"): setup links it into ~/.local/bin as pipx does, and says
what to add when that folder is not on PATH. Runs setup-and-run.sh itself, set up only."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SKEL_PROFILE = Path("/etc/skel/.profile")  # Debian's: adds ~/.local/bin to PATH when it exists


def setup(home: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "PATH": path,
        "POSTURE_GUARD_SETUP_ONLY": "1",
        "POSTURE_GUARD_NO_APT": "1",  # no Debian packages from a test
    }
    return subprocess.run(
        ["bash", str(REPO / "setup-and-run.sh")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_a_new_login_shell_finds_the_command_after_setup(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(SKEL_PROFILE, home / ".profile")
    done = setup(home, "/usr/bin:/bin")
    assert done.returncode == 0, done.stderr
    link = home / ".local" / "bin" / "posture-guard"
    assert link.is_symlink()
    assert Path(os.readlink(link)) == REPO / ".venv" / "bin" / "posture-guard"
    # what a person does next: open a new terminal (a login shell) and type the command
    new_shell = subprocess.run(
        ["bash", "-lc", "posture-guard --version"],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert new_shell.returncode == 0, new_shell.stderr
    assert new_shell.stdout.startswith("posture-guard ")


def test_setup_says_when_the_folder_is_not_on_path_and_gives_the_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = setup(home, "/usr/bin:/bin")
    assert "which is not on your PATH" in done.stdout
    assert 'export PATH="$HOME/.local/bin:$PATH"' in done.stdout
    on_path = setup(home, f"{home}/.local/bin:/usr/bin:/bin")
    assert "which is not on your PATH" not in on_path.stdout
    assert f"the posture-guard command is in {home}/.local/bin" in on_path.stdout


def test_a_file_of_someone_elses_is_left_alone(tmp_path):
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    theirs = bin_dir / "posture-guard"
    theirs.write_text("#!/bin/sh\necho theirs\n")
    done = setup(home, "/usr/bin:/bin")
    assert done.returncode == 0, done.stderr
    assert not theirs.is_symlink()
    assert theirs.read_text() == "#!/bin/sh\necho theirs\n"
    assert "exists and is not ours" in done.stdout


def test_a_link_to_another_program_is_left_alone_and_an_old_clones_link_is_moved(tmp_path):
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    link = bin_dir / "posture-guard"
    link.symlink_to("/usr/bin/true")  # e.g. a pipx install of someone's own wrapper
    done = setup(home, "/usr/bin:/bin")
    assert done.returncode == 0, done.stderr
    assert os.readlink(link) == "/usr/bin/true"
    assert "exists and is not ours" in done.stdout
    link.unlink()
    link.symlink_to(tmp_path / "old-clone" / ".venv" / "bin" / "posture-guard")  # now dangling
    done = setup(home, "/usr/bin:/bin")
    assert done.returncode == 0, done.stderr
    assert Path(os.readlink(link)) == REPO / ".venv" / "bin" / "posture-guard"
