"""The organisation's policy as people meet it: `policy check`, `config show` origins, refused
commands, the first run, the organisation's clinic, fleet figures, and a broken policy."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.app import App, read_until

pytestmark = pytest.mark.e2e

POLICY = """
[breaks.movement]
every = "50m"
[controls]
pause = false
[branding]
organisation = "Acme Ltd"
support_contact = "IT desk, ext. 4357"
[branding.clinic]
name = "Acme Physio"
booking_url = "https://physio.acme.example/book"
[policy]
lock = ["controls.pause", "breaks.movement", "branding.clinic"]
"""


def _managed(app: App, tmp_path: Path, text: str = POLICY, xdg: str | None = None) -> Path:
    """Put `text` in ROOT/etc/posture-guard/policy.toml (and `xdg` in an XDG config dir)."""
    root = tmp_path / "root"
    policy = root / "etc" / "posture-guard" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(text)
    del app.env["POSTURE_GUARD_POLICY"]
    app.env["POSTURE_GUARD_ROOT"] = str(root)
    app.env["XDG_CONFIG_DIRS"] = str(tmp_path / "xdg")
    if xdg is not None:
        low = tmp_path / "xdg" / "posture-guard" / "policy.toml"
        low.parent.mkdir(parents=True)
        low.write_text(xdg)
    return policy


def test_policy_check_passes_a_good_file_and_names_every_problem_of_a_bad_one(
    app: App, tmp_path: Path
) -> None:
    good = tmp_path / "good.toml"
    good.write_text(POLICY)
    ok = app.cli("policy", "check", str(good))
    assert (ok.returncode, ok.stdout.strip(), ok.stderr) == (0, f"{good}: OK", "")

    bad = tmp_path / "bad.toml"
    bad.write_text('[branding]\naccent_colour = "#12345"\n[fleet]\nenabled = true\n')
    failed = app.cli("policy", "check", str(bad))
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [
        f'{bad}: [branding] accent_colour = "#12345": expected a colour like "#1a73e8" (# and six hex digits), or "" for none',
        f"{bad}: [fleet] enabled = true: expected [fleet] directory to be set too (fleet figures stay off)",
    ]
    missing = app.cli("policy", "check", str(tmp_path / "none.toml"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        f"posture-guard: {tmp_path / 'none.toml'}: cannot be read: No such file or directory"
    )


def test_policy_config_show_names_each_policy_source_per_value(app: App, tmp_path: Path) -> None:
    policy = _managed(
        app, tmp_path, xdg='[general]\nsnooze = "2m"\n[breaks.movement]\nevery = "45m"\n'
    )
    low = tmp_path / "xdg" / "posture-guard" / "policy.toml"
    result = app.cli("config", "show")
    assert result.returncode == 0, result.stderr
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines() if "=" in line}
    assert lines["[breaks.movement] every"].split("#")[1].strip() == f"policy: {policy}, locked"
    assert lines["[general] snooze"].split("#")[1].strip() == f"policy: {low}"
    assert lines["[branding] organisation"].split("#")[1].strip() == f"policy: {policy}"
    assert f"# policy from: {low}" in result.stdout.splitlines()
    # locked by the policy with no value of its own: the built-in value, and who locked it
    assert lines["[breaks.movement] length"].split("#")[1].strip() == (
        f"built-in, locked by {policy}"
    )


def test_policy_locked_command_is_refused_at_the_cli(app: App, tmp_path: Path) -> None:
    _managed(app, tmp_path)
    result = app.cli("pause", "30m")
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "posture-guard pause: Can't pause: set by your organisation.",
    )
    clinic = app.cli("clinic", "set", "--name", "Mine", "--phone", "+44 20 7946 0001")
    assert (clinic.returncode, clinic.stderr.strip()) == (
        1,
        "posture-guard clinic set: Can't change the clinic: set by your organisation.",
    )


def test_policy_advice_offers_the_organisations_clinic_and_says_whose(
    app: App, tmp_path: Path
) -> None:
    _managed(app, tmp_path)
    result = app.cli(
        "check-in",
        "--pain", "4", "--stiffness", "mild", "--symptom", "tingling-numbness",
        "--trend", "same", "--age", "42", "--yes",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "The clinic your organisation (Acme Ltd) offers: Acme Physio" in result.stdout
    assert "Book online: https://physio.acme.example/book" in result.stdout


def test_policy_first_run_is_silent_tells_what_the_employer_sees_once_and_writes_fleet(
    app: App, tmp_path: Path
) -> None:
    collector = tmp_path / "textfile"
    collector.mkdir()
    _managed(
        app,
        tmp_path,
        POLICY.replace("[policy]", f'[fleet]\nenabled = true\ndirectory = "{collector}"\n[policy]'),
    )
    proc = app.start("--headless")
    lines = read_until(proc, "Posture Guard is running", timeout=15)
    text = "\n".join(lines)
    assert "Acme Ltd manages this copy of Posture Guard with a policy." in text
    assert "What Acme Ltd can see: for each day, your active screen time rounded to 15" in text
    assert "Questions: IT desk, ext. 4357" in text
    fleet_files = list(collector.glob("posture_guard_*.prom"))
    assert len(fleet_files) == 1
    assert stat.S_IMODE(fleet_files[0].stat().st_mode) == 0o644
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=15) == 0
    log = (app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    assert "first run: told the user: Welcome to Posture Guard." in log

    again = app.start("--headless")
    lines = read_until(again, "Posture Guard is running", timeout=15)
    assert not any("manages this copy" in line for line in lines)  # once only
    assert app.cli("quit").returncode == 0
    assert again.wait(timeout=15) == 0


def test_policy_broken_policy_falls_back_to_defaults_and_the_service_still_starts(
    app: App, tmp_path: Path
) -> None:
    policy = _managed(app, tmp_path, '[breaks.movement]\nevery = "never"\n[controls\n')
    proc = app.start("--headless")
    lines = read_until(proc, "Posture Guard is running", timeout=15)
    assert lines[0].startswith(f"{policy}: not valid TOML: ")
    assert "Traceback" not in "\n".join(lines)
    status = app.cli("status")
    assert status.returncode == 0
    assert app.cli("pause", "10m").returncode == 0  # nothing locked: the safe defaults apply
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=15) == 0
    assert os.path.exists(app.home / ".state" / "posture-guard" / "posture-guard.log")


def test_policy_branding_with_controls_is_never_printed_raw(app: App, tmp_path: Path) -> None:
    # Protects: the first-run notice spells out C1 controls and bidi overrides from the
    # policy's branding (U+009B is a CSI on many terminals; U+202E reverses the text)
    _managed(
        app,
        tmp_path,
        '[branding]\norganisation = "Acme\\u009b2J Ltd"\nwelcome = "Hi \\u202eereht\\u001b[31m"\n',
    )
    proc = app.start("--headless")
    text = "\n".join(read_until(proc, "Posture Guard is running", timeout=15))
    assert not any(ch in text for ch in "\u009b\u202e\x1b")
    assert "Hi \\u202eereht\\x1b[31m" in text
    assert "Acme\\x9b2J Ltd manages this copy of Posture Guard with a policy." in text
