"""The README says only what is true: each command it shows parses as written, and its example
configuration names the built-in default wherever it differs from it (a reader took the example's
weekday hours for the defaults, and `run -v` for a valid command)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from posture_guard import cli
from posture_guard.core import config

README = Path(__file__).resolve().parents[2] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _concrete_commands() -> list[str]:
    """Backticked `posture-guard ...` with no syntax placeholders ([...], a | b, FILE, ...)."""
    found = re.findall(r"`(posture-guard(?: [^`]*)?)`", TEXT)
    return sorted(
        {c for c in found if not re.search(r"[\[\]|]|\.\.|\b[A-Z]{1,}\b", c.replace("\\|", "|"))}
    )


@pytest.mark.parametrize("command", _concrete_commands())
def test_each_command_the_readme_shows_parses(command):
    argv = command.split()[1:]
    if "--help" in argv or "--version" in argv:  # these print and exit 0
        with pytest.raises(SystemExit) as exited:
            cli._parser().parse_args(argv)
        assert exited.value.code == 0, f"README shows `{command}`, which the CLI refuses"
    else:
        cli._parser().parse_args(argv)


def test_the_run_options_the_readme_lists_are_options_of_run():
    after = TEXT.split("`posture-guard run` options:", 1)[1]
    sentence = after.split(". ", 1)[0]
    options = re.findall(r"`(--?[a-z-]+)`", sentence)
    assert options, "no options found after '`posture-guard run` options:'"
    for option in options:
        cli._parser().parse_args(["run", option])
    # the global options the next sentence names go before the command
    shown = re.findall(r"`(posture-guard -[^`]*)`", after.split("\n\n", 1)[0])
    assert shown, "the README no longer shows where the global options go"
    for command in shown:
        cli._parser().parse_args(command.split()[1:])


def _flat(table: dict[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= _flat(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def test_the_example_configuration_names_the_default_where_it_differs():
    section = TEXT.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```toml\n(.*?)```", section, re.DOTALL)[0]
    example = _flat(tomllib.loads(block))
    defaults = _flat(tomllib.loads(config.builtin_text()))
    differing = [key for key, value in example.items() if defaults.get(key, value) != value]
    assert differing, "the example shows the defaults only: then say so instead"
    for key in differing:
        table, _, name = key.rpartition(".")
        lines = block.splitlines()
        # the key's own table: several tables have a key of the same name ("enabled")
        start = next(i for i, x in enumerate(lines) if re.match(rf"\[{re.escape(table)}\]", x))
        line = next(x for x in lines[start:] if re.match(rf"{name}\s*=", x))
        assert "built-in" in line, f"README example {key}: differs from the default, unsaid"
