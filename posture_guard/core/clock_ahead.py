"""Diary records dated while the system clock ran ahead (a wrong clock, a dead CMOS battery). Pure.

Rule 1: the newest check-in is the one entered last (the store's row order), never the one
        dated latest. A check-in is dated by the clock as it is entered (there is no `--at` for
        check-ins), so one dated after a check-in entered later was entered while the clock ran
        ahead: it is flagged and never trusted over the later one, even once the real time has
        passed its date.
Rule 2: a record dated more than `TOLERANCE` after `now` is "from the future": it was entered
        while the clock ran ahead. It is flagged wherever it is shown (`ahead_line`), never
        silently trusted. `TOLERANCE` (episodes.py, with `is_ahead`) absorbs NTP's small steps.
Rule 3: episodes may be back-dated (`--at`), so their dates say nothing about the clock; the
        clock's reading as each was entered does (`entered`, kept since store v6). An open
        episode whose last moment is in the future can still be ended or updated: at a time
        before that moment, the end or the update is dated at that moment (its start or its
        latest update), flagged (`end_ahead`, `update_ahead`). It never blocks a new episode:
        starting one ends an open episode started in the future the same way first
        (`ahead_open`).
Rule 4: a moment of an episode (its start, an update, its end) dated more than `TOLERANCE`
        after `now`, or after the reading of an episode entered after it, was entered while
        the clock ran ahead (`episodes_ahead`): every change to an episode is made before the
        next one is entered (only one is open at a time), so with a right clock none is dated
        after a later reading. It stays flagged once the real time has passed its date, and
        an ended one never blocks a change entered after it (`overlap_history`): a later
        entry's own date is trusted over it. The newest episode is the one entered last
        (`episodes.current_episode`). The two cannot be told apart from a later reading
        taken while the clock ran *behind* (a dual-boot machine keeping local time): that
        too flags the earlier episode, and the later entry is trusted, as the newest is.
Rule 5: no clock and no I/O; `now` arrives as an aware datetime.
Rule 6: the latest pain (the exercise picker's, exercises Rule 9's "latest pain") is the rating
        entered last, across episodes, their updates and check-ins (`latest_pain`). Dates
        cannot order them, and neither can the clock's readings at entry (they go back when
        the clock is corrected): the store's entry counter (`PainEntry.seq`, schema v7) does.
        A rating entered before v7 has none: it is older than every one that has, and those
        without are ordered by date. A rating dated more than `TOLERANCE` after `now` never
        wins over one that is not (unless every one is), and once the real time has passed
        its date it is still older than what was entered after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from posture_guard.core.episodes import Episode, is_ahead
from posture_guard.core.i18n import _
from posture_guard.core.localeforms import format_date_time
from posture_guard.core.records import PainEntry, StoredCheckIn


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
    """The latest moment an open episode holds: its start, or its latest update."""
    return max((episode.started, *(u.at for u in episode.updates)), key=lambda t: t.timestamp())


def end_ahead(episode: Episode, at: datetime, now: datetime) -> datetime:
    """When to end `episode` when asked for `at` (Rule 3): `at`, unless the episode's last
    moment is in the future and `at` is before it; then that last moment."""
    last = last_moment(episode)
    if is_ahead(last, now) and at.timestamp() < last.timestamp():
        return last
    return at


def update_ahead(episode: Episode, at: datetime, now: datetime) -> datetime:
    """When to date an update asked for `at` (Rule 3), as `end_ahead` says: the person may
    correct an episode entered while the clock ran ahead, never refused as "before it
    started"."""
    return end_ahead(episode, at, now)


def first_ahead(episode: Episode, horizon: datetime) -> datetime | None:
    """The first of an episode's moments (start, updates, end) dated more than `TOLERANCE`
    after `horizon`, or None."""
    moments = (episode.started, *(u.at for u in episode.updates), episode.ended)
    return next((t for t in moments if t is not None and is_ahead(t, horizon)), None)


def episodes_ahead(
    history: Iterable[Episode], entered: Mapping[int, datetime], now: datetime
) -> dict[int, datetime]:
    """The episodes entered while the clock ran ahead (Rule 4), by id, each with its first
    moment dated ahead (the one to flag): dated more than `TOLERANCE` after `now` or after the
    reading (`entered`, by id; a missing one, from before store v6, tells nothing) of an
    episode entered after it. Episodes without an id (not stored) are not judged."""
    flagged: dict[int, datetime] = {}
    horizon = now.astimezone(UTC)
    stored = sorted((e for e in history if e.id is not None), key=lambda e: e.id or 0)
    for episode in reversed(stored):
        assert episode.id is not None
        moment = first_ahead(episode, horizon)
        if moment is not None:
            flagged[episode.id] = moment
        reading = entered.get(episode.id)
        if reading is not None:
            horizon = min(horizon, reading.astimezone(UTC))
    return flagged


def overlap_history(
    history: Iterable[Episode], entered: Mapping[int, datetime], now: datetime
) -> list[Episode]:
    """The episodes a change entered at `now` must not overlap (Rule 4): every one but an ended
    one entered while the clock ran ahead, whose dates are not trusted over a later entry's.
    An open one is kept: it still has to be ended first."""
    history = list(history)
    ahead = episodes_ahead(history, entered, now)
    return [e for e in history if e.is_open or e.id not in ahead]


def latest_pain(entries: Iterable[PainEntry], now: datetime | None) -> int | None:
    """The pain of the rating entered last (Rule 6), or None without any: by entry sequence
    (one without, entered before store v7, is older than one with; those without by date,
    then by their place in `entries`), one dated ahead of `now` (`is_ahead`) only when every
    one is; `now` None trusts every date."""
    rated = list(entries)
    trusted = [e for e in rated if now is None or not is_ahead(e.at, now)] or rated
    found = max(
        enumerate(trusted),
        key=lambda p: (p[1].seq is not None, p[1].seq or 0, p[1].at.timestamp(), p[0]),
        default=None,
    )
    return None if found is None else found[1].pain
