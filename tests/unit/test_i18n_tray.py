"""Every word the running service and its tray say goes through the catalogue.

Under the pseudo-locale (en_XA: every catalogued text accented between ⟦ ⟧), a text that still
has a run of plain ASCII letters was left out of the catalogue. The values these tests fill in
are numbers, durations ("10m", "1h15m": one or two letters) and the product's name, which is
taken out before looking. Under Hindi, an exercise's words come from the catalogue too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.core import config, i18n, policy, refusals
from posture_guard.core.breakflow import notice_text, pre_break_notice, screen_for
from posture_guard.core.commands import Snapshot
from posture_guard.core.exercises import Exercise, instructions, load_catalogue
from posture_guard.core.records import DayTally
from posture_guard.core.settings import BREAK_KINDS, BREAK_TITLES, Controls, Fleet, Settings
from posture_guard.core.timer import (
    BreakEnded,
    BreakSnoozed,
    BreakStarted,
    Command,
    NotAllowedNow,
    Outcome,
    Paused,
    Resumed,
    State,
    TimerStatus,
)
from posture_guard.core.traymodel import (
    APP_TITLE,
    MenuEntry,
    Notice,
    TrayStatus,
    in_words,
    policy_locks,
    status_line,
    tray_menu,
    tray_title,
)
from posture_guard.core.wording import (
    NO_EXERCISE_TEXT,
    STOPPING,
    check_in_notice,
    daily_limit_notice,
    describe,
    prompt_notice,
    state_words,
)
from posture_guard.desktop import language

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
#: A run of three plain ASCII letters: English the catalogue did not replace.
ENGLISH = re.compile(r"[A-Za-z]{3,}")
#: The commands the tray's status allows in each state (as the timer's TRANSITIONS say).
ALLOWED: dict[State, frozenset[Command]] = {
    State.WORKING: frozenset({Command.TAKE_NOW, Command.PAUSE}),
    State.BREAK_DUE: frozenset(
        {Command.SKIP, Command.SNOOZE, Command.TAKE_NOW, Command.START_BREAK, Command.PAUSE}
    ),
    State.SNOOZED: frozenset(
        {Command.SKIP, Command.SNOOZE, Command.TAKE_NOW, Command.START_BREAK, Command.PAUSE}
    ),
    State.ON_BREAK: frozenset({Command.SKIP, Command.FINISH_BREAK, Command.SNOOZE, Command.PAUSE}),
    State.PAUSED: frozenset({Command.RESUME, Command.PAUSE}),
    State.OFF_HOURS: frozenset({Command.TAKE_NOW, Command.PAUSE}),
}


@pytest.fixture
def pseudo() -> Iterator[None]:
    catalogue, code = language.catalogue_for(["en_XA"])
    assert code == "en_XA"
    i18n.use(catalogue, code)
    yield
    i18n.use(i18n.English(), "en")


@pytest.fixture
def hindi() -> Iterator[None]:
    catalogue, code = language.catalogue_for(["hi"])
    assert code == "hi"
    i18n.use(catalogue, code)
    yield
    i18n.use(i18n.English(), "en")


def assert_pseudo(text: str, *, catalogued: bool = True) -> None:
    """`text` is all catalogue words: nothing English is left once the product name is out
    (`catalogued` False: a value such as "1h15m", which is no catalogue text)."""
    assert text, "empty text"
    bare = text.replace(APP_TITLE, "")
    assert ENGLISH.search(bare) is None, f"English left in {text!r}"
    if catalogued:
        assert "⟦" in text, f"not from the catalogue: {text!r}"


def timer_status(
    state: State,
    *,
    next_in_s: float | None = 600.0,
    paused_until: datetime | None = None,
) -> TimerStatus:
    return TimerStatus(
        state=state,
        current=None if state in (State.WORKING, State.PAUSED, State.OFF_HOURS) else "stretch",
        next_kind="posture",
        next_in_s=next_in_s,
        active_today_s=0.0,
        day=date(2026, 3, 2),
        paused_until=paused_until,
        outcomes_today={},
        allowed=ALLOWED[state],
        snoozes_left=2,
        skip_allowed=True,
    )


def snapshot(state: State, **status: object) -> Snapshot:
    return Snapshot(
        at=NOW,
        status=timer_status(state, **status),  # type: ignore[arg-type]
        settings=config.defaults(),
        idle_source="fake",
        sees_idle=True,
        notifier="fake",
        today=DayTally(active_s=0.0, outcomes={}),
    )


def texts(entries: tuple[MenuEntry, ...]) -> Iterator[str]:
    for entry in entries:
        if not entry.is_separator:
            yield entry.text
        yield from texts(entry.children)


def a_catalogue_exercise() -> Exercise:
    return load_catalogue().exercises[0]


def locked_settings() -> Settings:
    """Snooze locked off by the organisation, skip turned off by the person."""
    settings = config.defaults()
    return replace(
        settings,
        controls=Controls(snooze=False, skip=False, pause=True, quit=True),
        locked=frozenset({"controls.snooze"}),
    )


# --- the tray ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("episode_open", [False, True])
def test_tray_menu_title_and_status_line_are_catalogue_words_in_each_state(
    state: State, episode_open: bool
) -> None:
    snap = replace(snapshot(state), episode_open=episode_open)
    status = TrayStatus.of(snap)
    assert status.state_text is not None
    assert_pseudo(status.state_text)
    assert_pseudo(status_line(status))
    assert_pseudo(tray_title(status))
    menu = tray_menu(status)
    labels = list(texts(menu))
    assert len(labels) >= 14
    for label in labels:
        assert_pseudo(label)


@pytest.mark.usefixtures("pseudo")
def test_tray_locked_items_and_notices_are_catalogue_words() -> None:
    status = TrayStatus.of(snapshot(State.BREAK_DUE))
    title, message = prompt_notice(_title("stretch"), 120, instructions(a_catalogue_exercise()))
    notice = Notice(title=title, message=message, at=NOW)
    menu = tray_menu(status, notice=notice, locked=policy_locks(locked_settings()))
    for label in texts(menu):
        assert_pseudo(label)
    assert_pseudo(tray_title(status, notice))


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize(
    "paused_until", [None, datetime(2026, 3, 3, 9, 30, tzinfo=BERLIN)], ids=["open", "until"]
)
def test_tray_paused_line_says_the_day_in_the_catalogue_words(
    paused_until: datetime | None,
) -> None:
    status = TrayStatus.of(snapshot(State.PAUSED, paused_until=paused_until))
    line = status_line(status)
    assert_pseudo(line)
    if paused_until is not None:
        assert "09:30" in line


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("seconds", [0, 30, 60, 61, 300, 601, 1800, 3599, 3601, 5400])
def test_tray_time_to_go_and_next_break_line_in_every_rounding(seconds: float) -> None:
    # an hour or more (rounded up to 5 minutes) is a duration ("1h15m"), written as units.format_duration writes it
    assert_pseudo(in_words(seconds), catalogued=seconds <= 3300)
    status = TrayStatus.of(snapshot(State.WORKING, next_in_s=seconds))
    assert_pseudo(status_line(status))
    assert_pseudo(status_line(TrayStatus.of(snapshot(State.WORKING, next_in_s=None))))


# --- what the service says ---------------------------------------------------------------------


def _title(kind: str) -> str:
    return i18n._(BREAK_TITLES[kind])


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("kind", BREAK_KINDS)
def test_service_notices_are_catalogue_words(kind: str) -> None:
    assert_pseudo(_title(kind))
    for part in prompt_notice(_title(kind), 300, i18n._(NO_EXERCISE_TEXT)):
        assert_pseudo(part)
    for part in prompt_notice(_title(kind), 300, instructions(a_catalogue_exercise())):
        assert_pseudo(part)
    for part in daily_limit_notice(7 * 3600):
        assert_pseudo(part)
    for days in (1, 3):
        for part in check_in_notice(days):
            assert_pseudo(part)


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("kind", BREAK_KINDS)
def test_pre_break_notice_is_catalogue_words(kind: str) -> None:
    status = replace(timer_status(State.WORKING, next_in_s=8.0), next_kind=kind)
    announced, _wake = pre_break_notice(status, None)
    assert announced == kind
    for seconds in (1.0, 8.0):
        for part in notice_text(_title(kind), seconds):
            assert_pseudo(part)


@pytest.mark.usefixtures("pseudo")
def test_control_replies_are_catalogue_words() -> None:
    def exercise_text(kind: str) -> str:
        del kind
        return instructions(a_catalogue_exercise())

    replies = [
        describe([BreakSnoozed(at=NOW, kind="stretch", for_s=300)], exercise_text),
        describe([BreakStarted(at=NOW, kind="movement", length_s=300)], exercise_text),
        describe([BreakEnded(at=NOW, kind="posture", outcome=Outcome.SKIPPED)], exercise_text),
        describe([Paused(at=NOW, until=None)], exercise_text),
        describe([Paused(at=NOW, until=NOW + timedelta(hours=1))], exercise_text),
        describe([Resumed(at=NOW)], exercise_text),
        describe([], exercise_text),
        i18n._(STOPPING),
    ]
    for reply in replies:
        assert_pseudo(reply)


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("state", list(State))
def test_state_words_and_every_not_now_refusal_are_catalogue_words(state: State) -> None:
    assert_pseudo(state_words(state))
    for command in Command:
        assert_pseudo(refusals.illegal(NotAllowedNow(command, state)))


@pytest.mark.usefixtures("pseudo")
def test_argument_refusals_are_catalogue_words() -> None:
    # the command names ("snooze", "pause") are what the person typed, so 3-letter runs of
    # those are allowed here only by passing values without letters
    refused = [
        i18n._(refusals.SHUTTING_DOWN),
        i18n._(refusals.BUSY),
        i18n._(refusals.INTERNAL_ERROR),
        refusals.not_whole_seconds("", 1.5),
        refusals.seconds_out_of_range("", 99999, 3600),
        refusals.seconds_out_of_range("", -5, 3600),
        refusals.bad_pause_until(12),
        refusals.bad_outcome(7),
        refusals.bad_kind(3),
    ]
    for text in refused:
        assert_pseudo(text)


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("command", ["snooze", "skip", "pause", "quit"])
def test_policy_refusals_and_lock_reasons_are_catalogue_words(command: str) -> None:
    settings = replace(
        config.defaults(),
        controls=Controls(
            **{c: c != command for c in ("snooze", "skip", "pause", "quit")}  # type: ignore[arg-type]
        ),
    )
    refusal = policy.command_refusal(settings, command)
    assert refusal is not None
    assert_pseudo(refusal)
    locked = replace(settings, locked=frozenset({f"controls.{command}"}))
    refusal = policy.command_refusal(locked, command)
    assert refusal is not None
    assert_pseudo(refusal)


@pytest.mark.usefixtures("pseudo")
@pytest.mark.parametrize("fleet", [False, True])
def test_first_run_notice_is_catalogue_words(fleet: bool) -> None:
    settings = config.defaults()
    if fleet:
        settings = replace(settings, fleet=Fleet(directory=Path("/fleet"), team=None))
    for managed in (False, True):
        for line in policy.first_run_notice(settings, managed=managed).splitlines():
            if line:
                assert_pseudo(line)


@pytest.mark.usefixtures("pseudo")
def test_break_screen_words_are_catalogue_words() -> None:
    status = timer_status(State.BREAK_DUE)
    for exercise in (a_catalogue_exercise(), None):
        screen = screen_for(
            kind="stretch", title=_title("stretch"), length_s=120, exercise=exercise, status=status
        )
        for text in (screen.title, screen.exercise_name, *screen.steps):
            assert_pseudo(text)
        if exercise is not None:
            assert_pseudo(screen.hold)
        # protocol words stay as they are
        assert screen.kind == "stretch"


@pytest.mark.usefixtures("hindi")
def test_exercise_steps_come_back_in_hindi() -> None:
    exercise = a_catalogue_exercise()
    screen = screen_for(
        kind=exercise.breaks[0],
        title=_title(exercise.breaks[0]),
        length_s=exercise.duration_s,
        exercise=exercise,
        status=timer_status(State.BREAK_DUE),
    )
    devanagari = re.compile("[\u0900-\u097f]")
    assert len(screen.steps) == len(exercise.steps)
    for english, shown in zip(exercise.steps, screen.steps, strict=True):
        assert shown != english
        assert devanagari.search(shown), shown
    assert devanagari.search(screen.exercise_name)
    assert devanagari.search(instructions(exercise))


def test_english_is_the_same_after_the_catalogue_is_put_back() -> None:
    catalogue, code = language.catalogue_for(["en_XA"])
    i18n.use(catalogue, code)
    i18n.use(i18n.English(), "en")
    status = TrayStatus.of(snapshot(State.WORKING))
    assert status_line(status) == "Next break in 10 min (posture)"
    assert tray_title(status) == "Posture Guard: Next break in 10 min (posture)"


@pytest.mark.usefixtures("pseudo")
def test_service_start_banner_is_catalogue_words() -> None:
    from posture_guard import runner  # the composition root, for this test only

    class FakeTray:
        backend = "1"

    settings = config.defaults()
    off = replace(settings, timer=replace(settings.timer, breaks=()))
    for tray in (None, FakeTray()):
        for each in (settings, off):
            banner = runner._running_banner(each, "2", "3", tray)  # type: ignore[arg-type]
            assert_pseudo(banner)  # one message of three lines
            for line in banner.splitlines():
                assert_pseudo(line, catalogued=False)
