"""Builds the GTK break window as its process does (same arguments, same language) and prints,
as JSON, what GTK laid out: every label's text, its allocation, the size of the text as laid out in it,
and its Pango glyph run (glyph count, fonts) beside the unshaped form of the same text (each
codepoint laid out alone, one per cluster). For tests that look inside the window.

    python -m tests.desktop.break_probe --kind stretch --title T --seconds 60 --exercise ID
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gtk, Pango  # noqa: E402

from posture_guard.core.break_view import Timing  # noqa: E402
from posture_guard.desktop.language import install  # noqa: E402
from posture_guard.desktop.monitors import Monitor  # noqa: E402
from posture_guard.ui.break_gtk import GtkBreak  # noqa: E402
from posture_guard.ui.break_window import Options, _parser, screen_from_args  # noqa: E402


class NotIdle:
    def idle_seconds(self) -> float:
        return 0.0

    def close(self) -> None:
        pass


def glyphs(layout: Any) -> tuple[int, list[str]]:
    """(glyph count, fonts) of a laid-out Pango layout."""
    count, fonts = 0, []
    it = layout.get_iter()
    while True:
        run = it.get_run()
        if run is not None:
            count += run.glyphs.num_glyphs
            fonts.append(run.item.analysis.font.describe().get_family())
        if not it.next_run():
            break
    return count, sorted(set(fonts))


def unshaped(label: Gtk.Label) -> int:
    """The glyphs of the label's text with every codepoint laid out alone (no shaping across
    codepoints), in the label's own context and font."""
    total = 0
    for char in label.get_text():
        if char.isspace():
            continue
        layout = Pango.Layout.new(label.get_pango_context())
        layout.set_text(char, -1)
        total += glyphs(layout)[0]
    return total


def walk(widget: Gtk.Widget) -> list[Gtk.Widget]:
    found = [widget]
    if isinstance(widget, Gtk.Container):
        for child in widget.get_children():
            found += walk(child)
    return found


def main(argv: list[str]) -> int:
    install()
    args = _parser().parse_args(argv)
    screen = screen_from_args(args, None)
    done: list[bool] = []
    window = GtkBreak(
        screen, Options(timing=Timing(600, 600, 600)), NotIdle(), quit=lambda: done.append(True)
    )
    window.build([Monitor(0, 0, 1280, 800)])
    window.press("start")
    until = time.monotonic() + 1.5  # let GTK map, lay out and draw
    while time.monotonic() < until:
        while Gtk.events_pending():
            Gtk.main_iteration_do(False)
        time.sleep(0.01)
    labels = []
    for widget in walk(window.windows[0]):
        if not isinstance(widget, Gtk.Label) or not widget.get_text().strip():
            continue
        alloc = widget.get_allocation()
        drawn_w, drawn_h = widget.get_layout().get_pixel_size()
        count, fonts = glyphs(widget.get_layout())
        labels.append({
            "text": widget.get_text(), "x": alloc.x, "y": alloc.y, "width": alloc.width,
            "height": alloc.height, "drawn_width": drawn_w, "drawn_height": drawn_h,
            "glyphs": count,
            "unshaped_glyphs": unshaped(widget), "fonts": fonts,
            "mapped": widget.get_mapped(),
        })  # fmt: skip
    size = window.windows[0].get_size()
    print(json.dumps({"window": [size.width, size.height], "labels": labels}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
