"""Font files on this computer that can draw a character: the PDF report's fallbacks for the
scripts its own fonts lack (Chinese, Japanese, Korean, Arabic, Thai, ...), so that a note written
in them comes out as text, not as "?".

Rule 1: on Linux and the BSDs fontconfig answers (`fc-list :charset=...`), as every desktop there
        asks it; on Windows and macOS, the fonts those systems ship for other scripts, each
        checked against its own character map (fontTools, which fpdf2 already needs).
Rule 2: only outline fonts (TrueType, CFF) are offered: bitmap and colour-only fonts cannot be
        embedded by the PDF writer.
Rule 3: a lookup never fails the caller: no fontconfig, an unreadable file or a broken font
        means "no font found".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

#: fc-list's answer: one font per line as "<file>|<face index>|<format>".
_FC_FORMAT: Final = "%{file}|%{index}|%{fontformat}\n"
_OUTLINE_FORMATS: Final = frozenset({"TrueType", "CFF"})
_FC_TIMEOUT_S: Final = 10.0

#: Fonts Windows ships for other scripts (in %WINDIR%\Fonts), most general first.
WINDOWS_FONTS: Final = (
    "msyh.ttc",  # Microsoft YaHei: Chinese (simplified)
    "msjh.ttc",  # Microsoft JhengHei: Chinese (traditional)
    "YuGothR.ttc",  # Yu Gothic: Japanese
    "malgun.ttf",  # Malgun Gothic: Korean
    "Nirmala.ttf",  # Nirmala UI: the scripts of India
    "segoeui.ttf",  # Segoe UI: Arabic, Hebrew, Greek, Cyrillic
    "tahoma.ttf",  # Thai among others
    "seguisym.ttf",  # Segoe UI Symbol
)
#: Fonts macOS ships for other scripts, most general first.
MACOS_FONTS: Final = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/GeezaPro.ttc",
    "/System/Library/Fonts/Thonburi.ttc",
)


@dataclass(frozen=True, slots=True)
class FontFile:
    """A face in a font file: `index` picks it in a collection (.ttc), 0 otherwise."""

    path: Path
    index: int = 0


def fonts_for(char: str) -> list[FontFile]:
    """The outline fonts here that have a glyph for `char`, best first; [] when none (Rule 3)."""
    if len(char) != 1:
        raise ValueError(f"char: expected one character, got {char!r}")
    if sys.platform == "win32":
        folder = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return _covering([folder / name for name in WINDOWS_FONTS], char)
    elif sys.platform == "darwin":
        return _covering([Path(p) for p in MACOS_FONTS], char)
    else:
        return _fontconfig(char)


def parse_fc_list(output: str) -> list[FontFile]:
    """fc-list's lines in _FC_FORMAT -> the outline faces (Rule 2), in its order, no repeats."""
    found: list[FontFile] = []
    for line in output.splitlines():
        parts = line.rsplit("|", 2)
        if len(parts) != 3 or parts[2] not in _OUTLINE_FORMATS or not parts[1].isdigit():
            continue
        face = FontFile(Path(parts[0]), int(parts[1]))
        if parts[0] and face not in found:
            found.append(face)
    return found


def covers(face: FontFile, char: str) -> bool:
    """Whether `face`'s character map has `char` (False when the file cannot be read)."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only the report looks for fonts

    try:
        with face.path.open("rb") as file, TTFont(file, fontNumber=face.index, lazy=True) as font:
            return ord(char) in (font.getBestCmap() or {})
    except Exception:  # Rule 3: any broken or unreadable font is simply not one we can use
        return False


def _fontconfig(char: str) -> list[FontFile]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        done = subprocess.run(
            [fc_list, "--format", _FC_FORMAT, f":charset={ord(char):x}"],
            capture_output=True,
            text=True,
            timeout=_FC_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_fc_list(done.stdout) if done.returncode == 0 else []


def _covering(paths: list[Path], char: str) -> list[FontFile]:
    found: list[FontFile] = []
    for path in paths:
        if not path.is_file():
            continue
        faces = [FontFile(path, 0)]
        if path.suffix.lower() == ".ttc":
            faces = [FontFile(path, n) for n in range(_faces_in(path))]
        found.extend(face for face in faces if covers(face, char))
    return found


def _faces_in(path: Path) -> int:
    """How many faces a font collection holds (0 when it cannot be read)."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError:
        return 0
    if len(head) < 12 or head[:4] != b"ttcf":
        return 0
    return int.from_bytes(head[8:12], "big")
