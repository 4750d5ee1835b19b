"""Settings: built-in defaults < system policy < user file, with keys the policy can lock.

Rule 1: loading is pure. `load()` reads and validates; it never writes, repairs or migrates.
Rule 2: every problem names the file, the key, what was expected and what was got.
Rule 3: a bad value is reported and that value alone is dropped; the layers below still apply.
Rule 4: a key the policy locks cannot be changed by the user layer; trying is reported.
Rule 5: the policy layer may come from several sources (files, the Windows registry, macOS
        managed preferences), highest precedence first; for each key the first source that sets
        it wins, and the locks of every source add up. `branding.*` and `fleet.*` can only be set
        by the policy: they are the organisation's, never the user's.
Rule 6: the words of a problem are in the language in use (core/i18n.py `_`), worded when a file
        is read, never at import; the file, the key and the value are data, shown as written.
"""

from __future__ import annotations

import dataclasses
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from enum import Enum
from pathlib import Path
from typing import Final

from posture_guard.core import clinic
from posture_guard.core.brand_colours import is_colour
from posture_guard.core.content import Invalid, Key, Refusal, Refuse, Schema, parse_toml
from posture_guard.core.errors import (
    ConfigError,
    PolicyLockedError,
    PostureGuardError,
    format_key,
    format_value,
)
from posture_guard.core.i18n import N_, _
from posture_guard.core.settings import (
    BREAK_KINDS,
    BREAK_TITLES,
    DAY_NAMES,
    Branding,
    BreakSpec,
    Controls,
    Fleet,
    Settings,
    TimerSettings,
    WorkingHours,
)
from posture_guard.core.units import (
    CLOCK_EXPECTED,
    DURATION_EXPECTED,
    format_duration,
    parse_clock,
    parse_duration,
)


class Layer(Enum):
    """Where a value came from, lowest first."""

    BUILT_IN = "built-in"
    POLICY = "policy"
    USER = "user"


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Which layer set a key's effective value, from which file, and whether it is locked."""

    layer: Layer
    file: str
    locked: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A problem found while loading; errors drop the value, warnings only report."""

    message: str
    is_error: bool
    #: Whose file it is in (POLICY: the organisation's; USER: the person's own, which they can
    #: fix), so callers tell them apart from one load.
    layer: Layer
    #: The dotted key it is about (the settings window shows it beside that key's field);
    #: None for the file as a whole (unreadable, not TOML).
    key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Loaded:
    """The result of `load`: settings, each key's raw effective value and origin, and problems."""

    settings: Settings
    values: Mapping[str, object]
    origins: Mapping[str, Origin]
    problems: tuple[Problem, ...]
    policy_file: str
    #: For each locked key, the policy source that locked it (a file, registry key or plist).
    locked_by: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    def locked(self, key: str) -> bool:
        """True when the policy locks `key` (a full dotted key)."""
        return self.origins[key].locked

    def require_unlocked(self, key: str) -> None:
        """Raise PolicyLockedError when the policy locks `key`."""
        if self.locked(key):
            raise PolicyLockedError(key, self.locked_by.get(key, self.policy_file))


# --- value types ---------------------------------------------------------------------------


def _duration(minimum: int) -> Callable[[object], object]:
    def check(raw: object) -> object:
        if not isinstance(raw, str):
            raise ValueError(_(DURATION_EXPECTED))
        try:
            seconds = parse_duration(raw)
        except ValueError:
            raise ValueError(_(DURATION_EXPECTED)) from None
        if seconds < minimum:
            raise ValueError(
                # Translators: {duration} is a duration as written in the file ("1m", "10s")
                _("expected a duration of at least {duration}").format(
                    duration=format_duration(minimum)
                )
            )
        return seconds

    return check


def _off_or_duration_expected() -> str:
    # Translators: "off" is a value typed in the file, keep it as written
    return _('expected "off" or a duration like "8h"')


def _off_or_duration(raw: object) -> object:
    if raw == "off":
        return None
    if not isinstance(raw, str):
        raise ValueError(_off_or_duration_expected())
    try:
        return _duration(60)(raw)
    except ValueError:
        raise ValueError(_off_or_duration_expected()) from None


