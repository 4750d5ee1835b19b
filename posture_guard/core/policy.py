"""The organisation's side: policy sources read into documents, locks, branding and first-run words.

Rule 1: pure. Every reader takes the bytes someone else read (a `reg export` file, a plist, a
        .mobileconfig) and returns a document shaped like the TOML policy, which `config.load`
        validates like any other layer. The only reading of the world is `check_policy_file`
        (one file, for `posture-guard policy check`); the live registry is read by
        `desktop/registry.py`.
Rule 2: a lock is the organisation's word. `command_refusal` and `menu_locks` are the one place
        that says whether a control command may run: the CLI, the control socket and the tray
        all ask them, so the entry points cannot disagree.
Rule 3: the registry has no nesting of its own: `HKLM\\SOFTWARE\\Policies\\PostureGuard\\breaks\\
        movement` holds the values of `[breaks.movement]` (`every` = "50m"); booleans and counts
        are REG_DWORD, lists REG_MULTI_SZ (or one comma-separated REG_SZ), everything else
        REG_SZ. Locks are REG_DWORD 1 values named by the dotted key (or section) under
        `PostureGuard\\Locks`. `AllowOverride` (REG_DWORD 1) in the PostureGuard key itself is
        `[policy] allow_override = true`. The ADMX template in packaging/windows writes exactly
        this.
Rule 4: the macOS plist holds the TOML's tables as dictionaries (`breaks` -> `movement` ->
        `every`), locks as `policy` -> `lock` (an array); keys starting with "Payload" (the
        profile's own bookkeeping) are ignored.
Rule 5: POSTURE_GUARD_POLICY and POSTURE_GUARD_ROOT (tests, image builds) replace a system
        policy in place only when it allows it (`override_verdict`), on every OS alike: the
        TOML file, the managed plist and the registry key are all read into one document and
        asked the same question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from posture_guard.core import config
from posture_guard.core.config import Loaded, PolicySource
from posture_guard.core.content import Invalid, check_depth, parse_toml
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.i18n import N_, _
from posture_guard.core.settings import Settings
from posture_guard.core.timer import Command

#: Shown wherever a locked control is refused or greyed out.
#: Why a locked item or command is off (English; shown through `_`).
SET_BY_ORGANISATION: Final = N_("set by your organisation")
#: Why an item the person's own settings turned off is off (English; shown through `_`).
TURNED_OFF_IN_SETTINGS: Final = N_("turned off in your settings")
#: Why an item the timer's state does not allow is off (English; shown through `_`).
NOT_NOW: Final = N_("not now")
REGISTRY_KEY: Final = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\PostureGuard"
#: What messages and `config show` call the live registry key (`desktop/registry.py`).
REGISTRY_SOURCE_NAME: Final = r"HKLM\SOFTWARE\Policies\PostureGuard"
LOCKS_SUBKEY: Final = "Locks"
#: The REG_DWORD in the PostureGuard key itself that is `[policy] allow_override` (Rule 3).
ALLOW_OVERRIDE_VALUE: Final = "AllowOverride"
PLIST_DOMAIN: Final = "com.posture-guard"


class PolicyFormatError(PostureGuardError):
    """A policy source cannot be read as its format (not a .reg export, not a plist...).

    Renders as ``policy.reg: line 4: expected "name"=value, got 'every 50m'``. `expected` is in
    the language in use (worded where it is raised); the file and what was got are data.
    """

    def __init__(self, file: str, expected: str, got: str | None = None) -> None:
        self.file = file
        self.expected = expected
        self.got = got
        # Translators: {expected} is what was expected ("line 4: expected ..."), {got} the text
        # found in the file, as written
        if got is not None:
            expected = _("{expected}, got {got}").format(expected=expected, got=repr(got))
        super().__init__(f"{file}: {expected}")


# --- Windows: `reg export` data and registry values ---------------------------------------------

RegistryValues = Mapping[str, Mapping[str, object]]
"""Subkey path below PostureGuard ("" for the key itself, "breaks\\movement") -> value name ->
value as Python has it: str (REG_SZ, REG_EXPAND_SZ), int (REG_DWORD), list[str] (REG_MULTI_SZ)."""

_VALUE_LINE: Final = re.compile(r'^"((?:[^"\\]|\\.)*)"=(.*)$')


def parse_reg_export(data: bytes, *, file: str) -> dict[str, dict[str, object]]:
    """Read `reg export HKLM\\SOFTWARE\\Policies\\PostureGuard FILE` output into RegistryValues.

    Args:
        data: the file's bytes: UTF-16LE with a BOM as `reg export` writes it (UTF-8 also read).
        file: the name used in error messages.

    Raises:
        PolicyFormatError: not a registry export, or a line that is not a value of a known type.
            Keys outside PostureGuard are ignored.
    """
    try:  # an odd byte count or a lone surrogate is no export either
        text = (
            data[2:].decode("utf-16-le")
            if data.startswith(b"\xff\xfe")
            else data.decode("utf-8-sig")
        )
    except UnicodeDecodeError:
        raise PolicyFormatError(file, _("expected a `reg export` file (UTF-16 with BOM)")) from None
    lines = _join_continued(text.splitlines())
    if not lines or lines[0][1].strip() not in (
        "Windows Registry Editor Version 5.00",
        "REGEDIT4",
    ):
        raise PolicyFormatError(
            file,
            # Translators: the text in quotes is the file's first line, keep it as written
            _('expected a `reg export` file starting "Windows Registry Editor Version 5.00"'),
        )
    values: dict[str, dict[str, object]] = {}
    current: dict[str, object] | None = None
    for number, line in lines[1:]:
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = None
            path = stripped[1:-1]
            if path.upper().startswith(REGISTRY_KEY.upper()):
                sub = path[len(REGISTRY_KEY) :].strip("\\")
                current = values.setdefault(sub, {})
            continue
        match = _VALUE_LINE.match(stripped)
        if match is None:
            # Translators: "name"=value is the form of a line of the file, keep it as written
            expected = _('line {number}: expected "name"=value').format(number=number)
            raise PolicyFormatError(file, expected, stripped)
        if current is None:
            continue
        name = match.group(1).replace('\\"', '"').replace("\\\\", "\\")
        current[name] = _reg_value(match.group(2), file, number)
    return values


def _join_continued(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Join hex lines continued with a trailing backslash; keep the first line's number."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        pending = (pending[0], pending[1] + line.strip()) if pending is not None else (number, line)
        if pending[1].endswith("\\") and "=hex" in pending[1]:
            pending = (pending[0], pending[1][:-1])
            continue
        joined.append(pending)
        pending = None
    if pending is not None:
        joined.append(pending)
    return joined


def _reg_value(text: str, file: str, number: int) -> object:
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if text.startswith("dword:"):
        try:
            return int(text[len("dword:") :], 16)
        except ValueError:
            pass
    elif text.startswith(("hex(7):", "hex(2):")):
        try:
            raw = bytes(int(b, 16) for b in text[7:].split(",") if b)
            decoded = raw.decode("utf-16-le")
        except (ValueError, UnicodeDecodeError):
            pass
        else:
            if text.startswith("hex(2):"):
                return decoded.rstrip("\0")
            return [part for part in decoded.split("\0") if part]
    raise PolicyFormatError(
        file,
        # Translators: dword: and hex(7): are the file's words, keep them as written
        _("line {number}: expected a string, dword: or hex(7): (multi-string) value").format(
            number=number
        ),
        text,
    )


def registry_document(values: RegistryValues) -> dict[str, object]:
    """Registry values (Rule 3) as a policy document for `config.load`.

    Values are turned into the types the TOML would have, by the type of the built-in value:
    a REG_DWORD for a true/false setting becomes a boolean, a REG_SZ for a list setting is split
    at commas, a REG_SZ of digits becomes a number where the setting takes a number (and text
    where it takes text, such as a phone extension). Anything else is passed
    on as it is, so the validator reports it with the usual message.
    """
    defaults = _builtin_values()
    document: dict[str, object] = {}
    for sub, named in values.items():
        parts = [p for p in sub.split("\\") if p]
        if parts == [LOCKS_SUBKEY]:
            locks = sorted(name for name, on in named.items() if on not in (0, "0", ""))
            if locks:  # an empty Locks key (left by a removed GPO) locks nothing: no policy
                _table(document, ["policy"])["lock"] = locks
            continue
        for name, value in named.items():
            if not parts and name == ALLOW_OVERRIDE_VALUE:  # a DWORD 0/1 is false/true; the
                allow = _coerce(config.POLICY_ALLOW_OVERRIDE_KEY, value, False)  # rest: checked
                _table(document, ["policy"])["allow_override"] = allow
                continue
            key = ".".join([*parts, name])
            _table(document, parts)[name] = _coerce(key, value, defaults.get(key))
    return document


def _table(document: dict[str, object], parts: Sequence[str]) -> dict[str, object]:
    table = document
    for part in parts:
        inner = table.setdefault(part, {})
        if not isinstance(inner, dict):  # a value and a subkey of the same name
            inner = {}
            table[part] = inner
        table = inner
    return table


def _coerce(key: str, value: object, default: object) -> object:
    if isinstance(default, bool) and isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(default, list) and isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if (
        isinstance(value, str)
        and value.isdigit()
        and key in config.KEYS
        and config.value_problem(key, value) is not None
        and config.value_problem(key, int(value)) is None
    ):  # a number typed into a text box (REG_SZ) where the setting takes a number
        return int(value)
    return value


def _builtin_values() -> dict[str, object]:
    return dict(config.load(None, None).values)


# --- POSTURE_GUARD_POLICY and POSTURE_GUARD_ROOT over the system policy (Rule 5) -----------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OverrideVerdict:
    """What the policy override variables do over this computer's own policy."""

    #: They apply: there is no system policy in place, or it allows them.
    applies: bool
    #: The one line `config show`, `doctor` and the log say when they met a system policy
    #: (in effect, or ignored); None when there was none to meet.
    note: str | None


