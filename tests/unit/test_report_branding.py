"""The report with the organisation's branding (issue 6): the accent only where it reads (a pure
contrast function), the logo checked and embedded or skipped with a log line, the organisation's
clinic said to be theirs, "Provided by ...", the support contact, and no welcome text."""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from posture_guard.app import diary
from posture_guard.app.store import Store
from posture_guard.core.brand_colours import contrast_ratio
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.config import load
from posture_guard.core.settings import Branding, Settings
from posture_guard.report import pdf
from posture_guard.report.branding import (
    DEFAULT_ACCENT,
    MAX_LOGO_BYTES,
    MAX_LOGO_SIDE,
    Accent,
    Logo,
    ReportBranding,
    accent_roles,
    from_settings,
    load_logo,
    logo_from_bytes,
)
from posture_guard.report.export import to_json
from posture_guard.report.html import render
from posture_guard.report.model import build
from posture_guard.report.sections import branding_notes, clinic_label, clinic_line, provided_by
from posture_guard.report.write import read_records
from tests.unit.test_report_model import NOW, PERIOD, records

ACME_CLINIC = ClinicProfile(
    name="Acme Physio", booking_url="https://physio.acme.example/book", phone="+44 20 7946 0000"
)
OWN_CLINIC = ClinicProfile(name="Riverside Physio", booking_url="https://riverside.example/book")


def png(width: int = 120, height: int = 40, colour: str = "#c8102e") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def acme(**changes: object) -> ReportBranding:
    given_ = {
        "organisation": "Acme Ltd",
        "accent": "#c8102e",
        "support_contact": "IT desk, ext. 4357",
        "logo": logo_from_bytes(png(), "acme.png"),
    }
    return ReportBranding(**{**given_, **changes})  # type: ignore[arg-type]


# --- contrast ------------------------------------------------------------------------------------


def test_report_contrast_ratio_matches_the_wcag_figures() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # the well-known AA edge: #767676 passes 4.5:1 on white, #777777 just fails
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


_COLOURS = st.integers(min_value=0, max_value=0xFFFFFF).map(lambda n: f"#{n:06x}")


@given(_COLOURS, _COLOURS)
def test_report_contrast_ratio_is_symmetric_and_between_1_and_21(a: str, b: str) -> None:
    assert contrast_ratio(a, b) == pytest.approx(contrast_ratio(b, a))
    assert 1.0 <= contrast_ratio(a, b) <= 21.0 + 1e-9


def test_report_colour_that_is_not_rrggbb_is_refused_with_what_was_expected() -> None:
    with pytest.raises(ValueError, match=r"^colour: expected"):
        ReportBranding(accent="#12345")


def test_report_accent_colours_text_only_when_it_reads_on_white() -> None:
    # dark enough for text (5.9:1): headings, links and rules
    assert accent_roles("#C8102E") == Accent(text="#c8102e", rule="#c8102e")
    # orange (2.4:1) or gold (1.4:1) would be hard to read as text: rules only
    assert accent_roles("#ff8800") == Accent(text=None, rule="#ff8800")
    assert accent_roles("#ffd700") == Accent(text=None, rule="#ffd700")
    # near-white would not even show as a rule
    assert accent_roles("#fafafa") == Accent(text=None, rule=None)
    assert accent_roles(None) == Accent(text=None, rule=None)


# --- the logo ----------------------------------------------------------------------------------


