"""A small drawing kit for the exercise pictures: a canvas in logical units, limbs, heads, arrows.

Every picture is drawn on a 400 x 300 logical canvas at `SUPERSAMPLE` times the output size and
scaled down once, so lines are smooth at any size. Nothing here knows about exercises; it only
knows shapes. Colours come from a `Palette`, so one drawing serves the normal and the
high-contrast look.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageDraw

#: The logical canvas every picture is drawn on.
WIDTH: Final = 400
HEIGHT: Final = 300
SUPERSAMPLE: Final = 4

Point = tuple[float, float]
Colour = tuple[int, int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Palette:
    """The colours of one look. `ghost` is the starting position a motion begins from."""

    background: Colour
    panel: Colour
    figure: Colour
    skin: Colour
    ghost: Colour
    motion: Colour
    furniture: Colour
    detail: Colour


#: Calm, friendly colours: a slate-blue figure on a pale card, warm orange for motion.
CALM: Final = Palette(
    background=(255, 255, 255),
    panel=(234, 241, 246),
    figure=(46, 84, 120),
    skin=(247, 214, 190),
    ghost=(176, 198, 218),
    motion=(214, 98, 34),
    furniture=(178, 190, 201),
    detail=(255, 255, 255),
)

#: High contrast: white figure on black, yellow motion (contrast ratios above 15:1).
HIGH_CONTRAST: Final = Palette(
    background=(0, 0, 0),
    panel=(0, 0, 0),
    figure=(255, 255, 255),
    skin=(0, 0, 0),
    ghost=(120, 120, 120),
    motion=(255, 221, 0),
    furniture=(170, 170, 170),
    detail=(0, 0, 0),
)

#: Stroke widths in logical units.
LIMB: Final = 11.0
THIN: Final = 5.0
ARROW: Final = 6.0


class Canvas:
    """A supersampled drawing surface addressed in logical units (0..400 x 0..300)."""

    def __init__(self, palette: Palette, width_px: int) -> None:
        self.palette = palette
        self.width_px = width_px
        self.height_px = round(width_px * HEIGHT / WIDTH)
        self._k = width_px * SUPERSAMPLE / WIDTH
        self.image = Image.new(
            "RGB", (width_px * SUPERSAMPLE, self.height_px * SUPERSAMPLE), palette.background
        )
        self._draw = ImageDraw.Draw(self.image)
        inset = 6 * self._k
        self._panel = (inset, inset, self.image.width - inset, self.image.height - inset)
        self._draw.rounded_rectangle(self._panel, radius=28 * self._k, fill=palette.panel)
        self._zoom = 1.0
        self._about: Point = (0.0, 0.0)

    def _p(self, point: Point) -> tuple[float, float]:
        ax, ay = self._about
        z = self._zoom
        return ((ax + (point[0] - ax) * z) * self._k, (ay + (point[1] - ay) * z) * self._k)

    @contextmanager
    def zoomed(self, factor: float, about: Point) -> Iterator[None]:
        """Draw the block `factor` times larger, `about` staying in place (a close-up)."""
        self._zoom, self._about = factor, about
        try:
            yield
        finally:
            self._zoom, self._about = 1.0, (0.0, 0.0)

    def finish(self) -> Image.Image:
        """The picture at its output size, with anything drawn off the card cut away."""
        mask = Image.new("L", self.image.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle(self._panel, radius=28 * self._k, fill=255)
        plain = Image.new("RGB", self.image.size, self.palette.background)
        card = Image.composite(self.image, plain, mask)
        return card.resize((self.width_px, self.height_px), Image.Resampling.LANCZOS)

    # --- primitives -------------------------------------------------------------------------

    def line(self, points: Sequence[Point], colour: Colour, width: float = LIMB) -> None:
        """A polyline with round caps and joints."""
        w = max(1, round(width * self._k * self._zoom))
        scaled = [self._p(p) for p in points]
        self._draw.line(scaled, fill=colour, width=w, joint="curve")
        for x, y in (scaled[0], scaled[-1]):
            r = w / 2
            self._draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def dashed(self, start: Point, end: Point, colour: Colour, width: float = THIN) -> None:
        """A dashed straight line (a line of sight)."""
        length = math.dist(start, end)
        steps = max(1, int(length // 14))
        for i in range(0, steps, 2):
            a, b = i / steps, min(1.0, (i + 1) / steps)
            self.line([_lerp(start, end, a), _lerp(start, end, b)], colour, width)

    def circle(
        self,
        centre: Point,
        radius: float,
        fill: Colour | None,
        outline: Colour | None = None,
        width: float = THIN,
    ) -> None:
        x, y = self._p(centre)
        r = radius * self._k * self._zoom
        self._draw.ellipse(
            (x - r, y - r, x + r, y + r),
            fill=fill,
            outline=outline,
            width=max(1, round(width * self._k * self._zoom)) if outline else 0,
        )

    def polygon(self, points: Sequence[Point], fill: Colour) -> None:
        self._draw.polygon([self._p(p) for p in points], fill=fill)

    def box(
        self, x0: float, y0: float, x1: float, y1: float, fill: Colour, *, radius: float = 6
    ) -> None:
        (px0, py0), (px1, py1) = self._p((x0, y0)), self._p((x1, y1))
        self._draw.rounded_rectangle(
            (px0, py0, px1, py1),
            radius=radius * self._k * self._zoom,
            fill=fill,
        )

    # --- arrows -----------------------------------------------------------------------------

    def arrow(
        self, points: Sequence[Point], colour: Colour | None = None, *, both: bool = False
    ) -> None:
        """A polyline ending in an arrow head (at both ends with `both`)."""
        colour = colour or self.palette.motion
        body = list(points)
        head = 16.0
        # stop the shaft short of the tip so the round cap does not poke through the head
        body[-1] = _towards(body[-1], body[-2], head * 0.6)
        if both:
            body[0] = _towards(body[0], body[1], head * 0.6)
        self.line(body, colour, ARROW)
        self._head(points[-2], points[-1], colour, head)
        if both:
            self._head(points[1], points[0], colour, head)

    def arc_arrow(
        self,
        centre: Point,
        radius: float,
        start_deg: float,
        end_deg: float,
        colour: Colour | None = None,
        *,
        both: bool = False,
    ) -> None:
        """An arrow along a circular arc; angles in degrees, 0 = right, 90 = down (screen)."""
        steps = max(8, int(abs(end_deg - start_deg) / 4))
        points = [
            (
                centre[0] + radius * math.cos(math.radians(a)),
                centre[1] + radius * math.sin(math.radians(a)),
            )
            for a in (start_deg + (end_deg - start_deg) * i / steps for i in range(steps + 1))
        ]
        self.arrow(points, colour, both=both)

    def _head(self, before: Point, tip: Point, colour: Colour, size: float) -> None:
        angle = math.atan2(tip[1] - before[1], tip[0] - before[0])
        spread = math.radians(28)
        left = (
            tip[0] - size * math.cos(angle - spread),
            tip[1] - size * math.sin(angle - spread),
        )
        right = (
            tip[0] - size * math.cos(angle + spread),
            tip[1] - size * math.sin(angle + spread),
        )
        self.polygon([tip, left, right], colour)

    # --- body parts -------------------------------------------------------------------------

    def head(
        self,
        centre: Point,
        *,
        radius: float = 24,
        facing: float | None = None,
        eyes: str = "open",
        ghost: bool = False,
    ) -> None:
        """A head. `facing`: None = towards the viewer; else the direction (degrees, screen
        angles) a side view looks in. `eyes`: "open", "closed" or "none"."""
        pal = self.palette
        ink = pal.ghost if ghost else pal.figure
        self.circle(centre, radius, None if ghost else pal.skin, ink, THIN)
        if ghost or eyes == "none":
            return
        cx, cy = centre
        if facing is None:
            for dx in (-9, 9):
                self._eye((cx + dx, cy - 2), eyes, ink)
            self.line([(cx - 6, cy + 10), (cx + 6, cy + 10)], ink, 3)
            return
        a = math.radians(facing)
        ux, uy = math.cos(a), math.sin(a)
        # the nose, a small bump on the face side
        nose = (cx + ux * (radius + 5), cy + uy * (radius + 5))
        base = (cx + ux * (radius - 2), cy + uy * (radius - 2))
        side = (-uy * 5, ux * 5)
        self.polygon(
            [nose, (base[0] + side[0], base[1] + side[1]), (base[0] - side[0], base[1] - side[1])],
            ink,
        )
        # the eye sits towards the face, a little above the nose line
        up = (uy, -ux) if ux >= 0 else (-uy, ux)
        eye = (cx + ux * 11 + up[0] * 7, cy + uy * 11 + up[1] * 7)
        self._eye(eye, eyes, ink)

    def _eye(self, at: Point, eyes: str, ink: Colour) -> None:
        if eyes == "closed":
            self.line([(at[0] - 4, at[1]), (at[0] + 4, at[1])], ink, 3)
        else:
            self.circle(at, 3.2, ink)

    def limbs(self, *chains: Sequence[Point], ghost: bool = False) -> None:
        """Body, arms and legs as thick lines."""
        colour = self.palette.ghost if ghost else self.palette.figure
        for chain in chains:
            self.line(chain, colour, LIMB)

    # --- furniture --------------------------------------------------------------------------

    def chair(self, seat: Point, *, facing_right: bool = True) -> None:
        """A side-view office chair whose seat's front edge is at `seat`."""
        f = self.palette.furniture
        x, y = seat
        back = x - 52 if facing_right else x + 52
        self.line([(x, y), (back, y)], f, 9)
        self.line([(back, y), (back - (6 if facing_right else -6), y - 66)], f, 9)
        mid = (x + back) / 2
        self.line([(mid, y), (mid, y + 42)], f, 7)
        self.line([(mid - 26, y + 46), (mid + 26, y + 46)], f, 7)

    def desk_and_screen(self, edge: Point, *, facing_left: bool = True) -> None:
        """A desk whose near edge is at `edge`, with a screen on it facing the sitter."""
        f = self.palette.furniture
        x, y = edge
        far = x + 110 if facing_left else x - 110
        self.line([(x, y), (far, y)], f, 8)
        self.line(
            [(far - (8 if facing_left else -8), y), (far - (8 if facing_left else -8), y + 82)],
            f,
            7,
        )
        sx = x + 62 if facing_left else x - 62
        self.line([(sx, y), (sx, y - 16)], f, 6)
        self.box(sx - 4, y - 78, sx + 10, y - 16, f, radius=3) if facing_left else self.box(
            sx - 10, y - 78, sx + 4, y - 16, f, radius=3
        )

    def floor(self, y: float = 262) -> None:
        self.line([(34, y), (366, y)], self.palette.furniture, 4)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _towards(point: Point, other: Point, by: float) -> Point:
    """`point` moved `by` units towards `other`."""
    length = math.dist(point, other)
    if length == 0:
        return point
    t = min(1.0, by / length)
    return _lerp(point, other, t)