def allows_override(system: PolicySource) -> bool:
    """Whether a system policy sets `[policy] allow_override = true` (in the registry:
    `AllowOverride` = 1). A source that cannot be read, is malformed or says anything else
    (1, "true") does not: a lock is only given up in so many words."""
    if system.error is not None:
        return False
    document = system.document
    if document is None:
        if system.text is None:
            return False
        try:
            document = parse_toml(system.text)
        except Invalid:
            return False
    table = document.get("policy")
    return isinstance(table, Mapping) and table.get("allow_override") is True


def override_verdict(
    overrides: Sequence[tuple[str, str]], systems: Sequence[PolicySource]
) -> OverrideVerdict:
    """Whether POSTURE_GUARD_POLICY / POSTURE_GUARD_ROOT apply, and the line that says so.

    They replace every policy source at once, so they apply only when every system policy in
    place allows it; the note names the first that does not (else the first one).

    Args:
        overrides: the variables set, as (name, value), in the order to name them.
        systems: the system policies in place at the system's own places, read, highest
            precedence first: the TOML files and managed plists found, the Windows registry
            key (`REGISTRY_SOURCE_NAME`) when it holds anything. Empty when there is none.
    """
    if not overrides or not systems:
        return OverrideVerdict(applies=True, note=None)
    names = ", ".join(f"{name}={value!r}" for name, value in overrides)
    refusing = next((s for s in systems if not allows_override(s)), None)
    if refusing is None:
        note = _(
            "policy override in effect: {names} replaces the system policy {file}, which allows it"
        )
        return OverrideVerdict(applies=True, note=note.format(names=names, file=systems[0].name))
    if refusing.name == REGISTRY_SOURCE_NAME:
        # Translators: AllowOverride is a registry value's name, keep it as written
        note = _(
            "policy override ignored: {names}; the system policy {file} applies (it"
            " does not set AllowOverride = 1)"
        )
    else:
        note = _(
            "policy override ignored: {names}; the system policy {file} applies (it"
            " does not set [policy] allow_override = true)"
        )
    return OverrideVerdict(applies=False, note=note.format(names=names, file=refusing.name))


