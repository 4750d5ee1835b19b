"""pystray_private's extras with a pystray icon that lacks what they use: each is left off with
one log line (which extra, which member, what happens instead), never an exception. On a real
pystray `Icon` (its base class, as the dummy backend has it: no display needed); the xorg
extras on a real desktop are tests/desktop/test_tray_fallback.py."""

from __future__ import annotations

import importlib
import logging
from importlib import metadata

import pytest

from posture_guard.ui import pystray_private

#: The installed pystray's version, as the lines name it (any release the range admits).
VERSION = metadata.version("pystray")


@pytest.fixture
def base_icon_class(monkeypatch: pytest.MonkeyPatch) -> type:
    """pystray's real base `Icon` (what the dummy backend is), imported with that backend so
    no toolkit is loaded; nothing said about an extra yet."""
    monkeypatch.setenv("PYSTRAY_BACKEND", "dummy")
    monkeypatch.setattr(pystray_private, "_reported", set())
    base = importlib.import_module("pystray._base")
    return base.Icon  # type: ignore[no-any-return]


def test_pystray_private_title_refresh_that_fails_is_one_line_and_no_exception(
    base_icon_class: type, caplog: pytest.LogCaptureFixture
) -> None:
    # Protects: a pystray whose `_update_title` raises (the base class's NotImplementedError)
    # leaves the title refresh off, said once in one line, and the tray goes on
    icon = base_icon_class("t", title="Posture Guard")
    with caplog.at_level(logging.WARNING, logger=pystray_private.__name__):
        pystray_private.refresh_title(icon)
        pystray_private.refresh_title(icon)
    assert [r.getMessage() for r in caplog.records] == [
        f"tray: handing the title to the panel again is off with pystray {VERSION}"
        " (NotImplementedError): the panel keeps the title it was given first"
    ]
    assert caplog.records[0].exc_info is None


def test_pystray_private_extras_name_the_members_an_icon_lacks(
    base_icon_class: type, caplog: pytest.LogCaptureFixture
) -> None:
    # Protects: an icon without the xorg members (another backend, another release) turns
    # each extra off by name, installs nothing and raises nothing; the tray then uses
    # pystray's own drawing and hand-over (False / None)
    icon = base_icon_class("t", title="Posture Guard")
    with caplog.at_level(logging.WARNING, logger=pystray_private.__name__):
        assert pystray_private.use_picture_drawing(icon) is False
        assert pystray_private.ask_for_left_clicks(icon) is False
        assert pystray_private.dock_once(icon) is False
        assert pystray_private.xorg_waker(icon, lambda: None) is None
    assert not hasattr(icon, "_draw")  # nothing installed
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"tray: drawing the icon without Pillow is off with pystray {VERSION} (no _draw, _window,"
        " _gc): pystray draws a Pillow image",
        f"tray: the menu window on a left click is off with pystray {VERSION} (no _window): a left"
        " click on the icon does nothing; the menu opens from the applications menu or with"
        " `posture-guard menu`",
        f"tray: one dock request per tray host is off with pystray {VERSION} (no _assert_docked,"
        " _systray_manager, _window): pystray asks to be docked again at each icon change",
        f"tray: waking the tray loop on an X connection of our own is off with pystray {VERSION}"
        " (no _window, _display, _message_handlers): pystray hands each change to its loop"
        " itself",
    ]
