"""What the tray's items launch: the command lines, real child processes reaped, the info texts."""

from __future__ import annotations

import stat
import sys
import time
import tomllib
from pathlib import Path

from posture_guard import __version__
from posture_guard.core import i18n
from posture_guard.core.commands import Pause
from posture_guard.core.traymodel import LAUNCHES, Submit, TrayStatus, find_entry, tray_menu
from posture_guard.desktop import language
from posture_guard.desktop.paths import default_paths
from posture_guard.ui.info_window import about_text, ensure_config_file, settings_text
from posture_guard.ui.launch import Launcher, launch_argv
from posture_guard.ui.menu_window import flat_entries, next_starting_with


def test_launch_argv_runs_our_python_with_the_same_config(tmp_path):
    config = tmp_path / "config.toml"
    assert launch_argv("report", config) == [
        sys.executable, "-m", "posture_guard", "--config", str(config), "report", "--open",
    ]  # fmt: skip
    assert launch_argv("menu", config) == [
        sys.executable, "-m", "posture_guard.ui.menu_window", "--config", str(config),
    ]  # fmt: skip
    assert launch_argv("advice", None) == [
        sys.executable, "-m", "posture_guard.ui.info_window", "advice",
    ]  # fmt: skip
    # the forms (break window's branch) take no --config yet
    assert launch_argv("episode", config) == [
        sys.executable, "-m", "posture_guard.ui.forms", "episode",
    ]  # fmt: skip


def test_every_launch_target_names_a_module_of_ours():
    for target, tail in LAUNCHES.items():
        assert tail[0] == "-m", target
        assert tail[1].startswith("posture_guard"), target


def test_launcher_starts_a_child_logs_its_output_and_reaps_it(tmp_path, monkeypatch):
    log = tmp_path / "log"
    monkeypatch.setitem(LAUNCHES, "probe", ("-c", "import sys; print('probe ran'); sys.exit(3)"))
    launcher = Launcher(log_file=log)
    assert launcher.launch("probe") is None
    assert launcher.running == 1
    deadline = time.monotonic() + 10
    codes: list[int] = []
    while not codes and time.monotonic() < deadline:
        codes = launcher.reap()
        time.sleep(0.02)
    assert codes == [3]
    assert launcher.running == 0
    assert "probe ran" in log.read_text()


def test_launcher_opens_forms_with_the_branding_it_was_last_given(tmp_path, monkeypatch):
    """The policy changed under the running service: the next form opened carries the new
    organisation, not the one read at start."""
    from dataclasses import replace

    from posture_guard.core import config

    log = tmp_path / "log"
    monkeypatch.setitem(LAUNCHES, "episode", ("-c", "import sys; print('form', sys.argv[1:])"))
    start = replace(config.defaults().branding, organisation="Old Org")
    launcher = Launcher(log_file=log, branding=start)
    launcher.set_branding(replace(start, organisation="New Org"))
    assert launcher.launch("episode") is None
    deadline = time.monotonic() + 10
    while not launcher.reap() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "form ['--organisation', 'New Org']" in log.read_text()


