"""Notifications: plyer to a real dunst on a private bus, the selector, and the fallbacks."""

from __future__ import annotations

import html
import importlib.util
import io
import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import plyer
import pytest
from PIL import Image

from posture_guard.desktop.dbus import session_bus as the_session_bus
from posture_guard.desktop.notify import (
    PACKAGED_ICON,
    FallbackNotifier,
    FreedesktopNotifier,
    PlyerNotifier,
    TerminalNotifier,
    notification_service_problem,
    select_notifier,
)
from posture_guard.testing import Notice, RecordingNotifier
from tests.desktop.conftest import menu_text

pytestmark = pytest.mark.desktop

NOTIFICATIONS = "org.freedesktop.Notifications"
NINE_FORTY = datetime(2026, 11, 25, 9, 40, tzinfo=timezone(timedelta(hours=1)))
NO_SERVICE = (
    "freedesktop: no notification service on the session bus (org.freedesktop.Notifications "
    "has no owner and no D-Bus service file)"
)


def fixed_clock() -> datetime:
    return NINE_FORTY


def displayed_count(bus: Any) -> int:
    return int(bus.run("dunstctl", "count", "displayed").strip())


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# --- with dunst on a private session bus ------------------------------------------------------


def test_plyer_notifier_delivers_to_dunst(
    notification_daemon: Any, screenshot: Callable[[str], Path]
) -> None:
    # Protects: a notice reaches a real notification daemon through plyer (whichever plyer
    # backend this venv has), with plyer's "dbus-python missing" warning kept out of the way.
    assert displayed_count(notification_daemon) == 0
    delivered = PlyerNotifier().notify("Stretch break", "Stand up and roll your shoulders.")
    assert delivered is True
    assert wait_for(lambda: displayed_count(notification_daemon) >= 1), "dunst shows nothing"

    def drawn() -> bool:
        # The screen is black except for what dunst draws (top right by default).
        with Image.open(screenshot("notify_dunst")) as shot:
            return shot.crop((640, 0, 1280, 200)).getbbox() is not None

    assert wait_for(drawn), "dunst counts the notification but draws nothing; see notify_dunst.png"


def test_a_tagged_notice_replaces_its_predecessor_and_is_withdrawn(
    notification_daemon: Any, screenshot: Callable[[str], Path], request: pytest.FixtureRequest
) -> None:
    # Protects: one notification per break on a real daemon: the pre-break notice, then the
    # prompt, under one tag, are one notification on screen (replaced, not stacked), and
    # withdrawing it takes it off the screen; an untagged notice stands on its own.
    bus = the_session_bus()
    request.addfinalizer(bus.close)
    notifier = FreedesktopNotifier(bus)
    assert notifier.notify("Stretch break in 10 s", "Finish your sentence.", tag="break")
    assert wait_for(lambda: displayed_count(notification_daemon) == 1)
    assert notifier.notify(
        "Stretch break (2m)", "Roll your shoulders <slowly> & gently.", tag="break"
    )
    time.sleep(0.3)  # a stacked second notice would show up by now
    assert displayed_count(notification_daemon) == 1
    assert notifier.notify("Daily screen time reached", "8h today.")
    assert wait_for(lambda: displayed_count(notification_daemon) == 2)
    screenshot("notify_replaced")
    notifier.withdraw("break")
    assert wait_for(lambda: displayed_count(notification_daemon) == 1), "the break notice stayed"
    notifier.withdraw("break")  # again, and an unknown tag: nothing happens, nothing raises
    notifier.withdraw("never-shown")
    assert displayed_count(notification_daemon) == 1


def test_a_notice_with_no_daemon_on_the_bus_is_false_and_withdraw_stays_quiet(
    session_bus: Any, request: pytest.FixtureRequest
) -> None:
    # Protects: Rule 1 on the bus path: no exception reaches the worker when nobody owns
    # org.freedesktop.Notifications (the FallbackNotifier then prints it).
    bus = the_session_bus()
    request.addfinalizer(bus.close)
    notifier = FreedesktopNotifier(bus)
    assert notifier.notify("Eye break (20s)", "Look far away.", tag="break") is False
    notifier.withdraw("break")


