"""Reading the records, rendering a report and writing it to a private file (see the package's
rules: mode 0600 from creation, a default name never replaces a file)."""

from __future__ import annotations

import errno
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Final

from posture_guard.app import diary
from posture_guard.app import pack as clinic_pack
from posture_guard.app.managed import load_effective
from posture_guard.app.store import Store
from posture_guard.core.episodes import EARLIEST_DAY
from posture_guard.core.exercises import load_catalogue
from posture_guard.core.i18n import _
from posture_guard.core.pack import exercise_names
from posture_guard.desktop.clock import local_zone
from posture_guard.desktop.files import write_file
from posture_guard.desktop.paths import Paths
from posture_guard.report import DEFAULT_SINCE_DAYS, FITTED, FORMATS, Fitted, branding
from posture_guard.report.model import (
    Period,
    ProgrammeRecords,
    Records,
    ReportModel,
    build,
    records_span,
)

#: The file name's ending per format; CSV is a zip of one CSV file per table.
EXTENSIONS: Final = {"html": "html", "pdf": "pdf", "csv": "zip", "json": "json"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """A report on disk: where, in which format, and whether a default name had to step aside."""

    path: Path
    format: str
    renamed_from: Path | None = None


def read_records(
    store: Store,
    period: Period,
    now: datetime,
    *,
    fallback: diary.OrgClinic | None = None,
    paths: Paths | None = None,
) -> Records:
    """What the model needs from the store for `period` (Rule 1 of model.py: it decides); the
    clinic and the advice fall back to the organisation's clinic as the advice does; with
    `paths`, the clinic's pack in use (its kept files; one that cannot be read is left out)."""
    start, end = records_span(period)
    found = diary.current_advice(store, now, fallback=fallback)
    clinic, owner = diary.clinic_in_use(store, fallback)
    return Records(
        breaks=tuple(store.breaks_between(start, end)),
        activity=tuple(store.activity_between(start.date(), period.last)),
        episodes=tuple(store.episodes()),
        check_ins=tuple(store.check_ins()),
        clinic=clinic,
        clinic_owner=owner,
        advice=None if found is None else found[1],
        advice_check_in=None if found is None else found[0],
        stretches=tuple(store.stretches_between(start, end)),
        programme=None if paths is None else _programme(store, paths),
    )


def _programme(store: Store, paths: Paths) -> ProgrammeRecords | None:
    catalogue = load_catalogue()
    found = clinic_pack.installed_or_none(store, paths, catalogue)
    if found is None:
        return None
    pack = found.pack
    return ProgrammeRecords(
        pack_id=pack.id,
        version=pack.version,
        clinic=pack.clinic.name,
        phases=pack.phases,
        phase=found.phase,
        prescriptions=pack.prescriptions,
        names=exercise_names(pack, catalogue),
        changes=found.changes,
    )


def make_period(
    store: Store, now: datetime, since_days: int | Fitted | None, day_starts_at: time
) -> Period:
    """The period that ends with today's working day: `since_days` days; FITTED: as many up to
    DEFAULT_SINCE_DAYS, from the first record when that is later; None: back to the first record
    the store holds."""
    zone = now.tzinfo
    assert zone is not None
    probe = Period(
        first=date(2000, 1, 1), last=date(2000, 1, 1), day_starts_at=day_starts_at, zone=zone
    )
    today = probe.day_of(now)
    recorded = _first_day(store, probe)
    if since_days is None:  # a record from before the diary's earliest day never stretches it
        first = max(recorded or today, EARLIEST_DAY)
    elif since_days is FITTED:
        first = today - timedelta(days=DEFAULT_SINCE_DAYS - 1)
        if recorded is not None and recorded > first:
            first = min(recorded, today)
            return Period(
                first=first, last=today, day_starts_at=day_starts_at, zone=zone, fitted=True
            )
    else:
        first = today - timedelta(days=since_days - 1)
    return Period(first=min(first, today), last=today, day_starts_at=day_starts_at, zone=zone)


def render(fmt: str, model: ReportModel, records: Records) -> bytes:
    """The report's bytes in `fmt` (one of FORMATS)."""
    if fmt == "html":
        from posture_guard.report import html  # noqa: PLC0415 - matplotlib only when drawing

        return html.render(model).encode()
    if fmt == "pdf":
        from posture_guard.report import pdf  # noqa: PLC0415

        return pdf.render(model)
    from posture_guard.report import export  # noqa: PLC0415

    if fmt == "json":
        return export.to_json(records, model)
    if fmt == "csv":
        return export.to_csv_zip(records, model.period, model.generated)
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")


def write_report(
    paths: Paths,
    fmt: str = "html",
    out: Path | None = None,
    since_days: int | Fitted | None = FITTED,
    *,
    now: datetime | None = None,
    folder: Path | None = None,
) -> Written:
    """Build the report from the user's store and write it privately (Rule 2).

    Args:
        paths: the user's files (the store; the config and the policy for `day_starts_at`, the
            organisation's clinic and the branding).
        fmt: html, pdf, csv (a zip of CSV files) or json.
        out: the file to write (replaced if it exists); None: a dated name in `folder`.
        since_days: how many working days back to today; FITTED: DEFAULT_SINCE_DAYS, or from
            the first record when that is later; None: everything recorded.
        now: the moment of the report (default: now, local time).
        folder: where a default name goes (default: the current folder).

    Raises:
        ValueError: `fmt` is not one of FORMATS.
        StoreError: the store cannot be read.
        OSError: the file cannot be written (the caller names it), or `out` is something
            other than a regular file (`check_replaceable`).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if out is not None:
        check_replaceable(out)
    if now is None:
        zone = local_zone() or datetime.now().astimezone().tzinfo
        now = datetime.now(zone).replace(microsecond=0)
    settings = load_effective(paths).settings
    with diary.open_store(paths) as store:
        period = make_period(store, now, since_days, settings.timer.day_starts_at)
        records = read_records(store, period, now, fallback=diary.org_clinic(settings), paths=paths)
    shown = branding.from_settings(settings.branding, with_logo=fmt in ("html", "pdf"))
    model = build(records, period, now, branding=shown)
    data = render(fmt, model, records)
    if out is not None:
        write_file(out, data)  # replaces it, in one step
        return Written(path=out, format=fmt)
    base = (
        folder or Path.cwd()
    ) / f"posture-guard-report-{period.last.isoformat()}.{EXTENSIONS[fmt]}"
    path = _create_private(base, data)
    return Written(path=path, format=fmt, renamed_from=None if path == base else base)


def viewing_copy(paths: Paths, fmt: str) -> Path:
    """Where `report --open` without `--out` writes (the tray's "Open report" does this): one
    file in the private data folder, replaced each time, so that opening the report to look at
    it leaves no new copy of health data in whatever folder the command ran in."""
    return paths.data_dir / f"report.{EXTENSIONS[fmt]}"


def written_text(written: Written) -> str:
    """What the CLI says after writing: where, and that it holds health information."""
    lines = []
    if written.renamed_from is not None:
        lines.append(
            _("{name} already exists; left it as it was.").format(name=written.renamed_from.name)
        )
    # Translators: {kind} is HTML, PDF, JSON or "records (a zip of CSV files)"
    kind = _("records (a zip of CSV files)") if written.format == "csv" else written.format.upper()
    lines.append(
        _("Report written to {path} ({kind}, readable only by you).").format(
            path=written.path.resolve(), kind=kind
        )
    )
    lines.append(
        _("It contains health information: keep it private and share it only with your clinician.")
    )
    return "\n".join(lines)


def open_report(path: Path, opener: Callable[[str], bool] | None = None) -> bool:
    """Open the file with the desktop's browser or viewer; False when none could be found."""
    if opener is None:
        import webbrowser  # noqa: PLC0415

        opener = webbrowser.open
    try:
        return bool(opener(path.resolve().as_uri()))
    except Exception:
        return False


# --- files -------------------------------------------------------------------------------------


def check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a regular file: a device (run as root, `--out /dev/full`
    once replaced the device node with the report), a named pipe, a socket, a folder or a
    symbolic link stays as it is.

    Raises:
        OSError: `path` exists and is not a regular file; its strerror says what it is.
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = _("it is a device")
    elif stat.S_ISFIFO(mode):
        what = _("it is a named pipe")
    elif stat.S_ISSOCK(mode):
        what = _("it is a socket")
    elif stat.S_ISDIR(mode):
        what = _("it is a folder")
    elif stat.S_ISLNK(mode):
        what = _("it is a symbolic link")
    else:
        what = _("it is not a regular file")
    # Translators: {what} is "it is a device", "it is a named pipe"...
    reason = _("{what}; a report is written only to a regular file or a new one").format(what=what)
    raise OSError(errno.EEXIST, reason, str(path))


def _create_private(base: Path, data: bytes) -> Path:
    """Write `data` to `base`, or to base-2, base-3 ... when taken; 0600, never replacing."""
    for n in range(1, 1000):
        path = base if n == 1 else base.with_name(f"{base.stem}-{n}{base.suffix}")
        try:
            write_file(path, data, exclusive=True)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(_("{path}: and 998 more names like it already exist").format(path=base))


def _first_day(store: Store, probe: Period) -> date | None:
    firsts = []
    days = store.activity_between(date.min, date.max)
    if days:
        firsts.append(days[0].day)
    episodes = store.episodes()
    if episodes:
        firsts.append(probe.day_of(episodes[0].started))
    check_ins = store.check_ins()
    if check_ins:
        firsts.append(probe.day_of(check_ins[0].check_in.at))
    return min(firsts) if firsts else None
