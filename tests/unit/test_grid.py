"""The grid draws long tables exactly as rich's ``Table`` draws them."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from syncsvc.cli.render import grid

WORDS = [
    "a",
    "manila",
    "share",
    "https://review.opendev.org/c/openstack/manila/+/758868",
    "x" * 45,
    "café",
    "日本語テキスト",
    "gouthamr,",
    "(unassigned)",
    "2021-03-12",
    "from",
    "change 745206 MERGED",
]


def _console(width: int, *, encoding: str = "utf-8") -> Console:
    file = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
    return Console(file=file, width=width, color_system=None, force_terminal=False)


def _output(console: Console) -> str:
    console.file.flush()
    buffer = console.file.buffer  # type: ignore[attr-defined]
    return bytes(buffer.getvalue()).decode(console.file.encoding, errors="replace")  # type: ignore[attr-defined]


def _by_rich(columns: list[grid.Column], rows: list[list[str]], console: Console) -> str:
    console.print(grid.rich_table(columns, rows))
    return _output(console)


def _by_grid(columns: list[grid.Column], rows: list[list[str]], console: Console) -> str:
    grid.render(console, columns, rows)
    return _output(console)


def _case(rnd: random.Random) -> tuple[list[grid.Column], list[list[str]], int]:
    def cell(most: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, most)))

    columns = [
        grid.Column("ID", no_wrap=True, overflow="fold"),
        grid.Column("Topic", max_width=20, overflow="fold"),
        grid.Column("Owners", max_width=16, overflow="fold"),
        grid.Column("Due", max_width=10, overflow="fold"),
        grid.Column("State", no_wrap=True, overflow="fold"),
        grid.Column("Action", width=rnd.randint(5, 70)),
        grid.Column("Work", max_width=24, overflow="fold"),
    ]
    rows = [
        [
            str(rnd.randint(1, 10 ** rnd.randint(1, 5))),
            cell(4),
            cell(3),
            cell(2),
            rnd.choice(["open", "done", "3/4 merged", ""]),
            cell(14),
            "\n".join(cell(3) for _ in range(rnd.randint(0, 3))),
        ]
        for _ in range(rnd.randint(0, 5))
    ]
    return columns, rows, rnd.randint(20, 220)


@pytest.mark.parametrize("seed", range(4))
def test_random_tables_match_rich(seed: int) -> None:
    """Random cells (wide characters, long words, several lines) at random console
    widths, collapsed columns included, give rich's output character for character."""
    rnd = random.Random(seed)
    for _ in range(60):
        columns, rows, width = _case(rnd)
        assert _by_grid(columns, rows, _console(width)) == _by_rich(columns, rows, _console(width))


def test_an_ascii_console_gets_rich_ascii_box() -> None:
    """A console that cannot encode the box characters gets rich's ASCII box, as rich
    draws it."""
    columns = [grid.Column("ID", no_wrap=True), grid.Column("Action", width=12)]
    rows = [["1", "propose the spec updates"], ["22", "review"]]
    drawn = _by_grid(columns, rows, _console(60, encoding="ascii"))
    assert drawn == _by_rich(columns, rows, _console(60, encoding="ascii"))
    assert drawn.isascii()
    assert drawn.splitlines()[1] == "| ID | Action       |"


def test_wrapping_folding_and_ellipsis() -> None:
    """Words wrap at the column, a long word folds in a fold column and is cut with an
    ellipsis in a fixed one; the header row is padded like every cell."""
    columns = [grid.Column("Topic", max_width=6, overflow="fold"), grid.Column("Action", width=8)]
    rows = [["abcdefghij", "one two three abcdefghijkl"]]
    assert _by_grid(columns, rows, _console(40)).splitlines() == [
        "┏━━━━━━━━┳━━━━━━━━━━┓",
        "┃ Topic  ┃ Action   ┃",
        "┡━━━━━━━━╇━━━━━━━━━━┩",
        "│ abcdef │ one two  │",
        "│ ghij   │ three    │",
        "│        │ abcdefg… │",
        "└────────┴──────────┘",
    ]


def test_empty_table_is_the_header_alone() -> None:
    """No rows: the header row between the top and bottom edges, as rich draws it."""
    columns = [grid.Column("ID", no_wrap=True), grid.Column("Action", width=10)]
    assert _by_grid(columns, [], _console(80)) == _by_rich(columns, [], _console(80))


def test_a_console_too_narrow_falls_back_to_rich() -> None:
    """Where a column would be left no room for its text, rich lays the table out."""
    columns = [grid.Column(name, max_width=10, overflow="fold") for name in "ABCDEFGHIJ"]
    rows = [["word " * 3] * 10]
    assert _by_grid(columns, rows, _console(25)) == _by_rich(columns, rows, _console(25))


def test_a_recording_or_colour_console_prints_through_rich() -> None:
    """A console that records, or has colours, gets the same characters through rich's
    print; with colours the header cells are bold."""
    columns = [grid.Column("ID", no_wrap=True), grid.Column("Action", width=12)]
    rows = [["1", "propose the spec updates"], ["22", "review"]]
    plain = _by_grid(columns, rows, _console(60))
    recording = Console(file=io.StringIO(), width=60, color_system=None, record=True)
    grid.render(recording, columns, rows)
    assert recording.export_text() == plain
    colour = Console(file=io.StringIO(), width=60, color_system="standard", force_terminal=True)
    grid.render(colour, columns, rows)
    drawn = colour.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[1m ID " in drawn
    assert "propose the" in drawn
