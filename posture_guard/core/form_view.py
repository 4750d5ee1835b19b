"""What the diary forms and the small info windows show, as plain values: one description per
window, drawn by GTK 3 (`ui/form_gtk.py`) or Tk (`ui/form_tk.py`). Pure.

Rule 1: a description holds every word a person reads, translated when it is built (never at
        import), so a renderer only lays it out: questions (an entry with a hint, notes, a
        single choice, a multiple choice whose empty answer has an explicit meaning, yes/no, a
        check box), paragraphs of text between them (a heading and lines, no answer), actions with their keys (Enter, Esc), the result that replaces the questions, and the
        read-only text windows (advice, settings, about) with their buttons.
Rule 2: answers travel as text, as the CLI's flags carry them (`answer_texts`): the diary parses
        and checks them (app/diary.py), never the form.
Rule 3: a refused value belongs to the question its DiaryValueError names (`place_error`); an
        answer that is missing reads "Please answer this question."; any other refusal goes to
        the top of the form, naming the question it concerns; either way that question takes
        the focus and is scrolled into view.
Rule 5: closing a form that was filled in (`touched`) asks first (`discard_question`).
Rule 4: the look (`Look`) is the palette of high contrast or the organisation's accent where it
        reads (brand_colours.py), and the organisation named above the title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
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
)
from posture_guard.core.episodes import (
    CHECK_IN_FLAGS,
    CHECK_IN_QUESTIONS,
    EVERYDAY_SYMPTOMS,
    LABELS,
    WARNING_SYMPTOMS,
    AgeBand,
    Answer,
    Area,
    Helped,
    Lasted,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
)
from posture_guard.core.errors import MISSING, DiaryValueError, IllegalEpisodeChange
from posture_guard.core.i18n import N_, _, pgettext
from posture_guard.core.localeforms import format_clock, format_date, format_date_time
from posture_guard.core.tiers import Tier

APP_NAME: Final = "Posture Guard"
Key = Literal["enter", "escape"]
WARNING_SIGN: Final = "\u26a0"
#: The yes/no questions of the check-in, by their CLI flag, in the order asked.
YES_NO_FLAGS: Final = ("sleep-disturbed", "stops-work", "daily-life-affected")
#: The yes/no/not-sure questions of the check-in (the injury questions and a recent neck
#: manipulation), by their CLI flag, in the order asked; the middle two only after an injury.
ANSWER_FLAGS: Final = ("after-injury", "high-risk-injury", "head-injury", "neck-manipulation")
#: The check-in's list of warning signs: its own question, whose empty answer is not "none":
#: nothing ticked is no answer, and "None of these" (NONE_OF_THESE) must be ticked instead.
WARNING_SIGNS: Final = "warning-signs"
NONE_OF_THESE: Final = "none"


# --- the look ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Look:
    """The windows' colours and the organisation named on top ("" = none)."""

    page: str
    text: str
    muted: str
    accent: str
    on_accent: str
    attribution: str
    error: str
    field: str
    focus: str
    organisation: str = ""

    @classmethod
    def of(cls, *, high_contrast: bool, accent: str | None = None, organisation: str = "") -> Look:
        """The look for high contrast (black, white, yellow; no accent) or the usual one with
        the organisation's accent wherever it keeps 4.5:1 (brand_colours.accent_use)."""
        if high_contrast:
            return cls(page=BLACK, text=WHITE, muted=WHITE, accent=HIGH_CONTRAST_ACCENT,
                       on_accent=BLACK, attribution=WHITE, error="#FF8080", field=BLACK,
                       focus=HIGH_CONTRAST_FOCUS, organisation=organisation)  # fmt: skip
        use = accent_use(accent)
        return cls(page=WHITE, text=DARK_TEXT, muted=MUTED_TEXT, accent=use.fill,
                   on_accent=use.on_fill, attribution=use.attribution, error="#B3261E",
                   field="#F4F7FA", focus=FOCUS_RING, organisation=organisation)  # fmt: skip

    def colours(self) -> dict[str, str]:
        """The palette by the names `ui/gtk_look.css` takes."""
        return {"page": self.page, "text": self.text, "muted": self.muted, "accent": self.accent,
                "on_accent": self.on_accent, "focus": self.focus, "field": self.field,
                "error": self.error, "attribution": self.attribution}  # fmt: skip

    def brand_line(self) -> str:
        """The line above the title naming the organisation, or ""."""
        return f"{APP_NAME}  \u00b7  {self.organisation}" if self.organisation else ""


