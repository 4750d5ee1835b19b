"""The one strict table reader (content.py): each kind of problem, in its order, with the exact
message the caller's own exception renders; the shared converters; TOML."""

from __future__ import annotations

import re
from enum import Enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.content import (
    Invalid,
    Key,
    Refusal,
    Schema,
    content_toml,
    ids,
    in_content,
    non_empty_text,
    one_of,
    optional,
    parse_toml,
    text,
    texts,
    whole_number,
)
from posture_guard.core.errors import MISSING, ContentError, DiaryValueError, PostureGuardError


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


class Colour(Enum):
    RED = "red"
    DARK_BLUE = "dark-blue"


def _pair(raw: object) -> list[object]:
    """A converter that blames one item: the first that is not a whole number."""
    if not isinstance(raw, list):
        raise ValueError("expected a list")
    for index, item in enumerate(raw):
        if not isinstance(item, int):
            raise Invalid("expected whole numbers", got=item, part=f"[{index}]", shown="(shown)")
    return raw


NAME = Key("name", non_empty_text)
COLOUR = Key("colour", one_of(Colour))
NOTE = Key("note", optional(text, ""), required=False)
PAIR = Key("pair", _pair)
STRICT = Schema(keys=(NAME, COLOUR, NOTE, PAIR), missing="expected in every entry")
LENIENT = Schema(keys=(NAME, COLOUR, NOTE, PAIR))
GOOD = {"name": "Ada", "colour": "red", "pair": [1, 2]}
REFUSE = in_content("F", "E")


# --- the shape: a table, no unknown key, no missing key -------------------------------------------


def test_schema_reads_a_good_table_value_by_value() -> None:
    table = STRICT.read(GOOD, REFUSE)
    assert (table[NAME], table[COLOUR], table[NOTE], table[PAIR]) == ("Ada", Colour.RED, "", [1, 2])
    assert "name" in table
    assert "note" not in table


def test_schema_refuses_a_value_that_is_not_a_table() -> None:
    with pytest.raises(ContentError, match=exactly("F: E: expected a table")):
        STRICT.read(["name"], REFUSE)
    worded = Schema(keys=(NAME,), not_a_table="expected a mapping")
    with pytest.raises(ContentError, match=exactly("F: E: expected a mapping")):
        worded.read(3, REFUSE)


def test_schema_refuses_an_unknown_key_listing_the_known_ones() -> None:
    with pytest.raises(
        ContentError,
        match=exactly('F: E: size = "XL": unknown key (expected one of: name, colour, note, pair)'),
    ):
        STRICT.read({**GOOD, "size": "XL"}, REFUSE)


def test_schema_words_an_unknown_key_as_told() -> None:
    plain = Schema(keys=(NAME,), unknown="unknown key")
    with pytest.raises(ContentError, match=exactly("F: E: size = 1: unknown key")):
        plain.read({"name": "Ada", "size": 1}, REFUSE)
    listed = Schema(keys=(NAME, COLOUR), unknown="unknown key (the keys are {keys})")
    with pytest.raises(
        ContentError, match=exactly("F: E: size = 1: unknown key (the keys are name, colour)")
    ):
        listed.read({"size": 1}, REFUSE)


def test_schema_names_the_first_unknown_key_in_the_tables_order() -> None:
    with pytest.raises(ContentError, match=r"^F: E: zebra = 1: unknown key "):
        STRICT.read({"zebra": 1, "apple": 2}, REFUSE)


def test_schema_refuses_a_missing_required_key_in_the_schemas_order() -> None:
    with pytest.raises(
        ContentError, match=exactly("F: E: name is missing: expected in every entry")
    ):
        STRICT.read({"pair": [1]}, REFUSE)
    # optional keys are never missing
    STRICT.read(GOOD, REFUSE)


def test_schema_without_a_missing_wording_leaves_an_absent_key_to_its_converter() -> None:
    table = LENIENT.read({"colour": "red"}, REFUSE)  # no problem yet: values are read on demand
    with pytest.raises(
        ContentError, match=exactly("F: E: name is missing: expected a non-empty string")
    ):
        table[NAME]