# --- macOS: managed preferences and configuration profiles ---------------------------------------


def parse_managed_plist(data: bytes, *, file: str) -> dict[str, object]:
    """Read a managed-preferences plist (`com.posture-guard.plist`) into a policy document.

    Raises:
        PolicyFormatError: not a property list, or its top level is not a dictionary.
    """
    try:
        import plistlib  # noqa: PLC0415 - macOS and .mobileconfig only

        document = plistlib.loads(data)
    except Exception as exc:  # plistlib raises several unrelated types for bad input
        # Translators: {reason} is the reader's reason, in English
        expected = _("expected a property list ({reason})").format(reason=exc)
        raise PolicyFormatError(file, expected) from None
    if not isinstance(document, dict):
        raise PolicyFormatError(file, _("expected a dictionary at the top of the property list"))
    try:
        check_depth(document)
    except Invalid as exc:
        raise PolicyFormatError(file, str(exc)) from None
    return _without_payload_keys(document)


def mobileconfig_payloads(data: bytes, *, file: str) -> list[dict[str, object]]:
    """The Posture Guard payloads (PayloadType com.posture-guard) of a .mobileconfig profile,
    each as a policy document (what macOS writes to Managed Preferences).

    Raises:
        PolicyFormatError: not a property list, or no payload for com.posture-guard.
    """
    parse_managed_plist(data, file=file)  # the same errors for a file that is no plist
    import plistlib  # noqa: PLC0415 - as above

    content = plistlib.loads(data).get("PayloadContent")
    found = [
        _without_payload_keys(p)
        for p in (content if isinstance(content, list) else [])
        if isinstance(p, dict) and p.get("PayloadType") == PLIST_DOMAIN
    ]
    if not found:
        # Translators: PayloadType is the file's key and {domain} its value, keep them as written
        expected = _("expected a payload with PayloadType {domain}").format(domain=PLIST_DOMAIN)
        raise PolicyFormatError(file, expected)
    return found