# --- the parts of a window ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """A button: `id` says what it does (the shell maps it), `label` what it says; `key` is the
    key that also does it (shown in the label), `primary` the one drawn in the accent."""

    id: str
    label: str
    key: Key | None = None
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Option:
    """One answer to choose: `value` is the word the diary takes, `label` what people read."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of text (a number, a time); `hint` is shown beside it, `width` in characters.
    `locked`: why it cannot be changed ("Set by your organisation"), shown in place of the
    hint; the entry is drawn disabled with `default`, the value in force ("" = can change).
    `choose`: a file's path, with a button of that label beside it that opens the desktop's
    file chooser to fill it in ("" = plain text)."""

    name: str
    text: str
    default: str = ""
    hint: str = ""
    width: int = 12
    locked: str = ""
    choose: str = ""


@dataclass(frozen=True, slots=True)
class Notes:
    """Free text over a few lines (Tab leaves it, Ctrl+Enter saves)."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class SingleChoice:
    """One of `options`, or no answer yet (`default` None)."""

    name: str
    text: str
    options: tuple[Option, ...]
    default: str | None = None
    columns: int = 2
    #: As Entry's: the choices drawn disabled with `default` chosen, and this said beside.
    locked: str = ""


@dataclass(frozen=True, slots=True)
class MultipleChoice:
    """Any of `options`; nothing ticked is the answer `none` (the diary's word for none)."""

    name: str
    text: str
    options: tuple[Option, ...]
    default: frozenset[str] = frozenset()
    columns: int = 2
    none: str = "none"


