"""The one strict table reader, and the package's content files with their sources.

Rule 1: pure. The only I/O is `package_text`, which reads a file of posture_guard/content (the
        package's own data); everything else takes text or values, so a test can hand over a
        broken table from memory.
Rule 2: a table is read strictly and in a fixed order, and the first problem raises: a value that
        is not a table at all; then every key the schema does not know, in the table's order;
        then every required key that is absent, in the schema's order (only when the schema
        says how to word that); then each value, when the caller asks for it, by its key's
        converter. The caller asks in the order it wants its values checked.
Rule 3: the reader words no message of its own. A converter says what it expected; the schema
        says how an unknown, a missing key and a non-table are worded; a `Refuse` turns the
        resulting `Refusal` (key, expected, got) into the caller's own exception (ContentError,
        DiaryValueError, ConfigError), which renders it. So each file keeps its own messages.
Rule 4: a converter refuses by raising ValueError whose text is what was expected
        ("expected a non-empty string"), or `Invalid` when the fault is one part of the value (an
        item of a list) or wants another spelling. An absent key reaches its converter as
        MISSING: an optional key's converter gives its default, and a required key of a schema
        without a `missing` wording is refused in its converter's words ("title is missing:
        expected a non-empty string"). Any other exception a converter raises passes through.

Theory of operation. `Schema.read(values, refuse)` checks the table's shape (rule 2's first three
steps) and returns a `Table`; `table[KEY]` converts one value with KEY's converter, typed by it.
`Key.read` converts one value without a table (a key that names the entry must be read before
the rest), and `Schema.value` one value of a flat settings file, which reports every problem
instead of stopping at the first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Final, Generic, TypeVar
from urllib.parse import urlsplit

from posture_guard.core.errors import MISSING, ContentError, PostureGuardError
from posture_guard.core.i18n import N_, _

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)
_E = TypeVar("_E", bound=Enum)


class _Whole:
    """The type of _WHOLE: `Invalid.got` left out means the whole value was wrong."""

    def __repr__(self) -> str:
        return "WHOLE"


_WHOLE: Final = _Whole()


class Invalid(ValueError):
    """A converter's refusal with more than what was expected (rule 4).

    Attributes:
        expected: what was expected, e.g. "expected one of none, mild"; also the text.
        got: the part of the value that was wrong (an item of a list); left out, the whole value.
        part: appended to the key to name that part ("[2]", "[2].pain"); "" for the whole value.
        shown: how to show `got` instead of spelling it ("(4001 characters)"), for the refusals
            that render it (DiaryValueError); None to spell it.
    """

    def __init__(
        self, expected: str, *, got: object = _WHOLE, part: str = "", shown: str | None = None
    ) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.part = part
        self.shown = shown


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """One problem with a table, not yet worded as any file's exception.

    Attributes:
        key: the key it is about ("" for the whole table).
        expected: what was expected: "expected a string", "unknown key".
        got: the value found, or MISSING when the key is absent.
        shown: how to show `got` instead of spelling it, or None.
    """

    key: str
    expected: str
    got: object = MISSING
    shown: str | None = None


#: Turns a Refusal into the exception the caller raises (its file, entry or record named).
Refuse = Callable[[Refusal], PostureGuardError]


def in_content(file: str, entry: str = "") -> Refuse:
    """Refusals as ContentError of `file` and `entry`: ``exercises.toml: exercise "x": key ...``."""

    def refuse(refusal: Refusal) -> PostureGuardError:
        return ContentError(file, entry, refusal.key, refusal.expected, refusal.got)

    return refuse


@dataclass(frozen=True, slots=True)
class Key(Generic[_T_co]):
    """One key of a table and the converter that checks and converts its value (rule 4).

    Attributes:
        name: the key as written in the table.
        convert: value (MISSING when absent) -> the converted value; raises ValueError.
        required: refused up front when absent, if the schema words `missing`.
    """

    name: str
    convert: Callable[[object], _T_co]
    required: bool = True

    def read(self, values: Mapping[str, object], refuse: Refuse) -> _T_co:
        """This key's value of `values`, converted.

        Raises:
            PostureGuardError: what `refuse` makes of the converter's refusal.
        """
        raw = values.get(self.name, MISSING)
        try:
            return self.convert(raw)
        except Invalid as invalid:
            got = raw if invalid.got is _WHOLE else invalid.got
            refusal = Refusal(
                key=self.name + invalid.part,
                expected=invalid.expected,
                got=got,
                shown=invalid.shown,
            )
        except ValueError as exc:
            refusal = Refusal(key=self.name, expected=str(exc), got=raw)
        raise refuse(refusal)


class Table:
    """A table whose shape its schema has checked; `table[KEY]` converts one value."""

    __slots__ = ("_refuse", "values")

    def __init__(self, values: Mapping[str, object], refuse: Refuse) -> None:
        self.values: Final = values
        self._refuse = refuse

    def __getitem__(self, key: Key[_T]) -> _T:
        return key.read(self.values, self._refuse)

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def error(self, key: str, expected: str, got: object = _WHOLE) -> PostureGuardError:
        """The exception for a rule between keys broken at `key` (got: its value, unless given).

        Returns it for the caller to raise, so the raise stays visible where the rule is.
        """
        value = self.values.get(key, MISSING) if got is _WHOLE else got
        return self._refuse(Refusal(key=key, expected=expected, got=value))


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """The keys a table may hold, and how its shape problems are worded.

    Attributes:
        keys: every known key, in the order the unknown-key wording lists them and missing
            keys are reported.
        unknown: the wording for a key not in `keys`; "{keys}" is replaced by their names.
        missing: the wording for an absent required key, checked before any value; None leaves
            it to the key's converter (it receives MISSING).
        not_a_table: the wording for a value that is not a table.
    """

    keys: tuple[Key[object], ...]
    unknown: str = N_("unknown key (expected one of: {keys})")
    missing: str | None = None
    not_a_table: str = N_("expected a table")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    def read(self, values: object, refuse: Refuse) -> Table:
        """Check a table's shape (rule 2): a table, no unknown key, no missing required key.

        Raises:
            PostureGuardError: what `refuse` makes of the first problem.
        """
        if not isinstance(values, Mapping):
            raise refuse(Refusal(key="", expected=_(self.not_a_table), got=values))
        names = self.names
        for name, value in values.items():
            if name not in names:
                raise refuse(Refusal(key=str(name), expected=self._unknown(names), got=value))
        if self.missing is not None:
            for key in self.keys:
                if key.required and key.name not in values:
                    raise refuse(Refusal(key=key.name, expected=self.missing))
        return Table(values, refuse)

    def value(self, name: str, raw: object, refuse: Refuse) -> object:
        """One value on its own, for a file that reports every problem: an unknown `name` is
        refused in the `unknown` wording, any other value by its key's converter.

        Raises:
            PostureGuardError: what `refuse` makes of the problem.
        """
        for key in self.keys:
            if key.name == name:
                return key.read({name: raw}, refuse)
        raise refuse(Refusal(key=name, expected=self._unknown(self.names), got=raw))

    def _unknown(self, names: tuple[str, ...]) -> str:
        # the wordings are marked N_ where they are defined (i18n.py Rule 2)
        return _(self.unknown).replace("{keys}", ", ".join(names))


# --- converters the content files share ---------------------------------------------------------


def text(raw: object) -> str:
    """A string, possibly empty."""
    if not isinstance(raw, str):
        raise ValueError("expected a string")
    return raw


def non_empty_text(raw: object) -> str:
    """A string with something besides white space."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("expected a non-empty string")
    return raw


