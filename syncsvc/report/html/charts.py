"""Deterministic inline SVG charts, each with a data table for screen readers.

:func:`burnup_chart` draws scope, started and completed over dates with dated
markers (milestones, squash days); :func:`stacked_area_chart` stacks counts per
series over time points (bug statuses during a squash). Both return a
:class:`Chart`, whose ``svg`` is ``<svg role="img">`` named by its ``<title>``
and described by its ``<desc>``, and whose ``table`` holds the same numbers.
Jinja2 prints a chart as a ``<figure>`` holding both (``{{ chart }}``).

The output is a pure function of the input: the same data gives byte-identical
SVG. Element ids derive from the caller's ``chart_id`` (unique on a page), and
every label passes :func:`syncsvc.escape.one_line` and XML escaping, so remote
text (series names, milestone labels) can neither inject markup nor controls.
Colour never carries meaning alone: lines differ by dash pattern and areas by
hatching, and a legend names each.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from markupsafe import Markup, escape

from syncsvc.escape import clip_bytes, one_line

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 52, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
LEGEND_Y = HEIGHT - 6
#: Okabe-Ito colours, distinguishable with colour-blindness, 3:1 or more on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
#: Burn-up lines: (name, colour, stroke width, dash pattern).
_LINES = (
    ("Scope", "#000000", 2, "7 4"),
    ("Started", "#D55E00", 2.5, "2 3"),
    ("Completed", "#0072B2", 3, ""),
)
#: Hatching drawn over each area's colour, by series index.
_HATCH = (
    '<path d="M0 8L8 0" stroke="#fff" stroke-width="1.5"/>',
    '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
    '<path d="M0 4H8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M0 0L8 8M0 8L8 0" stroke="#fff" stroke-width="1"/>',
    '<path d="M4 0V8" stroke="#fff" stroke-width="1.5"/>',
    "",
)

When = date | datetime


@dataclass(frozen=True)
class Marker:
    """A dated vertical line: a milestone (M-1, RC1) or an event (a squash day)."""

    on: When
    label: str


@dataclass(frozen=True)
class BurnupPoint:
    """Counts on one date: everything in scope, started so far, completed so far."""

    on: When
    scope: int
    started: int
    completed: int


@dataclass(frozen=True)
class Series:
    """One stacked band: a name and one count per time point."""

    name: str
    values: Sequence[int]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the SVG image and the table of its data."""

    svg: Markup
    table: Markup

    def figure(self) -> Markup:
        """The SVG and its table in one ``<figure>`` (what ``{{ chart }}`` prints)."""
        return Markup('<figure class="chart">{}<div class="chart-table">{}</div></figure>').format(
            self.svg, self.table
        )

    def __html__(self) -> str:
        return str(self.figure())


def _text(value: str) -> Markup:
    return escape(one_line(value))


def _ident(chart_id: str) -> str:
    ident = re.sub(r"[^a-z0-9-]+", "-", chart_id.lower()).strip("-")
    return ident or "chart"


def _seconds(when: When) -> float:
    if isinstance(when, datetime):
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    return datetime.combine(when, time(), UTC).timestamp()


def _label(when: When, *, short: bool = False) -> str:
    if not isinstance(when, datetime):
        return when.isoformat()
    utc = when.astimezone(UTC) if when.tzinfo else when
    return utc.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")


def _count(value: int) -> str:
    """A compact axis label: 950, 12k, 1.2M."""
    for size, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (10_000, "k")):
        if value >= size:
            divisor = size if suffix != "k" else 1000
            return f"{value / divisor:.2f}".rstrip("0").rstrip(".") + suffix
    return str(value)


def _ticks(top: int) -> list[int]:
    """Round tick values from 0 to at least ``top`` (steps of 1, 2 or 5 times 10^k)."""
    raw = max(top, 1) / 4
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    return list(range(0, math.ceil(max(top, 1) / step) * step + 1, step))


@dataclass(frozen=True)
class _Frame:
    """Maps time (seconds) and counts to SVG coordinates."""

    start: float
    end: float
    top: int

    def x(self, when: When) -> float:
        if self.end == self.start:
            return LEFT + PLOT_W / 2
        return LEFT + (_seconds(when) - self.start) / (self.end - self.start) * PLOT_W

    def y(self, value: float) -> float:
        return TOP + PLOT_H - value / self.top * PLOT_H