def _count_or_unlimited(raw: object) -> object:
    if raw == "unlimited":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        # Translators: "unlimited" is a value typed in the file, keep it as written
        raise ValueError(_('expected a whole number of 0 or more, or "unlimited"'))
    return raw


def _boolean(raw: object) -> object:
    if not isinstance(raw, bool):
        # Translators: true and false are the values typed in the file, keep them as written
        raise ValueError(_("expected true or false"))
    return raw


def _clock(allow_24: bool) -> Callable[[object], object]:
    def check(raw: object) -> object:
        if not isinstance(raw, str):
            raise ValueError(_(CLOCK_EXPECTED))
        try:
            return parse_clock(raw, allow_24=allow_24)
        except ValueError:
            raise ValueError(_(CLOCK_EXPECTED)) from None

    return check


def _days(raw: object) -> object:
    # Translators: the days in brackets are values typed in the file, keep them as written
    expected = _('expected a list of days like ["mon", "tue", "wed", "thu", "fri"]')
    if not isinstance(raw, list) or not all(isinstance(d, str) for d in raw):
        raise ValueError(expected)
    names = [d.lower() for d in raw]
    if not names or any(d not in DAY_NAMES for d in names):
        raise ValueError(expected)
    return frozenset(DAY_NAMES.index(d) for d in names)


def _hours_expected() -> str:
    # Translators: the text in double quotes is a value typed in the file, keep it as written
    return _('expected time ranges like "09:00-12:00, 13:00-17:30" (24:00 ends the day), or ""')


def _hours(raw: object) -> object:
    """`[working_hours] hours`: "" (start and end say it), or ranges in a string separated by
    commas or in a list; each starts before it ends, and none overlaps another."""
    if raw in ("", []):
        return None
    if isinstance(raw, str):
        parts = [p.strip() for p in raw.split(",")]
    elif isinstance(raw, list) and all(isinstance(p, str) for p in raw):
        parts = [p.strip() for p in raw]
    else:
        raise ValueError(_hours_expected())
    ranges: list[tuple[time, time, str]] = []
    for part in parts:
        first, dash, second = part.partition("-")
        if not dash:
            raise ValueError(_hours_expected())
        try:
            start = parse_clock(first, allow_24=False)
            end = parse_clock(second, allow_24=True)
        except ValueError:
            # Translators: {range} is one range from the file, as written ("09:00-25:00")
            raise ValueError(
                _("expected times from 00:00 to 24:00 in each range; {range} is not").format(
                    range=format_value(part)
                )
            ) from None
        if end <= start:
            # Translators: {range} is one range from the file, as written ("17:00-09:00")
            raise ValueError(
                _("expected each range to end after it starts; {range} does not").format(
                    range=format_value(part)
                )
            )
        ranges.append((start, end, part))
    ranges.sort()
    for index in range(1, len(ranges)):
        (_start1, end1, text1), (start2, _end2, text2) = ranges[index - 1], ranges[index]
        if start2 < end1:
            # Translators: {first} and {second} are ranges from the file, as written
            raise ValueError(
                _("expected ranges that do not overlap; {first} and {second} do").format(
                    first=format_value(text1), second=format_value(text2)
                )
            )
    return tuple((start, end) for start, end, _text in ranges)


def _text(max_chars: int, what: str) -> Callable[[object], object]:
    def check(raw: object) -> object:
        # Translators: {what} says what the text is ("the organisation's name"); "" is an empty
        # value as typed in the file
        expected = _('expected {what}: text of at most {max_chars} characters, or "" for none')
        expected = expected.format(what=_(what), max_chars=max_chars)
        if not isinstance(raw, str) or len(raw) > max_chars:
            raise ValueError(expected)
        if any(ord(ch) < 32 and ch != "\n" for ch in raw):
            raise ValueError(expected)
        return raw.strip() or None

    return check


