"""The command line speaks the reader's language: every word it prints comes from the catalogue.

The pseudo-locale (en_XA: every message accented, between ⟦ ⟧) shows a string that skipped
the catalogue as plain ASCII; Hindi shows that a real catalogue reaches the same lines. What may
stay as written: option names, command names, metavars kept on purpose, file paths, numbers,
URLs, `backticked` words, the words a person types (choices, vocabulary), rule ids and the
sources' titles (citations stay as published).
"""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Iterator

import pytest

from posture_guard import cli
from posture_guard.core import i18n
from posture_guard.core.triage import RULES, load_sources
from posture_guard.core.wording import STATE_WORDS
from posture_guard.desktop import language
from tests.app import App, read_until

pytestmark = pytest.mark.e2e

PSEUDO = "en_XA"
#: A check-in with every answer given as an option (no question is asked).
CHECK_IN = (
    "check-in",
    "--pain", "7",
    "--stiffness", "severe",
    "--symptom", "arm-pain,weakness",
    "--trend", "worse",
    "--lasted", "1-3-weeks",
    "--sleep-disturbed", "yes",
    "--stops-work", "yes",
    "--daily-life-affected", "yes",
    "--home-care-days", "10",
    "--after-injury", "no",
    "--neck-manipulation", "no",
    "--risk", "none",
    "--age", "40",
)  # fmt: skip
#: Metavars kept as written: letters that stand for a value, and names of formats.
KEPT_METAVARS = ("S,..", "H,..", "A,..", "T,..", "ISO", "URL")
#: Words that are plain ASCII: a command, option, path, number, URL or `code`.
NOT_WORDS = re.compile(
    r"`[^`]*`"  # `posture-guard run`
    r"|https?://\S+"
    r"|(?<![\w-])--?[\w-]+"  # --config, -h
    r"|\{[\w,.-]*\}"  # {enable,disable,status}: the choices are what people type
    r"|\S*/\S*"  # paths
    r"|\[[\w-]+\]"  # [rule-id]
    r"|posture-guard(?:-[\w-]+)?"
)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use(i18n.English(), "en")


def bare_words(text: str, keep: tuple[str, ...] = ()) -> list[str]:
    """The lines of `text` that still hold a run of 3 or more plain ASCII letters once what may
    stay as written (`keep` too) is taken out."""
    found = []
    for line in text.splitlines():
        rest = NOT_WORDS.sub(" ", line)
        for word in sorted(keep, key=len, reverse=True):
            rest = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", rest)
        if re.search(r"[A-Za-z]{3,}", rest):
            found.append(line)
    return found


