"""`posture-guard stats`: the figures of the last N working days, read from the store.

The figures and their wording are pure (core/summary.py); this is the one function that reads
the store and the diary's latest advice for them, and decides nothing summary.py does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from posture_guard.app import diary
from posture_guard.app.store import Store
from posture_guard.core.i18n import _
from posture_guard.core.localeforms import format_date_time
from posture_guard.core.summary import Summary, format_summary, period, summarise
from posture_guard.core.timer import day_of


def stats_text(store: Store, now: datetime, day_starts_at: time, count: int) -> str:
    """What `posture-guard stats --days COUNT` prints: the last `count` working days up to the
    one `now` (aware, in the local zone) belongs to. Only reads the store.

    Raises:
        ValueError: `count` is not 1..MAX_DAYS.
        StoreError: the store cannot be read.
    """
    (summary,) = summaries(store, now, day_starts_at, (count,))
    found = diary.current_advice(store, now)
    advice_line = (
        None
        if found is None
        else _(
            "Latest advice: {tier} (check-in of {time}; `posture-guard advice` for the details)"
        ).format(tier=diary.tier_word(found[1].tier), time=format_date_time(found[0].check_in.at))
    )
    return format_summary(summary, store.open_episode(), advice_line)


def summaries(
    store: Store, now: datetime, day_starts_at: time, counts: Sequence[int]
) -> tuple[Summary, ...]:
    """One Summary per count of working days, each ending with the one `now` (aware, in the
    local zone) belongs to; the store is read once, for the longest.

    Raises:
        ValueError: `now` is naive, or a count is not 1..MAX_DAYS.
        StoreError: the store cannot be read.
    """
    zone = now.tzinfo
    if zone is None or now.utcoffset() is None:
        raise ValueError(f"now: expected an aware datetime, got {now!r}")
    today = day_of(now, day_starts_at)
    periods = [period(today, count) for count in counts]
    days = max(periods, key=len)
    # one day more on each side: summarise keeps exactly the days asked for, by local day_of
    start = datetime.combine(days[0] - timedelta(days=1), day_starts_at, tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=2), day_starts_at, tzinfo=zone)
    breaks = store.breaks_between(start, end)
    activity = store.activity_between(days[0], days[-1])
    stretches = store.stretches_between(start, end)
    return tuple(
        summarise(breaks, activity, wanted, day_starts_at, zone, stretches=stretches)
        for wanted in periods
    )
