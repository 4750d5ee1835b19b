"""The clinic profile: whom to contact when the advice says to see someone.

Rule 1: a profile is a value, checked when it is made: a name, and at least one way to reach the
        clinic (a booking link, a phone number, or both); opening hours are optional text.
Rule 2: links and numbers come from the clinic's file or the user, as written. Nothing here makes
        up, completes or looks up a link, and nothing touches the network.
Rule 2a: a booking link is https:// (a plain http:// page can be read and changed on the way),
        with a host a browser can look up (core/links.py), wherever it comes from: `clinic set`,
        a clinic file, a pack, the welcome or settings window, the policy. A profile saved in
        the diary before this rule (an http:// link) still loads, unchanged (`stored=True`):
        the advice and `clinic show` show it with a warning (`insecure_warning`) until the
        person sets an https:// link; nothing rewrites what they entered.
Rule 3: `parse_clinic_file` is the only I/O: it reads one file. Every problem raises ClinicError
        naming the file, the key, what was expected and what was got.
Rule 4: `to_toml(profile)` writes a file that `parse_clinic_text` reads back as an equal profile.

A clinic hands out a file like this (`posture-guard clinic import FILE`):

    [clinic]
    name = "Riverside Physiotherapy"
    booking_url = "https://riverside-physio.example/book"
    phone = "+44 20 7946 0000"
    opening_hours = "Mon-Fri 08:00-18:00"
"""

from __future__ import annotations

import re
import stat
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from posture_guard.core import links
from posture_guard.core.content import Invalid, check_depth, too_deep
from posture_guard.core.errors import MISSING, ClinicError
from posture_guard.core.i18n import N_, _

SECTION: Final = "clinic"
KEYS: Final = ("name", "booking_url", "phone", "opening_hours")

NAME_EXPECTED: Final = N_("expected the clinic's name: one line of text, not empty")
URL_EXPECTED: Final = N_(
    'expected a web address starting with https:// and a host name, like "https://clinic.example/book"'
)
URL_LOGIN_EXPECTED: Final = N_(
    "expected a web address without a user name or password before the host"
)
PHONE_EXPECTED: Final = N_(
    'expected a phone number of digits, spaces, - and a leading +, like "+44 20 7946 0000"'
)
HOURS_EXPECTED: Final = N_('expected one line of text, not empty, like "Mon-Fri 08:00-18:00"')
CONTACT_EXPECTED: Final = N_("[clinic]: expected a booking_url or a phone, or both")
HTTPS_EXPECTED: Final = N_(
    'expected a web address starting with https:// (a secure link), like "https://clinic.example/book"'
)

_PHONE_RE: Final = re.compile(r"^\+?[0-9 -]+$")
_PHONE_DIGITS: Final = (3, 20)
_MAX_TEXT_CHARS: Final = 200


def _one_line(value: str) -> bool:
    return (
        bool(value.strip())
        and len(value) <= _MAX_TEXT_CHARS
        # no control or format characters: a bidi override could make a name read backwards
        and not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value)
    )


def _name_problem(value: str) -> str | None:
    return None if _one_line(value) else NAME_EXPECTED


def _url_problem(value: str, *, stored: bool = False) -> str | None:
    """`stored`: the rules a link saved in the diary was checked by before Rule 2a."""
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return URL_EXPECTED
    try:
        parts = urlsplit(value)
        _port = parts.port  # raises ValueError when the port is not a number
    except ValueError:
        return URL_EXPECTED
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return URL_EXPECTED
    if "@" in parts.netloc:
        return URL_LOGIN_EXPECTED
    if stored:
        return None
    if parts.scheme != "https":
        return HTTPS_EXPECTED
    return links.host_problem(value)


def _phone_problem(value: str) -> str | None:
    digits = sum(ch.isdigit() for ch in value)
    low, high = _PHONE_DIGITS
    return None if _PHONE_RE.fullmatch(value) and low <= digits <= high else PHONE_EXPECTED


def _hours_problem(value: str) -> str | None:
    return None if _one_line(value) else HOURS_EXPECTED


#: key -> the check of a string value (None = fine, else the "expected ..." text).
_CHECKS: Final[Mapping[str, Callable[[str], str | None]]] = {
    "name": _name_problem,
    "booking_url": _url_problem,
    "phone": _phone_problem,
    "opening_hours": _hours_problem,
}
_TYPE_EXPECTED: Final[Mapping[str, str]] = {
    "name": NAME_EXPECTED,
    "booking_url": URL_EXPECTED,
    "phone": PHONE_EXPECTED,
    "opening_hours": HOURS_EXPECTED,
}


#: key -> what a good value looks like (the "expected ..." text for a value of the wrong type).
EXPECTED: Final = _TYPE_EXPECTED


def value_problem(key: str, value: str) -> str | None:
    """Check one clinic value (`name`, `booking_url`, `phone`, `opening_hours`): None when it is
    good, else the "expected ..." text. For other modules that hold a clinic (the policy)."""
    return _CHECKS[key](value)


