"""Booking links as shown and as opened (core/links.py): a host that mixes alphabets is shown
with its plain xn-- form beside it, the browser gets the plain form, plain ASCII links are never
changed, and a host the IDNA codec refuses is named, never opened (issue 18 "Links")."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core import links
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.tiers import Tier
from posture_guard.core.triage import Advice
from posture_guard.report import html, pdf
from posture_guard.report.model import build
from tests.unit.test_report_model import NOW, PERIOD, records

#: "example.com" with a Cyrillic "e" (U+0435) and "x" (U+0445): looks like the familiar name.
LOOKALIKE = "\u0435\u0445ample.com"
LOOKALIKE_PLAIN = "xn--ample-ywe6i.com"

_label = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?\Z")
_ascii_host = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=3),
    st.from_regex(r"\A[a-z]{2,6}\Z"),
)
_path = st.from_regex(r"\A(/[A-Za-z0-9._~%?=&-]{0,15}){0,3}\Z")
#: Cyrillic and Greek small letters (a look-alike is drawn from these).
_foreign = st.sampled_from(
    [chr(c) for c in range(0x0430, 0x0450)] + [chr(c) for c in range(0x03B1, 0x03CA)]
)


@given(host=_ascii_host, path=_path, port=st.none() | st.integers(1, 65535))
def test_links_a_plain_ascii_link_is_shown_and_opened_unchanged(
    host: str, path: str, port: int | None
) -> None:
    # Protects: Rule 1 and 2: nothing is added to or changed in an ordinary link.
    url = f"https://{host}{'' if port is None else f':{port}'}{path}"
    assert not links.mixed_script(host)
    assert links.shown_url(url) == url
    assert links.plain_url(url) == url


@st.composite
def _mixed_hosts(draw: st.DrawFn) -> str:
    """An ASCII host with one letter of one label replaced by a Cyrillic or Greek one."""
    labels = draw(st.lists(st.from_regex(r"\A[a-z]{1,12}\Z"), min_size=2, max_size=3))
    which = draw(st.integers(0, len(labels) - 1))
    label = labels[which]
    at = draw(st.integers(0, len(label) - 1))
    labels[which] = label[:at] + draw(_foreign) + label[at + 1 :]
    return ".".join(labels)


@given(host=_mixed_hosts(), path=_path)
def test_links_any_mixed_script_host_is_shown_with_its_xn_form_and_opened_by_it(
    host: str, path: str
) -> None:
    # Protects: Rule 1 and 2: a look-alike host is never shown alone in Unicode, and the
    # browser is handed the xn-- form.
    url = f"https://{host}{path}"
    plain = host.encode("idna").decode("ascii")
    assert "xn--" in plain
    assert links.mixed_script(host)
    shown = links.shown_url(url)
    assert shown.startswith(url + " (")
    assert plain in shown
    assert links.plain_url(url) == f"https://{plain}{path}"


def test_links_one_alphabet_hosts_are_shown_as_written_and_opened_plain() -> None:
    # Protects: Rule 1: a whole-Cyrillic name (a Russian clinic) is not a homograph warning;
    # Japanese kana with kanji count as one script; the browser still gets the plain form.
    russian = "https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/book"
    assert links.shown_url(russian) == russian
    assert links.plain_url(russian) == "https://xn--e1afmkfd.xn--p1ai/book"
    japanese = "\u6771\u4eac\u306e\u30af\u30ea\u30cb\u30c3\u30af.jp"  # kanji, hiragana, katakana
    assert links.scripts(japanese) == {"HAN", "LATIN"}
    assert links.scripts("\u6771\u4eac\u306e\u30af\u30ea\u30cb\u30c3\u30af") == {"HAN"}


def test_links_the_lookalike_of_a_familiar_name_shows_its_plain_form() -> None:
    # Protects: issue 18's example: a Cyrillic letter in a familiar name, with port and path.
    url = f"https://{LOOKALIKE}:8443/book?x=1"
    assert links.shown_url(url) == (
        f"{url} (letters of mixed alphabets; the address is {LOOKALIKE_PLAIN})"
    )
    assert links.plain_url(url) == f"https://{LOOKALIKE_PLAIN}:8443/book?x=1"


def test_links_a_host_without_a_plain_form_is_named_and_has_nothing_to_open() -> None:
    # Protects: Rule 3: the IDNA2003 codec's refusal (a part over 63 letters) is caught.
    url = "https://" + "\u0435" * 70 + ".example/"
    assert links.host_problem(url) is not None
    assert links.plain_url(url) is None
    assert links.shown_url(url) == f"{url} (not a host name a browser can look up)"
    assert links.host_problem("https://clinic.example/") is None


def test_links_the_advice_shows_the_xn_form_beside_a_lookalike_booking_link() -> None:
    # Protects: the advice text (`advice`, the check-in, the windows) shows the plain form.
    url = f"https://{LOOKALIKE}/book"
    clinic = ClinicProfile(name="Riverside", booking_url=url)
    advice = Advice(
        tier=Tier.BOOK,
        heading="Book",
        reasons=(),
        what_to_do="Book.",
        clinic=clinic,
        booking_url=url,
        add_clinic=None,
        not_a_diagnosis="",
    )
    assert f"Book online: {url} (letters of mixed alphabets; the address is {LOOKALIKE_PLAIN})" in (
        advice.text()
    )


def test_links_the_report_shows_the_xn_form_and_links_to_it_in_html_and_pdf(
    tmp_path: Path,
) -> None:
    # Protects: the clinician's report (html and pdf) shows the plain host beside a look-alike
    # booking link, and the link a click follows is the plain form.
    url = f"https://{LOOKALIKE}/book"
    clinic = ClinicProfile(name="Riverside", booking_url=url)
    model = build(replace(records(), clinic=clinic), PERIOD, NOW)
    page = html.render(model)
    assert f'href="https://{LOOKALIKE_PLAIN}/book"' in page
    assert f"the address is {LOOKALIKE_PLAIN}" in page
    assert f'href="{url}"' not in page
    document = tmp_path / "report.pdf"
    document.write_bytes(pdf.render(model))
    text = subprocess.run(
        ["pdftotext", "-layout", str(document), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert LOOKALIKE_PLAIN in " ".join(text.split())
    assert f"https://{LOOKALIKE_PLAIN}/book".encode() in document.read_bytes()  # the link's URI
