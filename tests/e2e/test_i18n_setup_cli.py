"""`doctor`, `autostart`, the first-run notice, and the config and policy problems in the
reader's language.

As in test_i18n_cli.py: under the pseudo-locale (en_XA) a string that skipped the catalogue is
plain ASCII. What may stay as written here is data: the backends' and areas' names, file paths,
environment variables, the keys and values of a file (a problem line's head "FILE: [section]
key = value:" names what to fix, as typed), and the OS's own reasons ("[Errno 2] ...").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from posture_guard.desktop import toolkit
from tests.app import App, read_until
from tests.e2e.test_i18n_cli import PSEUDO, bare_words, cli_in
from tests.unit.test_i18n import catalogues

pytestmark = pytest.mark.e2e

DEVANAGARI = re.compile("[\u0900-\u097f]{2,}")
#: The OS's reason after an errno, in the OS's words (English in the C locale).
OS_REASON = re.compile(r"\[Errno \d+\][^⟧;]*")


def doctor_names(english: str) -> tuple[str, ...]:
    """The areas' and backends' names of an English report (its first two columns), the
    platform's name and the programs it names: data, as the log says them."""
    names = {"Python", "linux", "logind", "pactl", toolkit.ENV_VAR, "PYSTRAY_BACKEND"}
    for line in english.splitlines()[2:]:
        if not line.startswith("hint: "):
            names.update(line.split()[:2])
    return tuple(names)


def test_i18n_doctor_pseudo_locale_leaves_no_english(app: App) -> None:
    english = cli_in(app, "en", "doctor")
    pseudo = cli_in(app, PSEUDO, "doctor")
    assert (pseudo.returncode, pseudo.stderr) == (0, "")
    assert len(pseudo.stdout.splitlines()) == len(english.stdout.splitlines())
    report = OS_REASON.sub(" ", pseudo.stdout)
    assert bare_words(report, doctor_names(english.stdout)) == [], pseudo.stdout
    assert all("⟦" in line for line in pseudo.stdout.splitlines()), pseudo.stdout


def test_i18n_doctor_hindi_says_each_line_in_hindi(app: App) -> None:
    hindi = cli_in(app, "hi", "doctor")
    assert (hindi.returncode, hindi.stderr) == (0, "")
    without = [line for line in hindi.stdout.splitlines() if not DEVANAGARI.search(line)]
    assert without == [], hindi.stdout


@pytest.mark.parametrize("code", ["en", PSEUDO, "de", "hi"])
def test_i18n_doctor_says_tk_draws_the_windows_and_what_it_cannot(app: App, code: str) -> None:
    app.env[toolkit.ENV_VAR] = "tk"
    done = cli_in(app, code, "doctor")
    assert (done.returncode, done.stderr) == (0, "")
    windows = done.stdout.splitlines()[1]
    # the line desktop/toolkit.py words for Tk, in the language asked for
    assert toolkit.ENV_VAR in windows
    if code == "en":
        assert windows.startswith("windows: Tk (POSTURE_GUARD_TOOLKIT is set to tk): ")
        assert "unshaped" in windows
        assert "screen readers cannot read the windows" in windows
    elif code == PSEUDO:
        assert bare_words(windows, (toolkit.ENV_VAR,)) == [], windows
    else:
        assert windows != toolkit.limits(toolkit.Choice("tk", "")), windows
        assert "Tk" in windows
    if code == "hi":
        assert DEVANAGARI.search(windows), windows


def test_i18n_autostart_status_pseudo_and_hindi(app: App) -> None:
    pseudo = cli_in(app, PSEUDO, "autostart", "status")
    assert pseudo.returncode == 0, pseudo.stderr
    assert "⟦" in pseudo.stdout
    assert bare_words(pseudo.stdout) == [], pseudo.stdout
    hindi = cli_in(app, "hi", "autostart", "status")
    assert DEVANAGARI.search(hindi.stdout), hindi.stdout


#: A user file with one problem of each kind a person meets: a bad duration, a count, a list
#: of days, an unknown key, and a key only the organisation's policy may set.
BAD_USER_FILE = """\
[breaks.stretch]
every = "90x"
[general]
max_snoozes = -1
colour = "blue"
[working_hours]
days = ["mon", "someday"]
[branding]
organisation = "ACME"
"""


