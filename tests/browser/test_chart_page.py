"""A sample report page of both charts, checked in Chromium: offline, accessible, responsive."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from browser_kit import PHONE, artifact
from playwright.sync_api import expect

from syncsvc.report.html import (
    BurnupPoint,
    Marker,
    Series,
    burnup_chart,
    environment,
    stacked_area_chart,
)

PAGE = """{% extends "base.html" %}
{% block content %}
<h2>Burn-up</h2>
{{ burnup }}
<h2>Squash day</h2>
{{ squash }}
<h2>Notes</h2>
<p>{{ note }}</p>
{% endblock %}
"""
START = date(2020, 11, 9)


def write_sample(folder: Path) -> Path:
    """The sample page: a 12-week burn-up recorded from two weeks after the PTG, with
    milestones, and a day of squash snapshots."""
    points = [BurnupPoint(START + timedelta(weeks=w), 40 + 2 * w, 3 * w, 2 * w) for w in range(12)]
    burnup = burnup_chart(
        points,
        chart_id="burnup",
        title="Wallaby burn-up",
        markers=[
            Marker(date(2020, 10, 26), "PTG"),
            Marker(date(2020, 12, 3), "M-1"),
            Marker(date(2020, 12, 10), "Squash <day>"),
            Marker(date(2021, 1, 21), "M-2"),
        ],
        no_data_before=START,
    )
    times = [datetime(2021, 1, 14, tzinfo=UTC) + timedelta(hours=3 * i) for i in range(9)]
    squash = stacked_area_chart(
        times,
        [
            Series("New", [30, 28, 22, 18, 15, 12, 10, 9, 8]),
            Series("Incomplete", [10, 10, 9, 9, 8, 8, 7, 7, 7]),
            Series("In Progress", [5, 6, 8, 10, 12, 13, 14, 14, 15]),
            Series('Confirmed+Triaged "<b>"', [40, 41, 43, 44, 45, 45, 46, 46, 46]),
        ],
        chart_id="squash",
        title="Bugs by status during the squash",
    )
    page = (
        environment()
        .from_string(PAGE)
        .render(
            title="Manila Wallaby <retro>",
            subtitle="Sample data",
            burnup=burnup,
            squash=squash,
            note="a-very-long-unbroken-word-" * 8 + "<img src=http://example.invalid/x.png>",
        )
    )
    path = folder / "sample.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_sample(tmp_path)


class TestChartPage:
    def test_charts_are_images_named_by_their_titles(self, open_offline, sample):
        """Each chart is found by role and name; assistive technology sees one described image."""
        opened = open_offline(sample)
        burnup = opened.page.get_by_role("img", name="Wallaby burn-up")
        expect(burnup).to_be_visible()
        expect(burnup).to_match_aria_snapshot('- img "Wallaby burn-up"')
        assert burnup.aria_snapshot() == '- img "Wallaby burn-up"'
        assert burnup.get_attribute("aria-describedby") == "burnup-desc"
        assert (
            opened.page.locator("#burnup-desc")
            .text_content()
            .startswith(
                "From 2020-11-09 to 2021-01-25; on 2021-01-25: scope 62, started 33, completed 22."
            )
        )
        squash = opened.page.get_by_role("img", name="Bugs by status during the squash")
        expect(squash).to_be_visible()
        assert opened.requests == []
        assert opened.screenshot("chart-page-laptop").stat().st_size > 10_000

    def test_data_tables_hold_a_row_per_point(self, open_offline, sample):
        """The tables beside the charts: 12 weeks and 9 snapshots, plus a header row each."""
        opened = open_offline(sample)
        burnup = opened.page.get_by_role("table", name="Wallaby burn-up (data)")
        expect(burnup.get_by_role("row")).to_have_count(13)
        expect(burnup.get_by_role("row").nth(1)).to_match_aria_snapshot(
            '- row "2020-11-09 40 0 0":\n'
            '  - rowheader "2020-11-09"\n'
            '  - cell "40"\n  - cell "0"\n  - cell "0"'
        )
        squash = opened.page.get_by_role("table", name="Bugs by status during the squash (data)")
        expect(squash.get_by_role("row")).to_have_count(10)
        expect(squash.get_by_role("columnheader")).to_have_text(
            ["Time", "New", "Incomplete", "In Progress", 'Confirmed+Triaged "<b>"', "Total"]
        )
        assert opened.requests == []

    def test_hostile_text_stays_text(self, open_offline, sample):
        """Markup in a title, series name or note renders as text: no image, script or bold."""
        page = open_offline(sample).page
        expect(page.get_by_role("heading", level=1)).to_have_text("Manila Wallaby <retro>")
        assert page.locator("script, img, b").count() == 0
        expect(page.locator("main p").last).to_contain_text(
            "<img src=http://example.invalid/x.png>"
        )

    def test_a_phone_never_scrolls_sideways(self, open_offline, sample):
        """At 375 px neither the page nor a chart's table is wider than the screen."""
        opened = open_offline(sample, viewport=PHONE)
        assert opened.scroll_width() <= 375
        box = opened.page.get_by_role("img", name="Wallaby burn-up").bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 375
        overflowing = opened.page.evaluate(
            "[...document.querySelectorAll('.chart-table')]"
            ".filter(e => e.scrollWidth > e.clientWidth).map(e => e.firstElementChild.id)"
        )
        assert overflowing == []
        opened.screenshot("chart-page-phone")
        assert opened.requests == []

    def test_print_media_keeps_charts_whole(self, open_offline, sample):
        """In print media figures do not break across pages; the A4 PDF has 2 to 4 pages."""
        opened = open_offline(sample)
        opened.page.emulate_media(media="print")
        style = opened.page.evaluate(
            "[getComputedStyle(document.querySelector('figure.chart')).breakInside,"
            " getComputedStyle(document.body).maxWidth]"
        )
        assert style == ["avoid", "none"]
        opened.page.set_viewport_size({"width": 700, "height": 1000})
        assert opened.scroll_width() <= 700
        expect(opened.page.get_by_role("img", name="Wallaby burn-up")).to_be_visible()
        pdf = opened.page.pdf(format="A4")
        assert pdf.startswith(b"%PDF-")
        assert 2 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 4
        artifact("chart-page.pdf").write_bytes(pdf)
        assert opened.requests == []


class TestHarness:
    def test_a_request_off_the_file_is_refused_and_recorded(self, open_offline, tmp_path):
        """A page that asks for a URL gets nothing, and the harness reports the request."""
        leaky = tmp_path / "leaky.html"
        leaky.write_text('<!DOCTYPE html><img alt="x" src="http://example.invalid/pixel.png">')
        opened = open_offline(leaky)
        opened.page.wait_for_load_state("load")
        assert opened.requests == ["http://example.invalid/pixel.png"]
        assert opened.page.evaluate("document.images[0].naturalWidth") == 0
