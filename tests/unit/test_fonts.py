"""desktop/fonts.py: which font files of this computer can draw a character (the PDF report's
fallbacks for scripts its own fonts lack). fc-list's answer parsed from plain text; the lookup
asked of the real fontconfig, and character maps read from a real font collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from posture_guard.desktop import fonts
from posture_guard.desktop.fonts import FontFile, covers, fonts_for, parse_fc_list


def test_fc_list_lines_give_outline_faces_in_order_without_repeats() -> None:
    output = (
        "/f/wqy-microhei.ttc|0|TrueType\n"
        "/f/wqy-microhei.ttc|1|TrueType\n"
        "/f/misc/bitmap.pcf.gz|0|PCF\n"  # a bitmap font cannot be embedded (Rule 2)
        "/f/NotoSansCJK.otf|2|CFF\n"
        "/f/wqy-microhei.ttc|0|TrueType\n"  # said twice: kept once
        "garbage line\n"
        "/f/odd|x|TrueType\n"
        "\n"
    )
    assert parse_fc_list(output) == [
        FontFile(Path("/f/wqy-microhei.ttc"), 0),
        FontFile(Path("/f/wqy-microhei.ttc"), 1),
        FontFile(Path("/f/NotoSansCJK.otf"), 2),
    ]


def test_a_file_name_with_the_separator_in_it_is_kept_whole() -> None:
    assert parse_fc_list("/f/a|b.ttf|0|TrueType\n") == [FontFile(Path("/f/a|b.ttf"), 0)]


def test_one_character_is_asked_for_at_a_time() -> None:
    with pytest.raises(ValueError, match=r"^char: expected one character, got 'ab'$"):
        fonts_for("ab")


def test_fontconfig_here_finds_a_font_that_really_draws_chinese() -> None:
    found = fonts_for("中")
    assert found, "no font here draws 中: tests/run.sh installs one (fonts-wqy-microhei)"
    assert covers(found[0], "中")  # its own character map agrees with fontconfig


def test_covers_reads_a_face_of_a_collection_and_refuses_a_broken_file(tmp_path: Path) -> None:
    (face,) = [f for f in fonts_for("中") if f.path.suffix == ".ttc"][:1] or [None]
    if face is not None:
        assert covers(FontFile(face.path, 1), "中")
        assert fonts._faces_in(face.path) >= 2
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert not covers(FontFile(broken), "a")
    assert fonts._faces_in(broken) == 0
    assert not covers(FontFile(tmp_path / "missing.ttf"), "a")


def test_nothing_found_for_a_character_no_font_has() -> None:
    assert fonts_for("\U0010fffd") == []
