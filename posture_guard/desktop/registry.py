"""The live Windows registry reader: HKLM\\SOFTWARE\\Policies\\PostureGuard into a policy source.

Imported only on Windows (by `desktop/policy_stores.py`); the layout and its parsing are `policy.py`'s.
"""

from __future__ import annotations

import sys

from posture_guard.core import policy
from posture_guard.core.config import PolicySource

assert sys.platform == "win32"  # mypy narrows the platform with it

import winreg  # noqa: E402

_SUBKEY = r"SOFTWARE\Policies\PostureGuard"
_NAME = policy.REGISTRY_SOURCE_NAME


def read_policy_key() -> PolicySource:
    """The PostureGuard policy key and its subkeys as a source; an absent key is an empty one."""
    values: dict[str, dict[str, object]] = {}
    try:
        _walk(_SUBKEY, "", values)
    except FileNotFoundError:
        return PolicySource(name=_NAME, document={})
    except OSError as exc:
        return PolicySource(name=_NAME, error=f"{_NAME}: cannot be read: {exc}")
    return PolicySource(name=_NAME, document=policy.registry_document(values))


def _walk(path: str, relative: str, into: dict[str, dict[str, object]]) -> None:
    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path) as key:
        subkeys, count, _ = winreg.QueryInfoKey(key)
        named: dict[str, object] = {}
        for index in range(count):
            name, value, _kind = winreg.EnumValue(key, index)
            named[name] = value
        into[relative] = named
        children = [winreg.EnumKey(key, index) for index in range(subkeys)]
    for child in children:
        _walk(f"{path}\\{child}", f"{relative}\\{child}".strip("\\"), into)
