"""The first run's welcome (core/welcome.py), with plain values: when it opens, what it says,
and what Start does with what was typed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from posture_guard.core import config, i18n
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.errors import AutostartError, ClinicError
from posture_guard.core.first_run import FirstRun, first_run_step
from posture_guard.core.form_view import (
    Check,
    Entry,
    ErrorPlace,
    Paragraph,
    answer_texts,
    place_error,
    window_title,
)
from posture_guard.core.settings import BreakSpec, Settings
from posture_guard.core.welcome import (
    BOOKING_URL,
    CLINIC_NAME,
    PHONE,
    START_AT_LOGIN,
    WelcomeAnswers,
    clinic_profile,
    duration_words,
    login_action,
    place_clinic_error,
    place_login_error,
    plan_lines,
    read_answers,
    welcome_form,
)
from posture_guard.desktop import language

BOOKING = "https://riverside-physio.example/book"


def with_breaks(*breaks: BreakSpec) -> Settings:
    settings = config.defaults()
    return replace(settings, timer=replace(settings.timer, breaks=breaks))


@pytest.fixture
def german() -> Iterator[None]:
    i18n.use(*language.catalogue_for(["de"]))
    yield
    i18n.use(i18n.English(), "en")


@pytest.fixture
def pseudo() -> Iterator[None]:
    i18n.use(*language.catalogue_for(["en_XA"]))
    yield
    i18n.use(i18n.English(), "en")


# --- when ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "managed", "desktop", "step"),
    [
        # the first run on a desktop with no policy: the notice and the window
        (False, False, True, FirstRun.WELCOME),
        # under a policy: no questions, the notice alone (a managed rollout asks nothing)
        (False, True, True, FirstRun.NOTICE),
        # no desktop (headless, no display): the notice in the terminal, as before
        (False, False, False, FirstRun.NOTICE),
        (False, True, False, FirstRun.NOTICE),
        # once only: after the marker, nothing, whatever else holds
        (True, False, True, FirstRun.DONE),
        (True, True, False, FirstRun.DONE),
    ],
)
def test_first_run_welcomes_with_a_window_only_on_an_unmanaged_desktop_and_once(
    shown: bool, managed: bool, desktop: bool, step: FirstRun
) -> None:
    assert first_run_step(shown=shown, managed=managed, desktop=desktop) is step


# --- what it says ------------------------------------------------------------------------------


def test_welcome_says_what_it_does_what_stays_private_the_plan_and_asks_two_things() -> None:
    form = welcome_form(config.defaults())
    assert window_title(form.title) == "Welcome - Posture Guard"
    assert form.small
    assert [(type(q).__name__, q.name) for q in form.questions] == [
        ("Paragraph", "what"),
        ("Paragraph", "private"),
        ("Paragraph", "plan"),
        ("Check", START_AT_LOGIN),
        ("Paragraph", "clinic"),
        ("Entry", CLINIC_NAME),
        ("Entry", BOOKING_URL),
        ("Entry", PHONE),
    ]
    what, private, plan = form.questions[:3]
    assert isinstance(what, Paragraph)
    assert "one concrete exercise each time" in what.lines[0]
    assert "private diary" in what.lines[1]
    assert "warning signs" in what.lines[1]
    assert isinstance(private, Paragraph)
    assert private.lines[0] == "Nothing leaves this computer."
    assert isinstance(plan, Paragraph)
    # the built-in plan (content/defaults.toml), every enabled kind with its interval and length
    assert plan.lines[:3] == (
        "Posture and eyes check: every 20 min of screen time, for 20 s",
        "Stretch break: every 40 min of screen time, for 2 min",
        "Movement break: every 60 min of screen time, for 5 min",
    )
    login = form.question(START_AT_LOGIN)
    assert login == Check(START_AT_LOGIN, "Start Posture Guard when I log in", default=True)
    # Start applies (Enter, the primary); Skip (Esc) closes with no change
    assert [(a.id, a.label, a.key, a.primary) for a in form.actions] == [
        ("start", "Start", "enter", True),
        ("cancel", "Skip", "escape", False),
    ]


def test_welcome_shows_the_effective_plan_not_the_defaults() -> None:
    """The plan comes from the settings handed in (user file and policy applied)."""
    settings = with_breaks(BreakSpec(kind="stretch", title="Stretch break", every_s=1800,
                                     length_s=90))  # fmt: skip
    plan = welcome_form(settings).questions[2]
    assert isinstance(plan, Paragraph)
    assert plan.lines[0] == "Stretch break: every 30 min of screen time, for 90 s"
    assert not any("Posture and eyes" in line for line in plan.lines)
    off = welcome_form(with_breaks()).questions[2]
    assert isinstance(off, Paragraph)
    assert off.lines[0] == "Every break is turned off in your settings."


def test_durations_are_whole_minutes_else_seconds_in_the_language_s_form(german: None) -> None:
    assert duration_words(20) == "20 s"
    assert duration_words(120) == "2 Min."
    assert duration_words(90) == "90 s"
    assert duration_words(3600) == "60 Min."
    assert plan_lines(config.defaults().timer.breaks)[1] == (
        "Dehnpause: alle 40 Min. Bildschirmzeit, für 2 Min."
    )


def test_a_clinic_set_before_fills_the_fields_and_a_locked_one_is_not_asked() -> None:
    before = ClinicProfile(name="Riverside Physiotherapy", booking_url=BOOKING)
    form = welcome_form(config.defaults(), clinic=before)
    assert form.question(CLINIC_NAME) == Entry(CLINIC_NAME, "Clinic's name",
                                               "Riverside Physiotherapy", width=36)  # fmt: skip
    booking = form.question(BOOKING_URL)
    assert isinstance(booking, Entry)
    assert booking.default == BOOKING
    locked = welcome_form(config.defaults(), clinic_allowed=False)
    assert [q.name for q in locked.questions][-2:] == ["plan", START_AT_LOGIN]


@pytest.mark.usefixtures("pseudo")
def test_every_word_of_the_welcome_comes_from_the_catalogue() -> None:
    form = welcome_form(config.defaults())
    texts = [form.title, *(a.label for a in form.actions)]
    for item in form.questions:
        texts.append(item.text)
        if isinstance(item, Paragraph):
            texts += item.lines
        if isinstance(item, Entry) and item.hint:
            texts.append(item.hint)
    for text in texts:
        assert "⟦" in text, text
        # data stays as written: a command to type, an example address, the product's name
        bare = re.sub(r"`[^`]*`|https://\S+|Posture Guard", " ", text)
        assert re.search(r"[A-Za-z]{3,}", bare) is None, f"English left in {text!r}"


# --- what Start does ---------------------------------------------------------------------------


def answers_of(**typed: str) -> WelcomeAnswers:
    """What Start reads from the window, through answer_texts as the renderers' raw text."""
    form = welcome_form(config.defaults())
    raw: dict[str, str | None] = {START_AT_LOGIN: "yes", CLINIC_NAME: "", BOOKING_URL: "",
                                  PHONE: ""}  # fmt: skip
    raw.update(typed)
    return read_answers(answer_texts(form, raw))


