"""`posture-guard report` under an organisation's policy (issue 6, branding in the report), through
the real CLI with the policy in a temporary root: the organisation's clinic offered and said to be
theirs, "Provided by ...", the logo inside the file, no welcome text; a bad logo left out with a
line; and nothing written anywhere but the report the person asked for."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.app import App
from tests.e2e.test_diary_cli import ok
from tests.e2e.test_policy_cli import _managed
from tests.e2e.test_report_cli import write_known_history

pytestmark = pytest.mark.e2e

ACCENT = "#c8102e"


def logo_png(path: Path, size: tuple[int, int] = (240, 80)) -> Path:
    """A made-up organisation's logo: a red badge with a white "A" bar, as a PNG."""
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rounded_rectangle((0, 0, h - 1, h - 1), radius=h // 5, fill=ACCENT)
    draw.polygon([(h * 0.2, h * 0.8), (h * 0.5, h * 0.15), (h * 0.8, h * 0.8)], fill="white")
    draw.rectangle((h + h // 6, h * 0.3, w - 1, h * 0.42), fill=ACCENT)
    draw.rectangle((h + h // 6, h * 0.58, w * 0.75, h * 0.7), fill="#56606b")
    image.save(path, format="PNG")
    return path


def branded_policy(tmp_path: Path, logo: Path, *, fleet: Path | None = None) -> str:
    fleet_table = f'[fleet]\nenabled = true\ndirectory = "{fleet}"\n' if fleet else ""
    return f"""
[branding]
organisation = "Acme Ltd"
accent_colour = "{ACCENT}"
logo = "{logo}"
support_contact = "IT desk, ext. 4357"
welcome = "Welcome to Acme's healthy-desk programme!"
[branding.clinic]
name = "Acme Physio"
booking_url = "https://physio.acme.example/book"
phone = "+44 20 7946 0000"
{fleet_table}"""


def brand(app: App, tmp_path: Path, *, fleet: Path | None = None) -> Path:
    """The branded policy in a temporary root; returns the root (the employer's side)."""
    logo = logo_png(tmp_path / "acme-logo.png")
    policy = _managed(app, tmp_path, branded_policy(tmp_path, logo, fleet=fleet))
    return policy.parents[2]


def files_under(*folders: Path) -> dict[str, int]:
    return {
        str(p): p.stat().st_mtime_ns for folder in folders for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.date_sensitive  # its history ends today (Tokyo)
def test_report_under_a_policy_shows_the_organisations_clinic_and_name(
    app: App, tmp_path: Path
) -> None:
    collector = tmp_path / "textfile"
    collector.mkdir()
    root = brand(app, tmp_path, fleet=collector)
    write_known_history(app)
    employer_side = files_under(root, collector, tmp_path / "xdg")

    page = app.home / "report.html"
    said = ok(app, "report", "--since", "28d", "--out", str(page))
    assert f"Report written to {page} (HTML, readable only by you)." in said
    html = page.read_text()
    assert "<span>Provided by Acme Ltd</span>" in html
    assert (
        '<p class="clinic">Clinic offered by Acme Ltd: Acme Physio (phone +44 20 7946 0000) · <a'
        ' href="https://physio.acme.example/book">book an appointment</a></p>'
    ) in html
    assert '<img src="data:image/png;base64,' in html
    assert 'alt="Acme Ltd logo" width="240" height="80">' in html
    assert f"--heading: {ACCENT}" in html
    assert "Questions about Posture Guard (the app, not your health): IT desk, ext. 4357" in html
    assert "Acme Ltd provides Posture Guard and does not see this report" in html
    assert "Welcome to Acme" not in html  # the welcome is for the person, not their clinician

    records = app.home / "records.json"
    ok(app, "report", "--since", "28d", "--format", "json", "--out", str(records))
    document = json.loads(records.read_text())
    assert document["organisation"] == "Acme Ltd"
    assert document["clinic"] == {
        "name": "Acme Physio",
        "booking_url": "https://physio.acme.example/book",
        "phone": "+44 20 7946 0000",
        "opening_hours": None,
        "offered_by": "Acme Ltd",
    }

    # the report is the person's file alone: nothing appeared or changed on the employer's side
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert files_under(root, collector, tmp_path / "xdg") == employer_side


@pytest.mark.date_sensitive  # its history ends today (Tokyo)
def test_report_users_own_clinic_comes_before_the_organisations(app: App, tmp_path: Path) -> None:
    brand(app, tmp_path)
    write_known_history(app)
    ok(app, "clinic", "set", "--name", "Riverside Physio", "--booking-url",
       "https://riverside.example/book")  # fmt: skip
    records = app.home / "records.json"
    ok(app, "report", "--since", "28d", "--format", "json", "--out", str(records))
    clinic = json.loads(records.read_text())["clinic"]
    assert (clinic["name"], clinic["offered_by"]) == ("Riverside Physio", None)


def test_report_with_an_oversized_logo_leaves_it_out_with_one_line(
    app: App, tmp_path: Path
) -> None:
    huge = logo_png(tmp_path / "huge.png", (3000, 40))
    _managed(app, tmp_path, branded_policy(tmp_path, huge))
    page = app.home / "report.html"
    result = app.cli("report", "--out", str(page))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"report: logo {huge} skipped: 3000x40 pixels, expected at most 2048 a side"
    ]
    html = page.read_text()
    assert "<img" not in html
    assert "<span>Provided by Acme Ltd</span>" in html
    assert os.path.getsize(page) > 0
    # the JSON shows no logo, so it does not look at it (and says nothing about it)
    records = app.cli("report", "--format", "json", "--out", str(app.home / "r.json"))
    assert (records.returncode, records.stderr) == (0, "")
