"""The SVG charts and the HTML renderer (syncsvc.report.html): points, labels, escaping."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from syncsvc.report.html import (
    BurnupPoint,
    Marker,
    Series,
    burnup_chart,
    environment,
    render,
    stacked_area_chart,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & "quoted" \x1b[31mred\u202e'
SHOWN = '<script>alert("x")</script> & "quoted" red\\u202e'
#: Labels in the picture are cut to 40 bytes; the table and desc keep them whole.
CLIPPED = '<script>alert("x")</script> & "quoted\u2026'


def svg_of(chart):
    return ET.fromstring(str(chart.svg))


def table_of(chart):
    return ET.fromstring(str(chart.table).split("<p ", 1)[0])


def texts(root):
    return [el.text for el in root.iter(f"{{{NS['svg']}}}text")]


def burnup(**kwargs):
    points = [
        BurnupPoint(date(2021, 1, 1), 10, 0, 0),
        BurnupPoint(date(2021, 1, 11), 20, 10, 5),
        BurnupPoint(date(2021, 1, 21), 40, 20, 10),
    ]
    return burnup_chart(points, chart_id="burnup", title="Wallaby burn-up", **kwargs)


class TestBurnup:
    def test_lines_follow_the_points(self):
        """Each line's points map dates across the plot and counts up a 0-40 axis."""
        root = svg_of(burnup())
        lines = {el.get("class"): el.get("points") for el in root.iterfind(".//svg:polyline", NS)}
        assert lines == {
            "scope": "56.0,226.0 340.0,168.0 624.0,52.0",
            "started": "56.0,284.0 340.0,226.0 624.0,168.0",
            "completed": "56.0,284.0 340.0,255.0 624.0,226.0",
        }
        assert {"0", "10", "20", "30", "40", "2021-01-01", "2021-01-21"} <= set(texts(root))

    def test_the_image_is_named_and_described(self):
        """role=img, labelled by its <title>, described by its <desc> with the last counts."""
        root = svg_of(burnup())
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "burnup-title"
        assert root.find(".//svg:title", NS).text == "Wallaby burn-up"
        assert root.find(".//svg:title", NS).get("id") == "burnup-title"
        assert root.find(".//svg:desc", NS).text == (
            "From 2021-01-01 to 2021-01-21; on 2021-01-21: scope 40, started 20, completed 10."
        )

    def test_only_title_and_desc_are_exposed(self):
        """The drawing sits in one aria-hidden group; the title and desc are not hidden."""
        root = svg_of(burnup())
        assert [child.tag.split("}")[1] for child in root] == ["title", "desc", "defs", "g"]
        assert root[3].get("aria-hidden") == "true"

    def test_the_table_holds_the_same_numbers(self):
        """One row per point: date, scope, started, completed."""
        table = table_of(burnup())
        assert table.find("caption").text == "Wallaby burn-up (data)"
        assert [th.text for th in table.iterfind("thead/tr/th")] == [
            "Date",
            "Scope",
            "Started",
            "Completed",
        ]
        rows = [[cell.text for cell in tr] for tr in table.iterfind("tbody/tr")]
        assert rows == [
            ["2021-01-01", "10", "0", "0"],
            ["2021-01-11", "20", "10", "5"],
            ["2021-01-21", "40", "20", "10"],
        ]

    def test_markers_are_dated_lines_with_labels(self):
        """A marker draws a line at its date, a label above the plot and a note under the table."""
        chart = burnup(
            markers=[Marker(date(2021, 1, 7), "M-1"), Marker(date(2021, 1, 15), "squash")]
        )
        root = svg_of(chart)
        group = root.find(".//svg:g[@class='markers']", NS)
        assert [line.get("x1") for line in group.iterfind(".//svg:line", NS)] == ["226.4", "453.6"]
        assert [t.text for t in group.iterfind(".//svg:text", NS)] == [
            "M-1 2021-01-07",
            "squash 2021-01-15",
        ]
        assert "Markers: M-1 2021-01-07; squash 2021-01-15." in str(chart.table)
        assert root.find(".//svg:desc", NS).text.endswith(
            "Markers: M-1 2021-01-07; squash 2021-01-15."
        )

    def test_close_markers_are_staggered(self):
        """Labels of successive markers take three rows in turn, so neighbours do not overlap."""
        days = [date(2021, 1, d) for d in (5, 6, 7, 8)]
        root = svg_of(burnup(markers=[Marker(d, f"m{d.day}") for d in days]))
        labels = root.find(".//svg:g[@class='markers']", NS).iterfind(".//svg:text", NS)
        assert [t.get("y") for t in labels] == ["24", "36", "48", "24"]

    def test_date_ticks_are_whole_days_across_the_axis(self):
        """Five ticks split the dates evenly, rounded to whole days."""
        axis = svg_of(burnup(markers=[Marker(date(2021, 1, 31), "RC1")])).find(
            ".//svg:g[@class='axes']", NS
        )
        labels = [(t.get("x"), t.text) for t in axis.iterfind("svg:text", NS)][-5:]
        assert labels == [
            ("56.0", "2021-01-01"),
            ("207.5", "2021-01-09"),
            ("340.0", "2021-01-16"),
            ("491.5", "2021-01-24"),
            ("624.0", "2021-01-31"),
        ]

    def test_a_marker_outside_the_points_widens_the_dates(self):
        """A squash day after the last point still shows: the x axis reaches it."""
        root = svg_of(burnup(markers=[Marker(date(2021, 1, 31), "RC1")]))
        assert root.find(".//svg:g[@class='markers']/svg:line", NS).get("x1") == "624.0"
        scope = root.find(".//svg:polyline[@class='scope']", NS).get("points")
        assert scope == "56.0,226.0 245.3,168.0 434.7,52.0"

    def test_no_points_says_there_is_no_data(self):
        """Told there is no data before a date, the chart says so instead of drawing zeros."""
        chart = burnup_chart([], chart_id="b", title="Burn-up", no_data_before=date(2021, 3, 1))
        root = svg_of(chart)
        assert root.find(".//svg:polyline", NS) is None
        assert texts(root) == ["No data before 2021-03-01."]
        assert root.find(".//svg:desc", NS).text == "No data before 2021-03-01."
        assert (
            str(chart.table) == '<p class="chart-empty" id="b-data">No data before 2021-03-01.</p>'
        )

    def test_the_span_before_the_data_is_labelled(self):
        """Points after ``no_data_before``'s start leave a hatched, labelled gap, not zeros."""
        root = svg_of(burnup(no_data_before=date(2021, 1, 11)))
        gap = root.find(".//svg:g[@class='no-data']", NS)
        assert gap.find(".//svg:rect", NS).get("width") == "284.0"
        assert gap.find(".//svg:text", NS).text == "no data before 2021-01-11"

    def test_a_single_point_is_drawn_as_dots(self):
        """One date: the point sits mid-plot, each series a dot (on a 0-3 axis)."""
        chart = burnup_chart(
            [BurnupPoint(date(2021, 1, 1), 3, 2, 1)], chart_id="one", title="One day"
        )
        dots = svg_of(chart).findall(".//svg:circle", NS)
        assert [(d.get("class"), d.get("cx"), d.get("cy")) for d in dots] == [
            ("scope", "340.0", "52.0"),
            ("started", "340.0", "129.3"),
            ("completed", "340.0", "206.7"),
        ]

    def test_large_values_get_compact_ticks(self):
        """Millions on the axis read 500k, 1M, 1.5M; the table keeps every digit."""
        chart = burnup_chart(
            [BurnupPoint(date(2021, 1, 1), 1_234_567, 20_000, 0)], chart_id="big", title="Big"
        )
        axis = svg_of(chart).find(".//svg:g[@class='axes']", NS)
        assert [t.text for t in axis.iterfind(".//svg:text", NS)][:4] == ["0", "500k", "1M", "1.5M"]
        assert [td.text for td in table_of(chart).iterfind("tbody/tr/td")] == [
            "1,234,567",
            "20,000",
            "0",
        ]

    def test_negative_counts_are_refused(self):
        """A count below zero is a ValueError, not a line under the axis."""
        with pytest.raises(ValueError, match="burn-up counts must be >= 0"):
            burnup_chart([BurnupPoint(date(2021, 1, 1), 1, -1, 0)], chart_id="n", title="n")

    def test_tick_labels_never_use_exponents(self):
        """Axes up to billions read as plain compact numbers."""
        for top, expected in (
            (9_000, ["0", "5000", "10k"]),
            (1_234, ["0", "500", "1000", "1500"]),
            (48_000, ["0", "20k", "40k", "60k"]),
            (3_750_000_000, ["0", "1G", "2G", "3G", "4G"]),
        ):
            chart = burnup_chart(
                [BurnupPoint(date(2021, 1, 1), top, 0, 0)], chart_id="t", title="t"
            )
            axis = svg_of(chart).find(".//svg:g[@class='axes']", NS)
            assert [t.text for t in axis.iterfind("svg:text", NS)][:-1] == expected

    def test_output_is_deterministic(self):
        """The same points, in any order, give byte-identical SVG and table."""
        first = burnup(markers=[Marker(date(2021, 1, 7), "M-1")])
        points = [
            BurnupPoint(date(2021, 1, 21), 40, 20, 10),
            BurnupPoint(date(2021, 1, 1), 10, 0, 0),
            BurnupPoint(date(2021, 1, 11), 20, 10, 5),
        ]
        again = burnup_chart(
            points,
            chart_id="burnup",
            title="Wallaby burn-up",
            markers=[Marker(date(2021, 1, 7), "M-1")],
        )
        assert (str(again.svg), str(again.table)) == (str(first.svg), str(first.table))

    def test_hostile_labels_are_escaped(self):
        """Markup, quotes and controls in a title or marker stay text (the marker's cut short)."""
        chart = burnup_chart(
            [BurnupPoint(date(2021, 1, 1), 1, 1, 1)],
            chart_id='x" onload="alert(1)',
            title=HOSTILE,
            markers=[Marker(date(2021, 1, 1), HOSTILE)],
        )
        root = svg_of(chart)
        assert root.get("id") == "x-onload-alert-1"
        assert root.find(".//svg:title", NS).text == SHOWN
        assert root.find(".//svg:g[@class='markers']/svg:text", NS).text == f"{CLIPPED} 2021-01-01"
        assert not any(el.tag.endswith("script") for el in root.iter())
        assert table_of(chart).find("caption").text == f"{SHOWN} (data)"
        assert "\x1b" not in str(chart.svg) + str(chart.table)


