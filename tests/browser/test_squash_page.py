"""The squash report page in Chromium: offline, the chart found by role, hostile titles
inert, private bugs absent, and no sideways scrolling on a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser_kit import PHONE
from playwright.sync_api import expect

from syncsvc.domain import SquashBug, SquashEvent, SquashSnapshot, TaskChange
from syncsvc.squash.html import squash_html
from syncsvc.squash.report import build_report
from syncsvc.squash.rules import Listed

START = datetime(2021, 6, 16, 10, 0, tzinfo=UTC)
END = datetime(2021, 6, 18, 12, 0, tzinfo=UTC)
EVENT = SquashEvent("m3 <squash>", START, END, projects=("manila",), goals=(("open", 20),))
HOSTILE = 'Crash on "<script>alert(1)</script>" <img src=http://example.invalid/x.png>'


def snapshot(hours: int, new: int, progress: int) -> SquashSnapshot:
    """Counts ``hours`` after the start."""
    counts = {"open": new + progress + 10, "status:New": new, "status:In Progress": progress,
              "status:Confirmed": 6, "status:Triaged": 4}  # fmt: skip
    return SquashSnapshot(START + timedelta(hours=hours), tuple(sorted(counts.items())))


def write_page(folder: Path) -> Path:
    """A report of five snapshots, a fixed bug with a hostile title and a follow-up."""
    tasks = {
        1: SquashBug(1, HOSTILE, "manila", "Fix Released", "High", assignee="ana"),
        2: SquashBug(2, "Slow listing", "manila", "In Progress", "Low", assignee="bo"),
    }
    changes = [
        TaskChange(
            1, "manila", "status", "In Progress", "Fix Released", START + timedelta(hours=30)
        ),
        TaskChange(2, "manila", "status", "New", "In Progress", START + timedelta(hours=5)),
    ]
    snaps = [snapshot(h, 20 - 3 * i, 5 + i) for i, h in enumerate((1, 8, 16, 30, 48))]
    report = build_report(EVENT, snaps, changes, tasks, {1: "ana"},
                          follow_up=[Listed(tasks[2], note="reviewers", days=9)])  # fmt: skip
    path = folder / "squash.html"
    path.write_text(squash_html(report, tasks, {2: [790002]}), encoding="utf-8")
    return path


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    """The written report page."""
    return write_page(tmp_path)


class TestSquashPage:
    def test_chart_and_tables(self, open_offline, page_file):
        """The stacked area is an image named by its title, with a row per snapshot."""
        opened = open_offline(page_file)
        name = "Open bugs by status during m3 <squash>"
        expect(opened.page.get_by_role("img", name=name)).to_be_visible()
        table = opened.page.get_by_role("table", name=f"{name} (data)")
        expect(table.get_by_role("row")).to_have_count(6)
        expect(table.get_by_role("columnheader")).to_have_text(
            ["Time", "New", "Incomplete", "In Progress", "Confirmed+Triaged", "Fix Committed",
             "Total"]
        )  # fmt: skip
        goals = opened.page.get_by_role("table", name="Counts at the first and last snapshot")
        expect(goals.get_by_role("row").nth(1)).to_have_text("open352720")
        assert opened.requests == []
        assert opened.screenshot("squash-report-laptop").stat().st_size > 10_000

    def test_hostile_title_is_text(self, open_offline, page_file):
        """A bug title with markup renders as text: no script or image on the page."""
        page = open_offline(page_file).page
        assert page.locator("script, img").count() == 0
        expect(page.get_by_text("Crash on", exact=False).first).to_contain_text("<script>")
        expect(page.get_by_role("link", name="#1")).to_have_attribute(
            "href", "https://bugs.launchpad.net/manila/+bug/1"
        )

    def test_a_phone_never_scrolls_sideways(self, open_offline, page_file):
        """At 375 px the page is no wider than the screen."""
        opened = open_offline(page_file, viewport=PHONE)
        assert opened.scroll_width() <= 375
        opened.screenshot("squash-report-phone")
