"""The Tk forms and text windows (ui/form_tk.py) in this process, on the tests' Xvfb: keys typed
with xdotool as a person types them, what the widgets hold and the screen read back."""

from __future__ import annotations

import gc
import itertools
import subprocess
import time
import tkinter as tk
from collections.abc import Iterator
from datetime import UTC, datetime
from tkinter import ttk

import pytest
from PIL import Image

from posture_guard.core import config, settings_form
from posture_guard.core.form_view import (
    ErrorPlace,
    Look,
    about_window,
    advice_window,
    button_text,
    episode_form,
)
from posture_guard.ui.form_tk import (
    BUTTON_RING_PX,
    FOCUS_RING_PX,
    WHEEL_NOTCH,
    TkForm,
    open_root,
    text_window,
    wheel_units,
)
from tests.desktop.conftest import save_screenshot

pytestmark = pytest.mark.desktop

LOOK = Look.of(high_contrast=False)
FOCUS = tuple(int(LOOK.focus[i : i + 2], 16) for i in (1, 3, 5))


#: Roots are withdrawn, not destroyed: Tk 8.6 keeps the display's focus in memory shared by
#: every interpreter of a process, and a later interpreter's focus_force can crash on a
#: destroyed one's (one window per process, as our windows run, never meets this).
_KEPT: list[tk.Tk] = []


@pytest.fixture
def root(desktop_env: dict[str, str]) -> Iterator[tk.Tk]:
    made = open_root("PostureGuardFormTest", None)
    yield made
    try:
        made.withdraw()
        made.update()
    except tk.TclError:
        return  # a button closed it
    _KEPT.append(made)