def squash(**kwargs):
    times = [datetime(2021, 1, d, h, tzinfo=UTC) for d, h in ((14, 0), (14, 12), (15, 0))]
    series = [Series("New", [30, 20, 10]), Series("In Progress", [10, 20, 30])]
    return stacked_area_chart(times, series, chart_id="squash", title="Squash day", **kwargs)


class TestStackedArea:
    def test_areas_stack_in_order(self):
        """The first series lies on the axis; the second stacks on top of it."""
        root = svg_of(squash())
        areas = [
            (a.get("data-series"), a.get("points")) for a in root.iterfind(".//svg:polygon", NS)
        ]
        assert areas == [
            ("0", "56.0,110.0 340.0,168.0 624.0,226.0 624.0,284.0 340.0,284.0 56.0,284.0"),
            ("1", "56.0,52.0 340.0,52.0 624.0,52.0 624.0,226.0 340.0,168.0 56.0,110.0"),
        ]
        assert root.find(".//svg:desc", NS).text == (
            "From 2021-01-14 00:00 to 2021-01-15 00:00; at 2021-01-15 00:00: New 10, In Progress 30."
        )

    def test_each_series_has_its_own_hatching_and_legend(self):
        """Fills refer to per-chart patterns; the legend names each series beside its swatch."""
        root = svg_of(squash())
        patterns = [p.get("id") for p in root.iterfind(".//svg:defs/svg:pattern", NS)]
        assert patterns == ["squash-gap", "squash-fill-0", "squash-fill-1"]
        legend = root.find(".//svg:g[@class='legend']", NS)
        assert [t.text for t in legend.iter(f"{{{NS['svg']}}}text")] == ["New", "In Progress"]
        assert [r.get("fill") for r in legend.iter(f"{{{NS['svg']}}}rect")] == [
            "url(#squash-fill-0)",
            "url(#squash-fill-1)",
        ]

    def test_a_long_legend_wraps_and_the_picture_grows(self):
        """Entries that do not fit a row start the next one; the SVG grows to hold them."""
        names = ["New", "Incomplete", "In Progress", "Confirmed or Triaged (a long series name)"]
        chart = stacked_area_chart(
            [date(2021, 1, 1)], [Series(n, [1]) for n in names], chart_id="w", title="Wrap"
        )
        root = svg_of(chart)
        legend = root.find(".//svg:g[@class='legend']", NS)
        assert [g.get("transform") for g in legend.iterfind(".//svg:g", NS)] == [
            "translate(56 314)",
            "translate(124 314)",
            "translate(248 314)",
            "translate(56 334)",
        ]
        assert (root.get("height"), root.get("viewBox")) == ("354", "0 0 640 354")

    def test_short_windows_label_hours(self):
        """Windows of two days or less label ticks with month-day and time, every other minor."""
        axis = svg_of(squash()).find(".//svg:g[@class='axes']", NS)
        dates = [(t.text, t.get("class")) for t in axis.iterfind("svg:text", NS)][-5:]
        assert dates == [
            ("01-14 00:00", None),
            ("01-14 06:00", "minor"),
            ("01-14 12:00", None),
            ("01-14 18:00", "minor"),
            ("01-15 00:00", None),
        ]

    def test_the_table_has_a_row_per_time_and_a_total(self):
        """Rows: time, one count per series, the total."""
        rows = [[c.text for c in tr] for tr in table_of(squash()).iterfind("tbody/tr")]
        assert rows == [
            ["2021-01-14 00:00", "30", "10", "40"],
            ["2021-01-14 12:00", "20", "20", "40"],
            ["2021-01-15 00:00", "10", "30", "40"],
        ]

    def test_a_single_time_is_a_bar(self):
        """One snapshot is drawn as a 40-unit-wide bar centred on the plot (5 on a 0-6 axis)."""
        chart = stacked_area_chart(
            [date(2021, 1, 14)], [Series("New", [5])], chart_id="one", title="One"
        )
        assert svg_of(chart).find(".//svg:polygon", NS).get("points") == (
            "320.0,90.7 360.0,90.7 360.0,284.0 320.0,284.0"
        )

    def test_no_times_says_there_is_no_data(self):
        """No snapshot yet: "No data." and no areas."""
        chart = stacked_area_chart([], [Series("New", [])], chart_id="e", title="Empty")
        assert svg_of(chart).find(".//svg:polygon", NS) is None
        assert texts(svg_of(chart)) == ["No data."]

    def test_counts_must_match_the_times(self):
        """A series with too few counts, or a negative one, is a ValueError."""
        with pytest.raises(ValueError, match="'New' needs one count >= 0 per time point"):
            stacked_area_chart([date(2021, 1, 1)], [Series("New", [])], chart_id="x", title="x")
        with pytest.raises(ValueError, match="'New' needs one count"):
            stacked_area_chart([date(2021, 1, 1)], [Series("New", [-1])], chart_id="x", title="x")

    def test_hostile_series_names_are_escaped(self):
        """Series names with markup and quotes stay text: cut in the legend, whole in table and desc."""
        chart = stacked_area_chart(
            [date(2021, 1, 1), date(2021, 1, 2)],
            [Series(HOSTILE, [1, 2])],
            chart_id="h",
            title="Hostile",
        )
        root = svg_of(chart)
        assert root.find(".//svg:g[@class='legend']/svg:g/svg:text", NS).text == CLIPPED
        assert SHOWN in root.find(".//svg:desc", NS).text
        assert [th.text for th in table_of(chart).iterfind("thead/tr/th")] == [
            "Time",
            SHOWN,
            "Total",
        ]
        assert not any(el.tag.endswith("script") for el in root.iter())

    def test_times_in_any_order_draw_the_same(self):
        """Snapshots given out of order are sorted with their counts."""
        times = [datetime(2021, 1, d, h, tzinfo=UTC) for d, h in ((15, 0), (14, 0), (14, 12))]
        series = [Series("New", [10, 30, 20]), Series("In Progress", [30, 10, 20])]
        shuffled = stacked_area_chart(times, series, chart_id="squash", title="Squash day")
        assert (str(shuffled.svg), str(shuffled.table)) == (str(squash().svg), str(squash().table))

    def test_output_is_deterministic(self):
        """Two renderings of the same data are byte-identical."""
        assert str(squash().svg) == str(squash().svg)
        assert str(squash().table) == str(squash().table)


