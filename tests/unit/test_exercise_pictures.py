"""Every exercise has a picture, drawn by code, and the committed PNGs are what the code draws."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from posture_guard.art.exercises import DRAWINGS, PICTURE_WIDTH, draw
from posture_guard.art.pose import CALM, HIGH_CONTRAST
from posture_guard.core.exercises import load_catalogue

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue()


def test_every_catalogue_exercise_has_a_drawing_and_no_drawing_is_orphaned():
    assert set(DRAWINGS) == {e.id for e in CATALOGUE.exercises}


@pytest.mark.parametrize("exercise", CATALOGUE.exercises, ids=lambda e: e.id)
def test_committed_picture_equals_what_the_code_draws(exercise):
    path = REPO / exercise.picture
    assert exercise.picture == f"icons/exercises/{exercise.id}.png"
    assert path.is_file(), f"{path} is missing: run `python -m posture_guard.art`"
    with Image.open(path) as committed:
        diff = ImageChops.difference(committed.convert("RGB"), draw(exercise.id))
    assert diff.getbbox() is None, (
        f"{path} differs from the drawing code: run `python -m posture_guard.art` and look at it"
    )


@pytest.mark.parametrize("exercise_id", sorted(DRAWINGS))
def test_picture_shows_figure_and_motion_colours(exercise_id):
    """A picture that lost its figure or its arrows would still be a valid PNG; count colours."""
    image = draw(exercise_id)
    assert image.size == (PICTURE_WIDTH, PICTURE_WIDTH * 3 // 4)
    colours = {c for _n, c in image.getcolors(maxcolors=1 << 20)}
    assert CALM.figure in colours
    assert CALM.motion in colours


def test_high_contrast_picture_uses_the_high_contrast_palette():
    image = draw("neck-turn", 300, HIGH_CONTRAST)
    colours = {c for _n, c in image.getcolors(maxcolors=1 << 20)}
    assert HIGH_CONTRAST.figure in colours
    assert HIGH_CONTRAST.motion in colours
    assert CALM.panel not in colours