def _colour(raw: object) -> object:
    if raw == "":
        return None
    if not isinstance(raw, str) or not is_colour(raw):
        raise ValueError(
            _('expected a colour like "#1a73e8" (# and six hex digits), or "" for none')
        )
    return raw.lower()


_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


def _png_file(raw: object) -> object:
    expected = _('expected the absolute path of a PNG file, or "" for none')
    if raw == "":
        return None
    if not isinstance(raw, str) or not Path(raw).is_absolute():
        raise ValueError(expected)
    try:
        with Path(raw).open("rb") as handle:
            head = handle.read(len(_PNG_SIGNATURE))
    except OSError as exc:
        # Translators: {expected} is the sentence above ("expected the absolute path..."),
        # {reason} the system's reason
        raise ValueError(
            _("{expected}; it cannot be read: {reason}").format(
                expected=expected, reason=exc.strerror or exc
            )
        ) from None
    if head != _PNG_SIGNATURE:
        raise ValueError(_("{expected}; this file is not a PNG image").format(expected=expected))
    return Path(raw)


def _directory(raw: object) -> object:
    if raw == "":
        return None
    if not isinstance(raw, str) or not Path(raw).is_absolute():
        raise ValueError(_('expected the absolute path of a directory, or "" for none'))
    return Path(raw)


_LABEL_RE: Final = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _label(raw: object) -> object:
    if raw == "":
        return None
    if not isinstance(raw, str) or not _LABEL_RE.fullmatch(raw):
        raise ValueError(
            _('expected a group name of 1-64 letters, digits, "_", "-" or ".", or "" for none')
        )
    return raw


def _clinic_field(key: str) -> Callable[[object], object]:
    def check(raw: object) -> object:
        if raw == "":
            return None
        if not isinstance(raw, str):
            raise ValueError(_(clinic.EXPECTED[key]))
        problem = clinic.value_problem(key, raw)  # a booking link: https:// only
        if problem is not None:
            raise ValueError(_(problem))
        return raw

    return check


_LANGUAGE_RE: Final = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")


def _language(raw: object) -> object:
    if raw == "auto":
        return None
    if not isinstance(raw, str) or not _LANGUAGE_RE.match(raw):
        raise ValueError(
            # Translators: "auto" is a value typed in the file, keep it as written
            _('expected "auto" (the desktop\'s language) or a language code like "de" or "hi"')
        )
    return raw


_SCHEMA: Final[Mapping[str, Callable[[object], object]]] = {
    "general.idle_threshold": _duration(1),
    "general.suspend_gap": _duration(60),
    "general.day_starts_at": _clock(False),
    "general.daily_limit": _off_or_duration,
    "general.snooze": _duration(10),
    "general.max_snoozes": _count_or_unlimited,
    "general.max_skips_in_row": _count_or_unlimited,
    "general.max_skips_per_day": _count_or_unlimited,
    "general.busy_max_wait": _off_or_duration,
    "general.language": _language,
    **{
        f"breaks.{kind}.{leaf}": check
        for kind in BREAK_KINDS
        for leaf, check in (
            ("enabled", _boolean),
            ("every", _duration(10)),
            ("length", _duration(5)),
        )
    },
    "working_hours.days": _days,
    "working_hours.start": _clock(False),
    "working_hours.end": _clock(True),
    "working_hours.hours": _hours,
    **{f"working_hours.{day}": _hours for day in DAY_NAMES},
    "controls.snooze": _boolean,
    "controls.skip": _boolean,
    "controls.pause": _boolean,
    "controls.quit": _boolean,
    "sound.enabled": _boolean,
    "notifications.enabled": _boolean,
    "branding.organisation": _text(100, N_("the organisation's name")),
    "branding.accent_colour": _colour,
    "branding.logo": _png_file,
    "branding.support_contact": _text(200, N_("who to ask for help (an address, a phone, a page)")),
    "branding.welcome": _text(500, N_("a short welcome")),
    "branding.clinic.name": _clinic_field("name"),
    "branding.clinic.booking_url": _clinic_field("booking_url"),
    "branding.clinic.phone": _clinic_field("phone"),
    "branding.clinic.opening_hours": _clinic_field("opening_hours"),
    "fleet.enabled": _boolean,
    "fleet.directory": _directory,
    "fleet.team": _label,
}

