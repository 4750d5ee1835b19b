"""Dates and numbers written the way the language in use writes them. Pure.

Rule 1: the forms come from the catalogue, not from a locale database: the month names, the
        dates' patterns (a short one per month: "{day} Dec"), the decimal sign, the grouping
        sign and the group sizes are messages with a context (`pgettext`), translated with the
        rest, so the installed program needs no Babel and no OS locale (the C locale, or one
        not generated, would say English).
Rule 2: the digits are the ASCII ones in every language (Hindi software and CLDR's default
        numbering for "hi" use them too); only the signs and the grouping change.
Rule 3: a form is looked up each time it is written (i18n.py Rule 1), so a language chosen
        after import is the one used.

English: "6 December 2026", "1,234.5". German: "6. Dezember 2026", "1.234,5".
Hindi: "6 दिसंबर 2026", "12,34,567.5" (the Indian grouping: 3 digits, then 2s).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Final

from posture_guard.core.i18n import pgettext


def _month_names() -> tuple[str, ...]:
    # Each name is looked up where it is written (Rule 3); listed whole for the extractor.
    return (
        pgettext("month", "January"),
        pgettext("month", "February"),
        pgettext("month", "March"),
        pgettext("month", "April"),
        pgettext("month", "May"),
        pgettext("month", "June"),
        pgettext("month", "July"),
        pgettext("month", "August"),
        pgettext("month", "September"),
        pgettext("month", "October"),
        pgettext("month", "November"),
        pgettext("month", "December"),
    )


def _short_date_patterns() -> tuple[str, ...]:
    return (
        # Translators: a short date in January without the year, as on a chart's axis ("6 Jan");
        # {day} is the day of the month. Use the month's short name, in the language's order.
        pgettext("date, short", "{day} Jan"),
        pgettext("date, short", "{day} Feb"),
        pgettext("date, short", "{day} Mar"),
        pgettext("date, short", "{day} Apr"),
        pgettext("date, short", "{day} May"),
        pgettext("date, short", "{day} Jun"),
        pgettext("date, short", "{day} Jul"),
        pgettext("date, short", "{day} Aug"),
        pgettext("date, short", "{day} Sep"),
        pgettext("date, short", "{day} Oct"),
        pgettext("date, short", "{day} Nov"),
        pgettext("date, short", "{day} Dec"),
    )


def month_name(month: int) -> str:
    """The full name of `month` (1 = January) in the language in use."""
    return _month_names()[month - 1]


def format_date(day: date) -> str:
    """`day` written whole: "6 December 2026", "6. Dezember 2026", "6 दिसंबर 2026"."""
    # Translators: a date written whole; {day} is the day of the month (6), {month} the month's
    # name (December), {year} the year (2026). Reorder and add signs as the language writes it
    # ("{day}. {month} {year}" in German).
    pattern = pgettext("date", "{day} {month} {year}")
    return pattern.format(day=day.day, month=month_name(day.month), year=day.year)


def format_short_date(day: date) -> str:
    """`day` without its year and with the month's short name: "6 Dec", "6. Dez.", "6 दिस॰"."""
    return _short_date_patterns()[day.month - 1].format(day=day.day)


def format_date_range(first: date, last: date) -> str:
    """Two dates as a span ("1 December 2026 to 6 December 2026" with an en dash); one date
    when they are equal."""
    if first == last:
        return format_date(first)
    # Translators: a span of dates, from {first} to {last} (each written whole)
    return pgettext("date", "{first} \u2013 {last}").format(
        first=format_date(first), last=format_date(last)
    )


def format_clock(moment: datetime | time) -> str:
    """The time of day on the 24-hour clock, "09:30": the form every catalogue language
    (English, German, Hindi) writes in running text."""
    return f"{moment:%H:%M}"


