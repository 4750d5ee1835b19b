"""Booking links as a person sees them and as a browser is handed them.

Rule 1: a host whose letters come from more than one alphabet (Latin with Cyrillic or Greek, as
        in "example.com" written with a Cyrillic "e" and "x") is shown with its plain form beside
        it, the xn-- form a browser looks up ("... the address is xn--ample-ywe6i.com"), so a look-alike
        of a familiar name cannot pass as it. A host of one alphabet is shown as written; a
        plain ASCII link is never changed.
Rule 2: the browser is always handed the plain (IDNA, xn--) form of the host, never Unicode.
Rule 3: a host the IDNA codec refuses (an empty or over-long part, a character it prohibits)
        has no plain form: such a link is refused when it is entered and never opened.
Rule 4: pure functions of their text: nothing here looks a name up or touches the network.

The standard library has no Unicode script property; a letter's script is the first word of its
Unicode name ("CYRILLIC SMALL LETTER IE" -> CYRILLIC), with the few name prefixes that are not a
script folded in (`_SAME_SCRIPT`). Digits, "-" and "." of ASCII belong to every script.
"""

from __future__ import annotations

import unicodedata
from typing import Final
from urllib.parse import SplitResult, urlsplit

from posture_guard.core.i18n import N_, _

#: Name prefixes that are not an alphabet of their own: the alphabet is the next word
#: ("FULLWIDTH LATIN SMALL LETTER A" is Latin).
_WIDTH_PREFIXES: Final = frozenset({"FULLWIDTH", "HALFWIDTH"})
#: Scripts written together in one language, taken as one (Japanese mixes kanji and kana;
#: Korean hangul and hanja).
_SAME_SCRIPT: Final = {
    "CJK": "HAN",
    "IDEOGRAPHIC": "HAN",
    "HIRAGANA": "HAN",
    "KATAKANA": "HAN",
    "HANGUL": "HAN",
    "BOPOMOFO": "HAN",
}

HOST_EXPECTED: Final = N_(
    "expected a host name a browser can look up: parts of 1 to 63 letters, digits or hyphens"
    ' between dots, like "clinic.example"'
)


def script(ch: str) -> str | None:
    """The alphabet of one character ("LATIN", "CYRILLIC", "GREEK", ...); None for ASCII
    digits and punctuation and for combining marks, which belong to the letter before them."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else None
    if unicodedata.category(ch).startswith("M"):
        return None
    words = unicodedata.name(ch, "UNKNOWN").split()
    if words[0] in _WIDTH_PREFIXES and len(words) > 1:
        words = words[1:]
    return _SAME_SCRIPT.get(words[0], words[0])


def scripts(host: str) -> frozenset[str]:
    """The alphabets of a host's letters (the whole host: "apple.com" with a Cyrillic "a" mixes, and so does a
    Cyrillic name under ".com")."""
    found = (script(ch) for ch in unicodedata.normalize("NFC", host))
    return frozenset(s for s in found if s is not None)


def mixed_script(host: str) -> bool:
    """True when the host's letters come from more than one alphabet (Rule 1)."""
    return len(scripts(host)) > 1


def plain_host(host: str) -> str | None:
    """The host as a browser looks it up: ASCII as it is, else its IDNA (xn--) form; None when
    the IDNA codec refuses it (Rule 3)."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _parts(url: str) -> tuple[SplitResult, str] | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError when the port is not a number
    except ValueError:
        return None
    host = parts.hostname
    return None if host is None else (parts, host)


def host_problem(url: str) -> str | None:
    """None when the link's host has a plain form (or the link has no host: other checks say
    so), else what a good host looks like (Rule 3)."""
    found = _parts(url)
    if found is None:
        return None
    try:
        found[1].encode("idna")  # ASCII too: an empty or over-long part is no host
    except UnicodeError:
        return HOST_EXPECTED
    return None


def plain_url(url: str) -> str | None:
    """The link to hand a browser: unchanged when its host is ASCII, else with the host in its
    IDNA form (Rule 2); None when it has no host or the host has no plain form."""
    found = _parts(url)
    if found is None:
        return None
    parts, host = found
    if host.isascii():
        return url
    ascii_host = plain_host(host)
    if ascii_host is None:
        return None
    netloc = ascii_host if parts.port is None else f"{ascii_host}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def shown_url(url: str) -> str:
    """The link as a person reads it: as written, with the plain host beside a host of mixed
    alphabets (Rule 1), or a warning when its host has no plain form (Rule 3)."""
    found = _parts(url)
    if found is None or found[1].isascii() or not mixed_script(found[1]):
        return url
    ascii_host = plain_host(found[1])
    if ascii_host is None:
        # Translators: after a web address whose host name cannot be looked up
        return _("{url} (not a host name a browser can look up)").format(url=url)
    # Translators: after a web address whose host name mixes letters of different alphabets
    # (a Cyrillic "e" in a Latin name); {host} is the name as a browser looks it up (xn--...)
    return _("{url} (letters of mixed alphabets; the address is {host})").format(
        url=url, host=ascii_host
    )


def is_secure(url: str) -> bool:
    """True for an https:// link."""
    found = _parts(url)
    return found is not None and found[0].scheme.lower() == "https"