#: The keys that say the working hours' times: a lock on one locks them all, so a locked
#: start and end cannot be escaped by setting `hours` or one day's hours (or the other way
#: round).
HOURS_KEYS: Final = (
    "working_hours.start",
    "working_hours.end",
    "working_hours.hours",
    *(f"working_hours.{day}" for day in DAY_NAMES),
)

#: Sections only the organisation's policy can set (Rule 5).
POLICY_ONLY: Final = ("branding", "fleet")

KEYS: Final = tuple(_SCHEMA)

#: A settings file as the shared table reader sees it: flat dotted keys, every one optional.
_SETTINGS: Final = Schema(
    keys=tuple(Key(key, check, required=False) for key, check in _SCHEMA.items()),
    unknown=N_("unknown setting (see `posture-guard config show` for the known ones)"),
)


def value_problem(key: str, raw: object) -> str | None:
    """None when `raw` is a good value for the dotted `key` on its own, else what was expected.

    Raises:
        KeyError: `key` is not a setting.
    """
    try:
        _SCHEMA[key](raw)
    except ValueError as exc:
        return str(exc)
    return None


_POLICY_LOCK_KEY: Final = "policy.lock"
#: `[policy] allow_override = true`: POSTURE_GUARD_POLICY and POSTURE_GUARD_ROOT may replace
#: this system policy (desktop/paths.py decides; here it is only checked).
POLICY_ALLOW_OVERRIDE_KEY: Final = "policy.allow_override"