def _without_payload_keys(document: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in document.items() if not k.startswith("Payload")}


# --- `posture-guard policy check FILE` -----------------------------------------------------------


def source_from_bytes(data: bytes, *, file: str) -> PolicySource:
    """One policy file of any supported kind, by its name: .reg, .plist, .mobileconfig, else TOML.

    A file that cannot be read as its kind becomes a source whose document is empty and whose
    problem `config.load` reports (`PolicySource.error`).
    """
    try:
        if file.endswith(".reg"):
            document: Mapping[str, object] = registry_document(parse_reg_export(data, file=file))
        elif file.endswith(".plist"):
            document = parse_managed_plist(data, file=file)
        elif file.endswith(".mobileconfig"):
            document = _merged(mobileconfig_payloads(data, file=file))
        else:
            return PolicySource(name=file, text=data.decode("utf-8", errors="replace"))
    except PolicyFormatError as exc:
        return PolicySource(name=file, error=str(exc))
    return PolicySource(name=file, document=document)


def _merged(documents: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """Several payloads as one policy: tables merge key by key (the later payload wins a key
    both set) and `[policy] lock` lists join, so one payload never wipes another's settings."""
    merged: dict[str, object] = {}
    for document in documents:
        _merge_into(merged, document)
    return merged


def _merge_into(target: dict[str, object], document: Mapping[str, object]) -> None:
    for key, value in document.items():
        old = target.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping):
            _merge_into(old, value)
        elif isinstance(old, list) and isinstance(value, list) and key == "lock":
            target[key] = [*old, *(v for v in value if v not in old)]
        elif isinstance(value, Mapping):
            fresh: dict[str, object] = {}
            _merge_into(fresh, value)
            target[key] = fresh
        else:
            target[key] = value


