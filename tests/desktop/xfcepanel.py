"""A real StatusNotifierItem host on X11: Debian's xfce4-panel with only its Status Tray plugin.

The panel runs on an Xvfb of its own with openbox (wm.start_desk), a private session bus, and
xfconfd on that bus reading the panel's settings from the test's own XDG_CONFIG_HOME (one
panel along the top, one plugin: systray). The plugin (in its wrapper-2.0 process) is the
StatusNotifierWatcher and host: it draws each item's IconPixmap in the panel and, on a click,
its menu through libdbusmenu-gtk, a GTK menu of its own; that menu is what the tests click.

Helpers find things on the screen without knowing the theme's sizes: the icon by its colours
in the panel's strip, the menus as the screen's POPUP_MENU windows, a menu's items as its
bands of text rows (a separator is a one-pixel line, not a band).
"""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageGrab

from tests.desktop.conftest import ARTIFACTS, name_has_owner, start_session_bus, wait_until
from tests.desktop.wm import start_desk

WATCHER = "org.kde.StatusNotifierWatcher"
XFCONF = "org.xfce.Xfconf"
PANEL_HEIGHT = 32
#: One panel along the top of the screen holding the Status Tray plugin only (xfconf's XML).
PANEL_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="{PANEL_HEIGHT}"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
  </property>
</channel>
"""
#: A menu row with a pixel darker than this holds text (GTK's menu background is white).
_INK = 200
#: A band whose darkest pixel is lighter than this is a greyed-out (disabled) item's label.
_GREYED = 110
Box = tuple[int, int, int, int]  # left, top, right, bottom


def _xfconfd() -> str:
    found = sorted(glob.glob("/usr/lib/*/xfce4/xfconf/xfconfd"))
    if not found:
        pytest.fail("xfconfd is missing: install Debian's xfconf (tests/run.sh does)")
    return found[0]


@dataclass(frozen=True)
class MenuRow:
    """One item of a menu as drawn: its rows on the screen and whether its label is greyed."""

    top: int
    bottom: int
    greyed: bool

    @property
    def middle(self) -> int:
        return (self.top + self.bottom) // 2


@dataclass
class XfceDesk:
    """Xvfb + openbox + a private bus + xfconfd + xfce4-panel; `env` reaches all of them."""

    display: str
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *cmd: str) -> None:
        # its own process group: the panel's plugins (wrapper-2.0) are its children
        with (self.log_dir / f"{name}-{time.monotonic_ns()}.log").open("wb") as log:
            self.processes[name] = subprocess.Popen(
                cmd, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def stop(self, name: str) -> None:
        proc = self.processes.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def start_panel(self) -> None:
        self.start("xfce4-panel", "xfce4-panel")
        wait_until(lambda: name_has_owner(self.env, WATCHER), "the panel's tray plugin", 20)

    def stop_panel(self) -> None:
        self.stop("xfce4-panel")
        wait_until(lambda: not name_has_owner(self.env, WATCHER), "the watcher to go", 10)

    def screenshot(self, name: str) -> Image.Image:
        """The whole screen, saved as tests/artifacts/<name>.png."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image = ImageGrab.grab(xdisplay=self.display).convert("RGB")
        image.save(ARTIFACTS / f"{name}.png")
        return image

    def icon_box(self, colour: tuple[int, int, int], name: str) -> Box | None:
        """Where the panel shows pixels of `colour` (the icon's disc): their bounding box, or
        None when fewer than 20 are there. Saves the screen as <name>.png."""
        strip = self.screenshot(name).crop((0, 0, 1280, PANEL_HEIGHT))
        near = [
            (i % strip.width, i // strip.width)
            for i, pixel in enumerate(strip.get_flattened_data())
            if all(abs(int(a) - b) <= 30 for a, b in zip(pixel, colour, strict=True))
        ]
        if len(near) < 20:
            return None
        xs, ys = [x for x, _ in near], [y for _, y in near]
        return min(xs), min(ys), max(xs) + 1, max(ys) + 1

    def popup_menus(self) -> list[Box]:
        """The menus on the screen (mapped _NET_WM_WINDOW_TYPE_POPUP_MENU windows), bottom of
        the stack first: a submenu comes after its menu."""
        from Xlib import X
        from Xlib import display as xdisplay
        from Xlib.error import XError

        conn = xdisplay.Display(self.display)
        try:
            kind = conn.intern_atom("_NET_WM_WINDOW_TYPE")
            popup = conn.intern_atom("_NET_WM_WINDOW_TYPE_POPUP_MENU")
            found = []
            for window in conn.screen().root.query_tree().children:
                try:
                    if window.get_attributes().map_state != X.IsViewable:
                        continue
                    types = window.get_full_property(kind, X.AnyPropertyType)
                    if types is None or popup not in types.value:
                        continue
                    geo = window.get_geometry()
                except XError:  # gone while we looked
                    continue
                found.append((geo.x, geo.y, geo.x + geo.width, geo.y + geo.height))
            return found
        finally:
            conn.close()

    def menu_rows(self, menu: Box, name: str) -> list[MenuRow]:
        """The items of the menu drawn in `menu`, top to bottom (the pointer must not be over
        it: a highlighted item is drawn otherwise). Saves the screen as <name>.png."""
        left, top, right, bottom = menu
        # inside the menu's one-pixel frame
        image = self.screenshot(name).convert("L").crop((left + 3, top + 2, right - 3, bottom - 2))
        width = image.width
        pixels = list(image.get_flattened_data())
        darkest = [min(pixels[y * width : (y + 1) * width]) for y in range(image.height)]
        rows: list[MenuRow] = []
        start: int | None = None
        for y, dark in enumerate([*darkest, 255]):
            if dark < _INK and start is None:
                start = y
            elif dark >= _INK and start is not None:
                if y - start >= 5:  # a separator is a line, not a label
                    ink = min(darkest[start:y])
                    rows.append(MenuRow(top + 2 + start, top + 2 + y, greyed=ink > _GREYED))
                start = None
        return rows

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=10,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"xdotool {args}: {done.stderr}"
        return done.stdout.strip()

    def click(self, x: int, y: int, button: int = 1) -> None:
        self.xdotool("mousemove", str(x), str(y), "click", str(button))


@contextmanager
def xfce_desk(tmp: Path) -> Iterator[XfceDesk]:
    """An X desktop of its own with xfce4-panel's Status Tray on a private session bus."""
    with start_desk(tmp / "desk") as desk:
        config = Path(desk.env["XDG_CONFIG_HOME"]) / "xfce4" / "xfconf" / "xfce-perchannel-xml"
        config.mkdir(parents=True)
        (config / "xfce4-panel.xml").write_text(PANEL_XML)
        with start_session_bus(desk.env, tmp / "bus") as bus:
            xfce = XfceDesk(display=desk.display, env=dict(bus.env), log_dir=tmp / "bus")
            try:
                xfce.start("xfconfd", _xfconfd())
                wait_until(lambda: name_has_owner(xfce.env, XFCONF), "xfconfd on the bus")
                xfce.start_panel()
                yield xfce
            finally:
                for name in reversed(list(xfce.processes)):
                    xfce.stop(name)


@pytest.fixture
def xfce(tmp_path: Path) -> Iterator[XfceDesk]:
    """xfce4-panel with its Status Tray plugin (a StatusNotifierWatcher and host) on X11."""
    with xfce_desk(tmp_path / "xfce") as desk:
        yield desk
