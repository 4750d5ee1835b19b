"""Every text colour of the windows reads at WCAG's 4.5:1 on the colour it is drawn on, and the
focus ring stands out at 3:1 (non-text contrast), in the usual look, in high contrast, and with
any organisation's accent (the break window, the forms and the info windows alike)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.brand_colours import contrast_ratio
from posture_guard.core.break_view import colours_for
from posture_guard.core.form_view import Look

TEXT = 4.5
NON_TEXT = 3.0
accents = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")


def _break_pairs(high_contrast: bool, accent: str) -> list[tuple[str, str, str, float]]:
    c = colours_for(high_contrast=high_contrast, accent=accent)
    return [
        ("text on card", c.text, c.card, TEXT),
        ("muted on card", c.muted, c.card, TEXT),
        ("text on page (other monitors)", c.text, c.page, TEXT),
        ("muted on page", c.muted, c.page, TEXT),
        ("attribution on card", c.attribution, c.card, TEXT),
        ("primary button", c.on_accent, c.accent, TEXT),
        ("button text", c.text, c.button, TEXT),
        ("focus ring on card", c.focus, c.card, NON_TEXT),
    ]


def _form_pairs(high_contrast: bool, accent: str) -> list[tuple[str, str, str, float]]:
    look = Look.of(high_contrast=high_contrast, accent=accent)
    return [
        ("text", look.text, look.page, TEXT),
        ("muted", look.muted, look.page, TEXT),
        ("error", look.error, look.page, TEXT),
        ("text in a field", look.text, look.field, TEXT),
        ("attribution", look.attribution, look.page, TEXT),
        ("primary button", look.on_accent, look.accent, TEXT),
        ("focus ring", look.focus, look.page, NON_TEXT),
    ]


def _too_low(pairs: list[tuple[str, str, str, float]]) -> list[str]:
    return [
        f"{name}: {fg} on {bg} is {contrast_ratio(fg, bg):.2f}:1, below {need}:1"
        for name, fg, bg, need in pairs
        if contrast_ratio(fg, bg) < need
    ]


@given(accent=accents, high_contrast=st.booleans())
def test_the_break_window_reads_at_4_5_to_1_with_any_accent(accent, high_contrast):
    assert _too_low(_break_pairs(high_contrast, accent)) == []


@given(accent=accents, high_contrast=st.booleans())
def test_the_forms_and_info_windows_read_at_4_5_to_1_with_any_accent(accent, high_contrast):
    assert _too_low(_form_pairs(high_contrast, accent)) == []