def pump(root: tk.Tk, seconds: float = 0.3) -> None:
    """Let Tk handle what arrived (keys, drawing) for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            root.update()
        except tk.TclError:
            return  # the window was closed
        time.sleep(0.01)


def keys(root: tk.Tk, display: str, *names: str, text: str = "") -> None:
    """Press `names` (xdotool key names), or type `text`, into the focused window."""
    command = ["xdotool", "type", text] if text else ["xdotool", "key", *names]
    subprocess.run(command, env={"DISPLAY": display}, check=True, timeout=10)
    pump(root)


class Calls:
    def __init__(self) -> None:
        self.made: list[str] = []

    def handler(self, name: str):
        return lambda _form: self.made.append(name)


def an_update_form(root: tk.Tk, calls: Calls) -> TkForm:
    """The update form: three buttons (Save update, End episode, Cancel), notes, focus in it."""
    began = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    form = episode_form(open_episode=(3, began))
    drawn = TkForm(root, form, LOOK, {"save": calls.handler("save"), "end": calls.handler("end")})
    root.geometry("1000x700+0+0")
    pump(root)
    root.focus_force()
    pump(root)
    return drawn


def focus_on(root: tk.Tk, widget: tk.Misc) -> None:
    widget.focus_set()
    pump(root)
    assert root.focus_get() == widget


def test_tab_goes_along_the_buttons_left_to_right_as_they_read(root):
    drawn = an_update_form(root, Calls())
    buttons = drawn.buttons.winfo_children()
    left_to_right = sorted(buttons, key=lambda b: b.winfo_rootx())
    assert [b.cget("text") for b in left_to_right] == [
        "Save update  (Enter)",
        "End episode",
        "Cancel  (Esc)",
    ]
    focus_on(root, left_to_right[0])
    reached = [root.focus_get()]
    for _ in buttons[1:]:
        keys(root, _display(root), "Tab")
        reached.append(root.focus_get())
    assert reached == left_to_right
    keys(root, _display(root), "shift+Tab")
    assert root.focus_get() == left_to_right[1]


def _display(root: tk.Tk) -> str:
    return str(root.winfo_screen()).rsplit(".", 1)[0]


def test_enter_presses_the_focused_button_not_the_default_one(root):
    calls = Calls()
    drawn = an_update_form(root, calls)
    focus_on(root, drawn.buttons.nametowidget("end"))
    keys(root, _display(root), "Return")
    assert calls.made == ["end"]
    focus_on(root, drawn.fields["pain"].first)
    keys(root, _display(root), "Return")  # elsewhere Enter is the default button's
    assert calls.made == ["end", "save"]
    focus_on(root, drawn.buttons.nametowidget("cancel"))
    keys(root, _display(root), "KP_Enter")
    assert calls.made == ["end", "save"]
    with pytest.raises(tk.TclError):  # Cancel closed the window
        root.winfo_exists()


def test_enter_in_the_notes_is_a_new_line_and_ctrl_enter_saves(root):
    calls = Calls()
    drawn = an_update_form(root, calls)
    notes = drawn.fields["notes"].first
    focus_on(root, notes)
    keys(root, _display(root), text="stiff")
    keys(root, _display(root), "Return")
    keys(root, _display(root), text="after desk")
    assert calls.made == []  # nothing saved
    assert drawn.raw()["notes"] == "stiff\nafter desk\n"
    keys(root, _display(root), "ctrl+Return")
    assert calls.made == ["save"]
    assert drawn.raw()["notes"] == "stiff\nafter desk\n"  # no new line for Ctrl+Enter


def test_the_wheel_scrolls_the_form_on_every_platform(root):
    drawn = an_update_form(root, Calls())
    root.geometry("900x300")
    pump(root)
    assert drawn.canvas.yview()[0] == 0.0
    drawn.canvas.event_generate("<MouseWheel>", delta=-WHEEL_NOTCH, x=20, y=20)  # Windows
    pump(root)
    after_wheel = drawn.canvas.yview()[0]
    assert after_wheel > 0.0
    drawn.canvas.event_generate("<MouseWheel>", delta=WHEEL_NOTCH, x=20, y=20)
    pump(root)
    assert drawn.canvas.yview()[0] == 0.0
    drawn.canvas.event_generate("<Button-5>", x=20, y=20)  # X11 under Tk 8.6
    pump(root)
    assert drawn.canvas.yview()[0] == after_wheel


@pytest.mark.parametrize(
    ("delta", "windowing", "units"),
    [
        (-120, "win32", 2),  # one notch towards the person: down
        (120, "win32", -2),
        (-360, "win32", 6),  # three notches at once
        (30, "win32", -2),  # a fine wheel's part of a notch still moves
        (0, "win32", 0),
        (-1, "aqua", 1),  # macOS: lines
        (3, "aqua", -3),
        (120, "x11", -2),  # Button-4, and Tk 8.7's <MouseWheel> on X11
        (-120, "x11", 2),
    ],
)
def test_wheel_units(delta, windowing, units):
    assert wheel_units(delta, windowing) == units


def ring_pixels(path, box: tuple[int, int, int, int]) -> int:
    """How many pixels inside `box` (x, y, width, height) have the focus colour."""
    x, y, w, h = box
    with Image.open(path) as image:
        part = image.convert("RGB").crop((x, y, x + w, y + h))
        return sum(n for n, colour in part.getcolors(1 << 20) if colour == FOCUS)


def box_of(widget: tk.Misc) -> tuple[int, int, int, int]:
    return (widget.winfo_rootx(), widget.winfo_rooty(), widget.winfo_width(),
            widget.winfo_height())  # fmt: skip


@pytest.mark.parametrize("high_contrast", [False, True])
def test_text_windows_have_the_forms_look_and_a_thick_focus_ring(root, high_contrast):
    look = Look.of(high_contrast=high_contrast)
    focus = tuple(int(look.focus[i : i + 2], 16) for i in (1, 3, 5))
    text_window(root, advice_window("Rest, and move gently.", booking=True), {"book": print}, look)
    root.geometry("+0+0")
    close = root.nametowidget(".page.buttons.close")
    pump(root)
    assert root.focus_lastfor() == close  # the window's focus when it gets one
    close.focus_force()
    pump(root, 0.5)
    assert root.cget("background") == look.page
    text = root.nametowidget(".page.text")
    assert (text.cget("background"), text.cget("foreground")) == (look.field, look.text)
    assert int(text.cget("highlightthickness")) >= 2
    assert int(text.cget("highlightthickness")) == FOCUS_RING_PX
    assert int(ttk.Style(root).lookup("TButton", "borderwidth")) == BUTTON_RING_PX >= 2
    path = save_screenshot(_display(root), f"tk-advice-window-{'hc' if high_contrast else 'usual'}")
    with Image.open(path) as image:
        x, y, w, h = box_of(close)
        part = image.convert("RGB").crop((x, y, x + w, y + h))
        ring = sum(n for n, colour in part.getcolors(1 << 20) if colour == focus)
    # a solid ring of at least 2 px all round the button: twice its perimeter at the least
    assert ring >= 2 * 2 * (w - 4 + h - 4), ring
    # Tab goes from Close to the booking button; Enter presses it
    keys(root, _display(root), "Tab")
    assert root.focus_get() == root.nametowidget(".page.buttons.book")


def test_about_window_keeps_the_whole_paths_in_monospace(root):
    from posture_guard.core.form_view import About

    about = About(version="1", settings_file="/c.toml", diary_file="/d.db", log_file="/l.log")
    text_window(root, about_window(about), {}, LOOK)
    pump(root)
    text = root.nametowidget(".page.text")
    assert text.get("1.0", "end").rstrip().endswith("Log: /l.log")
    assert [b.cget("text") for b in root.nametowidget(".page.buttons").winfo_children()] == [
        button_text(about_window(about).actions[0])
    ]


def test_the_title_and_questions_keep_their_bold_fonts(root):
    """The styles name our fonts: they must outlive the Python objects that made them."""
    an_update_form(root, Calls())
    gc.collect()
    style = ttk.Style(root)
    for name, size in (("Title.TLabel", 18), ("Question.TLabel", 11)):
        font = style.lookup(name, "font")
        assert root.tk.call("font", "actual", font, "-weight") == "bold", name
        assert int(root.tk.call("font", "actual", font, "-size")) == size, name


def test_an_alert_stands_above_the_text_in_the_error_colour(root):
    """Issue 13: emergency advice opens with its banner first (Tk draws the same description)."""
    look = Look.of(high_contrast=False)
    window = advice_window("Why: ...", booking=False, alert="Emergency. Call 112 now.")
    text_window(root, window, {}, look)
    root.geometry("+0+0")
    pump(root)
    alert = root.nametowidget(".page.alert")
    text = root.nametowidget(".page.text")
    assert alert.cget("text") == "Emergency. Call 112 now."
    assert (alert.cget("background"), alert.cget("foreground")) == (look.error, look.page)
    assert alert.winfo_rooty() + alert.winfo_height() <= text.winfo_rooty()
    save_screenshot(_display(root), "tk-advice-emergency")


def shown_in(drawn: TkForm, widget: tk.Misc) -> bool:
    """Whether `widget` lies wholly inside the visible part of the form's questions."""
    top, bottom = (
        drawn.canvas.winfo_rooty(),
        drawn.canvas.winfo_rooty() + drawn.canvas.winfo_height(),
    )
    return top <= widget.winfo_rooty() and widget.winfo_rooty() + widget.winfo_height() <= bottom


