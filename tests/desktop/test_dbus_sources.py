"""GNOME and freedesktop idle time, the screen lock and do-not-disturb, against real D-Bus.

Each test runs a private dbus-daemon and `fake_desktop_bus.py`, a real D-Bus service that
implements the desktop's interfaces; a second private bus stands in for the system bus
(logind). dunst's own do-not-disturb switch is tested against dunst itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from posture_guard.core.errors import BusySourceUnavailable, IdleSourceUnavailable
from posture_guard.desktop.busy import select_busy_source
from posture_guard.desktop.busy.dnd import DoNotDisturbSource
from posture_guard.desktop.busy.locked import LogindLock, ScreenLockSource, ScreenSaverLock
from posture_guard.desktop.dbus import Bus
from posture_guard.desktop.idle import select_idle_source
from posture_guard.desktop.idle.dbus_idle import FREEDESKTOP, GNOME, DBusIdleSource
from tests.app import ROOT, stop_process
from tests.desktop.conftest import SessionBus, wait_until

pytestmark = pytest.mark.desktop

MUTTER = "org.gnome.Mutter.IdleMonitor"
SCREENSAVER = "org.freedesktop.ScreenSaver"
GNOME_SCREENSAVER = "org.gnome.ScreenSaver"
LOGIN1 = "org.freedesktop.login1"
NOTIFICATIONS = "org.freedesktop.Notifications"


class FakeDesktop:
    """The fake service's state file: `set(...)` changes what it answers from the next call."""

    def __init__(self, state_file: Path, state: dict[str, object]) -> None:
        self.file = state_file
        self.state = dict(state)
        self.set()

    def set(self, **changes: object) -> None:
        self.state.update(changes)
        self.file.write_text(json.dumps(self.state))

    def calls(self) -> list[str]:
        log = self.file.with_name(self.file.name + ".calls")
        return log.read_text().splitlines() if log.exists() else []


MakeBus = Callable[..., AbstractContextManager[SessionBus]]


@contextmanager
def fake_desktop(
    bus: SessionBus, names: list[str], state: dict[str, object]
) -> Iterator[FakeDesktop]:
    """Run the fake desktop service owning `names` on `bus` until the block ends."""
    desktop = FakeDesktop(bus.log_dir / f"state-{len(list(bus.log_dir.glob('state-*')))}", state)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.desktop.fake_desktop_bus", str(desktop.file), *names],
        env=bus.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
        yield desktop
    finally:
        stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def bus(make_session_bus: MakeBus) -> Iterator[SessionBus]:
    with make_session_bus() as session:
        yield session


def client(bus: SessionBus, label: str = "session bus") -> Bus:
    return Bus(bus.address, label=label)


# --- idle time ---------------------------------------------------------------------------------


def test_gnome_idle_reads_mutter_idletime_in_seconds(bus: SessionBus) -> None:
    # Protects: GetIdletime's milliseconds become seconds, and each call asks again.
    with fake_desktop(bus, [MUTTER], {"mutter_idle_ms": 61500}) as desktop:
        source = DBusIdleSource(GNOME, client(bus))
        assert source.idle_seconds() == 61.5
        desktop.set(mutter_idle_ms=40)  # input just now
        assert source.idle_seconds() == 0.04
        assert "GetIdletime /org/gnome/Mutter/IdleMonitor/Core" in desktop.calls()
        source.close()


def test_gnome_idle_is_none_while_mutter_is_gone_and_back_after(bus: SessionBus) -> None:
    # Protects: GNOME Shell restarting never raises into the service; it answers again after.
    with fake_desktop(bus, [MUTTER], {"mutter_idle_ms": 1000}):
        source = DBusIdleSource(GNOME, client(bus))
        assert source.idle_seconds() == 1.0
    assert source.idle_seconds() is None
    with fake_desktop(bus, [MUTTER], {"mutter_idle_ms": 2000}):
        assert source.idle_seconds() == 2.0
    source.close()


def test_gnome_idle_without_mutter_is_unavailable_with_a_reason(bus: SessionBus) -> None:
    with pytest.raises(
        IdleSourceUnavailable,
        match=r"^org\.gnome\.Mutter\.IdleMonitor is not on the session bus \(not a GNOME session\)$",
    ):
        DBusIdleSource(GNOME, client(bus))


def test_gnome_idle_on_a_bus_that_is_not_there_is_unavailable(tmp_path: Path) -> None:
    gone = f"unix:path={tmp_path / 'no-bus'}"
    with pytest.raises(IdleSourceUnavailable, match=r"^cannot connect to the session bus at "):
        DBusIdleSource(GNOME, Bus(gone))


