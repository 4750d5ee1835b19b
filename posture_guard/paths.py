"""The only place that decides where files live: config, policy, state (logs), data, runtime."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from posture_guard.errors import PostureGuardError

APP_NAME = "posture-guard"


@dataclass(frozen=True, slots=True, kw_only=True)
class Paths:
    user_config: Path
    policy: Path | None
    state_dir: Path
    data_dir: Path
    runtime_dir: Path

    @property
    def log_file(self) -> Path:
        return self.state_dir / "posture-guard.log"

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "control.sock"

    @property
    def instance_lock(self) -> Path:
        return self.runtime_dir / "instance.lock"

    @property
    def database(self) -> Path:
        """The one SQLite file: break events, active time per day and (later) the diary."""
        return self.data_dir / "posture-guard.sqlite3"


def default_paths(
    env: Mapping[str, str] | None = None, *, config_file: Path | None = None
) -> Paths:
    """Where this user's files live. `POSTURE_GUARD_POLICY` overrides the policy file (admins, tests).

    Honours the XDG variables on Linux (through platformdirs), so tests can redirect everything.
    """
    env = os.environ if env is None else env
    policy = env.get("POSTURE_GUARD_POLICY")
    if policy is not None:
        policy_path: Path | None = Path(policy) if policy else None
    elif sys.platform == "win32":
        policy_path = None  # Windows policy comes from the registry, not a file
    else:
        policy_path = Path("/etc/posture-guard/policy.toml")
    return Paths(
        user_config=config_file or Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml",
        policy=policy_path,
        state_dir=Path(platformdirs.user_state_dir(APP_NAME)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        runtime_dir=_runtime_dir(env),
    )


def _runtime_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_RUNTIME_DIR")
    if base and Path(base).is_dir():
        return Path(base) / APP_NAME
    if sys.platform == "win32":
        return Path(platformdirs.user_runtime_dir(APP_NAME))
    else:
        # No per-user runtime dir (root shells, containers): a private dir in the temp dir.
        return Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (mode 0700) if needed and check that it is a real directory of ours.

    Raises:
        PostureGuardError: when it is a symlink or not a directory, belongs to someone else, or
            (after we tighten it) others can still use it.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise PostureGuardError(
            f"{path}: expected a directory, found a symlink or file; refusing to use it"
        )
    if sys.platform != "win32":
        if info.st_uid != os.getuid():
            raise PostureGuardError(
                f"{path}: belongs to user id {info.st_uid}, not to you; refusing to use it"
            )
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            path.chmod(0o700)
    return path


#: The login item's identifier (macOS LaunchAgent label, Windows Run value name).
LOGIN_ITEM_ID = "org.posture-guard.PostureGuard"


def login_item_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The file that starts Posture Guard at login, or None where it is a registry value.

    Linux and other XDG desktops: `$XDG_CONFIG_HOME/autostart/posture-guard.desktop`; macOS:
    `~/Library/LaunchAgents/<LOGIN_ITEM_ID>.plist`; Windows: None (the Run key).
    """
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "win32":
        return None
    elif sys.platform == "darwin":
        return home / "Library" / "LaunchAgents" / f"{LOGIN_ITEM_ID}.plist"
    else:
        config_home = env.get("XDG_CONFIG_HOME") or str(home / ".config")
        return Path(config_home) / "autostart" / f"{APP_NAME}.desktop"
