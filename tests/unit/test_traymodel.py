"""The tray's pure model: icon states, progress steps, labels, notices and the menu."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from posture_guard.core.commands import BreakNow, Pause, Quit, Resume, Skip, Snooze
from posture_guard.core.traymodel import (
    LAUNCHES,
    LOCKED_REASON,
    NOTICE_TTL_S,
    PROGRESS_STEPS,
    IconMode,
    IconState,
    Launch,
    MenuEntry,
    Notice,
    Submit,
    TrayStatus,
    find_entry,
    icon_state,
    in_words,
    notice_shown,
    status_line,
    tray_menu,
    tray_title,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
ALL_COMMANDS = ["snooze", "skip", "pause", "resume", "take_now", "start_break", "finish_break"]


def working(next_in_s: float = 600, **extra: object) -> TrayStatus:
    return TrayStatus.from_json(
        {
            "state": "working",
            "allowed": ["pause", "take_now"],
            "next_kind": "posture",
            "next_in_s": next_in_s,
            **extra,
        }
    )


# --- reading the status ----------------------------------------------------------------------


def test_status_reads_the_service_json():
    status = TrayStatus.from_json(
        {
            "state": "paused",
            "allowed": ["resume"],
            "paused_until": "2026-03-02T09:30:00+01:00",
            "snoozes_left": 2,
            "episode_open": True,
        }
    )
    assert status.state == "paused"
    assert status.allowed == frozenset({"resume"})
    assert status.paused_until == datetime(2026, 3, 2, 9, 30, tzinfo=BERLIN)
    assert status.snoozes_left == 2
    assert status.episode_open is True


def test_status_reads_odd_values_as_unknown_and_never_raises():
    status = TrayStatus.from_json(
        {
            "state": 3,
            "allowed": "snooze",
            "next_in_s": True,
            "paused_until": "soon",
            "snoozes_left": "2",
            "episode_open": "yes",
        }
    )
    assert status == TrayStatus()


# --- icon state ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "mode"),
    [
        ("working", IconMode.ACTIVE),
        ("snoozed", IconMode.SNOOZED),
        ("break_due", IconMode.DUE),
        ("on_break", IconMode.ON_BREAK),
        ("paused", IconMode.PAUSED),
        ("off_hours", IconMode.OFF_HOURS),
    ],
)
def test_icon_mode_follows_the_service_state(state, mode):
    assert icon_state(TrayStatus.from_json({"state": state}), 1200).mode is mode


def test_icon_ring_fills_in_twelfths_of_the_shortest_break_interval():
    assert icon_state(working(1200), 1200).step == 0  # just after a break
    assert icon_state(working(1100), 1200).step == 1  # 100 s of 1200 done = 1/12
    assert icon_state(working(1101), 1200).step == 0  # not quite a twelfth yet
    assert icon_state(working(600), 1200).step == 6
    assert icon_state(working(0), 1200).step == PROGRESS_STEPS
    assert icon_state(working(5000), 1200).step == 0  # a longer break further off: empty


def test_icon_ring_only_in_the_active_state_and_empty_without_breaks():
    paused = TrayStatus.from_json({"state": "paused", "next_in_s": 0})
    assert icon_state(paused, 1200) == IconState(mode=IconMode.PAUSED)
    assert icon_state(working(600), None).step == 0


def test_icon_badge_shows_an_open_episode():
    assert icon_state(working(600, episode_open=True), 1200).badge is True
    assert icon_state(working(600), 1200).badge is False


@given(st.floats(min_value=0, max_value=1200), st.floats(min_value=0, max_value=1200))
@example(1.0, 1e-9)  # the full ring came a nanosecond early, from rounding
def test_icon_changes_at_most_once_per_twelfth_of_progress(a, b):
    # the icon is redrawn only when the state differs: two moments in the same twelfth never
    # redraw, and progress never runs backwards as the next break comes closer
    first, second = icon_state(working(a), 1200), icon_state(working(b), 1200)
    if abs(a - b) < 1200 / PROGRESS_STEPS and int((1200 - a) // 100) == int((1200 - b) // 100):
        assert first == second
    if a >= b:
        assert first.step <= second.step


def test_icon_state_rejects_steps_outside_the_ring():
    with pytest.raises(ValueError, match=r"^step must be 0\.\.12, got 13$"):
        IconState(mode=IconMode.ACTIVE, step=13)


# --- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "under a minute"),
        (59, "under a minute"),
        (60, "1 min"),
        (61, "2 min"),
        (600, "10 min"),
        (601, "15 min"),
        (1190, "20 min"),
        (3600, "1h"),
        (4000, "1h10m"),
    ],
)
def test_time_to_go_is_rounded_up(seconds, words):
    assert in_words(seconds) == words


def test_status_line_for_each_state():
    assert status_line(working(600)) == "Next break in 10 min (posture)"
    assert status_line(TrayStatus.from_json({"state": "break_due", "current": "stretch"})) == (
        "A stretch break is due now"
    )
    assert status_line(TrayStatus.from_json({"state": "snoozed", "current": "stretch"})) == (
        "The stretch break is snoozed"
    )
    assert status_line(TrayStatus.from_json({"state": "on_break", "current": "movement"})) == (
        "On a movement break"
    )
    assert status_line(TrayStatus.from_json({"state": "paused"})) == "Paused until you resume"
    paused = TrayStatus.from_json({"state": "paused", "paused_until": "2026-03-02T09:30:00"})
    assert status_line(paused) == "Paused until Mon 09:30"
    assert status_line(TrayStatus.from_json({"state": "off_hours"})) == "Outside working hours"
    assert status_line(TrayStatus()) == "Starting…"


# --- notices in the title --------------------------------------------------------------------


def test_notice_binds_to_the_next_state_and_goes_when_it_changes():
    notice = Notice(title="Stretch break (2m)", message="Roll your shoulders.", at=NOW)
    due = TrayStatus.from_json({"state": "break_due", "current": "stretch"})
    # the step that made the break due read the clock just before it posted the notice
    bound = notice_shown(notice, due, NOW - timedelta(milliseconds=1))
    assert bound is not None
    assert bound.state == "break_due"
    assert notice_shown(bound, due, NOW + timedelta(minutes=5)) == bound
    assert notice_shown(bound, working(), NOW + timedelta(minutes=5)) is None  # snoozed/taken


def test_notice_expires_after_its_time_to_live():
    notice = Notice(title="Daily screen time reached", message="7h", at=NOW, state="working")
    assert notice_shown(notice, working(), NOW + timedelta(seconds=NOTICE_TTL_S - 1)) == notice
    assert notice_shown(notice, working(), NOW + timedelta(seconds=NOTICE_TTL_S)) is None


def test_title_shows_the_notice_else_the_status():
    assert tray_title(working(600)) == "Posture Guard: Next break in 10 min (posture)"
    notice = Notice(title="Posture check", message="Sit tall.", at=NOW)
    assert tray_title(working(600), notice) == "Posture Guard: Posture check: Sit tall."


# --- menu ------------------------------------------------------------------------------------


def ids(entries: tuple[MenuEntry, ...]) -> list[str]:
    return [e.id for e in entries]


def test_menu_lists_every_item_in_order():
    menu = tray_menu(working())
    assert ids(menu) == [
        "status", "-", "take-break", "snooze", "skip", "pause", "resume", "-",
        "episode", "check-in", "advice", "report", "statistics", "-", "settings", "about", "quit",
    ]  # fmt: skip
    assert ids(find_entry(menu, "pause").children) == ["pause-30m", "pause-1h", "pause-tomorrow"]
    assert menu[0] == MenuEntry(id="status", text="Next break in 10 min (posture)", enabled=False)


def test_menu_items_carry_the_control_requests_and_launches():
    menu = tray_menu(TrayStatus.from_json({"state": "break_due", "allowed": ALL_COMMANDS}))
    assert find_entry(menu, "take-break").action == Submit(BreakNow())
    assert find_entry(menu, "snooze").action == Submit(Snooze())
    assert find_entry(menu, "resume").action == Submit(Resume())
    assert find_entry(menu, "quit").action == Submit(Quit())
    assert find_entry(menu, "pause-30m").action == Submit(Pause(seconds=1800))
    assert find_entry(menu, "pause-1h").action == Submit(Pause(seconds=3600))
    assert find_entry(menu, "pause-tomorrow").action == Submit(Pause(tomorrow=True))
    for target in ("episode", "check-in", "advice", "report", "statistics", "settings", "about"):
        entry = find_entry(menu, target)
        assert entry.action == Launch(target)
        assert target in LAUNCHES


def test_menu_disables_what_the_state_does_not_allow():
    menu = tray_menu(working())  # allowed: pause, take_now
    enabled = {e.id: e.enabled for e in menu}
    assert enabled["take-break"] is True
    assert enabled["pause"] is True
    assert enabled["snooze"] is False
    assert enabled["resume"] is False
    paused = tray_menu(TrayStatus.from_json({"state": "paused", "allowed": ["resume"]}))
    assert find_entry(paused, "resume").enabled is True
    assert find_entry(paused, "pause").enabled is False
    assert find_entry(paused, "pause-30m").enabled is False


def test_menu_disables_snooze_when_no_snoozes_are_left():
    status = {"state": "break_due", "allowed": ["snooze", "pause"]}
    assert find_entry(tray_menu(TrayStatus.from_json(status)), "snooze").enabled is True
    spent = TrayStatus.from_json({**status, "snoozes_left": 0})
    assert find_entry(tray_menu(spent), "snooze").enabled is False


def test_issue_14_menu_greys_out_skip_once_a_skip_limit_is_reached():
    # Protects: the tray's Skip follows the timer's `skip_allowed` (the daily cap or the skips
    # in a row used up), not only the state, so it is greyed out instead of refused.
    status = {"state": "break_due", "allowed": ["skip", "snooze", "pause"]}
    skip = find_entry(tray_menu(TrayStatus.from_json({**status, "skip_allowed": True})), "skip")
    assert (skip.text, skip.enabled, skip.action) == ("Skip this break", True, Submit(Skip()))
    used_up = TrayStatus.from_json({**status, "skip_allowed": False})
    assert find_entry(tray_menu(used_up), "skip").enabled is False
    assert find_entry(tray_menu(working()), "skip").enabled is False  # nothing to skip
    locked = tray_menu(TrayStatus.from_json({**status, "skip_allowed": True}), locked={"skip": ""})
    assert find_entry(locked, "skip").enabled is False


def test_menu_shows_locked_items_disabled_with_the_reason():
    menu = tray_menu(working(), locked={"pause": "", "quit": "your IT department keeps it on"})
    pause = find_entry(menu, "pause")
    assert pause.text == f"Pause ({LOCKED_REASON})"
    assert pause.enabled is False
    assert all(not c.enabled and c.action is None for c in pause.children)
    quit_ = find_entry(menu, "quit")
    assert quit_ == MenuEntry(
        id="quit", text="Quit (your IT department keeps it on)", enabled=False
    )
    assert find_entry(menu, "take-break").enabled is True  # the rest is untouched


def test_menu_offers_to_update_an_open_episode():
    assert find_entry(tray_menu(working()), "episode").text == "Log an episode…"
    assert find_entry(tray_menu(working(episode_open=True)), "episode").text == (
        "Update the open episode…"
    )


def test_menu_lists_an_undelivered_notice_under_the_status():
    notice = Notice(title="Posture check", message="Sit tall. " * 20, at=NOW)
    menu = tray_menu(working(), notice=notice)
    assert ids(menu)[:2] == ["status", "notice"]
    assert menu[1].enabled is False
    assert len(menu[1].text) <= 70
    assert menu[1].text.endswith("…")


def test_menu_is_equal_for_equal_status_so_it_is_not_rebuilt():
    assert tray_menu(working(600)) == tray_menu(working(590))  # same label: "10 min"
    assert tray_menu(working(600)) != tray_menu(working(700))


def test_tray_menu_greys_out_what_the_policy_locks_and_says_so() -> None:
    """Issue 6: items a policy locks are shown disabled with "set by your organisation"; an
    item the person's own settings turn off says that instead."""
    from posture_guard.core import config
    from posture_guard.core.config import PolicySource
    from posture_guard.core.traymodel import find_entry, policy_locks

    policy_text = '[controls]\npause = false\nsnooze = false\n[policy]\nlock = ["controls.pause"]\n'
    settings = config.load(
        None, policies=[PolicySource(name="policy.toml", text=policy_text)]
    ).settings
    locks = policy_locks(settings)
    assert locks == {
        "pause": "set by your organisation",
        "snooze": "turned off in your settings",
    }
    status = TrayStatus(allowed=frozenset({"pause", "snooze", "take_now", "resume"}))
    menu = tray_menu(status, locked=locks)
    pause = find_entry(menu, "pause")
    assert pause is not None
    assert (pause.enabled, pause.text) == (False, "Pause (set by your organisation)")
    assert all(not child.enabled and child.action is None for child in pause.children)
    take = find_entry(menu, "take-break")
    assert take is not None
    assert take.enabled
    assert policy_locks(config.defaults()) == {}


def test_tray_settings_change_only_when_the_locks_rhythm_or_branding_do() -> None:
    """A re-applied policy reaches the tray as new `TraySettings`: a policy that locks pause and
    brands the forms differs from the defaults; the same policy read again is equal (no
    redraw)."""
    from posture_guard.core import config
    from posture_guard.core.config import PolicySource
    from posture_guard.core.traymodel import TraySettings

    def with_policy(text: str) -> config.Settings:
        return config.load(None, policies=[PolicySource(name="policy.toml", text=text)]).settings

    locking = (
        '[controls]\npause = false\n[policy]\nlock = ["controls.pause"]\n'
        '[branding]\norganisation = "Acme Ltd"\n[breaks.posture]\nevery = "15m"\n'
    )
    before = TraySettings.of(config.defaults())
    after = TraySettings.of(with_policy(locking))
    assert before.locked == {}
    assert after.locked == {"pause": "set by your organisation"}
    assert after.branding.organisation == "Acme Ltd"
    assert after.rhythm_s == 15 * 60
    assert after != before
    assert TraySettings.of(with_policy(locking)) == after
