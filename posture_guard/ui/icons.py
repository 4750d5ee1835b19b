"""Pillow drawing of the tray and app icons from an `IconState`; also writes the files in icons/.

`python -m posture_guard.ui.icons [DIR]` writes the app icon as PNG (16 to 256 px) and ICO,
and its monochrome symbolic SVG, into DIR (default: the repository's icons/), and every tray state, pre-drawn, into the package's
tray-icons.bin (read by tray_images.py, so the tray process never loads ImageDraw and its fonts:
1.4 MiB less), and the 64 px app icon into desktop/notice-icon.png (a notice's icon where no icon
theme has ours). Tests check that the committed files equal what this module draws now, so the
files cannot drift from the code.

The shapes are drawn at 4x and scaled down (Pillow's lines and arcs have no anti-aliasing of
their own). Everything is in fractions of the size, so any size draws the same picture.
"""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, ImageDraw

from posture_guard.core.traymodel import PROGRESS_STEPS, IconMode, IconState

#: The app icon: working, two thirds of the way to a break.
APP_ICON: Final = IconState(mode=IconMode.ACTIVE, step=8)
APP_ICON_SIZES: Final = (16, 24, 32, 48, 64, 128, 256)
#: Behind the icon where no alpha is possible (pystray's xorg backend pastes onto black).
OPAQUE_BACKGROUND: Final = (48, 48, 52)

_SUPERSAMPLE: Final = 4


@dataclass(frozen=True, slots=True)
class Dot:
    """A filled circle, in fractions of the icon's size."""

    x: float
    y: float
    r: float


@dataclass(frozen=True, slots=True)
class Stroke:
    """A straight stroke with round caps, in fractions of the icon's size."""

    start: tuple[float, float]
    end: tuple[float, float]
    width: float


#: A person seen from the side, sitting upright on a chair: head over a straight back, thigh
#: level, shin down, forearm to the desk, the chair's back behind. Posture at a desk, where the
#: icon was an account avatar (a head over round shoulders). The coloured tray icon and the
#: monochrome symbolic one draw this one figure.
SEATED: Final[tuple[Dot | Stroke, ...]] = (
    Dot(0.47, 0.29, 0.085),  # head, over the back
    Stroke((0.45, 0.42), (0.45, 0.62), 0.1),  # an upright back
    Stroke((0.45, 0.62), (0.64, 0.62), 0.09),  # thigh
    Stroke((0.64, 0.62), (0.64, 0.77), 0.08),  # shin
    Stroke((0.45, 0.46), (0.63, 0.50), 0.065),  # forearm, to the desk
    Stroke((0.33, 0.42), (0.33, 0.77), 0.055),  # the chair's back
)
#: The symbolic icon's one colour: the freedesktop convention, which themes recolour to the
#: panel's foreground.
SYMBOLIC_GREY: Final = "#bebebe"
SYMBOLIC_NAME: Final = "posture-guard-symbolic.svg"
_RGB = tuple[int, int, int]
_DISC: Final[dict[IconMode, _RGB]] = {
    IconMode.ACTIVE: (38, 50, 56),
    IconMode.SNOOZED: (38, 50, 56),
    IconMode.DUE: (255, 179, 0),
    IconMode.ON_BREAK: (67, 160, 71),
    IconMode.PAUSED: (120, 144, 156),
    IconMode.OFF_HOURS: (55, 71, 79),
}
_TEAL: Final = (38, 198, 218)
_TRACK: Final = (84, 110, 122)
_AMBER: Final = (255, 179, 0)
_WHITE: Final = (255, 255, 255)
_INK: Final = (38, 50, 56)
_MOON: Final = (207, 216, 220)
_BADGE: Final = (229, 57, 53)


