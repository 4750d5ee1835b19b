"""GNOME's settings as dconf keeps them, read from the user's database file without dconf.

GSettings on GNOME stores every key a person changed in one file, `$XDG_CONFIG_HOME/dconf/user`
(`~/.config/dconf/user`): a GVDB table (GLib's "GVariant database") that dconf-service writes
whole and renames over the old one at each change, and that every GSettings client maps and
reads. dconf-service's D-Bus interface only writes, so reading a key needs this file: no
D-Bus call, no `gsettings` process, no GLib. `UserSettings` parses the file again only when
its identity (inode, size, modification time) changes; a look in between is one `stat()`.

Rules:

1. Only the user database is read. A key nobody changed is absent there and reads as the
   default the caller gives (the schema's). System databases that an administrator sets up
   through a dconf profile (/etc/dconf/db/*) are not read.
2. A missing file reads as "nothing changed": every key has its default.
3. Bytes that are not a GVDB table raise `DconfError` naming the file and what is wrong;
   `read_gvdb` raises nothing else on any input.

The format (GLib's gvdb-format.h): a 24-byte header ("GVariant", version, options, the root
table's start and end), then hash tables of 24-byte items. Each item names its key as a suffix
of its parent item's key ("/", "org/", ..., "show-banners"), so full names are rebuilt from the
parent chain; a value item ("v") points at a serialized GVariant of type "v": the value's bytes,
a zero byte, then the value's type string.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

#: The file's first eight bytes, as written on a little-endian and on a big-endian machine.
SIGNATURE_LE: Final = b"GVariant"
SIGNATURE_BE: Final = b"raVGtnai"
_HEADER = 24
_ITEM = 24
_NO_PARENT = 0xFFFFFFFF


class DconfError(Exception):
    """A dconf database could not be read; the message says which file and why."""


def user_db_path(env: Mapping[str, str] | None = None) -> Path:
    """The user's dconf database: `$XDG_CONFIG_HOME/dconf/user`, else `~/.config/dconf/user`."""
    env = os.environ if env is None else env
    config = env.get("XDG_CONFIG_HOME") or os.path.join(
        env.get("HOME") or os.path.expanduser("~"), ".config"
    )
    return Path(config) / "dconf" / "user"


def read_gvdb(data: bytes) -> dict[str, bytes]:
    """Every value of a GVDB file's root table: full key -> its serialized variant.

    Raises:
        DconfError: the bytes are not a GVDB table (the message says what is wrong, without
            a file name: `UserSettings` adds it).
    """
    if data[:8] == SIGNATURE_LE:
        order = "<"
    elif data[:8] == SIGNATURE_BE:
        order = ">"
    else:
        raise DconfError("not a GVDB file (no GVariant signature)")
    if len(data) < _HEADER:
        raise DconfError("the header is cut short")
    root_start, root_end = struct.unpack_from(f"{order}II", data, 16)
    table = _slice(data, root_start, root_end, "the root table")
    if len(table) < 8:
        raise DconfError("the root table is cut short")
    bloom_words, buckets = struct.unpack_from(f"{order}II", table, 0)
    items_at = 8 + 4 * ((bloom_words & ((1 << 27) - 1)) + buckets)
    if items_at > len(table) or (len(table) - items_at) % _ITEM:
        raise DconfError("the root table's items do not fill it")
    items = [
        struct.unpack_from(f"{order}IIIHcxII", table, at)
        for at in range(items_at, len(table), _ITEM)
    ]
    names: dict[int, str] = {}

    def full_name(index: int) -> str:
        chain: list[int] = []
        while index != _NO_PARENT and index not in names:
            if index >= len(items) or index in chain:
                raise DconfError("an item's parent is missing or loops")
            chain.append(index)
            index = items[index][1]
        name = names.get(index, "")
        for at in reversed(chain):
            _hash, _parent, key_start, key_size, _type, _start, _end = items[at]
            key = _slice(data, key_start, key_start + key_size, "a key")
            try:
                name += key.decode("utf-8")
            except UnicodeDecodeError:
                raise DconfError("a key is not UTF-8") from None
            names[at] = name
        return name

    values = {}
    for index, (_hash, _parent, _ks, _kz, kind, start, end) in enumerate(items):
        if kind == b"v":
            values[full_name(index)] = _slice(data, start, end, "a value")
    return values


def _slice(data: bytes, start: int, end: int, what: str) -> bytes:
    if not start <= end <= len(data):
        raise DconfError(f"{what} lies outside the file")
    return data[start:end]


def variant_boolean(serialized: bytes) -> bool:
    """A serialized GVariant "v" holding a boolean ("b"): its value.

    Raises:
        DconfError: the variant holds something else.
    """
    value, zero, type_string = serialized.rpartition(b"\0")
    if zero and type_string == b"b" and value in (b"\0", b"\1"):
        return value == b"\1"
    raise DconfError(
        f"expected a boolean, got a value of type {type_string.decode(errors='replace')!r}"
    )


@dataclass
class UserSettings:
    """The user's dconf database at `path`, read again only when the file changes.

    Threading: used by one thread at a time (the service's worker thread).
    """

    path: Path
    _seen: tuple[int, int, int] | None = None
    _values: dict[str, bytes] | None = None

    def boolean(self, key: str, default: bool) -> bool:
        """The boolean at `key` ("/org/gnome/desktop/notifications/show-banners"), or
        `default` when nobody changed it (the key or the whole file is absent).

        Raises:
            DconfError: the file cannot be read, is not a GVDB table, or holds another type
                at `key`; the message names the file.
        """
        raw = self._current().get(key)
        if raw is None:
            return default
        try:
            return variant_boolean(raw)
        except DconfError as exc:
            raise DconfError(f"{self.path}: {key}: {exc}") from None

    def _current(self) -> dict[str, bytes]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self._seen, self._values = None, {}
            return self._values
        except OSError as exc:
            raise DconfError(f"{self.path}: {exc.strerror or exc}") from None
        seen = (info.st_ino, info.st_size, info.st_mtime_ns)
        if self._values is None or seen != self._seen:
            try:
                values = read_gvdb(self.path.read_bytes())
            except FileNotFoundError:  # replaced between stat and read: the next look reads it
                values = {}
            except OSError as exc:
                raise DconfError(f"{self.path}: {exc.strerror or exc}") from None
            except DconfError as exc:
                raise DconfError(f"{self.path}: {exc}") from None
            self._seen, self._values = seen, values
        return self._values
