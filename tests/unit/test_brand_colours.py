"""Where an organisation's accent may go on our windows (brand_colours.py, Rules 1-3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.brand_colours import (
    DARK_TEXT,
    MUTED_TEXT,
    OWN_ACCENT,
    WHITE,
    AccentUse,
    accent_use,
    contrast_ratio,
    mix,
    rgb,
)

colours = st.tuples(*[st.integers(0, 255)] * 3).map(lambda c: "#{:02X}{:02X}{:02X}".format(*c))


def test_contrast_ratio_is_wcags_black_on_white_21_and_the_same_colour_1() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#2E5478", "#2E5478") == pytest.approx(1.0)
    # WCAG's own worked figure: #767676 on white is the lightest grey passing 4.5:1
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


def test_no_accent_set_keeps_our_own_colours() -> None:
    assert accent_use(None) == AccentUse(
        fill=OWN_ACCENT, on_fill=WHITE, bar=OWN_ACCENT, attribution=OWN_ACCENT
    )


def test_a_dark_accent_fills_the_button_with_a_white_label_and_writes_the_attribution() -> None:
    assert accent_use("#7a1f5c") == AccentUse(
        fill="#7A1F5C", on_fill=WHITE, bar="#7A1F5C", attribution="#7A1F5C"
    )


def test_a_light_accent_fills_the_button_with_dark_text_and_leaves_the_rest_to_us() -> None:
    # a warm yellow: dark text reads on it, but on white it is neither text nor a visible bar
    assert accent_use("#FFC83D") == AccentUse(
        fill="#FFC83D", on_fill=DARK_TEXT, bar=OWN_ACCENT, attribution=MUTED_TEXT
    )


def test_a_mid_tone_accent_that_neither_label_reads_on_is_not_used_for_the_button() -> None:
    # #8A8A8A: 3.4:1 with white, 4.2:1 with our dark text: no label reads on it
    use = accent_use("#8A8A8A")
    assert (use.fill, use.on_fill, use.bar) == (OWN_ACCENT, WHITE, OWN_ACCENT)
    assert use.attribution == MUTED_TEXT


def test_a_malformed_accent_keeps_our_own_colours() -> None:
    assert accent_use("teal") == accent_use(None)


@given(colours)
def test_whatever_the_accent_the_button_label_reads_and_the_bar_shows(accent: str) -> None:
    use = accent_use(accent)
    assert contrast_ratio(use.fill, use.on_fill) >= 4.5
    assert contrast_ratio(use.bar, WHITE) >= 3.0
    assert contrast_ratio(use.attribution, WHITE) >= 4.5
    assert use.fill in {accent, OWN_ACCENT}


def test_mix_moves_part_of_the_way_between_two_colours() -> None:
    assert mix("#000000", "#FFFFFF", 0.5) == "#808080"
    assert mix("#2E5478", "#FFFFFF", 0.0) == "#2E5478"
    assert rgb(mix("#2E5478", "#FFFFFF", 1.0)) == (255, 255, 255)


def test_rgb_names_what_it_expected() -> None:
    with pytest.raises(ValueError, match="expected '#' and six hex digits like #2E5478, got 'red'"):
        rgb("red")