# --- reading one layer ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LayerData:
    layer: Layer
    file: str
    raw: dict[str, object]  # dotted key -> value as written
    parsed: dict[str, object]  # dotted key -> checked value
    locks: frozenset[str]


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterable[tuple[str, object]]:
    """Yield (dotted key, value) for every leaf, so unknown tables are reported by their keys."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _read_layer(
    layer: Layer, path: Path | str | None, text: str | None, problems: list[Problem]
) -> _LayerData:
    file = str(path) if path is not None else "defaults.toml"
    empty = _LayerData(layer, file, {}, {}, frozenset())
    if text is None:
        return empty
    try:
        document = parse_toml(text)
    except Invalid as exc:
        problems.append(Problem(message=f"{file}: {exc}", is_error=True, layer=layer))
        return empty
    return _check_document(layer, file, document, problems)


def _in_settings(file: str) -> Refuse:
    """Refusals as ConfigError of `file`: ``config.toml: [breaks.stretch] every = ...``."""

    def refuse(refusal: Refusal) -> PostureGuardError:
        return ConfigError(file, refusal.key, refusal.expected, refusal.got)

    return refuse


def _check_document(
    layer: Layer, file: str, document: Mapping[str, object], problems: list[Problem]
) -> _LayerData:
    """Every value of one layer on its own (Rule 3): each problem is reported, and only that
    value is dropped."""
    raw: dict[str, object] = {}
    parsed: dict[str, object] = {}
    locks: set[str] = set()
    refuse = _in_settings(file)
    for key, value in _flatten(document):
        if key == _POLICY_LOCK_KEY and layer is Layer.POLICY:
            locks.update(_read_locks(file, value, problems))
            continue
        if key == POLICY_ALLOW_OVERRIDE_KEY and layer is Layer.POLICY:
            if not isinstance(value, bool):  # read by desktop/paths.py, before any layer
                message = ConfigError(file, key, _("expected true or false"), value)
                problems.append(Problem(message=str(message), is_error=True, layer=layer, key=key))
            continue
        try:
            if key.startswith("policy."):
                expected = _("only the organisation's policy file can lock settings")
                raise ConfigError(file, key, expected, value)
            if layer is Layer.USER and key in _SCHEMA and key.split(".")[0] in POLICY_ONLY:
                expected = _("only the organisation's policy can set this")
                raise ConfigError(file, key, expected, value)
            parsed[key] = _SETTINGS.value(key, value, refuse)
        except ConfigError as exc:
            problems.append(Problem(message=str(exc), is_error=True, layer=layer, key=exc.key))
            continue
        raw[key] = value
    return _LayerData(layer, file, raw, parsed, frozenset(locks))


def _read_locks(file: str, value: object, problems: list[Problem]) -> set[str]:
    expected = _(
        'expected a list of setting names like ["breaks.movement", "general.max_skips_in_row"]'
    )
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(
            Problem(
                message=str(ConfigError(file, _POLICY_LOCK_KEY, expected, value)),
                is_error=True,
                layer=Layer.POLICY,
            )
        )
        return set()
    locked: set[str] = set()
    for name in value:
        matches = {k for k in _SCHEMA if k == name or k.startswith(f"{name}.")}
        if not matches:
            problems.append(
                Problem(
                    message=str(
                        ConfigError(
                            file,
                            _POLICY_LOCK_KEY,
                            # Translators: {name} is a name from the file, as written
                            _("{name} is not a setting or section").format(name=repr(name)),
                            value,
                        )
                    ),
                    is_error=True,
                    layer=Layer.POLICY,
                )
            )
        locked |= matches
    return locked


#: The largest settings file read; a larger one is a mistake (a log or a disk image in its place).
MAX_FILE_BYTES: Final = 1024 * 1024


def _read_text(path: Path | None, layer: Layer, problems: list[Problem]) -> str | None:
    """The file's text; None when it is absent (an absent layer) or cannot be read as a settings
    file (then one line in `problems` names the file, what was expected and what was got). A
    link is followed to a regular file; anything else (a folder, a pipe, a device, a link to
    nothing) is never opened, so reading cannot block or run away."""
    if path is None:
        return None

    def problem(got: str) -> None:
        # Translators: {file} is a file's path; {got} says what is there instead ("a directory")
        message = _("{file}: expected a settings file (UTF-8 TOML text), got {got}")
        problems.append(
            Problem(message=message.format(file=path, got=got), is_error=True, layer=layer)
        )

    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            # Translators: {target} is where the link points, as the file system says it
            problem(_("a link to {target}, which does not exist").format(target=_link(path)))
        return None
    except OSError as exc:
        problem(_("an error: {reason}").format(reason=exc.strerror or exc))
        return None
    if stat.S_ISDIR(info.st_mode):
        problem(_("a directory"))
        return None
    if not stat.S_ISREG(info.st_mode):
        problem(_("something that is not a regular file (a pipe, a device or a socket)"))
        return None
    if info.st_size > MAX_FILE_BYTES:
        problem(_("{size} bytes (at most 1 MiB is read)").format(size=info.st_size))
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem(_("an error: {reason}").format(reason=exc.strerror or exc))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Translators: {line} is a line number of the file, {byte} a byte value like 0xff
        problem(
            _("the byte {byte} on line {line}, which is not UTF-8").format(
                byte=f"0x{data[exc.start]:02x}", line=line
            )
        )
        return None


def _link(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return "?"


def builtin_text() -> str:
    """The built-in defaults file shipped in the package."""
    # a plain path, not importlib.resources: that pulls in tempfile, shutil, bz2 and lzma
    # (about 1 MiB resident in the running service); the package is always unpacked files
    return (Path(__file__).parents[1] / "content" / "defaults.toml").read_text(encoding="utf-8")


# --- combining -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySource:
    """One source of managed policy: a TOML file (`path`), or a document already read from the
    Windows registry or a macOS plist (`document`, shaped like the TOML). `name` is what
    messages and `config show` call it."""

    name: str
    path: Path | None = None
    text: str | None = None  # TOML already read
    document: Mapping[str, object] | None = None
    error: str | None = None  # the source exists but could not be read as its format


def file_source(path: Path) -> PolicySource:
    """A policy TOML file as a source."""
    return PolicySource(name=str(path), path=path)


def load(
    user_file: Path | None,
    policy_file: Path | None = None,
    *,
    policies: Sequence[PolicySource] | None = None,
    user_text: str | None = None,
) -> Loaded:
    """Read and validate defaults < policy < user file. Missing files are simply absent layers.

    Args:
        policies: the policy sources, highest precedence first (Rule 5); default: just
            `policy_file`, when given.
        user_text: the user file's text as it would be (the settings window checks what it
            is about to write, exactly as `config check` would read it); None: read the file.

    Never raises for bad content: every problem is in `Loaded.problems`, and a dropped value
    falls back to the layer below. Writes nothing.
    """
    problems: list[Problem] = []
    builtin = _read_layer(Layer.BUILT_IN, None, builtin_text(), problems)
    if problems:  # a broken package, not a user mistake
        raise AssertionError(f"built-in defaults are invalid: {problems}")
    if policies is None:
        policies = [file_source(policy_file)] if policy_file is not None else []
    policy, locked_by, present = _read_policies(policies, problems)
    if user_text is None:
        user_text = _read_text(user_file, Layer.USER, problems)
    user = _read_layer(Layer.USER, user_file, user_text, problems)

    values: dict[str, object] = {}
    raw_values: dict[str, object] = {}
    origins: dict[str, Origin] = {}
    for key in KEYS:
        locked = key in policy.locks
        for data in (user, policy, builtin):
            if key not in data.parsed:
                continue
            if data is user and locked:
                # Translators: {key} is a setting as written ("[controls] skip"), {policy} the
                # policy file or registry key that locks it
                words = _(
                    "ignored, because it is set by your organisation ({policy}) and is locked"
                )
                message = f"{user.file}: {format_key(key)}: " + words.format(policy=locked_by[key])
                problems.append(Problem(message=message, is_error=False, layer=Layer.USER, key=key))
                continue
            values[key] = data.parsed[key]
            raw_values[key] = data.raw[key]
            file = policy.sources.get(key, data.file) if data is policy else data.file
            origins[key] = Origin(layer=data.layer, file=file, locked=locked)
            break

    cross = _cross_check(values, raw_values, origins)
    for keys, problem in cross:
        problems.append(problem)
        for key in keys:  # an inconsistent pair falls back to the built-in values, but a
            if origins[key].locked:  # locked value stays: the organisation's word is final
                continue
            values[key], raw_values[key] = builtin.parsed[key], builtin.raw[key]
            origins[key] = Origin(
                layer=Layer.BUILT_IN, file=builtin.file, locked=origins[key].locked
            )
    return Loaded(
        settings=_build(values, frozenset(policy.locks), origins),
        values=raw_values,
        origins=origins,
        problems=tuple(problems),
        policy_file=present[0] if present else "",
        locked_by=locked_by,
    )


@dataclass(frozen=True, slots=True)
class _PolicyLayer:
    """The policy sources merged: `_LayerData` plus the source of each key's value."""

    file: str
    layer: Layer
    raw: dict[str, object]
    parsed: dict[str, object]
    locks: frozenset[str]
    sources: dict[str, str]


