"""`status`'s table format written as plain lines prints what Rich would, byte for byte."""

from __future__ import annotations

import gc
import io
from datetime import UTC, date, datetime

import pytest
from rich.console import Console

from syncsvc import escape
from syncsvc.cli.collector import collector_paused
from syncsvc.cli.render import tables
from syncsvc.report.status import Group, Movement, StatusItem, StatusReport

HOSTILE = (
    "plain words",
    "a\ttab, a\rCR and an \x1b[2Jescape",
    "bidi \u202e override and zero\u200bwidth",
    "rich [bold]markup[/bold] and :smile: codes",
    "wide 漢字 and combining e\u0301 and an emoji 🎉",
    "a very long line " + "word " * 60,
    "   leading and trailing   ",
    "nbsp\xa0and\x85next line",
)


def item(i: int, text: str) -> StatusItem:
    """Item ``i`` with ``text`` as its text, topic, reason and part of an owner; odd ones moved."""
    merged = Movement("change:745206", "MERGED", datetime(2021, 6, 22, tzinfo=UTC))
    return StatusItem(
        i,
        f"topic {text}",
        text,
        (f"nick{i}", text[:5]),
        "in-progress",
        "not-started",
        (merged,) if i % 2 else (),
        reason=text,
        day=date(2020, 10, 26),
    )


def report() -> StatusReport:
    """A report whose items carry every kind of hostile text, in each group."""
    items = [item(i, text) for i, text in enumerate(HOSTILE, start=1)]
    groups = {g: tuple(items[: 2 + n]) for n, g in enumerate(Group)}
    since, until = datetime(2021, 6, 1, tzinfo=UTC), datetime(2021, 6, 8, tzinfo=UTC)
    return StatusReport(since, until, groups, 3)


def rendered(*, record: bool, full: bool) -> str:
    """The table format on a 40-column console without colour; ``record`` keeps Rich's path."""
    out = io.StringIO()
    console = Console(file=out, width=40, soft_wrap=True, highlight=False, record=record)
    tables.status(console, report(), full=full)
    return out.getvalue()


class TestPlainStatusLines:
    """The plain-lines path against Rich's Text path."""

    @pytest.mark.parametrize("full", [False, True])
    def test_same_bytes_as_rich(self, full: bool) -> None:
        """Without a colour system and with soft wrap, the plain lines equal Rich's output."""
        plain = rendered(record=False, full=full)
        assert plain == rendered(record=True, full=full)
        assert "Newly linked (4)" in plain
        assert "\\u202e" in plain
        assert "\x1b" not in plain

    def test_one_line_is_idempotent(self) -> None:
        """Escaping a line twice (Rich's path does) changes nothing after the first time."""
        for text in HOSTILE:
            once = escape.one_line(text)
            assert escape.one_line(once) == once


class TestCollectorPaused:
    """`status` pauses the cyclic garbage collector only for its own work."""

    def test_paused_inside_and_restored_after(self) -> None:
        """Inside the block the collector is off; after it, on again (also after an error)."""
        seen: list[bool] = []

        def work() -> None:
            with collector_paused():
                seen.append(gc.isenabled())
                raise KeyError("boom")

        assert gc.isenabled()
        with pytest.raises(KeyError):
            work()
        assert seen == [False]
        assert gc.isenabled()

    def test_a_disabled_collector_stays_disabled(self) -> None:
        """A collector someone else turned off is left off."""
        gc.disable()
        try:
            with collector_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()