def _check(file: str, key: str, value: object, *, stored: bool = False) -> None:
    """Raise ClinicError when `value` is no good for `key` (None = absent, fine except name)."""
    if value is None and key != "name":
        return
    if not isinstance(value, str):
        raise ClinicError(file, f"{SECTION}.{key}", _TYPE_EXPECTED[key], value)
    url = key == "booking_url"
    problem = _url_problem(value, stored=stored) if url else _CHECKS[key](value)
    if problem is not None:
        raise ClinicError(file, f"{SECTION}.{key}", problem, value)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClinicProfile:
    """The clinic the advice points to. Checked on construction (rule 1).

    Raises:
        ClinicError: a value is no good (the message names the key; no file), or there is
            neither a booking link nor a phone number.
    """

    name: str
    booking_url: str | None = None
    phone: str | None = None
    opening_hours: str | None = None
    #: Read back from the diary: checked by the rules it was saved under (Rule 2a).
    stored: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        _validate(self, file="")

    @property
    def insecure_warning(self) -> str | None:
        """One line when the booking link is not https:// (a profile saved before Rule 2a);
        else None."""
        if self.booking_url is None or links.is_secure(self.booking_url):
            return None
        return _(
            "This booking link is not secure (http://): set your clinic's https:// link with"
            " `posture-guard clinic set` or in Settings."
        )


def _validate(profile: ClinicProfile, *, file: str) -> None:
    for key in KEYS:
        _check(file, key, getattr(profile, key), stored=profile.stored)
    if profile.booking_url is None and profile.phone is None:
        raise ClinicError(file, "", CONTACT_EXPECTED)


def parse_clinic_text(text: str, *, file: str) -> ClinicProfile:
    """Read a clinic file's text.

    Args:
        text: TOML with one [clinic] table: name, and booking_url and/or phone, and optionally
            opening_hours (all strings).
        file: the name used in error messages.

    Raises:
        ClinicError: the first problem, in this order: not TOML, a table other than [clinic],
            no [clinic] table, an unknown key, then each key in KEYS order, then no way to reach
            the clinic. The message names the file, the key, what was expected and what was got.
    """
    try:
        document = tomllib.loads(text)
        check_depth(document)
    except tomllib.TOMLDecodeError as exc:
        raise ClinicError(file, "", f"not valid TOML: {exc}") from None
    except (Invalid, RecursionError):
        raise ClinicError(file, "", too_deep()) from None
    for key, value in document.items():
        if key != SECTION:
            raise ClinicError(file, key, "expected everything inside the [clinic] table", value)
    return parse_clinic_table(document.get(SECTION, MISSING), file=file)


def parse_clinic_table(table: object, *, file: str) -> ClinicProfile:
    """Read a [clinic] table already parsed from TOML (a clinic file's, or a pack's: core/pack.py).

    Args:
        table: the table's value, or MISSING when the document has none.
        file: the name used in error messages.

    Raises:
        ClinicError: the first problem, in the order `parse_clinic_text` says.
    """
    if table is MISSING:
        raise ClinicError(
            file,
            f"[{SECTION}]",
            "expected a table with the clinic's name and its booking_url or phone",
        )
    if not isinstance(table, dict):
        raise ClinicError(file, SECTION, "expected a [clinic] table", table)
    for key, value in table.items():
        if key not in KEYS:
            raise ClinicError(
                file, f"{SECTION}.{key}", f"unknown key (expected {', '.join(KEYS)})", value
            )
    if "name" not in table:
        raise ClinicError(file, f"{SECTION}.name", NAME_EXPECTED)
    for key in KEYS:
        _check(file, key, table.get(key))
    name, booking_url, phone, hours = (table.get(key) for key in KEYS)
    assert isinstance(name, str)  # checked above
    if booking_url is None and phone is None:
        raise ClinicError(file, "", CONTACT_EXPECTED)
    return ClinicProfile(
        name=name,
        booking_url=_optional_str(booking_url),
        phone=_optional_str(phone),
        opening_hours=_optional_str(hours),
    )


def _optional_str(value: object) -> str | None:
    assert value is None or isinstance(value, str)  # checked by _check
    return value


#: A clinic profile is a few lines; anything this big is not one.
MAX_CLINIC_FILE_BYTES: Final = 64 * 1024


def parse_clinic_file(path: Path) -> ClinicProfile:
    """Read the clinic file at `path` (the only I/O here; rule 3).

    Raises:
        ClinicError: the file cannot be read, is not UTF-8, or any problem `parse_clinic_text`
            reports; the message starts with the path.
    """
    file = str(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ClinicError(file, "", "cannot be read: expected a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_CLINIC_FILE_BYTES + 1)
    except OSError as exc:
        raise ClinicError(file, "", f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_CLINIC_FILE_BYTES:
        raise ClinicError(
            file, "", f"cannot be read: larger than {MAX_CLINIC_FILE_BYTES // 1024} KiB"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ClinicError(file, "", "cannot be read: not UTF-8 text") from None
    return parse_clinic_text(text, file=file)


def to_toml(profile: ClinicProfile) -> str:
    """The profile as a clinic file, the form `parse_clinic_text` reads (absent keys left out)."""
    lines = [f"[{SECTION}]"]
    for key in KEYS:
        value = getattr(profile, key)
        if value is not None:
            lines.append(f"{key} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif unicodedata.category(ch) == "Cc":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
