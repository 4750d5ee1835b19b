"""The one exception tree. Every message names what was wrong and what was expected."""

from __future__ import annotations

import unicodedata
from typing import Final

from posture_guard.core.i18n import _


class PostureGuardError(Exception):
    """Base of every error this package raises on purpose; anything else is a bug."""


class ConfigError(PostureGuardError):
    """A configuration value is wrong: names the file, key, expected form and what was got.

    `expected` is in the language in use (the caller translates it where it words it); the file,
    the key and the value are data and stay as written. Renders as ``config.toml: [breaks.stretch] every = "90x": expected a duration like
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
            # Translators: {key} is a setting as written in the file ("[controls] skip"),
            # {file} the policy file or registry key that locks it
            _("{key} is set by your organisation ({file}) and is locked").format(
                key=format_key(key), file=policy_file
            )
        )


class IllegalCommand(PostureGuardError):
    """A timer command is not allowed in the current state; nothing changed."""


class UnknownCommand(PostureGuardError):
    """A control request names no command the service knows; the message names it."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown command {name!r}")


class InvalidCommand(PostureGuardError):
    """A service command's arguments are wrong (a duration out of range, an unreadable field);
    it did not run. The message is the refusal as people read it (core/refusals.py)."""


class StoreError(PostureGuardError):
    """The database cannot be opened, read or written; the message names the file and why.

    `fault` says what is wrong where it is known: "read-only" or "full" (the storage; the
    database may still be read), "missing", "not ours", "newer" (app/store.py names them).
    """

    def __init__(self, message: str, *, fault: str | None = None) -> None:
        super().__init__(message)
        self.fault = fault


class IdleSourceUnavailable(PostureGuardError):
    """An idle source cannot work here; the message says why (e.g. "no DISPLAY set")."""


class BusySourceUnavailable(PostureGuardError):
    """A busy source cannot work here; the message says why (e.g. "no DISPLAY set")."""


class AutostartError(PostureGuardError):
    """The login item cannot be written or removed; the message names the file or key."""


class ControlError(PostureGuardError):
    """The control channel to the running service failed (none running, bad reply...)."""


def format_key(dotted: str) -> str:
    """``breaks.stretch.every`` -> ``[breaks.stretch] every``; a bare key stays as it is."""
    section, _, leaf = dotted.rpartition(".")
    return f"[{section}] {leaf}" if section else leaf


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with control and format characters (escape sequences, bidi overrides) spelled
    out as \\x1b or \\u202e, so printing it cannot move the cursor, recolour or reorder the
    terminal. Newlines stay when `keep_newlines`."""
    out = []
    for ch in text:
        if (
            (ch == "\n" and keep_newlines)
            or ch in _JOINERS
            or unicodedata.category(ch) not in _UNSAFE_CATEGORIES
        ):
            out.append(ch)
        elif ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT_ESCAPES: Final = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
#: Format characters that only join letters or emoji; harmless, and escaping them mangles text.
_JOINERS: Final = frozenset({"\u200c", "\u200d"})


def format_value(value: object) -> str:
    """A value as TOML would spell it, for messages (terminal-safe)."""
    if isinstance(value, str):
        return '"' + terminal_safe(value.replace("\\", "\\\\").replace('"', '\\"')) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{...}"
    return str(value)


class _Missing:
    """The type of MISSING: a key that is absent, as opposed to any value it could hold."""

    def __repr__(self) -> str:
        return "MISSING"


#: Passed as `got` when a required key is absent; the message then says "KEY is missing".
MISSING = _Missing()


def _key_and_value(key: str, got: object) -> str:
    if got is MISSING:
        # Translators: {key} is a key of a file as written ("booking_url"), left as it is
        return _("{key} is missing").format(key=key)
    return f"{key} = {format_value(got)}"


class ContentError(PostureGuardError):
    """The package's content (exercises.toml, sources.toml...) is wrong; a bug in the package.

    Names the file, the entry, the key, what was expected and what was got. Renders as
    ``exercises.toml: exercise "neck-turn": sources = ["nope"]: expected ids from sources.toml;
    unknown: "nope"``. With no key, the message is about the whole entry or file:
    ``exercises.toml: not valid TOML: ...``.
    """

    def __init__(
        self, file: str, entry: str, key: str, expected: str, got: object = MISSING
    ) -> None:
        self.file = file
        self.entry = entry
        self.key = key
        self.expected = expected
        self.got = got
        parts = [file]
        if entry:
            parts.append(entry)
        if key:
            parts.append(_key_and_value(key, got))
        parts.append(expected)
        super().__init__(": ".join(parts))


class ClinicError(PostureGuardError):
    """A clinic profile or clinic file is wrong: names the file, key, expected form and got.

    Renders as ``clinic.toml: [clinic] booking_url = "ftp://x": expected a web address starting
    with https:// or http://``. `file` is empty for a profile typed in rather than read from a
    file; `key` is empty for a problem with the whole file. `expected` is shown in the language
    in use (the clinic's wordings are marked N_ in core/clinic.py).
    """

    def __init__(self, file: str, key: str, expected: str, got: object = MISSING) -> None:
        self.file = file
        self.key = key
        self.expected = expected = _(expected)
        self.got = got
        parts = [file] if file else []
        if key:
            parts.append(_key_and_value(format_key(key), got))
        parts.append(expected)
        super().__init__(": ".join(parts))


class PackError(ClinicError):
    """A clinic's pack is wrong (core/pack.py): names the file, the key as written, what was
    expected and what was got, as ClinicError does; the key is shown as given
    (``pictures/a.png``, ``[exercise "nod"] picture``), never split at its dots."""

    def __init__(self, file: str, key: str, expected: str, got: object = MISSING) -> None:
        self.file = file
        self.key = key
        self.expected = expected = _(expected)
        self.got = got
        parts = [file] if file else []
        if key:
            parts.append(_key_and_value(key, got))
        parts.append(expected)
        PostureGuardError.__init__(self, ": ".join(parts))


class DiaryError(PostureGuardError):
    """A diary value (episode, update, check-in) is wrong, or a diary change is not allowed.

    Nothing changed. The subclasses say which.
    """


class DiaryValueError(DiaryError):
    """One field of a diary value is wrong: names the field, what was expected and what was got.

    Renders as ``pain = 11: expected a whole number from 0 (no pain) to 10 (worst imaginable)``;
    `shown` replaces the value's spelling (a time, a long note's length); `where` names the
    record it was read from: ``episode record: updates[2].pain = 11: expected ...``.
    """

    def __init__(
        self,
        field: str,
        expected: str,
        got: object,
        *,
        shown: str | None = None,
        where: str | None = None,
    ) -> None:
        self.field = field
        self.expected = expected
        self.got = got
        self.shown = shown
        self.where = where
        head = _key_and_value(field, got) if shown is None else f"{field} = {shown}"
        super().__init__(f"{where}: {head}: {expected}" if where else f"{head}: {expected}")

    def within(self, where: str, prefix: str = "") -> DiaryValueError:
        """The same error, said of a field of the record `where` (its name prefixed)."""
        return DiaryValueError(
            prefix + self.field, self.expected, self.got, shown=self.shown, where=where
        )


class IllegalEpisodeChange(DiaryError):
    """An episode can't be started, updated or ended now (one is open, it has ended...).

    Nothing changed; the message says why.
    """
