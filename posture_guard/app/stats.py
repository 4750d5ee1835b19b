"""`posture-guard stats`: the figures of the last N working days, read from the store.

The figures and their wording are pure (core/summary.py); this is the one function that reads
the store and the diary's latest advice for them, and decides nothing summary.py does not.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from posture_guard.app import diary
from posture_guard.app.store import Store
from posture_guard.core.i18n import _
from posture_guard.core.localeforms import format_date_time
from posture_guard.core.summary import format_summary, period, summarise
from posture_guard.core.timer import day_of


def stats_text(store: Store, now: datetime, day_starts_at: time, count: int) -> str:
    """What `posture-guard stats --days COUNT` prints: the last `count` working days up to the
    one `now` (aware, in the local zone) belongs to. Only reads the store.

    Raises:
        ValueError: `count` is not 1..MAX_DAYS.
        StoreError: the store cannot be read.
    """
    zone = now.tzinfo
    if zone is None or now.utcoffset() is None:
        raise ValueError(f"now: expected an aware datetime, got {now!r}")
    start_s = day_starts_at.hour * 3600 + day_starts_at.minute * 60 + day_starts_at.second
    days = period(day_of(now, start_s), count)
    # one day more on each side: summarise keeps exactly the days asked for, by local day_of
    start = datetime.combine(days[0] - timedelta(days=1), day_starts_at, tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=2), day_starts_at, tzinfo=zone)
    summary = summarise(
        store.breaks_between(start, end),
        store.activity_between(days[0], days[-1]),
        days,
        day_starts_at,
        zone,
        stretches=store.stretches_between(start, end),
    )
    found = diary.current_advice(store, now)
    advice_line = (
        None
        if found is None
        else _(
            "Latest advice: {tier} (check-in of {time}; `posture-guard advice` for the details)"
        ).format(tier=diary.tier_word(found[1].tier), time=format_date_time(found[0].check_in.at))
    )
    return format_summary(summary, store.open_episode(), advice_line)
