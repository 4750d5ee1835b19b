"""`posture-guard config show | check` as a person runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.app import App

pytestmark = pytest.mark.e2e


def test_config_show_marks_each_value_with_its_layer_and_lock(app: App, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[breaks.movement]\nevery = "50m"\n[policy]\nlock = ["breaks.movement.every"]\n'
    )
    app.env["POSTURE_GUARD_POLICY"] = str(policy)
    app.config.write_text('[breaks.posture]\nevery = "25m"\n[breaks.movement]\nevery = "2h"\n')
    result = app.cli("config", "show")
    assert result.returncode == 0
    assert result.stderr.strip() == (
        f"{app.config}: [breaks.movement] every: ignored, because it is set by your organisation "
        f"({policy}) and is locked"
    )
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines() if "=" in line}
    assert lines["[breaks.posture] every"].split("#")[1].strip() == f"user: {app.config}"
    assert lines["[breaks.movement] every"].split("#")[1].strip() == f"policy: {policy}, locked"
    assert '"50m"' in lines["[breaks.movement] every"]
    assert lines["[general] snooze"].split("#")[1].strip() == "built-in"
    assert result.stdout.splitlines()[0] == f"# user file:   {app.config}"


def test_config_check_passes_a_good_file_and_fails_a_bad_one(app: App, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[breaks.stretch]\nevery = "45m"\n')
    ok = app.cli("config", "check", str(good))
    assert (ok.returncode, ok.stdout.strip(), ok.stderr) == (0, f"{good}: OK", "")

    bad = tmp_path / "bad.toml"
    bad.write_text('[breaks.stretch]\nevery = "90x"\n[general]\nsnoze = "5m"\n')
    failed = app.cli("config", "check", str(bad))
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [
        f'{bad}: [breaks.stretch] every = "90x": expected a duration like "45m" or "1h30m"',
        f'{bad}: [general] snoze = "5m": unknown setting (see `posture-guard config show` for the known ones)',
    ]
    assert "Traceback" not in failed.stderr

    missing = app.cli("config", "check", str(tmp_path / "missing.toml"))
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        f"{tmp_path / 'missing.toml'}: no such file",
    )


def test_cli_bad_duration_is_a_usage_error(app: App) -> None:
    result = app.cli("snooze", "soon")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        'posture-guard snooze: \'soon\': expected a duration like "45m" or "1h30m"'
    )


@pytest.mark.parametrize("columns", ["50", "120"])
@pytest.mark.parametrize("command", [(), ("report",), ("episode", "start")])
def test_help_is_what_argparse_itself_prints_at_the_width_columns_asks_for(
    app: App, command: tuple[str, ...], columns: str
) -> None:
    """cli._Parser finds the help's width without shutil; the help is argparse's own, unchanged."""
    app.env["COLUMNS"] = columns
    ours = app.cli(*command, "--help")
    stock = subprocess.run(
        [sys.executable, "-c", "import argparse, sys, posture_guard.cli as cli;"
         " cli._Parser = argparse.ArgumentParser; sys.exit(cli.main(sys.argv[1:]))",
         *command, "--help"],
        env=app.env, capture_output=True, text=True, timeout=15, check=False,
    )  # fmt: skip
    assert ours.returncode == stock.returncode == 0
    assert ours.stdout == stock.stdout
    if not command:  # the top-level help has no long unbreakable parts: all of it fits
        assert max(len(line) for line in ours.stdout.splitlines()) <= int(columns)
