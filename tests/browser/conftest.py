"""Browser tests: Debian's Chromium driven by Playwright, offline.

Reports are opened by ``file://`` in a fresh context that refuses every other
request (``context.route``) and records all requests the page makes, so a test
can assert that none left the file. Use the ``open_offline`` fixture::

    def test_my_report(open_offline, tmp_path):
        page = open_offline(write_report(tmp_path))  # an OfflinePage
        expect(page.page.get_by_role("img", name="Burn-up")).to_be_visible()
        page.screenshot("my-report")
        assert page.requests == []

Playwright's own browser download is never used: the tests run
``/usr/bin/chromium`` (``.ci/run`` installs Debian's ``chromium`` when it is
missing) and skip, saying why, only where it is absent. Screenshots go to
``.artifacts/browser/`` at the repository root (ignored by git).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_kit import LAPTOP, artifact
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder carries the ``browser`` marker (``-m "not browser"``)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class OfflinePage:
    """A page opened from a file; ``requests`` lists every other URL it asked for."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        """Save a full-page PNG as ``.artifacts/browser/NAME.png`` and return its path."""
        path = artifact(f"{name}.png")
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def scroll_width(self) -> int:
        """The document's scroll width in CSS pixels (wider than the viewport = side scroll)."""
        return int(self.page.evaluate("document.documentElement.scrollWidth"))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, launched once per session (skips loudly when absent)."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing; "
            "install Debian's chromium (`apt-get install chromium`, as .ci/run does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def open_offline(chromium: Browser) -> Iterator[Callable[..., OfflinePage]]:
    """``open_offline(path, viewport=LAPTOP) -> OfflinePage``: the file, nothing else.

    Every request but the page's own ``file://`` URL is aborted and recorded in
    ``OfflinePage.requests`` (so are requests the route does not see).
    """
    contexts: list[BrowserContext] = []

    def _open(path: Path, *, viewport: dict[str, int] = LAPTOP) -> OfflinePage:
        context = chromium.new_context(viewport=viewport)
        contexts.append(context)
        url = path.resolve().as_uri()
        requests: list[str] = []

        def refuse(route: Route) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                route.abort()

        def record(request: Request) -> None:
            if request.url != url:
                requests.append(request.url)

        context.route("**/*", refuse)
        context.on("request", record)
        page = context.new_page()
        page.goto(url)
        return OfflinePage(page, url, requests)

    yield _open
    for context in contexts:
        context.close()
