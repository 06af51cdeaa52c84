"""A long table drawn as rich draws it, without rich's per-cell layout.

Rich lays out every cell through its renderable pipeline (padding, measurement,
segments): about 0.6 ms a row for the actions table, 6 s for 10,000 commitments.
This module draws the same grid from plain strings: it measures the columns and
collapses them when the console is too narrow as ``rich.table.Table`` does, wraps
at words and folds long words as ``rich.text.Text`` does, and takes the box
characters from rich (so a console that cannot show them gets rich's ASCII box).
Its output equals ``Table``'s, character for character, for the columns it supports:
left-justified, top-aligned, one cell of padding each side, no styles in the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from rich import box
from rich.cells import cell_len, chop_cells, set_cell_size
from rich.console import Console
from rich.table import Table
from rich.text import Text

_PADDING = 2  #: one space each side of a cell
_WORD = re.compile(r"\s*\S+\s*")


@dataclass(frozen=True, slots=True)
class Column:
    """A column as ``Table.add_column`` takes it: a fixed ``width``, or a ``max_width``
    for a measured one; ``no_wrap`` columns are cut, never wrapped; a word or line too
    long for the column is folded onto the next line or cut with an ellipsis."""

    header: str
    width: int | None = None
    max_width: int | None = None
    no_wrap: bool = False
    overflow: Literal["fold", "ellipsis"] = "ellipsis"


def _longest_line(cell: str) -> int:
    return max((cell_len(line) for line in cell.split("\n")), default=0)


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int
) -> list[int]:
    """Each column's width with its padding, as ``Table`` works it out for a console
    ``width`` cells wide (``expand`` off, edges and dividers shown)."""
    available = width - (len(columns) + 1)
    widths = []
    for i, column in enumerate(columns):
        if column.width is not None:
            measured = column.width + _PADDING
        else:
            longest = max([_longest_line(column.header), *(_longest_line(row[i]) for row in rows)])
            measured = longest + _PADDING
            if column.max_width is not None:
                measured = min(measured, column.max_width + _PADDING)
        widths.append(min(measured, available) or 1)
    if sum(widths) > available:
        wrapable = [c.width is None and not c.no_wrap for c in columns]
        widths = _collapse(widths, wrapable, available)
        if sum(widths) > available:
            widths = _ratio_reduce(sum(widths) - available, [1] * len(widths), widths, widths)
    return widths


def _collapse(widths: list[int], wrapable: list[bool], available: int) -> list[int]:
    """Narrow the widest wrapable columns first, down to the next widest, until the
    table fits (``Table._collapse_widths``)."""
    excess = sum(widths) - available
    while any(wrapable) and sum(widths) > 0 and excess > 0:
        widest = max(w for w, can in zip(widths, wrapable, strict=True) if can)
        second = max(
            w if can and w != widest else 0 for w, can in zip(widths, wrapable, strict=True)
        )
        ratios = [int(w == widest and can) for w, can in zip(widths, wrapable, strict=True)]
        if not any(ratios) or widest == second:
            break
        limit = [min(excess, widest - second)] * len(widths)
        widths = _ratio_reduce(excess, ratios, limit, widths)
        excess = sum(widths) - available
    return widths


def _ratio_reduce(total: int, ratios: list[int], limits: list[int], values: list[int]) -> list[int]:
    """Take ``total`` off ``values`` in proportion to ``ratios``, at most ``limits``
    each (``rich._ratio.ratio_reduce``)."""
    ratios = [r if limit else 0 for r, limit in zip(ratios, limits, strict=True)]
    left_ratio = sum(ratios)
    if not left_ratio:
        return values[:]
    left, out = total, []
    for ratio, limit, value in zip(ratios, limits, values, strict=True):
        if ratio and left_ratio > 0:
            taken = min(limit, round(ratio * left / left_ratio))
            out.append(value - taken)
            left -= taken
            left_ratio -= ratio
        else:
            out.append(value)
    return out


def wrap(text: str, width: int, column: Column) -> list[str]:
    """``text`` as the lines of a cell of ``column`` ``width`` cells wide, each padded
    to it: broken at words (unless ``no_wrap``), what is still too long folded or cut."""
    if width <= 0:
        return [""]
    fold = column.overflow == "fold"
    out: list[str] = []
    for line in text.split("\n"):
        if column.no_wrap or cell_len(line) <= width:
            out.append(_fit(line, width, fold=fold))
            continue
        start = 0
        for end in _breaks(line, width, fold=fold):
            out.append(_fit(_rstrip_end(line[start:end], width), width, fold=fold))
            start = end
        out.append(_fit(_rstrip_end(line[start:], width), width, fold=fold))
    return out


def _rstrip_end(line: str, width: int) -> str:
    """``line`` without the trailing whitespace beyond ``width`` characters
    (``Text.rstrip_end``)."""
    excess = len(line) - width
    if excess <= 0:
        return line
    stripped = line.rstrip()
    return line[: len(line) - min(len(line) - len(stripped), excess)]


def _fit(line: str, width: int, *, fold: bool) -> str:
    """``line`` padded to ``width`` cells, or cut to it, with "…" unless folding."""
    if fold or cell_len(line) <= width:
        return set_cell_size(line, width)
    return set_cell_size(line, width - 1) + "…"


def _breaks(line: str, width: int, *, fold: bool) -> list[int]:
    """Where to break ``line`` (``rich._wrap.divide_line``): before each word that does
    not fit; a word longer than a line is folded across lines, or set on its own."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group()
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width and not fold:
            if start:
                breaks.append(start)
            offset = cell_len(word)
        elif length > width:
            pieces = chop_cells(word, width)
            for n, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if n == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def render(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """Print the table to ``console``: the header cells in rich's header style, the
    borders and rows plain. ``rows`` hold escaped text: no control characters."""
    widths = column_widths(columns, rows, console.options.max_width)
    if min(widths) <= _PADDING:  # a console too narrow for the table: rich's own layout
        console.print(rich_table(columns, rows))
        return
    inner = [w - _PADDING for w in widths]
    frame = box.HEAVY_HEAD.substitute(console.options, safe=console.safe_box)
    headers = [wrap(c.header, w, c) for c, w in zip(columns, inner, strict=True)]
    height = max(len(cell) for cell in headers)
    headers = [
        [" " * w] * (height - len(cell)) + cell for cell, w in zip(headers, inner, strict=True)
    ]
    head = Text(frame.get_top(widths) + "\n")
    for parts in zip(*headers, strict=True):
        head.append(frame.head_left)
        for n, part in enumerate(parts):
            head.append(f" {part} ", style="table.header")
            head.append(frame.head_vertical if n < len(parts) - 1 else frame.head_right)
        head.append("\n")
    head.append(frame.get_row(widths, "head", edge=True))
    body = "\n".join(body_lines(frame, columns, inner, rows))
    if console.color_system is None and not console.record:
        # No colour: rich would write these lines as they are, after making and
        # splitting a Text of them (a second at 10,000 rows). The cells hold no control
        # character (callers escape remote text), so there is nothing for it to strip.
        console.file.write(f"{head.plain}\n{body}\n")
        return
    console.print(head, soft_wrap=True)
    console.print(Text(body), soft_wrap=True)


def rich_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Table:
    """The same table as a rich ``Table``: what :func:`render` draws, and what it falls
    back to on a console too narrow for its own drawing."""
    table = Table(show_lines=False, expand=False)
    for c in columns:
        table.add_column(
            c.header, width=c.width, max_width=c.max_width, no_wrap=c.no_wrap, overflow=c.overflow
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def body_lines(
    frame: box.Box, columns: Sequence[Column], inner: Sequence[int], rows: Sequence[Sequence[str]]
) -> Iterator[str]:
    """The rows' lines, each cell ``inner`` cells wide, then the bottom edge."""
    last_row = len(rows) - 1
    for n, row in enumerate(rows):
        cells = [wrap(text, w, c) for text, c, w in zip(row, columns, inner, strict=True)]
        height = max(len(cell) for cell in cells)
        if n == last_row:
            left, divider, right = frame.foot_left, frame.foot_vertical, frame.foot_right
        else:
            left, divider, right = frame.mid_left, frame.mid_vertical, frame.mid_right
        join = f" {divider} "
        for line in range(height):
            parts = (
                cell[line] if line < len(cell) else " " * w
                for cell, w in zip(cells, inner, strict=True)
            )
            yield f"{left} {join.join(parts)} {right}"
    yield frame.get_bottom([w + _PADDING for w in inner])