def test_schema_checks_unknown_keys_before_missing_ones_and_both_before_values() -> None:
    with pytest.raises(ContentError, match=r"^F: E: size = 1: unknown key "):
        STRICT.read({"name": "", "size": 1}, REFUSE)
    with pytest.raises(
        ContentError, match=exactly("F: E: pair is missing: expected in every entry")
    ):
        STRICT.read({"name": "", "colour": "red"}, REFUSE)


# --- values: converters and how their refusals are said -------------------------------------------


def test_table_value_refused_with_the_converters_words_and_the_value_got() -> None:
    table = STRICT.read({**GOOD, "colour": "blue"}, REFUSE)
    assert table[NAME] == "Ada"
    with pytest.raises(
        ContentError, match=exactly('F: E: colour = "blue": expected one of red, dark-blue')
    ):
        table[COLOUR]


def test_table_value_refused_in_part_names_the_part_and_the_item() -> None:
    table = STRICT.read({**GOOD, "pair": [1, "two"]}, REFUSE)
    with pytest.raises(
        ContentError, match=exactly('F: E: pair[1] = "two": expected whole numbers')
    ):
        table[PAIR]


def test_refusal_carries_how_to_show_the_value_to_errors_that_use_it() -> None:
    def in_record(refusal: Refusal) -> PostureGuardError:
        return DiaryValueError(
            refusal.key, refusal.expected, refusal.got, shown=refusal.shown, where="R"
        )

    table = STRICT.read({**GOOD, "pair": [1, "two"]}, in_record)
    with pytest.raises(
        DiaryValueError, match=exactly("R: pair[1] = (shown): expected whole numbers")
    ):
        table[PAIR]


def test_converter_errors_other_than_value_errors_pass_through() -> None:
    def broken(raw: object) -> object:
        raise KeyError(raw)

    with pytest.raises(KeyError):
        Key("x", broken).read({"x": 1}, REFUSE)


def test_key_reads_one_value_without_a_table() -> None:
    assert NAME.read({"name": "Ada", "whatever": 1}, REFUSE) == "Ada"
    with pytest.raises(ContentError, match=exactly("F: E: name = 3: expected a non-empty string")):
        NAME.read({"name": 3}, REFUSE)


def test_table_error_blames_a_key_with_its_value_or_what_is_given() -> None:
    table = STRICT.read(GOOD, REFUSE)
    assert str(table.error("name", "expected another")) == 'F: E: name = "Ada": expected another'
    assert str(table.error("note", "expected a note")) == "F: E: note is missing: expected a note"
    assert str(table.error("name", "expected more", MISSING)) == (
        "F: E: name is missing: expected more"
    )


def test_schema_value_reads_one_setting_of_a_file_that_reports_every_problem() -> None:
    assert LENIENT.value("colour", "dark-blue", REFUSE) is Colour.DARK_BLUE
    with pytest.raises(
        ContentError,
        match=exactly("F: E: size = 1: unknown key (expected one of: name, colour, note, pair)"),
    ):
        LENIENT.value("size", 1, REFUSE)
    with pytest.raises(ContentError, match=exactly('F: E: name = "": expected a non-empty string')):
        LENIENT.value("name", "", REFUSE)


# --- the shared converters -----------------------------------------------------------------------