def optional(convert: Callable[[object], _T], default: _T) -> Callable[[object], _T]:
    """`convert` for a key that may be left out: an absent key gives `default`."""

    def read(raw: object) -> _T:
        return default if raw is MISSING else convert(raw)

    return read


def texts(*, at_least_one: bool) -> Callable[[object], tuple[str, ...]]:
    """A list of non-empty strings (at least one, when `at_least_one`)."""
    expected = "expected a list of non-empty strings" + (", at least one" if at_least_one else "")

    def read(raw: object) -> tuple[str, ...]:
        if not isinstance(raw, list):
            raise ValueError(expected)
        items = tuple(item for item in raw if isinstance(item, str) and item.strip())
        if len(items) != len(raw) or (at_least_one and not items):
            raise ValueError(expected)
        return items

    return read


def ids(
    known: Collection[str], what: str, *, at_least_one: bool
) -> Callable[[object], tuple[str, ...]]:
    """A list of ids from `known` (named `what` in messages), each once."""
    as_texts = texts(at_least_one=at_least_one)

    def read(raw: object) -> tuple[str, ...]:
        items = as_texts(raw)
        unknown = [item for item in items if item not in known]
        if unknown:
            listed = ", ".join(f'"{item}"' for item in unknown)
            raise ValueError(f"expected ids from {what}; unknown: {listed}")
        if len(set(items)) != len(items):
            raise ValueError("expected each id once")
        return items

    return read


def whole_number(low: int, high: int) -> Callable[[object], int]:
    """A whole number from `low` to `high` (true and false are not numbers)."""

    def read(raw: object) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return raw

    return read


