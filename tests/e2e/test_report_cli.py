"""`posture-guard report` through the real CLI, on a real SQLite file in a private HOME, over the
known history of tests/report_history.py (issue 5, acceptance 1 and 3): the exact figures in
stats, JSON and CSV, the files' privacy, the empty store, the offer after a check-in."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Final

import pytest

from posture_guard.app.store import Store
from posture_guard.core.localeforms import format_short_date
from posture_guard.core.timer import day_of
from tests import report_history as h
from tests.app import App, modules_at_exit
from tests.e2e.test_diary_cli import database, ok

pytestmark = [pytest.mark.e2e, pytest.mark.date_sensitive]


def today() -> date:
    return day_of(datetime.now(h.TOKYO), time(4))


def in_folder(app: App, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`posture-guard ARGS` run in `folder` (where a default report name goes)."""
    return subprocess.run(
        [sys.executable, "-m", "posture_guard", "--config", str(app.config), *args],
        env=app.env, cwd=folder, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def write_known_history(app: App) -> date:
    """The known history written into the app's store; returns its last day (today, Tokyo)."""
    app.env["TZ"] = "Asia/Tokyo"
    last = today()
    with Store.open(database(app)) as store:
        h.write(store, last)
    if today() != last:  # 04:00 Tokyo passed while writing: the days moved, so go again
        database(app).unlink()
        last = today()
        with Store.open(database(app)) as store:
            h.write(store, last)
    return last


@pytest.fixture
def history(app: App) -> date:
    return write_known_history(app)


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_report_json_carries_every_record_and_the_exact_figures(app: App, history: date) -> None:
    out = app.home / "records.json"
    said = ok(app, "report", "--since", "28d", "--format", "json", "--out", str(out))
    assert said.splitlines() == [
        f"Report written to {out} (JSON, readable only by you).",
        "It contains health information: keep it private and share it only with your clinician.",
    ]
    assert private(out)
    document = json.loads(out.read_text())
    assert document["period"] == {
        "first_day": h.day(history, 0).isoformat(),
        "last_day": history.isoformat(),
        "day_starts_at": "04:00",
    }
    assert [len(document[t]) for t in ("breaks", "daily_activity", "episodes", "episode_updates", "check_ins")] == [93, 26, 3, 3, 3]  # fmt: skip
    figures = document["figures"]
    assert [(k["kind"], k["prompted"], k["taken"], k["natural"], k["skipped"], k["snoozed"]) for k in figures["kinds"]] == [
        ("posture", 53, 26, 0, 27, 6),
        ("stretch", 20, 13, 0, 7, 0),
        ("movement", 7, 0, 13, 7, 0),
    ]  # fmt: skip
    assert figures["longest_stretch"] == "measured"
    assert figures["baseline"] == {"days_with_a_record": 6, "active_seconds_a_day": 10800.0,
                                   "longest_stretch_seconds": 3000.0, "skipped_a_day": 1.0}  # fmt: skip
    assert [
        (b["episode"], b["first_day"], b["days_with_a_record"], b["active_seconds_a_day"],
         b["longest_stretch_seconds"], b["skipped_a_day"])
        for b in figures["before_episodes"]
    ] == [
        (1, h.day(history, 2).isoformat(), 7, 21600.0, 9000.0, 3.0),
        (2, h.day(history, 12).isoformat(), 7, 18000.0, 6000.0, 2.0),
        (3, h.day(history, 19).isoformat(), 6, 14400.0, 3600.0, 0.0),
    ]  # fmt: skip
    assert document["episodes"][0]["notes"] == h.NASTY_NOTE


def test_report_csv_is_a_zip_of_tables_with_the_exact_rows(app: App, history: date) -> None:
    said = in_folder(app, app.home, "report", "--since", "28d", "--format", "csv")
    assert said.returncode == 0, said.stderr
    path = app.home / f"posture-guard-report-{history}.zip"
    assert said.stdout.splitlines()[0] == (
        f"Report written to {path} (records (a zip of CSV files), readable only by you)."
    )
    assert private(path)
    with zipfile.ZipFile(path) as archive:
        tables = {
            name[:-4]: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    assert {name: len(rows) for name, rows in tables.items()} == {
        "breaks": 93, "daily_activity": 26, "work_stretches": 52, "episodes": 3,
        "episode_updates": 3, "check_ins": 3,
    }  # fmt: skip
    outcomes: dict[str, int] = {}
    for row in tables["breaks"]:
        outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
    assert outcomes == {"taken": 39, "natural": 13, "skipped": 41}
    assert sum(float(r["active_seconds"]) for r in tables["daily_activity"]) == 119 * 3600
    assert [r["pain_peak"] for r in tables["episodes"]] == ["8", "5", "7"]
    assert [r["ended"] == "" for r in tables["episodes"]] == [False, False, True]
    assert [(r["pain_now"], r["advice_tier"]) for r in tables["check_ins"]] == [
        ("7", "book"), ("3", "self-care"), ("6", "book"),
    ]  # fmt: skip


def test_report_stats_agree_with_the_report_on_the_same_history(app: App, history: date) -> None:
    lines = ok(app, "stats", "--days", "28").splitlines()
    kinds = lines[lines.index(next(line for line in lines if line.startswith("kind "))) + 1 :][:3]
    assert kinds == [
        "posture           53     26        0       27        6       0          0        49%",
        "stretch           20     13        0        7        0       0          0        65%",
        "movement           7      0       13        7        0       0          0        65%",
    ]
    assert "day          active  taken  natural  skipped  longest stretch" in lines
    rows = [line.split() for line in lines]
    w1 = [*format_short_date(h.day(history, 2)).split(), "6h", "1", "1", "3", "2h30m"]
    baseline = [*format_short_date(h.day(history, 1)).split(), "3h", "2", "1", "1", "50m"]
    assert w1 in rows
    assert baseline in rows


def test_report_default_name_never_replaces_a_file_but_out_does(app: App, history: date) -> None:
    first = in_folder(app, app.home, "report")
    assert first.returncode == 0, first.stderr
    path = app.home / f"posture-guard-report-{history}.html"
    before = path.read_bytes()
    second = in_folder(app, app.home, "report")
    assert second.returncode == 0, second.stderr
    other = app.home / f"posture-guard-report-{history}-2.html"
    assert second.stdout.splitlines()[:2] == [
        f"{path.name} already exists; left it as it was.",
        f"Report written to {other} (HTML, readable only by you).",
    ]
    assert path.read_bytes() == before
    assert private(other)
    mine = app.home / "mine.html"
    mine.write_text("old")
    mine.chmod(0o644)
    ok(app, "report", "--out", str(mine))
    assert mine.read_text().startswith("<!doctype html>")
    assert private(mine)  # replaced by a new private file, not rewritten in place


def test_report_html_escapes_what_the_diary_holds(app: App, history: date) -> None:
    out = app.home / "report.html"
    ok(app, "report", "--since", "28d", "--out", str(out))
    page = out.read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "Contains health information." in page
    assert page.count("<svg") == 2  # the daily chart and the pain chart


@pytest.mark.parametrize("fmt", ["html", "pdf", "csv", "json"])
def test_report_of_an_empty_store_is_friendly(app: App, fmt: str) -> None:
    out = app.home / f"empty.{fmt}"
    said = ok(app, "report", "--format", fmt, "--out", str(out))
    assert said.startswith(f"Report written to {out}")
    assert private(out)
    data = out.read_bytes()
    if fmt == "html":
        assert "No data yet: Posture Guard has recorded no active time" in data.decode()
        assert "<svg" not in data.decode()
    elif fmt == "json":
        document = json.loads(data)
        assert [document[t] for t in ("breaks", "episodes", "check_ins")] == [[], [], []]
    elif fmt == "pdf":
        assert data.startswith(b"%PDF-")


def test_report_open_hands_the_file_to_the_desktops_browser(app: App, tmp_path: Path) -> None:
    seen = tmp_path / "browser-was-given"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{seen}"\n')
    browser.chmod(0o700)
    app.env["BROWSER"] = str(browser)
    out = app.home / "r.html"
    ok(app, "report", "--out", str(out), "--open")
    assert seen.read_text() == out.as_uri()


def test_report_open_says_when_nothing_can_open_it(app: App) -> None:
    app.env["BROWSER"] = "/nonexistent/browser"
    app.env["PATH"] = "/nonexistent"
    out = app.home / "r.html"
    done = app.cli("report", "--out", str(out), "--open")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "posture-guard report: can't open it here (no browser or viewer found); open the file"
        " yourself"
    )
    assert private(out)  # the report itself was written


def test_report_refuses_a_bad_since_and_an_unwritable_out(app: App) -> None:
    done = app.cli("report", "--since", "3x")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "posture-guard report: error: argument --since: expected a number of days, weeks or years"
        ' like "90d", "12w" or "1y" (at most 3650 days), or "all", got \'3x\''
    )
    done = app.cli("report", "--out", str(app.home / "no-such-folder" / "r.html"))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"posture-guard report: {app.home / 'no-such-folder' / 'r.html'}: can't write it:"
        " No such file or directory"
    )
    assert "Traceback" not in done.stderr


