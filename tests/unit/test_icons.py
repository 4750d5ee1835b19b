"""The icons: every state draws differently, and icons/ holds exactly what the code draws now."""

from __future__ import annotations

import io
import re
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

from posture_guard.core.traymodel import PROGRESS_STEPS, IconMode, IconState
from posture_guard.ui import icons, tray_images
from posture_guard.ui.tray import backend_image

ICONS = Path(__file__).resolve().parents[2] / "icons"


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.mode == b.mode and a.size == b.size and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("size", icons.APP_ICON_SIZES)
def test_committed_app_icon_png_equals_what_the_code_draws(size):
    with Image.open(ICONS / f"posture-guard-{size}.png") as committed:
        assert same_pixels(committed.convert("RGBA"), icons.draw_icon(icons.APP_ICON, size)), (
            "icons/ is stale: run `python -m posture_guard.ui.icons`"
        )


def test_committed_ico_holds_every_size_as_drawn():
    with Image.open(ICONS / "posture-guard.ico") as ico:
        assert ico.info["sizes"] == {(s, s) for s in icons.APP_ICON_SIZES}
        for size in icons.APP_ICON_SIZES:
            ico.size = (size, size)
            ico.load()
            assert same_pixels(ico.convert("RGBA"), icons.draw_icon(icons.APP_ICON, size)), size


def test_icons_folder_has_only_generated_files(tmp_path):
    written = {p.name for p in icons.write_app_icons(tmp_path)}
    app_files = {p.name for p in ICONS.glob("posture-guard*")}
    assert app_files == written


STATES = [
    *(IconState(mode=IconMode.ACTIVE, step=s) for s in (0, 1, 6, PROGRESS_STEPS)),
    *(IconState(mode=m) for m in IconMode if m is not IconMode.ACTIVE),
    IconState(mode=IconMode.ACTIVE, step=6, badge=True),
]


def test_every_icon_state_looks_different_at_tray_size():
    drawn = [icons.draw_icon(s, 24) for s in STATES]
    for (a, ia), (b, ib) in combinations(zip(STATES, drawn, strict=True), 2):
        assert not same_pixels(ia, ib), f"{a} and {b} look the same"


def test_opaque_icons_are_rgb_with_no_black_corners():
    image = icons.draw_icon(IconState(mode=IconMode.PAUSED), 24, opaque=True)
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == icons.OPAQUE_BACKGROUND


def test_transparent_icons_have_clear_corners_and_a_solid_middle():
    image = icons.draw_icon(IconState(mode=IconMode.DUE), 32)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((16, 4))[3] == 255


def test_drawing_is_deterministic():
    state = IconState(mode=IconMode.ACTIVE, step=7, badge=True)
    assert same_pixels(icons.draw_icon(state, 64), icons.draw_icon(state, 64))


def test_the_packaged_notice_icon_is_the_app_icon_as_drawn():
    # Protects: the icon a notice names where no theme has ours (desktop/notify.py rule 6) is
    # the app icon as drawn now, and it ships in the package beside notify.py
    from posture_guard.desktop.notify import PACKAGED_ICON

    assert icons.NOTICE_ICON == PACKAGED_ICON
    with Image.open(PACKAGED_ICON) as committed:
        drawn = icons.draw_icon(icons.APP_ICON, icons.NOTICE_ICON_SIZE)
        assert same_pixels(committed.convert("RGBA"), drawn), (
            "notice-icon.png is stale: run `python -m posture_guard.ui.icons`"
        )


def test_committed_tray_images_equal_what_the_code_draws():
    assert icons.TRAY_SPRITES == tray_images.SPRITES
    assert icons.TRAY_SPRITE_SIZE == tray_images.SIZE
    assert icons.TRAY_SPRITE_HEADER == tray_images._HEADER
    for state in icons.every_tray_state():
        for opaque in (False, True):
            drawn = icons.draw_icon(state, icons.TRAY_SPRITE_SIZE, opaque=opaque)
            picture = tray_images.tray_image(state, opaque=opaque)
            assert (picture.mode, picture.size, picture.raw) == (
                drawn.mode,
                drawn.size,
                drawn.tobytes(),
            ), f"tray-icons.bin is stale for {state}: run `python -m posture_guard.ui.icons`"


def test_every_tray_state_the_model_can_make_has_an_image():
    states = set(icons.every_tray_state())
    assert len(states) == 2 * (PROGRESS_STEPS + 1 + len(IconMode) - 1)
    assert IconState(mode=IconMode.OFF_HOURS, badge=True) in states
    assert IconState(mode=IconMode.ACTIVE, step=PROGRESS_STEPS, badge=True) in states


