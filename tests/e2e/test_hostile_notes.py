"""Notes that once made a diary unreportable (issue 18): bytes that are not UTF-8 were stored as
lone surrogates and crashed every report format; 4,000 emoji in a note crashed the PDF ("row
too high"). Every format is written, whatever the notes hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posture_guard.app.store import Store
from posture_guard.core.episodes import Episode, mend_text
from tests.app import App
from tests.e2e.test_diary_cli import database, ok

pytestmark = pytest.mark.e2e

FORMATS = ("html", "pdf", "csv", "json")


def _every_format_is_written(app: App, folder: Path) -> dict[str, Path]:
    written = {}
    for fmt in FORMATS:
        out = folder / f"report.{fmt}"
        done = app.cli("report", "--since", "all", "--format", fmt, "--out", str(out), timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        written[fmt] = out
    return written


def test_notes_with_bytes_that_are_not_utf8_are_kept_readable(app: App, tmp_path: Path) -> None:
    # Protects: an argument with bytes that are not UTF-8 (here \xff\xfe, passed as the bytes
    # themselves) is kept with U+FFFD in their place, and every report is written
    ok(app, "episode", "start", "--pain", "3", "--at", "2026-01-05T09:00+00:00",
       "--notes", "bad\udcff\udcfe bytes")  # fmt: skip
    shown = ok(app, "episode", "show")
    assert "notes: bad\ufffd\ufffd bytes" in shown
    written = _every_format_is_written(app, tmp_path)
    document = json.loads(written["json"].read_text(encoding="utf-8"))
    assert "bad\ufffd\ufffd bytes" in json.dumps(document, ensure_ascii=False)


def test_a_note_kept_with_lone_surrogates_before_is_read_mended(app: App, tmp_path: Path) -> None:
    # Protects: a diary that already holds lone surrogates (written before the fix) reports
    with Store.open(database(app)) as store:
        store.start_episode(
            Episode(
                started=datetime(2026, 1, 5, 9, tzinfo=UTC),
                pain_at_start=3,
                pain_peak=3,
                stiffness=None,
                notes="old\udcff note",
            )
        )
    assert "notes: old\ufffd note" in ok(app, "episode", "show")
    _every_format_is_written(app, tmp_path)


def test_four_thousand_emoji_in_notes_never_break_the_pdf(app: App, tmp_path: Path) -> None:
    # Protects: a note of 4,000 emoji (the notes' limit), twice, made the PDF fail
    ok(app, "episode", "start", "--pain", "3", "--at", "2026-01-05T09:00+00:00",
       "--notes", "\U0001f600" * 4000)  # fmt: skip
    ok(app, "episode", "update", "--pain", "4", "--at", "2026-01-05T10:00+00:00",
       "--notes", "\U0001f62b" * 4000)  # fmt: skip
    written = _every_format_is_written(app, tmp_path)
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    assert "\U0001f62b" * 4000 in written["json"].read_text(encoding="utf-8")  # whole there


def test_mend_text_replaces_only_lone_surrogates() -> None:
    assert mend_text("a\udcffb\ud800") == "a\ufffdb\ufffd"
    assert mend_text("नमस्ते 😀 \u202e") == "नमस्ते 😀 \u202e"