@dataclass(frozen=True, slots=True)
class YesNo:
    """Yes or no, or no answer yet (`default` None); the answers are "yes" and "no"."""

    name: str
    text: str
    default: bool | None = False
    yes: str = ""
    no: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """One check box whose label is `text`; its answer is "yes" (ticked) or "no". `locked`
    as Entry's: drawn disabled as `default`, the reason beside it."""

    name: str
    text: str
    default: bool = False
    locked: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Text to read between the questions: a heading and its lines (each a paragraph of its
    own); no control, no answer. `name` identifies it (tests, renderers' widget names)."""

    name: str
    text: str
    lines: tuple[str, ...] = ()


Question = Entry | Notes | SingleChoice | MultipleChoice | YesNo | Check
#: What a form holds in reading order: questions and the paragraphs between them.
Item = Question | Paragraph
#: What a renderer read from one question: text, the chosen value (None: none), or the ticked.
Raw = str | None | frozenset[str]


@dataclass(frozen=True, slots=True)
class Form:
    """A form: its title (the window is titled `window_title(title)`), the brand line, a line
    of introduction, the questions (and paragraphs) in reading order and the actions (the
    primary one first). `small`: a small window (a few questions and paragraphs), not one
    sized for a long questionnaire. `focus`: the question that has the focus first, scrolled
    into view (None: the first question)."""

    id: str
    title: str
    questions: tuple[Item, ...]
    actions: tuple[Action, ...]
    brand: str = ""
    intro: str = ""
    small: bool = False
    focus: str | None = None

    def question(self, name: str) -> Question | None:
        return next(
            (q for q in self.questions if q.name == name and not isinstance(q, Paragraph)), None
        )


@dataclass(frozen=True, slots=True)
class Result:
    """What replaces the questions once saved: a heading, the text, the actions (Close first)."""

    heading: str
    text: str
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class TextWindow:
    """A read-only text window: title, text (`monospace` keeps columns and whole paths) and
    buttons in Tab order, Close (Esc) first."""

    title: str
    text: str
    actions: tuple[Action, ...]
    monospace: bool = False
    name: str = ""
    #: Shown first, above the text, in a banner of the error colour that screen readers
    #: announce (role alert): what must not be missed ("" = none).
    alert: str = ""


@dataclass(frozen=True, slots=True)
class ErrorPlace:
    """Where a refusal is shown: beside the question `field`, or at the top (field None), and
    `focus`, the question it concerns, which takes the focus (None: the first question)."""

    field: str | None
    text: str
    focus: str | None = None

    @property
    def concerns(self) -> str | None:
        """The question the focus goes to: the refused one, or the one the refusal is about."""
        return self.field if self.field is not None else self.focus


@dataclass(frozen=True, slots=True)
class Confirm:
    """A question asked before something is lost: `default` is the safe answer's id."""

    title: str
    text: str
    actions: tuple[Action, ...]
    default: str


def window_title(title: str) -> str:
    """`How is your neck today? - Posture Guard`: what the window manager shows."""
    return f"{title} - {APP_NAME}"


def key_name(key: Key) -> str:
    """The key as printed on keyboards, in the reader's language."""
    if key == "enter":
        # Translators: the Enter (Return) key, as printed on keyboards
        return pgettext("key", "Enter")
    # Translators: the Escape key, as printed on keyboards
    return pgettext("key", "Esc")


def button_text(action: Action) -> str:
    """`Save check-in  (Enter)`: the label and the key that does the same."""
    return action.label if action.key is None else f"{action.label}  ({key_name(action.key)})"


def _label(member: Enum) -> str:
    return _(LABELS[member]) if member in LABELS else str(member.value)


def _options(members: Sequence[Enum]) -> tuple[Option, ...]:
    return tuple(Option(str(m.value), _label(m)) for m in members)


def _cancel() -> Action:
    return Action("cancel", _("Cancel"), "escape")


def _close() -> Action:
    return Action("close", _("Close"), "enter", primary=True)


# --- the episode form --------------------------------------------------------------------------

PAIN_QUESTION: Final = N_("How bad is the pain now, from 0 (none) to 10 (worst)?")
#: The choices of the "When?" question; the time and the date are asked beside it.
WHEN_NOW: Final = "now"
WHEN_TODAY: Final = "today"
WHEN_DAY: Final = "day"
#: The example day of the date's hint (any day does: it shows the form to type).
EXAMPLE_DAY: Final = date(2026, 3, 2)


def _not_answered() -> Option:
    # Translators: the choice that leaves an optional question unanswered
    return Option("", _("not answered"))


def pain_scale(name: str, text: str, default: str | None, *, optional: bool) -> SingleChoice:
    """Pain from 0 to 10 as eleven choices, the ends named ("0: no pain", "10: worst
    imaginable"); an optional one adds "not answered" (its default) at the end."""
    labels = {0: _("0: no pain"), 10: _("10: worst imaginable")}
    options = [Option(str(n), labels.get(n, str(n))) for n in range(11)]
    if optional:
        options.append(_not_answered())
    chosen = "" if optional and default is None else default
    return SingleChoice(name, text, tuple(options), chosen, columns=len(options))


def _stiffness(text: str, default: str | None, *, optional: bool) -> SingleChoice:
    options = _options(list(Stiffness))
    if optional:  # unanswered stays unanswered: never "no stiffness" (the CLI's flag left out)
        return SingleChoice("stiffness", text, (*options, _not_answered()), default or "")
    return SingleChoice("stiffness", text, options, default)


def when_questions() -> tuple[Question, ...]:
    """When it was: now (chosen), earlier today at a time, or another day at a time, the clock
    time on the 24-hour clock (localeforms.format_clock) and the day as year-month-day."""
    example = format_date(EXAMPLE_DAY)
    return (
        SingleChoice(
            "at",
            _("When was this?"),
            (
                Option(WHEN_NOW, _("Now")),
                Option(WHEN_TODAY, _("Earlier today, at the time below")),
                Option(WHEN_DAY, _("Another day, at the day and time below")),
            ),
            WHEN_NOW,
            columns=3,
        ),
        Entry(
            "at-time",
            _("At what time? (for earlier today or another day)"),
            # Translators: {example} is a clock time on the 24-hour clock, to type as written
            hint=_("hours:minutes, e.g. {example}").format(example="09:30"),
            width=8,
        ),
        Entry(
            "at-date",
            _("On which day? (for another day)"),
            # Translators: {example} is a date to type as written (year-month-day); {day} is
            # the same date written in words
            hint=_("year-month-day, e.g. {example} for {day}").format(
                example=EXAMPLE_DAY.isoformat(), day=example
            ),
            width=12,
        ),
    )


_CLOCK: Final = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])")
_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def _clock(text: str | None) -> time:
    if text is None:
        raise DiaryValueError("at-time", _("expected a time"), MISSING)
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise DiaryValueError(
            "at-time",
            _("expected hours and minutes on the 24-hour clock, such as 09:30 or 17:45"),
            text.strip(),
        )
    return time(int(found[1]), int(found[2]))