SCRIPT = """
from datetime import date, datetime
from syncsvc.report.html import BurnupPoint, Marker, Series, burnup_chart, stacked_area_chart
b = burnup_chart([BurnupPoint(date(2021, 1, d), d, d, 0) for d in (3, 1, 2)], chart_id="b",
                 title="t", markers=[Marker(date(2021, 1, 2), "m"), Marker(date(2021, 1, 2), "a")])
s = stacked_area_chart([date(2021, 1, 1), datetime(2021, 1, 1, 12)], [Series("n", [1, 2])],
                       chart_id="s", title="t")
print(b.figure(), s.figure())
"""


class TestDeterminism:
    def test_string_hashing_does_not_change_the_output(self, tmp_path):
        """Two interpreters with different hash seeds print byte-identical charts."""
        outputs = {
            subprocess.run(
                [sys.executable, "-c", SCRIPT],
                env={**os.environ, "PYTHONHASHSEED": seed},
                cwd=tmp_path,  # not the repo root, whose bare syncsvc/ would shadow the package
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            for seed in ("1", "2")
        }
        assert len(outputs) == 1
        assert '<svg xmlns="http://www.w3.org/2000/svg" id="b"' in outputs.pop()


class TestPackaging:
    def test_every_template_is_package_data(self):
        """Each file under templates/ matches a package-data glob, so a wheel ships it."""
        root = Path(__file__).resolve().parents[2]
        setup = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
        globs = setup["package-data"]["syncsvc.report.html"]
        folder = root / "syncsvc" / "report" / "html"
        templates = [
            p.relative_to(folder) for p in (folder / "templates").rglob("*") if p.is_file()
        ]
        assert Path("templates/base.html") in templates
        assert [t for t in templates if not any(t.match(g) for g in globs)] == []


class TestRender:
    def test_base_layout_is_self_contained(self):
        """The layout inlines its CSS, forbids loads by policy and carries no script or URL."""
        page = render("base.html", title="Report")
        assert "<style>" in page
        assert "@media print" in page
        assert "default-src 'none'" in page
        assert "<script" not in page
        assert "http://" not in page
        assert "https://" not in page
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in page

    def test_text_is_escaped_and_controls_removed(self):
        """Plain strings are HTML-escaped, lose controls and show bidi overrides."""
        page = render("base.html", title=HOSTILE, subtitle="a\x07b")
        assert (
            "<h1>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quoted&#34; red\\u202e</h1>"
            in page
        )
        assert '<p class="subtitle">ab</p>' in page
        assert "<script>" not in page

    def test_links_from_remote_text_are_http_only(self):
        """The http_url filter keeps http(s) URLs and turns javascript:, data: and junk into #."""
        template = environment().from_string('<a href="{{ url | http_url }}">x</a>')
        assert template.render(url="https://bugs.launchpad.net/manila/+bug/1") == (
            '<a href="https://bugs.launchpad.net/manila/+bug/1">x</a>'
        )
        assert template.render(url='http://x/"><script>') == (
            '<a href="http://x/&#34;&gt;&lt;script&gt;">x</a>'
        )
        for hostile in (
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "//x",
            "https:",
        ):
            assert template.render(url=hostile) == '<a href="#">x</a>'

    def test_a_chart_renders_as_a_figure(self):
        """``{{ chart }}`` prints the SVG and its table inside one figure."""
        template = environment().from_string(
            '{% extends "base.html" %}{% block content %}{{ chart }}{% endblock %}'
        )
        chart = squash()
        page = template.render(title="T", chart=chart)
        assert str(chart.figure()) in page
        assert '<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" id="squash"' in page
        assert '<div class="chart-table"><table class="chart-data" id="squash-data">' in page