def format_date_time(moment: datetime) -> str:
    """`moment`'s date written whole and its clock time (24 h): "6 December 2026, 09:30"."""
    # Translators: a date and a clock time; {date} is written whole (6 December 2026), {time}
    # is the 24-hour clock (09:30)
    return pgettext("date and time", "{date}, {time}").format(
        date=format_date(moment.date()), time=format_clock(moment)
    )


def format_day_span(first: date, last: date) -> str:
    """A few days from `first` to `last` with short dates and the last one's year:
    "3 Mar to 9 Mar 2026", "3. März bis 9. März 2026"."""
    # Translators: a span of days; {first} and {last} are short dates without the year (3 Mar),
    # {year} is the year of the last day
    return pgettext("date", "{first} to {last} {year}").format(
        first=format_short_date(first), last=format_short_date(last), year=last.year
    )


#: Languages written right to left (their ISO 639 codes), for `text_direction`.
_RIGHT_TO_LEFT: Final = frozenset({"ar", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """ "rtl" for a language written right to left ("ar", "he_IL"), else "ltr" (HTML's `dir`)."""
    return "rtl" if language.split("_", 1)[0].lower() in _RIGHT_TO_LEFT else "ltr"


#: Where the English forms are the fallback of a catalogue that lacks a message.
_DEFAULT_GROUPS: Final = (3,)


def _group_sizes() -> tuple[int, ...]:
    # Translators: the sizes of the digit groups of a number, from the right, separated by ";";
    # the last size repeats. "3" for 1,234,567; "3;2" for the Indian 12,34,567 (Hindi).
    # Write the digits 2 or 3 only.
    text = pgettext("number: group sizes", "3")
    try:
        sizes = tuple(int(part) for part in text.split(";") if part.strip())
    except ValueError:
        return _DEFAULT_GROUPS
    if not sizes or any(size < 1 for size in sizes):
        return _DEFAULT_GROUPS
    return sizes


def _grouped(digits: str, sizes: tuple[int, ...], sign: str) -> str:
    groups: list[str] = []
    rest = digits
    index = 0
    while len(rest) > sizes[index]:
        groups.append(rest[-sizes[index] :])
        rest = rest[: -sizes[index]]
        index = min(index + 1, len(sizes) - 1)
    groups.append(rest)
    return sign.join(reversed(groups))


def format_number(value: float, decimals: int = 0) -> str:
    """`value` rounded to `decimals` places, with the language's decimal sign and digit groups:
    1234.5 with 1 place is "1,234.5", "1.234,5" (German), "1,234.5" (Hindi); 1234567 is
    "12,34,567" in Hindi. Four digits or more are grouped; a negative value keeps its "-"."""
    if not math.isfinite(value):
        return str(value)
    text = f"{abs(value):.{max(decimals, 0)}f}"
    whole, _sep, fraction = text.partition(".")
    negative = value < 0 and any(ch not in "0." for ch in text)
    # Translators: the sign between a number's whole part and its fraction (1.5 in English,
    # 1,5 in German)
    decimal_sign = pgettext("number: decimal sign", ".")
    # Translators: the sign between a number's digit groups (1,234 in English, 1.234 in German)
    group_sign = pgettext("number: group sign", ",")
    out = _grouped(whole, _group_sizes(), group_sign)
    if fraction:
        out = f"{out}{decimal_sign}{fraction}"
    return f"-{out}" if negative else out


def format_percent(percent: float, decimals: int = 0, *, signed: bool = False) -> str:
    """`percent` (25 for 25%) as the language writes a percentage: "25%", "25 %" (German);
    `signed` puts "+" before a positive value ("+25%")."""
    number = format_number(percent, decimals)
    if signed and percent > 0 and any(ch not in "0.," for ch in number):
        number = "+" + number
    # Translators: a percentage; {number} is already written in the language's form (25 or
    # 12,5). German puts a space before the sign (a non-breaking one: "25\u00a0%").
    return pgettext("number: percent", "{number}%").format(number=number)