def test_select_notifier_picks_the_bus_when_a_daemon_owns_the_name(
    notification_daemon: Any,
) -> None:
    # Protects: with a notification daemon on the bus the service uses desktop notifications,
    # still backed by the terminal, and doctor has nothing to report.
    notifier, reasons = select_notifier()
    assert isinstance(notifier, FallbackNotifier)
    assert notifier.name == "freedesktop+terminal"
    assert isinstance(notifier.primary, FreedesktopNotifier)
    assert isinstance(notifier.fallback, TerminalNotifier)
    assert reasons == []
    assert notifier.notify("Eye break", "Look 6 m away for 20 s.") is True
    assert wait_for(lambda: displayed_count(notification_daemon) >= 1)
    notifier.primary.close()


def test_select_notifier_starts_an_activatable_daemon(
    make_session_bus: Callable[..., AbstractContextManager[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Protects: on a desktop where the daemon is only D-Bus-activatable (dunst installed, not
    # yet running: common with plain window managers) the selector still picks the bus.
    with make_session_bus(activatable="/usr/bin/dunst") as bus:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        assert not bus.name_has_owner(NOTIFICATIONS)
        notifier, reasons = select_notifier()
        assert notifier.name == "freedesktop+terminal"
        assert reasons == []
        assert bus.name_has_owner(NOTIFICATIONS)


def test_select_notifier_reports_a_daemon_that_fails_to_start(
    make_session_bus: Callable[..., AbstractContextManager[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Protects: an activatable daemon that dies on start (dunst activated without a DISPLAY) counts
    # as unreachable, with the bus's error as the reason.
    with make_session_bus(activatable="/bin/false") as bus:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        notifier, reasons = select_notifier()
    assert isinstance(notifier, TerminalNotifier)
    assert len(reasons) == 1
    assert reasons[0].startswith(
        "freedesktop: session bus query StartServiceByName failed (dbus-send exit 1): "
    )


# --- without a notification daemon ------------------------------------------------------------


def test_select_notifier_falls_back_to_terminal_without_a_daemon(
    session_bus: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Protects: plyer's notify-send path would "succeed" silently here, so the selector must
    # choose the terminal, say why, and the terminal must show the notice.
    notifier, reasons = select_notifier()
    assert isinstance(notifier, TerminalNotifier)
    assert notifier.name == "terminal"
    assert reasons == [NO_SERVICE]
    assert notifier.notify("Stretch break", "Stand up.") is True
    out = capsys.readouterr().out
    assert out.endswith("] Stretch break: Stand up.\n")
    assert out.startswith("[")


def test_select_notifier_without_a_session_bus(desktop_env: dict[str, str]) -> None:
    # Protects: with no bus address the selector neither hangs nor autolaunches a bus;
    # it picks the terminal and names the missing variable.
    notifier, reasons = select_notifier()
    assert isinstance(notifier, TerminalNotifier)
    assert reasons == [
        "freedesktop: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and $XDG_RUNTIME_DIR/bus is not a socket of ours)"
    ]


def test_notification_service_problem_when_the_bus_is_gone(
    make_session_bus: Callable[..., AbstractContextManager[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Protects: a bus address that leads nowhere is a reason (naming the failed query), not a crash.
    with make_session_bus() as bus:
        address = bus.address
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    problem = notification_service_problem()
    assert problem is not None
    assert problem.startswith("session bus query NameHasOwner failed (dbus-send exit 1): ")


def test_plyer_failure_on_the_notify_send_path_is_silent(session_bus: Any) -> None:
    # Protects the reason the selector checks the bus: without dbus-python, plyer calls
    # notify-send and ignores its exit status, so a missing daemon looks like success.
    # With dbus-python installed, plyer raises instead and PlyerNotifier reports False.
    has_dbus_python = importlib.util.find_spec("dbus") is not None
    assert PlyerNotifier().notify("Stretch break", "Stand up.") is (not has_dbus_python)


def test_fallback_notifier_prints_the_line_when_the_primary_fails() -> None:
    # Protects: a notice the desktop drops is printed, as one stamped line, and flushed.
    stream = io.StringIO()
    primary = RecordingNotifier(fail=True)
    notifier = FallbackNotifier(primary, TerminalNotifier(stream, now=fixed_clock))
    assert notifier.notify("Stretch break", "Stand up and roll your shoulders.") is True
    assert stream.getvalue() == "[09:40] Stretch break: Stand up and roll your shoulders.\n"


# --- plain unit tests of the wrappers (no desktop needed) -------------------------------------


class RaisingNotifier:
    name = "raising"

    def notify(self, title: str, message: str) -> bool:
        raise RuntimeError("daemon exploded")


def test_fallback_notifier_never_raises_when_the_primary_raises() -> None:
    # Protects: the Protocol's "never raises" holds even around a broken primary.
    fallback = RecordingNotifier()
    notifier = FallbackNotifier(RaisingNotifier(), fallback)
    assert notifier.notify("Stretch break", "Stand up.") is True
    assert fallback.notices == [Notice("Stretch break", "Stand up.")]


def test_fallback_notifier_reports_false_when_both_fail() -> None:
    # Protects: with nothing that can show the notice the caller hears False, not an exception.
    notifier = FallbackNotifier(RaisingNotifier(), RaisingNotifier())
    assert notifier.notify("Stretch break", "Stand up.") is False


def test_fallback_notifier_does_not_use_the_fallback_after_success() -> None:
    # Protects: a delivered notice is not printed a second time.
    primary, fallback = RecordingNotifier(), RecordingNotifier()
    assert FallbackNotifier(primary, fallback).notify("Eye break", "Look away.") is True
    assert list(primary.titles()) == ["Eye break"]
    assert fallback.notices == []


def test_fallback_notifier_defaults_to_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    # Protects: FallbackNotifier(primary) alone falls back to stdout.
    notifier = FallbackNotifier(RecordingNotifier(fail=True))
    assert notifier.name == "recording+terminal"
    assert notifier.notify("Stretch break", "Stand up.") is True
    assert "Stretch break: Stand up.\n" in capsys.readouterr().out


def test_plyer_notifier_returns_false_when_plyer_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    # Protects: a plyer backend error (DBusException, NotImplementedError...) becomes False.
    class BrokenNotification:
        def notify(self, **kwargs: object) -> None:
            raise NotImplementedError("no backend")

    monkeypatch.setattr(plyer, "notification", BrokenNotification())
    assert PlyerNotifier().notify("Stretch break", "Stand up.") is False


def test_terminal_notifier_logs_and_reports_a_closed_stream(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Protects: a closed terminal is False (not an exception), and that a notice came is still
    # logged, with its tag and never its words (issue 18: nothing of the diary in the log)
    stream = io.StringIO()
    stream.close()
    with caplog.at_level("INFO", logger="posture_guard.notify"):
        notifier = TerminalNotifier(stream, now=fixed_clock)
        assert notifier.notify("Stretch break", "Up.", tag="break") is False
    assert "notice for the terminal (break)" in caplog.text
    assert "Stretch break" not in caplog.text
    assert "Up." not in caplog.text


def test_fallback_notifier_sends_to_the_fallback_only_while_the_primary_is_off() -> None:
    # Protects: `[notifications] enabled = false`: the desktop's notifier is not asked at all;
    # the notice still reaches the fallback (the tray title, the terminal), and when the
    # setting turns on again the desktop's is used.
    primary, fallback = RecordingNotifier(), RecordingNotifier()
    notifier = FallbackNotifier(primary, fallback)
    wanted = [False]
    notifier.use_primary = lambda: wanted[0]
    assert notifier.notify("Eye break", "Look away.") is True
    assert (primary.notices, list(fallback.titles())) == ([], ["Eye break"])
    wanted[0] = True
    assert notifier.notify("Stretch break", "Stand up.") is True
    assert list(primary.titles()) == ["Stretch break"]
    assert list(fallback.titles()) == ["Eye break"]


def test_a_body_with_markup_characters_reads_as_written_on_a_markup_daemon(
    notification_daemon: Any, request: pytest.FixtureRequest
) -> None:
    # Protects: dunst reads the body as markup (it says "body-markup"): "<", ">" and "&" in a
    # message are sent escaped, so the person reads them as written, nothing is lost as a tag.
    bus = the_session_bus()
    request.addfinalizer(bus.close)
    text = "Roll <slowly> & gently, a > b; 'quotes' \"stay\"."
    assert FreedesktopNotifier(bus).notify("Stretch", text)
    assert wait_for(lambda: displayed_count(notification_daemon) == 1)
    notification_daemon.run("dunstctl", "close")
    assert wait_for(lambda: displayed_count(notification_daemon) == 0)
    history = json.loads(notification_daemon.run("dunstctl", "history"))
    (notice,) = history["data"][0]
    assert (
        notice["body"]["data"] == "Roll &lt;slowly&gt; &amp; gently, a &gt; b; 'quotes' \"stay\"."
    )
    assert notice["body"]["data"] == html.escape(text, quote=False)  # as the spec's markup wants


# --- actions: a notice with buttons, picked on a real dunst -----------------------------------


def test_a_notice_with_actions_reports_the_action_the_person_picks(
    dunst_with_menu: tuple[Any, Path], request: pytest.FixtureRequest
) -> None:
    # Protects: rule 5: a notice's actions reach the daemon as buttons (dunst's context menu
    # lists them), the one picked comes back to `watch_actions` with the notice's tag, the
    # notice stays until then (no timeout), and withdrawing it takes it off the screen.
    daemon, menu = dunst_with_menu
    bus = the_session_bus()
    notifier = FreedesktopNotifier(bus)
    request.addfinalizer(notifier.close)
    assert notifier.has_actions()
    picked: list[tuple[str, str]] = []
    assert notifier.watch_actions(lambda tag, key: picked.append((tag, key)))
    actions = (("start", "Start now"), ("postpone", "Postpone"))
    assert notifier.notify("Stretch break: Neck turn", "Starts when you pause typing.",
                           tag="notice", actions=actions)  # fmt: skip
    assert wait_for(lambda: displayed_count(daemon) == 1)
    (menu / "choice").write_text("Postpone")
    daemon.run("dunstctl", "context")
    assert wait_for(lambda: picked == [("notice", "postpone")]), (picked, menu_text(menu))
    assert "Start now" in menu_text(menu)
    notifier.withdraw("notice")
    assert wait_for(lambda: displayed_count(daemon) == 0), "the notice stayed"


# --- the icon: ours, installed or not ----------------------------------------------------------


@pytest.mark.parametrize("installed", [False, True], ids=["pip-install", "launcher-installed"])
def test_a_notice_shows_our_icon_whether_or_not_the_theme_has_it(
    notification_daemon: Any,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    installed: bool,
) -> None:
    # Protects: rule 6: after a pip install no icon theme has "posture-guard", and GNOME Shell
    # drew the name as a broken image; the notice then names the package's own PNG, which the
    # daemon loads. Once `launcher install` put the icon in the theme, the name is used.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "system"))
    if installed:
        themed = tmp_path / "share" / "icons" / "hicolor" / "48x48" / "apps" / "posture-guard.png"
        themed.parent.mkdir(parents=True)
        themed.write_bytes(PACKAGED_ICON.read_bytes())
    bus = the_session_bus()
    request.addfinalizer(bus.close)
    notifier = FreedesktopNotifier(bus)
    assert notifier.icon == ("posture-guard" if installed else PACKAGED_ICON.as_uri())
    assert notifier.notify("Stretch", "Time for a stretch.")
    assert wait_for(lambda: displayed_count(notification_daemon) == 1)
    notification_daemon.run("dunstctl", "close")
    assert wait_for(lambda: displayed_count(notification_daemon) == 0)
    (notice,) = json.loads(notification_daemon.run("dunstctl", "history"))["data"][0]
    if not installed:
        assert notice["icon_path"]["data"] == str(PACKAGED_ICON)
    with Image.open(PACKAGED_ICON) as icon:
        assert icon.size == (64, 64)