CONVERTER_REFUSALS = [
    pytest.param(text, 3, "expected a string", id="text"),
    pytest.param(text, MISSING, "expected a string", id="text-missing"),
    pytest.param(non_empty_text, " ", "expected a non-empty string", id="non-empty-text"),
    pytest.param(optional(non_empty_text, "x"), "", "expected a non-empty string", id="optional"),
    pytest.param(
        texts(at_least_one=True),
        [],
        "expected a list of non-empty strings, at least one",
        id="texts",
    ),
    pytest.param(
        texts(at_least_one=False),
        ["a", ""],
        "expected a list of non-empty strings",
        id="texts-blank",
    ),
    pytest.param(
        ids({"a", "b"}, "the letters", at_least_one=False),
        ["a", "c", "d"],
        'expected ids from the letters; unknown: "c", "d"',
        id="ids-unknown",
    ),
    pytest.param(
        ids({"a"}, "the letters", at_least_one=False),
        ["a", "a"],
        "expected each id once",
        id="ids-twice",
    ),
    pytest.param(whole_number(1, 3), True, "expected a whole number from 1 to 3", id="whole-bool"),
    pytest.param(whole_number(1, 3), 4, "expected a whole number from 1 to 3", id="whole-high"),
    pytest.param(whole_number(1, 3), 2.0, "expected a whole number from 1 to 3", id="whole-float"),
    pytest.param(one_of(Colour), "Red", "expected one of red, dark-blue", id="one-of"),
    pytest.param(
        one_of(Colour, quoted=True), None, 'expected one of "red", "dark-blue"', id="one-of-quoted"
    ),
]


@pytest.mark.parametrize(("convert", "raw", "expected"), CONVERTER_REFUSALS)
def test_converter_refuses_with_what_it_expected(
    convert: object, raw: object, expected: str
) -> None:
    assert callable(convert)
    with pytest.raises(ValueError, match=exactly(expected)):
        convert(raw)


def test_converters_give_their_values() -> None:
    assert optional(text, "default")(MISSING) == "default"
    assert optional(text, "default")("") == ""
    assert texts(at_least_one=False)([]) == ()
    assert ids({"a", "b"}, "x", at_least_one=True)(["b", "a"]) == ("b", "a")
    assert whole_number(1, 3)(3) == 3
    assert one_of(Colour)("dark-blue") is Colour.DARK_BLUE


# --- TOML --------------------------------------------------------------------------------------------


def test_parse_toml_refuses_text_that_is_not_toml() -> None:
    assert parse_toml('a = 1\n[b]\nc = "d"\n') == {"a": 1, "b": {"c": "d"}}
    with pytest.raises(Invalid, match=r"^not valid TOML: .+ \(at line 1, column \d+\)$"):
        parse_toml("[b\n")


def test_content_toml_names_the_file() -> None:
    with pytest.raises(ContentError, match=r"^F: not valid TOML: .+ \(at line 1, column \d+\)$"):
        content_toml("a = \n", "F")


# --- properties ------------------------------------------------------------------------------------

good_values = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1).filter(str.strip),
        "colour": st.sampled_from(["red", "dark-blue"]),
    },
    optional={"note": st.text(), "pair": st.lists(st.integers(), max_size=3)},
)
unknown_keys = st.text(min_size=1).filter(lambda key: key not in LENIENT.names)


@given(
    values=good_values, unknown=unknown_keys, value=st.integers() | st.text(), at=st.integers(0, 4)
)
def test_property_any_table_with_an_unknown_key_is_refused_naming_that_key(
    values: dict[str, object], unknown: str, value: object, at: int
) -> None:
    items = list(values.items())
    items.insert(min(at, len(items)), (unknown, value))
    for schema in (STRICT, LENIENT):
        with pytest.raises(ContentError) as caught:
            schema.read(dict(items), REFUSE)
        assert (caught.value.key, caught.value.got) == (unknown, value)
        assert caught.value.expected == "unknown key (expected one of: name, colour, note, pair)"


@given(values=good_values, absent=st.sets(st.sampled_from(["name", "colour", "pair"]), min_size=1))
def test_property_the_first_missing_required_key_in_schema_order_is_named(
    values: dict[str, object], absent: set[str]
) -> None:
    kept = {key: value for key, value in values.items() if key not in absent}
    first = next(key.name for key in STRICT.keys if key.required and key.name not in kept)
    with pytest.raises(
        ContentError, match=exactly(f"F: E: {first} is missing: expected in every entry")
    ):
        STRICT.read(kept, REFUSE)


@given(values=good_values)
def test_property_a_good_table_reads_back_its_values(values: dict[str, object]) -> None:
    table = LENIENT.read(values, REFUSE)
    assert table[NAME] == values["name"]
    assert table[COLOUR].value == values["colour"]
    assert table[NOTE] == values.get("note", "")