def test_report_is_offered_after_a_check_in_that_says_book(app: App) -> None:
    book = ok(app, "check-in", "--pain", "4", "--stiffness", "mild", "--symptom",
              "tingling-numbness", "--trend", "same", "--age", "42", "--yes")  # fmt: skip
    assert "Advice: Book an appointment within the next few days" in book
    assert book.rstrip().splitlines()[-1] == (
        "To take to your appointment: `posture-guard report --open` makes a report of your diary"
        " and screen work for your clinician."
    )
    calm = ok(app, "check-in", "--pain", "1", "--stiffness", "none", "--trend", "improving",
              "--age", "42", "--yes")  # fmt: skip
    assert "Advice: Look after it yourself for now" in calm
    assert "posture-guard report" not in calm


#: What the running service never imports itself, each being code it would keep for the days
#: it runs: the report's renderers and libraries (Rule 1 of report/__init__.py), the diary's and
#: stats' commands, a browser opener, Tk (every window is a process of its own), Pillow (the
#: tray's pictures are pre-drawn, tray_images.py), and the standard modules we do without:
#: logging.handlers (logs.py), platformdirs (paths.py), shutil (programs.py, cli._Parser).
NOT_IN_THE_SERVICE: Final = (
    "matplotlib", "fpdf", "tkinter", "webbrowser", "posture_guard.app.diary", "posture_guard.app.stats",
    "posture_guard.report.write", "posture_guard.report.model", "posture_guard.report.html",
    "posture_guard.report.pdf", "posture_guard.report.charts", "posture_guard.report.export",
    "PIL.Image", "logging.handlers", "pickle", "platformdirs", "shutil", "tempfile",
    # the check-in's triage (the service reads stored tiers: core/tiers.py); html's entity table
    # (notify.py escapes by a table); OpenSSL (hashlib, hmac, secrets: a clinic pack's check and
    # import only, app/pack.py Rule 4); the archivers shutil's terminal size brought
    "posture_guard.core.triage", "html", "hashlib", "_hashlib", "hmac", "secrets", "bz2", "lzma",
    # the welcome window's words and form (its own process; the first run decides in
    # core/first_run.py)
    "posture_guard.core.welcome", "posture_guard.core.form_view",
)  # fmt: skip
#: What a run headless here leaves out as well: with no tray, the tray's model and modules.
NOT_IN_A_DAYS_RUN: Final = (
    "posture_guard.core.traymodel", "posture_guard.ui.tray", "posture_guard.ui.trayview",
    "posture_guard.ui.sni", "jeepney.io.threading",
)  # fmt: skip


