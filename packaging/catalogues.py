"""The message catalogues: extract, update, make the pseudo-locale, compile (Babel, a dev tool).

    python packaging/catalogues.py          # all four steps, in order
    python packaging/catalogues.py check    # exit 1 when a step would change a file

- extract: every `_()`, `N_()`, `ngettext()`, `pgettext()` string of posture_guard/ into
  posture_guard/locale/posture_guard.pot (no creation date, so an unchanged tree gives an
  unchanged file).
- update: each language's posture_guard.po gains the new messages (untranslated) and loses the
  gone ones. No guesses from similar texts: a changed English text is a new message, translated
  anew, so no stale meaning (a clinical one least of all) survives an edit. One run settles.
- pseudo: en_XA, every message accented and about a third longer between ⟦ ⟧ with its
  placeholders kept, so a test finds strings left out of the catalogue and layouts that clip.
- compile: each .po into the posture_guard.mo that stdlib gettext reads at run time. The .mo
  files are committed beside their .po, so an install needs no Babel; `check` (run by the tests)
  fails when one is stale.
"""

from __future__ import annotations

import io
import re
import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "posture_guard"
LOCALE = PACKAGE / "locale"
DOMAIN = "posture_guard"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
PSEUDO = "en_XA"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
HEADER = "# Posture Guard's messages (posture_guard/locale; packaging/catalogues.py makes them)."
#: The date the files carry, so that an unchanged tree gives unchanged files.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

#: A placeholder, kept as it is by the pseudo-locale: {name}, {0:>3}, %(name)s, %s, %d.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdrf]|%[sdrf%]")
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥíĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)


def pseudo(text: str) -> str:
    """`text` accented, about 30% longer, between ⟦ ⟧; placeholders and line breaks kept."""
    if not text:
        return text
    out, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(text[last : match.start()].translate(ACCENTED))
        out.append(match.group(0))
        last = match.end()
    out.append(text[last:].translate(ACCENTED))
    body = "".join(out)
    letters = sum(ch.isalpha() for ch in text)
    padding = "·" * max(1, round(letters * 0.3))
    lines = body.split("\n")
    lines[0] = "⟦" + lines[0]
    lines[-1] = lines[-1] + padding + "⟧"
    return "\n".join(lines)


def extracted() -> Catalog:
    """The template from the source tree, sorted and dated never (Rule: reproducible)."""
    catalog = Catalog(domain=DOMAIN, project="Posture Guard", header_comment=HEADER)
    catalog.creation_date = catalog.revision_date = _EPOCH
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        catalog.add(
            message,
            locations=[(f"posture_guard/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    for filename, lineno, message, comments in content_messages():
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments)
    for message in catalog:  # each file once: the files carry no line numbers
        message.locations = list({file: (file, 0) for file, _ in message.locations}.values())
    return catalog


#: The words of the content files a person reads, by file: (table path, keys). Sources' titles
#: are citations and stay as published.
CONTENT_KEYS = {
    "exercises.toml": (("exercise",), ("name", "steps", "hold_reps", "caution_text", "judgement")),
    "warning_signs.toml": (
        ("advice", "tiers", "rule"),
        (
            "title",
            "do_now",
            "what_to_do",
            "judgement",
            "not_a_diagnosis",
            "no_clinic",
            "emergency_numbers",
        ),
    ),
}


def content_messages() -> Iterator[tuple[str, int, str, list[str]]]:
    """(file, line, text, translator comments) for each string a person reads in content/*.toml.

    The comment names the entry and its sources: a translation must say what the entry says,
    and it cites the same sources (the ids are not translated)."""
    for name, (tables, keys) in CONTENT_KEYS.items():
        path = PACKAGE / "content" / name
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        document = tomllib.loads(text)
        for table in tables:
            value = document.get(table)
            entries: list[tuple[str, dict[str, object]]]
            if isinstance(value, list):
                entries = [(str(entry.get("id", table)), entry) for entry in value]
            elif isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
                entries = [(f"{table}.{key}", entry) for key, entry in value.items()]
            else:
                entries = [(table, value if isinstance(value, dict) else {})]
            for entry_id, entry in entries:
                sources = entry.get("sources", [])
                note = f"{name}: {entry_id}" + (
                    f" (sources: {', '.join(map(str, sources))})" if sources else ""
                )
                for key in keys:
                    found = entry.get(key)
                    for item in found if isinstance(found, list) else [found]:
                        if isinstance(item, str) and item:
                            yield (
                                f"posture_guard/content/{name}",
                                _line_of(lines, item),
                                item,
                                [note],
                            )


def _line_of(lines: list[str], text: str) -> int:
    probe = text[:40].replace("\\", "\\\\").replace('"', '\\"')
    return next((n for n, line in enumerate(lines, 1) if probe in line), 0)


#: The languages translated by people (the pseudo-locale is made, not written).
LANGUAGES = ("de", "hi")


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale, domain=DOMAIN)


def render_po(catalog: Catalog, *, template: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        omit_header=False,
        sort_output=True,
        include_previous=False,
        include_lineno=False,  # a line moved by an edit elsewhere is no change of message
        ignore_obsolete=True,
    )
    text = buffer.getvalue()
    if template:  # a made file: no dates, which would change it at every run
        text = re.sub(rb'"POT-Creation-Date: [^"]*\\n"\n', b"", text)
        text = re.sub(rb'"PO-Revision-Date: [^"]*\\n"\n', b"", text)
    # the Babel version would change the files with every upgrade
    return re.sub(rb'"Generated-By: [^"]*\\n"\n', b"", text)


def updated(code: str, template: Catalog) -> Catalog:
    if not po_path(code).exists():  # a new language: an empty catalogue with its plural rule
        catalog = Catalog(
            locale=code,
            domain=DOMAIN,
            project="Posture Guard",
            header_comment=HEADER,
            fuzzy=False,
            language_team=f"Posture Guard {code}",
        )
        catalog.creation_date = catalog.revision_date = _EPOCH
    else:
        catalog = read(po_path(code), locale=code)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    return catalog


def pseudo_catalog(template: Catalog) -> Catalog:
    catalog = Catalog(locale="en", domain=DOMAIN, project="Posture Guard", header_comment=HEADER)
    catalog.locale = None  # en_XA is no locale Babel knows; its plural rule is English's
    catalog.creation_date = catalog.revision_date = _EPOCH
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string: str | tuple[str, ...] = tuple(pseudo(part) for part in message.id)
        else:
            string = pseudo(message.id)
        catalog[message.id] = Message(
            message.id, string, locations=message.locations, context=message.context
        )
    return catalog


def render_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def planned() -> Iterator[tuple[Path, bytes]]:
    """Every file the four steps write, with its content."""
    template = extracted()
    yield TEMPLATE, render_po(template, template=True)
    pseudo_po = pseudo_catalog(template)
    yield po_path(PSEUDO), render_po(pseudo_po, template=True)
    yield po_path(PSEUDO).with_suffix(".mo"), render_mo(pseudo_po)
    for code in LANGUAGES:
        catalog = updated(code, template)
        yield po_path(code), render_po(catalog)
        yield po_path(code).with_suffix(".mo"), render_mo(catalog)


def main(argv: list[str]) -> int:
    check = argv == ["check"]
    stale = []
    for path, content in planned():
        if path.exists() and path.read_bytes() == content:
            continue
        stale.append(path.relative_to(ROOT))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for path in stale:
        print(f"{'stale' if check else 'wrote'}: {path}")
    if check and stale:
        print("run `python packaging/catalogues.py` and commit the result", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
