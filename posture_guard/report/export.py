"""Every record of a period as JSON (one file) or CSV (a zip of one CSV file per table). Pure:
values in, bytes out.

Rule 1: one set of rows (`tables`) feeds both formats, so JSON and CSV say the same thing. The
        diary's values are exported through their own `to_record()` (episodes.py Rule 4), so a
        JSON episode or check-in reads back with `from_record`.
Rule 2: times are ISO 8601 with the UTC offset they were recorded with (breaks: the local zone
        of the report); days are `YYYY-MM-DD` working days; durations are seconds.
Rule 3: a CSV cell of free text that starts with = + - @ (or a tab or carriage return) gets a
        leading apostrophe, so a spreadsheet shows it instead of running it as a formula; the
        JSON keeps the text exactly.
Rule 4: the columns are documented once, in columns.py; `posture-guard report --help`, the
        zip's README.txt and the README say what it says.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, tzinfo
from typing import Final

from posture_guard.report.columns import COLUMNS, columns_text
from posture_guard.report.model import Period, Records, ReportModel, WorkFigures

FORMAT_NAME: Final = "posture-guard-records"
FORMAT_VERSION: Final = 1

_TEXT_COLUMNS: Final = frozenset({"notes", "range_of_motion"})
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def tables(records: Records, period: Period) -> dict[str, list[dict[str, object]]]:
    """The period's records as rows, per table, with the COLUMNS keys, oldest first.

    Breaks that ended in the period, days in it, episodes that overlap it (with their updates,
    all of them) and check-ins made in it.
    """
    zone = period.zone
    breaks: list[dict[str, object]] = [
        {
            "day": period.day_of(b.ended).isoformat(),
            "kind": b.kind,
            "outcome": b.outcome.value,
            "due": _iso(b.due, zone),
            "prompted": _iso(b.prompted, zone),
            "started": _iso(b.started, zone),
            "ended": _iso(b.ended, zone),
            "snoozes": b.snoozes,
            "exercise": b.exercise,
        }
        for b in sorted(records.breaks, key=lambda b: b.ended)
        if period.start <= b.ended < period.end
    ]
    activity: list[dict[str, object]] = [
        {"day": a.day.isoformat(), "active_seconds": a.active_s}
        for a in sorted(records.activity, key=lambda a: a.day)
        if period.first <= a.day <= period.last
    ]
    episodes: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    for e in sorted(records.episodes, key=lambda e: e.started):
        if not (e.started < period.end and (e.ended is None or e.ended >= period.start)):
            continue
        record = e.to_record()
        for u in record.pop("updates"):  # type: ignore[attr-defined]
            updates.append({"episode_id": e.id, **u})
        episodes.append(record)
    check_ins = [
        {
            "id": c.id,
            **c.check_in.to_record(),
            "advice_tier": c.advice.tier.value,
            "advice_rules": list(c.advice.rule_ids),
        }
        for c in records.check_ins
        if period.start <= c.check_in.at < period.end
    ]
    stretches: list[dict[str, object]] = [
        {
            "day": period.day_of(w.ended).isoformat(),
            "started": _iso(w.started, zone),
            "ended": _iso(w.ended, zone),
            "active_seconds": w.active_s,
        }
        for w in sorted(records.stretches, key=lambda w: w.ended)
        if period.start <= w.ended < period.end
    ]
    return {
        "breaks": breaks,
        "daily_activity": activity,
        "work_stretches": stretches,
        "episodes": episodes,
        "episode_updates": updates,
        "check_ins": check_ins,
    }


def to_json(records: Records, model: ReportModel) -> bytes:
    """One JSON document: what it is, the period, each table as a list of objects, and the
    report's figures (per kind, and the work before each episode against the baseline)."""
    period = model.period
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated": model.generated.isoformat(),
        "contains": "health information: keep it private",
        "period": {
            "first_day": period.first.isoformat(),
            "last_day": period.last.isoformat(),
            "day_starts_at": period.day_starts_at.strftime("%H:%M"),
        },
        "clinic": clinic(model),
        "organisation": model.branding.organisation,
        **tables(records, period),
        "figures": figures(model),
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def clinic(model: ReportModel) -> dict[str, object] | None:
    """The clinic the report names (JSON-able), with whose it is: "offered_by" is the
    organisation's name for the policy's clinic, None for the person's own; None without one."""
    c = model.clinic
    if c is None:
        return None
    return {
        "name": c.name,
        "booking_url": c.booking_url,
        "phone": c.phone,
        "opening_hours": c.opening_hours,
        "offered_by": model.clinic_owner,
    }


def figures(model: ReportModel) -> dict[str, object]:
    """The report's computed figures (JSON-able): per kind, and work before episodes."""

    def work(w: WorkFigures) -> dict[str, object]:
        return {
            "days_with_a_record": w.days,
            "active_seconds_a_day": w.active_s,
            "longest_stretch_seconds": w.longest_stretch_s,
            "skipped_a_day": w.skipped,
        }

    return {
        "kinds": [
            {
                "kind": k.kind,
                "prompted": k.prompted,
                "taken": k.taken,
                "natural": k.natural,
                "skipped": k.skipped,
                "snoozed": k.snoozed,
                "merged": k.merged,
                "cancelled": k.cancelled,
                "adherence": k.adherence,
            }
            for k in model.kinds
        ],
        "window_days": model.window_days,
        "longest_stretch": "measured" if model.stretch_measured else "from break times",
        "baseline": work(model.baseline),
        "before_episodes": [
            {
                "episode": b.number,
                "first_day": b.first.isoformat(),
                "last_day": b.last.isoformat(),
                **work(b.before),
            }
            for b in model.before
        ],
    }


def to_csv_zip(records: Records, period: Period, generated: datetime) -> bytes:
    """A zip of `<table>.csv` (UTF-8, a header row, COLUMNS order) and a README.txt that says
    what each column means."""
    buffer = io.BytesIO()
    stamp = generated.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables(records, period).items():
            text = io.StringIO()
            columns = [column for column, _ in COLUMNS[name]]
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(k, row.get(k)) for k in columns})
            _add(archive, f"{name}.csv", text.getvalue(), stamp)
        _add(archive, "README.txt", columns_text(), stamp)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, text: str, stamp: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(name, date_time=(max(1980, stamp[0]), *stamp[1:6]))  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    archive.writestr(info, text)


def _cell(column: str, value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if column in _TEXT_COLUMNS and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _iso(moment: datetime | None, zone: tzinfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()
