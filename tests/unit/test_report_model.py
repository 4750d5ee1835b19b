"""The report's figures from a known history (tests/report_history.py, worked out by hand there):
per kind, episodes and pain, tallies, and the work before each episode against the baseline
(issue 5, acceptance 1). Pure: values in, values out; no store, no clock."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime, time, timedelta

import pytest

from posture_guard.core import episodes as lifecycle
from posture_guard.core.episodes import CheckIn, Episode
from posture_guard.core.records import StoredCheckIn
from posture_guard.core.tiers import Tier
from posture_guard.core.triage import assess
from posture_guard.report import parse_since
from posture_guard.report.export import tables, to_csv_zip, to_json
from posture_guard.report.model import (
    ASSOCIATION_NOTE,
    BeforeEpisode,
    Period,
    Records,
    WorkFigures,
    build,
    describe_before,
    pain_trend,
)
from posture_guard.report.sections import NO_DATA, sections
from tests import report_history as h

LAST = date(2026, 3, 28)
NOW = datetime(2026, 3, 28, 20, 0, tzinfo=h.TOKYO)
PERIOD = Period(first=h.day(LAST, 0), last=LAST, day_starts_at=time(4, 0), zone=h.TOKYO)


def diary() -> tuple[tuple[Episode, ...], tuple[StoredCheckIn, ...]]:
    """The history's episodes and check-ins as the store would give them back."""
    built: list[Episode] = []
    for n, (episode, updates, ended) in enumerate(h.episodes(LAST), start=1):
        e = lifecycle.start_episode(built, episode)
        e = Episode(**{**{f: getattr(e, f) for f in e.__slots__}, "id": n})  # type: ignore[attr-defined]
        for update in updates:
            e = lifecycle.update_episode(e, update)
        if ended is not None:
            e = lifecycle.end_episode(e, ended)
        built.append(e)
    stored = tuple(
        StoredCheckIn(id=n, check_in=c, advice=a)
        for n, (c, a) in enumerate(h.check_ins(LAST), start=1)
    )
    return tuple(built), stored


def records(*, empty: bool = False, stretches: bool = True) -> Records:
    if empty:
        return Records(breaks=(), activity=(), episodes=(), check_ins=(), clinic=None,
                       advice=None, advice_check_in=None)  # fmt: skip
    episodes, check_ins = diary()
    latest = check_ins[-1]
    return Records(
        breaks=tuple(h.breaks(LAST)),
        activity=tuple(h.activity(LAST)),
        episodes=episodes,
        check_ins=check_ins,
        clinic=None,
        advice=assess(latest.check_in, episodes, NOW, None),
        advice_check_in=latest,
        stretches=tuple(h.stretches(LAST)) if stretches else (),
    )


def test_report_model_counts_breaks_per_kind_as_worked_out_by_hand() -> None:
    model = build(records(), PERIOD, NOW)
    assert [
        (k.kind, k.prompted, k.taken, k.natural, k.skipped, k.snoozed) for k in model.kinds
    ] == [
        ("posture", 53, 26, 0, 27, 6),
        ("stretch", 20, 13, 0, 7, 0),
        ("movement", 7, 0, 13, 7, 0),
    ]
    assert [round(k.adherence * 100) for k in model.kinds if k.adherence is not None] == [
        49,
        65,
        65,
    ]
    assert len(model.days) == 28
    assert model.days_with_activity == 26  # days 0 and 21 have no record
    assert model.active_total_s == (6 * 3 + 7 * 6 + 7 * 5 + 6 * 4) * 3600