@pytest.mark.parametrize("paths", [["/org/freedesktop/ScreenSaver"], ["/ScreenSaver"]])
def test_freedesktop_idle_reads_session_idle_time_on_either_path(
    bus: SessionBus, paths: list[str]
) -> None:
    # Protects: KDE's newer and older object paths both work.
    state = {"session_idle_ms": 2500, "screensaver_paths": paths}
    with fake_desktop(bus, [SCREENSAVER], state) as desktop:
        source = DBusIdleSource(FREEDESKTOP, client(bus))
        assert source.idle_seconds() == 2.5
        desktop.set(session_idle_ms=0)
        assert source.idle_seconds() == 0.0
        assert f"GetSessionIdleTime {paths[0]}" in desktop.calls()
        source.close()


def test_freedesktop_idle_refused_where_the_service_cannot_tell(bus: SessionBus) -> None:
    # Protects: GNOME's org.freedesktop.ScreenSaver proxy owns the name but does not implement
    # GetSessionIdleTime: the source is not used, and the reason says so.
    with (
        fake_desktop(bus, [SCREENSAVER], {}),
        pytest.raises(
            IdleSourceUnavailable,
            match=r"^org\.freedesktop\.ScreenSaver cannot tell idle time \(/org/freedesktop/ScreenSaver: "
            r"org\.freedesktop\.ScreenSaver GetSessionIdleTime: org\.freedesktop\.DBus\.Error\.NotSupported; ",
        ),
    ):
        DBusIdleSource(FREEDESKTOP, client(bus))


X11_IN_WAYLAND = "x11: not used in a Wayland session: XWayland sees only the input to X11 apps"