@pytest.mark.parametrize("opaque", [False, True])
def test_a_tray_picture_saves_as_a_png_that_pillow_reads_back_pixel_for_pixel(opaque):
    """pystray's GTK backends hand the panel a PNG file written by Picture.save (no Pillow in
    the tray process); Pillow's own decoder must read the very same pixels."""
    state = IconState(mode=IconMode.ACTIVE, step=5, badge=True)
    picture = tray_images.tray_image(state, opaque=opaque)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    buffer.seek(0)
    with Image.open(buffer) as read:
        assert read.format == "PNG"
        assert (read.mode, read.size, read.tobytes()) == (picture.mode, picture.size, picture.raw)


def test_a_tray_picture_refuses_a_format_it_cannot_write():
    picture = tray_images.tray_image(IconState(mode=IconMode.PAUSED))
    with pytest.raises(ValueError, match="expected format PNG, got 'ICO'"):
        picture.save(io.BytesIO(), "ICO")


@pytest.mark.parametrize("size", [(64, 64), (24, 24), (22, 22), (16, 16), (48, 30), (96, 96)])
def test_a_scaled_tray_picture_matches_pillows_box_filter(size):
    """The xorg tray scales the picture to the window the tray host gives it; the result is
    Pillow's BOX resampling of the same image, give or take rounding."""
    picture = tray_images.tray_image(IconState(mode=IconMode.DUE), opaque=True)
    reference = Image.frombytes("RGB", picture.size, picture.raw).resize(size, Image.Resampling.BOX)
    ours = b"".join(picture.scaled(*size))
    assert len(ours) == len(reference.tobytes())
    worst = max(abs(a - b) for a, b in zip(ours, reference.tobytes(), strict=True))
    assert worst <= 1


@pytest.mark.parametrize("backend", ["appindicator", "gtk", "xorg"])
def test_the_linux_tray_backends_get_our_picture(backend):
    image = backend_image(backend, IconState(mode=IconMode.ACTIVE), opaque=backend == "xorg")
    assert isinstance(image, tray_images.Picture)


@pytest.mark.parametrize("backend", ["win32", "darwin"])
def test_the_windows_and_macos_tray_backends_get_a_pillow_image_they_can_save_and_resize(backend):
    """pystray's win32 backend saves the icon as an ICO file; darwin resizes it to the menu bar."""
    state = IconState(mode=IconMode.PAUSED)
    image = backend_image(backend, state)
    assert isinstance(image, Image.Image)
    assert image.tobytes() == tray_images.tray_image(state).raw
    buffer = io.BytesIO()
    image.save(buffer, format="ICO")
    assert buffer.getvalue()[:4] == b"\0\0\1\0"  # an icon resource
    assert image.resize((22, 22)).size == (22, 22)


def test_zpixmap_rows_are_the_scaled_pixels_in_the_servers_byte_order():
    picture = tray_images.tray_image(IconState(mode=IconMode.DUE), opaque=True)
    rgb = picture.scaled(24, 24)
    lsb = picture.zpixmap_rows(24, 24, 0)
    msb = picture.zpixmap_rows(24, 24, 1)
    assert len(lsb) == len(msb) == 24
    for row, low, high in zip(rgb, lsb, msb, strict=True):
        for x in range(24):
            r, g, b = row[3 * x : 3 * x + 3]
            assert low[4 * x : 4 * x + 3] == bytes((b, g, r))
            assert high[4 * x : 4 * x + 3] == bytes((r, g, b))


def test_the_symbolic_icon_is_the_tray_figure_in_one_colour_and_committed_as_drawn():
    """Issue 13: a monochrome symbolic variant of the app icon, drawn from the same figure as
    the tray's, in the one grey that themes recolour; icons/ holds what the code draws now."""
    svg = icons.symbolic_svg()
    assert (ICONS / icons.SYMBOLIC_NAME).read_text(encoding="utf-8") == svg, (
        "icons/ is stale: run `python -m posture_guard.ui.icons`"
    )
    colours = set(re.findall(r"#[0-9a-f]{6}", svg))
    assert colours == {icons.SYMBOLIC_GREY}
    shapes = svg.count("<circle") + svg.count("<line")
    assert shapes == len(icons.SEATED)


def test_the_working_icon_is_a_seated_figure_not_a_round_avatar():
    """Issue 13: the glyph read as an account avatar, a head over round shoulders: a bust,
    the same in a mirror. The seated figure faces one way: its mirror image differs in a good
    part of its ink."""
    figure = icons.draw_icon(IconState(mode=IconMode.DUE), 64)  # a dark figure on amber

    def ink(image: Image.Image) -> set[tuple[int, int]]:
        return {
            (x, y)
            for x in range(64)
            for y in range(64)
            if (pixel := image.getpixel((x, y)))[3] > 200 and pixel[0] < 120
        }

    mine = ink(figure)
    mirrored = ink(figure.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    assert len(mine ^ mirrored) > 0.5 * len(mine), (len(mine ^ mirrored), len(mine))
