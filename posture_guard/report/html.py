"""The report as one self-contained HTML file: inline CSS and SVG charts, no script, no network.

Rule 1: every piece of text from the diary or the clinic goes through `html.escape` (notes may
        hold anything, markup included); links are only the clinic's booking URL, and only when
        it is http(s).
Rule 2: nothing is fetched: a Content-Security-Policy of `default-src 'none'` (inline styles
        only) makes the browser refuse any request the page could make. The organisation's logo
        is inside the file, a data: URI (report/branding.py).
Rule 3: print-friendly (A4 margins, sections kept whole, the booking link's address printed) and
        readable on a phone (one column, tables scroll sideways inside their box).
Rule 4: the page says its language and direction (`<html lang dir>`, from core/i18n.py), so a
        screen reader speaks it with the right voice and the browser picks fonts that draw it;
        every word is the language's (sections.py Rule 3).
"""

from __future__ import annotations

from html import escape
from typing import Final

from posture_guard import __version__
from posture_guard.core import i18n
from posture_guard.core.i18n import _
from posture_guard.core.localeforms import format_date_range, text_direction
from posture_guard.report import charts
from posture_guard.report.model import ReportModel
from posture_guard.report.sections import (
    HEALTH_NOTICE,
    NOT_A_DIAGNOSIS,
    TITLE,
    Section,
    Table,
    branding_notes,
    chart_title,
    clinic_label,
    clinic_line,
    health_notice_lead,
    made_by,
    period_line,
    provided_by,
    sections,
)

_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_CSS: Final = """
:root { color-scheme: light; --ink: #1d2329; --muted: #56606b; --rule: #d9dde1; --accent: #0b5394;
        --heading: var(--ink); --accent-rule: var(--rule); }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
             "Noto Sans Devanagari", "Nirmala UI", "Kohinoor Devanagari", "Lohit Devanagari",
             sans-serif; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; color: var(--heading); }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--accent-rule); color: var(--heading); }
header.branded { border-bottom: 3px solid var(--accent-rule); padding-bottom: .75rem; }
.brand { display: flex; align-items: center; gap: .75rem; margin: 0 0 .75rem; color: var(--muted); }
.brand img { display: block; max-height: 3rem; max-width: 12rem; width: auto; height: auto; }
p { margin: .5rem 0; }
.meta { color: var(--muted); margin: 0; }
.notice { border-left: 4px solid #b45f06; background: #fff6e5; padding: .6rem .9rem; margin: 1rem 0; }
.clinic { margin: .25rem 0 0; }
a { color: var(--accent); }
dl.facts { margin: 0; }
dl.facts > div { display: grid; grid-template-columns: 11rem 1fr; gap: 1rem; padding: .45rem 0; border-bottom: 1px solid #eef0f2; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
dl.facts ul { margin: .25rem 0 0; padding-left: 1.2rem; }
figure { margin: .75rem 0; }
figure svg { display: block; width: 100%; height: auto; }
.scroll { overflow-x: auto; margin: .75rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .85rem; padding-top: .35rem; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f4f6f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
#before td:nth-child(-n+2) { white-space: nowrap; }
td.notes { white-space: pre-wrap; overflow-wrap: anywhere; }
.small { color: var(--muted); font-size: .88rem; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--accent-rule); padding-top: .75rem; }
@media (max-width: 40rem) {
  main { padding: 1rem .75rem 2rem; }
  h1 { font-size: 1.35rem; }
  dl.facts > div { grid-template-columns: 1fr; gap: .1rem; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, tr, dl.facts div, .notice { break-inside: avoid; }
  .scroll { overflow: visible; }
  a[href^="http"]::after { content: " (" attr(href) ")"; color: var(--muted); font-size: .9em; }
}
"""


