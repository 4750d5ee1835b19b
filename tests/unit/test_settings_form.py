"""The settings window's description and what a save changes (core/settings_form.py): plain
values, no window. The same loader `config check` uses reads the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from posture_guard.core import config, settings_form
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.errors import ClinicError
from posture_guard.core.form_view import Check, Entry, SingleChoice, answer_texts, touched
from posture_guard.core.settings_form import Extras, changes, place_problems
from posture_guard.core.settings_form import settings_form as settings_form_

EXTRAS = Extras(languages=("de", "en_XA", "hi"))  # as language.available() gives: no "en"


def _load(tmp_path: Path, user: str, policy: str | None = None) -> config.Loaded:
    file = tmp_path / "config.toml"
    file.write_text(user)
    policy_file = None
    if policy is not None:
        policy_file = tmp_path / "policy.toml"
        policy_file.write_text(policy)
    return config.load(file, policy_file)


def _opened(form) -> dict[str, object]:
    raw: dict[str, object] = {}
    for q in form.questions:
        if isinstance(q, Entry):
            raw[q.name] = q.default
        elif isinstance(q, Check):
            raw[q.name] = "yes" if q.default else "no"
        elif isinstance(q, SingleChoice):
            raw[q.name] = q.default
    return raw


def test_settings_form_opens_with_the_values_in_force_and_a_save_untouched_changes_nothing(
    tmp_path: Path,
) -> None:
    # Protects: every field opens with the value in force (as the file spells it), and saving
    # what opened writes nothing (nothing touched, no change).
    loaded = _load(
        tmp_path,
        '[breaks.stretch]\nevery = "10m"\n[working_hours]\ndays = ["mon", "tue", "wed", "thu",'
        ' "fri"]\nhours = "09:00-12:00, 13:00-17:30"\nfri = "08:00-13:00"\n'
        "[general]\nmax_skips_per_day = 3\n",
    )
    form = settings_form_(loaded, EXTRAS)
    opened = _opened(form)
    assert opened["breaks-stretch-every"] == "10m"
    assert opened["working-hours"] == "09:00-12:00, 13:00-17:30"
    assert (opened["hours-mon"], opened["hours-fri"], opened["hours-sat"]) == (
        "",
        "08:00-13:00",
        "off",
    )
    assert opened["max-skips-per-day"] == "3"
    assert opened["max-snoozes"] == "3"
    assert opened["language"] == "auto"
    assert not touched(form, opened)
    assert changes(loaded, answer_texts(form, opened)) == {}
    language = form.question("language")
    assert isinstance(language, SingleChoice)
    # English first (it has no catalogue, yet is always there), then the catalogues; no pseudo
    assert [o.value for o in language.options] == ["auto", "en", "de", "hi"]


def test_settings_form_a_save_writes_only_the_changed_keys_as_the_file_holds_them(
    tmp_path: Path,
) -> None:
    # Protects: only changed fields are written, each as TOML holds it (a count as a whole
    # number, "unlimited" as text, a check box as a boolean); a weekday turned off changes
    # `days`, one given hours of its own gets its key.
    loaded = _load(tmp_path, "")
    form = settings_form_(loaded, EXTRAS)
    raw = {
        **_opened(form),
        "breaks-stretch-every": " 3m ",
        "breaks-posture-enabled": "no",
        "max-skips-per-day": "2",
        "max-snoozes": "unlimited",
        "hours-sun": "off",
        "hours-sat": "10:00-14:00",
        "sound": "no",
        "language": "de",
    }
    assert changes(loaded, answer_texts(form, raw)) == {
        "breaks.posture.enabled": False,
        "breaks.stretch.every": "3m",
        "working_hours.sat": "10:00-14:00",
        "general.max_snoozes": "unlimited",
        "general.max_skips_per_day": 2,
        "sound.enabled": False,
        "general.language": "de",
        "working_hours.days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    }


def test_settings_form_a_locked_key_is_disabled_with_the_policys_value_and_never_written(
    tmp_path: Path,
) -> None:
    # Protects: issue 14 acceptance 2 in the description: the locked field holds the policy's
    # value, says "Set by your organisation", and a save leaves it out whatever it holds.
    loaded = _load(
        tmp_path,
        '[breaks.stretch]\nevery = "10m"\n',
        '[breaks.stretch]\nevery = "25m"\n[working_hours]\nhours = "08:00-16:00"\n'
        '[policy]\nlock = ["breaks.stretch.every", "working_hours.hours"]\n',
    )
    form = settings_form_(loaded, EXTRAS)
    every = form.question("breaks-stretch-every")
    assert isinstance(every, Entry)
    assert (every.default, every.locked) == ("25m", "Set by your organisation")
    friday = form.question("hours-fri")
    assert isinstance(friday, Entry)
    assert friday.locked  # the hours lock together, each weekday's too
    length = form.question("breaks-stretch-length")
    assert isinstance(length, Entry)
    assert length.locked == ""
    raw = {**_opened(form), "breaks-stretch-every": "1m", "hours-fri": "06:00-22:00"}
    assert changes(loaded, answer_texts(form, raw)) == {}


def test_settings_form_problems_are_config_checks_lines_beside_their_fields(
    tmp_path: Path,
) -> None:
    # Protects: issue 14 acceptance 3 in the description: a value `config check` refuses is
    # shown beside its field in config check's words (the file's name left off); a rule
    # between keys beside the key it blames; a key with no field on top.
    file = tmp_path / "config.toml"
    text = (
        '[breaks.stretch]\nevery = "3 minutes"\nlength = "2m"\n[breaks.movement]\nlength = "2h"\n'
    )
    text += "[mystery]\nkey = 1\n"
    loaded = config.load(file, user_text=text)
    places = [(p.field, p.text) for p in place_problems(loaded)]
    assert places == [
        (
            "breaks-stretch-every",
            '\u26a0 [breaks.stretch] every = "3 minutes": expected a duration like "45m" or'
            ' "1h30m"',
        ),
        (
            None,
            f"\u26a0 {file}: [mystery] key = 1: unknown setting (see `posture-guard config show`"
            " for the known ones)",
        ),
        (
            "breaks-movement-length",
            '\u26a0 [breaks.movement] length = "2h": expected shorter than [breaks.movement]'
            ' every ("1h")',
        ),
    ]
    messages = [p.message for p in loaded.errors]
    assert all(text.removeprefix("\u26a0 ") in "\n".join(messages) for _f, text in places)


def test_settings_form_a_value_the_file_holds_wrongly_is_written_back_fixed(
    tmp_path: Path,
) -> None:
    # Protects: a save after opening a file with a refused value leaves a file config check
    # accepts: the field opened with the value in force, which is written even unchanged.
    loaded = _load(tmp_path, '[general]\nsnooze = "forever"\n')
    form = settings_form_(loaded, EXTRAS)
    assert changes(loaded, answer_texts(form, _opened(form))) == {"general.snooze": "5m"}


def test_settings_form_the_clinic_is_checked_as_clinic_set_checks_it(tmp_path: Path) -> None:
    # Protects: the clinic is saved only when changed and good; a locked one never; an
    # emptied one is refused (it cannot be removed here), beside the name.
    answers = {"clinic-name": "Riverside", "booking-url": "https://r.example/book",
               "phone": None, "clinic-hours": "Mon-Fri 08:00-18:00"}  # fmt: skip
    profile = settings_form.clinic_to_save(answers, EXTRAS)
    assert profile == ClinicProfile(
        name="Riverside", booking_url="https://r.example/book", phone=None,
        opening_hours="Mon-Fri 08:00-18:00",
    )  # fmt: skip
    assert settings_form.clinic_to_save(answers, Extras(clinic=profile)) is None
    assert settings_form.clinic_to_save(answers, Extras(clinic_refusal="locked")) is None
    empty = dict.fromkeys(answers)
    assert settings_form.clinic_to_save(empty, EXTRAS) is None
    with pytest.raises(ClinicError) as emptied:
        settings_form.clinic_to_save(empty, Extras(clinic=profile))
    assert settings_form.place_clinic_error(emptied.value).field == "clinic-name"
    with pytest.raises(ClinicError) as bad_link:
        settings_form.clinic_to_save({**answers, "booking-url": "ftp://x"}, EXTRAS)
    assert settings_form.place_clinic_error(bad_link.value).field == "booking-url"


def test_touched_a_check_box_is_touched_only_when_flipped() -> None:
    # Protects: closing an untouched settings window (or welcome) asks nothing: a check box
    # that reads as it opened is untouched.
    loaded = config.load(None)
    form = settings_form_(loaded, EXTRAS)
    opened = _opened(form)
    assert not touched(form, opened)
    assert touched(form, {**opened, "sound": "no"})
