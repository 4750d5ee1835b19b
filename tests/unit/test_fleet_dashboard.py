"""The fleet dashboard reads the recording rules only: every query in it names a series that
packaging/fleet/posture-guard.rules.yml records (each gated on teams of 5 or more devices), and
none reads the raw posture_guard_* series."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tests.app import ROOT

FLEET = ROOT / "packaging" / "fleet"
RULES = FLEET / "posture-guard.rules.yml"
DASHBOARD = FLEET / "posture-guard-dashboard.json"

#: PromQL's words and the labels the figures carry: every other name in a query is a series.
KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless"}
    | {"sum", "avg", "max", "min", "count", "topk", "bottomk", "label_values", "offset"}
    | {"team", "day", "outcome", "device"}
)


def recorded() -> set[str]:
    """The names the rules file records (its own format: one `- record: NAME` per rule)."""
    return set(re.findall(r"^\s*- record:\s*(\S+)\s*$", RULES.read_text(), flags=re.MULTILINE))


def queries(node: Any) -> Iterator[str]:
    """Every PromQL text in the dashboard: panel targets' `expr` and the variables' queries."""
    if isinstance(node, dict):
        for key, value in node.items():
            promql = key in ("expr", "definition") or (
                key == "query" and node.get("type") == "query"
            )
            if promql and isinstance(value, str):
                yield value
            elif key == "query" and isinstance(value, dict) and "query" in value:
                yield value["query"]
            else:
                yield from queries(value)
    elif isinstance(node, list):
        for item in node:
            yield from queries(item)


def series_named(query: str) -> set[str]:
    """The series names a query reads: its names once strings, label matchers, ranges and
    numbers are taken out, less PromQL's words and the label names."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', query)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", bare)
    names = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", bare))
    return names - KEYWORDS


def test_fleet_rules_are_all_gated_on_the_group_size() -> None:
    # Protects: the first rule keeps only groups of 5 or more, and every other rule is gated on
    # it (or computed from a gated series), so no recorded series shows a smaller group
    text = RULES.read_text()
    rules = re.findall(r"- record:\s*(\S+)\s*\n\s*expr:\s*\|\n((?:\s{10}.*\n)+)", text)
    assert {name for name, _expr in rules} == recorded()
    gate, gate_expr = rules[0]
    assert gate == "team_day:posture_guard_devices:count"
    assert gate_expr.rstrip().endswith(">= 5")
    for name, expr in rules[1:]:
        raw_reads = {s for s in series_named(expr) if ":" not in s}
        assert f"on (team, day) {gate}" in expr or not raw_reads, name


def test_fleet_dashboard_queries_only_the_recording_rules() -> None:
    # Protects: the dashboard cannot show a group smaller than 5: it reads no raw series
    names = recorded()
    assert len(names) == 4
    dashboard = json.loads(DASHBOARD.read_text())
    found = list(queries(dashboard))
    assert len(found) >= 8  # 5 panels' targets and the variables' queries and definitions
    used: set[str] = set()
    for query in found:
        series = series_named(query)
        assert series, f"no series in {query!r}"
        assert series <= names, f"{query!r} reads {sorted(series - names)}, not a recording rule"
        used |= series
    assert used == names  # each recorded figure is on the dashboard


def test_series_named_sees_raw_series_a_query_would_read() -> None:
    # Protects: the check above would catch a raw series hidden in a function or a matcher
    assert series_named('sum by (team) (posture_guard_breaks{outcome="skipped"})') == {
        "posture_guard_breaks"
    }
    assert series_named('rate(posture_guard_active_minutes{day="a{b}"}[5m])') == {
        "rate",
        "posture_guard_active_minutes",
    }
