"""Diary records dated while the system clock ran ahead (a wrong clock, a dead CMOS battery). Pure.

Rule 1: the newest check-in is the one entered last (the store's row order), never the one
        dated latest. A check-in is dated by the clock as it is entered (there is no `--at` for
        check-ins), so one dated after a check-in entered later was entered while the clock ran
        ahead: it is flagged and never trusted over the later one, even once the real time has
        passed its date.
Rule 2: a record dated more than `TOLERANCE` after `now` is "from the future": it was entered
        while the clock ran ahead. It is flagged wherever it is shown (`ahead_line`), never
        silently trusted. `TOLERANCE` absorbs the small steps NTP makes.
Rule 3: episodes may be back-dated (`--at`), so for them entry order says nothing about the
        clock; only `now` does (Rule 2). An open episode started in the future can still be
        ended: at a time before its start, it ends at its own last moment (its start or its
        latest update), flagged (`end_ahead`). It never blocks a new episode: starting one
        ends it the same way first (`ahead_open`).
Rule 4: no clock and no I/O; `now` arrives as an aware datetime.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from posture_guard.core.episodes import Episode
from posture_guard.core.i18n import _
from posture_guard.core.localeforms import format_date_time
from posture_guard.core.records import StoredCheckIn

#: How far after `now` a record may be dated before it counts as entered with the clock ahead.
TOLERANCE: Final = timedelta(minutes=5)


def is_ahead(at: datetime, now: datetime) -> bool:
    """Whether `at` is more than `TOLERANCE` after `now` (real time, whatever the offsets)."""
    return at.astimezone(UTC) - now.astimezone(UTC) > TOLERANCE


def ahead_line(at: datetime) -> str:
    """The one line that flags a record dated `at` as entered while the clock ran ahead."""
    # Translators: shown under a check-in or an episode whose date is later than the clock now
    # (or than a record entered after it): the computer's clock was wrong when it was entered
    return _("entered while the clock was ahead: dated {time}").format(time=format_date_time(at))


def newest_check_in(in_entry_order: Sequence[StoredCheckIn]) -> StoredCheckIn | None:
    """The newest check-in (Rule 1): the one entered last, or None."""
    return in_entry_order[-1] if in_entry_order else None


def check_ins_ahead(check_ins: Iterable[StoredCheckIn], now: datetime) -> tuple[StoredCheckIn, ...]:
    """The check-ins entered while the clock ran ahead (Rules 1 and 2), in entry order (their
    ids): each dated more than `TOLERANCE` after `now` or after a check-in entered later."""
    flagged: list[StoredCheckIn] = []
    horizon = now.astimezone(UTC)
    for stored in sorted(check_ins, key=lambda s: s.id, reverse=True):
        at = stored.check_in.at
        if is_ahead(at, horizon):
            flagged.append(stored)
        horizon = min(horizon, at.astimezone(UTC))
    return tuple(reversed(flagged))


def ahead_open(history: Iterable[Episode], now: datetime) -> Episode | None:
    """The open episode that started in the future (Rule 3), which a new episode ends first."""
    return next((e for e in history if e.is_open and is_ahead(e.started, now)), None)


def last_moment(episode: Episode) -> datetime:
    """The latest moment an episode holds: its start, or its latest update."""
    return max((episode.started, *(u.at for u in episode.updates)), key=lambda t: t.timestamp())


def end_ahead(episode: Episode, at: datetime, now: datetime) -> datetime:
    """When to end `episode` when asked for `at` (Rule 3): `at`, unless the episode started in
    the future and `at` is before its last moment; then that last moment."""
    last = last_moment(episode)
    if is_ahead(episode.started, now) and at.timestamp() < last.timestamp():
        return last
    return at
