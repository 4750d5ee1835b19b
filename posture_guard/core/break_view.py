"""The break window, described once: what it shows (`describe`) and how it behaves (`BreakState`
with `opening`, `tick`, `press`); pure. The GTK and Tk renderers (ui/break_gtk.py,
ui/break_tk.py) draw the description and apply the effects; they decide nothing.

Rule 1: phases go notice -> running -> finished -> answered, never back. "started" is said once
        (entering running), the outcome once (entering answered); after that nothing happens.
Rule 2: the notice stays while the user types; `tick` starts the break (taking the focus) once
        idle time reaches `focus_after_idle_s`, or (not taking it) after `notice_s` when idle
        time cannot be read. Start now (click or Enter) starts it at once, with the focus.
        As the windows open, the person counts as idle for as long as the service read at the
        prompt (`opening`'s `prompted_idle_s`) when the window's own, just started source reads
        less: on Wayland it reads 0 until it has itself seen 5 s without input, so someone
        already away would wait for that behind the notice. Only the opening needs it: that
        reading is below `focus_after_idle_s` if the break did not start then, so it cannot
        start it later; and it is never grown with time (the person may be typing again).
Rule 3: the countdown runs only in running; at zero the break is finished and Done unlocks.
        Nobody answering for `linger_s` after that is "taken".
Rule 4: Enter = Start now in the notice, Done once finished, nothing while running; Esc =
        Postpone when allowed, Done once finished (Postpone and Skip are off then: the break is
        taken); closing a window = "closed". `countdown_done` is True exactly
        when the outcome comes in finished. The keyboard starts on the primary button
        (`first_focus`), never on Postpone or Skip, which a stray Space would press; while the
        countdown runs the primary (Done) waits: pressing it does nothing, its hint says so.
Rule 5: every word a person reads goes through the catalogue when `describe` (or the phase's
        functions) runs, never at import. The exercise's own texts come translated in the
        `BreakScreen` (breakflow Rule 5); the clock and the organisation are data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

from posture_guard.core.brand_colours import (
    BLACK,
    DARK_TEXT,
    FOCUS_RING,
    HIGH_CONTRAST_ACCENT,
    HIGH_CONTRAST_FOCUS,
    MUTED_TEXT,
    WHITE,
    accent_use,
    mix,
)
from posture_guard.core.breakflow import BreakScreen
from posture_guard.core.form_view import APP_NAME
from posture_guard.core.i18n import _

Phase = Literal["notice", "running", "finished", "answered"]
ButtonId = Literal["start", "done", "postpone", "skip"]
Outcome = Literal["taken", "postponed", "skipped", "closed"]

#: The full windows' titles end so (tests and window rules find them by it); the product's
#: name is a brand, shown as it is in every language.
TITLE_SUFFIX: Final = f" - {APP_NAME}"
#: The corner notice's title ends so.
NOTICE_SUFFIX: Final = f"{TITLE_SUFFIX} notice"
#: The corner notice's size at 100 % (it grows when its words need more).
NOTICE_SIZE: Final = (360, 110)
#: The notice's distance from the screen's corner at 100 %.
NOTICE_MARGIN: Final = 16
#: What gives way, in this order, when the main window's card does not fit its monitor.
DROP_ORDER: Final = ("picture", "hold")


# --- what it shows -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colours:
    page: str
    card: str
    text: str
    muted: str
    accent: str
    on_accent: str
    button: str
    primary_disabled: str
    focus: str
    bar_track: str
    bar: str
    attribution: str


def colours_for(*, high_contrast: bool, accent: str) -> Colours:
    """The windows' colours; the organisation's `accent` goes where it reads (brand_colours.py)
    and not at all in high contrast."""
    if high_contrast:
        return Colours(
            page=BLACK, card=BLACK, text=WHITE, muted=WHITE,
            accent=HIGH_CONTRAST_ACCENT, on_accent=BLACK, button=BLACK,
            primary_disabled="#5C5200", focus=HIGH_CONTRAST_FOCUS,
            bar_track="#555555", bar=HIGH_CONTRAST_ACCENT, attribution=WHITE,
        )  # fmt: skip
    use = accent_use(accent, card=WHITE)
    return Colours(
        page="#DCE6EE", card=WHITE, text=DARK_TEXT, muted=MUTED_TEXT,
        accent=use.fill, on_accent=use.on_fill, button="#E6EDF3",
        primary_disabled=mix(use.fill, use.on_fill, 0.6),
        focus=FOCUS_RING,
        bar_track="#E2E9EF", bar=use.bar, attribution=use.attribution,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Button:
    """One button: `label` as drawn (with its key), `name` for screen readers (the action),
    `hint` their description (the key), `primary` drawn in the accent."""

    id: ButtonId
    label: str
    name: str
    hint: str = ""
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    number: str
    text: str
    #: What a screen reader says for the number ("Step 1").
    name: str


@dataclass(frozen=True, slots=True)
class NoticeView:
    window_title: str
    heading: str
    line: str
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class BreakView:
    """Everything the windows show, in the language in use."""

    window_title: str
    attribution: str
    title: str
    heading: str
    exercise_id: str
    #: The clinic's own picture of the exercise (a PNG file), "" for the catalogue's drawing.
    picture: str
    picture_name: str
    steps: tuple[Step, ...]
    hold: str
    countdown_name: str
    countdown_hint: str
    cover_line: str
    buttons: tuple[Button, ...]
    notice: NoticeView
    logo: str
    logo_name: str


def describe(screen: BreakScreen) -> BreakView:
    """The windows of `screen`'s break, every word in the language in use (Rule 5)."""
    org = screen.organisation
    heading = screen.exercise_name or screen.title
    buttons = [primary("notice")]
    if screen.allow_postpone:
        buttons.append(Button("postpone", _("Postpone (Esc)"), _("Postpone"), _("Shortcut: Esc")))
    if screen.allow_skip:
        buttons.append(Button("skip", _("Skip"), _("Skip")))
    notice_buttons = [Button("start", _("Start now"), _("Start now"), primary=True)]
    if screen.allow_postpone:
        notice_buttons.append(Button("postpone", _("Postpone"), _("Postpone")))
    return BreakView(
        window_title=f"{screen.title}{TITLE_SUFFIX}",
        attribution=f"{APP_NAME}  \u00b7  {org}" if org else APP_NAME,
        title=screen.title,
        heading=heading,
        exercise_id=screen.exercise_id,
        picture=screen.picture,
        # Translators: the exercise's drawing, for screen readers; {name} is the exercise
        picture_name=_("Drawing of the exercise: {name}").format(name=heading),
        steps=tuple(
            # Translators: a step's number, for screen readers
            Step(str(n), text, _("Step {number}").format(number=n))
            for n, text in enumerate(screen.steps, start=1)
        ),
        hold=screen.hold,
        countdown_name=_("Time left"),
        countdown_hint=_("How much of the break has passed"),
        cover_line=_("The exercise is on your main screen."),
        buttons=tuple(buttons),
        notice=NoticeView(
            window_title=f"{screen.title}{NOTICE_SUFFIX}",
            # Translators: the break notice's heading; {title} is the break's title ("Stretch
            # break"), {exercise} the exercise's name
            heading=_("{title}: {exercise}").format(
                title=screen.title, exercise=screen.exercise_name
            )
            if screen.exercise_name
            else screen.title,
            line=_("Starts when you pause typing."),
            buttons=tuple(notice_buttons),
        ),
        logo=screen.logo,
        # Translators: the organisation's logo, for screen readers
        logo_name=_("Logo of {organisation}").format(organisation=org) if org else _("Logo"),
    )