def check_policy_file(path: Path) -> list[str]:
    """Every problem of one policy file (TOML, .reg, .plist or .mobileconfig), as the config
    reports them; [] when it is good.

    Raises:
        PostureGuardError: the file cannot be read at all (missing, a directory...).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PostureGuardError(
            _("{file}: cannot be read: {reason}").format(file=path, reason=exc.strerror or exc)
        ) from None
    loaded = config.load(None, policies=[source_from_bytes(data, file=str(path))])
    return [problem.message for problem in loaded.problems]


# --- locks at the entry points (Rule 2) ----------------------------------------------------------

#: Control command -> the `[controls]` key that allows it. Resume is always allowed: it only
#: ends a pause, and a locked pause cannot start one.
CONTROL_KEYS: Final[Mapping[str, str]] = {
    "snooze": "controls.snooze",
    "skip": "controls.skip",
    "pause": "controls.pause",
    "quit": "controls.quit",
}
#: Control command -> its refusals, (set by the organisation, turned off in the person's settings).
_REFUSALS: Final[Mapping[str, tuple[str, str]]] = {
    "snooze": (
        N_("Can't snooze: set by your organisation."),
        N_("Can't snooze: turned off in your settings ([controls] snooze)."),
    ),
    "skip": (
        N_("Can't skip: set by your organisation."),
        N_("Can't skip: turned off in your settings ([controls] skip)."),
    ),
    "pause": (
        N_("Can't pause: set by your organisation."),
        N_("Can't pause: turned off in your settings ([controls] pause)."),
    ),
    "quit": (
        N_("Can't quit: set by your organisation."),
        N_("Can't quit: turned off in your settings ([controls] quit)."),
    ),
}
#: Control command -> the count that can forbid it when the policy locks it at 0.
_COUNT_KEYS: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    "snooze": (("general.max_snoozes", "max_snoozes"),),
    "skip": (
        ("general.max_skips_in_row", "max_skips_in_row"),
        ("general.max_skips_per_day", "max_skips_per_day"),
    ),
}


def command_refusal(settings: Settings, command: str) -> str | None:
    """Why `command` ("snooze", "skip", "pause", "quit"...) must be refused, or None.

    "Can't snooze: set by your organisation." when the policy turned it off and locked it (or
    locked its count at 0); "Can't snooze: turned off in your settings ([controls] snooze)."
    when the person did it themselves. In the language in use.
    """
    reason = _refusal_reason(settings, command)
    if reason is None:
        return None
    by_organisation, in_settings = _REFUSALS[command]
    return _(by_organisation if reason == SET_BY_ORGANISATION else in_settings)


def _refusal_reason(settings: Settings, command: str) -> str | None:
    """SET_BY_ORGANISATION or TURNED_OFF_IN_SETTINGS when `command` must be refused, else None."""
    key = CONTROL_KEYS.get(command)
    if key is None:
        return None
    allowed = getattr(settings.controls, command)
    assert isinstance(allowed, bool)
    if not allowed:
        return SET_BY_ORGANISATION if key in settings.locked else TURNED_OFF_IN_SETTINGS
    for dotted, attr in _COUNT_KEYS.get(command, ()):
        if dotted in settings.locked and getattr(settings.timer, attr) == 0:
            return SET_BY_ORGANISATION
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class MenuLock:
    """Whether a tray-menu action can be used now, and if not, why (shown next to it)."""

    enabled: bool
    #: SET_BY_ORGANISATION, TURNED_OFF_IN_SETTINGS, NOT_NOW (English: shown through `_`), or None
    reason: str | None


#: Tray-menu action -> the control command it sends (the timer's allowed-command name).
MENU_ACTIONS: Final[Mapping[str, tuple[str, str]]] = {
    "break-now": ("break-now", "take_now"),
    "snooze": ("snooze", "snooze"),
    "skip": ("skip", "skip"),
    "pause": ("pause", "pause"),
    "resume": ("resume", "resume"),
    "quit": ("quit", ""),
}


def menu_locks(
    settings: Settings, allowed: Iterable[str | Command] | None = None
) -> dict[str, MenuLock]:
    """For each tray-menu action (MENU_ACTIONS), whether it is enabled and, if not, why.

    Args:
        settings: the effective settings (locks included).
        allowed: the timer's allowed commands (`snapshot.status.allowed`, or the JSON
            snapshot's "allowed" names such as "snooze", "take_now"); None = do not grey
            anything out for the timer's state, only for the policy.

    Returns:
        action -> MenuLock; an action the policy forbids says SET_BY_ORGANISATION, whatever
        the state; one the state does not allow says "not now".
    """
    allowed_set = (
        None
        if allowed is None
        else frozenset(c.value if isinstance(c, Command) else c for c in allowed)
    )
    result: dict[str, MenuLock] = {}
    for action, (command, state_name) in MENU_ACTIONS.items():
        reason = _refusal_reason(settings, command)
        if reason is not None:
            result[action] = MenuLock(enabled=False, reason=reason)
        elif state_name and allowed_set is not None and state_name not in allowed_set:
            result[action] = MenuLock(enabled=False, reason=NOT_NOW)
        else:
            result[action] = MenuLock(enabled=True, reason=None)
    return result


def clinic_change_refusal(settings: Settings) -> str | None:
    """Why `posture-guard clinic set|import` must be refused, or None: the policy locks the
    organisation's clinic (`branding.clinic`), so the advice always offers that one."""
    if any(key.startswith("branding.clinic.") for key in settings.locked):
        return _("Can't change the clinic: set by your organisation.")
    return None