def test_report_model_compares_the_days_before_each_episode_with_the_baseline() -> None:
    model = build(records(), PERIOD, NOW)
    assert model.window_days == 7
    assert model.stretch_measured
    assert model.baseline == WorkFigures(
        days=6, active_s=3 * 3600, longest_stretch_s=50 * 60, skipped=1.0
    )
    assert [(b.number, b.first, b.last, b.before) for b in model.before] == [
        (1, h.day(LAST, 2), h.day(LAST, 8), WorkFigures(days=7, active_s=6 * 3600, longest_stretch_s=150 * 60, skipped=3.0)),
        (2, h.day(LAST, 12), h.day(LAST, 18), WorkFigures(days=7, active_s=5 * 3600, longest_stretch_s=100 * 60, skipped=2.0)),
        (3, h.day(LAST, 19), h.day(LAST, 25), WorkFigures(days=6, active_s=4 * 3600, longest_stretch_s=60 * 60, skipped=0.0)),
    ]  # fmt: skip


def test_report_model_without_recorded_stretches_bounds_them_from_break_times() -> None:
    model = build(records(stretches=False), PERIOD, NOW)
    assert not model.stretch_measured
    assert model.baseline.longest_stretch_s == 3600
    assert [b.before.longest_stretch_s for b in model.before] == [3 * 3600, 2 * 3600, None]
    assert describe_before(model.before[2], model.baseline) == (
        "In the 7 days before episode 3 (20 Mar to 26 Mar 2026), you were active 4h a day on"
        " average against 3h on your other days (+33%); there is no longest stretch to compare"
        " (too few breaks recorded); you skipped 0.0 breaks a day against 1.0 on your other days."
    )
    assert sections(model)[-1].notes[-1].startswith("Longest stretch = the longest time between")


def test_report_model_says_the_comparison_plainly_as_an_association() -> None:
    model = build(records(), PERIOD, NOW)
    assert [describe_before(b, model.baseline) for b in model.before] == [
        "In the 7 days before episode 1 (3 Mar to 9 Mar 2026), you were active 6h a day on"
        " average against 3h on your other days (+100%); your longest stretch between breaks"
        " averaged 2h30m against 50m on your other days (+200%); you skipped 3.0 breaks a day"
        " against 1.0 on your other days.",
        "In the 7 days before episode 2 (13 Mar to 19 Mar 2026), you were active 5h a day on"
        " average against 3h on your other days (+67%); your longest stretch between breaks"
        " averaged 1h40m against 50m on your other days (+100%); you skipped 2.0 breaks a day"
        " against 1.0 on your other days.",
        "In the 7 days before episode 3 (20 Mar to 26 Mar 2026), you were active 4h a day on"
        " average against 3h on your other days (+33%); your longest stretch between breaks"
        " averaged 1h against 50m on your other days (+20%); you skipped 0.0 breaks a day against"
        " 1.0 on your other days.",
    ]
    assert sections(model)[-1].notes[-1].startswith("Longest stretch = the most active screen")
    assert "not causes" in ASSOCIATION_NOTE
    text = " ".join(describe_before(b, model.baseline) for b in model.before)
    assert "cause" not in text
    assert "because" not in text


def test_report_comparison_gives_no_percentage_of_a_small_count_or_a_few_minutes() -> None:
    """Issue 13: "0.0 vs 1.0 skipped: -100%" reads as a dramatic change in what is one break;
    a change in per cent is given only for durations against a baseline of 15 minutes or more."""
    item = BeforeEpisode(
        number=1,
        started=NOW,
        first=date(2026, 3, 1),
        last=date(2026, 3, 7),
        before=WorkFigures(days=7, active_s=20 * 60, longest_stretch_s=3 * 60, skipped=0.0),
    )
    small = WorkFigures(days=6, active_s=40 * 60, longest_stretch_s=10 * 60, skipped=1.0)
    text = describe_before(item, small)
    assert text.count("%") == 1
    assert "active 20m a day on average against 40m on your other days (-50%)" in text
    assert "averaged 3m against 10m on your other days;" in text
    assert text.endswith("you skipped 0.0 breaks a day against 1.0 on your other days.")