def test_start_with_nothing_typed_sets_no_clinic_and_keeps_start_at_login() -> None:
    answers = answers_of()
    assert answers == WelcomeAnswers(start_at_login=True)
    assert clinic_profile(answers) is None
    assert answers_of(**{START_AT_LOGIN: "no"}).start_at_login is False


def test_a_clinic_typed_in_is_the_profile_clinic_set_would_save() -> None:
    answers = answers_of(**{CLINIC_NAME: "  Riverside Physiotherapy ", BOOKING_URL: BOOKING})
    assert clinic_profile(answers) == ClinicProfile(
        name="Riverside Physiotherapy", booking_url=BOOKING
    )
    # the opening hours of the clinic set before are kept (the window does not ask them)
    kept = clinic_profile(answers, hours="Mon-Fri 08:00-18:00")
    assert kept is not None
    assert kept.opening_hours == "Mon-Fri 08:00-18:00"
    phone_only = clinic_profile(answers_of(**{CLINIC_NAME: "Riverside", PHONE: "+44 20 7946 0000"}))
    assert phone_only == ClinicProfile(name="Riverside", phone="+44 20 7946 0000")


def refusal(**typed: str) -> ErrorPlace:
    with pytest.raises(ClinicError) as caught:
        clinic_profile(answers_of(**typed))
    return place_clinic_error(caught.value)


def test_a_bad_booking_link_is_refused_beside_its_field_as_clinic_set_refuses_it() -> None:
    place = refusal(**{CLINIC_NAME: "Riverside", BOOKING_URL: "riverside-physio.example"})
    assert place == ErrorPlace(
        BOOKING_URL,
        "\u26a0 Expected a web address starting with https:// and a host name, like "
        '"https://clinic.example/book"',
    )
    # the same check as `posture-guard clinic set --booking-url riverside-physio.example`
    with pytest.raises(ClinicError, match=r"expected a web address starting with https://"):
        ClinicProfile(name="Riverside", booking_url="riverside-physio.example")


def test_a_plain_http_booking_link_is_refused_beside_its_field() -> None:
    # Protects: issue 18 "Links": the welcome and settings windows (both make the profile
    # through clinic_profile/ClinicProfile) refuse http:// as `clinic set` does.
    place = refusal(**{CLINIC_NAME: "Riverside", BOOKING_URL: "http://riverside-physio.example"})
    assert place == ErrorPlace(
        BOOKING_URL,
        "\u26a0 Expected a web address starting with https:// (a secure link), like "
        '"https://clinic.example/book"',
    )


def test_each_clinic_refusal_goes_beside_the_field_it_is_about() -> None:
    assert refusal(**{BOOKING_URL: BOOKING}).field == CLINIC_NAME  # a link with no name
    assert refusal(**{CLINIC_NAME: "Riverside", PHONE: "call us"}).field == PHONE
    no_contact = refusal(**{CLINIC_NAME: "Riverside"})
    assert no_contact == ErrorPlace(
        BOOKING_URL, "\u26a0 Give a booking link or a phone number, or both."
    )


def test_a_login_item_that_cannot_be_written_is_said_beside_the_check_box() -> None:
    place = place_login_error(AutostartError("/home/a/.config/autostart: cannot be written"))
    assert place.field == START_AT_LOGIN
    assert place.text == "\u26a0 /home/a/.config/autostart: cannot be written"


@pytest.mark.parametrize(
    ("ticked", "enabled", "action"),
    [
        (True, False, "enable"),  # on by default: Start writes the login item
        (True, True, "enable"),  # written again: it may start another copy (a reinstall)
        (False, False, None),  # unticked: left off
        (False, True, "disable"),  # unticked while one is there: off as the box says
    ],
)
def test_start_does_to_the_login_item_what_the_box_says(
    ticked: bool, enabled: bool, action: str | None
) -> None:
    assert login_action(ticked, enabled=enabled) == action


def test_paragraphs_have_no_answer_and_a_check_box_answers_yes_or_no() -> None:
    form = welcome_form(config.defaults())
    texts = answer_texts(form, {START_AT_LOGIN: "no"})
    assert "plan" not in texts
    assert texts[START_AT_LOGIN] == "no"
    # a refusal of the form's own kind finds its field among paragraphs too
    assert form.question("plan") is None
    assert place_error(form, ValueError("boom")).field is None
