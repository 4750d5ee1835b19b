"""The diary through the real CLI (a subprocess, a real SQLite file in a private HOME): episodes
over simulated days, check-ins with flags and on stdin, the advice and its booking link, the
clinic, the exercise picker, and bad input that changes nothing (issue 4, acceptance 5 and 6)."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from posture_guard.app.store import SCHEMA_VERSION
from posture_guard.core.episodes import when
from posture_guard.core.localeforms import format_date_time
from tests.app import App

pytestmark = [pytest.mark.e2e, pytest.mark.date_sensitive]

#: The advice's first line at the "book" tier: its heading in words, no ids (the issue
#: "The first day at the desk": it was "Advice: book (rules: ...)").
BOOK_HEAD = "Advice: Book an appointment within the next few days"
BOOKING = "https://riverside-physio.example/book"
TINGLING = ("--symptom", "tingling-numbness", "--trend", "same", "--age", "42")


def ago(now: datetime, days: float) -> str:
    """An ISO time `days` before `now` (the `now` fixture), to the minute: "days" pass without
    waiting."""
    moment = now - timedelta(days=days)
    return moment.replace(second=0, microsecond=0).isoformat()


def database(app: App) -> Path:
    return app.home / ".data" / "posture-guard" / "posture-guard.sqlite3"


def rows(app: App) -> list[list[tuple[object, ...]]]:
    """Every diary row, to compare before and after a refused command."""
    with sqlite3.connect(database(app)) as db:
        return [
            db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("episodes", "episode_updates", "check_ins", "clinic")
        ]


def ok(app: App, *args: str, input: str = "") -> str:
    done = app.cli(*args, input=input)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def refused(app: App, *args: str, code: int, message: str) -> None:
    """The command exits `code` with exactly `message` on stderr and changes no row."""
    before = rows(app)
    done = app.cli(*args)
    assert (done.returncode, done.stderr.strip()) == (code, message)
    assert "Traceback" not in done.stderr
    assert rows(app) == before


def episode_over_days(app: App, now: datetime) -> None:
    """An episode that began 9 days ago, pain 6 then 7 then 7: not getting better."""
    ok(app, "episode", "start", "--pain", "6", "--stiffness", "moderate", "--where",
       "neck-left,shoulder", "--trigger", "posture,long-screen-session", "--at", ago(now, 9))  # fmt: skip
    ok(app, "episode", "update", "--pain", "7", "--helped", "heat", "--at", ago(now, 6))
    ok(app, "episode", "update", "--pain", "7", "--symptom", "tingling-numbness",
       "--at", ago(now, 2))  # fmt: skip


def test_diary_cli_episode_updates_over_days_then_arm_tingling_check_in_prints_the_link(
    app: App, now: datetime
) -> None:
    # acceptance 6
    episode_over_days(app, now)
    listed = ok(app, "episode", "list")
    assert re.search(r"^ +1  \d{1,2} \w+ \d{4}, \d\d:\d\d  open +pain 7 \(peak 7\)  stiffness moderate  2 updates$",
                     listed, re.MULTILINE), listed  # fmt: skip
    shown = ok(app, "episode", "show")
    assert "where: neck-left, shoulder" in shown
    assert "triggers: posture, long-screen-session" in shown
    ok(app, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING,
       "--phone", "+44 20 7946 0000")  # fmt: skip
    out = ok(app, "check-in", "--pain", "7", "--stiffness", "moderate", *TINGLING)
    # the heading and the reasons in plain words; the rules' ids are not shown
    assert f"{BOOK_HEAD}\n" in out
    assert (
        "- Neck pain or stiffness that has lasted a week or more and is not getting better\n" in out
    )
    assert "- Pain spreading down an arm, pins and needles, numbness, weakness, or an arm" in out
    assert "- Severe pain: 7 or more out of 10\n" in out
    assert "rules:" not in out
    assert "several-days-no-better" not in out
    assert out.count("Book an appointment within the next few days") == 1
    assert "Sources: " in out
    assert "Your clinic: Riverside Physiotherapy" in out
    assert f"  Book online: {BOOKING}" in out
    assert "This is not a diagnosis." in out
    # `advice` reads the latest check-in against the diary again, with the same link
    again = ok(app, "advice")
    assert f"{BOOK_HEAD}\n" in again
    assert f"  Book online: {BOOKING}" in again
    # the files stay private
    assert stat.S_IMODE(database(app).stat().st_mode) == 0o600
    # a newer episode can be ended, and it is then closed
    assert "Ended episode 1" in ok(app, "episode", "end")
    assert "open" not in ok(app, "episode", "list")


def test_diary_cli_without_a_clinic_says_how_to_add_one_and_invents_no_link(
    app: App, now: datetime
) -> None:
    episode_over_days(app, now)
    out = ok(app, "check-in", "--pain", "7", "--stiffness", "moderate", *TINGLING)
    assert BOOK_HEAD in out
    assert "No clinic is set up yet" in out
    assert "posture-guard clinic set" in out
    assert "Book online" not in out
    assert "http" not in out.split("Why:")[0]
    done = app.cli("advice", "--open")
    assert done.returncode == 1
    assert done.stderr.strip() == "posture-guard advice: no booking link to open"


def test_diary_cli_emergency_answer_prints_the_emergency_number_and_no_booking(app: App) -> None:
    ok(app, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING)
    out = ok(app, "check-in", "--pain", "3", "--stiffness", "mild", "--trend", "same", "--age",
             "30", "--symptom", "thunderclap-headache", "--lasted", "under-1-week")  # fmt: skip
    assert "Advice: Get emergency help now\n" in out
    assert "- A sudden, very severe headache that reaches its worst within moments" in out
    assert "Call your local emergency number now (112 anywhere in Europe, 999 in the UK" in out
    assert BOOKING not in out
    assert "Book online" not in out


def test_diary_cli_advice_open_opens_the_booking_link_in_the_browser(
    app: App, tmp_path: Path, now: datetime
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o700)
    app.env["BROWSER"] = f"{browser} %s"
    episode_over_days(app, now)
    ok(app, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING)
    ok(app, "check-in", "--pain", "7", "--stiffness", "moderate", *TINGLING)
    assert f"Asked your browser to open {BOOKING}" in ok(app, "advice", "--open")
    assert opened.read_text().strip() == BOOKING


def test_diary_cli_interactive_check_in_reads_answers_from_stdin(app: App, now: datetime) -> None:
    ok(app, "episode", "start", "--pain", "5", "--stiffness", "mild", "--at", ago(now, 1))
    answers = "\n".join(
        [
            "",  # pain: Enter keeps the open episode's 5
            "3",  # stiffness: number 3 = moderate
            "arm-pain, 7",  # symptoms: a word and a number (7 = tingling-numbness)
            "meh",  # trend: not a word it knows: explained and asked again
            "same",
            "",  # how long: Enter keeps the open episode's (under a week)
            "",  # sleep: no
            "",  # work: no
            "",  # daily life: no
            "",  # home care days: 0
            "",  # after an injury: no (so the high-risk and head questions are not asked)
            "",  # a neck manipulation in the last 4 weeks: no
            "",  # risk history: none
            "",  # age: no default yet: asked again
            "45",
        ]
    )
    out = ok(app, "check-in", input=answers + "\n")
    assert "How bad is the neck pain right now" in out
    assert "   3. moderate: stiff: turning the head is limited" in out
    assert '  trend = "meh": expected one of improving, same, worse' in out
    assert "Please answer: this one has no default yet." in out
    assert f"{BOOK_HEAD}\n" in out
    assert "- Pain spreading down an arm" in out
    # the next check-in remembers the age
    second = ok(app, "check-in", "--yes")
    # "Advice: self-care (rules: self-care)" was: the tier's and the rule's ids
    assert "Advice: Look after it yourself for now\n" in second
    assert "- None of the warning signs in your answers" in second
    assert "self-care" not in second


def test_diary_cli_interactive_check_in_aborted_by_end_of_input_stores_nothing(app: App) -> None:
    ok(app, "episode", "start", "--pain", "5", "--stiffness", "mild")
    before = rows(app)
    done = app.cli("check-in", input="4\nmild\n")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "posture-guard check-in: cancelled at the end of the input; nothing was saved"
    )
    assert rows(app) == before
    assert app.cli("advice").returncode == 1


def test_diary_cli_check_in_with_yes_and_no_age_names_the_missing_answers(app: App) -> None:
    ok(app, "episode", "start", "--pain", "5")
    refused(app, "check-in", "--yes", code=2, message=(
        "posture-guard check-in: age is missing: expected an answer (missing: --age); give them,"
        " or leave out --yes to be asked"))  # fmt: skip


# --- bad input: a clear line, exit 2 (usage) or 1 (refused), nothing changed (acceptance 5) ----


def test_diary_cli_bad_input_is_refused_and_changes_nothing(
    app: App, tmp_path: Path, now: datetime
) -> None:
    ok(app, "episode", "start", "--pain", "5", "--stiffness", "mild", "--at", ago(now, 3))
    ok(app, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING)
    started = rows(app)[0][0][1]
    assert isinstance(started, str)
    refused(app, "episode", "update", "--pain", "11", code=2, message=(
        "posture-guard episode update: pain = 11: expected a whole number from 0 (no pain) to 10"
        " (worst imaginable)"))  # fmt: skip
    refused(app, "check-in", "--pain", "11", "--yes", code=2, message=(
        "posture-guard check-in: pain = 11: expected a whole number from 0 (no pain) to 10"
        " (worst imaginable)"))  # fmt: skip
    refused(app, "episode", "start", "--pain", "4", "--trigger", "posture,weather", code=2,
            message=('posture-guard episode start: trigger = "weather": expected one of posture,'
                     " long-screen-session, stress, sudden-movement, sleep-position, other"))  # fmt: skip
    early = (now - timedelta(days=4)).replace(second=0, microsecond=0)
    shown = early.isoformat(sep=" ", timespec="minutes")
    # `episode show` says the start in the language's form; a refusal names it in ISO, to be
    # typed back with --at
    start = datetime.fromisoformat(started).astimezone(now.tzinfo)  # stored in UTC
    start_iso = when(start)
    assert f"started {format_date_time(start)}," in ok(app, "episode", "show")
    refused(app, "episode", "update", "--pain", "4", "--at", early.isoformat(), code=1, message=(
        f"posture-guard episode update: can't add an update at {shown} to episode 1 (started"
        f" {start_iso}): that is before it started"))  # fmt: skip
    refused(app, "episode", "start", "--pain", "4", code=1, message=(
        f"posture-guard episode start: can't start a new episode while episode 1 (started"
        f" {start_iso}) is still open; end it first"))  # fmt: skip
    refused(app, "episode", "update", "--pain", "4", "--at", "last tuesday", code=2, message=(
        'posture-guard episode update: at = "last tuesday": expected a date and time like'
        " 2026-03-02T09:00 (local time) or 2026-03-02T09:00+01:00"))  # fmt: skip
    ok(app, "episode", "end")
    refused(app, "episode", "end", code=1,
            message="posture-guard episode end: can't end an episode: no episode is open")  # fmt: skip
    refused(app, "episode", "update", "--pain", "3", code=1,
            message="posture-guard episode update: can't add an update: no episode is open")  # fmt: skip
    # a corrupt clinic file: file, key, expected, got
    bad = tmp_path / "clinic.toml"
    bad.write_text('[clinic]\nname = "Elsewhere"\nbooking_url = "ftp://elsewhere.example"\n')
    refused(app, "clinic", "import", str(bad), code=1, message=(
        f'posture-guard clinic import: {bad}: [clinic] booking_url = "ftp://elsewhere.example":'
        " expected a web address starting with https:// and a host name, like"
        ' "https://clinic.example/book"'))  # fmt: skip
    refused(app, "clinic", "set", "--name", "Elsewhere", "--booking-url", "nope", code=2, message=(
        'posture-guard clinic set: [clinic] booking_url = "nope": expected a web address starting'
        ' with https:// and a host name, like "https://clinic.example/book"'))  # fmt: skip
    assert "Clinic: Riverside Physiotherapy" in ok(app, "clinic", "show")


def test_diary_cli_clinic_import_reads_the_clinics_file(app: App, tmp_path: Path) -> None:
    good = tmp_path / "clinic.toml"
    good.write_text(
        '[clinic]\nname = "Riverside Physiotherapy"\nbooking_url = "https://r.example/book"\n'
        'opening_hours = "Mon-Fri 08:00-18:00"\n'
    )
    assert "No clinic is set." in ok(app, "clinic", "show")
    ok(app, "clinic", "import", str(good))
    assert ok(app, "clinic", "show") == (
        "Clinic: Riverside Physiotherapy\n  Booking: https://r.example/book\n"
        "  Hours: Mon-Fri 08:00-18:00\n"
    )


def test_diary_cli_refuses_a_database_from_a_newer_version_and_changes_nothing(app: App) -> None:
    ok(app, "episode", "start", "--pain", "5")
    path = database(app)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    for args in (("episode", "list"), ("episode", "end"), ("clinic", "show")):
        done = app.cli(*args)
        assert done.returncode == 1
        assert done.stderr.strip().endswith(
            f"{path}: the database is from a newer Posture Guard (schema version"
            f" {SCHEMA_VERSION + 1}; this version reads up to {SCHEMA_VERSION}); nothing was"
            " changed. Update Posture Guard to use it."
        )
    assert path.read_bytes() == before


# --- exercises -------------------------------------------------------------------------------


def test_diary_cli_exercises_during_an_acute_episode_lists_only_gentle_ones(app: App) -> None:
    catalogue = ok(app, "exercises")
    assert "(recovery," in catalogue
    assert "(acute-gentle," in catalogue
    calm = ok(app, "exercises", "--for-break", "stretch")
    assert "(recovery," in calm
    ok(app, "episode", "start", "--pain", "8", "--stiffness", "severe")
    acute = ok(app, "exercises", "--for-break", "stretch")
    lines = [line for line in acute.splitlines() if "(" in line and "break" in line]
    assert "Only gentle exercises, because an episode is open." in acute
    assert lines
    assert all("(acute-gentle," in line for line in lines[1:]), acute
    assert "(recovery," not in acute


def test_after_emergency_advice_no_break_offers_a_neck_exercise_until_a_calmer_check_in(
    app: App,
) -> None:
    """Issue 17: right after advice to keep the head and neck still, the next stretch break
    offered neck turns and tilts. Through the real CLI and store: after an emergency check-in
    nothing offered moves the neck; a later check-in without warning signs clears it."""
    ok(app, "check-in", "--pain", "8", "--stiffness", "moderate", "--symptom",
       "thunderclap-headache", "--trend", "worse", "--age", "42", "--lasted", "under-1-week",
       "--yes")  # fmt: skip
    held = ok(app, "exercises", "--for-break", "stretch")
    assert "Nothing that moves your neck, after the advice of your latest check-in" in held
    assert "Neck" not in held, held
    assert "neck (" not in held, held
    ok(app, "check-in", "--pain", "2", "--stiffness", "none", "--symptom", "", "--trend",
       "improving", "--age", "42", "--lasted", "under-1-week", "--yes")  # fmt: skip
    cleared = ok(app, "exercises", "--for-break", "stretch")
    assert "Nothing that moves your neck" not in cleared
    assert "neck" in cleared.lower()


def test_diary_cli_usage_errors_from_argparse_exit_2(app: App) -> None:
    done = app.cli("exercises", "--for-break", "nap")
    assert done.returncode == 2
    assert "invalid choice: 'nap'" in done.stderr


def test_issue_4_review_diary_refuses_future_times_and_overlaps(app: App) -> None:
    future = app.cli("episode", "start", "--pain", "4", "--at", "2099-01-01T10:00")
    assert (future.returncode, future.stderr.strip()) == (
        2,
        'posture-guard episode start: at = "2099-01-01T10:00": expected a time that is not in '
        "the future",
    )
    assert (
        app.cli("episode", "start", "--pain", "4", "--at", "2026-11-20T10:00+00:00").returncode == 0
    )
    assert app.cli("episode", "end", "--at", "2026-11-22T10:00+00:00").returncode == 0
    # a past episode entered afterwards (issue "The first day at the desk"): it may start
    # before the later one, without a stiffness (left unanswered, not "no stiffness"), and end
    # before that one began, never inside it
    past = app.cli("episode", "start", "--pain", "4", "--at", "2026-11-19T10:00+00:00")
    assert past.returncode == 0, past.stderr
    assert "stiffness: not given" in past.stdout
    before = app.cli("episode", "list").stdout
    overlap = app.cli("episode", "end", "--at", "2026-11-21T10:00+00:00")
    assert overlap.returncode == 1
    assert overlap.stderr.strip() == (
        "posture-guard episode end: can't end episode 2 (started 2026-11-19 10:00+00:00) at "
        "2026-11-21 10:00+00:00: it would overlap episode 1 (started 2026-11-20 10:00+00:00); "
        "end it at 2026-11-20 10:00+00:00 at the latest"
    )
    assert app.cli("episode", "list").stdout == before
    assert app.cli("episode", "end", "--at", "2026-11-19T18:00+00:00").returncode == 0


def test_issue_4_review_high_risk_injury_is_never_defaulted(app: App) -> None:
    base = ["check-in", "--pain", "5", "--stiffness", "mild", "--trend", "same", "--age", "40",
            "--lasted", "under-1-week"]  # fmt: skip
    for after in ("yes", "not-sure"):
        unanswered = app.cli(*base, "--after-injury", after, "--yes")
        assert unanswered.returncode == 2
        assert unanswered.stderr.strip() == (
            "posture-guard check-in: high-risk-injury is missing: expected yes, no or not-sure "
            "after an injury (a fall from height or down stairs, a diving accident, a fast or "
            "rollover crash, a bike collision)"
        )
    head = app.cli(*base, "--after-injury", "yes", "--high-risk-injury", "no", "--yes")
    assert head.returncode == 2
    assert head.stderr.strip() == (
        "posture-guard check-in: head-injury is missing: expected yes, no or not-sure after an "
        "injury (whether the head was hit or hurt)"
    )
    # a dangerous mechanism given on its own implies the injury, and is an emergency
    high_risk = app.cli(*base, "--high-risk-injury", "yes", "--head-injury", "no")
    assert high_risk.returncode == 0, high_risk.stderr
    assert "Advice: Get emergency help now\n" in high_risk.stdout
    assert "- Neck pain after an injury with a high-risk feature" in high_risk.stdout
    assert "- Neck pain that began after an injury, a fall or a knock" in high_risk.stdout


# --- what the CLI prints of the diary --------------------------------------------------------


def test_diary_cli_episode_show_on_an_empty_diary_says_how_to_start_one(app: App) -> None:
    assert ok(app, "episode", "show") == (
        "No episodes yet. Start one with `posture-guard episode start --pain N`.\n"
    )


def test_diary_cli_prints_notes_with_escape_sequences_spelled_out(app: App) -> None:
    """A note holding a terminal escape (pasted, or planted) cannot clear or recolour the screen."""
    ok(app, "episode", "start", "--pain", "4", "--notes", "woke up stiff\x1b[2J\u202ekcab")
    ok(app, "episode", "update", "--pain", "3", "--notes", "better\x1b[31m")
    shown = ok(app, "episode", "show")
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "  notes: woke up stiff\\x1b[2J\\u202ekcab\n" in shown
    assert "notes: better\\x1b[31m" in shown


def test_issue_17_new_answers_are_stored_read_back_and_reach_the_advice(app: App) -> None:
    """# Protects: how long the pain has lasted, "not sure" after an injury, a head injury and
    a neck manipulation are asked as flags, kept in the diary and read back by `advice`; weeks of
    pain without an open episode are no longer self-care, and vomiting after an injury one is
    not sure of is an emergency."""
    base = ["check-in", "--pain", "3", "--stiffness", "mild", "--trend", "improving", "--age",
            "40"]  # fmt: skip
    weeks = ok(app, *base, "--lasted", "3-12-weeks", "--yes")
    assert f"{BOOK_HEAD}\n" in weeks
    assert "- Neck pain or stiffness that has lasted 3 weeks or more" in weeks
    hurt = ok(app, *base, "--lasted", "under-1-week", "--after-injury", "not-sure",
              "--high-risk-injury", "no", "--head-injury", "not-sure", "--neck-manipulation",
              "yes", "--symptom", "vomiting", "--yes")  # fmt: skip
    assert "Advice: Get emergency help now\n" in hurt
    assert "- After an injury (or if you are not sure): vomiting" in hurt
    again = ok(app, "advice")
    assert "- After an injury (or if you are not sure): vomiting" in again
    with sqlite3.connect(database(app)) as db:
        stored = db.execute("SELECT answers FROM check_ins ORDER BY id").fetchall()
    answers = json.loads(stored[-1][0])
    assert {k: answers[k] for k in ("pain_lasted", "after_injury", "head_injury",
                                    "neck_manipulation", "high_risk_mechanism")} == {
        "pain_lasted": "under-1-week", "after_injury": "not-sure", "head_injury": "not-sure",
        "neck_manipulation": "yes", "high_risk_mechanism": "no",
    }  # fmt: skip
    refused(app, *base, "--lasted", "ages", "--yes", code=2, message=(
        'posture-guard check-in: lasted = "ages": expected one of under-1-week, 1-3-weeks, '
        "3-12-weeks, over-12-weeks"))  # fmt: skip