def test_report_logo_is_kept_with_its_size_and_becomes_a_data_uri() -> None:
    logo = logo_from_bytes(png(120, 40), "acme.png")
    assert logo is not None
    assert (logo.width, logo.height) == (120, 40)
    assert logo.data_uri().startswith("data:image/png;base64,iVBORw0KGgo")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"GIF89a not a png", "not a PNG image"),
        (png()[:60], "it cannot be decoded"),
        (png(MAX_LOGO_SIDE + 1, 10), f"{MAX_LOGO_SIDE + 1}x10 pixels, expected at most"),
        (png()[:8] + bytes(MAX_LOGO_BYTES), f"expected at most {MAX_LOGO_BYTES}"),
    ],
    ids=["not-png", "truncated", "too-wide", "too-many-bytes"],
)
def test_report_bad_logo_is_skipped_with_one_log_line(
    data: bytes, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="posture_guard.report.branding"):
        assert logo_from_bytes(data, "/etc/posture-guard/logo.png") is None
    (record,) = caplog.records
    assert record.getMessage().startswith("report: logo /etc/posture-guard/logo.png skipped: ")
    assert why in record.getMessage()


def test_report_missing_logo_file_is_skipped_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = tmp_path / "logo.png"
    with caplog.at_level(logging.WARNING, logger="posture_guard.report.branding"):
        assert load_logo(gone) is None
    assert [r.getMessage() for r in caplog.records] == [
        f"report: logo {gone} skipped: it cannot be read: No such file or directory"
    ]


def test_report_branding_from_the_policy_settings_leaves_the_welcome_out(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())
    branding = Branding(organisation="Acme Ltd", accent_colour="#c8102e", logo=logo,
                        support_contact="IT desk", welcome="Welcome to Acme!", clinic=None)  # fmt: skip
    got = from_settings(branding)
    assert (got.organisation, got.accent, got.support_contact) == ("Acme Ltd", "#c8102e", "IT desk")
    assert got.logo is not None
    assert got.logo.png == logo.read_bytes()
    page = render(build(records(), PERIOD, NOW, branding=got))
    assert "Welcome to Acme" not in page


# --- the model, the words and the page ----------------------------------------------------------


def test_report_shows_the_organisations_clinic_and_says_whose_it_is() -> None:
    model = build(
        replace(records(), clinic=ACME_CLINIC, clinic_owner="Acme Ltd"),
        PERIOD,
        NOW,
        branding=acme(),
    )
    assert model.clinic == ACME_CLINIC
    assert clinic_label(model) == "Clinic offered by Acme Ltd"
    line = clinic_line(model)
    assert line is not None
    assert (line.name, line.shown, line.href, line.mixed) == (
        "Acme Physio (phone +44 20 7946 0000)",
        "https://physio.acme.example/book",
        "https://physio.acme.example/book",
        False,
    )
    page = render(model)
    assert (
        '<p class="clinic">Clinic offered by Acme Ltd: Acme Physio (phone +44 20 7946 0000) · <a'
        ' href="https://physio.acme.example/book">book an appointment</a></p>'
    ) in page
    clinic = json.loads(to_json(records(), model))["clinic"]
    assert clinic == {
        "name": "Acme Physio",
        "booking_url": "https://physio.acme.example/book",
        "phone": "+44 20 7946 0000",
        "opening_hours": None,
        "offered_by": "Acme Ltd",
    }


def test_report_users_own_clinic_is_just_the_clinic() -> None:
    model = build(replace(records(), clinic=OWN_CLINIC), PERIOD, NOW, branding=acme())
    assert clinic_label(model) == "Clinic"
    assert '<p class="clinic">Clinic: Riverside Physio · <a' in render(model)
    assert json.loads(to_json(records(), model))["clinic"]["offered_by"] is None


def test_report_names_the_organisation_and_the_support_contact() -> None:
    model = build(records(), PERIOD, NOW, branding=acme())
    assert provided_by(model) == "Provided by Acme Ltd"
    assert branding_notes(model) == (
        "Acme Ltd provides Posture Guard and does not see this report or the diary it comes from.",
        "Questions about Posture Guard (the app, not your health): IT desk, ext. 4357",
    )
    page = render(model)
    assert "<span>Provided by Acme Ltd</span>" in page
    assert (
        "<p>Questions about Posture Guard (the app, not your health): IT desk, ext. 4357</p>"
        in page
    )
    assert json.loads(to_json(records(), model))["organisation"] == "Acme Ltd"