def test_the_service_process_leaves_out_what_it_does_not_run() -> None:
    """`posture-guard run` parses its command line with the whole CLI, then imports the runner,
    the service, the tray's modules and the desktop sources; none of them pulls in a module of
    NOT_IN_THE_SERVICE."""
    probe = (
        "import sys, posture_guard.cli as cli\n"
        "assert cli._parse(['run']).verb == 'run'\n"
        "import posture_guard.runner, posture_guard.app.service, posture_guard.ui.tray\n"
        "from posture_guard.desktop import busy, idle, notify\n"
        "idle.select_idle_source(); busy.select_busy_source(); notify.select_notifier()\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {NOT_IN_THE_SERVICE!r}"
        f" or m in {NOT_IN_THE_SERVICE!r}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": str(Path.cwd())})  # fmt: skip
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("first_run", [False, True], ids=["a-days-run", "the-first-run"])
def test_the_running_service_leaves_out_what_it_does_not_run(
    app: App, tmp_path: Path, first_run: bool
) -> None:
    """The real `posture-guard run --headless`, on a day's run and on the first (its notice
    said), through its start, its idle loop and the control commands it answers, to its quit:
    at its exit, not one module of NOT_IN_THE_SERVICE or NOT_IN_A_DAYS_RUN was ever imported
    into it."""
    # Protects: the service process stays small: nothing is imported into it that it does not
    # run (each module is kept for the days it runs), read from the process's own sys.modules;
    # the first run's welcome form (1.1 MiB) was loaded to decide whether to open its window.
    marker = Path(app.env["XDG_STATE_HOME"]) / "posture-guard" / "first-run-shown"
    if not first_run:
        app.not_first_run()
    assert marker.exists() is not first_run
    dump = tmp_path / "modules.json"
    proc = app.start("--headless", preamble=modules_at_exit(dump))
    app.wait_running()
    # each answered, one refused (its words are the service's too): nothing is skipped
    for command, code in ((["status"], 0), (["break-now"], 0), (["snooze", "10m"], 0),
                          (["pause", "1h"], 0), (["skip"], 1), (["resume"], 0), (["quit"], 0)):  # fmt: skip
        done = app.cli(*command)
        assert done.returncode == code, (command, done.stdout, done.stderr)
    assert proc.wait(timeout=15) == 0
    loaded = json.loads(dump.read_text())
    assert {"posture_guard.runner", "posture_guard.app.service"} <= set(loaded)  # it ran
    assert marker.exists()  # the first run's notice was said
    assert left_out(loaded, NOT_IN_THE_SERVICE + NOT_IN_A_DAYS_RUN) == []