def _day(text: str | None) -> date:
    if text is None:
        raise DiaryValueError("at-date", _("expected a day"), MISSING)
    found = _DAY.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError(text)
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise DiaryValueError(
            "at-date",
            _("expected a day written year-month-day, such as {example}").format(
                example=EXAMPLE_DAY.isoformat()
            ),
            text.strip(),
        ) from None


def when_answer(given: Mapping[str, str | None], now: datetime) -> str | None:
    """The "When?" answers as `--at` carries them: None for now, else the moment in ISO 8601
    in `now`'s zone ("2026-03-02T09:30:00+01:00").

    Raises:
        DiaryValueError: the time or the day is missing or not written as shown (field
            `at-time` or `at-date`), or the time is still to come (the diary records what was).
    """
    choice = given.get("at") or WHEN_NOW
    if choice == WHEN_NOW:
        return None
    clock = _clock(given.get("at-time"))
    day = now.date() if choice == WHEN_TODAY else _day(given.get("at-date"))
    moment = datetime.combine(day, clock, now.tzinfo)
    if moment > now:
        today = choice == WHEN_TODAY
        field = "at-time" if today else "at-date"
        shown = format_clock(clock) if today else format_date_time(moment)
        expected = _("expected a time that has passed (it is {now})")
        raise DiaryValueError(field, expected.format(now=format_date_time(now)), shown)
    return moment.isoformat()


def episode_form(
    *, open_episode: tuple[int, datetime] | None = None, look: Look | None = None
) -> Form:
    """Start an episode (none open), or update the open one (`open_episode`: its id and start),
    with End episode among the actions. Pain is asked on a scale (needed to start; may be left
    unanswered in an update); stiffness may stay unanswered."""
    starting = open_episode is None
    actions: tuple[Action, ...]
    questions: list[Question] = [
        pain_scale("pain", _(PAIN_QUESTION), None, optional=not starting),
        _stiffness(_("How stiff is your neck?"), None, optional=True),
    ]
    if starting:
        questions += [
            MultipleChoice("where", _("Where is it?"), _options(list(Area)), columns=3),
            MultipleChoice("trigger", _("What set it off?"), _options(list(Trigger)), columns=3),
        ]
    questions += [
        MultipleChoice("symptom", _("Do you have any of these?"), _options(list(Symptom))),
        MultipleChoice("helped", _("What has helped?"), _options(list(Helped)), columns=3),
        Notes("notes", _("Notes (optional)")),
        *when_questions(),
    ]
    if open_episode is None:
        title, intro = _("Log a neck-pain episode"), ""
        actions = (Action("save", _("Start episode"), "enter", primary=True), _cancel())
    else:
        number, began = open_episode
        title = _("Update your episode")
        intro = _("Episode {id}, begun {time}.").format(id=number, time=format_date_time(began))
        actions = (
            Action("save", _("Save update"), "enter", primary=True),
            Action("end", _("End episode")),
            _cancel(),
        )
    return Form(
        id="episode",
        title=title,
        questions=tuple(questions),
        actions=actions,
        brand=(look or Look.of(high_contrast=False)).brand_line(),
        intro=intro,
    )


