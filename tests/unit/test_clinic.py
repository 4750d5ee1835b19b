"""Clinic profiles: checked on construction, read from the file a clinic hands out with exact
messages for each mistake, and written back by to_toml so that they read back equal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.clinic import ClinicProfile, parse_clinic_file, parse_clinic_text, to_toml
from posture_guard.core.errors import ClinicError

GOOD = """\
[clinic]
name = "Riverside Physiotherapy"
booking_url = "https://riverside-physio.example/book?service=neck"
phone = "+44 20 7946 0000"
opening_hours = "Mon-Fri 08:00-18:00"
"""

RIVERSIDE = ClinicProfile(
    name="Riverside Physiotherapy",
    booking_url="https://riverside-physio.example/book?service=neck",
    phone="+44 20 7946 0000",
    opening_hours="Mon-Fri 08:00-18:00",
)

URL_EXPECTED = 'expected a web address starting with https:// and a host name, like "https://clinic.example/book"'
HTTPS_EXPECTED = 'expected a web address starting with https:// (a secure link), like "https://clinic.example/book"'
HOST_EXPECTED = 'expected a host name a browser can look up: parts of 1 to 63 letters, digits or hyphens between dots, like "clinic.example"'
PHONE_EXPECTED = (
    'expected a phone number of digits, spaces, - and a leading +, like "+44 20 7946 0000"'
)
NAME_EXPECTED = "expected the clinic's name: one line of text, not empty"


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "clinic.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- good files ---------------------------------------------------------------------------------


def test_clinic_file_reads_every_key(tmp_path: Path) -> None:
    assert parse_clinic_file(_write(tmp_path, GOOD)) == RIVERSIDE


def test_clinic_to_toml_writes_the_file_a_clinic_hands_out_and_it_reads_back_equal(
    tmp_path: Path,
) -> None:
    assert to_toml(RIVERSIDE) == GOOD
    assert parse_clinic_file(_write(tmp_path, to_toml(RIVERSIDE))) == RIVERSIDE


def test_clinic_file_with_only_a_phone_or_only_a_link_is_enough() -> None:
    phone_only = parse_clinic_text('[clinic]\nname = "GP"\nphone = "0161 496 0000"\n', file="F")
    assert phone_only == ClinicProfile(name="GP", phone="0161 496 0000")
    link_only = parse_clinic_text(
        '[clinic]\nname = "GP"\nbooking_url = "https://gp.example"\n', file="F"
    )
    assert link_only == ClinicProfile(name="GP", booking_url="https://gp.example")
    assert to_toml(link_only) == '[clinic]\nname = "GP"\nbooking_url = "https://gp.example"\n'


def test_clinic_the_users_own_booking_link_is_https_only_as_the_organisations() -> None:
    # Protects: issue 18 "Links": `clinic set`, a clinic file and the windows (all make a
    # ClinicProfile) refuse a plain http:// link, naming the key, as the policy's clinic does.
    with pytest.raises(ClinicError) as refused:
        ClinicProfile(name="GP", booking_url="http://gp.example/book")
    assert (
        str(refused.value) == f'[clinic] booking_url = "http://gp.example/book": {HTTPS_EXPECTED}'
    )
    with pytest.raises(ClinicError) as in_file:
        parse_clinic_text('[clinic]\nname = "GP"\nbooking_url = "HTTP://gp.example"\n', file="F")
    assert str(in_file.value) == f'F: [clinic] booking_url = "HTTP://gp.example": {HTTPS_EXPECTED}'


def test_clinic_an_http_link_saved_before_https_was_required_still_loads_with_a_warning() -> None:
    # Protects: issue 18 "Links": a diary row from before keeps loading (no crash), unchanged,
    # and says in one line that the link is not secure and how to set a secure one.
    old = ClinicProfile(name="GP", booking_url="http://gp.example/book", stored=True)
    assert old.booking_url == "http://gp.example/book"
    assert old.insecure_warning is not None
    assert "http://" in old.insecure_warning
    assert "clinic set" in old.insecure_warning
    assert ClinicProfile(name="GP", booking_url="https://gp.example/").insecure_warning is None
    with pytest.raises(ClinicError):  # stored rows still refuse what was never allowed
        ClinicProfile(name="GP", booking_url="ftp://gp.example/", stored=True)


def test_clinic_a_link_whose_host_has_no_idna_form_is_refused_in_one_line() -> None:
    # Protects: issue 18 "Links": a host the IDNA codec refuses (an over-long or empty part)
    # could never be opened; it is refused when entered, naming the key.
    long_host = "https://" + "\u0435" * 70 + ".example/"
    for url in (long_host, "https://a..example/"):
        with pytest.raises(ClinicError) as refused:
            ClinicProfile(name="GP", booking_url=url)
        assert str(refused.value) == f'[clinic] booking_url = "{url}": {HOST_EXPECTED}'


def test_clinic_to_toml_escapes_quotes_and_backslashes() -> None:
    profile = ClinicProfile(name='The "Back\\Neck" Clinic', phone="999 000")
    assert 'name = "The \\"Back\\\\Neck\\" Clinic"' in to_toml(profile)
    assert parse_clinic_text(to_toml(profile), file="F") == profile


_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs")), min_size=1, max_size=60
).filter(str.strip)
_host = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){1,2}\Z")
_path = st.from_regex(r"\A(/[A-Za-z0-9._~%?=&-]{0,15}){0,3}\Z")
_url = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["https", "HTTPS"]),
    _host,
    _path,
)
_phone = st.from_regex(r"\A\+?[0-9]{3}[0-9 -]{0,12}\Z")


@st.composite
def _profiles(draw: st.DrawFn) -> ClinicProfile:
    url = draw(st.none() | _url)
    phone = draw(_phone) if url is None else draw(st.none() | _phone)
    return ClinicProfile(
        name=draw(_line), booking_url=url, phone=phone, opening_hours=draw(st.none() | _line)
    )


@given(profile=_profiles())
def test_clinic_any_valid_profile_round_trips_through_to_toml(profile: ClinicProfile) -> None:
    assert parse_clinic_text(to_toml(profile), file="F") == profile


# --- bad files: the exact message for each mistake (F is the file's path) ------------------------

BAD_FILES = [
    pytest.param(
        '[clinic]\nbooking_url = "https://c.example/book"\n',
        f"F: [clinic] name is missing: {NAME_EXPECTED}",
        id="missing-name",
    ),
    pytest.param(
        '[clinic]\nname = "  "\nphone = "123 456"\n',
        f'F: [clinic] name = "  ": {NAME_EXPECTED}',
        id="blank-name",
    ),
    pytest.param(
        '[clinic]\nname = "A\\nB"\nphone = "123 456"\n',
        f'F: [clinic] name = "A\\nB": {NAME_EXPECTED}',
        id="two-line-name",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "ftp://c.example/book"\n',
        f'F: [clinic] booking_url = "ftp://c.example/book": {URL_EXPECTED}',
        id="ftp-link",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "javascript:alert(1)"\n',
        f'F: [clinic] booking_url = "javascript:alert(1)": {URL_EXPECTED}',
        id="javascript-link",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "https:///book"\n',
        f'F: [clinic] booking_url = "https:///book": {URL_EXPECTED}',
        id="link-without-host",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "c.example/book"\n',
        f'F: [clinic] booking_url = "c.example/book": {URL_EXPECTED}',
        id="link-without-scheme",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "https://c.example/book now"\n',
        f'F: [clinic] booking_url = "https://c.example/book now": {URL_EXPECTED}',
        id="link-with-space",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "https://c.example:port/"\n',
        f'F: [clinic] booking_url = "https://c.example:port/": {URL_EXPECTED}',
        id="link-with-bad-port",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nbooking_url = "https://c.example@evil.example/"\n',
        'F: [clinic] booking_url = "https://c.example@evil.example/": expected a web address without a user name or password before the host',
        id="link-with-login",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = "call us"\n',
        f'F: [clinic] phone = "call us": {PHONE_EXPECTED}',
        id="phone-with-letters",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = "020 7946+0000"\n',
        f'F: [clinic] phone = "020 7946+0000": {PHONE_EXPECTED}',
        id="phone-with-plus-inside",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = "+ -"\n',
        f'F: [clinic] phone = "+ -": {PHONE_EXPECTED}',
        id="phone-without-digits",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = 2079460000\n',
        f"F: [clinic] phone = 2079460000: {PHONE_EXPECTED}",
        id="phone-as-number",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = "123"\nopening_hours = ""\n',
        'F: [clinic] opening_hours = "": expected one line of text, not empty, like "Mon-Fri 08:00-18:00"',
        id="empty-opening-hours",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = "123"\nfax = "456"\n',
        'F: [clinic] fax = "456": unknown key (expected name, booking_url, phone, opening_hours)',
        id="unknown-key",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nphone = "123"\n[branding]\ncolour = "red"\n',
        "F: branding = {...}: expected everything inside the [clinic] table",
        id="unknown-table",
    ),
    pytest.param(
        'name = "C"\n',
        'F: name = "C": expected everything inside the [clinic] table',
        id="keys-outside-the-table",
    ),
    pytest.param(
        "",
        "F: [clinic] is missing: expected a table with the clinic's name and its booking_url or phone",
        id="empty-file",
    ),
    pytest.param(
        'clinic = "Riverside"\n',
        'F: clinic = "Riverside": expected a [clinic] table',
        id="clinic-not-a-table",
    ),
    pytest.param(
        '[clinic]\nname = "C"\nopening_hours = "9-5"\n',
        "F: [clinic]: expected a booking_url or a phone, or both",
        id="no-way-to-reach-the-clinic",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_clinic_bad_file_gives_an_exact_message(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    expected = re.escape(message.replace("F", str(path), 1))
    with pytest.raises(ClinicError, match=f"^{expected}$"):
        parse_clinic_file(path)


def test_clinic_file_that_is_not_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "[clinic\nname = 'C'\n")
    with pytest.raises(
        ClinicError,
        match=rf"^{re.escape(str(path))}: not valid TOML: .+ \(at line 1, column \d+\)$",
    ):
        parse_clinic_file(path)


def test_clinic_file_that_is_missing_says_it_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(
        ClinicError, match=rf"^{re.escape(str(path))}: cannot be read: No such file or directory$"
    ):
        parse_clinic_file(path)


def test_clinic_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, b'[clinic]\nname = "Caf\xe9"\n')
    with pytest.raises(
        ClinicError, match=rf"^{re.escape(str(path))}: cannot be read: not UTF-8 text$"
    ):
        parse_clinic_file(path)


def test_clinic_error_carries_file_key_expected_and_got(tmp_path: Path) -> None:
    path = _write(tmp_path, '[clinic]\nname = "C"\nphone = "abc"\n')
    with pytest.raises(ClinicError) as caught:
        parse_clinic_file(path)
    error = caught.value
    assert (error.file, error.key, error.expected, error.got) == (
        str(path),
        "clinic.phone",
        PHONE_EXPECTED,
        "abc",
    )


# --- profiles made in code (e.g. `posture-guard clinic set`) ------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"name": "", "phone": "123"}, f'[clinic] name = "": {NAME_EXPECTED}', id="name"
        ),
        pytest.param(
            {"name": "C", "booking_url": "ftp://c.example"},
            f'[clinic] booking_url = "ftp://c.example": {URL_EXPECTED}',
            id="link",
        ),
        pytest.param(
            {"name": "C", "phone": "12ab"}, f'[clinic] phone = "12ab": {PHONE_EXPECTED}', id="phone"
        ),
        pytest.param(
            {"name": "C"}, "[clinic]: expected a booking_url or a phone, or both", id="no-contact"
        ),
    ],
)
def test_clinic_profile_is_checked_when_made(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ClinicError, match=f"^{re.escape(message)}$"):
        ClinicProfile(**fields)


def test_clinic_file_must_be_a_small_regular_file(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # reading it would block forever
    with pytest.raises(ClinicError, match=rf"^{fifo}: cannot be read: expected a regular file$"):
        parse_clinic_file(fifo)
    big = tmp_path / "big.toml"
    big.write_text("#" * (70 * 1024))
    with pytest.raises(ClinicError, match=rf"^{big}: cannot be read: larger than 64 KiB$"):
        parse_clinic_file(big)


@pytest.mark.parametrize("bidi", ["\u202e", "\u2066", "\u200f"])
def test_clinic_name_with_a_bidi_control_is_refused(bidi: str) -> None:
    """A right-to-left override could make a clinic's name (or link) read as another one."""
    with pytest.raises(ClinicError, match="expected the clinic's name"):
        parse_clinic_text(f'[clinic]\nname = "Clinic {bidi}kcab"\nphone = "999 000"\n', file="F")
    with pytest.raises(ClinicError, match="expected a web address"):
        parse_clinic_text(
            f'[clinic]\nname = "C"\nbooking_url = "https://c.example/{bidi}x"\n', file="F"
        )
