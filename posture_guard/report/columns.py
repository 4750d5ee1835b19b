"""The exported tables' columns and what each means: one place for --help, the zip and README.

Light on purpose: the CLI's parser reads it for `posture-guard report --help`, so it imports
nothing but typing and core/i18n.py.

The tables' and columns' names are data (a spreadsheet or a script reads them): English in every
language. What each means is for people: English here (`N_`), translated by `columns_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from posture_guard.core.i18n import N_, _

#: table -> (column, meaning). Lists of words are separated by ";" in CSV and are lists in JSON.
COLUMNS: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    "breaks": (
        ("day", N_("working day of the break's end (YYYY-MM-DD; a day starts at day_starts_at)")),
        ("kind", N_("posture, stretch or movement")),
        ("outcome", N_("taken, natural, skipped, merged (into a longer break) or cancelled")),
        ("due", N_("when it came due (empty: nobody asked for it, e.g. a natural break)")),
        ("prompted", N_("when it was first shown (empty: never shown)")),
        ("started", N_("when the break began (for a natural break: when input stopped)")),
        ("ended", N_("when the outcome happened")),
        ("snoozes", N_("how many times it was snoozed")),
        ("exercise", N_("the id of the exercise the break offered (empty: none recorded)")),
    ),
    "daily_activity": (
        ("day", N_("working day (YYYY-MM-DD)")),
        ("active_seconds", N_("active input seconds that day, as the timer counted them")),
    ),
    "work_stretches": (
        ("day", N_("working day the stretch ended on")),
        ("started", N_("when the rest before it ended (or Posture Guard started)")),
        ("ended", N_("when the rest that ended it began")),
        ("active_seconds", N_("active input seconds in between")),
    ),
    "episodes": (
        ("id", N_("the diary's episode number")),
        ("started", N_("when it began")),
        ("ended", N_("when it ended (empty: still open)")),
        ("pain_at_start", N_("pain 0-10 at the start (0 none, 10 worst imaginable)")),
        ("pain_peak", N_("highest pain recorded in it")),
        ("stiffness", N_("none, mild, moderate or severe, at the start (empty: not answered)")),
        ("range_of_motion", N_("free note on how far the head turns")),
        ("areas", N_("where it hurt")),
        ("triggers", N_("what seemed to set it off")),
        ("symptoms", N_("symptoms at the start")),
        ("helped", N_("what helped, at the start")),
        ("notes", N_("free text")),
    ),
    "episode_updates": (
        ("episode_id", N_("the episode it belongs to")),
        ("at", N_("when")),
        ("pain", N_("pain 0-10 then (empty: not recorded)")),
        ("stiffness", N_("stiffness then (empty: not recorded)")),
        ("symptoms", N_("symptoms noticed since the last update")),
        ("helped", N_("what helped since the last update")),
        ("notes", N_("free text")),
    ),
    "check_ins": (
        ("id", N_("the check-in's number")),
        ("at", N_("when it was made")),
        ("pain_now", N_("pain 0-10")),
        ("stiffness", N_("none, mild, moderate or severe")),
        ("symptoms", N_("symptoms present then")),
        ("trend", N_("improving, same or worse")),
        ("pain_disturbs_sleep", N_("true or false")),
        (
            "pain_stops_work",
            N_(
                "true or false: the pain interferes with work (earlier versions asked whether "
                "it stops you working)"
            ),
        ),
        ("daily_life_affected", N_("true or false")),
        ("home_care_days", N_("days of looking after it yourself so far")),
        (
            "pain_lasted",
            N_(
                "how long the pain had lasted: under-1-week, 1-3-weeks, 3-12-weeks or "
                "over-12-weeks (empty: not asked then)"
            ),
        ),
        ("after_injury", N_("yes, no or not-sure")),
        ("high_risk_mechanism", N_("yes, no or not-sure: a dangerous fall or crash")),
        ("head_injury", N_("yes, no or not-sure: the head hit or hurt (empty: not asked then)")),
        (
            "neck_manipulation",
            N_(
                "yes, no or not-sure: the neck manipulated in the last 4 weeks (empty: not asked then)"
            ),
        ),
        ("risk_history", N_("past or present conditions that raise the risk")),
        ("age_band", N_("under-20, 20-50, 51-55, 56-64 or 65-plus")),
        ("advice_tier", N_("the advice it produced then: self-care, book, prompt or emergency")),
        ("advice_rules", N_("the warning-sign rules that fired (ids in warning_signs.toml)")),
    ),
}


def columns_text() -> str:
    """COLUMNS as plain text, for --help, README.txt in the zip and the README: the names as
    they are, what they mean in the language in use."""
    # Translators: the head of README.txt beside the exported tables; keep the line breaks
    # (lines of at most about 90 characters) and the ';' as it is
    lines = [
        _(
            "Posture Guard records: one table per file (CSV) or per key (JSON). Times are ISO 8601\n"
            "with their UTC offset; lists of words are separated by ';' in CSV. This file contains\n"
            "health information: keep it private."
        )
    ]
    for name, columns in COLUMNS.items():
        lines += ["", f"{name}:"]
        lines += [f"  {column}: {_(meaning)}" for column, meaning in columns]
    return "\n".join(lines) + "\n"