def episode_answers(given: Mapping[str, str | None], now: datetime) -> dict[str, str | None]:
    """The episode form's answers as `diary.EpisodeAnswers` takes them: nothing ticked is no
    answer (the CLI's flag left out), not the word "none"; the "When?" answers are one `at`
    (`when_answer`, which raises as it says)."""
    answers = {
        name: None if text == "none" else text
        for name, text in given.items()
        if name not in ("at-time", "at-date")
    }
    answers["at"] = when_answer(given, now)
    return answers


# --- the check-in form -------------------------------------------------------------------------


def _default_text(value: object) -> str:
    if value is None:
        return ""
    return str(value.value) if isinstance(value, Enum) else str(value)


def _default_word(value: object) -> str | None:
    return str(value.value) if isinstance(value, Enum) else None


def _default_set(value: object) -> frozenset[str]:
    if not isinstance(value, frozenset):
        return frozenset()
    return frozenset(str(m.value) for m in value if isinstance(m, Enum))


def _default_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def check_in_form(defaults: Mapping[str, object], *, look: Look | None = None) -> Form:
    """The check-in's questions (CHECK_IN_QUESTIONS, by their CLI flags) with the diary's
    defaults (`diary.check_in_defaults`, by CheckIn field)."""
    q = CHECK_IN_QUESTIONS
    d = defaults.get
    trend_words = {
        Trend.IMPROVING: _("Getting better"),
        Trend.SAME: _("About the same"),
        Trend.WORSE: _("Worse"),
    }
    pain = d("pain_now")
    had = _default_set(d("symptoms"))
    everyday = {str(m.value) for m in EVERYDAY_SYMPTOMS}
    questions: list[Question] = [
        pain_scale("pain", _(q["pain_now"]), _default_text(pain) or None, optional=False),
        _stiffness(_(q["stiffness"]), _default_word(d("stiffness")), optional=False),
        MultipleChoice(
            "symptom",
            _("Do you have any of these everyday symptoms now? Pick all that apply."),
            _options(EVERYDAY_SYMPTOMS),
            had & everyday,
        ),
        MultipleChoice(
            WARNING_SIGNS,
            _(
                "Do you have any of these warning signs now? Pick all that apply, or "
                "“None of these”."
            ),
            # Translators: the first choice of the check-in's list of warning signs
            (Option(NONE_OF_THESE, _("None of these")), *_options(WARNING_SYMPTOMS)),
            had - everyday,
            none="",
        ),
        SingleChoice(
            "trend",
            _(q["trend"]),
            tuple(Option(str(m.value), word) for m, word in trend_words.items()),
            _default_word(d("trend")),
            columns=3,
        ),
        SingleChoice(
            "lasted", _(q["pain_lasted"]), _options(list(Lasted)), _default_word(d("pain_lasted"))
        ),
    ]
    questions += [
        YesNo(flag, _(q[CHECK_IN_FLAGS[flag]]), _default_bool(d(CHECK_IN_FLAGS[flag])))
        for flag in YES_NO_FLAGS
    ]
    questions += [
        SingleChoice(
            flag,
            _(q[CHECK_IN_FLAGS[flag]]),
            _answers(),
            _default_word(d(CHECK_IN_FLAGS[flag])),
            columns=3,
        )
        for flag in ANSWER_FLAGS
    ]
    questions += [
        Entry(
            "home-care-days",
            _(q["home_care_days"]),
            _default_text(d("home_care_days")),
            _("days"),
            width=6,
        ),
        MultipleChoice(
            "risk",
            _(q["risk_history"]),
            _options(list(RiskFactor)),
            _default_set(d("risk_history")),
        ),
        SingleChoice(
            "age", _(q["age_band"]), _age_bands(), _default_word(d("age_band")), columns=5
        ),
    ]
    return Form(
        id="check-in",
        title=_("How is your neck today?"),
        questions=tuple(_with_words(x) for x in questions),
        actions=(Action("save", _("Save check-in"), "enter", primary=True), _cancel()),
        brand=(look or Look.of(high_contrast=False)).brand_line(),
    )


