"""Managed policy as this OS keeps it (TOML files, macOS managed preferences, the Windows
registry), and the watch that re-applies it and the user's settings file when they change.

Rule 1: this is the only module that reads policy from the OS. Parsing is `policy.py`'s (pure,
        tested with sample exports); here are only the reads: files, plists and, on Windows,
        `winreg` (imported only there).
Rule 2: a source that cannot be read becomes a problem in `Loaded.problems` (named, one line);
        the other sources and the built-in defaults still apply. Nothing here raises for it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from posture_guard.core import config, policy
from posture_guard.core.commands import SettingsTrouble
from posture_guard.core.config import Layer, Loaded, PolicySource
from posture_guard.core.i18n import _
from posture_guard.desktop.filewatch import FileWatch
from posture_guard.desktop.paths import Paths
from posture_guard.desktop.policy_stores import registry_policy

log = logging.getLogger(__name__)


def policy_sources(paths: Paths) -> list[PolicySource]:
    """Every policy source of this computer, highest precedence first (see `paths.policy_locations`).

    The registry comes first on Windows; then the plists (macOS), then the TOML files.
    """
    sources: list[PolicySource] = []
    registry = registry_policy() if paths.policy_registry else None
    if registry is not None:
        sources.append(registry)
    for plist in paths.managed_plists:
        source = _plist_source(plist)
        if source is not None:
            sources.append(source)
    sources.extend(config.file_source(path) for path in paths.policy_files)
    return sources


def _plist_source(path: Path) -> PolicySource | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return PolicySource(
            name=str(path),
            error=_("{file}: cannot be read: {reason}").format(
                file=path, reason=exc.strerror or exc
            ),
        )
    return policy.source_from_bytes(data, file=str(path))


def load_effective(paths: Paths, user_file: Path | None = None) -> Loaded:
    """The effective settings: built-in < every policy source < the user file (`paths.user_config`
    unless `user_file` is given)."""
    return config.load(
        user_file if user_file is not None else paths.user_config,
        policies=policy_sources(paths),
    )


def _stamp(path: Path) -> object:
    """What changes when a file is edited, replaced or re-pointed: the link's own stamps and
    those of what it leads to (modification time, size, inode, type); None when absent."""
    stamps: list[object] = []
    for read in (path.lstat, path.stat):
        try:
            info = read()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((info.st_mtime_ns, info.st_size, info.st_ino, info.st_mode))
    return tuple(stamps)


def file_stamps(paths: Paths) -> tuple[object, ...]:
    """The stamps of every settings file: the policy files and plists, then the user's file.
    A few `stat` calls: cheap enough to look every couple of seconds."""
    return tuple(_stamp(p) for p in (*paths.managed_plists, *paths.policy_files, paths.user_config))


def policy_signature(paths: Paths) -> tuple[object, ...]:
    """What changes when a policy file or plist changes (modification times and sizes; the
    registry's content on Windows), cheap enough to check every minute."""
    stamps: list[object] = [_stamp(p) for p in (*paths.managed_plists, *paths.policy_files)]
    if paths.policy_registry:
        stamps.append(registry_policy())
    return tuple(stamps)


class SettingsWatch:
    """Notices a changed policy or user settings file and re-applies the settings; run `check()`
    on the service's worker thread (the minute job, and `Poller` within seconds of an edit).

    Rule 1: only a good change is applied. A policy with new errors keeps the last good
            settings (one log line per change); a user file with errors (bad values, or a
            folder, a pipe, a link to nothing, unreadable or not UTF-8 in its place) keeps them
            too, and `report` is told the problems (the service says so once per problem, and
            status shows it) until the file is good again, when `report(None)`.
    Rule 2: settings that cannot be applied yet (a break in progress) are tried again at the
            next check.
    Rule 3: the files are only read (config.py Rule 1): the service never writes them.
    """

    def __init__(
        self,
        paths: Paths,
        apply: Callable[[Loaded], bool],
        report: Callable[[SettingsTrouble | None], None],
        start: Loaded,
    ) -> None:
        """Args:
        apply: takes the new settings; False when it cannot yet (a break in progress).
        report: told the user file's problems (None once there are none), on each check
            that reads the files.
        start: what the service started with: the policy's problems in it are known (their
            values fell back to the defaults) and do not stop a later change.
        """
        self._paths = paths
        self._apply = apply
        self._report = report
        self._policy_seen = policy_signature(paths)
        self._user_seen = _stamp(paths.user_config)
        self._known = frozenset(p.message for p in start.errors if p.layer is Layer.POLICY)
        self._pending = False

    @property
    def pending(self) -> bool:
        """A good change waits to be applied (a break was in progress)."""
        return self._pending

    def check(self) -> None:
        """Compare the files' stamps with the last ones; re-read and apply on a change."""
        policy_seen, user_seen = policy_signature(self._paths), _stamp(self._paths.user_config)
        policy_changed = policy_seen != self._policy_seen
        user_changed = user_seen != self._user_seen
        if not (policy_changed or user_changed or self._pending):
            return
        self._policy_seen, self._user_seen = policy_seen, user_seen
        loaded = config.load(self._paths.user_config, policies=policy_sources(self._paths))
        policy_errors = [p.message for p in loaded.errors if p.layer is Layer.POLICY]
        if set(policy_errors) - self._known:
            if policy_changed:
                more = len(policy_errors) - 1
                log.error(
                    "the policy changed but has problems; keeping the last good one: %s%s",
                    policy_errors[0],
                    f" (and {more} more; `posture-guard policy check FILE`)" if more else "",
                )
            self._pending = False
            return
        user_errors = tuple(p.message for p in loaded.errors if p.layer is not Layer.POLICY)
        if user_errors:
            self._report(SettingsTrouble(file=str(self._paths.user_config), problems=user_errors))
            self._pending = False
            return
        self._report(None)
        self._pending = not self._apply(loaded)
        if self._pending:
            return
        self._known = frozenset(policy_errors)
        if policy_changed:
            log.info("the policy changed; applied it (%s)", loaded.policy_file or "no policy now")
        if user_changed:
            log.info("the settings file changed; applied it (%s)", self._paths.user_config)


#: How often `Poller` looks at the settings files' stamps while a change waits to be applied
#: (a break in progress), and where files cannot be watched (desktop/filewatch.py): a second,
#: so that a change saved in the settings window shows in `status` within two.
POLL_S: Final = 1.0
#: How often, while nothing is heard, the watch looks for folders made since (a policy folder
#: an administrator creates); the service's minute job checks the files in any case.
REARM_S: Final = 60.0


class Poller:
    """Hands `watch.check` to the worker with `post` within a second of a settings file's
    change (or every POLL_S while a change waits to be applied), on a daemon thread of its own.

    The thread sleeps on a `FileWatch` of the files' folders (inotify on Linux: no wake-up
    while nothing changes; a timed look elsewhere), and only calls `stat`; the worker reads and
    applies."""

    def __init__(
        self,
        watch: SettingsWatch,
        paths: Paths,
        post: Callable[[Callable[[], None]], None],
    ) -> None:
        self._watch = watch
        self._paths = paths
        self._post = post
        with contextlib.suppress(OSError):  # the user's own settings folder, to be watched
            paths.user_config.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._files = FileWatch((*paths.managed_plists, *paths.policy_files, paths.user_config))
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="posture-guard-settings", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop looking (returns once the thread has ended). Any thread but the poller's."""
        self._stop.set()
        self._files.close()
        if self._thread.ident is not None:
            self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._files.release()

    def _run(self) -> None:
        seen = file_stamps(self._paths)
        posted = False
        while not self._stop.is_set():
            # after a post, look again soon: the worker may find the change cannot apply yet
            soon = posted or self._watch.pending or not self._files.notified
            try:
                self._files.wait(POLL_S if soon else REARM_S)
            except OSError as exc:  # the watch broke: timed looks from now on
                log.warning("settings watch failed (%s); looking every %s s instead", exc, POLL_S)
                self._files.give_up()
            if self._stop.is_set():
                return
            self._files.rearm()
            stamps = file_stamps(self._paths)
            posted = stamps != seen or self._watch.pending
            if posted:
                seen = stamps
                self._post(self._watch.check)
