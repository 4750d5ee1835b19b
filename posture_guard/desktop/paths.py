"""The only place that decides where files live: config, policy, state (logs), data, runtime."""

from __future__ import annotations

import contextlib
import getpass
import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from posture_guard.core.config import PolicySource
from posture_guard.core.errors import PostureGuardError

APP_NAME = "posture-guard"

#: Linux and other Unix: the XDG base directories we use (variable; default under the home).
_XDG: Final = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "state": ("XDG_STATE_HOME", ".local/state"),
    "data": ("XDG_DATA_HOME", ".local/share"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Paths:
    user_config: Path
    policy: Path | None  # the first of `policy_files` (the one `config show` names first)
    state_dir: Path
    data_dir: Path
    runtime_dir: Path
    #: Managed-policy TOML files, highest precedence first (see `policy_locations`).
    policy_files: tuple[Path, ...] = ()
    #: macOS managed-preference plists, highest precedence first (per-user, then the computer's).
    managed_plists: tuple[Path, ...] = ()
    #: Whether to read HKLM\SOFTWARE\Policies\PostureGuard (Windows).
    policy_registry: bool = False
    #: One line when POSTURE_GUARD_POLICY or POSTURE_GUARD_ROOT met a system policy: in effect
    #: (it allows overrides) or ignored (`policy_override_note`); None otherwise.
    policy_override: str | None = None

    @property
    def first_run_marker(self) -> Path:
        """Exists once the first-run notice (what the employer can see) has been shown."""
        return self.state_dir / "first-run-shown"

    @property
    def device_id_file(self) -> Path:
        """The random id that names this install in fleet figures (never the user or host)."""
        return self.data_dir / "device-id"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "posture-guard.log"

    @property
    def socket(self) -> Path:
        """The control channel's file: the Unix socket, or on Windows the ticket that names the
        pipe and holds its key (`desktop/pipes.py`)."""
        return self.runtime_dir / ("control.ticket" if sys.platform == "win32" else "control.sock")

    @property
    def instance_lock(self) -> Path:
        return self.runtime_dir / "instance.lock"

    @property
    def sounds_dir(self) -> Path:
        """Our own soft break sounds, written at first use where no sound theme has one."""
        return self.data_dir / "sounds"

    @property
    def database(self) -> Path:
        """The one SQLite file: break events, active time per day and (later) the diary."""
        return self.data_dir / "posture-guard.sqlite3"


def default_paths(
    env: Mapping[str, str] | None = None, *, config_file: Path | None = None
) -> Paths:
    """Where this user's files live. `POSTURE_GUARD_POLICY` overrides the policy file (admins, tests).

    Honours the XDG variables on Linux, so tests can redirect everything.
    """
    env = os.environ if env is None else env
    files, plists, registry = policy_locations(env)
    note = None
    overrides = [(name, env[name]) for name in POLICY_OVERRIDES if name in env]
    real = policy_locations({k: v for k, v in env.items() if k not in POLICY_OVERRIDES})
    if overrides and (files, plists, registry) != real:
        from posture_guard.core.policy import override_verdict  # noqa: PLC0415 - only then

        # the system's own places only: $XDG_CONFIG_DIRS is the user's to set, as these are
        fixed = policy_locations({k: v for k, v in env.items() if k not in _NOT_FIXED})
        verdict = override_verdict(overrides, _system_policies(*fixed))
        note = verdict.note
        if not verdict.applies:
            files, plists, registry = real
    return Paths(
        policy_override=note,
        user_config=config_file or _user_dir("config", env) / "config.toml",
        policy=files[0] if files else None,
        state_dir=_user_dir("state", env),
        data_dir=_user_dir("data", env),
        runtime_dir=_runtime_dir(env),
        policy_files=files,
        managed_plists=plists,
        policy_registry=registry,
    )


POLICY_FILE_NAME = "policy.toml"
#: The variables that move the policy away from the system's (`policy_locations`). Over a
#: system policy they apply only when it allows it (`policy.override_verdict`).
POLICY_OVERRIDES: Final = ("POSTURE_GUARD_POLICY", "POSTURE_GUARD_ROOT")
_NOT_FIXED: Final = (*POLICY_OVERRIDES, "XDG_CONFIG_DIRS")


def _system_policies(
    files: tuple[Path, ...], plists: tuple[Path, ...], registry: bool
) -> list[PolicySource]:
    """The system policies in place, read, for `policy.override_verdict`, as `policy_sources`
    orders them: the Windows registry key when it holds anything (or cannot be read), the
    managed plists and the TOML files that are there."""
    found: list[PolicySource] = []
    if registry:
        from posture_guard.desktop.policy_stores import registry_policy  # noqa: PLC0415

        source = registry_policy()
        if source is not None and (source.error is not None or source.document):
            found.append(source)
    found.extend(_read_system_file(path) for path in (*plists, *files) if path.is_file())
    return found


def _read_system_file(path: Path) -> PolicySource:
    """A system policy file (TOML, or a macOS plist) as a source; one that cannot be read
    (or is not UTF-8 TOML) carries an error, so it allows nothing."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return PolicySource(name=str(path), error=str(exc))
    if path.suffix == ".plist":
        from posture_guard.core.policy import source_from_bytes  # noqa: PLC0415 - as above

        return source_from_bytes(data, file=str(path))
    try:
        return PolicySource(name=str(path), text=data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return PolicySource(name=str(path), error=str(exc))


PLIST_NAME = "com.posture-guard.plist"


def policy_locations(
    env: Mapping[str, str],
) -> tuple[tuple[Path, ...], tuple[Path, ...], bool]:
    r"""Where the managed policy is read from: (TOML files, plists, registry?), highest first.

    - `POSTURE_GUARD_POLICY=FILE` (admins, tests): that file alone; set but empty: no policy.
    - Linux and other Unix: `/etc/posture-guard/policy.toml`, then
      `DIR/posture-guard/policy.toml` for each DIR of `$XDG_CONFIG_DIRS` in its order (default
      `/etc/xdg`). The first file that sets a key wins; every file's locks apply.
    - macOS: `/Library/Managed Preferences/USER/com.posture-guard.plist`, then
      `/Library/Managed Preferences/com.posture-guard.plist` (user-level managed preferences
      win, as on macOS itself), then `/etc/posture-guard/policy.toml`.
    - Windows: `HKLM\SOFTWARE\Policies\PostureGuard` only.

    `POSTURE_GUARD_ROOT=DIR` puts every fixed system path above under DIR (tests, images being
    built); `$XDG_CONFIG_DIRS` entries are used as given.
    """
    override = env.get("POSTURE_GUARD_POLICY")
    if override is not None:
        return ((Path(override),) if override else ()), (), False
    root = Path(env.get("POSTURE_GUARD_ROOT") or "/")
    etc_file = root / "etc" / APP_NAME / POLICY_FILE_NAME
    if sys.platform == "win32":
        return (), (), True
    elif sys.platform == "darwin":
        managed = root / "Library" / "Managed Preferences"
        return (etc_file,), (managed / getpass.getuser() / PLIST_NAME, managed / PLIST_NAME), False
    else:
        dirs = [d for d in env.get("XDG_CONFIG_DIRS", "").split(":") if d]
        xdg = [Path(d) for d in dirs] or [root / "etc" / "xdg"]
        return (etc_file, *(d / APP_NAME / POLICY_FILE_NAME for d in xdg)), (), False


def _user_dir(kind: str, env: Mapping[str, str]) -> Path:
    """This user's `kind` ("config", "state" or "data") folder for our files.

    Linux and other Unix: the XDG base directory, `$XDG_<KIND>_HOME` when it is an absolute path
    (the spec says to ignore a relative one), else its default under the home folder. macOS and
    Windows: platformdirs. (platformdirs would do Linux too, but it brings tempfile, shutil,
    bz2 and lzma into the service: 1.1 MiB measured, for three variables.)
    """
    if sys.platform == "darwin" or sys.platform == "win32":
        import platformdirs  # noqa: PLC0415 - see above

        found: str = getattr(platformdirs, f"user_{kind}_dir")(APP_NAME)
        return Path(found)
    else:
        variable, default = _XDG[kind]
        value = env.get(variable, "")
        base = Path(value) if os.path.isabs(value) else Path.home() / default
        return base / APP_NAME


#: The longest Unix socket path, in bytes: `sun_path` is 108 bytes on Linux (104 on macOS and
#: the BSDs), one of them the closing NUL.
SOCKET_PATH_MAX: Final = 103 if sys.platform == "darwin" else 107
#: In the state dir: the private temporary runtime dir in use when ours would be too long.
RUNTIME_RECORD: Final = "runtime-dir"


def _runtime_dir(env: Mapping[str, str]) -> Path:
    """This user's runtime folder (the control socket, the instance lock).

    `$XDG_RUNTIME_DIR/posture-guard` when the session has one; Windows: platformdirs. Without
    one (root shells, containers, macOS), `run` in our state folder: under the user's own home,
    so no other user can create it first (a fixed name in /tmp could be taken by anyone and
    stop the service). When a socket there would be longer than a socket path may be, a
    private `mkdtemp` folder (a name no one can guess, mode 0700), whose name the state folder
    keeps so every process finds the same one (`_recorded_runtime_dir`).
    """
    base = env.get("XDG_RUNTIME_DIR")
    if base and Path(base).is_dir():
        return Path(base) / APP_NAME
    if sys.platform == "win32":
        import platformdirs  # noqa: PLC0415 - see _user_dir

        return Path(platformdirs.user_runtime_dir(APP_NAME))
    else:
        state = _user_dir("state", env)
        private = state / "run"
        if len(os.fsencode(private / "control.sock")) <= SOCKET_PATH_MAX:
            return private
        return _recorded_runtime_dir(state, env.get("TMPDIR") or None)


def _recorded_runtime_dir(state: Path, temp: str | None) -> Path:
    """The private temporary runtime folder this user's processes share: the one the state
    folder names when it is still ours (a real folder, ours, 0700), else a new `mkdtemp` one
    in `temp` (default: the temp folder), recorded. A record that cannot be written leaves the new folder unrecorded (then another
    process may pick another, and `status` may not find the service)."""
    record = state / RUNTIME_RECORD
    with contextlib.suppress(OSError, ValueError):
        named = Path(record.read_text(encoding="utf-8").strip())
        if named.is_absolute() and _private_and_ours(named.lstat()):
            return named
    import tempfile  # noqa: PLC0415 - only here; it costs the running service 0.6 MiB

    made = Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-", dir=temp))  # 0700, a name no one can guess
    with contextlib.suppress(OSError):
        ensure_private_dir(state)
        partial = record.with_name(f".{RUNTIME_RECORD}.{os.getpid()}")
        partial.write_text(f"{made}\n", encoding="utf-8")
        partial.replace(record)
    return made


def _private_and_ours(info: os.stat_result) -> bool:
    """Whether a folder's `lstat` shows a real folder of this user's that no one else may use."""
    if sys.platform == "win32":
        return False  # no owner to compare here; Windows never asks (its own runtime folder)
    else:
        private = not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and private


def xdg_data_dirs(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The XDG data folders to search for shared data (sound themes), most important first:
    `$XDG_DATA_HOME` (else ~/.local/share), then each of `$XDG_DATA_DIRS` (else /usr/local/share
    and /usr/share). Relative entries are ignored, as the XDG Base Directory spec says."""
    env = os.environ if env is None else env
    home = env.get("XDG_DATA_HOME", "")
    first = (
        Path(home) if os.path.isabs(home) else Path(env.get("HOME") or Path.home()) / ".local/share"
    )
    listed = [d for d in env.get("XDG_DATA_DIRS", "").split(":") if os.path.isabs(d)]
    rest = [Path(d) for d in listed] or [Path("/usr/local/share"), Path("/usr/share")]
    return (first, *rest)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (mode 0700) if needed and check that it is a real directory of ours.

    A folder others can use is tightened to 0700, except a sticky shared one such as /tmp.

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
        # A sticky, shared folder (/tmp) is nobody's to tighten: our files in it are 0600.
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) and not info.st_mode & stat.S_ISVTX:
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
