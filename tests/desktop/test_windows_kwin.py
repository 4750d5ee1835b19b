"""The GTK break window under KWin (Plasma 5.27, `kwin_wayland --virtual`), with no X display:
KWin offers the layer shell, so the corner notice is an overlay there as under sway. KWin's own
scripting API, loaded over a private session bus, says which window is active, where and
whether full screen; its ScreenShot2 call reads the screen (tests/artifacts/kwin-*.png); the
pointer moves and clicks through its fake input protocol. (Keys cannot be typed: KWin 5.27
has no virtual keyboard protocol for wtype, and its fake input's keys reached no window.)
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.app import Output
from tests.desktop.compositors import (
    Compositor,
    gtk_client_env,
    kwin,
    kwin_click,
    kwin_shot,
    kwin_windows,
)
from tests.desktop.conftest import SessionBus, start_session_bus, wait_until
from tests.desktop.test_windows_wayland import (
    ACCENT,
    NECK_TURN,
    NOTICE_BORDER,
    PAGE,
    TYPING_WINDOW,
    BreakWindow,
    box_of,
    finish,
    notice_in_the_corner,
)

pytestmark = pytest.mark.desktop

#: The virtual output KWin makes.
OUTPUT = (0, 0, 1024, 768)


@dataclass
class Plasma:
    """KWin on a private bus; `env` is a Wayland-only GTK client's."""

    compositor: Compositor
    bus: SessionBus

    @property
    def env(self) -> dict[str, str]:
        return gtk_client_env(self.compositor, XDG_SESSION_TYPE="wayland")

    def windows(self) -> list[dict[str, object]]:
        return kwin_windows(self.compositor, self.bus)

    def named(self, suffix: str) -> list[dict[str, object]]:
        return [w for w in self.windows() if str(w["caption"]).endswith(suffix)]

    def shot(self, name: str) -> Image.Image:
        return kwin_shot(self.bus, f"kwin-{name}")


@pytest.fixture
def plasma(tmp_path: Path) -> Iterator[Plasma]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_AT_BRIDGE": "1"}
    with (
        start_session_bus(env, tmp_path / "dbus") as bus,
        kwin(tmp_path / "kwin", bus) as compositor,
    ):
        yield Plasma(compositor, bus)


def rect(window: dict[str, object]) -> tuple[int, int, int, int]:
    return (int(window["x"]), int(window["y"]), int(window["width"]), int(window["height"]))  # type: ignore[call-overload]


def test_under_kwin_the_notice_stays_out_of_the_way_and_start_now_brings_the_full_window(
    plasma: Plasma,
) -> None:
    # Protects: under KWin the notice is a layer-shell overlay in the corner that leaves the
    # person's window active; Start now, clicked there, starts the break: the break window
    # then covers the output, full screen and active. Tested before under sway only.
    typing = subprocess.Popen([sys.executable, "-c", TYPING_WINDOW], env=plasma.env,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    got = Output(typing)
    window: BreakWindow | None = None
    try:
        got.wait_for("ready", 10)
        wait_until(lambda: [w["active"] for w in plasma.named("typing-target")] == [True], "typing")
        window = BreakWindow(plasma, NECK_TURN, "--focus-after-idle", "60")  # type: ignore[arg-type]
        wait_until(lambda: box_of(plasma.shot("notice"), NOTICE_BORDER), "the notice", 15)
        shot = plasma.shot("notice-beside-the-work")
        notice_in_the_corner(shot, OUTPUT[2:])
        assert [w["active"] for w in plasma.named("typing-target")] == [True]  # not taken
        start_now = box_of(shot, ACCENT)
        assert start_now is not None
        kwin_click(plasma.env, start_now[0] + start_now[2] / 2, start_now[1] + start_now[3] / 2)
        window.out.wait_for("started", 10)

        def the_break() -> list[dict[str, object]]:
            return [w for w in plasma.named(" - Posture Guard") if w["active"]]

        wait_until(the_break, "the break window active", 10)
        (view,) = the_break()
        assert view["fullscreen"] is True
        assert rect(view) == OUTPUT

        def covered() -> bool:
            shot = plasma.shot("break-window")
            corners = (
                (0, 0),
                (OUTPUT[2] - 1, 0),
                (0, OUTPUT[3] - 1),
                (OUTPUT[2] - 1, OUTPUT[3] - 1),
            )
            return {shot.getpixel(p) for p in corners} == {PAGE}

        wait_until(covered, "the break page over the output", 10)
    finally:
        if window is not None:
            window.close()
        finish(typing, got)