def _read_policies(
    policies: Sequence[PolicySource], problems: list[Problem]
) -> tuple[_PolicyLayer, dict[str, str], list[str]]:
    """Merge the policy sources (Rule 5): returns the layer, key -> locking source, and the
    names of the sources that exist."""
    raw: dict[str, object] = {}
    parsed: dict[str, object] = {}
    sources: dict[str, str] = {}
    locked_by: dict[str, str] = {}
    present: list[str] = []
    for source in policies:
        if source.error is not None:
            problems.append(Problem(message=source.error, is_error=True, layer=Layer.POLICY))
            present.append(source.name)
            continue
        if source.document is not None:
            data = _check_document(Layer.POLICY, source.name, source.document, problems)
        else:
            text = (
                source.text
                if source.text is not None
                else _read_text(source.path, Layer.POLICY, problems)
            )
            if text is None:
                continue
            data = _read_layer(Layer.POLICY, source.name, text, problems)
        present.append(source.name)
        for key, value in data.parsed.items():
            if key not in parsed:
                parsed[key], raw[key], sources[key] = value, data.raw[key], source.name
        for key in data.locks:
            locked_by.setdefault(key, source.name)
    hours_lock = next((locked_by[k] for k in HOURS_KEYS if k in locked_by), None)
    if hours_lock is not None:
        for key in HOURS_KEYS:
            locked_by.setdefault(key, hours_lock)
    layer = _PolicyLayer(
        present[0] if present else "", Layer.POLICY, raw, parsed, frozenset(locked_by), sources
    )
    return layer, locked_by, present


