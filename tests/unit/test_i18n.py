"""Languages: the active catalogue (core/i18n.py), which language the desktop asks for
(desktop/language.py), and the catalogue files (packaging/catalogues.py)."""

from __future__ import annotations

import gettext
import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core import i18n
from posture_guard.desktop import language

ROOT = Path(__file__).resolve().parents[2]


def _load_tool() -> ModuleType:
    # by path: a folder named "packaging" cannot be imported beside the packaging distribution
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "packaging/catalogues.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogues"] = module  # dataclasses and typing look modules up by name
    spec.loader.exec_module(module)
    return module


catalogues = _load_tool()


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use(i18n.English(), "en")


# --- core/i18n.py ---------------------------------------------------------------------------


def test_i18n_english_until_a_catalogue_is_used() -> None:
    assert i18n.language() == "en"
    assert i18n._("Stretch break") == "Stretch break"
    assert i18n.ngettext("{n} break", "{n} breaks", 1) == "{n} break"
    assert i18n.ngettext("{n} break", "{n} breaks", 0) == "{n} breaks"
    assert i18n.pgettext("tray", "Quit") == "Quit"
    assert i18n.N_("Skip") == "Skip"


def test_i18n_use_switches_every_lookup_to_the_catalogue() -> None:
    catalogue, code = language.catalogue_for(["en_XA"])
    i18n.use(catalogue, code)
    assert i18n.language() == "en_XA"
    # an id the catalogue lacks comes back as written (Rule 3)
    assert i18n._("not a message of ours") == "not a message of ours"


# --- desktop/language.py --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("de_DE.UTF-8", "de_DE"),
        ("de_DE.UTF-8@euro", "de_DE"),
        ("hi-IN", "hi_IN"),
        ("hi", "hi"),
        ("C", None),
        ("POSIX", None),
        ("C.UTF-8", None),
        ("", None),
        ("../../etc", None),
    ],
)
def test_language_code_of_a_locale_name(value: str, code: str | None) -> None:
    assert language.language_code(value) == code


def test_language_unix_reads_language_list_then_the_first_locale_variable() -> None:
    env = {"LANGUAGE": "hi:de_AT", "LC_ALL": "", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_GB"}
    assert language.unix_languages(env) == ["hi", "de_AT", "fr_FR"]
    assert language.unix_languages({"LANG": "de_DE.UTF-8"}) == ["de_DE"]
    assert language.unix_languages({"LANG": "C.UTF-8"}) == []
    assert language.unix_languages({}) == []


def test_language_windows_ui_language_ids() -> None:
    assert language.windows_language(0x0407) == "de_DE"
    assert language.windows_language(0x0439) == "hi_IN"
    assert language.windows_language(0xFFFF) is None


def test_language_apple_languages_in_their_order() -> None:
    out = '(\n    "de-DE",\n    "hi-IN",\n    "zh-Hans-CN",\n    en\n)\n'
    assert language.apple_languages(out) == ["de_DE", "hi_IN", "zh_CN", "en"]
    assert language.apple_languages("") == []


def test_language_catalogue_falls_back_from_region_to_language_to_english(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "posture_guard.mo").write_bytes(
        (ROOT / "posture_guard/locale/de/LC_MESSAGES/posture_guard.mo").read_bytes()
    )
    assert language.catalogue_for(["de_AT"], tmp_path)[1] == "de"
    assert language.catalogue_for(["fr", "de"], tmp_path)[1] == "de"
    # English asked for first: English, though German is there
    assert language.catalogue_for(["en_GB", "de"], tmp_path)[1] == "en"
    catalogue, code = language.catalogue_for(["fr"], tmp_path)
    assert (type(catalogue), code) == (i18n.English, "en")
    assert language.available(tmp_path) == ("de",)


def test_language_setting_overrides_the_desktop_unless_it_has_no_catalogue() -> None:
    assert language.install("hi", {"LANGUAGE": "de"}) == "hi"
    assert language.install(None, {"LANGUAGE": "de"}) == "de"
    assert language.install("xx", {"LANGUAGE": "de"}) == "de"
    assert language.install(None, {"LANG": "C"}) == "en"


def test_language_install_leaves_its_choice_for_argparse_and_child_processes() -> None:
    env = {"LANGUAGE": "de:fr", "LANG": "de_DE.UTF-8"}
    language.install("hi", env)
    assert env == {"LANGUAGE": "hi", "LANG": "de_DE.UTF-8"}


def test_language_catalogues_shipped_are_german_hindi_and_the_pseudo_locale() -> None:
    assert language.available() == ("de", "en_XA", "hi")


# --- packaging/catalogues.py ----------------------------------------------------------------


def test_catalogues_files_are_up_to_date_with_the_source() -> None:
    """The .pot holds every marked string, each .po has them all, each .mo is compiled."""
    done = subprocess.run(
        [sys.executable, "packaging/catalogues.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _placeholders(text: str) -> list[str]:
    return sorted(catalogues.PLACEHOLDER.findall(text))


@pytest.mark.parametrize("code", [*catalogues.LANGUAGES, catalogues.PSEUDO])
def test_catalogues_translations_keep_every_placeholder(code: str) -> None:
    with catalogues.po_path(code).open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue  # a fuzzy guess is never compiled (catalogues.py): a translator checks it
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # an untranslated plural is a tuple of empty strings: English is shown, nothing to check
        for text in filter(None, strings):
            assert _placeholders(text) == _placeholders(ids[-1]), (code, message.id, text)


placeholder_text = st.lists(
    st.one_of(
        st.text(alphabet="abc XYZ.,:-\n", max_size=12),
        st.sampled_from(["{n}", "{name}", "%(kind)s", "%s", "{0:>3}"]),
    ),
    max_size=8,
).map("".join)


@given(placeholder_text)
def test_catalogues_pseudo_keeps_placeholders_and_grows_by_about_a_third(text: str) -> None:
    made = catalogues.pseudo(text)
    assert _placeholders(made) == _placeholders(text)
    if text:
        letters = sum(ch.isalpha() for ch in text)
        assert made.startswith("⟦")
        assert made.endswith("⟧")
        assert made.count("·") >= round(letters * 0.3)
        assert made.count("\n") == text.count("\n")
        # no plain ASCII letter is left outside the placeholders
        bare = catalogues.PLACEHOLDER.sub("", made)
        assert re.search(r"[A-Za-z]", bare) is None


def test_catalogues_pseudo_catalogue_loads_with_stdlib_gettext() -> None:
    path = ROOT / "posture_guard/locale/en_XA/LC_MESSAGES/posture_guard.mo"
    with path.open("rb") as file:
        assert isinstance(gettext.GNUTranslations(file), gettext.GNUTranslations)


def test_language_argparse_words_are_argparse_own() -> None:
    """Each marked argparse word is one argparse still looks up (else it would never show)."""
    import argparse

    source = Path(argparse.__file__).read_text(encoding="utf-8")
    missing = [
        word
        for word in language.ARGPARSE_WORDS
        if f"_({word!r})" not in source and f'_("{word}")' not in source
    ]
    assert missing == []


def test_language_argparse_speaks_the_installed_language() -> None:
    """argparse's own words come from our catalogue (the pseudo-locale shows which did)."""
    done = subprocess.run(
        [sys.executable, "-m", "posture_guard", "--help"],
        cwd=ROOT,
        env={"LANGUAGE": "en_XA", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(catalogues.pseudo("usage: ").rstrip("⟧").rstrip("·"))
    assert catalogues.pseudo("show this help message and exit") in done.stdout
