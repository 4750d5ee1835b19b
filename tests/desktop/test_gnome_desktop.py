"""GNOME on Wayland, against the real programs: mutter's idle monitor and GNOME's do-not-disturb.

- Idle: mutter 43 (`mutter --headless --wayland --no-x11`, Debian 12) on a private session bus
  tells idle time over org.gnome.Mutter.IdleMonitor; our `gnome` source reads it, it grows
  while nothing happens and drops to 0 at input injected through mutter's own remote desktop
  API; the selector and `doctor` pick it in a Wayland session, and say so.
  Measured here, and asserted so a newer mutter that changes it is noticed: mutter 43 offers
  neither ext_idle_notifier_v1 (it came in mutter 45) nor org_kde_kwin_idle, so over Wayland
  itself a client cannot see idle time under GNOME; only the D-Bus monitor tells it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from posture_guard.core.errors import IdleSourceUnavailable
from posture_guard.desktop.dbus import Bus
from posture_guard.desktop.idle import select_idle_source
from posture_guard.desktop.idle.dbus_idle import GNOME, DBusIdleSource
from tests.app import App, read_until
from tests.desktop.compositors import Compositor, mutter, mutter_input, offered
from tests.desktop.conftest import SessionBus, start_session_bus

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
    idle = {}
    for line in done.stdout.splitlines()[1:]:
        area, name, rest = line.split(maxsplit=2)
        if area == "idle":
            idle[name] = rest
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
