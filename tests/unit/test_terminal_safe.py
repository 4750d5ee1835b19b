"""What the CLI prints of user text cannot drive the terminal (escape sequences, bidi)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.errors import format_value, terminal_safe


def test_terminal_safe_spells_out_escape_sequences_and_bidi_overrides() -> None:
    assert terminal_safe("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert terminal_safe("x\u202ey") == "x\\u202ey"
    assert terminal_safe("bell\x07 and del\x7f") == "bell\\x07 and del\\x7f"


def test_terminal_safe_keeps_ordinary_text_emoji_joiners_and_asked_for_newlines() -> None:
    text = "Nacken steif, 肩こり, 👩‍💻 at the desk"
    assert terminal_safe(text) == text
    assert terminal_safe("one\ntwo", keep_newlines=True) == "one\ntwo"
    assert terminal_safe("one\ntwo\t") == "one\\ntwo\\t"


def test_format_value_shows_a_control_character_in_a_message_spelled_out() -> None:
    assert format_value("5\x1b[31m") == '"5\\x1b[31m"'


@given(st.text())
def test_terminal_safe_output_has_no_control_or_format_characters(text: str) -> None:
    shown = terminal_safe(text)
    assert all(
        unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp") or ch in "\u200c\u200d"
        for ch in shown
    )