def test_report_model_summarises_episodes_pain_and_tallies() -> None:
    model = build(records(), PERIOD, NOW)
    assert [(e.number, e.pain_at_start, e.pain_peak, e.latest_pain, e.ended is None) for e in model.episodes] == [
        (1, 6, 8, 4, False),
        (2, 5, 5, 5, False),
        (3, 7, 7, 6, True),
    ]  # fmt: skip
    assert [(p.pain, p.source) for p in model.episodes[0].points] == [
        (6, "start"),
        (8, "update"),
        (4, "update"),
    ]
    assert model.triggers == (
        ("awkward or slumped posture", 2),
        ("a long spell at the screen", 2),
        ("stress", 1),
    )
    assert model.helped == (("heat", 2), ("rest", 1), ("stretching", 1))
    assert [c.id for c in model.check_ins] == [2, 3, 4]  # the one the day before is left out
    assert model.advice is not None
    assert model.advice.tier is Tier.BOOK
    assert pain_trend(model) == (
        "3 episodes; their peak pain ranged from 5 to 8 out of 10. The latest episode's peak"
        " (7/10) is lower than the first one's (8/10).",
        (
            "Episode 1 (10 March 2026, lasted 3 days): pain 6 at the start, peak 8, latest 4.",
            "Episode 2 (20 March 2026, lasted 1 day): pain 5 at the start, peak 5, latest 5.",
            "Episode 3 (27 March 2026, still open): pain 7 at the start, peak 7, latest 6.",
        ),
    )


def test_report_model_of_an_empty_store_says_no_data_yet() -> None:
    model = build(records(empty=True), PERIOD, NOW)
    assert not model.has_data
    assert model.before == ()
    assert model.baseline.days == 0
    (only,) = sections(model)
    assert only.paragraphs == (NO_DATA,)
    assert NO_DATA.startswith("No data yet")


def test_report_model_leaves_out_records_outside_the_period() -> None:
    later = Period(first=LAST + timedelta(days=1), last=LAST + timedelta(days=7),
                   day_starts_at=time(4), zone=h.TOKYO)  # fmt: skip
    model = build(records(), later, NOW + timedelta(days=7))
    assert [e.number for e in model.episodes] == [1]  # the open episode overlaps; no others
    assert model.episodes[0].pain_at_start == 7
    assert model.before == ()  # it began before this period
    assert sum(k.prompted for k in model.kinds) == 0


# --- exports -----------------------------------------------------------------------------------


def test_export_tables_hold_every_record_of_the_period() -> None:
    out = tables(records(), PERIOD)
    assert {name: len(rows) for name, rows in out.items()} == {
        "breaks": 6 * 4 + 7 * 5 + 7 * 4 + 6,
        "daily_activity": 26,
        "work_stretches": 52,
        "episodes": 3,
        "episode_updates": 3,
        "check_ins": 3,
    }
    first = h.day(LAST, 1)
    assert out["breaks"][0] == {
        "day": first.isoformat(),
        "kind": "posture",
        "outcome": "taken",
        "due": f"{first}T08:58:00+09:00",
        "prompted": f"{first}T08:58:00+09:00",
        "started": f"{first}T08:58:00+09:00",
        "ended": f"{first}T09:00:00+09:00",
        "snoozes": 0,
        "exercise": "",
    }
    assert out["daily_activity"][0] == {"day": first.isoformat(), "active_seconds": 10800.0}
    assert [u["pain"] for u in out["episode_updates"]] == [8, 4, 6]
    assert [(c["id"], c["advice_tier"], c["advice_rules"]) for c in out["check_ins"]] == [
        (2, "book", ["getting-worse"]),
        (3, "self-care", ["self-care"]),
        (4, "book", ["arm-or-nerve-symptoms"]),
    ]


