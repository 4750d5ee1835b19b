"""The one exception tree. Every message names what was wrong and what was expected."""

from __future__ import annotations


class PostureGuardError(Exception):
    """Base of every error this package raises on purpose; anything else is a bug."""


class ConfigError(PostureGuardError):
    """A configuration value is wrong: names the file, key, expected form and what was got.

    Renders as ``config.toml: [breaks.stretch] every = "90x": expected a duration like
    "45m" or "1h30m"``.
    """

    def __init__(self, file: str, key: str, expected: str, got: object) -> None:
        self.file = file
        self.key = key
        self.expected = expected
        self.got = got
        super().__init__(f"{file}: {format_key(key)} = {format_value(got)}: {expected}")


class PolicyLockedError(PostureGuardError):
    """A setting is locked by the organisation's policy and cannot be changed here."""

    def __init__(self, key: str, policy_file: str) -> None:
        self.key = key
        self.policy_file = policy_file
        super().__init__(
            f"{format_key(key)} is set by your organisation ({policy_file}) and is locked"
        )


class IllegalCommand(PostureGuardError):
    """A timer command is not allowed in the current state; nothing changed."""


class IdleSourceUnavailable(PostureGuardError):
    """An idle source cannot work here; the message says why (e.g. "no DISPLAY set")."""


class ControlError(PostureGuardError):
    """The control channel to the running service failed (none running, bad reply...)."""


def format_key(dotted: str) -> str:
    """``breaks.stretch.every`` -> ``[breaks.stretch] every``; a bare key stays as it is."""
    section, _, leaf = dotted.rpartition(".")
    return f"[{section}] {leaf}" if section else leaf


def format_value(value: object) -> str:
    """A value as TOML would spell it, for messages."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{...}"
    return str(value)