def render(model: ReportModel) -> str:
    """The whole report as an HTML document (text), in the language in use."""
    language = lang_tag(i18n.language())
    title = _(TITLE)
    parts = [
        "<!doctype html>",
        f'<html lang="{escape(language)}" dir="{text_direction(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="robots" content="noindex">',
        f"<title>{escape(title)}: {escape(format_date_range(model.period.first, model.period.last))}"
        "</title>",
        f"<style>{_CSS}{_accent_css(model)}</style>",
        "</head>",
        "<body>",
        "<main>",
        *_brand(model),
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(period_line(model))}</p>',
    ]
    clinic = clinic_line(model)
    if clinic is not None:
        link = ""
        if clinic.href is not None and _is_web(clinic.href):
            link = f' · <a href="{escape(clinic.href)}">{escape(_("book an appointment"))}</a>'
            if clinic.mixed and clinic.shown is not None:
                link += f" ({escape(clinic.shown)})"
        label = escape(clinic_label(model))
        parts.append(f'<p class="clinic">{label}: {escape(clinic.name)}{link}</p>')
    parts += [
        "</header>",
        f'<p class="notice" role="note"><strong>{escape(health_notice_lead())}</strong>'
        f" {escape(_(HEALTH_NOTICE))}</p>",
    ]
    for section in sections(model):
        parts.append(_section(section, model))
    parts += [
        "<footer>",
        f"<p>{escape(_(NOT_A_DIAGNOSIS))}</p>",
        f"<p>{escape(made_by(__version__))}</p>",
        *(f"<p>{escape(line)}</p>" for line in branding_notes(model)),
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _accent_css(model: ReportModel) -> str:
    """The organisation's accent where it reads (branding.py Rule 1); "" when there is none."""
    roles = model.branding.roles
    names = {"--accent": roles.text, "--heading": roles.text, "--accent-rule": roles.rule}
    chosen = "; ".join(f"{name}: {value}" for name, value in names.items() if value is not None)
    return f"\n:root {{ {chosen}; }}\n" if chosen else ""


def _brand(model: ReportModel) -> list[str]:
    """The header's opening: the logo and "Provided by ..." when the policy gives them."""
    b = model.branding
    line = provided_by(model)
    if b.logo is None and line is None and b.accent is None:
        return ["<header>"]
    out = ['<header class="branded">']
    if b.logo is not None or line is not None:
        out.append('<div class="brand">')
        if b.logo is not None:
            alt = (
                # Translators: the alternative text of the organisation's logo
                _("{organisation} logo").format(organisation=b.organisation)
                if b.organisation
                else _("organisation logo")
            )
            out.append(
                f'<img src="{b.logo.data_uri()}" alt="{escape(alt)}" width="{b.logo.width}"'
                f' height="{b.logo.height}">'
            )
        if line is not None:
            out.append(f"<span>{escape(line)}</span>")
        out.append("</div>")
    return out


def _section(section: Section, model: ReportModel) -> str:
    out = [f'<section id="{section.id}" aria-labelledby="{section.id}-title">']
    out.append(f'<h2 id="{section.id}-title">{escape(section.title)}</h2>')
    if section.facts:
        out.append('<dl class="facts">')
        for fact in section.facts:
            items = ""
            if fact.items:
                items = "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in fact.items) + "</ul>"
            out.append(
                f"<div><dt>{escape(fact.label)}</dt><dd>{escape(fact.text)}{items}</dd></div>"
            )
        out.append("</dl>")
    chart = _chart(section.chart, model)
    if chart:
        out.append(chart)
    out += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
    out += [_table(t) for t in section.tables]
    out += [f'<p class="small">{escape(n)}</p>' for n in section.notes]
    out.append("</section>")
    return "\n".join(out)


def _chart(name: str | None, model: ReportModel) -> str:
    if name == "activity":
        fig = charts.activity_figure(model)
    elif name == "pain":
        found = charts.pain_figure(model)
        if found is None:
            return ""
        fig = found
    else:
        return ""
    return f'<figure class="chart chart-{name}">{charts.to_svg(fig, chart_title(name))}</figure>'


def _table(table: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in table.numeric else ""

    head = "".join(f'<th{cls(i)} scope="col">{escape(h)}</th>' for i, h in enumerate(table.header))
    body = []
    for row in table.rows:
        cells = "".join(
            f"<td{cls(i)}>{escape(cell)}</td>"
            if i not in table.text_columns
            else f'<td class="notes">{escape(cell)}</td>'
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return (
        f'<div class="scroll"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _is_web(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))


def lang_tag(code: str) -> str:
    """A gettext language code as HTML's `lang` wants it (BCP 47): "de", "hi", "en-XA"."""
    return code.replace("_", "-")