def cli_in(app: App, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`posture-guard ARGS` run with LANGUAGE=code (the service keeps its own language)."""
    before = app.env.get("LANGUAGE")
    app.env["LANGUAGE"] = code
    try:
        return app.cli(*args)
    finally:
        if before is None:
            del app.env["LANGUAGE"]
        else:
            app.env["LANGUAGE"] = before


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the tree with the words that reach it (the top one first)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, (*path, name))


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    return {word for path, _ in parsers(parser) for word in path}


def advice_keep() -> tuple[str, ...]:
    """Rule ids and the sources' titles: the advice cites them as they are."""
    return (*(rule.id for rule in RULES), *(source.title for source in load_sources().values()))


def test_i18n_cli_every_help_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", PSEUDO)
    monkeypatch.setenv("COLUMNS", "100")
    assert language.install() == PSEUDO
    parser = cli._parser()  # built after install: its help is said in the language in use
    names = command_names(parser)
    seen = 0
    for path, sub in parsers(parser):
        text = sub.format_help()
        if path == ("report",):
            # the epilog lists the export's columns (report/columns.py), words of the files
            text = text.split((sub.epilog or "\0").splitlines()[0])[0]
        left = bare_words(text, (*names, *KEPT_METAVARS))
        assert left == [], (path, left)
        seen += 1
    assert seen > 30


def test_i18n_cli_top_help_through_the_real_process(app: App) -> None:
    app.env.update(LANGUAGE=PSEUDO, COLUMNS="100")
    done = app.cli("--help")
    assert done.returncode == 0, done.stderr
    names = command_names(cli._parser())
    assert bare_words(done.stdout, tuple(names)) == []
    assert "⟦" in done.stdout


def test_i18n_cli_status_not_running_advice_stats_and_check_in(app: App) -> None:
    app.env["LANGUAGE"] = PSEUDO
    status = app.cli("status")
    assert status.returncode == 1
    assert "⟦" in status.stderr
    assert bare_words(status.stderr) == []

    no_advice = app.cli("advice")
    assert no_advice.returncode == 1
    assert bare_words(no_advice.stderr) == []

    checked = app.cli(*CHECK_IN)
    assert checked.returncode == 0, checked.stderr
    assert "⟦" in checked.stdout
    assert bare_words(checked.stdout, advice_keep()) == []

    advice = app.cli("advice")
    assert advice.returncode == 0, advice.stderr
    assert bare_words(advice.stdout, advice_keep()) == []

    stats = app.cli("stats")
    assert stats.returncode == 0, stats.stderr
    assert bare_words(stats.stdout, advice_keep()) == []


def test_i18n_cli_status_of_a_running_service(app: App) -> None:
    """The service runs in English; `status` is said in the reader's language all the same."""
    app.env["LANGUAGE"] = "en"
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    pseudo = cli_in(app, PSEUDO, "status")
    english = cli_in(app, "en", "status")
    hindi = cli_in(app, "hi", "status")
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0

    assert pseudo.returncode == 0, pseudo.stderr
    # the backends' names ("none", "log") are names, as the log says them
    idle = re.search(r"idle source: (\S+);", english.stdout)
    notifier = re.search(r"notifications: (\S+)\)", english.stdout)
    assert idle is not None
    assert notifier is not None
    assert bare_words(pseudo.stdout, (idle.group(1), notifier.group(1))) == []
    assert len(pseudo.stdout.splitlines()) == len(english.stdout.splitlines())
    assert hindi.returncode == 0, hindi.stderr
    assert re.search("[\u0900-\u097f]", hindi.stdout), hindi.stdout


def test_i18n_cli_hindi_status_check_in_help_and_advice(app: App) -> None:
    app.env.update(LANGUAGE="hi", COLUMNS="100")
    devanagari = re.compile("[\u0900-\u097f]{2,}")
    status = app.cli("status")
    assert status.returncode == 1
    assert devanagari.search(status.stderr), status.stderr
    help_text = app.cli("check-in", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert devanagari.search(help_text.stdout.split("\n\n")[-1]), help_text.stdout
    assert app.cli(*CHECK_IN).returncode == 0
    advice = app.cli("advice")
    assert advice.returncode == 0, advice.stderr
    head = advice.stdout.splitlines()[:2]
    assert all(devanagari.search(line) for line in head), head


def test_i18n_cli_state_words_are_the_services_in_english() -> None:
    """`status` words the state itself, with the service's words (one wording)."""
    for state, words in STATE_WORDS.items():
        status = {"state": state.name.lower(), "state_text": "not used"}
        assert cli.format_status(status).splitlines()[1].split(None, 1)[1] == words


def test_i18n_cli_english_status_is_unchanged() -> None:
    status = {
        "pid": 42,
        "idle_source": "none",
        "sees_idle": False,
        "notifier": "log",
        "state": "paused",
        "state_text": "paused",
        "paused_until": "2026-03-02T14:30:00+01:00",
        "active_today_s": 3900,
        "outcomes_today": {"posture": {"taken": 2, "skipped": 1}, "stretch": {"natural": 1}},
    }
    assert cli.format_status(status) == (
        "Posture Guard is running (pid 42; idle source: none; notifications: log)\n"
        "State:       paused\n"
        "Idle time:   idle time cannot be read here: all time counts as active, and natural "
        "breaks (time away from the screen) are not seen, so only the breaks you record count\n"
        "Breaks:      run `posture-guard break-now` as you step away, so the break counts\n"
        "Paused until: Mon 14:30\n"
        "Today:       1h5m active; breaks 2 taken, 1 natural, 1 skipped"
    )
    due = {**status, "state": "break_due", "current": "posture", "waiting_for": "a call"}
    assert cli.format_status(due).splitlines()[1:5:3] == [
        "State:       a break is due, posture break",
        "Waiting:     until the desktop is free (a call)",
    ]
    working = {**status, "state": "working", "next_kind": "stretch", "next_in_s": 600}
    assert "Next break:  stretch in 10m of active time" in cli.format_status(working)


def test_i18n_cli_the_check_finds_english_and_lets_names_pass() -> None:
    assert bare_words("  status   show the next break") == ["  status   show the next break"]
    assert bare_words("⟦Ñéẋţ ƀŕéàķ:··⟧ 10m, `posture-guard run` --pain N /tmp/x.toml") == []
    assert bare_words("  {enable,disable,status}  ⟦ŵĥàţ⟧") == []
    assert bare_words("run this", keep=("run",)) == ["run this"]
    assert bare_words("run ⟦ţĥíš⟧", keep=("run",)) == []


def test_i18n_cli_the_language_setting_wins_over_the_desktop(app: App) -> None:
    """`general.language` in the user file overrides LANGUAGE, for the help as for the rest."""
    app.config.write_text('[general]\nlanguage = "hi"\n', encoding="utf-8")
    app.env.update(LANGUAGE="de")
    help_text = app.cli("--help")
    assert help_text.stdout.startswith("उपयोग:"), help_text.stdout[:80]
    app.config.write_text('[general]\nlanguage = "auto"\n', encoding="utf-8")
    assert app.cli("--help").stdout.startswith("Aufruf:")
