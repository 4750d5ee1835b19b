"""Fleet figures from a real store, read by the real Debian prometheus-node-exporter; and proof
that nothing from the diary ever reaches the fleet directory."""

from __future__ import annotations

import dataclasses
import getpass
import re
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app import fleet
from posture_guard.app.store import Store
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.episodes import (
    AgeBand,
    Area,
    CheckIn,
    Episode,
    EpisodeUpdate,
    Helped,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
)
from posture_guard.core.records import AdviceSummary, BreakRecord, DayActivity
from posture_guard.core.settings import Fleet
from posture_guard.core.tiers import Tier
from posture_guard.core.timer import Outcome
from tests.app import stop_process

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN)
TODAY = date(2026, 11, 25)
DEVICE = "0123456789abcdef"
NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _breaks() -> list[BreakRecord]:
    at = NOW - timedelta(hours=3)
    records = []
    for n, outcome in enumerate([Outcome.TAKEN, Outcome.TAKEN, Outcome.SKIPPED, Outcome.NATURAL]):
        ended = at + timedelta(minutes=30 * n)
        prompted = None if outcome is Outcome.NATURAL else ended - timedelta(minutes=3)
        records.append(
            BreakRecord(
                kind="stretch",
                due=prompted,
                prompted=prompted,
                started=ended - timedelta(minutes=2),
                ended=ended,
                outcome=outcome,
            )
        )
    return records


@pytest.fixture
def store_with_everything(tmp_path: Path) -> Iterator[Store]:
    """A store with breaks and active time, and a full diary: every symptom, trigger, area and
    risk factor, notes, updates, check-ins with advice, and a clinic."""
    with Store.open(tmp_path / "data" / "posture-guard.sqlite3") as store:
        store.save(
            breaks=_breaks(),
            activity=[
                DayActivity(day=TODAY, active_s=3 * 3600 + 20 * 60),
                DayActivity(day=TODAY - timedelta(days=1), active_s=7 * 3600 + 5 * 60),
            ],
        )
        started = NOW - timedelta(days=2)
        store.start_episode(
            Episode(
                started=started,
                pain_at_start=6,
                pain_peak=8,
                stiffness=Stiffness.SEVERE,
                range_of_motion="turns left halfway",
                areas=frozenset(Area),
                triggers=frozenset(Trigger),
                symptoms=frozenset(Symptom),
                helped=frozenset(Helped),
                notes="privatenote7f3a slept badly after the deadline",
            )
        )
        store.update_episode(
            EpisodeUpdate(
                at=started + timedelta(hours=5),
                pain=8,
                stiffness=Stiffness.MODERATE,
                symptoms=frozenset(Symptom),
                helped=frozenset(Helped),
                notes="privateupdate91c",
            )
        )
        store.add_check_in(
            CheckIn(
                at=NOW - timedelta(hours=1),
                pain_now=7,
                stiffness=Stiffness.SEVERE,
                symptoms=frozenset(Symptom),
                trend=Trend.WORSE,
                pain_disturbs_sleep=True,
                pain_stops_work=True,
                daily_life_affected=True,
                home_care_days=9,
                risk_history=frozenset(RiskFactor),
                age_band=AgeBand.FROM_20_TO_50,
            ),
            AdviceSummary(tier=Tier.BOOK, rule_ids=("arm-or-nerve-symptoms",)),
        )
        store.set_clinic(
            ClinicProfile(
                name="Privateclinic Physiotherapy",
                booking_url="https://privateclinic.example/book",
                phone="+44 20 7946 1234",
            )
        )
        yield store


def _export(store: Store, directory: Path) -> Path:
    path = fleet.export(
        store,
        Fleet(directory=directory, team="finance"),
        DEVICE,
        NOW,
        datetime.min.time().replace(hour=4),
    )
    assert path is not None
    return path


def test_fleet_node_exporter_collects_our_counts(
    store_with_everything: Store, tmp_path: Path
) -> None:
    collector = tmp_path / "textfile"
    collector.mkdir()
    _export(store_with_everything, collector)
    port = _free_port()
    proc = subprocess.Popen(
        [
            NODE_EXPORTER,
            "--collector.disable-defaults",
            "--collector.textfile",
            f"--collector.textfile.directory={collector}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        body = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as reply:
                    body = reply.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body, "node_exporter did not answer"
    finally:
        stop_process(proc)
        assert proc.stderr is not None
        proc.stderr.close()
    ours = sorted(line for line in body.splitlines() if line.startswith("posture_guard_"))
    device, team = f'device="{DEVICE}"', 'team="finance"'  # node_exporter sorts the labels
    assert ours == sorted(
        [
            f'posture_guard_active_minutes{{day="2026-11-24",{device},{team}}} 420',
            f'posture_guard_active_minutes{{day="2026-11-25",{device},{team}}} 195',
            f'posture_guard_breaks{{day="2026-11-24",{device},outcome="prompted",{team}}} 0',
            f'posture_guard_breaks{{day="2026-11-24",{device},outcome="skipped",{team}}} 0',
            f'posture_guard_breaks{{day="2026-11-24",{device},outcome="taken",{team}}} 0',
            f'posture_guard_breaks{{day="2026-11-25",{device},outcome="prompted",{team}}} 3',
            f'posture_guard_breaks{{day="2026-11-25",{device},outcome="skipped",{team}}} 1',
            f'posture_guard_breaks{{day="2026-11-25",{device},outcome="taken",{team}}} 3',
        ]
    )
    assert "node_textfile_scrape_error 0" in body.splitlines()


def _diary_words(store: Store) -> set[str]:
    """Every diary, check-in, advice and clinic field name and value the store holds."""
    words: set[str] = set()
    for kind in (Episode, EpisodeUpdate, CheckIn, AdviceSummary, ClinicProfile):
        words |= {f.name for f in dataclasses.fields(kind)}
    for enum in (Area, Trigger, Symptom, Helped, Stiffness, RiskFactor, Trend, AgeBand, Tier):
        assert issubclass(enum, Enum)
        words |= {str(member.value) for member in enum} | {member.name.lower() for member in enum}
    with sqlite3.connect(store.path) as db:
        for table in ("episodes", "episode_updates", "check_ins", "clinic"):
            words |= {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            for row in db.execute(f"SELECT * FROM {table}"):
                words |= {str(v) for v in row if v is not None}
    words |= {
        "privatenote7f3a",
        "privateupdate91c",
        "Privateclinic",
        "arm-or-nerve-symptoms",
        getpass.getuser(),
        socket.gethostname(),
    }
    return {w for w in words if len(w) >= 3}  # "id", numbers like 7 are not words of their own


def test_fleet_file_holds_no_diary_field_name_or_value(
    store_with_everything: Store, tmp_path: Path
) -> None:
    collector = tmp_path / "textfile"
    collector.mkdir()
    _export(store_with_everything, collector)
    written = "\n".join(p.read_text() for p in collector.iterdir())
    assert "posture_guard_breaks" in written  # the file is there and has our counts
    # our own name is not diary data, though "posture" is also a trigger's name
    written = written.replace("posture_guard_", "")
    words = _diary_words(store_with_everything)
    assert len(words) > 100
    found = sorted(
        w for w in words if re.search(rf"(?<![A-Za-z0-9]){re.escape(w)}(?![A-Za-z0-9])", written)
    )
    assert found == []
