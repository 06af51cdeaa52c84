"""`syncsvc retro --format html` on the demo database, checked in Chromium: offline,
accessible, readable on a phone and printable."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

from syncsvc.cli.app import app

BURNUP = "Manila Wallaby PTG burn-up"
PHONE = {"width": 375, "height": 740}
WEEKS = 26  # 2020-10-26 to the release week's end, 2021-04-16


@pytest.fixture
def retro_page(sqlite_url: str, quiet_clients: None, tmp_path: Path) -> Path:
    """The demo database's retrospective as one HTML file, with #18 marked ongoing."""
    runner = CliRunner()
    assert runner.invoke(app, ["--db", sqlite_url, "demo"]).exit_code == 0
    assert runner.invoke(app, ["--db", sqlite_url, "mark", "18", "ongoing"]).exit_code == 0
    out = tmp_path / "retro.html"
    result = runner.invoke(
        app, ["--db", sqlite_url, "retro", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    return out


class TestRetroPage:
    def test_burnup_chart_and_tables(self, open_offline, retro_page):
        """The burn-up is an image named by its title, with a data row per week and
        milestone markers; the counts table has a row per topic."""
        opened = open_offline(retro_page)
        page = opened.page
        chart = page.get_by_role("img", name=BURNUP)
        expect(chart).to_be_visible()
        assert chart.aria_snapshot() == f'- img "{BURNUP}"'
        data = page.get_by_role("table", name=f"{BURNUP} (data)")
        expect(data.get_by_role("row")).to_have_count(WEEKS + 1)
        expect(data.get_by_role("row").last).to_match_aria_snapshot(
            '- row "2021-04-16 19 4 3":\n'
            '  - rowheader "2021-04-16"\n'
            '  - cell "19"\n  - cell "4"\n  - cell "3"'
        )
        assert "M-3 / Feature freeze" in chart.text_content()
        topics = page.get_by_role("table", name="Commitments per topic")
        expect(topics.get_by_role("row")).to_have_count(12 + 1)
        expect(
            page.get_by_role("table", name="Ongoing commitments").get_by_role("row")
        ).to_have_count(2)
        expect(page.locator(".headline")).to_have_text(
            "15.8 % done (3 of 19 counted; 20 in all: 0 dropped, 0 withdrawn, 1 ongoing)"
        )
        for heading in ("Went well", "Didn't go well", "Actions"):
            expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
        artifacts = opened.screenshot("retro-laptop").parent
        page.set_viewport_size({"width": 900, "height": 760})
        page.screenshot(path=str(artifacts / "retro-top.png"))  # the README's picture
        assert opened.requests == []

    def test_phone_and_print(self, open_offline, retro_page):
        """At 375 px nothing scrolls sideways; in print media the chart stays whole."""
        opened = open_offline(retro_page, viewport=PHONE)
        assert opened.scroll_width() <= 375
        opened.screenshot("retro-phone")
        opened.page.emulate_media(media="print")
        assert (
            opened.page.evaluate(
                "getComputedStyle(document.querySelector('figure.chart')).breakInside"
            )
            == "avoid"
        )
        assert opened.page.pdf(format="A4").startswith(b"%PDF-")
        assert opened.requests == []
