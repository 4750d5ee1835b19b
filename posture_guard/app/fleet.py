"""Fleet figures: per-device daily counts for the employer's Prometheus, and nothing else.

Rule 1: only counts leave this module: per working day, active minutes rounded to 15 and the
        number of breaks prompted, taken (taken or natural) and skipped. `day_counts` takes
        break records and day figures only; it has no way to see the diary, episodes, check-ins
        or advice, and no user name or host name is ever written (the device is a random id).
Rule 2: `render` is pure: counts in, Prometheus text exposition format out.
Rule 3: `write_atomically` is the only I/O: a temporary file in the same directory, then a
        rename, so node_exporter never reads half a file. The file is 0644 (node_exporter runs
        as another user and must read it; it holds no health data).
Rule 4: off unless the policy turns it on (`[fleet] enabled` and `directory`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Final

from posture_guard.core.errors import StoreError
from posture_guard.core.timer import Outcome, day_of
from posture_guard.desktop.files import write_file

if TYPE_CHECKING:
    from posture_guard.app.store import Store
    from posture_guard.core.records import BreakRecord, DayActivity
    from posture_guard.core.settings import Fleet, Settings

log = logging.getLogger(__name__)

#: How many working days each write covers (today and the days before it).
DAYS_WRITTEN: Final = 7
ROUND_TO_MINUTES: Final = 15
FILE_MODE: Final = 0o644
DEVICE_ID_BYTES: Final = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class DayCounts:
    """One device's counts for one working day: the only thing the employer can see."""

    day: date
    active_minutes: int  # rounded to the nearest ROUND_TO_MINUTES
    prompted: int
    taken: int  # taken or natural (the person rested)
    skipped: int


def round_minutes(active_s: float) -> int:
    """Active seconds as minutes rounded to the nearest 15 (half rounds up): 7 min 29 s -> 0,
    7 min 30 s -> 15."""
    quarters = int(active_s / 60 / ROUND_TO_MINUTES + 0.5)
    return quarters * ROUND_TO_MINUTES


def day_counts(
    breaks: Iterable[BreakRecord],
    activity: Iterable[DayActivity],
    days: Sequence[date],
    day_starts_at: time,
    zone: tzinfo,
) -> list[DayCounts]:
    """The counts of each of `days` that has any figure (a day with nothing is left out).

    A break counts for the working day its `ended` falls in (as in `stats`).
    """
    wanted = set(days)
    active = {a.day: a.active_s for a in activity if a.day in wanted}
    per_day: dict[date, list[BreakRecord]] = {}
    for record in breaks:
        day = day_of(record.ended.astimezone(zone), day_starts_at)
        if day in wanted:
            per_day.setdefault(day, []).append(record)
    result = []
    for day in sorted(wanted):
        records = per_day.get(day, [])
        if day not in active and not records:
            continue
        result.append(
            DayCounts(
                day=day,
                active_minutes=round_minutes(active.get(day, 0.0)),
                prompted=sum(1 for r in records if r.prompted is not None),
                taken=sum(1 for r in records if r.outcome in (Outcome.TAKEN, Outcome.NATURAL)),
                skipped=sum(1 for r in records if r.outcome is Outcome.SKIPPED),
            )
        )
    return result


def days_back(today: date, count: int = DAYS_WRITTEN) -> list[date]:
    """`today` and the `count - 1` days before it."""
    return [today - timedelta(days=n) for n in range(count)]


_HELP: Final = (
    (
        "posture_guard_active_minutes",
        "Active screen minutes on the working day, rounded to 15.",
    ),
    (
        "posture_guard_breaks",
        "Breaks on the working day by outcome: prompted, taken (taken or natural), skipped.",
    ),
)