def draw_icon(state: IconState, size: int, *, opaque: bool = False) -> Image.Image:
    """The icon for `state`, `size` px square: RGBA, or RGB on OPAQUE_BACKGROUND if `opaque`."""
    big = size * _SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (*OPAQUE_BACKGROUND, 255) if opaque else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(cx: float, cy: float, r: float) -> tuple[float, float, float, float]:
        return (cx - r) * big, (cy - r) * big, (cx + r) * big, (cy + r) * big

    def line(points: Sequence[tuple[float, float]], width: float, fill: _RGB) -> None:
        draw.line([(x * big, y * big) for x, y in points], fill=fill, width=round(width * big))
        for x, y in (points[0], points[-1]):  # round caps
            draw.ellipse(box(x, y, width / 2), fill=fill)

    def seated(ink: _RGB) -> None:
        for shape in SEATED:
            if isinstance(shape, Dot):
                draw.ellipse(box(shape.x, shape.y, shape.r), fill=ink)
            else:
                line([shape.start, shape.end], shape.width, ink)

    ring_w = 0.13
    draw.ellipse(box(0.5, 0.5, 0.5), fill=_DISC[state.mode])
    if state.mode is IconMode.ACTIVE:
        draw.arc(box(0.5, 0.5, 0.43), 0, 360, fill=_TRACK, width=round(ring_w * big))
        if state.step:
            end = -90 + 360 * state.step / PROGRESS_STEPS
            draw.arc(box(0.5, 0.5, 0.43), -90, end, fill=_TEAL, width=round(ring_w * big))
    elif state.mode is IconMode.SNOOZED:
        draw.arc(box(0.5, 0.5, 0.43), 0, 360, fill=_AMBER, width=round(ring_w * big))

    if state.mode in (IconMode.ACTIVE, IconMode.SNOOZED, IconMode.DUE):
        ink = _INK if state.mode is IconMode.DUE else _WHITE
        seated(ink)
    elif state.mode is IconMode.ON_BREAK:
        draw.ellipse(box(0.5, 0.36, 0.09), fill=_WHITE)
        line([(0.5, 0.52), (0.5, 0.74)], 0.1, _WHITE)
        line([(0.5, 0.55), (0.3, 0.34)], 0.08, _WHITE)  # arms up: a stretch
        line([(0.5, 0.55), (0.7, 0.34)], 0.08, _WHITE)
    elif state.mode is IconMode.PAUSED:
        line([(0.4, 0.32), (0.4, 0.68)], 0.12, _WHITE)
        line([(0.6, 0.32), (0.6, 0.68)], 0.12, _WHITE)
    else:  # OFF_HOURS: a crescent moon
        draw.ellipse(box(0.5, 0.5, 0.26), fill=_MOON)
        draw.ellipse(box(0.61, 0.41, 0.23), fill=_DISC[state.mode])

    if state.badge:
        draw.ellipse(box(0.8, 0.2, 0.2), fill=(*OPAQUE_BACKGROUND, 255) if opaque else _WHITE)
        draw.ellipse(box(0.8, 0.2, 0.15), fill=_BADGE)

    small = image.resize((size, size), Image.Resampling.LANCZOS)
    return small.convert("RGB") if opaque else small


def symbolic_svg() -> str:
    """The monochrome symbolic icon (16 px, SVG): the seated figure alone, filling the square,
    in SYMBOLIC_GREY, for panels and menus that draw every icon in their own foreground."""
    left, top, right, bottom = _bounds(SEATED)
    side = max(right - left, bottom - top)
    x0, y0 = (left + right - side) / 2, (top + bottom - side) / 2

    def n(value: float) -> str:  # in hundredths: renderers round tiny user units badly
        return f"{value * 100:.2f}".rstrip("0").rstrip(".")

    parts = []
    for shape in SEATED:
        if isinstance(shape, Dot):
            parts.append(f'<circle cx="{n(shape.x)}" cy="{n(shape.y)}" r="{n(shape.r)}"/>')
        else:
            (x1, y1), (x2, y2) = shape.start, shape.end
            parts.append(
                f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}"'
                f' stroke-width="{n(shape.width)}"/>'
            )
    body = "\n  ".join(parts)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"'
        f' viewBox="{n(x0)} {n(y0)} {n(side)} {n(side)}">\n'
        f'  <g fill="{SYMBOLIC_GREY}" stroke="{SYMBOLIC_GREY}" stroke-linecap="round">\n'
        f"  {body}\n  </g>\n</svg>\n"
    )