def left_out(loaded: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `loaded` that `names` says stay out (a name, or a package's first part)."""
    return [m for m in loaded if m in names or m.split(".")[0] in names]


def test_report_default_period_fits_a_short_diary_and_says_so(app: App, history: date) -> None:
    """Issue 13: the default 90 days squeezed a four-week diary into a fifth of each chart. Without
    --since the period starts at the first record when that is later, and the page says so; an
    explicit --since is taken as given."""
    out = app.home / "fitted.json"
    ok(app, "report", "--format", "json", "--out", str(out))
    first_record = h.day(history, -1)  # the known history's one break before its 28 days
    assert json.loads(out.read_text())["period"]["first_day"] == first_record.isoformat()
    page = app.home / "fitted.html"
    ok(app, "report", "--out", str(page))
    assert "29 days, from your first record; a day starts at 04:00" in page.read_text()
    ok(app, "report", "--since", "90d", "--format", "json", "--out", str(out))
    first = date.fromisoformat(json.loads(out.read_text())["period"]["first_day"])
    assert (history - first).days == 89


def test_report_open_without_out_reuses_one_private_copy_in_the_data_folder(
    app: App, tmp_path: Path
) -> None:
    """Issue 13: the tray's "Open report" wrote a new health-data file into the service's
    working folder on every click. `report --open` without --out writes one file in the private
    data folder and replaces it; the folder it runs in stays empty."""
    browser = tmp_path / "browser.sh"
    browser.write_text("#!/bin/sh\nexit 0\n")
    browser.chmod(0o700)
    app.env["BROWSER"] = str(browser)
    folder = tmp_path / "working-folder"
    folder.mkdir()
    for _ in range(2):
        done = in_folder(app, folder, "report", "--open")
        assert done.returncode == 0, done.stderr
    assert list(folder.iterdir()) == []
    copy = database(app).parent / "report.html"
    assert done.stdout.splitlines()[0] == f"Report written to {copy} (HTML, readable only by you)."
    assert private(copy)
    assert [p.name for p in copy.parent.glob("report*")] == ["report.html"]


def _special_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """A device (a copy of /dev/null's node, made here: never the real one), a named pipe, a
    socket, a folder and a symbolic link to the device; each with what the refusal says."""
    device = folder / "null-device"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    pipe = folder / "pipe"
    os.mkfifo(pipe)
    sock = folder / "sock"
    import socket

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(sock))
    listener.close()
    (folder / "folder").mkdir()
    (folder / "link").symlink_to(device)
    return {
        "device": (device, "it is a device"),
        "pipe": (pipe, "it is a named pipe"),
        "socket": (sock, "it is a socket"),
        "folder": (folder / "folder", "it is a folder"),
        "link": (folder / "link", "it is a symbolic link"),
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_report_out_writes_only_to_a_regular_or_new_file(app: App, tmp_path: Path) -> None:
    # Protects: `report --out` never replaces a device, pipe, socket, folder or link (as root,
    # `--out /dev/full` replaced the device node with the report); one line says what it is
    # and the node is still there as it was
    special = tmp_path / "special"
    special.mkdir()
    for path, what in _special_files(special).values():
        before = path.lstat()
        done = app.cli("report", "--out", str(path), timeout=30)
        assert done.returncode == 1, done.stdout
        assert done.stderr.strip() == (
            f"posture-guard report: {path}: can't write it: {what}; a report is written only to"
            " a regular file or a new one"
        )
        after = path.lstat()
        assert (after.st_mode, after.st_ino, after.st_rdev) == (
            before.st_mode,
            before.st_ino,
            before.st_rdev,
        )
    regular = tmp_path / "report.html"
    regular.write_text("old")
    assert app.cli("report", "--out", str(regular), timeout=30).returncode == 0
    assert "old" not in regular.read_text()
