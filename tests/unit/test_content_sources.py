"""The content files: sources.toml and exercises.toml load, every citation resolves, and the
validators reject each kind of mistake with an exact message (issue 4, acceptance 2)."""

from __future__ import annotations

import re

import pytest

from posture_guard.core import content, exercises
from posture_guard.core.content import Source, parse_sources
from posture_guard.core.errors import ContentError
from posture_guard.core.exercises import JUDGEMENT, parse_catalogue

SOURCES_TEXT = """
[judgement]
title = "Our own judgement"
url = ""

[src-a]
title = "Source A"
url = "https://a.example/page"
note = "A mirror."

[src-b]
title = "Source B"
url = "http://b.example"
"""

# The smallest catalogue that passes: one exercise for each kind of break. The bad cases below
# change one line of the first entry ("gaze"), or the file around it.
CATALOGUE_TEXT = """
[[exercise]]
id = "gaze"
name = "Look away"
area = "eyes"
steps = ["Look at something far away."]
hold_reps = "20 seconds."
duration_s = 20
phase = "acute-gentle"
breaks = ["posture"]
cautions = []
caution_text = "None known."
picture = "icons/exercises/gaze.png"
sources = ["src-a"]

[[exercise]]
id = "tilt"
name = "Side tilt"
area = "neck"
steps = ["Sit tall.", "Tilt one ear toward the shoulder."]
hold_reps = "5 seconds, 5 times."
duration_s = 120
phase = "recovery"
breaks = ["stretch"]
cautions = ["acute-spasm", "arm-symptoms"]
caution_text = "Not during a spasm."
picture = "icons/exercises/tilt.png"
sources = ["src-a", "judgement"]
judgement = "Keeping it out of spasms is ours."

[[exercise]]
id = "walk"
name = "Walk"
area = "whole-body"
steps = ["Stand up and walk."]
hold_reps = "5 minutes."
duration_s = 300
phase = "acute-gentle"
breaks = ["movement"]
cautions = []
caution_text = "None known."
picture = "icons/exercises/walk.png"
sources = ["src-b"]
"""

GAZE = 'E: exercise "gaze"'


def _sources() -> tuple[Source, ...]:
    return parse_sources(SOURCES_TEXT, file="S")


def _bad(old: str, new: str) -> str:
    """CATALOGUE_TEXT with the first `old` (which must be there) replaced by `new`."""
    assert old in CATALOGUE_TEXT
    return CATALOGUE_TEXT.replace(old, new, 1)


# --- the shipped files -----------------------------------------------------------------------


def test_sources_shipped_file_loads_with_unique_ids_and_the_judgement_entry() -> None:
    sources = content.load_sources()
    ids = [source.id for source in sources]
    assert len(ids) == len(set(ids)) >= 40
    assert JUDGEMENT in ids
    assert all(source.title for source in sources)


def test_sources_shipped_urls_are_web_addresses_except_judgement_and_seed() -> None:
    for source in content.load_sources():
        if source.id in (JUDGEMENT, "seed-nivaan"):
            assert source.url == ""
        else:
            assert re.match(r"^https?://[^/\s]+", source.url), source.id


def test_sources_every_shipped_exercise_cites_a_real_source_and_each_id_resolves() -> None:
    catalogue = exercises.load_catalogue()
    known = {source.id for source in catalogue.sources}
    for exercise in catalogue.exercises:
        cited = set(exercise.sources)
        assert cited - {JUDGEMENT}, f"{exercise.id} cites no source besides judgement"
        assert cited <= known, f"{exercise.id} cites unknown {sorted(cited - known)}"
        assert [s.id for s in catalogue.sources_of(exercise)] == list(exercise.sources)


def test_sources_every_shipped_judgement_citation_says_what_the_judgement_is() -> None:
    for exercise in exercises.load_catalogue().exercises:
        assert (JUDGEMENT in exercise.sources) == bool(exercise.judgement), exercise.id


def test_sources_lookup_of_an_unknown_id_raises_key_error() -> None:
    catalogue = exercises.load_catalogue()
    with pytest.raises(KeyError, match=r"^'nope'$"):
        catalogue.source("nope")