def one_of(kind: type[_E], *, quoted: bool = False) -> Callable[[object], _E]:
    """The member of `kind` whose value this is: "expected one of a, b" (`quoted`: "a", "b")."""
    spelled = (f'"{member.value}"' if quoted else str(member.value) for member in kind)
    expected = f"expected one of {', '.join(spelled)}"

    def read(raw: object) -> _E:
        for member in kind:
            if member.value == raw:
                return member
        raise ValueError(expected)

    return read


# --- TOML ------------------------------------------------------------------------------------------


#: The deepest nesting of tables and arrays a document may have. Ours need 4 at most; a
#: deeper one is refused whole, before any recursive code (ours or a reader's) meets it.
MAX_DEPTH: Final = 16


def depth(value: object) -> int:
    """How deeply `value`'s dicts and lists nest (a scalar: 0), found without recursion, so
    a hostile document cannot exhaust the stack; counting stops past MAX_DEPTH."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def check_depth(document: object) -> None:
    """Refuse a document nested deeper than MAX_DEPTH.

    Raises:
        Invalid: ``nested deeper than 16 levels of tables and arrays``.
    """
    if depth(document) > MAX_DEPTH:
        raise Invalid(too_deep())


def too_deep() -> str:
    return _("nested deeper than {levels} levels of tables and arrays").format(levels=MAX_DEPTH)


def parse_toml(text: str) -> dict[str, object]:
    """A TOML document, at most MAX_DEPTH deep.

    Raises:
        Invalid: ``not valid TOML: <tomllib's reason>`` (the caller names the file), or nested
            too deep.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Translators: TOML is the files' format; {reason} is the reader's reason, in English
        raise Invalid(_("not valid TOML: {reason}").format(reason=exc)) from None
    except RecursionError:  # the reader itself gave up on the nesting
        raise Invalid(too_deep()) from None
    check_depth(document)
    return document


def content_toml(text: str, file: str) -> dict[str, object]:
    """A content file's TOML.

    Raises:
        ContentError: ``exercises.toml: not valid TOML: ...``.
    """
    try:
        return parse_toml(text)
    except Invalid as exc:
        raise ContentError(file, "", "", exc.expected) from None


# --- sources -----------------------------------------------------------------------------------

SOURCES_FILE: Final = "sources.toml"
#: Content ids (sources, exercises): lower-case words joined by "-".
ID_RE: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One citable source from sources.toml; `url` is empty for the seed page and judgement."""

    id: str
    title: str
    url: str
    note: str


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host
        return False
    return (
        parts.scheme in ("https", "http")
        and bool(parts.hostname)
        and not any(ch.isspace() for ch in url)
    )


def _url(raw: object) -> str:
    url = text(raw)
    if url and not _is_web_address(url):
        raise ValueError('expected "" or a web address starting with https:// or http://')
    return url


_TITLE: Final = Key("title", non_empty_text)
_URL: Final = Key("url", _url)
_NOTE: Final = Key("note", optional(text, ""))
_SOURCE: Final = Schema(keys=(_TITLE, _URL, _NOTE))


def parse_sources(text: str, *, file: str = SOURCES_FILE) -> tuple[Source, ...]:
    """Check and read a sources file: one table per source id with title, url and an optional note.

    Args:
        text: the file's text.
        file: the name used in error messages.

    Returns:
        The sources in file order.

    Raises:
        ContentError: the text is not TOML, or an entry is wrong (names the id and the key).
    """
    sources: list[Source] = []
    for source_id, values in content_toml(text, file).items():
        entry = f"[{source_id}]"
        if not ID_RE.fullmatch(source_id):
            raise ContentError(file, entry, "", "expected an id of lower-case words joined by -")
        if not isinstance(values, dict):
            raise ContentError(file, "", source_id, "expected a table with title and url", values)
        table = _SOURCE.read(values, in_content(file, entry))
        url = table[_URL]  # checked first, as it always was
        sources.append(Source(id=source_id, title=table[_TITLE], url=url, note=table[_NOTE]))
    return tuple(sources)


# --- the package's files: the only I/O in this module ---------------------------------------------


def package_text(name: str) -> str:
    """The text of a file in posture_guard/content (a plain path: see config.builtin_text)."""
    return (Path(__file__).parents[1] / "content" / name).read_text(encoding="utf-8")


def content_document(name: str) -> dict[str, object]:
    """A file of posture_guard/content parsed as TOML.

    Raises:
        ContentError: the file is not valid TOML (a bug in the package).
    """
    return content_toml(package_text(name), name)


def load_sources() -> tuple[Source, ...]:
    """Every source the package's content may cite (content/sources.toml).

    Raises:
        ContentError: the shipped file is broken (a bug in the package).
    """
    return parse_sources(package_text(SOURCES_FILE))
