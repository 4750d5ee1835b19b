"""The forms' and info windows' descriptions (core/form_view.py), with plain values."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from posture_guard.core import i18n
from posture_guard.core.episodes import (
    CHECK_IN_QUESTIONS,
    EVERYDAY_SYMPTOMS,
    WARNING_SYMPTOMS,
    AgeBand,
    RiskFactor,
    Stiffness,
    Symptom,
)
from posture_guard.core.errors import MISSING, DiaryValueError, IllegalEpisodeChange
from posture_guard.core.form_view import (
    About,
    Action,
    Entry,
    ErrorPlace,
    Look,
    MultipleChoice,
    Notes,
    Option,
    SingleChoice,
    YesNo,
    about_text,
    about_window,
    advice_window,
    answer_texts,
    button_text,
    check_in_answers,
    check_in_form,
    check_in_result,
    discard_question,
    episode_answers,
    episode_form,
    episode_result,
    place_error,
    settings_window,
    touched,
    when_answer,
    window_title,
)
from posture_guard.core.tiers import Tier
from posture_guard.desktop import language

CHECK_IN_DEFAULTS = {"symptoms": frozenset(), "pain_disturbs_sleep": False, "trend": None}
#: A moment of the tests' own (not today), one hour east of UTC.
NOW = datetime(2026, 3, 2, 14, 30, tzinfo=timezone(timedelta(hours=1)))


class Marked:
    """A catalogue that wraps every message, to see which words went through it."""

    def gettext(self, message: str, /) -> str:
        return f"<{message}>"

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return f"<{singular if n == 1 else plural}>"

    def pgettext(self, context: str, message: str, /) -> str:
        return f"<{context}|{message}>"


@pytest.fixture
def marked():
    i18n.use(Marked(), "xx")
    yield
    i18n.use(i18n.English(), "en")


def test_the_episode_form_asks_where_and_why_only_when_starting():
    starting = episode_form()
    assert starting.title == "Log a neck-pain episode"
    assert window_title(starting.title) == "Log a neck-pain episode - Posture Guard"
    assert [q.name for q in starting.questions] == [
        "pain", "stiffness", "where", "trigger", "symptom", "helped", "notes", "at", "at-time",
        "at-date",
    ]  # fmt: skip
    assert [(a.id, button_text(a)) for a in starting.actions] == [
        ("save", "Start episode  (Enter)"),
        ("cancel", "Cancel  (Esc)"),
    ]
    began = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    updating = episode_form(open_episode=(3, began))
    assert updating.title == "Update your episode"
    assert updating.intro == "Episode 3, begun 2 March 2026, 09:00."
    assert "where" not in [q.name for q in updating.questions]
    assert [a.id for a in updating.actions] == ["save", "end", "cancel"]
    assert isinstance(updating.question("notes"), Notes)


def test_the_check_in_form_asks_the_check_in_questions_with_the_diarys_defaults():
    defaults = {
        **CHECK_IN_DEFAULTS,
        "stiffness": Stiffness.MILD,
        "pain_now": 4,
        "risk_history": frozenset({RiskFactor.CANCER}),
        "age_band": AgeBand.FROM_20_TO_50,
        "home_care_days": 0,
    }
    form = check_in_form(defaults)
    assert form.title == "How is your neck today?"
    # every question once (the symptoms in two lists); the injury's follow-ups right after it
    lists = [
        "Do you have any of these everyday symptoms now? Pick all that apply.",
        "Do you have any of these warning signs now? Pick all that apply, or \u201cNone of "
        "these\u201d.",
    ]
    asked = [t for f, t in CHECK_IN_QUESTIONS.items() if f != "symptoms"]
    assert sorted(q.text for q in form.questions) == sorted(asked + lists)
    names = [q.name for q in form.questions]
    assert names.index("high-risk-injury") == names.index("after-injury") + 1
    assert names.index("head-injury") == names.index("after-injury") + 2
    pain, stiffness, symptoms, signs = form.questions[:4]
    assert isinstance(pain, SingleChoice)
    assert (pain.text, pain.default) == (CHECK_IN_QUESTIONS["pain_now"], "4")
    assert isinstance(stiffness, SingleChoice)
    assert stiffness.default == "mild"
    assert [o.label for o in stiffness.options][:2] == ["no stiffness", "a little stiff"]
    assert isinstance(symptoms, MultipleChoice)
    assert symptoms.none == "none"
    assert [o.value for o in symptoms.options] == [s.value for s in EVERYDAY_SYMPTOMS]
    # the warning signs apart, "None of these" first and nothing ticked not an answer
    assert isinstance(signs, MultipleChoice)
    assert (signs.name, signs.none) == ("warning-signs", "")
    assert signs.options[0] == Option("none", "None of these")
    assert [o.value for o in signs.options[1:]] == [s.value for s in WARNING_SYMPTOMS]
    assert {o.value for o in signs.options[1:]} | {s.value for s in EVERYDAY_SYMPTOMS} == {
        s.value for s in Symptom
    }
    sleep = form.question("sleep-disturbed")
    assert sleep == YesNo("sleep-disturbed", CHECK_IN_QUESTIONS["pain_disturbs_sleep"], False,
                          "Yes", "No")  # fmt: skip
    for name in ("high-risk-injury", "head-injury"):
        injury = form.question(name)
        assert isinstance(injury, SingleChoice)
        assert injury.default is None
        assert [o.value for o in injury.options] == ["yes", "no", "not-sure"]
        assert [o.label for o in injury.options] == ["Yes", "No", "Not sure"]
    after = form.question("after-injury")
    assert isinstance(after, SingleChoice)
    assert after.text == CHECK_IN_QUESTIONS["after_injury"]
    work = form.question("stops-work")
    assert isinstance(work, YesNo)
    assert work.text == "Is the pain interfering with your work?"
    lasted = form.question("lasted")
    assert isinstance(lasted, SingleChoice)
    assert [o.label for o in lasted.options] == [
        "less than a week", "1 to 3 weeks", "3 to 12 weeks", "more than 12 weeks",
    ]  # fmt: skip
    risk = form.question("risk")
    assert isinstance(risk, MultipleChoice)
    assert risk.default == frozenset({"cancer"})
    age = form.question("age")
    assert isinstance(age, SingleChoice)
    assert age.default == "20-50"
    assert form.actions[0] == Action("save", "Save check-in", "enter", primary=True)


def test_no_default_means_no_answer_yet():
    form = check_in_form(CHECK_IN_DEFAULTS)
    stiffness, trend, age = (form.question(n) for n in ("stiffness", "trend", "age"))
    assert isinstance(stiffness, SingleChoice)
    assert stiffness.default is None
    assert isinstance(trend, SingleChoice)
    assert trend.default is None
    assert isinstance(age, SingleChoice)
    assert age.default is None
    pain = form.question("pain")
    assert isinstance(pain, SingleChoice)
    assert pain.default is None


def test_every_word_is_translated_when_the_description_is_built(marked):
    form = check_in_form(CHECK_IN_DEFAULTS, look=Look.of(high_contrast=False, organisation="Acme"))
    assert form.title == "<How is your neck today?>"
    assert form.brand == "Posture Guard  \u00b7  Acme"  # names are not translated
    words = [form.title]
    for q in form.questions:
        words += [q.text]
        if isinstance(q, (SingleChoice, MultipleChoice)):
            words += [o.label for o in q.options]
        if isinstance(q, YesNo):
            words += [q.yes, q.no]
        if isinstance(q, Entry) and q.hint:
            words += [q.hint]
    words += [button_text(a) for a in form.actions]
    # the pain scale's middle numbers are digits, ASCII in every language (localeforms Rule 2)
    words = [w for w in words if not w.isdigit()]
    assert all(w.startswith("<") for w in words), [w for w in words if not w.startswith("<")]
    assert button_text(form.actions[0]) == "<Save check-in>  (<key|Enter>)"


def test_answers_travel_as_the_clis_flags_carry_them():
    form = episode_form()
    raw = {"pain": "6", "stiffness": "mild", "where": frozenset({"shoulder", "neck-left"}),
           "trigger": frozenset(), "notes": "  ", "at": "now", "at-time": " "}  # fmt: skip
    given = answer_texts(form, raw)
    assert given == {
        "pain": "6", "stiffness": "mild", "where": "neck-left,shoulder", "trigger": "none",
        "symptom": "none", "helped": "none", "notes": None, "at": "now", "at-time": None,
        "at-date": None,
    }  # fmt: skip
    # an episode takes nothing ticked as the flag left out, and "now" as no --at
    answers = episode_answers(given, NOW)
    assert answers["trigger"] is None
    assert answers["where"] == "neck-left,shoulder"
    assert answers["at"] is None
    assert "at-time" not in answers


NONE = {"warning-signs": "none"}


def test_a_dangerous_injury_is_only_an_answer_after_an_injury():
    """# Protects: the injury's follow-ups (dangerous? the head?) count only after an injury,
    "not sure" included."""
    assert check_in_answers({**NONE, "after-injury": "no", "high-risk-injury": "yes",
                             "head-injury": "yes"}) == {
        "after-injury": "no", "high-risk-injury": None, "head-injury": None, "symptom": "none",
    }  # fmt: skip
    assert check_in_answers({**NONE, "after-injury": "yes", "high-risk-injury": None}) == {
        "after-injury": "yes", "high-risk-injury": None, "symptom": "none",
    }  # fmt: skip
    unsure = check_in_answers(
        {**NONE, "after-injury": "not-sure", "high-risk-injury": "no", "head-injury": "not-sure"}
    )
    assert (unsure["high-risk-injury"], unsure["head-injury"]) == ("no", "not-sure")


def test_the_warning_signs_need_an_explicit_answer_and_join_the_symptoms():
    """# Protects: the check-in's symptom list keeps everyday symptoms apart from warning signs,
    and "none of these" must be said: nothing ticked is no answer, not "none"."""
    with pytest.raises(DiaryValueError) as missing:
        check_in_answers({"symptom": "headache", "warning-signs": None})
    assert (missing.value.field, missing.value.got) == ("warning-signs", MISSING)
    form = check_in_form(CHECK_IN_DEFAULTS)
    assert place_error(form, missing.value) == ErrorPlace(
        "warning-signs", "\u26a0 Please answer this question."
    )
    with pytest.raises(DiaryValueError, match="not both"):
        check_in_answers({"symptom": "none", "warning-signs": "none,dizziness"})
    joined = check_in_answers({"symptom": "headache,twitching", "warning-signs": "dizziness"})
    assert joined["symptom"] == "headache,twitching,dizziness"
    assert "warning-signs" not in joined
    assert check_in_answers({"symptom": "none", "warning-signs": "none"})["symptom"] == "none"


def test_a_refusal_goes_beside_the_question_it_names():
    form = check_in_form(CHECK_IN_DEFAULTS)
    wrong = DiaryValueError("pain", "expected a whole number from 0 to 10", 11)
    assert place_error(form, wrong) == ErrorPlace(
        "pain", "\u26a0 11: expected a whole number from 0 to 10"
    )
    missing = DiaryValueError("stiffness", "expected an answer", MISSING)
    assert place_error(form, missing) == ErrorPlace(
        "stiffness", "\u26a0 Please answer this question."
    )
    elsewhere = DiaryValueError("where", "expected a word", "x")  # not a question of this form
    assert place_error(form, elsewhere).field is None
    assert place_error(form, IllegalEpisodeChange("no episode is open")) == ErrorPlace(
        None, "\u26a0 no episode is open"
    )


def test_results_offer_close_on_enter_and_the_booking_page_when_there_is_one():
    saved = episode_result("start", "Started episode 1.")
    assert (saved.heading, saved.text) == ("Saved", "Started episode 1.")
    assert [button_text(a) for a in saved.actions] == ["Close  (Enter)"]
    assert episode_result("end", "").heading == "Episode ended"
    advice = check_in_result("Book an appointment", "text", booking=True)
    assert [a.id for a in advice.actions] == ["close", "book"]
    assert [a.id for a in check_in_result("h", "t", booking=False).actions] == ["close"]
    # Protects: with no clinic set, the advice offers a button to add one (never a command)
    no_clinic = check_in_result("h", "t", booking=False, add_clinic=True)
    assert [button_text(a) for a in no_clinic.actions] == ["Close  (Enter)", "Add my clinic"]


def test_the_info_windows():
    none_yet = advice_window(None, booking=False)
    assert none_yet.title == "Posture Guard: advice"
    assert none_yet.text == "No check-in yet: choose Check-in… in the tray menu first."
    assert [button_text(a) for a in none_yet.actions] == ["Close  (Esc)"]
    booking = advice_window("Advice: book", booking=True)
    assert [a.id for a in booking.actions] == ["close", "book"]  # Tab goes from Close to it
    no_clinic = advice_window("Advice: book", booking=False, add_clinic=True)
    assert [a.id for a in no_clinic.actions] == ["close", "add-clinic"]
    settings = settings_window('[general] snooze = "5m"', problem="no opener")
    assert settings.monospace
    assert settings.text.startswith("no opener\n\n[general]")
    assert [a.id for a in settings.actions] == ["close", "open-again"]


def test_about_aligns_the_files_and_says_what_leaves_the_computer():
    about = About(version="1.2", settings_file="/c.toml", diary_file="/d.db", log_file="/l.log")
    assert about_text(about).splitlines() == [
        "Posture Guard 1.2",
        "",
        "Breaks earned by active screen time, with one concrete exercise each,",
        "a private diary of neck-pain episodes, and advice on warning signs.",
        "Nothing leaves this computer.",
        "",
        "Settings: /c.toml",
        "Diary: /d.db",
        "Log: /l.log",
    ]
    fleet = About(version="1.2", settings_file="/c", diary_file="/d", log_file="/l",
                  organisation="Acme", support_contact="it@acme.example", fleet=True)  # fmt: skip
    lines = about_text(fleet).splitlines()
    assert lines[0] == "Posture Guard 1.2, provided by Acme"
    assert lines[5].startswith("Acme receives daily counts only")
    assert lines[6] == "Questions about the app: it@acme.example"
    window = about_window(about)
    assert (window.title, window.monospace) == ("About Posture Guard", True)


def test_the_look_keeps_high_contrast_and_puts_the_accent_where_it_reads():
    high = Look.of(high_contrast=True, accent="#7A1F5C", organisation="Acme")
    assert (high.page, high.text, high.accent) == ("#000000", "#FFFFFF", "#FFDD00")
    branded = Look.of(high_contrast=False, accent="#7A1F5C", organisation="Acme")
    assert branded.accent == "#7A1F5C"
    assert branded.brand_line() == "Posture Guard  \u00b7  Acme"
    assert Look.of(high_contrast=False).brand_line() == ""
    assert set(branded.colours()) >= {"page", "text", "muted", "accent", "on_accent", "focus",
                                      "field", "error"}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "begun"), [("de", "2. März 2026, 09:00"), ("hi", "2 मार्च 2026, 09:00")]
)
def test_the_episode_begun_is_written_in_the_language_s_form(code, begun):
    i18n.use(*language.catalogue_for([code]))
    try:
        began = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
        intro = episode_form(open_episode=(3, began)).intro
    finally:
        i18n.use(i18n.English(), "en")
    assert begun in intro
    assert "2026-03-02" not in intro


def test_about_files_are_never_padded_by_counting_letters():
    """Devanagari labels take fewer columns than letters: padding by len() misaligns them, so
    each file line is its label, one space and its path, in every language."""
    about = About(version="1", settings_file="/c.toml", diary_file="/d.db", log_file="/l.log")
    i18n.use(*language.catalogue_for(["hi"]))
    try:
        lines = about_text(about).splitlines()[-3:]
        labels = [i18n._("Settings:"), i18n._("Diary:"), i18n._("Log:")]
    finally:
        i18n.use(i18n.English(), "en")
    assert labels[0] != "Settings:"  # the Hindi catalogue is in use
    assert lines == [f"{labels[0]} /c.toml", f"{labels[1]} /d.db", f"{labels[2]} /l.log"]


@pytest.mark.parametrize("tier", list(Tier))
def test_only_emergency_advice_opens_with_a_banner_that_names_the_numbers(tier: Tier) -> None:
    """Issue 13: emergency advice looked like any other in the advice window. Its banner comes
    first, says it is an emergency and carries what to do with the numbers; other tiers have
    none (the window's text says them)."""
    from posture_guard.core.form_view import advice_alert, advice_window

    what = "Call your local emergency number now (112, 999, 911)."
    alert = advice_alert(tier, what)
    window = advice_window("the advice", booking=False, alert=alert)
    if tier is Tier.EMERGENCY:
        assert alert == "Emergency. " + what
        assert window.alert == alert
    else:
        assert alert == ""
        assert window.alert == ""


# --- the issue "The first day at the desk" -------------------------------------------------------


def test_an_unanswered_stiffness_stays_unanswered():
    """It was saved as "no stiffness": the episode form's stiffness opens on "not answered",
    which travels as no answer (the CLI's --stiffness left out), never as "none"."""
    for form in (episode_form(), episode_form(open_episode=(3, NOW))):
        stiffness = form.question("stiffness")
        assert isinstance(stiffness, SingleChoice)
        assert stiffness.default == ""
        assert stiffness.options[-1] == Option("", "not answered")
        assert "none" in [o.value for o in stiffness.options]  # "no stiffness" is an answer
        given = answer_texts(form, {"stiffness": "", "at": "now"})
        assert episode_answers(given, NOW)["stiffness"] is None


def test_pain_is_chosen_on_a_scale_from_0_to_10_with_its_ends_named():
    """Pain was typed as a number: it is eleven choices, 0 and 10 named; "not answered" stays
    possible where the question is optional (an update), not where it is needed."""
    starting = episode_form().question("pain")
    assert isinstance(starting, SingleChoice)
    assert [o.value for o in starting.options] == [str(n) for n in range(11)]
    assert (starting.options[0].label, starting.options[10].label) == (
        "0: no pain", "10: worst imaginable",
    )  # fmt: skip
    assert starting.default is None  # no answer yet, and none to leave it at
    update = episode_form(open_episode=(3, NOW)).question("pain")
    assert isinstance(update, SingleChoice)
    assert update.options[-1] == Option("", "not answered")
    assert update.default == ""
    check_in = check_in_form(CHECK_IN_DEFAULTS).question("pain")
    assert isinstance(check_in, SingleChoice)
    assert "" not in [o.value for o in check_in.options]


def test_age_is_chosen_among_the_bands_the_triage_uses():
    """Age was typed as words: the bands are the choices, their values the diary's words."""
    age = check_in_form(CHECK_IN_DEFAULTS).question("age")
    assert isinstance(age, SingleChoice)
    assert [o.value for o in age.options] == [b.value for b in AgeBand]
    assert [o.label for o in age.options] == [
        "under 20", "20 to 50", "51 to 55", "56 to 64", "65 or older",
    ]  # fmt: skip


def when(choice: str, clock: str | None = None, day: str | None = None) -> str | None:
    return when_answer({"at": choice, "at-time": clock, "at-date": day}, NOW)


def test_when_is_now_earlier_today_or_another_day_at_a_time():
    """The time was typed as 2026-03-02T09:00: "Now" (the default), "Earlier today" at a clock
    time, or "Another day" at a day and time, travelling as --at's ISO text in now's zone."""
    form = episode_form()
    at = form.question("at")
    assert isinstance(at, SingleChoice)
    assert [o.label for o in at.options] == [
        "Now", "Earlier today, at the time below", "Another day, at the day and time below",
    ]  # fmt: skip
    assert at.default == "now"
    date_entry = form.question("at-date")
    assert isinstance(date_entry, Entry)
    assert date_entry.hint == "year-month-day, e.g. 2026-03-02 for 2 March 2026"
    assert when("now", "09:00") is None  # the time is for the other two choices
    assert when("today", "9:05") == "2026-03-02T09:05:00+01:00"
    assert when("today", "09.05") == "2026-03-02T09:05:00+01:00"
    assert when("day", "23:59", "2026-2-27") == "2026-02-27T23:59:00+01:00"


@pytest.mark.parametrize(
    ("choice", "clock", "day", "field", "words"),
    [
        ("today", None, None, "at-time", "Please answer this question."),
        ("today", "25:00", None, "at-time",
         "25:00: expected hours and minutes on the 24-hour clock, such as 09:30 or 17:45"),
        ("today", "15:00", None, "at-time",
         "15:00: expected a time that has passed (it is 2 March 2026, 14:30)"),
        ("day", "09:00", None, "at-date", "Please answer this question."),
        ("day", "09:00", "2/3/2026", "at-date",
         "2/3/2026: expected a day written year-month-day, such as 2026-03-02"),
        ("day", "09:00", "2026-02-30", "at-date",
         "2026-02-30: expected a day written year-month-day, such as 2026-03-02"),
    ],
)  # fmt: skip
def test_a_time_or_day_not_as_shown_is_refused_beside_it(choice, clock, day, field, words):
    form = episode_form()
    with pytest.raises(DiaryValueError) as refused:
        when(choice, clock, day)
    assert place_error(form, refused.value) == ErrorPlace(field, f"\u26a0 {words}")


def test_a_refusal_on_top_sends_the_focus_to_the_question_it_concerns():
    """A refusal on top was not brought to the person: an episode change refused (an overlap,
    a time before the start) is about "When?", which takes the focus; others the first one."""
    place = place_error(episode_form(), IllegalEpisodeChange("it would overlap episode 1"))
    assert place == ErrorPlace(None, "\u26a0 it would overlap episode 1", "at")
    assert place.concerns == "at"
    beside = place_error(episode_form(), DiaryValueError("pain", "expected", MISSING))
    assert beside.concerns == "pain"
    other = place_error(check_in_form(CHECK_IN_DEFAULTS), IllegalEpisodeChange("x"))
    assert other.concerns is None


def test_a_form_is_touched_once_anything_differs_from_what_it_opened_with():
    """Esc threw a filled form away: closing asks first when anything was entered, and an
    untouched form (its defaults, blank text) closes at once."""
    form = check_in_form({**CHECK_IN_DEFAULTS, "pain_now": 4, "age_band": AgeBand.UNDER_20})
    opened = {
        "pain": "4", "stiffness": None, "symptom": frozenset(), "sleep-disturbed": "no",
        "high-risk-injury": None, "home-care-days": "", "age": "under-20", "trend": None,
        "stops-work": None, "daily-life-affected": None, "after-injury": None,
        "risk": frozenset(),
    }  # fmt: skip
    assert not touched(form, opened)
    for name, value in (("pain", "5"), ("stiffness", "mild"), ("symptom", frozenset({"fever"})),
                        ("sleep-disturbed", "yes"), ("home-care-days", "2"), ("age", None)):  # fmt: skip
        assert touched(form, {**opened, name: value}), name
    episode = episode_form()
    blank = {"pain": None, "stiffness": "", "notes": "\n", "at": "now", "at-time": ""}
    assert not touched(episode, blank)
    assert touched(episode, {**blank, "notes": "stiff after the desk"})
    assert touched(episode, {**blank, "at": "today"})


def test_the_discard_question_keeps_editing_by_default():
    confirm = discard_question()
    assert confirm.title == "Discard what you entered?"
    assert [(a.id, a.label) for a in confirm.actions] == [
        ("keep", "Keep editing"), ("discard", "Discard"),
    ]  # fmt: skip
    assert confirm.default == "keep"
