"""The words people read, through the active catalogue: `_`, `ngettext`, `pgettext`, `N_`.

Rule 1: every string a person reads is written in English in the code and passed through `_`
        (or `ngettext` with its count) when it is shown, never at import: the language is chosen
        after the modules have loaded, and a window may change it.
Rule 2: `N_` marks a string for extraction where it is defined as data (a table of labels); the
        code that shows it passes it through `_`.
Rule 3: the core never finds or reads a catalogue. The shell (desktop/language.py) picks the
        language and calls `use()` once at start; until then, and for any message the catalogue
        lacks, the English text is shown.
Rule 4: a translated text keeps the placeholders of its English text (`{name}`, `%(name)s`),
        so formatting never fails in one language only; the catalogue tests check each.
"""

from __future__ import annotations

from typing import Protocol


class Catalogue(Protocol):
    """A compiled message catalogue; `gettext.GNUTranslations` and `NullTranslations` are ones.

    Called from any thread; lookups never block and never raise for an unknown message (they
    return the English text).
    """

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...

    def pgettext(self, context: str, message: str, /) -> str: ...


class English:
    """No catalogue: the English text as written, with English plurals (1 is singular)."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str, /) -> str:
        del context
        return message


class _Active:
    """The catalogue in use and its language code (a holder, so `use` needs no `global`)."""

    catalogue: Catalogue = English()
    language: str = "en"


def use(catalogue: Catalogue, language: str) -> None:
    """Make `catalogue` (for `language`, a code such as "de" or "hi") the one every lookup uses."""
    _Active.catalogue = catalogue
    _Active.language = language


def language() -> str:
    """The code of the language in use ("en" until `use` is called)."""
    return _Active.language


def _(message: str) -> str:
    """`message` in the language in use."""
    return _Active.catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for the count `n`, by the language's plural rule."""
    return _Active.catalogue.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the language in use, where the same English means different things
    (`context` tells the translator which)."""
    return _Active.catalogue.pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for extraction only; it is translated where it is shown (Rule 2)."""
    return message
