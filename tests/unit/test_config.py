"""Configuration layers, locks and the exact messages for every kind of mistake."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.core import config
from posture_guard.core.config import Layer
from posture_guard.core.errors import PolicyLockedError
from posture_guard.core.settings import WorkingHours


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# Each case: user file text -> the exact problems reported (F is the file's path).
MALFORMED = [
    (
        '[breaks.stretch]\nevery = "90x"\n',
        ['F: [breaks.stretch] every = "90x": expected a duration like "45m" or "1h30m"'],
    ),
    (
        "[breaks.stretch]\nevery = 90\n",
        ['F: [breaks.stretch] every = 90: expected a duration like "45m" or "1h30m"'],
    ),
    (
        '[breaks.stretch]\nevery = "5s"\n',
        ['F: [breaks.stretch] every = "5s": expected a duration of at least 10s'],
    ),
    (
        '[breaks.posture]\nlength = ""\n',
        ['F: [breaks.posture] length = "": expected a duration like "45m" or "1h30m"'],
    ),
    (
        '[breaks.posture]\nenabled = "yes"\n',
        ['F: [breaks.posture] enabled = "yes": expected true or false'],
    ),
    (
        '[breaks.posture]\nlength = "30m"\n',
        [
            'F: [breaks.posture] length = "30m": expected shorter than [breaks.posture] every ("20m")'
        ],
    ),
    (
        "[general]\ncolour = 1\n",
        [
            "F: [general] colour = 1: unknown setting (see `posture-guard config show` for the known ones)"
        ],
    ),
    (
        '[breaks.nap]\nevery = "1h"\n',
        [
            'F: [breaks.nap] every = "1h": unknown setting (see `posture-guard config show` for the known ones)'
        ],
    ),
    (
        "verbose = true\n",
        ["F: verbose = true: unknown setting (see `posture-guard config show` for the known ones)"],
    ),
    (
        "[general]\nmax_snoozes = -1\n",
        ['F: [general] max_snoozes = -1: expected a whole number of 0 or more, or "unlimited"'],
    ),
    (
        "[general]\nmax_skips_in_row = true\n",
        [
            'F: [general] max_skips_in_row = true: expected a whole number of 0 or more, or "unlimited"'
        ],
    ),
    (
        '[general]\ndaily_limit = "never"\n',
        ['F: [general] daily_limit = "never": expected "off" or a duration like "8h"'],
    ),
    (
        '[general]\nbusy_max_wait = "forever"\n',
        ['F: [general] busy_max_wait = "forever": expected "off" or a duration like "8h"'],
    ),
    (
        '[sound]\nenabled = "no"\n',
        ['F: [sound] enabled = "no": expected true or false'],
    ),
    (
        '[general]\nday_starts_at = "4am"\n',
        ['F: [general] day_starts_at = "4am": expected a time of day like "04:00" or "17:30"'],
    ),
    (
        '[general]\nday_starts_at = "24:00"\n',
        ['F: [general] day_starts_at = "24:00": expected a time of day like "04:00" or "17:30"'],
    ),
    (
        '[working_hours]\ndays = ["mon", "funday"]\n',
        [
            'F: [working_hours] days = ["mon", "funday"]: expected a list of days like ["mon", "tue", "wed", "thu", "fri"]'
        ],
    ),
    (
        "[working_hours]\ndays = []\n",
        [
            'F: [working_hours] days = []: expected a list of days like ["mon", "tue", "wed", "thu", "fri"]'
        ],
    ),
    (
        '[working_hours]\ndays = "mon"\n',
        [
            'F: [working_hours] days = "mon": expected a list of days like ["mon", "tue", "wed", "thu", "fri"]'
        ],
    ),
    (
        '[working_hours]\nstart = "09:00"\nend = "09:00"\n',
        ['F: [working_hours] end = "09:00": expected a different time from [working_hours] start'],
    ),
    (
        '[policy]\nlock = ["breaks"]\n',
        ['F: [policy] lock = ["breaks"]: only the organisation\'s policy file can lock settings'],
    ),
    ("[general\n", None),  # not TOML: message checked below
    (
        '[general]\nsnooze = "1x"\nmax_snoozes = "lots"\n',
        [
            'F: [general] snooze = "1x": expected a duration like "45m" or "1h30m"',
            'F: [general] max_snoozes = "lots": expected a whole number of 0 or more, or "unlimited"',
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED)
def test_config_malformed_user_file_reports_exact_messages_and_keeps_defaults(
    tmp_path: Path, text: str, expected: list[str] | None
) -> None:
    user = _write(tmp_path, "config.toml", text)
    loaded = config.load(user, None)
    messages = [p.message for p in loaded.problems]
    if expected is None:
        assert len(messages) == 1
        assert re.match(
            rf"^{re.escape(str(user))}: not valid TOML: .+ \(at line 1, column \d+\)$", messages[0]
        )
    else:
        assert messages == [m.replace("F:", f"{user}:") for m in expected]
    assert all(p.is_error for p in loaded.problems)
    # the bad values are dropped: everything is still the built-in value
    assert loaded.settings == config.defaults()
    assert {o.layer for o in loaded.origins.values()} == {Layer.BUILT_IN}


def test_config_defaults_follow_the_clinical_plan() -> None:
    timer = config.defaults().timer
    assert [(b.kind, b.every_s, b.length_s) for b in timer.breaks] == [
        ("posture", 20 * 60, 20),
        ("stretch", 40 * 60, 120),
        ("movement", 60 * 60, 300),
    ]
    assert (timer.idle_threshold_s, timer.suspend_gap_s, timer.day_starts_at) == (
        30,
        300,
        time(4, 0),
    )


def test_config_sound_is_on_by_default_and_the_user_or_a_locking_policy_turns_it_off(
    tmp_path: Path,
) -> None:
    # Protects: `[sound] enabled` (true built in) turns the break's sounds off; a policy may
    # set and lock it like any other key.
    assert config.defaults().sound is True
    user = _write(tmp_path, "config.toml", "[sound]\nenabled = false\n")
    assert config.load(user, None).settings.sound is False
    policy = _write(
        tmp_path, "policy.toml", '[sound]\nenabled = true\n[policy]\nlock = ["sound"]\n'
    )
    loaded = config.load(user, policy)
    assert loaded.settings.sound is True
    assert loaded.origins["sound.enabled"].locked


def test_config_busy_max_wait_defaults_to_30m_and_a_policy_can_set_and_lock_it(
    tmp_path: Path,
) -> None:
    assert config.defaults().timer.busy_max_wait_s == 30 * 60
    policy = _write(
        tmp_path,
        "policy.toml",
        '[general]\nbusy_max_wait = "off"\n[policy]\nlock = ["general.busy_max_wait"]\n',
    )
    user = _write(tmp_path, "config.toml", '[general]\nbusy_max_wait = "10m"\n')
    loaded = config.load(user, policy)
    assert loaded.settings.timer.busy_max_wait_s is None  # the policy's "off": no cap
    assert loaded.origins["general.busy_max_wait"].locked
    assert [p.is_error for p in loaded.problems] == [False]  # the user's value: a warning
    unlocked = config.load(user, None)
    assert unlocked.settings.timer.busy_max_wait_s == 10 * 60


def test_config_user_layer_overrides_builtin_and_reports_origin(tmp_path: Path) -> None:
    user = _write(tmp_path, "config.toml", '[breaks.stretch]\nevery = "45m"\nenabled = false\n')
    loaded = config.load(user, None)
    assert loaded.problems == ()
    assert [b.kind for b in loaded.settings.timer.breaks] == ["posture", "movement"]
    assert loaded.values["breaks.stretch.every"] == "45m"
    assert loaded.origins["breaks.stretch.every"] == config.Origin(
        layer=Layer.USER, file=str(user), locked=False
    )
    assert loaded.origins["breaks.posture.every"].layer is Layer.BUILT_IN


def test_config_policy_sits_between_builtin_and_user(tmp_path: Path) -> None:
    policy = _write(tmp_path, "policy.toml", '[breaks.movement]\nevery = "50m"\nlength = "6m"\n')
    user = _write(tmp_path, "config.toml", '[breaks.movement]\nlength = "8m"\n')
    loaded = config.load(user, policy)
    movement = next(b for b in loaded.settings.timer.breaks if b.kind == "movement")
    assert (movement.every_s, movement.length_s) == (50 * 60, 8 * 60)
    assert loaded.origins["breaks.movement.every"].layer is Layer.POLICY
    assert loaded.origins["breaks.movement.length"].layer is Layer.USER


def test_config_locked_key_overridden_by_user_is_ignored_with_a_warning(tmp_path: Path) -> None:
    policy = _write(
        tmp_path,
        "policy.toml",
        '[breaks.movement]\nevery = "50m"\n[policy]\nlock = ["breaks.movement", "general.max_skips_in_row"]\n',
    )
    user = _write(tmp_path, "config.toml", '[breaks.movement]\nevery = "2h"\nlength = "1m"\n')
    loaded = config.load(user, policy)
    assert [(p.message, p.is_error) for p in loaded.problems] == [
        (
            f"{user}: [breaks.movement] every: ignored, because it is set by your organisation ({policy}) and is locked",
            False,
        ),
        (
            f"{user}: [breaks.movement] length: ignored, because it is set by your organisation ({policy}) and is locked",
            False,
        ),
    ]
    movement = next(b for b in loaded.settings.timer.breaks if b.kind == "movement")
    assert (movement.every_s, movement.length_s) == (
        50 * 60,
        5 * 60,
    )  # policy, and built-in under the lock
    assert loaded.origins["breaks.movement.length"] == config.Origin(
        layer=Layer.BUILT_IN, file="defaults.toml", locked=True
    )
    assert loaded.locked("general.max_skips_in_row")
    with pytest.raises(
        PolicyLockedError,
        match=rf"^\[general\] max_skips_in_row is set by your organisation \({policy}\) and is locked$",
    ):
        loaded.require_unlocked("general.max_skips_in_row")
    loaded.require_unlocked("general.snooze")  # not locked: no error


def test_config_policy_lock_of_unknown_name_is_an_error(tmp_path: Path) -> None:
    policy = _write(tmp_path, "policy.toml", '[policy]\nlock = ["breaks.nap"]\n')
    loaded = config.load(None, policy)
    assert [p.message for p in loaded.problems] == [
        f"{policy}: [policy] lock = [\"breaks.nap\"]: 'breaks.nap' is not a setting or section"
    ]


def test_config_missing_files_are_absent_layers(tmp_path: Path) -> None:
    loaded = config.load(tmp_path / "nope.toml", tmp_path / "no-policy.toml")
    assert loaded.problems == ()
    assert loaded.settings == config.defaults()


def test_config_unreadable_file_is_reported(tmp_path: Path) -> None:
    user = tmp_path / "config.toml"
    user.write_bytes(b'[general]\nsnooze = "5m"\n# caf\xe9\n')
    loaded = config.load(user, None)
    assert [p.message for p in loaded.problems] == [
        f"{user}: expected a settings file (UTF-8 TOML text), got the byte 0xe9 on line 3,"
        " which is not UTF-8"
    ]
    assert loaded.settings == config.defaults()


def test_config_a_directory_a_dangling_link_or_a_pipe_in_its_place_is_one_line(
    tmp_path: Path,
) -> None:
    """Whatever stands where the settings file should be, one line says what it is, and a
    pipe is never opened (reading it would block the service)."""
    import os

    got = {}
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    got[folder] = "a directory"
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "elsewhere.toml")
    got[link] = f"a link to {tmp_path / 'elsewhere.toml'}, which does not exist"
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    got[pipe] = "something that is not a regular file (a pipe, a device or a socket)"
    for path, what in got.items():
        loaded = config.load(path, None)
        assert [p.message for p in loaded.problems] == [
            f"{path}: expected a settings file (UTF-8 TOML text), got {what}"
        ]
        assert [p.layer for p in loaded.problems] == [Layer.USER]
    good = tmp_path / "good.toml"
    good.write_text('[general]\nsnooze = "7m"\n')
    link.unlink()
    link.symlink_to(good)  # a link to a settings file is followed (dotfile managers)
    assert config.load(link, None).settings.timer.snooze_s == 7 * 60


BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = WorkingHours(days=frozenset(range(5)), start=time(8, 0), end=time(18, 0))
NIGHT = WorkingHours(days=frozenset({0}), start=time(22, 0), end=time(6, 0))


@pytest.mark.parametrize(
    ("hours", "moment", "inside"),
    [
        (OFFICE, datetime(2026, 11, 23, 7, 59, tzinfo=BERLIN), False),  # Monday, before start
        (OFFICE, datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN), True),
        (OFFICE, datetime(2026, 11, 23, 17, 59, tzinfo=BERLIN), True),
        (OFFICE, datetime(2026, 11, 23, 18, 0, tzinfo=BERLIN), False),
        (OFFICE, datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN), False),  # Saturday
        (NIGHT, datetime(2026, 11, 23, 23, 0, tzinfo=BERLIN), True),  # Monday night
        (NIGHT, datetime(2026, 11, 24, 5, 59, tzinfo=BERLIN), True),  # ...into Tuesday morning
        (NIGHT, datetime(2026, 11, 24, 23, 0, tzinfo=BERLIN), False),  # Tuesday night is not listed
        (NIGHT, datetime(2026, 11, 23, 5, 0, tzinfo=BERLIN), False),  # Monday early: Sunday's span
    ],
)
def test_config_working_hours_contains(hours: WorkingHours, moment: datetime, inside: bool) -> None:
    assert hours.contains(moment) is inside


def test_config_inconsistent_pair_blames_the_file_that_set_it(tmp_path: Path) -> None:
    # the user shortened the interval below the built-in length: the user's key is to blame
    user = _write(tmp_path, "config.toml", '[breaks.posture]\nevery = "15s"\n')
    loaded = config.load(user, None)
    assert [p.message for p in loaded.problems] == [
        f'{user}: [breaks.posture] every = "15s": expected longer than [breaks.posture] length ("20s")'
    ]
    assert loaded.settings == config.defaults()


def test_config_fallback_never_overrides_a_locked_policy_value(tmp_path: Path) -> None:
    policy = _write(
        tmp_path,
        "policy.toml",
        '[breaks.posture]\nlength = "30s"\n[policy]\nlock = ["breaks.posture.length"]\n',
    )
    user = _write(tmp_path, "config.toml", '[breaks.posture]\nevery = "25s"\n')
    loaded = config.load(user, policy)
    assert [p.message for p in loaded.problems] == [
        f'{user}: [breaks.posture] every = "25s": expected longer than [breaks.posture] length ("30s")'
    ]
    posture = next(b for b in loaded.settings.timer.breaks if b.kind == "posture")
    assert (posture.every_s, posture.length_s) == (20 * 60, 30)  # the lock held; every reverted
    assert loaded.origins["breaks.posture.length"].layer is Layer.POLICY


@pytest.mark.parametrize(
    ("text", "language"),
    [("", None), ('[general]\nlanguage = "auto"\n', None), ('[general]\nlanguage = "hi"\n', "hi")],
)
def test_config_language_is_the_desktops_unless_a_code_is_set(
    tmp_path: Path, text: str, language: str | None
) -> None:
    loaded = config.load(_write(tmp_path, "config.toml", text))
    assert loaded.problems == ()
    assert loaded.settings.language == language


def test_config_language_not_a_code_is_refused_and_the_desktops_kept(tmp_path: Path) -> None:
    user = _write(tmp_path, "config.toml", '[general]\nlanguage = "Hindi"\n')
    loaded = config.load(user)
    assert [p.message for p in loaded.problems] == [
        f'{user}: [general] language = "Hindi": expected "auto" (the desktop\'s language) or a'
        ' language code like "de" or "hi"'
    ]
    assert loaded.settings.language is None


# [working_hours] hours and [general] max_skips_per_day: each mistake one line naming the
# file, the key, what was expected and what was got.
HOURS_MISTAKES = [
    (
        '"09:00-12:00, 11:30-17:30"',
        'F: [working_hours] hours = "09:00-12:00, 11:30-17:30": expected ranges that do not'
        ' overlap; "09:00-12:00" and "11:30-17:30" do',
    ),
    (
        '"17:30-13:00"',
        'F: [working_hours] hours = "17:30-13:00": expected each range to end after it starts;'
        ' "17:30-13:00" does not',
    ),
    (
        '["09:00-12:00", "13:00-25:00"]',
        'F: [working_hours] hours = ["09:00-12:00", "13:00-25:00"]: expected times from 00:00 to'
        ' 24:00 in each range; "13:00-25:00" is not',
    ),
    (
        '"9 to 5"',
        'F: [working_hours] hours = "9 to 5": expected time ranges like "09:00-12:00,'
        ' 13:00-17:30" (24:00 ends the day), or ""',
    ),
]


@pytest.mark.parametrize(("value", "message"), HOURS_MISTAKES)
def test_config_working_hours_ranges_mistakes_are_one_line_each(
    tmp_path: Path, value: str, message: str
) -> None:
    user = _write(tmp_path, "config.toml", f"[working_hours]\nhours = {value}\n")
    loaded = config.load(user)
    assert [p.message for p in loaded.problems] == [message.replace("F", str(user), 1)]
    assert loaded.settings.timer.working_hours == config.defaults().timer.working_hours


@pytest.mark.parametrize("value", ['"13:00-17:30, 09:00-12:00"', '["09:00-12:00", "13:00-17:30"]'])
def test_config_working_hours_ranges_as_text_or_list_in_any_order(
    tmp_path: Path, value: str
) -> None:
    user = _write(tmp_path, "config.toml", f'[working_hours]\ndays = ["mon"]\nhours = {value}\n')
    loaded = config.load(user)
    assert loaded.problems == ()
    hours = loaded.settings.timer.working_hours
    assert hours.ranges == ((time(9), time(12)), (time(13), time(17, 30)))
    monday = datetime(2026, 11, 23, tzinfo=BERLIN)
    assert [hours.contains(monday.replace(hour=h)) for h in (8, 9, 11, 12, 13, 17, 18)] == [
        False, True, True, False, True, True, False,
    ]  # fmt: skip


def test_config_old_start_and_end_still_work_and_beat_a_lower_layers_hours(
    tmp_path: Path,
) -> None:
    """Old files keep working: start and end in the user file win over the organisation's
    `hours` (the highest layer's words win)."""
    policy = _write(
        tmp_path, "policy.toml", '[working_hours]\nhours = "08:00-12:00, 13:00-16:00"\n'
    )
    user = _write(tmp_path, "config.toml", '[working_hours]\nstart = "10:00"\nend = "18:00"\n')
    loaded = config.load(user, policy)
    assert loaded.problems == ()
    assert loaded.settings.timer.working_hours.ranges == ((time(10), time(18)),)
    assert config.load(None, policy).settings.timer.working_hours.ranges == (
        (time(8), time(12)),
        (time(13), time(16)),
    )


def test_config_a_lock_on_start_and_end_locks_hours_too(tmp_path: Path) -> None:
    """The three keys that say the times lock together: a locked start cannot be escaped by
    setting `hours`."""
    policy = _write(
        tmp_path,
        "policy.toml",
        '[working_hours]\nstart = "08:00"\nend = "16:00"\n[policy]\nlock = ["working_hours.start"]\n',
    )
    user = _write(tmp_path, "config.toml", '[working_hours]\nhours = "06:00-12:00, 13:00-22:00"\n')
    loaded = config.load(user, policy)
    assert [p.is_error for p in loaded.problems] == [False]
    assert "set by your organisation" in loaded.problems[0].message
    assert loaded.settings.timer.working_hours.ranges == ((time(8), time(16)),)
    assert loaded.locked("working_hours.hours")


def test_config_a_weekday_of_its_own_replaces_the_usual_hours_that_day(tmp_path: Path) -> None:
    # Protects: per-weekday working hours: `fri = "08:00-13:00"` changes Fridays only; "" keeps
    # the usual hours; a bad day's ranges is one line naming the key and only that day falls back.
    user = _write(
        tmp_path,
        "config.toml",
        '[working_hours]\nhours = "09:00-12:00, 13:00-17:30"\nfri = "08:00-13:00"\nmon = ""\n',
    )
    loaded = config.load(user)
    assert loaded.problems == ()
    hours = loaded.settings.timer.working_hours
    assert hours.ranges_on(4) == ((time(8), time(13)),)
    assert hours.ranges_on(0) == hours.ranges == ((time(9), time(12)), (time(13), time(17, 30)))
    friday, thursday = (datetime(2026, 11, d, 12, 30, tzinfo=BERLIN) for d in (27, 26))
    assert hours.contains(friday)
    assert not hours.contains(thursday)
    user.write_text('[working_hours]\nfri = "13:00-08:00"\n')
    loaded = config.load(user)
    assert [(p.key, p.message) for p in loaded.problems] == [
        (
            "working_hours.fri",
            f'{user}: [working_hours] fri = "13:00-08:00": expected each range to end after it'
            ' starts; "13:00-08:00" does not',
        )
    ]
    assert loaded.settings.timer.working_hours.by_day == ()


def test_config_a_lock_on_the_hours_locks_each_weekday_too(tmp_path: Path) -> None:
    # Protects: a locked plan cannot be escaped by giving one weekday hours of its own.
    policy = _write(
        tmp_path,
        "policy.toml",
        '[working_hours]\nhours = "08:00-16:00"\n[policy]\nlock = ["working_hours.hours"]\n',
    )
    user = _write(tmp_path, "config.toml", '[working_hours]\nwed = "06:00-22:00"\n')
    loaded = config.load(user, policy)
    assert [p.is_error for p in loaded.problems] == [False]
    assert loaded.locked("working_hours.wed")
    assert loaded.settings.timer.working_hours.ranges_on(2) == ((time(8), time(16)),)


def test_config_daily_skip_cap(tmp_path: Path) -> None:
    user = _write(tmp_path, "config.toml", "[general]\nmax_skips_per_day = 3\n")
    assert config.load(user).settings.timer.max_skips_per_day == 3
    assert config.defaults().timer.max_skips_per_day is None
    user.write_text('[general]\nmax_skips_per_day = "lots"\n')
    assert [p.message for p in config.load(user).problems] == [
        f'{user}: [general] max_skips_per_day = "lots": expected a whole number of 0 or more,'
        ' or "unlimited"'
    ]