@pytest.mark.parametrize(
    "place",
    [
        ErrorPlace("at-date", "\u26a0 2/3: expected a day written year-month-day"),
        ErrorPlace(None, "\u26a0 can't start an episode at ...: that is inside episode 1", "at"),
    ],
)
def test_a_refusal_is_scrolled_into_view_with_the_focus_on_its_question(root, place):
    """A refusal was not brought into view: beside its question, the question and the words
    are scrolled into view; on top (above the questions, always shown), the question it
    concerns is, and either takes the focus."""
    drawn = an_update_form(root, Calls())
    root.geometry("900x400")
    pump(root)
    assert drawn.canvas.yview()[0] == 0.0  # the form opens at its top
    drawn.show_error(place)
    pump(root)
    field = drawn.fields[place.concerns or ""]
    assert root.focus_lastfor() == field.first  # the window's focus (it may not have X's)
    assert shown_in(drawn, field.box)
    if place.field is None:
        assert drawn.banner.cget("text") == place.text
        assert drawn.banner.winfo_ismapped()
    else:
        assert field.error.cget("text") == place.text
    save_screenshot(_display(root), f"tk-form-refusal-{place.field or 'top'}")


def test_settings_form_in_tk_a_locked_key_is_disabled_and_tab_passes_it_by(root, tmp_path):
    # Protects: the settings window as Tk draws it (Windows, macOS, no PyGObject): a key the
    # policy locks is a disabled entry holding the policy's value with "Set by your
    # organisation" beside it, Tab goes from the stretch check box to its length past it, and
    # the locked check box (sound) is disabled too.
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[breaks.stretch]\nevery = "25m"\n[sound]\nenabled = false\n'
        '[policy]\nlock = ["breaks.stretch.every", "sound.enabled"]\n'
    )
    loaded = config.load(None, policy)
    form = settings_form.settings_form(loaded, settings_form.Extras(languages=("de", "en", "hi")))
    drawn = TkForm(root, form, LOOK, {"save": lambda _form: None})
    root.geometry("1100x700+0+0")
    pump(root)
    every = drawn.fields["breaks-stretch-every"].first
    assert isinstance(every, ttk.Entry)
    assert every.instate(["disabled"])
    assert every.get() == "25m"
    beside = [w.cget("text") for w in every.master.winfo_children() if isinstance(w, ttk.Label)]
    assert beside == ["Set by your organisation"]
    sound = drawn.fields["sound"].first
    assert sound.instate(["disabled"])
    root.focus_force()
    focus_on(root, drawn.fields["breaks-stretch-enabled"].first)
    keys(root, _display(root), "Tab")
    assert root.focus_get() == drawn.fields["breaks-stretch-length"].first
    save_screenshot(_display(root), "settings-form-tk-locked")