def _frame(times: Sequence[When], top: int) -> _Frame:
    seconds = [_seconds(t) for t in times]
    return _Frame(min(seconds), max(seconds), _ticks(top)[-1])


def _date_ticks(frame: _Frame, first: When, *, timed: bool) -> list[When]:
    """Up to five evenly spaced ticks across the frame: whole days for dated data,
    whole minutes for timed data; one tick, ``first``, when the frame is a single instant.
    """
    if frame.end == frame.start:
        return [first]
    ticks: list[When] = []
    for index in range(5):
        seconds = frame.start + index * (frame.end - frame.start) / 4
        if timed:
            ticks.append(datetime.fromtimestamp(math.floor(seconds / 60 + 0.5) * 60, UTC))
        else:
            ticks.append(
                datetime.fromtimestamp(math.floor(seconds / 86400 + 0.5) * 86400, UTC).date()
            )
    return list(dict.fromkeys(ticks))


def _axes(frame: _Frame, times: Sequence[When]) -> list[str]:
    parts = ['<g class="axes" font-size="12" fill="#000">']
    for value in _ticks(frame.top):
        y = frame.y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_count(value)}</text>'
        )
    timed = any(isinstance(t, datetime) for t in times)
    short = timed and frame.end - frame.start <= 2 * 86400
    # Every other date is "minor": a phone's stylesheet hides those labels.
    for index, when in enumerate(_date_ticks(frame, times[0], timed=timed)):
        x = frame.x(when)
        anchor = "end" if x > WIDTH - RIGHT - 40 else "middle"
        minor = ' class="minor"' if index % 2 else ""
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H + 4}" '
            f'stroke="#000"/><text{minor} x="{x:.1f}" y="{TOP + PLOT_H + 18}" '
            f'text-anchor="{anchor}">'
            f"{_label(when, short=short)}</text>"
        )
    parts.append(
        f'<path d="M{LEFT} {TOP}V{TOP + PLOT_H}H{WIDTH - RIGHT}" fill="none" stroke="#000"/></g>'
    )
    return parts


def _short(text: str, limit: int = 40) -> Markup:
    """A label cut to ``limit`` bytes for the picture (the table and desc keep it whole)."""
    return escape(clip_bytes(one_line(text), limit, "\u2026"))


def _markers(frame: _Frame, markers: Sequence[Marker]) -> list[str]:
    """Dated dotted lines, labels staggered over three rows above the plot."""
    parts = ['<g class="markers" font-size="12" fill="#000">']
    for index, marker in enumerate(sorted(markers, key=lambda m: (_seconds(m.on), m.label))):
        x = frame.x(marker.on)
        anchor, dx = ("end", -3) if x > LEFT + PLOT_W * 0.7 else ("start", 3)
        y = TOP - 28 + 12 * (index % 3)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 2}" y2="{TOP + PLOT_H}" stroke="#444" '
            f'stroke-dasharray="1 3"/><text x="{x + dx:.1f}" y="{y}" text-anchor="{anchor}">'
            f"{_short(marker.label)} {_label(marker.on)}</text>"
        )
    parts.append("</g>")
    return parts


def _gap(frame: _Frame, ident: str, before: When | None) -> list[str]:
    """A hatched band saying there is no data left of ``before``."""
    if before is None or _seconds(before) <= frame.start:
        return []
    x = frame.x(before)
    middle, centre = (LEFT + x) / 2, TOP + PLOT_H / 2
    # Written upwards along the band, so a narrow band still holds it.
    return [
        (
            f'<g class="no-data"><rect x="{LEFT}" y="{TOP}" width="{x - LEFT:.1f}" '
            f'height="{PLOT_H}" fill="url(#{ident}-gap)"/><text x="{middle:.1f}" '
            f'y="{centre + 4:.1f}" transform="rotate(-90 {middle:.1f} {centre:.1f})" '
            f'text-anchor="middle" font-size="12">no data before {_label(before)}</text></g>'
        )
    ]