def _blame(error: ConfigError, origin: Origin) -> Problem:
    """A rule between keys broken: an error of the layer that set the key it names."""
    return Problem(message=str(error), is_error=True, layer=origin.layer, key=error.key)


def _cross_check(
    values: Mapping[str, object], raw: Mapping[str, object], origins: Mapping[str, Origin]
) -> list[tuple[tuple[str, ...], Problem]]:
    """Rules between keys: a break shorter than its interval; working hours not empty."""
    found: list[tuple[tuple[str, ...], Problem]] = []

    rank = {Layer.BUILT_IN: 0, Layer.POLICY: 1, Layer.USER: 2}

    def report(pair: tuple[str, str], expected: tuple[str, str]) -> None:
        # blame the key set in the highest layer: that is the file to change
        index = 1 if rank[origins[pair[1]].layer] > rank[origins[pair[0]].layer] else 0
        key = pair[index]
        error = ConfigError(origins[key].file, key, expected[index], raw[key])
        found.append((pair, _blame(error, origins[key])))

    for kind in BREAK_KINDS:
        every, length = f"breaks.{kind}.every", f"breaks.{kind}.length"
        if _int(values[length]) >= _int(values[every]):
            report(
                (length, every),
                (
                    # Translators: {key} is a setting as written ("[breaks.stretch] every"),
                    # {value} its value ("45m")
                    _("expected shorter than {key} ({value})").format(
                        key=format_key(every), value=format_value(raw[every])
                    ),
                    _("expected longer than {key} ({value})").format(
                        key=format_key(length), value=format_value(raw[length])
                    ),
                ),
            )
    clinic_keys = tuple(f"branding.clinic.{k}" for k in ("name", "booking_url", "phone"))
    name, url, phone = (values[k] for k in clinic_keys)
    if name is None and (url is not None or phone is not None):
        key = clinic_keys[1] if url is not None else clinic_keys[2]
        expected = _("expected [branding.clinic] name too")
        error = ConfigError(origins[key].file, key, expected, raw[key])
        found.append((clinic_keys, _blame(error, origins[key])))
    elif name is not None and url is None and phone is None:
        key = clinic_keys[0]
        expected = _("expected [branding.clinic] booking_url or phone with the name")
        error = ConfigError(origins[key].file, key, expected, raw[key])
        found.append((clinic_keys, _blame(error, origins[key])))
    if values["fleet.enabled"] and values["fleet.directory"] is None:
        key = "fleet.enabled"
        expected = _("expected [fleet] directory to be set too (fleet figures stay off)")
        error = ConfigError(origins[key].file, key, expected, raw[key])
        found.append(((key,), _blame(error, origins[key])))
    if values["working_hours.start"] == values["working_hours.end"]:
        report(
            ("working_hours.end", "working_hours.start"),
            (
                _("expected a different time from [working_hours] start"),
                _("expected a different time from [working_hours] end"),
            ),
        )
    return found


_RANK: Final[Mapping[Layer, int]] = {Layer.BUILT_IN: 0, Layer.POLICY: 1, Layer.USER: 2}


def _hours_win(origins: Mapping[str, Origin]) -> bool:
    """Whether `[working_hours] hours` (when set) says the times rather than start and end:
    the words of the highest layer win, so an old file's start and end still beat the
    organisation's `hours` (unless locked: the three lock together, HOURS_KEYS)."""
    rank = _RANK[origins["working_hours.hours"].layer]
    return all(rank >= _RANK[origins[k].layer] for k in HOURS_KEYS[:2])


def _day_wins(origins: Mapping[str, Origin], key: str, usual: Sequence[str]) -> bool:
    """Whether a day's own hours (`key`, set) replace the usual ones that day: set in a layer
    at least as high as the keys that say the usual hours (`usual`), as with `_hours_win`."""
    rank = _RANK[origins[key].layer]
    return all(rank >= _RANK[origins[k].layer] for k in usual)