def _answers() -> tuple[Option, ...]:
    """Yes, no and not sure (Answer), in words."""
    words = {Answer.YES: _("Yes"), Answer.NO: _("No"), Answer.NOT_SURE: _("Not sure")}
    return tuple(Option(str(a.value), word) for a, word in words.items())


def _age_bands() -> tuple[Option, ...]:
    """The age bands the warning signs use (AgeBand), in words."""
    words = {
        AgeBand.UNDER_20: _("under 20"),
        AgeBand.FROM_20_TO_50: _("20 to 50"),
        AgeBand.FROM_51_TO_55: _("51 to 55"),
        AgeBand.FROM_56_TO_64: _("56 to 64"),
        AgeBand.FROM_65: _("65 or older"),
    }
    return tuple(Option(str(band.value), words[band]) for band in AgeBand)


def _with_words(question: Question) -> Question:
    if isinstance(question, YesNo):
        return YesNo(question.name, question.text, question.default, _("Yes"), _("No"))
    return question


#: The check-in form's questions that must be answered (no "not answered" among their choices).
_REQUIRED: Final = frozenset({"pain", "stiffness", WARNING_SIGNS, "lasted", "age"})


def check_in_answers(given: Mapping[str, str | None]) -> dict[str, str | None]:
    """The check-in's answers as `diary.check_in` takes them: the everyday symptoms and the
    warning signs are one `symptom` answer; whether the injury was a dangerous one, or hurt the
    head, is only an answer after an injury (yes or not sure), as the CLI asks it.

    Raises:
        DiaryValueError: the first question in `given`'s order (the form's) that must be
            answered and was not (pain, stiffness, the warning signs: "None of these" is the
            answer for none, how long it has lasted, age), missing; or "None of these" ticked
            with a sign.
    """
    answers = dict(given)
    if answers.get("after-injury") not in ("yes", Answer.NOT_SURE.value):
        answers["high-risk-injury"] = None
        answers["head-injury"] = None
    # the questions the check-in form has no "not answered" for, refused in the form's order
    for name, text in given.items():
        if name in _REQUIRED and not text:
            raise DiaryValueError(name, _("expected an answer"), MISSING)
    signs = [w for w in (answers.pop(WARNING_SIGNS, None) or "").split(",") if w]
    if not signs:
        raise DiaryValueError(WARNING_SIGNS, _("expected the signs you have, or None of these"),
                              MISSING)  # fmt: skip
    if NONE_OF_THESE in signs and len(signs) > 1:
        raise DiaryValueError(
            WARNING_SIGNS,
            _("expected either None of these or the signs you have, not both"),
            ", ".join(signs),
        )
    everyday = [w for w in (answers.get("symptom") or "").split(",") if w and w != "none"]
    ticked = everyday + [w for w in signs if w != NONE_OF_THESE]
    answers["symptom"] = ",".join(ticked) or "none"
    return answers


# --- answers and refusals ----------------------------------------------------------------------


