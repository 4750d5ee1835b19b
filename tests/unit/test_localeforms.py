"""Dates and numbers in the language's form (core/localeforms.py): with plain catalogues holding
the German and Hindi forms, and with the shipped catalogues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import pytest

from posture_guard.core import i18n
from posture_guard.core.localeforms import (
    format_date,
    format_date_range,
    format_number,
    format_short_date,
    month_name,
)
from posture_guard.desktop import language


class Plain:
    """A catalogue from a plain table of (context, English) -> translation."""

    def __init__(self, table: Mapping[tuple[str, str], str]) -> None:
        self.table = table

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str, /) -> str:
        return self.table.get((context, message), message)


GERMAN = Plain(
    {
        ("date", "{day} {month} {year}"): "{day}. {month} {year}",
        ("month", "March"): "März",
        ("month", "December"): "Dezember",
        ("date, short", "{day} Dec"): "{day}. Dez.",
        ("number: decimal sign", "."): ",",
        ("number: group sign", ","): ".",
    }
)
HINDI = Plain(
    {
        ("month", "December"): "दिसंबर",
        ("date, short", "{day} Dec"): "{day} दिस॰",
        ("number: group sizes", "3"): "3;2",
    }
)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use(i18n.English(), "en")


def test_localeforms_english() -> None:
    assert format_date(date(2026, 12, 6)) == "6 December 2026"
    assert format_short_date(date(2026, 12, 6)) == "6 Dec"
    assert month_name(1) == "January"
    assert format_number(1234.5, 1) == "1,234.5"
    assert format_number(1234567) == "1,234,567"
    assert format_number(999) == "999"
    assert format_number(0.25, 2) == "0.25"
    assert format_number(-1234.56, 1) == "-1,234.6"
    assert format_number(-0.01, 1) == "0.0"  # no "-0.0"
    assert format_number(2.5) == "2"  # Python's rounding: half to even
    assert format_date_range(date(2026, 12, 1), date(2026, 12, 6)) == (
        "1 December 2026 \u2013 6 December 2026"
    )
    assert format_date_range(date(2026, 12, 6), date(2026, 12, 6)) == "6 December 2026"


def test_localeforms_german() -> None:
    i18n.use(GERMAN, "de")
    assert format_date(date(2026, 12, 6)) == "6. Dezember 2026"
    assert format_date(date(2026, 3, 1)) == "1. März 2026"
    assert format_short_date(date(2026, 12, 6)) == "6. Dez."
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1234567.891, 2) == "1.234.567,89"
    assert format_number(-3.25, 2) == "-3,25"


def test_localeforms_hindi() -> None:
    i18n.use(HINDI, "hi")
    assert format_date(date(2026, 12, 6)) == "6 दिसंबर 2026"
    assert format_short_date(date(2026, 12, 6)) == "6 दिस॰"
    assert format_number(1234.5, 1) == "1,234.5"
    assert format_number(1234567) == "12,34,567"
    assert format_number(123456789.5, 1) == "12,34,56,789.5"


def test_localeforms_a_broken_group_size_translation_falls_back_to_threes() -> None:
    i18n.use(Plain({("number: group sizes", "3"): "drei"}), "xx")
    assert format_number(1234567) == "1,234,567"
    i18n.use(Plain({("number: group sizes", "3"): "0"}), "xx")
    assert format_number(1234567) == "1,234,567"


def test_localeforms_not_a_number_is_written_as_python_writes_it() -> None:
    assert format_number(float("nan"), 1) == "nan"
    assert format_number(float("inf")) == "inf"


@pytest.mark.parametrize(
    ("code", "whole", "short", "number", "indian"),
    [
        ("de", "6. Dezember 2026", "6. Dez.", "1.234,5", "1.234.567"),
        ("hi", "6 दिसंबर 2026", "6 दिस॰", "1,234.5", "12,34,567"),
    ],
)
def test_localeforms_shipped_catalogues(
    code: str, whole: str, short: str, number: str, indian: str
) -> None:
    i18n.use(*language.catalogue_for([code]))
    assert i18n.language() == code
    assert format_date(date(2026, 12, 6)) == whole
    assert format_short_date(date(2026, 12, 6)) == short
    assert format_number(1234.5, 1) == number
    assert format_number(1234567) == indian