def _legend(entries: Sequence[tuple[str, str]]) -> tuple[list[str], int]:
    """``(swatch markup, name)`` pairs in rows under the plot, and the picture's height."""
    parts = ['<g class="legend" font-size="13" fill="#000">']
    x, row = LEFT, 0
    for swatch, name in entries:
        width = 44 + 8 * len(clip_bytes(one_line(name), 40))
        if x > LEFT and x + width > WIDTH:
            x, row = LEFT, row + 1
        parts.append(
            f'<g transform="translate({x} {LEGEND_Y + 20 * row})">{swatch}'
            f'<text x="30" y="12">{_short(name)}</text></g>'
        )
        x += width
    parts.append("</g>")
    return parts, LEGEND_Y + 20 * (row + 1)


def _svg(
    ident: str,
    title: str,
    desc: str,
    body: Sequence[str],
    defs: Sequence[str] = (),
    height: int = HEIGHT,
) -> Markup:
    defs_all = [
        (
            f'<pattern id="{ident}-gap" width="8" height="8" patternUnits="userSpaceOnUse">'
            '<rect width="8" height="8" fill="#f2f2f2"/>'
            '<path d="M0 8L8 0" stroke="#bbb"/></pattern>'
        ),
        *defs,
    ]
    # Every text interpolated here or in ``body`` went through _text() or is a number.
    # The drawing is aria-hidden: assistive technology reads the title, the desc and
    # the table, not a jumble of tick labels.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="system-ui, sans-serif"><title id="{ident}-title">{_text(title)}</title>'
        f'<desc id="{ident}-desc">{_text(desc)}</desc><defs>{"".join(defs_all)}</defs>'
        f'<g aria-hidden="true"><rect width="{WIDTH}" height="{height}" fill="#fff"/>'
        f"{''.join(body)}</g></svg>"
    )


def _empty(ident: str, title: str, before: When | None) -> Chart:
    message = f"No data before {_label(before)}." if before is not None else "No data."
    body = [
        (
            f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" '
            f'fill="url(#{ident}-gap)" stroke="#000"/><text x="{LEFT + PLOT_W / 2}" '
            f'y="{TOP + PLOT_H / 2}" text-anchor="middle" font-size="14">{message}</text>'
        )
    ]
    table = Markup('<p class="chart-empty" id="{}-data">{}</p>').format(ident, message)
    return Chart(_svg(ident, title, message, body), table)


def _table(ident: str, title: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> Markup:
    cells = Markup("").join(Markup('<th scope="col">{}</th>').format(one_line(h)) for h in head)
    body = Markup("").join(
        Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            row[0], Markup("").join(Markup("<td>{}</td>").format(v) for v in row[1:])
        )
        for row in rows
    )
    return Markup(
        '<table class="chart-data" id="{}-data"><caption>{} (data)</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>"
    ).format(ident, one_line(title), cells, body)


def _marker_note(markers: Sequence[Marker]) -> str:
    ordered = sorted(markers, key=lambda m: (_seconds(m.on), m.label))
    return "; ".join(f"{one_line(m.label)} {_label(m.on)}" for m in ordered)


def burnup_chart(
    points: Sequence[BurnupPoint],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    markers: Sequence[Marker] = (),
    no_data_before: When | None = None,
) -> Chart:
    """Scope, started and completed over time, with a vertical line per marker.

    ``points`` may come in any order (they are drawn by date); a negative count is a
    :class:`ValueError`. With no points the
    chart says "No data before ``no_data_before``." instead of drawing zeros; with
    points, the span before ``no_data_before`` is hatched and labelled as such.
    """
    ident = _ident(chart_id)
    if any(min(p.scope, p.started, p.completed) < 0 for p in points):
        raise ValueError("burn-up counts must be >= 0")
    if not points:
        return _empty(ident, title, no_data_before)
    ordered = sorted(points, key=lambda p: _seconds(p.on))
    times = [p.on for p in ordered]
    extent = [*times, *(m.on for m in markers), *([no_data_before] if no_data_before else [])]
    frame = _frame(extent, max(max(p.scope, p.started, p.completed) for p in ordered))
    body = [*_gap(frame, ident, no_data_before), *_axes(frame, times), *_markers(frame, markers)]
    legend = []
    for (name, colour, width, dash), field in zip(
        _LINES, ("scope", "started", "completed"), strict=True
    ):
        values = [getattr(p, field) for p in ordered]
        coords = " ".join(
            f"{frame.x(t):.1f},{frame.y(v):.1f}" for t, v in zip(times, values, strict=True)
        )
        style = f'stroke="{colour}" stroke-width="{width}"' + (
            f' stroke-dasharray="{dash}"' if dash else ""
        )
        body.append(f'<polyline class="{field}" fill="none" {style} points="{coords}"/>')
        if len(ordered) == 1:
            x, y = coords.split(",")
            body.append(f'<circle class="{field}" cx="{x}" cy="{y}" r="4" fill="{colour}"/>')
        legend.append((f'<line x1="0" x2="24" y1="7" y2="7" {style}/>', name))
    last = ordered[-1]
    desc = (f"{description} " if description else "") + (
        f"From {_label(ordered[0].on)} to {_label(last.on)}; on {_label(last.on)}: "
        f"scope {last.scope}, started {last.started}, completed {last.completed}."
    )
    if markers:
        desc += f" Markers: {_marker_note(markers)}."
    rows = [[_label(p.on), f"{p.scope:,}", f"{p.started:,}", f"{p.completed:,}"] for p in ordered]
    table = _table(ident, title, ("Date", "Scope", "Started", "Completed"), rows)
    if markers:
        table += Markup('<p class="chart-markers">Markers: {}.</p>').format(_marker_note(markers))
    key, height = _legend(legend)
    return Chart(_svg(ident, title, desc, [*body, *key], height=height), table)


