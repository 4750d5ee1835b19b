"""The break window's description and state machine (core/break_view.py), with plain values and
a fake clock; the timer-like rules hold for any sequence of ticks, keys and clicks (hypothesis)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posture_guard.core import break_view as bv
from posture_guard.core import i18n
from posture_guard.core.breakflow import BreakScreen
from posture_guard.core.form_view import APP_NAME, Look

TIMING = bv.Timing(focus_after_idle_s=3.0, notice_s=10.0, linger_s=60.0)


def screen(**kw: object) -> BreakScreen:
    base: dict[str, object] = dict(
        kind="stretch", title="Stretch break", seconds=90, exercise_id="neck-turn",
        exercise_name="Neck turn", steps=("Sit upright.", "Turn slowly."), hold="Hold 5 s.",
    )  # fmt: skip
    return BreakScreen(**{**base, **kw})  # type: ignore[arg-type]


class Marked:
    """A catalogue that marks every message, as the pseudo-locale does."""

    def gettext(self, message: str, /) -> str:
        return f"[{message}]"

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return f"[{singular if n == 1 else plural}]"

    def pgettext(self, context: str, message: str, /) -> str:
        return f"[{message}]"


@pytest.fixture
def marked() -> Iterator[None]:
    i18n.use(Marked(), "xx")
    yield
    i18n.use(i18n.English(), "en")


# --- the description ---------------------------------------------------------------------------


def test_describe_a_normal_break() -> None:
    view = bv.describe(screen())
    assert view.window_title == "Stretch break - Posture Guard"
    assert view.notice.window_title == "Stretch break - Posture Guard notice"
    assert view.heading == "Neck turn"
    assert view.notice.heading == "Stretch break: Neck turn"
    assert [(s.number, s.text, s.name) for s in view.steps] == [
        ("1", "Sit upright.", "Step 1"),
        ("2", "Turn slowly.", "Step 2"),
    ]
    assert view.hold == "Hold 5 s."
    assert [(b.id, b.label, b.name, b.hint, b.primary) for b in view.buttons] == [
        ("start", "Start now (Enter)", "Start now", "Shortcut: Enter", True),
        ("postpone", "Postpone (Esc)", "Postpone", "Shortcut: Esc", False),
        ("skip", "Skip", "Skip", "", False),
    ]
    assert [b.label for b in view.notice.buttons] == ["Start now", "Postpone"]
    assert view.attribution == "Posture Guard"
    assert view.picture_name == "Drawing of the exercise: Neck turn"


def test_strict_mode_and_no_postpone_leave_their_buttons_out() -> None:
    view = bv.describe(screen(allow_skip=False, allow_postpone=False))
    assert [b.id for b in view.buttons] == ["start"]
    assert [b.id for b in view.notice.buttons] == ["start"]


def test_without_an_exercise_the_title_is_the_heading() -> None:
    view = bv.describe(screen(exercise_name="", exercise_id="", steps=(), hold=""))
    assert (view.heading, view.notice.heading, view.steps) == ("Stretch break", "Stretch break", ())


def test_the_organisation_is_named_beside_the_brand() -> None:
    view = bv.describe(screen(organisation="Acme Health", logo="/l.png"))
    assert view.attribution == "Posture Guard  \u00b7  Acme Health"
    assert view.logo_name == "Logo of Acme Health"


def test_every_word_goes_through_the_catalogue_when_described(marked: None) -> None:
    view = bv.describe(screen(organisation="Acme"))
    words = [
        view.picture_name, view.countdown_name, view.countdown_hint, view.cover_line,
        view.notice.line, view.logo_name, *(s.name for s in view.steps),
        *(x for b in (*view.buttons, *view.notice.buttons) for x in (b.label, b.name, b.hint) if x),
        *(bv.status_text(p) for p in ("notice", "running", "finished")),
        *(bv.primary(p).label for p in ("notice", "running")),
    ]  # fmt: skip
    words += [view.notice.heading, bv.primary("running").hint]
    assert all(w.startswith("[") for w in words), [w for w in words if not w.startswith("[")]
    # data stays as it is: the screen's own (already translated) words, the brand, the org
    assert view.heading == "Neck turn"
    assert view.attribution == "Posture Guard  \u00b7  Acme"


@pytest.mark.parametrize(
    ("left", "text"),
    [(90, "1:30"), (89.2, "1:30"), (5, "0:05"), (0.1, "0:01"), (0, "0:00"), (-3, "0:00"),
     (3600, "60:00")],
)  # fmt: skip
def test_the_clock_rounds_up_to_whole_seconds(left: float, text: str) -> None:
    assert bv.clock_text(left) == text


@pytest.mark.parametrize(
    ("button", "phase", "ok"),
    [("start", "notice", True), ("start", "running", False), ("done", "running", False),
     ("done", "finished", True), ("postpone", "running", True), ("skip", "running", True),
     ("skip", "finished", False), ("postpone", "finished", False), ("skip", "answered", False)],
)  # fmt: skip
def test_which_buttons_work_in_which_phase(button: bv.ButtonId, phase: bv.Phase, ok: bool) -> None:
    assert bv.enabled(button, phase) is ok


def test_primary_button_is_start_then_done() -> None:
    assert [bv.primary(p).label for p in ("notice", "running", "finished")] == [
        "Start now (Enter)", "Done (Enter)", "Done (Enter)",
    ]  # fmt: skip


def test_picture_shrinks_on_small_screens_but_not_below_160_px_at_the_scale() -> None:
    assert bv.picture_width(1280, 800, 1) == 400
    assert bv.picture_width(2560, 1600, 2) == 800
    assert bv.picture_width(900, 700, 1) == 300
    assert bv.picture_width(400, 300, 1) == 160
    assert bv.picture_width(400, 300, 2) == 320


def test_fits_leaves_a_little_room_above_and_below() -> None:
    assert bv.fits(1000, 768, 1280, 800)
    assert not bv.fits(1000, 769, 1280, 800)
    assert not bv.fits(1281, 100, 1280, 800)


def test_the_notice_sits_in_the_bottom_right_corner() -> None:
    assert bv.notice_place((0, 0, 1280, 800), (360, 110), 1) == (904, 674)
    assert bv.notice_place((1280, 0, 1024, 768), (720, 220), 2) == (1280 + 1024 - 720 - 32, 516)


# --- the state machine, with a fake clock ------------------------------------------------------


class FakeRun:
    """Drives the machine as a renderer does: ticks of `dt` with an idle reading, presses."""

    def __init__(
        self,
        seconds: float,
        idle: float | None,
        timing: bv.Timing = TIMING,
        prompted: float | None = None,
    ) -> None:
        self.state, effects = bv.opening(seconds, timing, idle, prompted)
        self.effects = list(effects)
        self.clock = 0.0

    def tick(self, dt: float, idle: float | None) -> None:
        self.clock += dt
        self.state, effects = bv.tick(self.state, dt, idle)
        self.effects += effects

    def press(self, what: bv.ButtonId | bv.Key, allow_postpone: bool = True) -> None:
        self.state, effects = bv.press(self.state, what, allow_postpone=allow_postpone)
        self.effects += effects

    def lines(self) -> list[dict[str, object]]:
        return [line for e in self.effects if (line := bv.protocol_line(e)) is not None]


def test_an_idle_user_gets_the_countdown_at_once_with_the_focus() -> None:
    run = FakeRun(90, idle=10.0)
    assert (run.state.phase, run.effects) == ("running", [bv.Start(take_focus=True)])


def test_the_notice_waits_while_the_user_types_then_starts_with_the_focus() -> None:
    run = FakeRun(90, idle=0.2)
    assert run.state.phase == "notice"
    for _ in range(40):  # ten seconds of typing
        run.tick(0.25, 0.1)
    assert (run.state.phase, run.effects) == ("notice", [])
    run.tick(0.25, 2.9)
    assert run.state.phase == "notice"
    run.tick(0.25, 3.0)
    assert (run.state.phase, run.effects) == ("running", [bv.Start(take_focus=True)])
    assert run.state.left_s == 90


def test_without_idle_time_the_windows_come_after_the_notice_time_without_focus() -> None:
    run = FakeRun(90, idle=None)
    for _ in range(39):
        run.tick(0.25, None)
    assert run.state.phase == "notice"
    run.tick(0.25, None)
    assert run.effects == [bv.Start(take_focus=False)]


def test_someone_away_at_the_prompt_gets_the_break_at_once_though_the_window_sees_no_idle_yet() -> (
    None
):
    # Protects: Rule 2: on Wayland the window's own idle source reads 0 until it has seen 5 s
    # without input itself; the service's reading at the prompt (40 s away) starts the break
    # as the windows open, with the focus, instead of after 5 s behind the notice.
    run = FakeRun(90, idle=0.0, prompted=40.0)
    assert (run.state.phase, run.effects) == ("running", [bv.Start(take_focus=True)])
    # and where the window's source cannot tell at all
    run = FakeRun(90, idle=None, prompted=40.0)
    assert (run.state.phase, run.effects) == ("running", [bv.Start(take_focus=True)])


def test_someone_typing_at_the_prompt_keeps_the_notice_until_the_windows_source_sees_a_pause() -> (
    None
):
    # Protects: Rule 2: the service's reading is never grown with time: someone who was typing
    # at the prompt (0.4 s idle) keeps the notice while the window's source still reads 0
    # (blind, or they type on), however long that is; the break starts when that source sees
    # the pause, and without any source the notice time still applies (without the focus).
    run = FakeRun(90, idle=0.0, prompted=0.4)
    assert run.state.phase == "notice"
    for _ in range(60):  # fifteen seconds of 0 from the window's source
        run.tick(0.25, 0.0)
    assert (run.state.phase, run.effects) == ("notice", [])
    run.tick(0.25, 5.0)  # the compositor's "idled" after 5 s without input
    assert (run.state.phase, run.effects) == ("running", [bv.Start(take_focus=True)])
    run = FakeRun(90, idle=None, prompted=0.4)
    for _ in range(40):
        run.tick(0.25, None)
    assert run.effects == [bv.Start(take_focus=False)]


@settings(max_examples=200, deadline=None)
@given(
    prompted=st.floats(min_value=0.0, max_value=2.99),
    own=st.lists(st.one_of(st.none(), st.floats(min_value=0.0, max_value=20.0)), max_size=60),
    first=st.one_of(st.none(), st.floats(min_value=0.0, max_value=20.0)),
)
def test_a_prompt_reading_below_the_threshold_changes_nothing(
    prompted: float, own: list[float | None], first: float | None
) -> None:
    # Protects: Rule 2: only someone idle at the prompt for the focus threshold is started by
    # the service's reading; below it, the window behaves exactly as its own source says.
    with_it, without = FakeRun(90, idle=first, prompted=prompted), FakeRun(90, idle=first)
    for reading in own:
        with_it.tick(0.25, reading)
        without.tick(0.25, reading)
    assert (with_it.state, with_it.effects) == (without.state, without.effects)


def test_the_opening_idle_is_the_longer_reading() -> None:
    assert bv.idle_at_opening(0.0, 12.5) == 12.5
    assert bv.idle_at_opening(7.0, 2.0) == 7.0
    assert bv.idle_at_opening(None, 2.0) == 2.0
    assert bv.idle_at_opening(4.0, None) == 4.0
    assert bv.idle_at_opening(None, None) is None


def test_countdown_finishes_then_done_answers_taken() -> None:
    run = FakeRun(2, idle=10.0)
    run.press("enter")  # Enter while running does nothing
    run.press("done")
    run.tick(1.0, None)
    assert (run.state.phase, run.state.clock, run.state.progress) == ("running", "0:01", 0.5)
    run.tick(1.0, None)
    assert (run.state.phase, run.state.clock, run.state.progress) == ("finished", "0:00", 1.0)
    assert run.effects[-1] == bv.Finish()
    run.press("enter")
    assert run.lines() == [{"event": "started"}, {"outcome": "taken", "countdown_done": True}]


@pytest.mark.parametrize("key", ["escape", "done"])
def test_once_the_time_is_up_skip_and_postpone_do_nothing_and_esc_is_done(key: str) -> None:
    """Issue 13: the time-up window still offered Postpone and Skip for a break already taken.
    They are off then; Esc ends it as Done does, as taken."""
    run = FakeRun(1, idle=10.0)
    run.tick(1.0, None)
    assert run.state.phase == "finished"
    run.press("skip")
    run.press("postpone")
    assert run.state.phase == "finished"
    run.press(key)  # type: ignore[arg-type]
    assert run.lines()[-1] == {"outcome": "taken", "countdown_done": True}


def test_nobody_answering_after_the_countdown_is_taken_after_the_linger() -> None:
    run = FakeRun(1, idle=10.0)
    run.tick(1.0, None)
    run.tick(59.9, None)
    assert run.state.phase == "finished"
    run.tick(0.1, None)
    assert run.lines()[-1] == {"outcome": "taken", "countdown_done": True}


def test_escape_postpones_only_when_allowed() -> None:
    run = FakeRun(60, idle=10.0)
    run.press("escape", allow_postpone=False)
    assert run.state.phase == "running"
    run.press("escape")
    assert run.lines() == [{"event": "started"}, {"outcome": "postponed", "countdown_done": False}]


def test_postponing_from_the_notice_never_says_started() -> None:
    run = FakeRun(60, idle=0.0)
    run.press("postpone")
    assert run.lines() == [{"outcome": "postponed", "countdown_done": False}]


def test_start_now_on_the_notice_starts_with_the_focus() -> None:
    run = FakeRun(60, idle=0.0)
    run.press("start")
    assert run.effects == [bv.Start(take_focus=True)]


def test_closing_reports_closed_and_nothing_happens_after_the_answer() -> None:
    run = FakeRun(60, idle=10.0)
    run.press("close")
    run.press("skip")
    run.tick(100, 100.0)
    assert run.lines() == [{"event": "started"}, {"outcome": "closed", "countdown_done": False}]


# --- properties --------------------------------------------------------------------------------

actions = st.one_of(
    st.tuples(
        st.just("tick"),
        st.floats(0, 5, allow_nan=False),
        st.none() | st.floats(0, 8, allow_nan=False),
    ),
    st.tuples(
        st.just("press"),
        st.sampled_from(["enter", "escape", "close", "start", "done", "postpone", "skip"]),
        st.booleans(),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.integers(1, 120),
    first_idle=st.none() | st.floats(0, 8, allow_nan=False),
    steps=st.lists(actions, max_size=60),
)
def test_any_run_says_started_at_most_once_and_exactly_one_outcome_in_the_end(
    seconds: int, first_idle: float | None, steps: list[tuple[object, object, object]]
) -> None:
    run = FakeRun(seconds, first_idle)
    running_for = 0.0
    for kind, a, b in steps:
        before = run.state.phase
        if kind == "tick":
            assert isinstance(a, float)
            run.tick(a, b if b is None or isinstance(b, float) else None)
            if before == "running":
                running_for += a
        else:
            run.press(a, allow_postpone=bool(b))  # type: ignore[arg-type]
        # the countdown is done exactly when the running time reached its length
        if run.state.phase in ("running", "finished") and abs(running_for - seconds) > 1e-6:
            assert (run.state.phase == "finished") == (running_for >= seconds - 1e-9)
        assert 0.0 <= run.state.progress <= 1.0
    # nobody answers: the break ends by itself, whatever happened before
    for _ in range(4):
        run.tick(TIMING.notice_s + seconds + TIMING.linger_s, None)
    lines = run.lines()
    started = [line for line in lines if "event" in line]
    outcomes = [line for line in lines if "outcome" in line]
    assert len(started) <= 1
    assert len(outcomes) == 1
    assert lines[-1] is outcomes[0], "nothing is said after the outcome"
    assert run.state.phase == "answered"
    answer = next(e for e in run.effects if isinstance(e, bv.Answer))
    finishes = [e for e in run.effects if isinstance(e, bv.Finish)]
    # countdown_done iff the countdown finished before the answer
    assert answer.countdown_done == bool(finishes)
    if answer.countdown_done:
        assert started, "a finished countdown was started"
        assert run.effects.index(finishes[0]) < run.effects.index(answer)


@settings(max_examples=200, deadline=None)
@given(seconds=st.integers(1, 600), dts=st.lists(st.floats(0.01, 3, allow_nan=False), max_size=80))
def test_the_clock_never_goes_up_and_ends_at_zero(seconds: int, dts: list[float]) -> None:
    run = FakeRun(seconds, idle=10.0)
    shown = [run.state.left_s]
    for dt in dts:
        run.tick(dt, None)
        shown.append(run.state.left_s)
    assert shown == sorted(shown, reverse=True)
    if abs(sum(dts) - seconds) > 1e-6:
        assert (run.state.phase == "running") == (sum(dts) < seconds)
    if run.state.phase != "running":
        assert run.state.clock == "0:00"


def test_the_notice_heading_is_one_sentence_of_the_catalogue_with_named_places(
    marked: None,
) -> None:
    # the whole "{title}: {exercise}" is looked up, so a language may order it its own way
    assert bv.describe(screen()).notice.heading == "[Stretch break: Neck turn]"


@pytest.mark.parametrize("allow", [True, False])
def test_the_keyboard_starts_on_the_primary_button_never_postpone(allow: bool) -> None:
    view = bv.describe(screen(allow_postpone=allow, allow_skip=allow))
    assert bv.first_focus(view.buttons) == "start"
    assert bv.first_focus(view.notice.buttons) == "start"
    plain = (bv.Button("postpone", "P", "P"), bv.Button("skip", "S", "S"))
    assert bv.first_focus(plain) == "postpone"


def test_done_says_while_it_waits_when_it_unlocks() -> None:
    assert bv.primary("running").hint == "Unlocks when the time is up. Shortcut: Enter"
    assert bv.primary("finished").hint == "Shortcut: Enter"


def test_the_brand_is_the_apps_one_name() -> None:
    view = bv.describe(screen())
    assert view.attribution == APP_NAME
    assert view.window_title == f"Stretch break - {APP_NAME}"
    assert view.notice.window_title.endswith(f" - {APP_NAME} notice")


@pytest.mark.parametrize("high_contrast", [False, True])
def test_the_break_window_and_the_forms_share_one_palette(high_contrast: bool) -> None:
    c = bv.colours_for(high_contrast=high_contrast, accent="#7A1F5C")
    look = Look.of(high_contrast=high_contrast, accent="#7A1F5C")
    assert (c.card, c.text, c.muted, c.focus, c.accent, c.on_accent, c.attribution) == (
        look.page, look.text, look.muted, look.focus, look.accent, look.on_accent,
        look.attribution,
    )  # fmt: skip