# --- branding and the first run -----------------------------------------------------------------


def organisation_name(settings: Settings) -> str:
    """The organisation's name for sentences: the policy's, else "your organisation"."""
    return settings.branding.organisation or _("your organisation")


def has_policy(loaded: Loaded) -> bool:
    """True when any policy source was found."""
    return bool(loaded.policy_file)


def first_run_notice(settings: Settings, *, managed: bool) -> str:
    """What the first run tells the person, in plain words: what the employer can and cannot see.

    Args:
        managed: whether an organisation's policy applies to this computer.
    """
    lines = [_("Welcome to Posture Guard.")]
    if settings.branding.welcome:
        lines.append(settings.branding.welcome)
    lines.append("")
    if not managed:
        lines.append(
            _(
                "Your diary (episodes, pain, symptoms), your check-ins and the advice stay on "
                "this computer, in a file only your account can read. Posture Guard never sends "
                "them anywhere. No organisation manages this copy."
            )
        )
        return "\n".join(lines)
    org = organisation_name(settings)
    # Translators: {org} is the organisation's name, or "your organisation"
    lines.append(_("{org} manages this copy of Posture Guard with a policy.").format(org=org))
    lines.append(
        _(
            "What {org} can set: the break plan, which controls you can use, the branding and "
            "the clinic the advice offers."
        ).format(org=org)
    )
    if settings.fleet.directory is not None:
        lines.append(
            _(
                "What {org} can see: for each day, your active screen time rounded to 15 "
                "minutes and how many breaks were asked for, taken and skipped, under a random "
                "id for this install (never your name)."
            ).format(org=org)
        )
    else:
        lines.append(_("What {org} can see: nothing; no figures are shared.").format(org=org))
    lines.append(
        _(
            "Your diary (episodes, pain, symptoms), your check-ins and the advice stay on this "
            "computer, in a file only your account can read. Posture Guard never sends them "
            "anywhere, and {org} cannot see them."
        ).format(org=org)
    )
    if settings.branding.support_contact:
        lines.append(_("Questions: {contact}").format(contact=settings.branding.support_contact))
    return "\n".join(lines)
