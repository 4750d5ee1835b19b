"""One picture per exercise of the catalogue, drawn with the kit in pose.py.

Each drawing shows the end position in the figure's colour, the start position as a pale
"ghost" where it helps, and the motion as warm-coloured arrows. `draw(exercise_id)` makes the
picture at any width; `icons/exercises/<id>.png` are copies written by `python -m
posture_guard.art` and kept equal to this code by a test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from PIL import Image

from posture_guard.art.pose import CALM, Canvas, Palette, Point

#: The width of the committed PNGs (the height follows the 4:3 canvas).
PICTURE_WIDTH: Final = 400


def _rot(pivot: Point, point: Point, degrees: float) -> Point:
    """`point` turned about `pivot` by `degrees` (clockwise on screen)."""
    a = math.radians(degrees)
    dx, dy = point[0] - pivot[0], point[1] - pivot[1]
    return (
        pivot[0] + dx * math.cos(a) - dy * math.sin(a),
        pivot[1] + dx * math.sin(a) + dy * math.cos(a),
    )


# --- figures -------------------------------------------------------------------------------


def _seated(c: Canvas, x: float, *, head_tilt: float = 0, ghost: bool = False) -> Point:
    """A person seated facing right whose hip is at x; returns the eye position."""
    hip, neck = (x, 196.0), (x + 6, 124.0)
    c.limbs(
        [hip, neck],
        [hip, (x + 60, 196), (x + 64, 256)],
        [(x + 5, 132), (x + 18, 174), (x + 58, 168)],
        ghost=ghost,
    )
    centre = _rot(neck, (x + 8, 96), head_tilt)
    c.limbs([neck, _rot(neck, (x + 7, 112), head_tilt)], ghost=ghost)
    c.head(centre, facing=head_tilt, ghost=ghost)
    return (centre[0] + 11, centre[1] - 7)


#: The close-up of a seated person from the side: the head lands near (200, 95).
_CLOSE_UP: Final = (1.4, (53.0, 98.5))


def _side_close_up(
    c: Canvas,
    *,
    tilt: float = 0,
    shift: float = 0,
    ghost_shift: float | None = None,
    ghost_tilt: float = 0,
) -> Point:
    """A seated person from the side, close up on head and shoulders; returns the head centre
    (in the seated figure's own units, for arrows drawn inside the same close-up)."""
    c.chair((170, 204))
    if ghost_shift is not None:
        neck = (156.0 + ghost_shift, 124.0)
        centre = _rot(neck, (158 + ghost_shift, 96), ghost_tilt)
        c.limbs([neck, _rot(neck, (157 + ghost_shift, 112), ghost_tilt)], ghost=True)
        c.head(centre, facing=ghost_tilt, ghost=True)
    hip, neck = (150.0, 196.0), (156.0 + shift, 124.0)
    c.limbs(
        [hip, neck],
        [hip, (210, 196), (214, 256)],
        [(155 + shift * 0.5, 132), (168, 174), (208, 168)],
    )
    centre = _rot(neck, (158 + shift, 96), tilt)
    c.limbs([neck, _rot(neck, (157 + shift, 112), tilt)])
    c.head(centre, facing=tilt)
    return centre


def _front_bust(
    c: Canvas,
    *,
    tilt: float = 0,
    shoulders_up: float = 0,
    face: float | None = None,
    eyes: str = "open",
    right_arm: list[Point] | None = None,
) -> Point:
    """Head and shoulders from the front; `tilt` leans the head (degrees, + = to the picture's
    right); returns the head centre."""
    neck = (200.0, 172.0)
    left, right = (140.0, 186.0 - shoulders_up), (260.0, 186.0 - shoulders_up)
    c.limbs(
        [neck, (200, 262)],
        [left, neck, right],
        [left, (128, 262)],
        right_arm or [right, (272, 262)],
    )
    centre = _rot(neck, (200, 112), tilt)
    c.limbs([neck, _rot(neck, (200, 140), tilt)])
    c.head(centre, radius=36, facing=face, eyes=eyes)
    return centre


def _standing(
    c: Canvas, x: float, *, arm: list[Point] | None = None, stride: float = 0, ghost: bool = False
) -> Point:
    """A person standing facing right with feet on the floor (y 262); returns the shoulder."""
    hip, neck, shoulder = (x, 176.0), (x + 2, 100.0), (x + 2, 108.0)
    c.limbs(
        [hip, neck],
        [hip, (x + stride * 0.6, 220), (x + stride, 260)],
        [hip, (x - stride * 0.4, 220), (x - stride * 0.8, 260)],
        arm or [shoulder, (x + 4, 142), (x + 8, 176)],
        ghost=ghost,
    )
    c.limbs([neck, (x + 3, 86)], ghost=ghost)
    c.head((x + 4, 66), radius=22, facing=0, ghost=ghost)
    return shoulder


# --- the pictures --------------------------------------------------------------------------


def _distance_gaze(c: Canvas) -> None:
    pal = c.palette
    # a window far away with a hill and the sun in it
    c.box(286, 44, 370, 150, pal.furniture, radius=6)
    c.box(294, 52, 362, 142, pal.detail, radius=3)
    c.polygon([(294, 142), (320, 104), (344, 126), (362, 112), (362, 142)], pal.ghost)
    c.circle((346, 74), 9, pal.motion)
    c.chair((130, 204))
    c.desk_and_screen((170, 190))
    eye = _seated(c, 100, head_tilt=-6)
    c.dashed(eye, (270, 84), pal.motion)
    c.arrow([(262, 85), (282, 84)])


def _blink_reset(c: Canvas) -> None:
    pal = c.palette
    for centre, eyes in (((112.0, 148.0), "open"), ((288.0, 148.0), "closed")):
        c.circle(centre, 66, pal.skin, pal.figure, 5)
        x, y = centre
        for dx in (-24, 24):
            if eyes == "open":
                c.circle((x + dx, y - 8), 12, pal.detail, pal.figure, 4)
                c.circle((x + dx, y - 8), 6, pal.figure)
            else:
                c.line(
                    [
                        (x + dx - 13, y - 10),
                        (x + dx - 6, y - 4),
                        (x + dx + 6, y - 4),
                        (x + dx + 13, y - 10),
                    ],
                    pal.figure,
                    5,
                )
        c.line([(x - 14, y + 32), (x, y + 38), (x + 14, y + 32)], pal.figure, 4)
    c.arc_arrow((200, 148), 52, 222, 318)
    c.arc_arrow((200, 148), 52, 42, 138)


def _posture_reset(c: Canvas) -> None:
    pal = c.palette
    c.chair((150, 204))
    c.desk_and_screen((200, 190))
    eye = _seated(c, 120, head_tilt=6)
    c.dashed(eye, (258, 142), pal.motion)
    # shoulders drop
    c.arrow([(98, 110), (98, 146)])
    # arm's length, eye to screen
    c.arrow([(148, 54), (258, 54)], both=True)


def _neck_forward_tilt(c: Canvas) -> None:
    with c.zoomed(*_CLOSE_UP):
        _side_close_up(c, tilt=36, ghost_shift=0)
        c.arc_arrow((156, 124), 64, -70, -22)


def _neck_side_tilt(c: Canvas) -> None:
    c.head((200, 112), radius=36, eyes="none", ghost=True)
    _front_bust(c, tilt=26)
    c.arc_arrow((200, 172), 112, -120, -60, both=True)


def _neck_turn(c: Canvas) -> None:
    _front_bust(c, face=0)
    c.arc_arrow((200, 112), 62, 200, 340, both=True)


def _chin_glide(c: Canvas) -> None:
    with c.zoomed(*_CLOSE_UP):
        _side_close_up(c, shift=-4, ghost_shift=12)
        c.arrow([(236, 110), (204, 110)])


def _assisted_side_stretch(c: Canvas) -> None:
    _front_bust(c, tilt=28, right_arm=[(260, 186), (300, 118), (262, 84), (228, 72)])
    c.arc_arrow((200, 172), 118, -66, -36)
    # the other shoulder stays down
    c.arrow([(126, 132), (126, 172)])


def _shrug_and_drop(c: Canvas) -> None:
    c.limbs([(140, 158), (200, 168), (260, 158)], ghost=True)
    _front_bust(c)
    for x in (116, 284):
        c.arrow([(x, 196), (x, 146)])
        c.arrow([(x + (14 if x > 200 else -14), 146), (x + (14 if x > 200 else -14), 196)])


def _shoulder_rolls(c: Canvas) -> None:
    with c.zoomed(*_CLOSE_UP):
        _side_close_up(c)
        c.arc_arrow((157, 132), 17, 150, 440)


def _shoulder_blade_squeeze(c: Canvas) -> None:
    pal = c.palette
    c.limbs(
        [(200, 172), (200, 262)],
        [(140, 186), (200, 172), (260, 186)],
        [(140, 186), (128, 262)],
        [(260, 186), (272, 262)],
    )
    c.limbs([(200, 172), (200, 140)])
    c.head((200, 112), radius=36, eyes="none")
    for side in (-1, 1):
        x = 200 + side * 34
        c.polygon([(x, 200), (x + side * 26, 200), (x + side * 4, 244)], pal.ghost)
        c.arrow([(200 + side * 84, 218), (200 + side * 46, 226)])


def _doorway_chest_stretch(c: Canvas) -> None:
    pal = c.palette
    c.floor()
    c.line([(232, 30), (232, 262)], pal.furniture, 14)
    _standing(c, 182, stride=0, ghost=True)
    _standing(c, 204, stride=44, arm=[(206, 108), (236, 112), (238, 70)])
    c.arrow([(246, 150), (296, 150)])


def _band_arm_raise(c: Canvas) -> None:
    pal = c.palette
    c.floor()
    c.limbs([(182, 108), (190, 176)], ghost=True)
    _standing(c, 180, stride=20, arm=[(182, 108), (222, 108), (262, 106)])
    c.line([(196, 262), (262, 106)], pal.motion, 3)
    c.arc_arrow((182, 108), 92, 80, 10)


def _stand_and_walk(c: Canvas) -> None:
    pal = c.palette
    c.floor()
    c.chair((110, 200))
    _standing(c, 220, stride=46, arm=[(222, 108), (246, 142), (262, 166)])
    c.limbs([(222, 108), (206, 142), (192, 170)])
    for y in (88, 120, 152):
        c.line([(150, y), (176, y)], pal.ghost, 5)
    c.arrow([(262, 240), (330, 240)])


def _warmth_and_gentle_movement(c: Canvas) -> None:
    pal = c.palette
    head = _front_bust(c, tilt=-8)
    # the wrapped heat pack across the back of the neck
    c.box(204, 158, 262, 188, pal.motion, radius=12)
    c.line([(216, 173), (250, 173)], pal.detail, 3)
    for x in (278, 296):
        c.line([(x - 5, 166), (x + 4, 154), (x - 5, 142), (x + 4, 130)], pal.motion, 4)
    c.arc_arrow(head, 60, 215, 325, both=True)


def _lying_chin_nod(c: Canvas) -> None:
    pal = c.palette
    c.box(40, 222, 360, 236, pal.furniture, radius=6)
    c.circle((118, 212), 11, pal.ghost, pal.figure, 3)
    c.limbs(
        [(120, 204), (250, 204)],
        [(250, 204), (296, 162), (336, 214)],
        [(132, 204), (196, 212), (226, 212)],
    )
    c.limbs([(120, 204), (100, 200)])
    c.head((80, 188), radius=22, facing=-70)
    c.arc_arrow((80, 188), 40, -80, -10)


DRAWINGS: Final[Mapping[str, Callable[[Canvas], None]]] = {
    "distance-gaze": _distance_gaze,
    "blink-reset": _blink_reset,
    "posture-reset": _posture_reset,
    "neck-forward-tilt": _neck_forward_tilt,
    "neck-side-tilt": _neck_side_tilt,
    "neck-turn": _neck_turn,
    "chin-glide": _chin_glide,
    "assisted-side-stretch": _assisted_side_stretch,
    "shrug-and-drop": _shrug_and_drop,
    "shoulder-rolls": _shoulder_rolls,
    "shoulder-blade-squeeze": _shoulder_blade_squeeze,
    "doorway-chest-stretch": _doorway_chest_stretch,
    "band-arm-raise": _band_arm_raise,
    "stand-and-walk": _stand_and_walk,
    "warmth-and-gentle-movement": _warmth_and_gentle_movement,
    "lying-chin-nod": _lying_chin_nod,
}


def draw(exercise_id: str, width: int = PICTURE_WIDTH, palette: Palette = CALM) -> Image.Image:
    """The picture of one exercise, `width` pixels wide (RGB, 4:3).

    Raises:
        KeyError: no picture is drawn for this id.
    """
    canvas = Canvas(palette, width)
    DRAWINGS[exercise_id](canvas)
    return canvas.finish()


def write_pictures(folder: Path) -> list[Path]:
    """Write `<id>.png` for every drawing into `folder` (created if missing); the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise_id in DRAWINGS:
        path = folder / f"{exercise_id}.png"
        draw(exercise_id).save(path, optimize=True)
        written.append(path)
    return written