def _build(
    values: Mapping[str, object], locked: frozenset[str], origins: Mapping[str, Origin]
) -> Settings:
    breaks = [
        BreakSpec(
            kind=kind,
            title=BREAK_TITLES[kind],
            every_s=_int(values[f"breaks.{kind}.every"]),
            length_s=_int(values[f"breaks.{kind}.length"]),
        )
        for kind in BREAK_KINDS
        if values[f"breaks.{kind}.enabled"]
    ]
    breaks.sort(key=lambda b: (b.length_s, b.every_s))
    days = values["working_hours.days"]
    assert isinstance(days, frozenset)
    start, end = _time(values["working_hours.start"]), _time(values["working_hours.end"])
    more: tuple[tuple[time, time], ...] = ()
    ranges = values["working_hours.hours"]
    usual = HOURS_KEYS[:2]
    if ranges is not None and _hours_win(origins):
        assert isinstance(ranges, tuple)
        (start, end), *rest = ranges
        more = tuple(rest)
        usual = ("working_hours.hours",)
    by_day = []
    for index, day in enumerate(DAY_NAMES):
        own = values[f"working_hours.{day}"]
        if own is not None and _day_wins(origins, f"working_hours.{day}", usual):
            assert isinstance(own, tuple)
            by_day.append((index, own))
    timer = TimerSettings(
        breaks=tuple(breaks),
        idle_threshold_s=_int(values["general.idle_threshold"]),
        suspend_gap_s=_int(values["general.suspend_gap"]),
        day_starts_at=_time(values["general.day_starts_at"]),
        daily_limit_s=_opt_int(values["general.daily_limit"]),
        snooze_s=_int(values["general.snooze"]),
        max_snoozes=_opt_int(values["general.max_snoozes"]),
        max_skips_in_row=_opt_int(values["general.max_skips_in_row"]),
        busy_max_wait_s=_opt_int(values["general.busy_max_wait"]),
        working_hours=WorkingHours(
            days=frozenset(int(d) for d in days),
            start=start,
            end=end,
            more=more,
            by_day=tuple(by_day),
        ),
        max_skips_per_day=_opt_int(values["general.max_skips_per_day"]),
    )
    org_clinic = None
    if values["branding.clinic.name"] is not None:
        org_clinic = clinic.ClinicProfile(
            name=_str(values["branding.clinic.name"]),
            booking_url=_opt_str(values["branding.clinic.booking_url"]),
            phone=_opt_str(values["branding.clinic.phone"]),
            opening_hours=_opt_str(values["branding.clinic.opening_hours"]),
        )
    logo, directory = values["branding.logo"], values["fleet.directory"]
    assert logo is None or isinstance(logo, Path)
    assert directory is None or isinstance(directory, Path)
    return Settings(
        timer=timer,
        controls=Controls(
            snooze=bool(values["controls.snooze"]),
            skip=bool(values["controls.skip"]),
            pause=bool(values["controls.pause"]),
            quit=bool(values["controls.quit"]),
        ),
        branding=Branding(
            organisation=_opt_str(values["branding.organisation"]),
            accent_colour=_opt_str(values["branding.accent_colour"]),
            logo=logo,
            support_contact=_opt_str(values["branding.support_contact"]),
            welcome=_opt_str(values["branding.welcome"]),
            clinic=org_clinic,
        ),
        fleet=Fleet(
            directory=directory if values["fleet.enabled"] else None,
            team=_opt_str(values["fleet.team"]),
        ),
        locked=locked,
        language=_opt_str(values["general.language"]),
        sound=bool(values["sound.enabled"]),
        notifications=bool(values["notifications.enabled"]),
    )


def _str(value: object) -> str:
    assert isinstance(value, str)
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _opt_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _time(value: object) -> time:
    assert isinstance(value, time)
    return value


def defaults() -> Settings:
    """The built-in settings alone."""
    return load(None, None).settings
