"""pystray's real xorg `Icon`, as another release might have it: the private members that
ui/pystray_private.py's extras use, under other names.

`install(*members)` changes the real `pystray._xorg.Icon` in this process (0.19.5, all of its
code) so that each of `members` is gone: `hasattr` says no, and pystray's own code uses the
member under a new name (`_handlers` for `_message_handlers`, `_paint` for `_draw`), so the
icon still works as pystray alone makes it work. The class is changed in place, not
subclassed: its methods call `super(Icon, self)`, which a subclass bound to that name would
turn into endless recursion. Run it before the app imports pystray (`App.start(preamble=...)`);
the app's own `import pystray` then finds this `Icon`.
"""

from __future__ import annotations

import os
from typing import Any

#: The members `install` can take away.
MEMBERS = ("_message_handlers", "_draw")


def install(*members: str) -> None:
    """Make `pystray._xorg.Icon` lack `members` (see MEMBERS)."""
    assert set(members) <= set(MEMBERS), members
    assert os.environ.get("PYSTRAY_BACKEND") == "xorg"
    import Xlib.X
    from pystray import _xorg

    real = _xorg.Icon
    namespace: dict[str, Any] = {}
    if "_message_handlers" in members:
        init = real.__init__

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            self._handlers = self.__dict__.pop("_message_handlers")

        def _mainloop(self: Any) -> None:  # 0.19.5's, with the table's new name
            try:
                for event in self._events():
                    if event.type == Xlib.X.DestroyNotify and event.window == self._window:
                        break
                    self._handlers.get(event.type, lambda e: None)(event)
            except Exception:
                self._log.error("An error occurred in the main loop", exc_info=True)

        namespace.update(__init__=__init__, _mainloop=_mainloop)
    if "_draw" in members:

        def _update_icon(self: Any) -> None:  # 0.19.5's, drawing with `_paint`
            try:
                self._assert_docked()
            except AssertionError:
                self._log.error("Failed to dock icon", exc_info=True)
                return
            self._icon_data = None
            self._paint()
            self._icon_valid = True

        def _on_expose(self: Any, event: Any) -> None:  # 0.19.5's, drawing with `_paint`
            if event.window.id != self._window.id:
                return
            self._paint()

        namespace.update(_paint=real._draw, _update_icon=_update_icon, _on_expose=_on_expose)
        del real._draw
    for name, value in namespace.items():
        setattr(real, name, value)
