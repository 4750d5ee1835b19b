"""The dconf user database reader (desktop/dconf.py) on a file dconf-service wrote.

`WRITTEN` is ~/.config/dconf/user as dconf-service 0.40 (Debian 12) wrote it after
`gsettings set` of four keys (a boolean true, a boolean false, a double and a string); the
desktop test tests/desktop/test_gnome_desktop.py reads files it writes live.
"""

from __future__ import annotations

import contextlib
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.desktop.dconf import (
    SIGNATURE_BE,
    DconfError,
    UserSettings,
    read_gvdb,
    user_db_path,
    variant_boolean,
)

WRITTEN = bytes.fromhex(
    "4756617269616e7400000000000000001800000038010000000000280a00000000000000010000000200"
    "000002000000020000000300000004000000050000000700000009000000d4b50200ffffffff38010000"
    "01004c003c01000040010000d982b51c04000000400100000c0076005001000053010000f8bb72be0600"
    "0000530100001300760068010000720100004b50900b000000007201000004004c00780100007c010000"
    "c21d8c85050000007c0100000e004c008c01000094010000b988fdda080000009401000008004c009c01"
    "0000a401000039c53b4f05000000a40100000a004c00b0010000b80100002aaf9b8d04000000b8010000"
    "13007600d0010000d3010000b0b7243003000000d301000006004c00dc010000e00100003b6faa090600"
    "0000e00100000c007600f0010000f60100002f0000000300000073686f772d62616e6e65727300000000"
    "010062746578742d7363616c696e672d666163746f720000000000000000f43f00646f72672f00000800"
    "00006e6f74696669636174696f6e732f000001000000070000006465736b746f702f0600000004000000"
    "696e746572666163652f0000090000000200000073686f772d696e2d6c6f636b2d73637265656e000000"
    "0000000062676e6f6d652f00000005000000636c6f636b2d666f726d617400000000313268000073"
)
BANNERS = "/org/gnome/desktop/notifications/show-banners"


def test_read_gvdb_gives_every_key_by_its_full_name() -> None:
    # Protects: full names are rebuilt from the parent chain, every value item is found.
    assert read_gvdb(WRITTEN) == {
        BANNERS: b"\x01\x00b",
        "/org/gnome/desktop/notifications/show-in-lock-screen": b"\x00\x00b",
        "/org/gnome/desktop/interface/text-scaling-factor": struct.pack("<d", 1.25) + b"\x00d",
        "/org/gnome/desktop/interface/clock-format": b"12h\x00\x00s",
    }


def test_variant_boolean_reads_booleans_and_refuses_other_types() -> None:
    assert variant_boolean(b"\x01\x00b") is True
    assert variant_boolean(b"\x00\x00b") is False
    with pytest.raises(DconfError, match=r"^expected a boolean, got a value of type 's'$"):
        variant_boolean(b"12h\x00\x00s")
    with pytest.raises(DconfError, match=r"^expected a boolean, got a value of type ''$"):
        variant_boolean(b"")


def test_read_gvdb_refuses_what_is_not_a_gvdb_file() -> None:
    with pytest.raises(DconfError, match=r"^not a GVDB file \(no GVariant signature\)$"):
        read_gvdb(b"[org/gnome/desktop/notifications]\nshow-banners=false\n")
    with pytest.raises(DconfError, match=r"^the root table lies outside the file$"):
        read_gvdb(WRITTEN[:200])


def test_read_gvdb_reads_a_big_endian_file() -> None:
    # Protects: a database written on a big-endian machine (the signature byte-swapped) reads
    # the same; every 32- and 16-bit field is swapped, the bytes of keys and values are not.
    header = SIGNATURE_BE + struct.pack(">IIII", 0, 0, 24, 24 + 8 + 4 + 24 * 2)
    table = struct.pack(">III", 0, 1, 0)  # no bloom words, one bucket starting at item 0
    keys_at = 24 + len(table) + 48
    root = struct.pack(">IIIHcxII", 0, 0xFFFFFFFF, keys_at, 1, b"L", 0, 0)
    value = struct.pack(">IIIHcxII", 0, 0, keys_at + 1, 12, b"v", keys_at + 13, keys_at + 16)
    data = header + table + root + value + b"/show-banners\x00\x00b"
    assert read_gvdb(data) == {"/show-banners": b"\x00\x00b"}


@given(
    cut=st.integers(0, len(WRITTEN)),
    flips=st.lists(st.tuples(st.integers(0, len(WRITTEN) - 1), st.integers(1, 255)), max_size=4),
)
def test_read_gvdb_raises_only_dconf_error_on_damaged_files(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    # Protects: a truncated or damaged file is one clear DconfError, never a crash (IndexError,
    # struct.error, RecursionError...) in the service's worker thread.
    data = bytearray(WRITTEN[:cut])
    for at, xor in flips:
        if at < len(data):
            data[at] ^= xor
    with contextlib.suppress(DconfError):
        read_gvdb(bytes(data))


def test_user_settings_default_when_the_file_or_key_is_absent(tmp_path: Path) -> None:
    settings = UserSettings(tmp_path / "dconf" / "user")
    assert settings.boolean(BANNERS, default=True) is True
    settings.path.parent.mkdir()
    settings.path.write_bytes(WRITTEN)
    assert settings.boolean(BANNERS, default=False) is True
    assert settings.boolean("/org/gnome/absent", default=False) is False


def test_user_settings_name_the_file_in_their_errors(tmp_path: Path) -> None:
    path = tmp_path / "user"
    path.write_bytes(b"junk")
    with pytest.raises(DconfError, match=r"^.*/user: not a GVDB file \(no GVariant signature\)$"):
        UserSettings(path).boolean(BANNERS, default=True)
    path.write_bytes(WRITTEN)
    clock = "/org/gnome/desktop/interface/clock-format"
    with pytest.raises(
        DconfError, match=r"^.*/user: /org/gnome/desktop/interface/clock-format: expected a boolean"
    ):
        UserSettings(path).boolean(clock, default=True)


def test_user_db_path_follows_xdg_config_home() -> None:
    assert user_db_path({"XDG_CONFIG_HOME": "/c", "HOME": "/h"}) == Path("/c/dconf/user")
    assert user_db_path({"HOME": "/h"}) == Path("/h/.config/dconf/user")
    assert user_db_path({"XDG_CONFIG_HOME": "", "HOME": "/h"}) == Path("/h/.config/dconf/user")
