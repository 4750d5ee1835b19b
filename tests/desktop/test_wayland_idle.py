"""Wayland idle time read from real headless compositors: sway 1.7 and KWin 5.27 (Debian 12).

Measured here, and asserted, so a newer package that changes it is noticed:
- sway 1.7 (wlroots 0.15) offers org_kde_kwin_idle only (ext-idle-notify-v1 came in 0.17);
- KWin 5.27 offers both ext_idle_notifier_v1 and org_kde_kwin_idle.
Each source's idle time grows while nothing happens and drops to 0 at input injected with
the compositor's own means; `doctor` names the source used; and in a Wayland session where no
source works, doctor, the log and `status` say idle time cannot be seen, even with a working X
display beside (XWayland's counter is never a silent fallback).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from posture_guard.core.errors import IdleSourceUnavailable
from posture_guard.desktop.idle import select_idle_source
from posture_guard.desktop.idle.wayland import (
    EXT_IDLE_NOTIFY,
    KWIN_IDLE,
    IdleProtocol,
    WaylandIdleSource,
)
from tests.app import App, read_until
from tests.desktop.compositors import Compositor, kwin, kwin_pointer, offered, sway, sway_input

pytestmark = pytest.mark.desktop

#: A short notification timeout, so the tests wait seconds, not the service's 5.
TIMEOUT_S = 0.5
IDLE_UNSEEN = (
    "idle time cannot be read here: all time counts as active, and natural breaks (time away "
    "from the screen) are not seen, so only the breaks you record count"
)


@pytest.fixture(scope="module")
def sway_desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Compositor]:
    with sway(tmp_path_factory.mktemp("sway")) as running:
        yield running


@pytest.fixture(scope="module")
def kwin_desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Compositor]:
    with kwin(tmp_path_factory.mktemp("kwin")) as running:
        yield running


def idle_follows_input(source: WaylandIdleSource, inject: Callable[[], None]) -> None:
    """Idle grows without input, drops to 0 at injected input, then grows again."""
    first = wait_for_idle(source, above=TIMEOUT_S + 0.4)
    time.sleep(0.3)
    later = source.idle_seconds()
    assert later is not None
    assert later >= first + 0.25  # grows, second for second
    inject()
    deadline = time.monotonic() + 5
    while (idle := source.idle_seconds()) != 0.0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert idle == 0.0, f"idle did not drop after input: {idle}"
    wait_for_idle(source, above=TIMEOUT_S)  # and counts again from that input


def wait_for_idle(source: WaylandIdleSource, above: float) -> float:
    deadline = time.monotonic() + 10
    while (idle := source.idle_seconds()) is not None and idle <= above:
        assert time.monotonic() < deadline, f"idle stayed at {idle} s"
        time.sleep(0.05)
    assert idle is not None
    return idle


def test_sway_offers_kwin_idle_only(sway_desktop: Compositor) -> None:
    globals_ = offered(sway_desktop.env)
    assert "org_kde_kwin_idle" in globals_
    assert "ext_idle_notifier_v1" not in globals_
    with pytest.raises(
        IdleSourceUnavailable, match=r"^the compositor does not offer ext_idle_notifier_v1$"
    ):
        WaylandIdleSource(EXT_IDLE_NOTIFY, sway_desktop.env)


@pytest.mark.parametrize("how", ["key", "pointer"])
def test_sway_idle_grows_and_drops_at_input(sway_desktop: Compositor, how: str) -> None:
    source = WaylandIdleSource(KWIN_IDLE, sway_desktop.env, timeout_s=TIMEOUT_S)
    try:
        assert source.idle_seconds() == 0.0  # below the timeout: 0
        idle_follows_input(source, lambda: sway_input(sway_desktop.env, how))
    finally:
        source.close()
    assert source.idle_seconds() is None  # closed: cannot tell


def test_kwin_offers_both_protocols(kwin_desktop: Compositor) -> None:
    assert {"ext_idle_notifier_v1", "org_kde_kwin_idle"} <= offered(kwin_desktop.env)


@pytest.mark.parametrize("protocol", [EXT_IDLE_NOTIFY, KWIN_IDLE], ids=lambda p: p.name)
def test_kwin_idle_grows_and_drops_at_input(
    kwin_desktop: Compositor, protocol: IdleProtocol
) -> None:
    source = WaylandIdleSource(protocol, kwin_desktop.env, timeout_s=TIMEOUT_S)
    try:
        idle_follows_input(source, lambda: kwin_pointer(kwin_desktop.env))
    finally:
        source.close()


def test_a_wayland_source_says_when_the_compositor_goes(tmp_path: Path) -> None:
    with sway(tmp_path) as desktop:
        source = WaylandIdleSource(KWIN_IDLE, desktop.env, timeout_s=TIMEOUT_S)
    try:  # sway has stopped: the reader thread sees the socket close
        deadline = time.monotonic() + 5
        while source.idle_seconds() is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert source.idle_seconds() is None
    finally:
        source.close()
    with pytest.raises(IdleSourceUnavailable, match=r"^cannot connect to .*/wayland-\d+: "):
        WaylandIdleSource(KWIN_IDLE, desktop.env)


def wayland_session(
    monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str], display: str | None = None
) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("XDG_RUNTIME_DIR", env["XDG_RUNTIME_DIR"])
    monkeypatch.setenv("WAYLAND_DISPLAY", env["WAYLAND_DISPLAY"])
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("POSTURE_GUARD_IDLE", raising=False)
    if display is None:
        monkeypatch.delenv("DISPLAY", raising=False)
    else:
        monkeypatch.setenv("DISPLAY", display)


@pytest.mark.parametrize(
    ("desktop", "chosen"), [("sway_desktop", "kwin-idle"), ("kwin_desktop", "ext-idle-notify")]
)
def test_select_idle_source_takes_the_compositors_protocol(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, desktop: str, chosen: str
) -> None:
    running: Compositor = request.getfixturevalue(desktop)
    wayland_session(monkeypatch, running.env)
    source, reasons = select_idle_source()
    try:
        assert source.name == chosen
        assert reasons[0] == (
            "x11: not used in a Wayland session: XWayland sees only the input to X11 apps"
        )
        assert reasons[1].startswith("gnome: no D-Bus session bus")
        if chosen == "kwin-idle":
            assert reasons[2:] == [
                "ext-idle-notify: the compositor does not offer ext_idle_notifier_v1"
            ]
        else:
            assert reasons[2:] == []
    finally:
        source.close()


def doctor_lines(app: App) -> dict[tuple[str, str], str]:
    done = app.cli("doctor")
    assert (done.returncode, done.stderr) == (0, ""), done
    print(done.stdout)  # the report, for the record (pytest -s)
    found = {}
    for line in done.stdout.splitlines()[1:]:
        if not line.startswith("hint: "):
            area, name, rest = line.split(maxsplit=2)
            found[(area, name)] = rest
    return found


@pytest.mark.parametrize(
    "case",
    [
        ("sway_desktop", "kwin-idle", "org_kde_kwin_idle"),
        ("kwin_desktop", "ext-idle-notify", "ext_idle_notifier_v1"),
    ],
    ids=["sway", "kwin"],
)
def test_doctor_names_the_wayland_source_used(
    request: pytest.FixtureRequest, app: App, xvfb_display: str, case: tuple[str, str, str]
) -> None:
    desktop, used, protocol = case
    running: Compositor = request.getfixturevalue(desktop)
    socket = running.env["WAYLAND_DISPLAY"]
    app.env.update(
        XDG_SESSION_TYPE="wayland",
        XDG_RUNTIME_DIR=running.env["XDG_RUNTIME_DIR"],
        WAYLAND_DISPLAY=socket,
        DISPLAY=xvfb_display,  # XWayland's stand-in: it works, and must not be used
    )
    lines = doctor_lines(app)
    idle = {name: rest for (area, name), rest in lines.items() if area == "idle"}
    assert list(idle) == ["gnome", "ext-idle-notify", "kwin-idle", "freedesktop", "x11", "none"]
    assert idle[used] == (
        f"ok  {protocol} on {socket}: idle time shows from 5 s on, counted from when "
        "Posture Guard started watching  [used]"
    )
    assert idle["x11"] == (
        "no  not used in a Wayland session: XWayland sees only the input to X11 apps"
    )
    assert not idle["none"].endswith("[used]")
    if used == "kwin-idle":
        assert idle["ext-idle-notify"] == "no  the compositor does not offer ext_idle_notifier_v1"
    else:  # KWin offers both; the standard one is chosen
        assert idle["kwin-idle"].startswith("ok  org_kde_kwin_idle on ")
        assert not idle["kwin-idle"].endswith("[used]")


def test_no_source_in_a_wayland_session_says_idle_cannot_be_seen(
    app: App, xvfb_display: str, tmp_path: Path
) -> None:
    # A Wayland session whose compositor cannot be reached, an X display that works beside it:
    # before, the X counter was used silently; now nothing is, and each place says what follows.
    app.env.update(XDG_SESSION_TYPE="wayland", WAYLAND_DISPLAY="wayland-gone", DISPLAY=xvfb_display)
    idle = {name: rest for (area, name), rest in doctor_lines(app).items() if area == "idle"}
    assert idle["none"] == f"ok  {IDLE_UNSEEN}  [used]"
    assert idle["x11"].startswith("no  not used in a Wayland session")
    assert idle["ext-idle-notify"].startswith(
        f"no  cannot connect to {app.env['XDG_RUNTIME_DIR']}/wayland-gone: "
    )

    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running (pid", timeout=15)
    app.wait_running()
    status = app.cli("status")
    assert status.returncode == 0, status.stderr
    assert "idle source: none" in status.stdout
    assert f"Idle time:   {IDLE_UNSEEN}" in status.stdout.splitlines()
    log = (app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    warning = next(line for line in log.splitlines() if IDLE_UNSEEN in line)
    assert "WARNING" in warning
    assert "x11: not used in a Wayland session" in warning


def test_the_service_under_sway_reads_idle_from_the_compositor(
    app: App, sway_desktop: Compositor, xvfb_display: str
) -> None:
    app.env.update(
        XDG_SESSION_TYPE="wayland",
        XDG_RUNTIME_DIR=sway_desktop.env["XDG_RUNTIME_DIR"],
        WAYLAND_DISPLAY=sway_desktop.env["WAYLAND_DISPLAY"],
        DISPLAY=xvfb_display,
    )
    proc = app.start("--headless")
    read_until(proc, "idle source: kwin-idle", timeout=15)
    app.wait_running()
    status = app.cli("status")
    assert status.returncode == 0, status.stderr
    assert "idle source: kwin-idle" in status.stdout
    assert "Idle time:" not in status.stdout
    log = (app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    assert IDLE_UNSEEN not in log
    assert "not used: x11: not used in a Wayland session" in log
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0
