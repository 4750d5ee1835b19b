"""The exported tables' columns and what each means: one place for --help, the zip and README.

Light on purpose: the CLI's parser reads it for `posture-guard report --help`, so it imports
nothing but typing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

#: table -> (column, meaning). Lists of words are separated by ";" in CSV and are lists in JSON.
COLUMNS: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    "breaks": (
        ("day", "working day of the break's end (YYYY-MM-DD; a day starts at day_starts_at)"),
        ("kind", "posture, stretch or movement"),
        ("outcome", "taken, natural, skipped, merged (into a longer break) or cancelled"),
        ("due", "when it came due (empty: nobody asked for it, e.g. a natural break)"),
        ("prompted", "when it was first shown (empty: never shown)"),
        ("started", "when the break began (for a natural break: when input stopped)"),
        ("ended", "when the outcome happened"),
        ("snoozes", "how many times it was snoozed"),
    ),
    "daily_activity": (
        ("day", "working day (YYYY-MM-DD)"),
        ("active_seconds", "active input seconds that day, as the timer counted them"),
    ),
    "work_stretches": (
        ("day", "working day the stretch ended on"),
        ("started", "when the rest before it ended (or Posture Guard started)"),
        ("ended", "when the rest that ended it began"),
        ("active_seconds", "active input seconds in between"),
    ),
    "episodes": (
        ("id", "the diary's episode number"),
        ("started", "when it began"),
        ("ended", "when it ended (empty: still open)"),
        ("pain_at_start", "pain 0-10 at the start (0 none, 10 worst imaginable)"),
        ("pain_peak", "highest pain recorded in it"),
        ("stiffness", "none, mild, moderate or severe, at the start"),
        ("range_of_motion", "free note on how far the head turns"),
        ("areas", "where it hurt"),
        ("triggers", "what seemed to set it off"),
        ("symptoms", "symptoms at the start"),
        ("helped", "what helped, at the start"),
        ("notes", "free text"),
    ),
    "episode_updates": (
        ("episode_id", "the episode it belongs to"),
        ("at", "when"),
        ("pain", "pain 0-10 then (empty: not recorded)"),
        ("stiffness", "stiffness then (empty: not recorded)"),
        ("symptoms", "symptoms noticed since the last update"),
        ("helped", "what helped since the last update"),
        ("notes", "free text"),
    ),
    "check_ins": (
        ("id", "the check-in's number"),
        ("at", "when it was made"),
        ("pain_now", "pain 0-10"),
        ("stiffness", "none, mild, moderate or severe"),
        ("symptoms", "symptoms present then"),
        ("trend", "improving, same or worse"),
        ("pain_disturbs_sleep", "true or false"),
        ("pain_stops_work", "true or false"),
        ("daily_life_affected", "true or false"),
        ("home_care_days", "days of looking after it yourself so far"),
        ("after_injury", "true or false"),
        ("high_risk_mechanism", "true or false: a dangerous fall or crash"),
        ("risk_history", "past or present conditions that raise the risk"),
        ("age_band", "under-20, 20-50, 51-55, 56-64 or 65-plus"),
        ("advice_tier", "the advice it produced then: self-care, book, prompt or emergency"),
        ("advice_rules", "the warning-sign rules that fired (ids in warning_signs.toml)"),
    ),
}


def columns_text() -> str:
    """COLUMNS as plain text, for --help, README.txt in the zip and the README."""
    lines = [
        "Posture Guard records: one table per file (CSV) or per key (JSON). Times are ISO 8601",
        "with their UTC offset; lists of words are separated by ';' in CSV. This file contains",
        "health information: keep it private.",
    ]
    for name, columns in COLUMNS.items():
        lines += ["", f"{name}:"]
        lines += [f"  {column}: {meaning}" for column, meaning in columns]
    return "\n".join(lines) + "\n"