def problem_words(line: str, file: Path) -> str:
    """What a problem line says once its head (the file, the key and the value) is taken out."""
    head = re.match(
        rf"{re.escape(str(file))}: (\[[\w.]+\] \w+ = (\"[^\"]*\"|\[[^\]]*\]|\S+): )?", line
    )
    assert head is not None, line
    return line[head.end() :]


def test_i18n_config_problems_pseudo_locale_leaves_no_english(app: App, tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(BAD_USER_FILE, encoding="utf-8")
    english = cli_in(app, "en", "config", "check", str(file))
    pseudo = cli_in(app, PSEUDO, "config", "check", str(file))
    assert english.returncode == pseudo.returncode == 1
    assert english.stderr.splitlines() == [
        f'{file}: [breaks.stretch] every = "90x": expected a duration like "45m" or "1h30m"',
        f'{file}: [general] max_snoozes = -1: expected a whole number of 0 or more, or "unlimited"',
        f'{file}: [general] colour = "blue": unknown setting (see `posture-guard config show` for'
        " the known ones)",
        f'{file}: [working_hours] days = ["mon", "someday"]: expected a list of days like ["mon",'
        ' "tue", "wed", "thu", "fri"]',
        f'{file}: [branding] organisation = "ACME": only the organisation\'s policy can set this',
    ]
    lines = pseudo.stderr.splitlines()
    assert len(lines) == 5
    for line in lines:
        words = problem_words(line, file)
        assert "⟦" in words, line
        # the values a person types, quoted in the wording ("45m", "unlimited", "mon") are kept
        assert bare_words(re.sub(r'"[^"]*"', " ", words)) == [], line
    hindi = cli_in(app, "hi", "config", "check", str(file))
    assert all(DEVANAGARI.search(line) for line in hindi.stderr.splitlines()), hindi.stderr


def test_i18n_policy_problems_pseudo_locale_leaves_no_english(app: App, tmp_path: Path) -> None:
    toml = tmp_path / "policy.toml"
    toml.write_text(
        '[breaks.stretch]\nevery = "1m"\nlength = "5m"\n[policy]\nlock = ["nope"]\n',
        encoding="utf-8",
    )
    reg = tmp_path / "policy.reg"
    reg.write_text(
        "Windows Registry Editor Version 5.00\n\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\PostureGuard]\nevery 50m\n",
        encoding="utf-16",
    )
    english = cli_in(app, "en", "policy", "check", str(toml)).stderr.splitlines()
    assert english == [
        f"{toml}: [policy] lock = [\"nope\"]: 'nope' is not a setting or section",
        f'{toml}: [breaks.stretch] length = "5m": expected shorter than [breaks.stretch] every'
        ' ("1m")',
    ]
    assert cli_in(app, "en", "policy", "check", str(reg)).stderr.splitlines() == [
        f"{reg}: line 4: expected \"name\"=value, got 'every 50m'"
    ]
    for file, kept in ((toml, ("[breaks.stretch]", "every", "'nope'")), (reg, ("'every 50m'",))):
        done = cli_in(app, PSEUDO, "policy", "check", str(file))
        assert done.returncode == 1
        lines = done.stderr.splitlines()
        assert lines, done.stderr
        for line in lines:
            words = problem_words(line, file)
            for word in kept:
                words = words.replace(word, " ")
            assert "⟦" in words, line
            assert bare_words(re.sub(r'"[^"]*"', " ", words)) == [], line
        hindi = cli_in(app, "hi", "policy", "check", str(file))
        assert all(DEVANAGARI.search(line) for line in hindi.stderr.splitlines()), hindi.stderr


def test_i18n_first_run_notice_in_the_pseudo_locale(app: App) -> None:
    app.env["LANGUAGE"] = PSEUDO
    proc = app.start("--headless")
    running = catalogues.pseudo("Posture Guard is running").rstrip("·⟧")
    lines = read_until(proc, running, timeout=20)
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0
    notice = lines[: next(i for i, line in enumerate(lines) if running in line)]
    notice = [line for line in notice if line.strip()]
    assert len(notice) >= 2, lines  # the welcome and what stays on this computer
    assert bare_words("\n".join(notice)) == [], notice
    assert all("⟦" in line for line in notice), notice