def render(device: str, team: str | None, counts: Sequence[DayCounts]) -> str:
    """The counts in the Prometheus text exposition format (version 0.0.4).

    Labels: `device` (the random install id), `team` (the policy's group label, when set) and
    `day` (ISO date); `outcome` on posture_guard_breaks. Nothing else.
    """
    base = f'device="{_escape(device)}"' + (f',team="{_escape(team)}"' if team else "")
    lines: list[str] = []
    (active_name, active_help), (breaks_name, breaks_help) = _HELP
    lines += [f"# HELP {active_name} {active_help}", f"# TYPE {active_name} gauge"]
    for c in counts:
        lines.append(f'{active_name}{{{base},day="{c.day.isoformat()}"}} {c.active_minutes}')
    lines += [f"# HELP {breaks_name} {breaks_help}", f"# TYPE {breaks_name} gauge"]
    for c in counts:
        for outcome, value in (
            ("prompted", c.prompted),
            ("taken", c.taken),
            ("skipped", c.skipped),
        ):
            lines.append(
                f'{breaks_name}{{{base},day="{c.day.isoformat()}",outcome="{outcome}"}} {value}'
            )
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def file_name(device: str) -> str:
    """The file in the collector directory (node_exporter reads `*.prom` only)."""
    return f"posture_guard_{device}.prom"


def write_atomically(directory: Path, device: str, text: str) -> Path:
    """Write `text` to DIRECTORY/posture_guard_DEVICE.prom by a rename; mode 0644 (Rule 3).

    Raises:
        OSError: the directory is missing or not writable (the caller logs it).
    """
    target = directory / file_name(device)
    write_file(target, text.encode("utf-8"), mode=FILE_MODE)  # its temporary is not *.prom
    return target


def device_id(path: Path) -> str:
    """This install's random id (16 hex digits), made once and kept in `path` (0600).

    It is not derived from the user or host name, so the figures cannot be traced back to a
    person by it; a damaged file is replaced by a new id.
    """
    try:
        found = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        found = ""
    if len(found) == 2 * DEVICE_ID_BYTES and all(ch in "0123456789abcdef" for ch in found):
        return found
    # os.urandom is what `secrets` reads; importing `secrets` loads OpenSSL (+3.5 MiB resident)
    new = os.urandom(DEVICE_ID_BYTES).hex()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_file(path, f"{new}\n".encode("ascii"))
    return new


def export(
    store: Store, fleet: Fleet, device: str, now: datetime, day_starts_at: time
) -> Path | None:
    """Write the last DAYS_WRITTEN working days' counts for this device; None when fleet
    figures are off. Reads only break records and day figures from the store (Rule 1).

    Raises:
        StoreError: the store cannot be read. OSError: the directory cannot be written.
    """
    if fleet.directory is None:
        return None
    zone = now.tzinfo
    if zone is None:
        raise ValueError(f"now: expected an aware datetime, got {now!r}")
    days = days_back(day_of(now, day_starts_at))
    start = datetime.combine(min(days) - timedelta(days=1), day_starts_at, tzinfo=zone)
    end = datetime.combine(max(days) + timedelta(days=2), day_starts_at, tzinfo=zone)
    counts = day_counts(
        store.breaks_between(start, end),
        store.activity_between(min(days), max(days)),
        days,
        day_starts_at,
        zone,
    )
    return write_atomically(fleet.directory, device, render(device, fleet.team, counts))


class FleetWriter:
    """The service's minute job: export when the current settings turn fleet figures on. A
    failure is logged once (and its end once), never raised; the device id is read once."""

    def __init__(
        self,
        store: Store,
        device_id_file: Path,
        now: Callable[[], datetime],
        settings: Callable[[], Settings],
    ) -> None:
        self._store = store
        self._device_id_file = device_id_file
        self._now = now
        self._settings = settings
        self._device: str | None = None
        self._failing = False

    def __call__(self) -> None:
        current = self._settings()
        if current.fleet.directory is None:
            return
        try:
            if self._device is None:
                self._device = device_id(self._device_id_file)
            export(
                self._store, current.fleet, self._device, self._now(), current.timer.day_starts_at
            )
        except (OSError, StoreError) as exc:
            if not self._failing:  # once, not every minute
                log.warning("cannot write the fleet figures (retrying each minute): %s", exc)
            self._failing = True
            return
        if self._failing:
            log.info("writing the fleet figures works again")
        self._failing = False