def _bounds(shapes: Sequence[Dot | Stroke]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for shape in shapes:
        if isinstance(shape, Dot):
            xs += [shape.x - shape.r, shape.x + shape.r]
            ys += [shape.y - shape.r, shape.y + shape.r]
        else:
            half = shape.width / 2
            for x, y in (shape.start, shape.end):
                xs += [x - half, x + half]
                ys += [y - half, y + half]
    return min(xs), min(ys), max(xs), max(ys)


def app_icon_images() -> dict[int, Image.Image]:
    """The app icon at every size of APP_ICON_SIZES."""
    return {size: draw_icon(APP_ICON, size) for size in APP_ICON_SIZES}


def write_app_icons(folder: Path) -> list[Path]:
    """Write posture-guard-<size>.png for each size and posture-guard.ico; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    images = app_icon_images()
    written = []
    for size, image in images.items():
        path = folder / f"posture-guard-{size}.png"
        image.save(path, optimize=True)
        written.append(path)
    symbolic = folder / SYMBOLIC_NAME
    symbolic.write_text(symbolic_svg(), encoding="utf-8")
    written.append(symbolic)
    ico = folder / "posture-guard.ico"
    largest = images[max(images)]
    largest.save(
        ico,
        sizes=[(s, s) for s in images],
        append_images=[images[s] for s in images if s != max(images)],
    )
    written.append(ico)
    return written


def every_tray_state() -> Iterator[IconState]:
    """Every state the tray can show: each ring step and mode, with and without the badge."""
    for badge in (False, True):
        for step in range(PROGRESS_STEPS + 1):
            yield IconState(mode=IconMode.ACTIVE, step=step, badge=badge)
        for mode in IconMode:
            if mode is not IconMode.ACTIVE:
                yield IconState(mode=mode, badge=badge)


def sprite_key(state: IconState, *, opaque: bool) -> str:
    """The name of a pre-drawn tray image in tray-icons.bin."""
    return f"{state.mode.value}-{state.step}-{int(state.badge)}-{'rgb' if opaque else 'rgba'}"


#: The pre-drawn tray images: a header line, a JSON index line (key -> [offset, length]), then
#: each image's raw pixels (RGBA or RGB, TRAY_SPRITE_SIZE square), zlib-compressed.
TRAY_SPRITES: Final = Path(__file__).with_name("tray-icons.bin")
#: The app icon the package carries for notices where no icon theme has ours
#: (desktop/notify.py `app_icon`), at NOTICE_ICON_SIZE.
NOTICE_ICON: Final = Path(__file__).resolve().parents[1] / "desktop" / "notice-icon.png"
NOTICE_ICON_SIZE: Final = 64
TRAY_SPRITE_SIZE: Final = 64
TRAY_SPRITE_HEADER: Final = b"posture-guard tray icons 1\n"


def tray_sprites_bytes() -> bytes:
    """tray-icons.bin as this module draws it now."""
    index: dict[str, list[int]] = {}
    blobs = bytearray()
    for state in every_tray_state():
        for opaque in (False, True):
            raw = draw_icon(state, TRAY_SPRITE_SIZE, opaque=opaque).tobytes()
            blob = zlib.compress(raw, 9)
            index[sprite_key(state, opaque=opaque)] = [len(blobs), len(blob)]
            blobs += blob
    return TRAY_SPRITE_HEADER + json.dumps(index, sort_keys=True).encode() + b"\n" + bytes(blobs)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the app icons into argv[0] (default: icons/ beside the package), and the package's
    pre-drawn tray images and notice icon."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "icons"
    for path in write_app_icons(folder):
        print(path)
    TRAY_SPRITES.write_bytes(tray_sprites_bytes())
    print(TRAY_SPRITES)
    draw_icon(APP_ICON, NOTICE_ICON_SIZE).save(NOTICE_ICON, optimize=True)
    print(NOTICE_ICON)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