def status_text(phase: Phase) -> str:
    """The status line under the countdown in `phase`."""
    if phase == "notice":
        return _("The break starts when you pause typing, or press Start now.")
    if phase == "running":
        return _("Follow the steps at an easy pace. Done unlocks when the time is up.")
    return _("Well done. Press Done (Enter) to get back to work.")


def primary(phase: Phase) -> Button:
    """The main window's primary button in `phase`: Start now, then Done."""
    if phase == "notice":
        return Button(
            "start", _("Start now (Enter)"), _("Start now"), _("Shortcut: Enter"), primary=True
        )
    if phase == "running":
        # Translators: Done's description for screen readers while the countdown runs
        hint = _("Unlocks when the time is up. Shortcut: Enter")
    else:
        hint = _("Shortcut: Enter")
    return Button("done", _("Done (Enter)"), _("Done"), hint, primary=True)


def first_focus(buttons: tuple[Button, ...]) -> ButtonId:
    """The button the keyboard starts on when the main window takes the focus (Rule 4): the
    primary one, as a dialog's default button, else the first."""
    return next((b.id for b in buttons if b.primary), buttons[0].id)


def enabled(button: ButtonId, phase: Phase) -> bool:
    """Whether `button` can be pressed in `phase`: Done only once the countdown is over, and
    then nothing else (the break is taken: there is nothing left to postpone or skip)."""
    if phase == "answered":
        return False
    if button == "done":
        return phase == "finished"
    if button == "start":
        return phase == "notice"
    return phase != "finished"