def answer_texts(form: Form, raw: Mapping[str, Raw]) -> dict[str, str | None]:
    """Each question's answer as text, as a CLI flag would carry it (Rule 2): text stripped
    (empty = not given), a choice's word, the ticked words joined by commas or `none`, a
    check box's "yes" or "no"; paragraphs have none."""
    answers: dict[str, str | None] = {}
    for question in form.questions:
        if isinstance(question, Paragraph):
            continue
        value = raw.get(question.name)
        if isinstance(question, MultipleChoice):
            ticked = value if isinstance(value, frozenset) else frozenset()
            words = [o.value for o in question.options if o.value in ticked]
            answers[question.name] = ",".join(words) or question.none
        elif isinstance(value, str):
            answers[question.name] = value.strip() or None
        else:
            answers[question.name] = None
    return answers


def place_error(form: Form, error: Exception) -> ErrorPlace:
    """Where a refusal shows and its words (Rule 3). Beside its question, the value and what
    was expected ("25:00: expected ..."), since the question says which; on top, the whole
    refusal, the focus going to the question it concerns: when the episode may be saved (an
    overlap, a time before its start) is the "When?" question's."""
    if isinstance(error, DiaryValueError) and form.question(error.field) is not None:
        if error.got is MISSING:
            words = _("Please answer this question.")
        else:
            # Translators: a refused answer beside its question: {value} as typed, then what
            # was expected ("25:00: expected hours and minutes ...")
            words = _("{value}: {expected}").format(
                value=error.shown or str(error.got), expected=error.expected
            )
        return ErrorPlace(error.field, f"{WARNING_SIGN} {words}")
    concerns = "at" if isinstance(error, IllegalEpisodeChange) and form.question("at") else None
    return ErrorPlace(None, f"{WARNING_SIGN} {error}", concerns)


def touched(form: Form, raw: Mapping[str, Raw]) -> bool:
    """Whether anything differs from what the form opened with (text typed, a choice made or
    changed), so that closing it would lose what was entered."""
    for question in form.questions:
        if isinstance(question, Paragraph):  # words to read, nothing to answer
            continue
        value = raw.get(question.name)
        if isinstance(question, MultipleChoice):
            if (value if isinstance(value, frozenset) else frozenset()) != question.default:
                return True
        elif isinstance(question, Entry | Notes):
            default = question.default if isinstance(question, Entry) else ""
            if (value if isinstance(value, str) else "").strip() != default.strip():
                return True
        elif isinstance(question, YesNo):
            opened = None if question.default is None else ("yes" if question.default else "no")
            if value != opened:
                return True
        elif isinstance(question, Check):
            if value != ("yes" if question.default else "no"):
                return True
        elif (value or None) != (question.default or None):
            return True
    return False


def discard_question() -> Confirm:
    """Asked when a form that was filled in is closed (Esc, Cancel, the window's close
    button): Keep editing is the default, so Enter or a second Esc keep what was entered."""
    return Confirm(
        title=_("Discard what you entered?"),
        text=_("What you entered in this form has not been saved."),
        actions=(
            Action("keep", _("Keep editing"), "escape", primary=True),
            Action("discard", _("Discard")),
        ),
        default="keep",
    )


# --- results -----------------------------------------------------------------------------------


def episode_result(action: Literal["start", "update", "end"], text: str) -> Result:
    """After an episode is started, updated or ended: what the diary said (in the words the
    form used: `diary.describe_episode(..., plain=True)`)."""
    heading = _("Episode ended") if action == "end" else _("Saved")
    return Result(heading, text, (_close(),))


#: The action that opens the settings window at the clinic, where advice has no clinic to offer.
ADD_CLINIC: Final = "add-clinic"


def _add_clinic() -> Action:
    return Action(ADD_CLINIC, _("Add my clinic"))