# --- the catalogue validator, fed from memory ------------------------------------------------


def test_validator_accepts_the_minimal_catalogue() -> None:
    catalogue = parse_catalogue(CATALOGUE_TEXT, _sources(), file="E")
    assert [e.id for e in catalogue.exercises] == ["gaze", "tilt", "walk"]
    tilt = catalogue.exercise("tilt")
    assert tilt.sources == ("src-a", "judgement")
    assert tilt.judgement == "Keeping it out of spasms is ours."
    assert catalogue.exercise("gaze").judgement == ""


# Each case: (old line of the "gaze" entry or file, new text) -> the exact message.
BAD_CATALOGUES = [
    pytest.param(
        'sources = ["src-a"]',
        'sources = ["src-a", "nope"]',
        f'{GAZE}: sources = ["src-a", "nope"]: expected ids from sources.toml; unknown: "nope"',
        id="unknown-source-id",
    ),
    pytest.param(
        'sources = ["src-a"]',
        "sources = []",
        f"{GAZE}: sources = []: expected a list of non-empty strings, at least one",
        id="no-source",
    ),
    pytest.param(
        'sources = ["src-a"]',
        "",
        f"{GAZE}: sources is missing: expected a list of non-empty strings, at least one",
        id="sources-missing",
    ),
    pytest.param(
        'sources = ["src-a"]',
        'sources = ["src-a", "src-a"]',
        f'{GAZE}: sources = ["src-a", "src-a"]: expected each id once',
        id="source-twice",
    ),
    pytest.param(
        'sources = ["src-a"]',
        'sources = ["judgement"]\njudgement = "Ours."',
        f'{GAZE}: sources = ["judgement"]: expected at least one source besides "judgement"',
        id="judgement-alone",
    ),
    pytest.param(
        'sources = ["src-a"]',
        'sources = ["src-a", "judgement"]',
        f'{GAZE}: judgement is missing: expected a note saying what is our judgement, because sources include "judgement"',
        id="judgement-unexplained",
    ),
    pytest.param(
        'sources = ["src-a"]',
        'sources = ["src-a"]\njudgement = "Ours."',
        f'{GAZE}: judgement = "Ours.": expected no judgement note unless sources include "judgement"',
        id="judgement-note-without-citation",
    ),
    pytest.param(
        "cautions = []",
        'cautions = ["sore-toe"]',
        f'{GAZE}: cautions = ["sore-toe"]: expected ids from the cautions (arm-symptoms, dizziness, shoulder-instability, acute-spasm); unknown: "sore-toe"',
        id="unknown-caution",
    ),
    pytest.param(
        "cautions = []",
        'cautions = ["acute-spasm"]',
        f'{GAZE}: cautions = ["acute-spasm"]: expected no "acute-spasm" on an exercise whose phase is "acute-gentle"',
        id="acute-caution-on-gentle-exercise",
    ),
    pytest.param(
        'phase = "acute-gentle"',
        'phase = "acute"',
        f'{GAZE}: phase = "acute": expected one of "acute-gentle", "recovery"',
        id="unknown-phase",
    ),
    pytest.param(
        'area = "eyes"',
        'area = "knee"',
        f'{GAZE}: area = "knee": expected one of "eyes", "neck", "shoulders", "upper-back", "whole-body"',
        id="unknown-area",
    ),
    pytest.param(
        "duration_s = 20",
        "duration_s = 0",
        f"{GAZE}: duration_s = 0: expected a whole number from 5 to 600",
        id="duration-zero",
    ),
    pytest.param(
        "duration_s = 20",
        'duration_s = "20s"',
        f'{GAZE}: duration_s = "20s": expected a whole number from 5 to 600',
        id="duration-text",
    ),
    pytest.param(
        "duration_s = 20",
        "duration_s = true",
        f"{GAZE}: duration_s = true: expected a whole number from 5 to 600",
        id="duration-bool",
    ),
    pytest.param(
        'breaks = ["posture"]',
        'breaks = ["nap"]',
        f'{GAZE}: breaks = ["nap"]: expected ids from the break kinds (posture, stretch, movement); unknown: "nap"',
        id="unknown-break-kind",
    ),
    pytest.param(
        'steps = ["Look at something far away."]',
        'steps = ["Look at something far away"]',
        f'{GAZE}: steps = "Look at something far away": expected short sentences ending with a full stop, at most 120 characters each',
        id="step-without-full-stop",
    ),
    pytest.param(
        'steps = ["Look at something far away."]',
        'steps = ["Look.", 3]',
        f'{GAZE}: steps = ["Look.", 3]: expected a list of non-empty strings, at least one',
        id="step-not-text",
    ),
    pytest.param(
        'name = "Look away"',
        'name = ""',
        f'{GAZE}: name = "": expected a non-empty string',
        id="empty-name",
    ),
    pytest.param(
        'caution_text = "None known."',
        "",
        f"{GAZE}: caution_text is missing: expected a non-empty string",
        id="caution-text-missing",
    ),
    pytest.param(
        'picture = "icons/exercises/gaze.png"',
        'picture = "icons/exercises/gaze.svg"',
        f'{GAZE}: picture = "icons/exercises/gaze.svg": expected "icons/exercises/gaze.png"',
        id="picture-path",
    ),
    pytest.param(
        'name = "Look away"',
        'name = "Look away"\ncolour = "blue"',
        f'{GAZE}: colour = "blue": unknown key (expected one of: id, name, area, steps, hold_reps, duration_s, phase, breaks, cautions, caution_text, picture, sources, judgement)',
        id="unknown-key",
    ),
    pytest.param(
        'id = "gaze"',
        'id = "Gaze"',
        'E: exercise #1: id = "Gaze": expected an id of lower-case words joined by -',
        id="bad-id",
    ),
    pytest.param(
        'id = "gaze"',
        "",
        "E: exercise #1: id is missing: expected an id of lower-case words joined by -",
        id="id-missing",
    ),
    pytest.param(
        'id = "walk"',
        'id = "gaze"',
        'E: exercise "gaze": id = "gaze": expected a unique id; exercise #1 already has it',
        id="duplicate-id",
    ),
    pytest.param(
        'breaks = ["movement"]',
        'breaks = ["stretch"]',
        'E: expected at least one exercise for the "movement" break',
        id="a-break-kind-without-exercises",
    ),
    pytest.param(
        "cautions = []",
        'cautions = "dizziness"',
        f'{GAZE}: cautions = "dizziness": expected a list of non-empty strings',
        id="cautions-not-a-list",
    ),
    pytest.param(
        'sources = ["src-a"]',
        'sources = ["src-a", "judgement"]\njudgement = 3',
        f"{GAZE}: judgement = 3: expected a string",
        id="judgement-not-text",
    ),
    pytest.param(
        'id = "gaze"',
        'id = "Gaze"\ncolour = "blue"',
        'E: exercise #1: id = "Gaze": expected an id of lower-case words joined by -',
        id="the-id-is-checked-before-unknown-keys",
    ),
    pytest.param(
        'name = "Look away"',
        'name = ""\ncolour = "blue"',
        f'{GAZE}: colour = "blue": unknown key (expected one of: id, name, area, steps, hold_reps, duration_s, phase, breaks, cautions, caution_text, picture, sources, judgement)',
        id="unknown-keys-are-checked-before-values",
    ),
    pytest.param(
        'name = "Look away"\narea = "eyes"',
        'area = "knee"\nname = ""',
        f'{GAZE}: name = "": expected a non-empty string',
        id="values-are-checked-in-key-order-not-file-order",
    ),
    pytest.param(
        "[[exercise]]",
        'title = "Catalogue"\n[[exercise]]',
        'E: title = "Catalogue": unknown key (expected [[exercise]] tables only)',
        id="unknown-top-level-key",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_CATALOGUES)
def test_validator_rejects_a_bad_catalogue_with_an_exact_message(
    old: str, new: str, message: str
) -> None:
    with pytest.raises(ContentError, match=f"^{re.escape(message)}$"):
        parse_catalogue(_bad(old, new), _sources(), file="E")


def test_validator_rejects_a_catalogue_that_is_not_toml() -> None:
    with pytest.raises(ContentError, match=r"^E: not valid TOML: .+ \(at line 2, column \d+\)$"):
        parse_catalogue("[[exercise]]\nid = \n", _sources(), file="E")


def test_validator_rejects_an_empty_catalogue() -> None:
    with pytest.raises(
        ContentError,
        match=r"^E: exercise is missing: expected one or more \[\[exercise\]\] tables$",
    ):
        parse_catalogue("", _sources(), file="E")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("exercise = 3", "E: exercise = 3: expected one or more [[exercise]] tables"),
        ("exercise = []", "E: exercise = []: expected one or more [[exercise]] tables"),
        ("exercise = [1]", "E: exercise #1: expected a table"),
    ],
)
def test_validator_rejects_exercise_that_is_not_a_list_of_tables(text: str, message: str) -> None:
    with pytest.raises(ContentError, match=f"^{re.escape(message)}$"):
        parse_catalogue(text, _sources(), file="E")


