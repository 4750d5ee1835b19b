"""The HTML renderer's promises (report/html.py rules): everything from the diary and the clinic
escaped, the booking link present only as the clinic gave it, nothing fetched; and a property:
the report's per-kind counts always equal the exported rows of the same period."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.records import BreakRecord
from posture_guard.core.timer import Outcome
from posture_guard.report.charts import activity_figure
from posture_guard.report.export import tables
from posture_guard.report.html import render
from posture_guard.report.model import build
from tests.unit.test_report_model import NOW, PERIOD, records

CLINIC = ClinicProfile(
    name='Riverside <Physio> & "Sports"',
    booking_url="https://riverside.example/book?a=1&b=<2>",
    phone="0123 456",
)


def test_report_html_escapes_the_clinic_and_links_its_booking_page() -> None:
    page = render(build(replace(records(), clinic=CLINIC), PERIOD, NOW))
    assert (
        '<p class="clinic">Clinic: Riverside &lt;Physio&gt; &amp; &quot;Sports&quot; (phone 0123 456)'
        ' · <a href="https://riverside.example/book?a=1&amp;b=&lt;2&gt;">book an appointment</a></p>'
    ) in page
    assert "<Physio>" not in page


def test_report_html_fetches_nothing_and_runs_nothing() -> None:
    page = render(build(replace(records(), clinic=CLINIC), PERIOD, NOW))
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in page
    assert "<script" not in page
    assert " src=" not in page  # no image, frame or script loads anything
    assert 'xlink:href="http' not in page
    assert page.count("<svg") == 2


def test_report_html_without_a_clinic_has_no_booking_link() -> None:
    page = render(build(records(), PERIOD, NOW))
    assert 'class="clinic"' not in page
    assert "<a " not in page


_MOMENTS = st.integers(min_value=-3 * 86400, max_value=31 * 86400).map(
    lambda s: PERIOD.start + timedelta(seconds=s)
)
_BREAKS = st.builds(
    lambda kind, ended, outcome, snoozes: BreakRecord(
        kind=kind,
        ended=ended,
        outcome=outcome,
        snoozes=snoozes,
        prompted=None if outcome is Outcome.NATURAL else ended - timedelta(minutes=1),
    ),
    st.sampled_from(["posture", "stretch", "movement"]),
    _MOMENTS,
    st.sampled_from(list(Outcome)),
    st.integers(min_value=0, max_value=3),
)


@given(st.lists(_BREAKS, max_size=60))
def test_report_counts_per_kind_equal_the_exported_rows(breaks: list[BreakRecord]) -> None:
    given_records = replace(records(empty=True), breaks=tuple(breaks))
    model = build(given_records, PERIOD, NOW)
    rows = tables(given_records, PERIOD)["breaks"]
    for k in model.kinds:
        mine = [r for r in rows if r["kind"] == k.kind]
        assert k.taken == sum(1 for r in mine if r["outcome"] == "taken")
        assert k.skipped == sum(1 for r in mine if r["outcome"] == "skipped")
        assert k.natural == sum(1 for r in mine if r["outcome"] == "natural")
        assert k.snoozed == sum(int(str(r["snoozes"])) for r in mine)
        assert k.prompted == sum(1 for r in mine if r["prompted"] is not None)
    assert all(PERIOD.start <= datetime.fromisoformat(str(r["ended"])) < PERIOD.end for r in rows)


def test_report_activity_chart_of_a_diary_without_screen_time_has_axes_from_zero() -> None:
    """Issue 13: a diary with no screen time drew axes with negative values ("-0.04 h") and
    ticks that all read 0.0. Both scales start at 0 and reach at least 1; breaks in whole
    numbers."""
    diary_only = replace(records(), breaks=(), activity=(), stretches=())
    top, bottom = activity_figure(build(diary_only, PERIOD, NOW)).axes
    assert top.get_ylim() == (0.0, 1.0)
    assert bottom.get_ylim() == (0.0, 1.0)
    assert all(tick == int(tick) for tick in bottom.get_yticks())
    busy = activity_figure(build(records(), PERIOD, NOW)).axes[0]
    assert busy.get_ylim()[0] == 0.0
    assert busy.get_ylim()[1] > 6  # the fixture's busiest days: 6h
