"""Managed policy as this OS keeps it: TOML files, macOS managed preferences, the Windows registry.

Rule 1: this is the only module that reads policy from the OS. Parsing is `policy.py`'s (pure,
        tested with sample exports); here are only the reads: files, plists and, on Windows,
        `winreg` (imported only there).
Rule 2: a source that cannot be read becomes a problem in `Loaded.problems` (named, one line);
        the other sources and the built-in defaults still apply. Nothing here raises for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from posture_guard.core import config, policy
from posture_guard.core.config import Loaded, PolicySource
from posture_guard.core.i18n import _
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


def policy_signature(paths: Paths) -> tuple[object, ...]:
    """What changes when a policy file or plist changes (modification times and sizes; the
    registry's content on Windows), cheap enough to check every minute."""
    stamps: list[object] = []
    for path in (*paths.managed_plists, *paths.policy_files):
        try:
            info = path.stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((info.st_mtime_ns, info.st_size, info.st_ino))
    if paths.policy_registry:
        stamps.append(registry_policy())
    return tuple(stamps)


class PolicyWatch:
    """Notices a changed policy and re-applies it; run `check()` on the service's schedule.

    A new policy with errors is not applied: the last good settings stay and one line says why
    (once per change). A policy that cannot be applied yet (a break in progress) is tried again
    at the next check.
    """

    def __init__(self, paths: Paths, apply: Callable[[Loaded], bool]) -> None:
        self._paths = paths
        self._apply = apply
        self._seen = policy_signature(paths)
        self._pending = False

    def check(self) -> None:
        """Compare the sources' signature with the last one; re-read and apply on a change."""
        signature = policy_signature(self._paths)
        if signature == self._seen and not self._pending:
            return
        changed = signature != self._seen
        self._seen = signature
        sources = policy_sources(self._paths)
        alone = config.load(None, policies=sources)
        if alone.errors:
            if changed:
                first = alone.errors[0].message
                more = len(alone.errors) - 1
                log.error(
                    "the policy changed but has problems; keeping the last good one: %s%s",
                    first,
                    f" (and {more} more; `posture-guard policy check FILE`)" if more else "",
                )
            self._pending = False
            return
        loaded = config.load(self._paths.user_config, policies=sources)
        self._pending = not self._apply(loaded)
        if not self._pending:
            log.info("the policy changed; applied it (%s)", loaded.policy_file or "no policy now")
