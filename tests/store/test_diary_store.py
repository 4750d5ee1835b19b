"""The diary in the store (schema v2): exact round trips, the lifecycle inside one transaction,
refusals that change nothing, check-ins with their advice, and the clinic profile."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.app import diary
from posture_guard.app.pack import phase_in_force
from posture_guard.app.store import Store
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.clock_ahead import episodes_ahead, newest_check_in
from posture_guard.core.episodes import (
    AgeBand,
    Answer,
    Area,
    CheckIn,
    Episode,
    EpisodeUpdate,
    Helped,
    Lasted,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
    current_episode,
)
from posture_guard.core.errors import IllegalEpisodeChange, StoreError
from posture_guard.core.records import AdviceSummary, StoredCheckIn, StoredPack
from posture_guard.core.tiers import Tier
from posture_guard.report.model import phase_at
from tests.store.test_store import db_path, fresh_store, raw

BERLIN = ZoneInfo("Europe/Berlin")
AT = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)

# --- strategies: only valid values (they check themselves) -------------------------------------

zones = st.one_of(
    st.sampled_from([UTC, BERLIN, ZoneInfo("America/New_York")]),
    st.integers(-86_399, 86_399).map(lambda s: timezone(timedelta(seconds=s))),
)
moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=zones
)
pains = st.integers(0, 10)
notes = st.text(max_size=40)


def sets_of(kind: type) -> st.SearchStrategy[frozenset[object]]:
    return st.frozensets(st.sampled_from(list(kind)), max_size=4)


@st.composite
def updates_after(draw: st.DrawFn, start: datetime) -> EpisodeUpdate:
    at = start.astimezone(UTC) + timedelta(seconds=draw(st.integers(0, 30 * 86_400)))
    return EpisodeUpdate(
        at=at.astimezone(draw(zones)),
        pain=draw(st.none() | pains),
        stiffness=draw(st.none() | st.sampled_from(Stiffness)),
        symptoms=draw(sets_of(Symptom)),
        helped=draw(sets_of(Helped)),
        notes=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
    )


@st.composite
def episodes(draw: st.DrawFn) -> Episode:
    started = draw(moments)
    updates = sorted(
        draw(st.lists(updates_after(started), max_size=4)), key=lambda u: u.at.astimezone(UTC)
    )
    pain = draw(pains)
    recorded = [pain] + [u.pain for u in updates if u.pain is not None]
    ended = draw(st.none() | st.integers(0, 86_400))
    last = (updates[-1].at if updates else started).astimezone(UTC)  # real time, not wall time
    return Episode(
        started=started,
        ended=None if ended is None else last + timedelta(seconds=ended),
        pain_at_start=pain,
        pain_peak=draw(st.integers(max(recorded), 10)),
        stiffness=draw(st.none() | st.sampled_from(Stiffness)),  # None: not answered
        range_of_motion=draw(st.none() | st.just("turns left halfway")),
        areas=draw(sets_of(Area)),
        triggers=draw(sets_of(Trigger)),
        symptoms=draw(sets_of(Symptom)),
        helped=draw(sets_of(Helped)),
        notes=draw(notes),
        updates=tuple(updates),
    )


check_ins = st.builds(
    CheckIn,
    at=moments,
    pain_now=pains,
    stiffness=st.sampled_from(Stiffness),
    symptoms=sets_of(Symptom),
    trend=st.sampled_from(Trend),
    pain_disturbs_sleep=st.booleans(),
    pain_stops_work=st.booleans(),
    daily_life_affected=st.booleans(),
    home_care_days=st.integers(0, 3650),
    pain_lasted=st.none() | st.sampled_from(Lasted),
    after_injury=st.just(Answer.NO),
    high_risk_mechanism=st.just(Answer.NO),
    head_injury=st.sampled_from([Answer.NO, None]),
    neck_manipulation=st.none() | st.sampled_from(Answer),
    risk_history=sets_of(RiskFactor),
    age_band=st.sampled_from(AgeBand),
) | st.builds(
    CheckIn,
    at=moments,
    pain_now=pains,
    stiffness=st.sampled_from(Stiffness),
    trend=st.sampled_from(Trend),
    pain_lasted=st.sampled_from(Lasted),
    after_injury=st.sampled_from([Answer.YES, Answer.NOT_SURE]),
    high_risk_mechanism=st.sampled_from(Answer),
    head_injury=st.none() | st.sampled_from(Answer),
    neck_manipulation=st.sampled_from(Answer),
    age_band=st.sampled_from(AgeBand),
)
summaries = st.builds(
    AdviceSummary,
    tier=st.sampled_from(Tier),
    rule_ids=st.lists(st.sampled_from(["self-care", "severe-pain", "x"]), max_size=3).map(tuple),
)
clinics = st.builds(
    ClinicProfile,
    name=st.sampled_from(["Riverside Physiotherapy", "Dr. Ünal's practice"]),
    booking_url=st.none() | st.just("https://riverside-physio.example/book?x=1"),
    phone=st.just("+44 20 7946 0000"),
    opening_hours=st.none() | st.just("Mon-Fri 08:00-18:00"),
)


@given(episode=episodes())
def test_diary_store_episode_round_trips_exactly(
    tmp_path_factory: pytest.TempPathFactory, episode: Episode
) -> None:
    with fresh_store(tmp_path_factory) as store:
        stored = store.start_episode(episode) if episode.ended is None else None
        if stored is None:  # an ended episode can't be started; store it through the lifecycle
            open_one = Episode.from_record({**episode.to_record(), "ended": None, "updates": []})
            store.start_episode(open_one)
            for update in episode.updates:
                store.update_episode(update)
            assert episode.ended is not None
            stored = store.end_episode(episode.ended)
        expected = Episode.from_record({**episode.to_record(), "id": 1})
        assert store.episodes() == [expected]
        assert store.episode(1) == expected
        assert store.episode(2) is None
        assert stored.id == 1


@given(items=st.lists(st.tuples(check_ins, summaries), min_size=1, max_size=4))
def test_diary_store_check_ins_round_trip_exactly(
    tmp_path_factory: pytest.TempPathFactory, items: list[tuple[CheckIn, AdviceSummary]]
) -> None:
    with fresh_store(tmp_path_factory) as store:
        saved = [store.add_check_in(c, a) for c, a in items]
        assert [s.id for s in saved] == list(range(1, len(items) + 1))
        by_time = sorted(saved, key=lambda s: (s.check_in.at.astimezone(UTC), s.id))
        assert store.check_ins() == by_time
        # the newest is the one entered last, whatever the dates (clock_ahead Rule 1)
        assert store.latest_check_in() == saved[-1] == newest_check_in(saved)


@given(first=clinics, second=clinics)
def test_diary_store_clinic_round_trips_and_a_new_one_replaces_it(
    tmp_path_factory: pytest.TempPathFactory, first: ClinicProfile, second: ClinicProfile
) -> None:
    with fresh_store(tmp_path_factory) as store:
        assert store.clinic() is None
        store.set_clinic(first)
        assert store.clinic() == first
        store.set_clinic(second)
        assert store.clinic() == second


# --- the lifecycle, one transaction per change ---------------------------------------------------


def an_episode(hours: float = 0, **changes: object) -> Episode:
    fields: dict[str, object] = {
        "started": AT + timedelta(hours=hours),
        "pain_at_start": 5,
        "pain_peak": 5,
        "stiffness": Stiffness.MODERATE,
        "triggers": frozenset({Trigger.POSTURE}),
    }
    fields.update(changes)
    return Episode(**fields)  # type: ignore[arg-type]


def rows(path: Path) -> list[list[tuple[object, ...]]]:
    with raw(path) as db:
        return [
            db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("episodes", "episode_updates", "check_ins", "clinic")
        ]


def test_diary_store_update_raises_the_peak_and_keeps_time_order(tmp_path: Path) -> None:
    with Store.open(db_path(tmp_path)) as store:
        store.start_episode(an_episode())
        store.update_episode(EpisodeUpdate(at=AT + timedelta(days=2), pain=4))
        after = store.update_episode(EpisodeUpdate(at=AT + timedelta(days=1), pain=8))
        assert [u.pain for u in after.updates] == [8, 4]
        assert after.pain_peak == 8
        assert store.open_episode() == after
        ended = store.end_episode(AT + timedelta(days=3))
        assert store.open_episode() is None
        assert store.episodes() == [ended]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s.start_episode(an_episode(1)),
            r"^can't start a new episode while episode 1 \(started 2026-11-23 09:00\+01:00\) is "
            r"still open; end it first$",
        ),
        (
            lambda s: s.update_episode(EpisodeUpdate(at=AT - timedelta(hours=1), pain=3)),
            r"^can't add an update at 2026-11-23 08:00\+01:00 to episode 1 \(started "
            r"2026-11-23 09:00\+01:00\): that is before it started$",
        ),
        (
            lambda s: s.end_episode(AT - timedelta(minutes=1)),
            r"^can't end episode 1 \(started 2026-11-23 09:00\+01:00\) at 2026-11-23 "
            r"08:59\+01:00: that is before it started$",
        ),
        (
            lambda s: s.end_episode(AT, episode_id=7),
            r"^can't end an episode: there is no episode 7$",
        ),
    ],
)
def test_diary_store_refused_change_changes_nothing(
    tmp_path: Path, change: object, message: str
) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.start_episode(an_episode())
        before = rows(path)
        with pytest.raises(IllegalEpisodeChange, match=message):
            change(store)  # type: ignore[operator]
        assert rows(path) == before


def test_diary_store_changes_with_no_open_episode_are_refused(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        with pytest.raises(
            IllegalEpisodeChange, match=r"^can't end an episode: no episode is open$"
        ):
            store.end_episode(AT)
        with pytest.raises(
            IllegalEpisodeChange, match=r"^can't add an update: no episode is open$"
        ):
            store.update_episode(EpisodeUpdate(at=AT, pain=3))
        assert rows(path) == [[], [], [], []]


def test_diary_store_deleting_an_episode_deletes_its_updates(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.start_episode(an_episode())
        store.update_episode(EpisodeUpdate(at=AT, notes="worse after lunch"))
    with raw(path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM episodes")
        assert db.execute("SELECT count(*) FROM episode_updates").fetchone() == (0,)


def test_diary_store_unreadable_episode_row_is_a_store_error_naming_it(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.start_episode(an_episode())
        with raw(path) as db:
            db.execute("UPDATE episodes SET record = json_set(record, '$.pain_at_start', 11)")
        with pytest.raises(
            StoreError,
            match=rf"^{re.escape(str(path))}: episodes row 1 is unreadable: episode record: "
            r"pain_at_start = 11: expected a whole number from 0 \(no pain\) to 10 \(worst "
            r"imaginable\)$",
        ):
            store.episodes()


def test_diary_store_check_in_keeps_its_advice_summary(tmp_path: Path) -> None:
    check_in = CheckIn(
        at=AT,
        pain_now=4,
        stiffness=Stiffness.MILD,
        symptoms=frozenset({Symptom.TINGLING_NUMBNESS}),
        trend=Trend.SAME,
        age_band=AgeBand.FROM_20_TO_50,
    )
    summary = AdviceSummary(tier=Tier.BOOK, rule_ids=("arm-or-nerve-symptoms",))
    with Store.open(db_path(tmp_path)) as store:
        assert store.add_check_in(check_in, summary) == StoredCheckIn(
            id=1, check_in=check_in, advice=summary
        )
        assert store.latest_check_in() == StoredCheckIn(id=1, check_in=check_in, advice=summary)


def test_diary_store_has_open_episode_answers_as_open_episode_does(tmp_path: Path) -> None:
    """The service's minute look for the tray's badge reads one row, and agrees with the
    whole-diary answer before, during and after an episode."""
    with Store.open(db_path(tmp_path)) as store:
        assert store.has_open_episode() is False
        store.start_episode(an_episode())
        assert store.has_open_episode() is True
        assert store.open_episode() is not None
        store.end_episode(AT + timedelta(days=3))
        assert store.has_open_episode() is False
        assert store.open_episode() is None


def test_diary_store_takes_a_past_episode_that_ends_before_a_later_one(tmp_path: Path) -> None:
    """Issue "The first day at the desk": once a later episode existed, an earlier one was
    refused ("would overlap episode 1") though it ended before that one began."""
    with Store.open(db_path(tmp_path)) as store:
        store.start_episode(an_episode())
        store.end_episode(AT + timedelta(hours=2))
        past = store.start_episode(an_episode(-48))
        store.update_episode(EpisodeUpdate(at=AT - timedelta(hours=40), pain=3))
        with pytest.raises(IllegalEpisodeChange, match="it would overlap episode 1"):
            store.end_episode(AT + timedelta(hours=1))
        store.end_episode(AT - timedelta(hours=30))
        spells = [(e.id, e.started, e.ended) for e in store.episodes()]
    assert spells == [
        (past.id, AT - timedelta(hours=48), AT - timedelta(hours=30)),
        (1, AT, AT + timedelta(hours=2)),
    ]


def test_a_form_s_saved_page_says_the_words_the_form_used(tmp_path: Path) -> None:
    """Issue "The first day at the desk": the "Saved" page showed `neck-left`. A form's result
    says the labels its choices had; the CLI keeps the words typed after its flags."""
    answers = diary.EpisodeAnswers(
        pain="4", where="neck-left,shoulder", trigger="long-screen-session", symptom="arm-pain",
        helped="heat", at="2026-11-23T09:00+01:00",
    )  # fmt: skip
    with Store.open(db_path(tmp_path)) as store:
        said = diary.start_episode(store, answers, AT + timedelta(hours=1), plain=True)
        update = diary.EpisodeAnswers(stiffness="mild", symptom="dizziness", helped="rest")
        later = diary.update_episode(store, update, AT + timedelta(hours=2), plain=True)
        typed = diary.show_episode(store, None)
    assert "where: left side of the neck, shoulder" in said
    assert "triggers: a long spell at the screen" in said
    assert "stiffness: not given" in said
    for word in ("neck-left", "long-screen-session", "arm-pain"):
        assert word not in said
    assert "stiffness a little stiff; symptoms dizziness; helped " in later
    assert "dizziness" in later
    assert "where: neck-left, shoulder" in typed  # the CLI: as typed after --where


@given(
    ahead_days=st.integers(2, 400),
    real=st.lists(st.integers(600, 86_400), min_size=1, max_size=3),
    passed_s=st.integers(0, 3 * 86_400),
)
def test_diary_store_an_episode_entered_ahead_never_blocks_later_entries(
    tmp_path_factory: pytest.TempPathFactory, ahead_days: int, real: list[int], passed_s: int
) -> None:
    # Protects: an episode entered with the clock `ahead_days` ahead (ended at its own start),
    # then real episodes entered with the right clock: once the real time has passed its date
    # (issue 18), the open real one is updated and ended after it and a new one starts, none
    # refused as overlapping it; the current episode is the one entered last; the store keeps
    # each episode's reading, so the first stays flagged
    future = AT + timedelta(days=ahead_days)
    with fresh_store(tmp_path_factory) as store:
        store.start_episode(an_episode(ahead_days * 24), now=future)
        store.end_episode(AT, now=AT)
        readings = [AT + timedelta(seconds=sum(real[: i + 1])) for i in range(len(real))]
        for reading, next_one in zip(readings, [*readings[1:], None], strict=True):
            store.start_episode(replace(an_episode(), started=reading), now=reading)
            if next_one is not None:  # ended before the next is entered; the last stays open
                store.end_episode(reading + (next_one - reading) / 2, now=next_one)
        # the real time now: past the date entered ahead and every later reading
        later = max(future, readings[-1]) + timedelta(minutes=6, seconds=passed_s)
        store.update_episode(EpisodeUpdate(at=later, pain=2), now=later)
        ended = store.end_episode(later, now=later)
        assert current_episode(store.episodes()) == ended
        assert ended.id == len(real) + 1
        assert list(episodes_ahead(store.episodes(), store.episodes_entered(), later)) == [1]
        store.start_episode(replace(an_episode(), started=later), now=later)


def test_diary_store_the_phase_in_force_is_the_one_set_last(tmp_path: Path) -> None:
    # Protects: a programme phase set while the clock ran ahead (dated a year later) does not
    # outlast the phase set after it with the right clock, even once the real time has passed
    # its date (issue 18): the store gives the changes in the order set
    pack = StoredPack(
        id="riverside", version="1", digest="cd" * 32, folder="cd" * 16, imported=AT,
        phases=("acute", "recovery", "maintenance"),
    )  # fmt: skip
    with Store.open(db_path(tmp_path)) as store:
        store.set_pack(pack, ClinicProfile(name="Riverside", phone="+49 30 1234567"))
        store.set_phase("maintenance", AT + timedelta(days=400))  # the clock a year ahead
        store.set_phase("recovery", AT + timedelta(days=1))
        changes = store.phase_changes()
    assert phase_in_force(pack, changes) == "recovery"
    assert phase_at(changes, AT + timedelta(days=401)) == "recovery"
    assert phase_at(changes, AT + timedelta(hours=1)) == "acute"


# --- the order of entry (v7) ---------------------------------------------------------------------


SUMMARY = AdviceSummary(tier=Tier.SELF_CARE, rule_ids=())


def entered_in_order(path: Path) -> list[tuple[int, str, int]]:
    """(seq, table, id) of every numbered row, in the order of the counter."""
    with raw(path) as db:
        return db.execute(
            "SELECT seq, 'episodes', id FROM episodes WHERE seq IS NOT NULL"
            " UNION ALL SELECT seq, 'episode_updates', id FROM episode_updates"
            " WHERE seq IS NOT NULL"
            " UNION ALL SELECT seq, 'check_ins', id FROM check_ins WHERE seq IS NOT NULL"
            " ORDER BY seq"
        ).fetchall()


@given(
    steps=st.lists(
        st.tuples(st.sampled_from(("update", "check-in", "refused")), st.integers(-72, 72)),
        max_size=8,
    ),
    answers=check_ins,
)
def test_diary_store_one_counter_numbers_entries_across_tables_in_the_order_entered(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int]], answers: CheckIn
) -> None:
    # Protects: episodes, their updates and check-ins are numbered 1, 2, 3... in the order they
    # were entered, from one counter, whatever their dates (clock_ahead Rule 6); a refused
    # change takes no number and leaves the order as it was
    with fresh_store(tmp_path_factory) as store:
        store.start_episode(an_episode())
        expected = [("episodes", 1)]
        for kind, hours in steps:
            at = AT + timedelta(hours=abs(hours))
            if kind == "update":
                changed = store.update_episode(EpisodeUpdate(at=at, pain=abs(hours) % 5))
                expected.append(("episode_updates", len(changed.updates)))
            elif kind == "check-in":
                saved = store.add_check_in(replace(answers, at=at), SUMMARY)
                expected.append(("check_ins", saved.id))
            else:  # before the episode started: refused, in its transaction
                with pytest.raises(IllegalEpisodeChange):
                    store.update_episode(EpisodeUpdate(at=AT - timedelta(hours=1), pain=3))
        found = entered_in_order(store.path)
    assert [(table, row) for _, table, row in found] == expected
    assert [seq for seq, _, _ in found] == list(range(1, len(expected) + 1))