def check_in_result(
    heading: str, advice: str, *, booking: bool, add_clinic: bool = False
) -> Result:
    """After a check-in: the advice (its heading on top), the booking page when offered, and
    Add my clinic when no clinic is set (and the person may set one)."""
    actions = [_close()]
    if booking:
        actions.append(Action("book", _("Open booking page")))
    if add_clinic:
        actions.append(_add_clinic())
    return Result(heading, advice, tuple(actions))


# --- the info windows --------------------------------------------------------------------------


def _close_window() -> Action:
    return Action("close", _("Close"), "escape")


def advice_alert(tier: Tier, what_to_do: str) -> str:
    """The banner over the advice: for the emergency tier, what to do now, with the emergency
    numbers (`what_to_do` names them); "" for every other tier, which reads as plain text."""
    if tier is not Tier.EMERGENCY:
        return ""
    # Translators: the banner on top of emergency advice; {what_to_do} says to call the
    # emergency number and names the numbers
    return _("Emergency. {what_to_do}").format(what_to_do=what_to_do)


def advice_window(
    advice: str | None, *, booking: bool, alert: str = "", add_clinic: bool = False
) -> TextWindow:
    """The latest advice (None: no check-in yet), with the booking button when it offers one,
    Add my clinic when no clinic is set, and `alert` (advice_alert) in a banner above it."""
    text = (
        advice
        if advice is not None
        else _("No check-in yet: choose Check-in… in the tray menu first.")
    )
    actions = [_close_window()]
    if booking:
        actions.append(Action("book", _("Book an appointment")))
    if add_clinic:
        actions.append(_add_clinic())
    # Translators: the window's title: {app} is Posture Guard
    title = _("{app}: advice").format(app=APP_NAME)
    return TextWindow(title, text, tuple(actions), name=_("Advice"), alert=alert)


def settings_window(settings: str, *, problem: str = "") -> TextWindow:
    """Every setting and where it came from (`config show`), after a problem opening the file."""
    text = f"{problem}\n\n{settings}" if problem else settings
    return TextWindow(
        _("{app}: settings").format(app=APP_NAME),
        text,
        (_close_window(), Action("open-again", _("Open the file again"))),
        monospace=True,
        name=_("Settings"),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class About:
    """What the About window says: the version, who provides the app, what leaves the
    computer, a support contact, and where the files are."""

    version: str
    settings_file: str
    diary_file: str
    log_file: str
    organisation: str | None = None
    support_contact: str | None = None
    fleet: bool = False


def about_text(about: About) -> str:
    """The About window's text. Each file's line is its label and its path, unpadded: columns
    padded by counting characters break in scripts whose letters are not one column each
    (Devanagari, wide East Asian letters), and the window's font is not always monospace."""
    who = about.organisation
    head = f"{APP_NAME} {about.version}"
    if who:
        head = _("{app} {version}, provided by {organisation}").format(
            app=APP_NAME, version=about.version, organisation=who
        )
    lines = [
        head,
        "",
        _("Breaks earned by active screen time, with one concrete exercise each,"),
        _("a private diary of neck-pain episodes, and advice on warning signs."),
        _("Your diary, check-ins and advice never leave this computer.")
        if about.fleet
        else _("Nothing leaves this computer."),
    ]
    if about.fleet:
        lines.append(
            _(
                "{organisation} receives daily counts only: active minutes (rounded to 15) and "
                "breaks prompted, taken and skipped."
            ).format(organisation=who or _("Your organisation"))
        )
    if about.support_contact:
        lines.append(_("Questions about the app: {contact}").format(contact=about.support_contact))
    files = [
        (_("Settings:"), about.settings_file),
        (_("Diary:"), about.diary_file),
        (_("Log:"), about.log_file),
    ]
    lines += ["", *(f"{label} {path}" for label, path in files)]
    return "\n".join(lines)


def about_window(about: About) -> TextWindow:
    """The About window: monospace, so whole paths stay on their lines."""
    return TextWindow(
        _("About {app}").format(app=APP_NAME),
        about_text(about),
        (_close_window(),),
        monospace=True,
        name=_("About"),
    )