def test_report_unbranded_has_no_organisation_lines() -> None:
    model = build(records(), PERIOD, NOW)
    assert (provided_by(model), branding_notes(model)) == (None, ())
    page = render(model)
    assert "<header>" in page
    assert 'class="brand"' not in page
    assert page.count(":root {") == 1  # only the stylesheet's own defaults


def test_report_html_embeds_the_logo_and_fetches_nothing() -> None:
    page = render(build(records(), PERIOD, NOW, branding=acme()))
    sources = re.findall(r' src="([^"]*)"', page)
    assert len(sources) == 1
    assert sources[0].startswith("data:image/png;base64,")
    assert '<img src="data:image/png;base64,' in page
    assert 'alt="Acme Ltd logo" width="120" height="40">' in page
    assert "img-src data:" in page  # the CSP allows inline images and nothing else


def test_report_html_uses_a_dark_accent_for_headings_and_a_light_one_for_rules_only() -> None:
    dark = render(build(records(), PERIOD, NOW, branding=acme(accent="#c8102e")))
    assert "\n:root { --accent: #c8102e; --heading: #c8102e; --accent-rule: #c8102e; }\n" in dark
    light = render(build(records(), PERIOD, NOW, branding=acme(accent="#ffd700")))
    assert "\n:root { --accent-rule: #ffd700; }\n" in light
    assert DEFAULT_ACCENT in light  # links keep the report's readable blue


def test_report_html_escapes_the_organisations_words() -> None:
    page = render(
        build(records(), PERIOD, NOW,
              branding=acme(organisation="<b>Acme</b> & Co", support_contact="<i>x</i>"))
    )  # fmt: skip
    assert "Provided by &lt;b&gt;Acme&lt;/b&gt; &amp; Co" in page
    assert "<b>Acme</b>" not in page
    assert "<i>x</i>" not in page


# --- what the store gives, with the organisation's clinic as the fallback ------------------------


def test_report_records_fall_back_to_the_organisations_clinic_as_the_advice_does(
    tmp_path: Path,
) -> None:
    settings = replace(
        Settings(timer=load(None).settings.timer),
        branding=replace(Settings(timer=load(None).settings.timer).branding,
                         organisation="Acme Ltd", clinic=ACME_CLINIC),
    )  # fmt: skip
    fallback = diary.org_clinic(settings)
    with Store.open(tmp_path / "diary.sqlite3") as store:
        got = read_records(store, PERIOD, NOW, fallback=fallback)
        assert (got.clinic, got.clinic_owner) == (ACME_CLINIC, "Acme Ltd")
        assert read_records(store, PERIOD, NOW).clinic is None
        store.set_clinic(OWN_CLINIC)
        own = read_records(store, PERIOD, NOW, fallback=fallback)
        assert (own.clinic, own.clinic_owner) == (OWN_CLINIC, None)


# --- the PDF -------------------------------------------------------------------------------------


def test_report_pdf_with_a_logo_fpdf_cannot_place_is_made_without_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = Logo(png=png()[:40], width=120, height=40)  # past the checks, as if the file changed
    with caplog.at_level(logging.WARNING, logger="posture_guard.report.pdf"):
        data = pdf.render(build(records(), PERIOD, NOW, branding=acme(logo=broken)))
    assert data.startswith(b"%PDF-")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["report"]
    assert caplog.records[0].getMessage().startswith("report: logo left out of the PDF: ")


@pytest.mark.parametrize("accent", ["#c8102e", "#ffd700", "#fafafa", None])
def test_report_pdf_renders_with_any_accent_and_no_logo(accent: str | None) -> None:
    data = pdf.render(build(records(), PERIOD, NOW, branding=acme(accent=accent, logo=None)))
    assert data.startswith(b"%PDF-")