def test_select_idle_source_prefers_the_compositor_on_wayland(
    bus: SessionBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: on Wayland (DISPLAY set by XWayland too) GNOME's own counter is used, since
    # XWayland's sees only X clients' input.
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    with fake_desktop(bus, [MUTTER], {"mutter_idle_ms": 5000}):
        source, reasons = select_idle_source()
        try:
            assert source.name == "gnome"
            assert source.idle_seconds() == 5.0
            assert reasons == [X11_IN_WAYLAND]
        finally:
            source.close()


def test_select_idle_source_falls_to_freedesktop_when_not_gnome(
    bus: SessionBus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # (a Wayland session whose compositor offers no idle protocol: none listens here)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    no_compositor = f"cannot connect to {tmp_path}/wayland-0: No such file or directory"
    with fake_desktop(bus, [SCREENSAVER], {"session_idle_ms": 7000}):
        source, reasons = select_idle_source()
        try:
            assert source.name == "freedesktop"
            assert reasons == [
                X11_IN_WAYLAND,
                "gnome: org.gnome.Mutter.IdleMonitor is not on the session bus (not a GNOME session)",
                f"ext-idle-notify: {no_compositor}",
                f"kwin-idle: {no_compositor}",
            ]
        finally:
            source.close()


# --- the screen lock ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [SCREENSAVER, GNOME_SCREENSAVER])
def test_screen_lock_follows_the_screen_saver_get_active(bus: SessionBus, name: str) -> None:
    with fake_desktop(bus, [name], {"screensaver_active": False}) as desktop:
        source = ScreenLockSource(client(bus), None)
        assert source.via == "screen saver"
        assert source.busy_reason() is None
        desktop.set(screensaver_active=True)
        assert source.busy_reason() == "screen locked"
        desktop.set(screensaver_active=False)
        assert source.busy_reason() is None
        source.close()


def test_screen_lock_follows_logind_locked_hint_on_the_system_bus(
    bus: SessionBus, make_session_bus: MakeBus
) -> None:
    # Protects: with no screen saver on the session bus, logind's LockedHint of our session
    # (read on the bus passed in as the system bus) tells whether the screen is locked.
    with (
        make_session_bus() as system,
        fake_desktop(system, [LOGIN1], {"locked_hint": False}) as logind,
    ):
        source = ScreenLockSource(client(bus), client(system, "system bus"), session_id="31")
        assert source.via == "logind"
        assert source.busy_reason() is None
        logind.set(locked_hint=True)
        assert source.busy_reason() == "screen locked"
        assert "GetSession /org/freedesktop/login1" in logind.calls()
        assert "Get /org/freedesktop/login1/session/_31" in logind.calls()
        source.close()


def test_logind_lock_finds_the_session_by_pid_then_by_user_display(
    make_session_bus: MakeBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: without XDG_SESSION_ID the session of this process is used; a process outside
    # any session (a user service) falls back to the user's display session.
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    with make_session_bus() as system:
        with fake_desktop(system, [LOGIN1], {"locked_hint": True}) as logind:
            lock = LogindLock(client(system, "system bus"))
            assert lock.locked()
            assert "GetSessionByPID /org/freedesktop/login1" in logind.calls()
            lock.close()
        with fake_desktop(
            system, [LOGIN1], {"locked_hint": True, "pid_in_session": False}
        ) as again:
            lock = LogindLock(client(system, "system bus"))
            assert lock.session_path == "/org/freedesktop/login1/session/_31"
            assert lock.locked()
            assert "GetUser /org/freedesktop/login1" in again.calls()
            assert "Get /org/freedesktop/login1/user/_1000" in again.calls()
            lock.close()


def test_screen_lock_without_any_way_to_tell_is_unavailable(
    bus: SessionBus, tmp_path: Path
) -> None:
    no_system = Bus(f"unix:path={tmp_path / 'no-system-bus'}", label="system bus")
    with pytest.raises(BusySourceUnavailable) as failure:
        ScreenLockSource(client(bus), no_system)
    message = str(failure.value)
    assert message.startswith(
        "no screen saver on the session bus (org.freedesktop.ScreenSaver, org.gnome.ScreenSaver); "
        "logind: cannot connect to the system bus at unix:path="
    )
    with pytest.raises(BusySourceUnavailable, match=r"^no session bus; no system bus$"):
        ScreenLockSource(None, None)


def test_screen_saver_lock_is_not_locked_when_the_service_goes_away(bus: SessionBus) -> None:
    # Protects: a screen saver that quits (or crashes) never reads as a locked screen forever.
    with fake_desktop(bus, [SCREENSAVER], {"screensaver_active": True}):
        session = client(bus)
        lock = ScreenSaverLock(session)
        assert lock.locked()
    assert not lock.locked()
    session.close()


# --- do not disturb ----------------------------------------------------------------------------


def test_dnd_follows_the_notifications_inhibited_property(bus: SessionBus) -> None:
    with fake_desktop(bus, [NOTIFICATIONS], {"inhibited": False}) as desktop:
        source = DoNotDisturbSource(client(bus))
        assert source.switch == (NOTIFICATIONS, "Inhibited")
        assert source.busy_reason() is None
        desktop.set(inhibited=True)
        assert source.busy_reason() == "do not disturb"
        source.close()


def test_dnd_follows_dunst_paused(notification_daemon: SessionBus) -> None:
    # Protects: with the real dunst, `dunstctl set-paused true` (its do-not-disturb) holds
    # breaks back, and turning it off frees them.
    source = DoNotDisturbSource(client(notification_daemon))
    assert source.switch == ("org.dunstproject.cmd0", "paused")
    assert source.busy_reason() is None
    notification_daemon.run("dunstctl", "set-paused", "true")
    assert source.busy_reason() == "do not disturb"
    notification_daemon.run("dunstctl", "set-paused", "false")
    wait_until(lambda: source.busy_reason() is None, "dunst to unpause")
    source.close()


def test_dnd_without_a_notification_daemon_is_unavailable_and_activates_nothing(
    make_session_bus: MakeBus,
) -> None:
    # Protects: asking does not D-Bus-activate a notification daemon (the bus lists no service directories).
    with make_session_bus(activatable="/usr/bin/dunst") as activating:
        with pytest.raises(
            BusySourceUnavailable,
            match=r"^no notification daemon owns org\.freedesktop\.Notifications$",
        ):
            DoNotDisturbSource(client(activating))
        assert not activating.name_has_owner(NOTIFICATIONS)


# --- the selector ------------------------------------------------------------------------------


def test_select_busy_source_uses_every_source_that_works_here(
    notification_daemon: SessionBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: on a desktop with a display and dunst, full screen, do-not-disturb and the
    # capture check are used together; the screen lock says why it is not.
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket")
    source, reasons = select_busy_source()
    try:
        assert source.name == "fullscreen-x11+do-not-disturb+camera-microphone"
        assert source.busy_reason() is None
        assert reasons == [
            "screen-lock: no screen saver on the session bus (org.freedesktop.ScreenSaver, "
            "org.gnome.ScreenSaver); logind: cannot connect to the system bus at "
            "unix:path=/nonexistent/system_bus_socket: [Errno 2] No such file or directory"
        ]
        notification_daemon.run("dunstctl", "set-paused", "true")
        assert source.busy_reason() == "do not disturb"
    finally:
        source.close()


def test_select_busy_source_on_a_platform_without_backend_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "sunos5")
    source, reasons = select_busy_source()
    assert (source.name, source.busy_reason()) == ("none", None)
    assert reasons == ["busy: no busy source is implemented yet on sunos5"]
