"""`posture-guard doctor` with no display and no bus: every backend has a line, exit 0."""

from __future__ import annotations

from posture_guard.desktop.sound import LINUX_PLAYERS, SilentChime
from tests.app import App


def backends(report: str) -> dict[tuple[str, str], str]:
    """(area, backend) -> the rest of its line (after the header and the windows' line)."""
    found = {}
    for line in report.splitlines()[2:]:
        if line.startswith("hint: "):
            continue
        area, name, rest = line.split(maxsplit=2)
        found[(area, name)] = rest
    return found


def test_doctor_without_display_says_what_is_missing_and_exits_0(app: App) -> None:
    done = app.cli("doctor")
    assert (done.returncode, done.stderr) == (0, "")
    print(done.stdout)  # the report, for the record (pytest -s)
    lines = backends(done.stdout)
    # the break sounds' one line names the player this machine has (or says there is none)
    (sound,) = [name for area, name in lines if area == "sound"]
    assert sound in (*LINUX_PLAYERS, SilentChime().name), sound
    assert list(lines) == [
        ("idle", "x11"), ("idle", "gnome"), ("idle", "freedesktop"), ("idle", "none"),
        ("busy", "fullscreen-x11"), ("busy", "screen-lock"), ("busy", "do-not-disturb"),
        ("busy", "camera-microphone"),
        ("notify", "freedesktop"), ("notify", "terminal"),
        ("sound", sound),
        ("tray", "sni"), ("tray", "appindicator"), ("tray", "gtk"), ("tray", "xorg"),
        ("tray", "headless"),
    ]  # fmt: skip
    no_bus = "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and $XDG_RUNTIME_DIR/bus is not a socket of ours)"
    assert lines[("idle", "x11")] == "no  no DISPLAY set"
    assert lines[("idle", "gnome")] == f"no  {no_bus}"
    assert lines[("idle", "none")].endswith("[used]")
    assert lines[("busy", "fullscreen-x11")] == "no  no DISPLAY set"
    assert lines[("busy", "do-not-disturb")] == f"no  {no_bus}"
    assert lines[("busy", "camera-microphone")].startswith("ok  not busy now (via /proc/*/fd")
    assert lines[("notify", "freedesktop")] == f"no  {no_bus}"
    assert lines[("notify", "terminal")].endswith("[used]")
    no_display = "no  no display (DISPLAY and WAYLAND_DISPLAY are not set)"
    assert lines[("tray", "appindicator")] == lines[("tray", "xorg")] == no_display
    assert lines[("tray", "headless")].endswith("[used]")
    assert done.stdout.splitlines()[0].startswith("Posture Guard doctor: linux, Python 3.")