def stacked_area_chart(
    times: Sequence[When],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    markers: Sequence[Marker] = (),
    no_data_before: When | None = None,
) -> Chart:
    """Counts per series stacked over ``times`` (any order), the first series at the bottom.

    Each series has one value per time point, none negative, else :class:`ValueError`.
    A single time point is drawn as one bar; no time points as "No data before …".
    """
    ident = _ident(chart_id)
    for one in series:
        if len(one.values) != len(times) or any(v < 0 for v in one.values):
            raise ValueError(f"series {one_line(one.name)!r} needs one count >= 0 per time point")
    if not times or not series:
        return _empty(ident, title, no_data_before)
    order = sorted(range(len(times)), key=lambda i: _seconds(times[i]))
    times = [times[i] for i in order]
    series = [Series(one.name, [one.values[i] for i in order]) for one in series]
    totals = [sum(one.values[i] for one in series) for i in range(len(times))]
    extent = [*times, *(m.on for m in markers), *([no_data_before] if no_data_before else [])]
    frame = _frame(extent, max(totals))
    body = [*_gap(frame, ident, no_data_before), *_axes(frame, times)]
    xs = [frame.x(t) for t in times]
    if len(times) == 1:
        xs = [xs[0] - 20, xs[0] + 20]
    below = [0] * len(times)
    defs, legend = [], []
    for index, one in enumerate(series):
        above = [b + v for b, v in zip(below, one.values, strict=True)]
        tops, bottoms = (above * 2, below * 2) if len(times) == 1 else (above, below)
        outline = [(x, frame.y(v)) for x, v in zip(xs, tops, strict=True)]
        outline += [(x, frame.y(v)) for x, v in reversed(list(zip(xs, bottoms, strict=True)))]
        fill = f"url(#{ident}-fill-{index})"
        defs.append(
            f'<pattern id="{ident}-fill-{index}" width="8" height="8" '
            'patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f"{_HATCH[index % len(_HATCH)]}</pattern>"
        )
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in outline)
        body.append(
            f'<polygon class="area" data-series="{index}" fill="{fill}" stroke="#000" '
            f'stroke-width="0.75" points="{points}"/>'
        )
        legend.append((f'<rect width="24" height="14" fill="{fill}" stroke="#000"/>', one.name))
        below = above
    body += _markers(frame, markers)
    last = ", ".join(f"{one_line(one.name)} {one.values[-1]}" for one in series)
    desc = (f"{description} " if description else "") + (
        f"From {_label(times[0])} to {_label(times[-1])}; at {_label(times[-1])}: {last}."
    )
    if markers:
        desc += f" Markers: {_marker_note(markers)}."
    head = ("Time", *(one.name for one in series), "Total")
    rows = [
        [_label(t), *(f"{one.values[i]:,}" for one in series), f"{totals[i]:,}"]
        for i, t in enumerate(times)
    ]
    table = _table(ident, title, head, rows)
    if markers:
        table += Markup('<p class="chart-markers">Markers: {}.</p>').format(_marker_note(markers))
    key, height = _legend(legend)
    return Chart(_svg(ident, title, desc, [*body, *key], defs, height), table)