def test_launcher_says_why_a_window_did_not_open(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    problem = Launcher().launch("about")
    assert problem is not None
    assert problem.startswith("Could not open the about window: ")


def test_menu_window_writes_submenus_out_as_lines():
    flat = flat_entries(tray_menu(TrayStatus.from_json({"state": "working", "allowed": ["pause"]})))
    texts = [e.text for e in flat if not e.is_separator]
    assert "Pause: for 30 minutes" in texts
    assert "Pause: until tomorrow" in texts
    assert "Pause" not in texts
    entry = next(e for e in flat if e.id == "pause-1h")
    assert entry.action == Submit(Pause(seconds=3600))
    assert entry.enabled is True
    paused = flat_entries(tray_menu(TrayStatus.from_json({"state": "paused"})))
    assert next(e for e in paused if e.id == "pause-1h").enabled is False
    assert find_entry(tuple(flat), "quit") is not None


def test_menu_window_letter_moves_to_the_next_item_starting_with_it():
    # Protects: in the menu window a letter moves to the next item that starts with it, round
    # from the current one, in any case and script; a letter no item starts with moves nothing.
    texts = ["Take a break now", "Check-in…", "Advice and booking…", "About Posture Guard"]
    assert next_starting_with(texts, 0, "c") == 1
    assert next_starting_with(texts, 1, "A") == 2
    assert next_starting_with(texts, 2, "a") == 3
    assert next_starting_with(texts, 3, "a") == 2  # round again
    assert next_starting_with(texts, 0, "z") is None
    assert next_starting_with(["जाँच…", "रिपोर्ट"], 0, "र") == 1
    assert next_starting_with(texts, 0, "") is None


def test_settings_creates_a_missing_config_file_with_a_comment_only(tmp_path):
    path = tmp_path / "cfg" / "config.toml"
    assert ensure_config_file(path) == path
    assert path.read_text() == (
        "# Posture Guard settings: see `posture-guard config show` for every key and its value,\n"
        "# and the README's Configuration section. Durations: 20s, 45m, 1h30m.\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # private, as every file of ours
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    path.write_text("[general]\nsnooze = '10m'\n")
    ensure_config_file(path)  # an existing file is never touched
    assert path.read_text() == "[general]\nsnooze = '10m'\n"


def test_the_new_config_file_s_comment_is_in_the_reader_s_language(tmp_path):
    """A person reads the new file: its comment is translated when written, every line of it
    a TOML comment, and the command and the durations stay as they are typed."""
    i18n.use(*language.catalogue_for(["de"]))
    try:
        text = ensure_config_file(tmp_path / "config.toml").read_text(encoding="utf-8")
    finally:
        i18n.use(i18n.English(), "en")
    assert "Einstellungen" in text
    assert "`posture-guard config show`" in text
    assert "20s, 45m, 1h30m" in text
    assert all(line.startswith("# ") for line in text.splitlines())
    assert tomllib.loads(text) == {}


def test_settings_text_says_in_one_line_when_config_show_does_not_answer(tmp_path):
    """A `config show` that does not answer in time is one line in the window, no traceback."""
    paths = default_paths(
        {"XDG_RUNTIME_DIR": str(tmp_path), "POSTURE_GUARD_POLICY": ""},
        config_file=tmp_path / "config.toml",
    )
    said = settings_text(paths, timeout=0.001)  # no Python starts that fast: a real timeout
    assert said == (
        "`posture-guard config show` did not answer within 1 second; try it in a terminal."
    )


def test_about_names_the_version_and_where_the_files_are(tmp_path):
    paths = default_paths(
        {"XDG_RUNTIME_DIR": str(tmp_path), "POSTURE_GUARD_POLICY": ""},
        config_file=Path("/x/config.toml"),
    )
    text = about_text(paths)
    assert text.splitlines()[0] == f"Posture Guard {__version__}"
    assert "Settings: /x/config.toml" in text
    assert f"Diary: {paths.database}" in text


def test_about_says_who_provides_it_and_what_the_organisation_receives(tmp_path):
    """Issue 6: the tray's About names the organisation and its support contact, and says
    plainly that only daily counts leave the computer when fleet figures are on."""
    from posture_guard.core import config
    from posture_guard.core.config import PolicySource

    paths = default_paths(
        {"XDG_RUNTIME_DIR": str(tmp_path), "POSTURE_GUARD_POLICY": ""},
        config_file=Path("/x/config.toml"),
    )
    policy_text = (
        '[branding]\norganisation = "Acme Ltd"\nsupport_contact = "it@acme.example"\n'
        f'[fleet]\nenabled = true\ndirectory = "{tmp_path}"\n'
    )
    settings = config.load(None, policies=[PolicySource(name="p.toml", text=policy_text)])
    assert not settings.errors, settings.errors
    text = about_text(paths, settings.settings)
    assert text.splitlines()[0] == f"Posture Guard {__version__}, provided by Acme Ltd"
    assert "Your diary, check-ins and advice never leave this computer." in text
    assert "Acme Ltd receives daily counts only: active minutes (rounded to 15)" in text
    assert "Questions about the app: it@acme.example" in text
    assert "Nothing leaves this computer." in about_text(paths, config.defaults())