def test_validator_names_file_entry_key_and_got_on_the_error() -> None:
    with pytest.raises(ContentError) as caught:
        parse_catalogue(_bad('sources = ["src-a"]', 'sources = ["x"]'), _sources(), file="E")
    error = caught.value
    assert (error.file, error.entry, error.key, error.got) == (
        "E",
        'exercise "gaze"',
        "sources",
        ["x"],
    )


# --- the sources validator ---------------------------------------------------------------------

BAD_SOURCES = [
    pytest.param(
        'title = "Source B"\n',
        "",
        "S: [src-b]: title is missing: expected a non-empty string",
        id="title-missing",
    ),
    pytest.param(
        'url = "http://b.example"',
        'url = "ftp://b.example"',
        'S: [src-b]: url = "ftp://b.example": expected "" or a web address starting with https:// or http://',
        id="ftp-url",
    ),
    pytest.param(
        'url = "http://b.example"',
        "",
        "S: [src-b]: url is missing: expected a string",
        id="url-missing",
    ),
    pytest.param(
        'url = "http://b.example"',
        'url = "http://b.example"\nyear = 2001',
        "S: [src-b]: year = 2001: unknown key (expected one of: title, url, note)",
        id="unknown-key",
    ),
    pytest.param(
        "[src-b]",
        "[Src_B]",
        "S: [Src_B]: expected an id of lower-case words joined by -",
        id="bad-id",
    ),
    pytest.param(
        "[judgement]",
        "stray = 1\n[judgement]",
        "S: stray = 1: expected a table with title and url",
        id="not-a-table",
    ),
    pytest.param(
        'note = "A mirror."',
        "note = 3",
        "S: [src-a]: note = 3: expected a string",
        id="note-not-text",
    ),
    pytest.param(
        'title = "Source B"',
        "title = 3",
        "S: [src-b]: title = 3: expected a non-empty string",
        id="title-not-text",
    ),
    pytest.param(
        'title = "Source B"\n',
        "year = 2001\n",
        "S: [src-b]: year = 2001: unknown key (expected one of: title, url, note)",
        id="unknown-keys-are-checked-before-missing-ones",
    ),
    pytest.param(
        'title = "Source B"\nurl = "http://b.example"',
        'url = "ftp://b.example"\ntitle = ""',
        'S: [src-b]: url = "ftp://b.example": expected "" or a web address starting with https:// or http://',
        id="url-is-checked-before-title",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_SOURCES)
def test_sources_validator_rejects_a_bad_entry_with_an_exact_message(
    old: str, new: str, message: str
) -> None:
    assert old in SOURCES_TEXT
    with pytest.raises(ContentError, match=f"^{re.escape(message)}$"):
        parse_sources(SOURCES_TEXT.replace(old, new, 1), file="S")


def test_sources_validator_rejects_a_file_that_is_not_toml() -> None:
    with pytest.raises(ContentError, match=r"^S: not valid TOML: .+ \(at line 1, column \d+\)$"):
        parse_sources("[src-a\n", file="S")


def test_sources_validator_reads_title_url_and_optional_note() -> None:
    assert _sources() == (
        Source(id="judgement", title="Our own judgement", url="", note=""),
        Source(id="src-a", title="Source A", url="https://a.example/page", note="A mirror."),
        Source(id="src-b", title="Source B", url="http://b.example", note=""),
    )
