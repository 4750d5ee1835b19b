"""GNOME on Wayland, against the real programs: mutter's idle monitor and GNOME's do-not-disturb.

- Idle: mutter 43 (`mutter --headless --wayland --no-x11`, Debian 12) on a private session bus
  tells idle time over org.gnome.Mutter.IdleMonitor; our `gnome` source reads it, it grows
  while nothing happens and drops to 0 at input injected through mutter's own remote desktop
  API; the selector and `doctor` pick it in a Wayland session, and say so.
  Measured here, and asserted so a newer mutter that changes it is noticed: mutter 43 offers
  neither ext_idle_notifier_v1 (it came in mutter 45) nor org_kde_kwin_idle, so over Wayland
  itself a client cannot see idle time under GNOME; only the D-Bus monitor tells it.
- Do not disturb: GNOME's switch is GSettings org.gnome.desktop.notifications show-banners.
  A real dconf-service (Debian's dconf-service 0.40) on a private bus writes it when
  `gsettings set` (libglib2.0-bin, through the dconf GIO module) changes it, into the test's
  own $XDG_CONFIG_HOME/dconf/user; our reader and the do-not-disturb source follow the file.
  GNOME Shell itself (the notification daemon that names itself "gnome-shell") is played by
  tests/desktop/fake_desktop_bus.py: only its name matters to the source.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from posture_guard.core.errors import BusySourceUnavailable, IdleSourceUnavailable
from posture_guard.desktop.busy.dnd import SHOW_BANNERS, DoNotDisturbSource
from posture_guard.desktop.dbus import Bus
from posture_guard.desktop.dconf import UserSettings, user_db_path
from posture_guard.desktop.idle import select_idle_source
from posture_guard.desktop.idle.dbus_idle import GNOME, DBusIdleSource
from tests.app import App, read_until, stop_process
from tests.desktop.compositors import Compositor, mutter, mutter_input, offered
from tests.desktop.conftest import SessionBus, start_session_bus, wait_until
from tests.desktop.test_dbus_sources import fake_desktop

pytestmark = pytest.mark.desktop

MakeBus = Callable[..., AbstractContextManager[SessionBus]]


@pytest.fixture(scope="module")
def gnome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Compositor, SessionBus]]:
    """One headless mutter on its own private bus for the module (it starts in about 0.3 s,
    but the idle tests wait for idle time to grow, so they share it)."""
    tmp = tmp_path_factory.mktemp("mutter")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "NO_AT_BRIDGE": "1"}
    with start_session_bus(env, tmp / "dbus") as bus, mutter(tmp / "mutter", bus) as running:
        yield running, bus


def wait_for_idle(source: DBusIdleSource, above: float) -> float:
    deadline = time.monotonic() + 10
    while (idle := source.idle_seconds()) is not None and idle <= above:
        assert time.monotonic() < deadline, f"idle stayed at {idle} s"
        time.sleep(0.05)
    assert idle is not None
    return idle


def test_mutter_offers_no_wayland_idle_protocol(gnome: tuple[Compositor, SessionBus]) -> None:
    # Protects: the reason the D-Bus monitor comes first in a Wayland session (see the module).
    globals_ = offered(gnome[0].env)
    assert "wl_seat" in globals_  # a real Wayland compositor answered
    assert not {"ext_idle_notifier_v1", "org_kde_kwin_idle"} & globals_


@pytest.mark.parametrize("how", ["pointer", "key"])
def test_mutter_idle_grows_and_drops_at_input(
    gnome: tuple[Compositor, SessionBus], how: str
) -> None:
    # Protects: under GNOME on Wayland, real idle time comes from mutter, second for second,
    # and input anywhere (not only to X clients) resets it.
    _compositor, bus = gnome
    source = DBusIdleSource(GNOME, Bus(bus.address))
    try:
        assert source.name == "gnome"
        first = wait_for_idle(source, above=0.6)
        time.sleep(0.3)
        later = source.idle_seconds()
        assert later is not None
        assert later >= first + 0.25  # grows with time
        mutter_input(bus.address, how)
        idle = source.idle_seconds()
        assert idle is not None
        assert idle < 0.3, f"idle did not drop after {how} input: {idle}"
        wait_for_idle(source, above=0.5)  # and counts again from that input
    finally:
        source.close()


def test_mutter_idle_is_none_while_mutter_is_gone(
    make_session_bus: MakeBus, tmp_path: Path
) -> None:
    # Protects: GNOME's compositor stopping (a crash, a logout) never raises into the service;
    # the source says it cannot tell, and a new source is refused with the reason.
    with make_session_bus() as bus:
        with mutter(tmp_path / "mutter", bus):
            source = DBusIdleSource(GNOME, Bus(bus.address))
            assert source.idle_seconds() is not None
        try:
            assert source.idle_seconds() is None
        finally:
            source.close()
        with pytest.raises(
            IdleSourceUnavailable,
            match=r"^org\.gnome\.Mutter\.IdleMonitor is not on the session bus",
        ):
            DBusIdleSource(GNOME, Bus(bus.address))


def test_select_idle_source_in_a_gnome_wayland_session_takes_mutters_monitor(
    gnome: tuple[Compositor, SessionBus], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: in a GNOME Wayland session the selector takes mutter's monitor first, and
    # XWayland's counter is left out with its reason.
    compositor, bus = gnome
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("XDG_RUNTIME_DIR", compositor.env["XDG_RUNTIME_DIR"])
    monkeypatch.setenv("WAYLAND_DISPLAY", compositor.env["WAYLAND_DISPLAY"])
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.delenv("POSTURE_GUARD_IDLE", raising=False)
    source, reasons = select_idle_source()
    try:
        assert source.name == "gnome"
        assert reasons == [
            "x11: not used in a Wayland session: XWayland sees only the input to X11 apps"
        ]
    finally:
        source.close()


def gnome_session(app: App, compositor: Compositor, bus: SessionBus, display: str) -> None:
    app.env.update(
        XDG_SESSION_TYPE="wayland",
        XDG_CURRENT_DESKTOP="GNOME",
        XDG_RUNTIME_DIR=compositor.env["XDG_RUNTIME_DIR"],
        WAYLAND_DISPLAY=compositor.env["WAYLAND_DISPLAY"],
        DBUS_SESSION_BUS_ADDRESS=bus.address,
        DISPLAY=display,  # XWayland's stand-in: it works, and must not be used
        NO_AT_BRIDGE="1",
    )


def test_doctor_names_mutters_idle_monitor_in_a_gnome_wayland_session(
    gnome: tuple[Compositor, SessionBus], app: App, xvfb_display: str
) -> None:
    # Protects: doctor names the source used under GNOME on Wayland and why the others are not.
    compositor, bus = gnome
    gnome_session(app, compositor, bus, xvfb_display)
    done = app.cli("doctor")
    assert (done.returncode, done.stderr) == (0, ""), done
    print(done.stdout)  # the report, for the record (pytest -s)
    lines = {}
    for line in done.stdout.splitlines()[1:]:
        area, name, rest = line.split(maxsplit=2)
        lines[(area, name)] = rest
    idle = {name: rest for (area, name), rest in lines.items() if area == "idle"}
    assert list(idle) == ["gnome", "ext-idle-notify", "kwin-idle", "freedesktop", "x11", "none"]
    verdict, seconds, tail = idle["gnome"].split(maxsplit=2)
    assert verdict == "ok"
    assert float(seconds) >= 0
    assert tail == "s since the last input  [used]"
    assert idle["ext-idle-notify"] == "no  the compositor does not offer ext_idle_notifier_v1"
    assert idle["kwin-idle"] == "no  the compositor does not offer org_kde_kwin_idle"
    assert idle["x11"] == (
        "no  not used in a Wayland session: XWayland sees only the input to X11 apps"
    )
    assert idle["none"] == "ok  counts all time as active (the last resort)"
    # the full-screen check sees XWayland's windows only, and says so
    assert lines[("busy", "fullscreen-x11")] == (
        "ok  not busy now (via XWayland: full-screen X11 apps only, not Wayland windows)  [used]"
    )


def test_the_service_under_gnome_wayland_reads_idle_from_mutter(
    gnome: tuple[Compositor, SessionBus], app: App, xvfb_display: str
) -> None:
    # Protects: the running service (not only doctor) uses mutter's monitor, and says nothing
    # about idle time being unseen.
    compositor, bus = gnome
    gnome_session(app, compositor, bus, xvfb_display)
    proc = app.start("--headless")
    read_until(proc, "idle source: gnome", timeout=15)
    app.wait_running()
    status = app.cli("status")
    assert status.returncode == 0, status.stderr
    assert "idle source: gnome" in status.stdout
    assert "Idle time:" not in status.stdout
    log = (app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    assert "idle time cannot be read here" not in log
    assert "not used: x11: not used in a Wayland session" in log
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0


# --- do not disturb ----------------------------------------------------------------------------

DCONF = "ca.desrt.dconf"
NOTIFICATIONS = "org.freedesktop.Notifications"


@dataclass(frozen=True)
class Dconf:
    """A running dconf-service; `gsettings(...)` runs gsettings against it."""

    env: dict[str, str]
    db: Path

    def gsettings(self, *args: str) -> str:
        done = subprocess.run(
            ["gsettings", *args], env=self.env, capture_output=True, text=True, timeout=10,
            check=False,
        )  # fmt: skip
        assert (done.returncode, done.stderr) == (0, ""), (args, done)
        return done.stdout.strip()

    def banners(self, shown: bool) -> None:
        self.gsettings("set", "org.gnome.desktop.notifications", "show-banners", str(shown).lower())


@contextmanager
def dconf_service(bus: SessionBus, config_home: Path, runtime: Path) -> Iterator[Dconf]:
    """dconf-service on `bus`, writing under `config_home`, until the block ends."""
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {
        **bus.env,
        "XDG_CONFIG_HOME": str(config_home),
        "XDG_RUNTIME_DIR": str(runtime),
        "GSETTINGS_BACKEND": "dconf",  # never GLib's memory backend, which would pass silently
    }
    env.pop("DCONF_PROFILE", None)
    with (bus.log_dir / "dconf-service.log").open("wb") as log:
        proc = subprocess.Popen(
            ["/usr/libexec/dconf-service"], env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(lambda: bus.name_has_owner(DCONF), "dconf-service on the bus")
        yield Dconf(env=env, db=user_db_path(env))
    finally:
        stop_process(proc)


@pytest.fixture
def dconf(make_session_bus: MakeBus, tmp_path: Path) -> Iterator[tuple[SessionBus, Dconf]]:
    with make_session_bus() as bus, dconf_service(bus, tmp_path / "config", tmp_path / "run") as d:
        yield bus, d


def test_gnome_settings_reader_follows_gsettings(dconf: tuple[SessionBus, Dconf]) -> None:
    # Protects: the dconf file as dconf-service really writes it reads back as gsettings says,
    # after each change, with other keys beside it, and a reset key reads as its default.
    _bus, service = dconf
    settings = UserSettings(service.db)
    assert not service.db.exists()
    assert settings.boolean(SHOW_BANNERS, default=True) is True  # nothing changed yet
    service.banners(False)
    assert settings.boolean(SHOW_BANNERS, default=True) is False
    service.gsettings("set", "org.gnome.desktop.notifications", "show-in-lock-screen", "false")
    service.gsettings("set", "org.gnome.desktop.interface", "clock-format", "12h")
    assert settings.boolean(SHOW_BANNERS, default=True) is False
    lock_screen = "/org/gnome/desktop/notifications/show-in-lock-screen"
    assert settings.boolean(lock_screen, default=True) is False
    service.banners(True)
    assert settings.boolean(SHOW_BANNERS, default=False) is True
    service.gsettings("reset", "org.gnome.desktop.notifications", "show-banners")
    assert settings.boolean(SHOW_BANNERS, default=True) is True
    assert settings.boolean(SHOW_BANNERS, default=False) is False  # absent: the default
    assert service.gsettings("get", "org.gnome.desktop.interface", "clock-format") == "'12h'"


def test_dnd_under_gnome_shell_follows_show_banners(dconf: tuple[SessionBus, Dconf]) -> None:
    # Protects: GNOME's do-not-disturb (show-banners off, as its quick settings switch sets it)
    # holds breaks back, and turning it off frees them, read from the real dconf database.
    bus, service = dconf
    with fake_desktop(bus, [NOTIFICATIONS], {"server_name": "gnome-shell"}):
        source = DoNotDisturbSource(Bus(bus.address), service.db)
        try:
            assert source.switch == ("org.gnome.desktop.notifications", "show-banners")
            assert source.busy_reason() is None
            service.banners(False)
            assert source.busy_reason() == "do not disturb"
            service.banners(True)
            assert source.busy_reason() is None
            service.banners(False)
            service.gsettings("reset", "org.gnome.desktop.notifications", "show-banners")
            assert source.busy_reason() is None
        finally:
            source.close()


def test_dnd_reads_not_busy_from_a_damaged_gnome_database(
    dconf: tuple[SessionBus, Dconf],
) -> None:
    # Protects: a damaged dconf file never raises into the service, never reads as busy
    # forever, and is read again once dconf-service rewrites it.
    bus, service = dconf
    service.banners(False)
    with fake_desktop(bus, [NOTIFICATIONS], {"server_name": "gnome-shell"}):
        source = DoNotDisturbSource(Bus(bus.address), service.db)
        try:
            assert source.busy_reason() == "do not disturb"
            service.db.write_bytes(b"GVariant" + b"\xff" * 40)
            assert source.busy_reason() is None
            service.banners(True)
            service.banners(False)
            assert source.busy_reason() == "do not disturb"
        finally:
            source.close()


def test_dnd_of_a_daemon_without_any_switch_is_unavailable(
    dconf: tuple[SessionBus, Dconf],
) -> None:
    # Protects: show-banners is read only where GNOME Shell shows the notifications; another
    # daemon without a switch is refused with the reason, whatever GSettings says.
    bus, service = dconf
    service.banners(False)
    with (
        fake_desktop(bus, [NOTIFICATIONS], {"server_name": "notification-daemon"}),
        pytest.raises(
            BusySourceUnavailable,
            match=r"^the notification daemon exposes no do-not-disturb switch$",
        ),
    ):
        DoNotDisturbSource(Bus(bus.address), service.db)


def test_doctor_shows_gnomes_do_not_disturb(app: App, tmp_path: Path) -> None:
    # Protects: doctor says GNOME's switch is used, where it reads it, and what it says now.
    with (
        start_session_bus(app.env, tmp_path / "dbus") as bus,
        dconf_service(bus, app.home / ".config", tmp_path / "dconf-run") as service,
        fake_desktop(bus, [NOTIFICATIONS], {"server_name": "gnome-shell"}),
    ):
        app.env.update(DBUS_SESSION_BUS_ADDRESS=bus.address, NO_AT_BRIDGE="1")
        service.banners(False)
        done = app.cli("doctor")
        assert (done.returncode, done.stderr) == (0, ""), done
        dnd = next(line for line in done.stdout.splitlines() if "do-not-disturb" in line)
        assert dnd.split(maxsplit=2)[2] == (
            "ok  busy now: do not disturb (via org.gnome.desktop.notifications show-banners, "
            f"{app.home}/.config/dconf/user)  [used]"
        )
