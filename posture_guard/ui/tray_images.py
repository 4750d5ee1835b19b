"""The tray's icon images, pre-drawn by icons.py into tray-icons.bin and read one at a time.

icons.py draws them with Pillow and a test checks the file equals what it draws now. The tray
process does not load Pillow at all (2.2 MiB of code and libraries for a process that lives for
days): a `Picture` is the raw pixels, and it gives pystray what its backends ask of an image:
`save(file, "PNG")` (the GTK backends write a file for the panel) and, for our xorg drawing,
`scaled(width, height)` rows of RGB.
"""

from __future__ import annotations

import functools
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

from posture_guard.core.traymodel import IconState

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


@dataclass(frozen=True, slots=True)
class Picture:
    """A square tray image: SIZE x SIZE pixels, row by row, RGBA or (opaque) RGB bytes."""

    mode: str
    raw: bytes

    @property
    def size(self) -> tuple[int, int]:
        return SIZE, SIZE

    def save(self, file: BinaryIO, format: str = "PNG") -> None:
        """Write the picture as a PNG file (the only format pystray's GTK backends ask for)."""
        if format.upper() != "PNG":
            raise ValueError(f"tray picture: expected format PNG, got {format!r}")
        channels = len(self.mode)
        stride = SIZE * channels
        rows = b"".join(
            b"\0" + self.raw[y * stride : (y + 1) * stride] for y in range(SIZE)
        )  # filter type 0 (none) before each row
        colour_type = 6 if channels == 4 else 2
        header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, colour_type, 0, 0, 0)
        file.write(b"\x89PNG\r\n\x1a\n")
        for kind, data in ((b"IHDR", header), (b"IDAT", zlib.compress(rows, 9)), (b"IEND", b"")):
            file.write(struct.pack(">I", len(data)) + kind + data)
            file.write(struct.pack(">I", zlib.crc32(kind + data)))

    def to_pil(self) -> Any:
        """The picture as a Pillow image, for pystray's win32 and darwin backends (they save an
        ICO file or resize the image); imports Pillow."""
        from PIL import Image  # noqa: PLC0415 - never on Linux (see the module docstring)

        return Image.frombytes(self.mode, self.size, self.raw)

    @functools.lru_cache(maxsize=4)  # noqa: B019 - a few pictures, kept for their redraws
    def zpixmap_rows(self, width: int, height: int, byte_order: int) -> list[bytes]:
        """The picture scaled to width x height as X ZPixmap rows of 32-bit pixels: BGRX for an
        LSBFirst server (image_byte_order 0), else RGBX (as python-xlib's put_pil_image)."""
        rows = []
        for row in self.scaled(width, height):
            out = bytearray(width * 4)
            for x in range(width):
                r, g, b = row[3 * x : 3 * x + 3]
                out[4 * x : 4 * x + 3] = bytes((b, g, r) if byte_order == 0 else (r, g, b))
            rows.append(bytes(out))
        return rows

    def scaled(self, width: int, height: int) -> list[bytes]:
        """The picture as `height` rows of `width` RGB pixels, resampled with a box filter as
        Pillow's BOX does (the tray host decides the icon's size; usually 16-48 px)."""
        channels = len(self.mode)
        across, down = _box_weights(SIZE, width), _box_weights(SIZE, height)
        wide = []  # each source row, resampled across: width x 3 floats
        for y in range(SIZE):
            row = self.raw[y * SIZE * channels : (y + 1) * SIZE * channels]
            line = []
            for taps in across:
                for c in range(3):
                    line.append(sum(row[x * channels + c] * w for x, w in taps))
            wide.append(line)
        rows = []
        for taps in down:
            values = (sum(wide[y][i] * w for y, w in taps) for i in range(width * 3))
            rows.append(bytes(min(255, max(0, int(v + 0.5))) for v in values))
        return rows


def _box_weights(source: int, target: int) -> list[list[tuple[int, float]]]:
    """For each target pixel, the source pixels whose centres its box covers, in equal shares:
    a box `source / target` pixels wide (at least one) around its centre, as Pillow's BOX."""
    scale = source / target
    support = max(scale, 1.0) / 2
    found = []
    for i in range(target):
        centre = (i + 0.5) * scale
        first = max(0, int(centre - support + 0.5))
        end = min(source, int(centre + support + 0.5))
        taps = [j for j in range(first, end) if -support < j + 0.5 - centre <= support]
        found.append([(j, 1 / len(taps)) for j in taps])
    return found


def tray_image(state: IconState, *, opaque: bool = False) -> Picture:
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
    return Picture("RGB" if opaque else "RGBA", raw)


def sni_pixmaps(state: IconState) -> list[tuple[int, int, bytes]]:
    """The icon for `state` as a StatusNotifierItem's IconPixmap: (width, height, ARGB32 in
    network byte order) at 64, 32 and 16 px, so the host picks the size nearest its own
    (halved with a 2x2 box over premultiplied alpha, as a resampler would). Any thread."""
    rgba, size = tray_image(state).raw, SIZE
    found = []
    while size >= 16:
        argb = bytearray(len(rgba))
        argb[0::4], argb[1::4], argb[2::4], argb[3::4] = (
            rgba[3::4],
            rgba[0::4],
            rgba[1::4],
            rgba[2::4],
        )
        found.append((size, size, bytes(argb)))
        rgba, size = _halved(rgba, size), size // 2
    return found


def _halved(rgba: bytes, size: int) -> bytes:
    """`size` x `size` RGBA pixels averaged in 2x2 boxes; colour weighted by alpha."""
    half = size // 2
    out = bytearray(half * half * 4)
    stride = size * 4
    for y in range(half):
        for x in range(half):
            top = 2 * y * stride + 8 * x
            quad = (top, top + 4, top + stride, top + stride + 4)
            alpha = sum(rgba[i + 3] for i in quad)
            o = (y * half + x) * 4
            if alpha:
                for c in range(3):
                    out[o + c] = min(
                        255, round(sum(rgba[i + c] * rgba[i + 3] for i in quad) / alpha)
                    )
            out[o + 3] = round(alpha / 4)
    return bytes(out)
