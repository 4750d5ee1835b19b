"""The forms' and info windows' descriptions (core/form_view.py), with plain values."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from posture_guard.core import i18n
from posture_guard.core.episodes import CHECK_IN_QUESTIONS, AgeBand, RiskFactor, Stiffness, Symptom
from posture_guard.core.errors import MISSING, DiaryValueError, IllegalEpisodeChange
from posture_guard.core.form_view import (
    About,
    Action,
    Entry,
    ErrorPlace,
    Look,
    MultipleChoice,
    Notes,
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
    episode_answers,
    episode_form,
    episode_result,
    place_error,
    settings_window,
    window_title,
)
from posture_guard.core.triage import Tier
from posture_guard.desktop import language

CHECK_IN_DEFAULTS = {"symptoms": frozenset(), "pain_disturbs_sleep": False, "trend": None}


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
        "pain", "stiffness", "where", "trigger", "symptom", "helped", "notes", "at",
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
    # every question once; the injury's follow-up right after it
    assert sorted(q.text for q in form.questions) == sorted(CHECK_IN_QUESTIONS.values())
    names = [q.name for q in form.questions]
    assert names.index("high-risk-injury") == names.index("after-injury") + 1
    pain, stiffness, symptoms = form.questions[:3]
    assert pain == Entry("pain", CHECK_IN_QUESTIONS["pain_now"], "4", "0 to 10", width=6)
    assert isinstance(stiffness, SingleChoice)
    assert stiffness.default == "mild"
    assert [o.label for o in stiffness.options][:2] == ["no stiffness", "a little stiff"]
    assert isinstance(symptoms, MultipleChoice)
    assert symptoms.none == "none"
    assert len(symptoms.options) == len(Symptom)
    sleep = form.question("sleep-disturbed")
    assert sleep == YesNo("sleep-disturbed", CHECK_IN_QUESTIONS["pain_disturbs_sleep"], False,
                          "Yes", "No")  # fmt: skip
    injury = form.question("high-risk-injury")
    assert isinstance(injury, YesNo)
    assert injury.default is None
    risk = form.question("risk")
    assert isinstance(risk, MultipleChoice)
    assert risk.default == frozenset({"cancer"})
    age = form.question("age")
    assert isinstance(age, Entry)
    assert age.default == "20-50"
    assert age.hint == "years, or under-20, 20-50, 51-55, 56-64, 65-plus"
    assert form.actions[0] == Action("save", "Save check-in", "enter", primary=True)


def test_no_default_means_no_answer_yet():
    form = check_in_form(CHECK_IN_DEFAULTS)
    stiffness, trend, age = (form.question(n) for n in ("stiffness", "trend", "age"))
    assert isinstance(stiffness, SingleChoice)
    assert stiffness.default is None
    assert isinstance(trend, SingleChoice)
    assert trend.default is None
    assert isinstance(age, Entry)
    assert age.default == ""


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
    assert all(w.startswith("<") for w in words), [w for w in words if not w.startswith("<")]
    assert button_text(form.actions[0]) == "<Save check-in>  (<key|Enter>)"


def test_answers_travel_as_the_clis_flags_carry_them():
    form = episode_form()
    raw = {"pain": " 6 ", "stiffness": "mild", "where": frozenset({"shoulder", "neck-left"}),
           "trigger": frozenset(), "notes": "  ", "at": ""}  # fmt: skip
    given = answer_texts(form, raw)
    assert given == {
        "pain": "6", "stiffness": "mild", "where": "neck-left,shoulder", "trigger": "none",
        "symptom": "none", "helped": "none", "notes": None, "at": None,
    }  # fmt: skip
    # an episode takes nothing ticked as the flag left out
    assert episode_answers(given)["trigger"] is None
    assert episode_answers(given)["where"] == "neck-left,shoulder"


def test_a_dangerous_injury_is_only_an_answer_after_an_injury():
    assert check_in_answers({"after-injury": "no", "high-risk-injury": "yes"}) == {
        "after-injury": "no", "high-risk-injury": None,
    }  # fmt: skip
    assert check_in_answers({"after-injury": "yes", "high-risk-injury": None}) == {
        "after-injury": "yes", "high-risk-injury": None,
    }  # fmt: skip
    assert (
        check_in_answers({"after-injury": "yes", "high-risk-injury": "no"})["high-risk-injury"]
        == "no"
    )


def test_a_refusal_goes_beside_the_question_it_names():
    form = check_in_form(CHECK_IN_DEFAULTS)
    wrong = DiaryValueError("pain", "expected a whole number from 0 to 10", 11)
    assert place_error(form, wrong) == ErrorPlace(
        "pain", "\u26a0 pain = 11: expected a whole number from 0 to 10"
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


def test_the_info_windows():
    none_yet = advice_window(None, booking=False)
    assert none_yet.title == "Posture Guard: advice"
    assert none_yet.text == "No check-in yet: choose Check-in… in the tray menu first."
    assert [button_text(a) for a in none_yet.actions] == ["Close  (Esc)"]
    booking = advice_window("Advice: book", booking=True)
    assert [a.id for a in booking.actions] == ["close", "book"]  # Tab goes from Close to it
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