def test_export_json_reads_back_into_the_diary_values_and_carries_the_figures() -> None:
    model = build(records(), PERIOD, NOW)
    document = json.loads(to_json(records(), model))
    assert document["format"] == "posture-guard-records"
    assert document["period"] == {
        "first_day": "2026-03-01",
        "last_day": "2026-03-28",
        "day_starts_at": "04:00",
    }
    episodes, check_ins = diary()
    first = dict(document["episodes"][0])
    first["updates"] = [
        {k: v for k, v in u.items() if k != "episode_id"}
        for u in document["episode_updates"]
        if u["episode_id"] == 1
    ]
    assert Episode.from_record(first) == episodes[0]
    assert episodes[0].notes == h.NASTY_NOTE  # kept exactly
    answers = {
        k: v for k, v in document["check_ins"][2].items() if not k.startswith(("id", "advice"))
    }
    assert CheckIn.from_record(answers) == check_ins[3].check_in
    figures = document["figures"]
    assert figures["longest_stretch"] == "measured"
    assert figures["baseline"] == {"days_with_a_record": 6, "active_seconds_a_day": 10800.0,
                                   "longest_stretch_seconds": 3000.0, "skipped_a_day": 1.0}  # fmt: skip
    assert [(b["episode"], b["active_seconds_a_day"], b["skipped_a_day"]) for b in figures["before_episodes"]] == [
        (1, 21600.0, 3.0), (2, 18000.0, 2.0), (3, 14400.0, 0.0)
    ]  # fmt: skip


def test_export_csv_zip_has_a_file_per_table_and_defuses_formulas() -> None:
    model = build(records(), PERIOD, NOW)
    with zipfile.ZipFile(io.BytesIO(to_csv_zip(records(), model.period, NOW))) as archive:
        assert sorted(archive.namelist()) == [
            "README.txt", "breaks.csv", "check_ins.csv", "daily_activity.csv",
            "episode_updates.csv", "episodes.csv", "work_stretches.csv",
        ]  # fmt: skip
        rows = {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
        assert "health information" in archive.read("README.txt").decode()
    assert len(rows["breaks.csv"]) == 93
    assert rows["breaks.csv"][3] == {
        "day": h.day(LAST, 1).isoformat(), "kind": "movement", "outcome": "natural", "due": "",
        "prompted": "", "started": f"{h.day(LAST, 1)}T10:54:00+09:00",
        "ended": f"{h.day(LAST, 1)}T11:00:00+09:00", "snoozes": "0", "exercise": "",
    }  # fmt: skip
    assert rows["episodes.csv"][0]["triggers"] == "posture;long-screen-session"
    assert rows["episodes.csv"][0]["notes"] == h.NASTY_NOTE  # starts with "<": left as it is
    assert rows["episodes.csv"][1]["notes"] == "'" + h.FORMULA_NOTE  # shown, never run
    assert rows["check_ins.csv"][2]["symptoms"] == "tingling-numbness"
    assert rows["check_ins.csv"][2]["pain_disturbs_sleep"] == "false"


@pytest.mark.parametrize(
    ("text", "days"),
    [("90d", 90), ("90", 90), ("12w", 84), ("1y", 365), (" 2Y ", 730), ("all", None)],
)
def test_report_since_takes_days_weeks_years_or_all(text: str, days: int | None) -> None:
    assert parse_since(text) == days


@pytest.mark.parametrize("text", ["0d", "3x", "-1d", "11y", "", "d"])
def test_report_since_refuses_anything_else_naming_the_form(text: str) -> None:
    with pytest.raises(ValueError, match=r'^expected a number of days, weeks or years like "90d"'):
        parse_since(text)


def test_report_advice_names_warning_signs_and_sources_in_words_not_internal_labels() -> None:
    """Issue 13: the clinician's summary leaked our labels: "(tier: book; ...)", rule ids in
    brackets ("[getting-worse]") and a source titled for us ("the clinic page this app starts
    from"). The advice reads in words: its heading, each warning sign, its sources' titles."""
    model = build(records(), PERIOD, NOW)
    assert model.advice is not None
    assert model.advice.reasons  # the fixture's advice fired
    advice = next(f for f in sections(model)[0].facts if f.label == "Current advice")
    shown = " ".join((advice.text, *advice.items))
    assert advice.text.startswith(model.advice.heading + " (from the check-in of ")
    assert "tier" not in shown
    for reason in model.advice.reasons:
        assert f"[{reason.rule_id}]" not in shown
        assert reason.title in shown
    assert "app starts from" not in shown
