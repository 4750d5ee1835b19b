"""The tray's icon images, pre-drawn by icons.py into tray-icons.bin and read one at a time.

The tray process only needs `PIL.Image` for these (no ImageDraw, no fonts); icons.py draws them
and a test checks the file equals what it draws now.
"""

from __future__ import annotations

import functools
import json
import zlib
from pathlib import Path
from typing import Final

from PIL import Image

from posture_guard.traymodel import IconState

#: Must match icons.py (a test checks that).
SPRITES: Final = Path(__file__).with_name("tray-icons.bin")
SIZE: Final = 64
_HEADER: Final = b"posture-guard tray icons 1\n"


@functools.cache
def _index() -> tuple[dict[str, tuple[int, int]], int]:
    """The file's index (key -> offset, length) and where the images start; read once."""
    with SPRITES.open("rb") as file:
        if file.readline() != _HEADER:
            raise OSError(f"{SPRITES}: not a tray icon file of this version")
        index = {k: (v[0], v[1]) for k, v in json.loads(file.readline()).items()}
        return index, file.tell()


def _key(state: IconState, *, opaque: bool) -> str:
    return f"{state.mode.value}-{state.step}-{int(state.badge)}-{'rgb' if opaque else 'rgba'}"


def tray_image(state: IconState, *, opaque: bool = False) -> Image.Image:
    """The tray icon for `state`, SIZE px square: RGBA, or opaque RGB. Any thread.

    Raises:
        OSError: the file is missing or unreadable (a broken install).
        KeyError: no image for `state` (icons.py and this file disagree: a bug).
    """
    index, start = _index()
    offset, length = index[_key(state, opaque=opaque)]
    with SPRITES.open("rb") as file:
        file.seek(start + offset)
        raw = zlib.decompress(file.read(length))
    return Image.frombytes("RGB" if opaque else "RGBA", (SIZE, SIZE), raw)