def clock_text(seconds_left: float) -> str:
    """The countdown as m:ss, rounded up (1:30, 0:05, 0:00)."""
    whole = max(0, int(seconds_left + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


def picture_width(monitor_w: int, monitor_h: int, scale: float) -> int:
    """The exercise picture's width on a monitor: 400 px at 100 %, less on a small screen
    (a third of its width, half its height), never under 160 px at the scale."""
    return max(round(160 * scale), min(round(400 * scale), monitor_w // 3, int(monitor_h * 0.5)))


def fits(card_w: int, card_h: int, monitor_w: int, monitor_h: int) -> bool:
    """Whether the main card fits its monitor (with a little room above and below)."""
    return card_h <= monitor_h * 0.96 and card_w <= monitor_w


def notice_place(
    monitor: tuple[int, int, int, int], size: tuple[int, int], scale: float
) -> tuple[int, int]:
    """Where the notice of `size` goes on `monitor` (x, y, width, height): the bottom right."""
    x, y, width, height = monitor
    margin = round(NOTICE_MARGIN * scale)
    return x + width - size[0] - margin, y + height - size[1] - margin


# --- how it behaves ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    focus_after_idle_s: float = 3.0
    notice_s: float = 10.0
    linger_s: float = 60.0


@dataclass(frozen=True, slots=True)
class Start:
    """The countdown begins: say "started", the notice goes, the full windows come (taking the
    keyboard when `take_focus`)."""

    take_focus: bool


@dataclass(frozen=True, slots=True)
class Finish:
    """The countdown is over: Done unlocks (and takes the focus when the window has it)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """Say the outcome and close every window."""

    outcome: Outcome
    countdown_done: bool


Effect = Start | Finish | Answer


@dataclass(frozen=True, slots=True)
class BreakState:
    seconds: float
    timing: Timing
    phase: Phase = "notice"
    left_s: float = 0.0
    shown_for_s: float = 0.0
    finished_for_s: float = 0.0

    @property
    def progress(self) -> float:
        """How much of the countdown has passed, 0 to 1."""
        return min(1.0, max(0.0, 1 - self.left_s / self.seconds))

    @property
    def clock(self) -> str:
        return clock_text(self.left_s)


#: A step of the machine: the new state and what the renderer must do, in order.
Transition = tuple[BreakState, tuple[Effect, ...]]


def idle_at_opening(idle_s: float | None, prompted_idle_s: float | None) -> float | None:
    """How long the person has not typed as the windows open (Rule 2): the window's own
    reading `idle_s`, or the service's at the prompt when that is longer (None: unknown)."""
    if idle_s is None or (prompted_idle_s is not None and prompted_idle_s > idle_s):
        return prompted_idle_s if prompted_idle_s is not None else idle_s
    return idle_s


def opening(
    seconds: float, timing: Timing, idle_s: float | None, prompted_idle_s: float | None = None
) -> Transition:
    """The state as the windows open: the notice, or straight to the countdown (with the
    focus) when the user is idle already, by the window's own reading `idle_s` or the
    service's at the prompt, `prompted_idle_s` (Rule 2)."""
    state = BreakState(seconds=float(seconds), timing=timing, left_s=float(seconds))
    idle_s = idle_at_opening(idle_s, prompted_idle_s)
    if idle_s is not None and idle_s >= timing.focus_after_idle_s:
        return _start(state, take_focus=True)
    return state, ()


def tick(state: BreakState, dt: float, idle_s: float | None) -> Transition:
    """`dt` seconds passed; `idle_s` is how long the user has not typed (None: unknown)."""
    dt = max(0.0, dt)
    if state.phase == "notice":
        state = replace(state, shown_for_s=state.shown_for_s + dt)
        if idle_s is not None and idle_s >= state.timing.focus_after_idle_s:
            return _start(state, take_focus=True)
        if idle_s is None and state.shown_for_s >= state.timing.notice_s:
            return _start(state, take_focus=False)
        return state, ()
    if state.phase == "running":
        left = state.left_s - dt
        if left <= 0:
            return replace(state, phase="finished", left_s=0.0), (Finish(),)
        return replace(state, left_s=left), ()
    if state.phase == "finished":
        waited = state.finished_for_s + dt
        if waited >= state.timing.linger_s:
            return _answer(replace(state, finished_for_s=waited), "taken")
        return replace(state, finished_for_s=waited), ()
    return state, ()


Key = Literal["enter", "escape", "close"]


def press(state: BreakState, what: ButtonId | Key, *, allow_postpone: bool = True) -> Transition:
    """A button clicked (or Space on it), a key, or a window closed (Rule 4)."""
    if state.phase == "answered":
        return state, ()
    if what == "close":
        return _answer(state, "closed")
    if state.phase == "finished":  # the time is up: Done, Enter or Esc end it, taken
        if what in ("enter", "done", "escape"):
            return _answer(state, "taken")
        return state, ()
    if what in ("escape", "postpone"):
        return _answer(state, "postponed") if allow_postpone else (state, ())
    if what == "skip":
        return _answer(state, "skipped")
    # enter, start, done
    if state.phase == "notice" and what in ("enter", "start"):
        return _start(state, take_focus=True)
    return state, ()


def protocol_line(effect: Effect) -> dict[str, object] | None:
    """The stdout line an effect writes (breakflow Rule 1), or None."""
    if isinstance(effect, Start):
        return {"event": "started"}
    if isinstance(effect, Answer):
        return {"outcome": effect.outcome, "countdown_done": effect.countdown_done}
    return None


def _start(state: BreakState, *, take_focus: bool) -> Transition:
    return replace(state, phase="running"), (Start(take_focus),)


def _answer(state: BreakState, outcome: Outcome) -> Transition:
    done = state.phase == "finished"
    return replace(state, phase="answered"), (Answer(outcome, done),)
