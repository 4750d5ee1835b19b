"""The fleet recording rules in a real Prometheus (Debian's prometheus 2.42) scraping the real
node_exporter's textfile collector, fed by the files the app writes from real stores: a team of
4 devices is recorded nothing, a team of 5 is recorded in full. `promtool` checks the rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app import fleet
from posture_guard.app.store import Store
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.settings import Fleet
from posture_guard.core.timer import Outcome
from tests.app import ROOT, stop_process
from tests.e2e.test_fleet_export import NODE_EXPORTER, _free_port

pytestmark = pytest.mark.e2e

RULES = ROOT / "packaging" / "fleet" / "posture-guard.rules.yml"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN)
DAY = "2026-11-25"
RECORDS = (
    "team_day:posture_guard_devices:count",
    "team_day:posture_guard_active_minutes:avg",
    "team_day:posture_guard_breaks:sum",
    "team_day:posture_guard_breaks_skipped:ratio",
)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: tests/run.sh installs Debian's prometheus")
    return found


def _device_file(tmp_path: Path, collector: Path, team: str, n: int, hours: int) -> None:
    """One device's real store (a taken and a skipped prompted break, `hours` active) exported
    to the collector directory as the service does."""
    breaks = []
    for k, outcome in enumerate((Outcome.TAKEN, Outcome.SKIPPED)):
        ended = NOW - timedelta(hours=2) + timedelta(minutes=40 * k)
        prompted = ended - timedelta(minutes=3)
        breaks.append(
            BreakRecord(
                kind="stretch",
                due=prompted,
                prompted=prompted,
                started=ended - timedelta(minutes=2),
                ended=ended,
                outcome=outcome,
            )
        )
    device = f"{team[:4]}{n:012x}"
    with Store.open(tmp_path / "stores" / device / "posture-guard.sqlite3") as store:
        store.save(breaks=breaks, activity=[DayActivity(day=NOW.date(), active_s=hours * 3600)])
        fleet.export(
            store,
            Fleet(directory=collector, team=team),
            device,
            NOW,
            datetime.min.time().replace(hour=4),
        )


def _wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[str]:
    """node_exporter on the collector of 4 "legal" and 5 "finance" devices, and Prometheus
    scraping it and evaluating the rules every second; yields Prometheus's base URL."""
    collector = tmp_path / "textfile"
    collector.mkdir()
    for n in range(4):
        _device_file(tmp_path, collector, "legal", n, hours=2)
    for n in range(5):
        _device_file(tmp_path, collector, "finance", n, hours=n + 1)  # 1 h .. 5 h
    assert len(list(collector.glob("*.prom"))) == 9
    exporter_port, prometheus_port = _free_port(), _free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"rule_files: [{json.dumps(str(RULES))}]\n"
        "scrape_configs:\n  - job_name: node\n    static_configs:\n"
        f'      - targets: ["127.0.0.1:{exporter_port}"]\n'
    )
    log = (tmp_path / "prometheus.log").open("w")
    procs = [
        subprocess.Popen(
            [
                NODE_EXPORTER,
                "--collector.disable-defaults",
                "--collector.textfile",
                f"--collector.textfile.directory={collector}",
                f"--web.listen-address=127.0.0.1:{exporter_port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                _tool("prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        ),
    ]
    base = f"http://127.0.0.1:{prometheus_port}"
    try:
        _wait_http(f"{base}/-/ready")
        yield base
    finally:
        for proc in procs:
            stop_process(proc)
        log.close()


def _query(base: str, expr: str) -> list[dict[str, Any]]:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=5) as reply:
        answer = json.load(reply)
    assert answer["status"] == "success", answer
    result: list[dict[str, Any]] = answer["data"]["result"]
    return result


def _by_team(result: list[dict[str, Any]]) -> dict[tuple[str, ...], float]:
    return {
        tuple(r["metric"].get(k, "") for k in ("team", "day", "outcome")): float(r["value"][1])
        for r in result
    }


def test_fleet_rules_pass_promtool() -> None:
    # Protects: the rules file loads in Prometheus (syntax, PromQL, names)
    result = subprocess.run(
        [_tool("promtool"), "check", "rules", str(RULES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 4 rules found" in result.stdout


def test_fleet_rules_show_a_team_of_5_and_hide_a_team_of_4(prometheus: str) -> None:
    # Protects: the recording rules record nothing for a team of 4 devices (not even its size)
    # and the full figures for a team of 5, from real files through node_exporter
    raw: dict[tuple[str, ...], float] = {}
    recorded: dict[tuple[str, ...], float] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        raw = _by_team(_query(prometheus, "count by (team, day) (posture_guard_active_minutes)"))
        recorded = _by_team(_query(prometheus, RECORDS[0]))
        if len(raw) == 2 and recorded:  # one scrape reads every file: the rules saw all 9
            break
        time.sleep(0.5)
    # both teams' figures reached Prometheus: the 4 are hidden by the rules, not missing
    assert raw == {("legal", DAY, ""): 4.0, ("finance", DAY, ""): 5.0}
    assert recorded == {("finance", DAY, ""): 5.0}

    every = _query(prometheus, '{__name__=~"team_day:posture_guard_.+"}')
    assert {r["metric"]["__name__"] for r in every} == set(RECORDS)
    assert {r["metric"]["team"] for r in every} == {"finance"}  # nothing of "legal" at all
    assert all("device" not in r["metric"] for r in every)  # no device's own figure
    assert _by_team(_query(prometheus, RECORDS[1])) == {("finance", DAY, ""): 180.0}
    assert _by_team(_query(prometheus, RECORDS[2])) == {
        ("finance", DAY, "prompted"): 10.0,
        ("finance", DAY, "taken"): 5.0,
        ("finance", DAY, "skipped"): 5.0,
    }
    assert _by_team(_query(prometheus, RECORDS[3])) == {("finance", DAY, ""): 0.5}

    with urllib.request.urlopen(f"{prometheus}/api/v1/rules", timeout=5) as reply:
        groups = json.load(reply)["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert [r["name"] for r in rules] == list(RECORDS)
    assert all(r["health"] == "ok" for r in rules), rules