def _widgets(widget: tk.Misc) -> Iterator[tk.Misc]:
    yield widget
    for child in widget.winfo_children():
        yield from _widgets(child)


def _run_across(image: Image.Image, box: tuple[int, int, int, int], *, down: bool) -> int:
    """The focus-coloured pixels on the line through the middle of `box` (x, y, width, height):
    down its middle column, or across its middle row."""
    x, y, w, h = box
    line = (
        [(x + w // 2, y + i) for i in range(h)] if down else [(x + i, y + h // 2) for i in range(w)]
    )
    return sum(image.getpixel(point) == FOCUS for point in line)


@pytest.mark.parametrize("kind", [ttk.Checkbutton, ttk.Radiobutton])
def test_a_focused_check_box_or_choice_has_a_solid_ring_of_at_least_2_px(root, kind):
    # Protects: WCAG 2.4.13 on Tk (Windows, macOS, Linux without PyGObject): the keyboard's
    # place on a check box or a choice is a solid ring of FOCUS_RING_PX round its words (clam
    # drew one dotted pixel), and it takes no room of its own: nothing moves when it comes
    drawn = an_update_form(root, Calls())
    control = next(w for w in _widgets(drawn.canvas) if isinstance(w, kind))
    drawn.canvas.yview_moveto(0.0)
    focus_on(root, drawn.buttons.winfo_children()[0])
    size = (control.winfo_width(), control.winfo_height())
    before = save_screenshot(_display(root), f"tk-form-{kind.__name__.lower()}-unfocused")
    focus_on(root, control)
    drawn.canvas.update_idletasks()
    assert (control.winfo_width(), control.winfo_height()) == size
    after = save_screenshot(_display(root), f"tk-form-{kind.__name__.lower()}-focused")
    assert ring_pixels(before, box_of(control)) == 0
    with Image.open(after) as shot:
        image = shot.convert("RGB")
        found = [
            (x, y)
            for x in range(control.winfo_rootx(), control.winfo_rootx() + size[0])
            for y in range(control.winfo_rooty(), control.winfo_rooty() + size[1])
            if image.getpixel((x, y)) == FOCUS
        ]
        assert found, "no focus ring"
        # the ring round the words: the focus-coloured pixels right of the indicator's (its
        # border takes the focus colour too), past the gap between them
        columns = sorted({x for x, _ in found})
        gaps = [b for a, b in itertools.pairwise(columns) if b - a > 1]
        left = gaps[-1] if gaps else columns[0]
        ring = [(x, y) for x, y in found if x >= left]
        x0, x1 = min(x for x, _ in ring), max(x for x, _ in ring)
        y0, y1 = min(y for _, y in ring), max(y for _, y in ring)
        assert x1 - x0 > 4 * FOCUS_RING_PX, (x0, x1)
        assert y1 - y0 > 2 * FOCUS_RING_PX, (y0, y1)
        # solid and FOCUS_RING_PX thick on every side: each of those rows and columns whole
        for k in range(FOCUS_RING_PX):
            for y in (y0 + k, y1 - k):
                assert all(image.getpixel((x, y)) == FOCUS for x in range(x0, x1 + 1)), y
            for x in (x0 + k, x1 - k):
                assert all(image.getpixel((x, y)) == FOCUS for y in range(y0, y1 + 1)), x
        # and no thicker: inside it, the words' background
        box = (x0, y0, x1 - x0 + 1, y1 - y0 + 1)
        assert _run_across(image, box, down=True) == 2 * FOCUS_RING_PX
