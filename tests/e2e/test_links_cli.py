"""Booking links through the real CLI (issue 18 "Links"): `advice --open` says it asked a browser
only when one was found, in a real environment without any browser and in one whose BROWSER is a
small script that records what it was handed; a look-alike host is shown with its xn-- form and
handed over in it; `clinic set` refuses http://, and an http:// clinic saved before still loads,
shown with a warning."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from tests.app import App
from tests.e2e.test_diary_cli import TINGLING, database, episode_over_days, ok

pytestmark = [pytest.mark.e2e, pytest.mark.date_sensitive]

BOOKING = "https://riverside-physio.example/book"
#: "example.com" with a Cyrillic "e" and "x": looks like the familiar name.
LOOKALIKE = "https://\u0435\u0445ample.com/book"
LOOKALIKE_PLAIN = "https://xn--ample-ywe6i.com/book"


def book_tier(app: App, now: datetime, url: str) -> None:
    """A clinic with `url` and a check-in whose advice is to book."""
    episode_over_days(app, now)
    ok(app, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", url)
    ok(app, "check-in", "--pain", "7", "--stiffness", "moderate", *TINGLING)


def recording_browser(app: App, tmp_path: Path) -> Path:
    """BROWSER set to a real script that writes the link it is handed to a file."""
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > {opened}\n')
    browser.chmod(0o700)
    app.env["BROWSER"] = str(browser)
    return opened


def test_links_advice_open_without_any_browser_says_so_and_prints_the_link(
    app: App, tmp_path: Path, now: datetime
) -> None:
    # Protects: `advice --open` never says it opened a page when no browser exists (PATH
    # without browsers, BROWSER unset, no display): one line saying none was found, with the
    # link to open by hand, and a failing exit code.
    book_tier(app, now, BOOKING)
    empty = tmp_path / "no-browsers"
    empty.mkdir()
    app.env["PATH"] = str(empty)
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        app.env.pop(name, None)
    done = app.cli("advice", "--open")
    assert done.returncode == 1
    assert done.stderr == (
        "posture-guard advice: No web browser was found to open the link; open it yourself:"
        f" {BOOKING}\n"
    )
    assert "Asked your browser" not in done.stdout
    assert "Opened" not in done.stdout + done.stderr


def test_links_advice_open_hands_the_link_to_the_browser_and_says_it_asked(
    app: App, tmp_path: Path, now: datetime
) -> None:
    # Protects: with a browser found, the link is handed to it (a real process that records
    # its argument) and the words say it was asked, not that a page was shown.
    opened = recording_browser(app, tmp_path)
    book_tier(app, now, BOOKING)
    out = ok(app, "advice", "--open")
    assert out.endswith(f"\nAsked your browser to open {BOOKING}\n")
    assert opened.read_text() == BOOKING + "\n"


def test_links_a_lookalike_booking_host_is_shown_with_its_xn_form_and_opened_by_it(
    app: App, tmp_path: Path, now: datetime
) -> None:
    # Protects: a Cyrillic letter in a familiar name is never shown alone in Unicode (the
    # advice, `clinic show`) and the browser is handed the xn-- form.
    opened = recording_browser(app, tmp_path)
    book_tier(app, now, LOOKALIKE)
    note = "(letters of mixed alphabets; the address is xn--ample-ywe6i.com)"
    assert f"Booking: {LOOKALIKE} {note}" in ok(app, "clinic", "show")
    out = ok(app, "advice", "--open")
    assert f"Book online: {LOOKALIKE} {note}" in out
    assert f"Asked your browser to open {LOOKALIKE_PLAIN}" in out
    assert opened.read_text() == LOOKALIKE_PLAIN + "\n"


def test_links_clinic_set_refuses_http_and_an_old_http_clinic_loads_with_a_warning(
    app: App, now: datetime
) -> None:
    # Protects: the user's own clinic is https-only (as the organisation's and a pack's), and
    # a diary whose clinic was saved with http:// before keeps working: the link is shown as
    # it was saved, with a one-line warning, never rewritten.
    done = app.cli("clinic", "set", "--name", "GP", "--booking-url", "http://gp.example/book")
    assert (done.returncode, done.stderr) == (
        2,
        'posture-guard clinic set: [clinic] booking_url = "http://gp.example/book": expected a'
        ' web address starting with https:// (a secure link), like "https://clinic.example/book"\n',
    )
    book_tier(app, now, "https://gp.example/book")
    with sqlite3.connect(database(app)) as db:  # as a diary from before the rule holds it
        db.execute("UPDATE clinic SET booking_url = 'http://gp.example/book'")
    warning = (
        "  This booking link is not secure (http://): set your clinic's https:// link with"
        " `posture-guard clinic set` or in Settings."
    )
    assert ok(app, "clinic", "show") == (
        f"Clinic: Riverside Physiotherapy\n  Booking: http://gp.example/book\n{warning}\n"
    )
    advice = ok(app, "advice")
    assert f"  Book online: http://gp.example/book\n{warning}\n" in advice
    assert ok(app, "report", "--format", "html", "--out", str(app.home / "r.html")) is not None
