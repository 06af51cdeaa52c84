"""Explain, line by line, how a summary was read (``syncsvc import --explain``).

A PTL whose action went missing needs to see what the parser made of each line:
a heading, an etherpad line, a discussion item, an action (with its owners
marked in the line), a decision, a wrapped continuation, or text it could not
place. :func:`explain` returns that as data, with warnings for lines that look
like commitments but were not imported as explicit actions. It is pure: the
CLI renders it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from syncsvc.domain import ActionItem, Event
from syncsvc.parse.actions import ActionContext
from syncsvc.parse.assemble import ItemKind, Placement, RawItem, commitment_hints
from syncsvc.parse.flat import unflatten_page
from syncsvc.parse.minutes import log_line_role, looks_like_meeting, parse_meeting, unflatten_log
from syncsvc.parse.normalise import decode, normalise
from syncsvc.parse.owners import NICK
from syncsvc.parse.summary import SummaryReading, read_summary
from syncsvc.schedule.releases import Schedules, load_schedules

_WEAK_UNKNOWN = re.compile(rf"^(?P<nick>{NICK})\s+to\s")


@dataclass(frozen=True, slots=True)
class ExplainedLine:
    """One line as read: 1-based ``number``, its ``kind`` and what it became (``role``).

    ``text`` is the normalised line; ``owner_spans`` are ``(start, end)`` offsets
    of the owners' nicks or names inside ``text``. ``confidence`` is set on
    action lines (1.0 for explicit actions, lower for inferred ones).
    """

    number: int
    kind: str
    role: str
    text: str
    owners: tuple[str, ...] = ()
    owner_spans: tuple[tuple[int, int], ...] = ()
    confidence: float | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Every line explained, the warnings, and the event the import would store."""

    lines: tuple[ExplainedLine, ...]
    warnings: tuple[str, ...]
    event: Event


def explain(
    source: str | bytes,
    *,
    team: str | None = None,
    cycle: str | None = None,
    known_nicks: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    schedules: Schedules | None = None,
) -> Explanation:
    """Explain how :func:`syncsvc.parse.summary.parse_summary` reads ``source``.

    Takes the same arguments and raises the same errors as ``parse_summary``.
    Lines come in document order; a heading glued to other text gives two
    entries with the same number.
    """
    text = unflatten_page(
        unflatten_log(normalise(decode(source) if isinstance(source, bytes) else source))
    )
    if aliases is None and isinstance(known_nicks, Mapping):
        aliases = {str(k): str(v) for k, v in known_nicks.items()}
    schedules = schedules if schedules is not None else load_schedules()
    if looks_like_meeting(text):
        known = {n.lower() for n in [*known_nicks, *(aliases or {})]}
        ctx = ActionContext(schedules, known=known, aliases=aliases or {})
        return _explain_meeting(text, parse_meeting(text, ctx, team=team, cycle=cycle))
    reading = read_summary(
        text,
        team=team,
        cycle=cycle,
        known_nicks=known_nicks,
        schedules=schedules,
        aliases=aliases,
    )
    return _explain_summary(reading, aliases or {})


def _explain_summary(reading: SummaryReading, aliases: Mapping[str, str]) -> Explanation:
    raw_lines = reading.text.split("\n")
    built = _built_actions(reading)
    names = {p.nick: p.name for p in reading.event.people if p.name}
    names.update({k: v for k, v in aliases.items() if k not in names})
    inferred_in_prose = _prose_inferences(reading)
    lines: list[ExplainedLine] = []
    count = reading.text.count("\n")  # the text ends with a newline: no line after it
    for placement in reading.assembler.placements:
        if placement.line.number > count:
            continue
        raw = raw_lines[placement.line.number - 1]
        lines.append(_explain_line(placement, raw, built, names, inferred_in_prose))
    warnings = list(reading.event.warnings)
    warnings += _hints(reading, built, aliases)
    return Explanation(tuple(lines), tuple(warnings), reading.event)


def _built_actions(reading: SummaryReading) -> dict[int, ActionItem]:
    """The built action of each raw action item, keyed by the raw item's ``id``."""
    built: dict[int, ActionItem] = {}
    for raw_topic, topic in zip(reading.assembler.topics, reading.event.topics, strict=True):
        for raw, action in zip(raw_topic.actions, topic.actions, strict=True):
            built[id(raw)] = action
    return built


def _prose_inferences(reading: SummaryReading) -> dict[int, list[RawItem]]:
    """Inferred actions read from sentences of a prose paragraph, by first line."""
    placed = {id(p.item) for p in reading.assembler.placements if p.item is not None}
    found: dict[int, list[RawItem]] = {}
    for topic in reading.assembler.topics:
        for item in topic.actions:
            if id(item) not in placed:
                found.setdefault(item.line, []).append(item)
    return found


def _explain_line(
    placement: Placement,
    raw: str,
    built: dict[int, ActionItem],
    names: Mapping[str, str | None],
    inferred_in_prose: dict[int, list[RawItem]],
) -> ExplainedLine:
    line, item = placement.line, placement.item
    kind = str(line.kind)
    if item is None:
        return ExplainedLine(line.number, kind, placement.role, raw)
    role = _item_role(item)
    if placement.role in {"continuation", "detail"}:
        role = f"{placement.role} of line {item.line} ({role})"
    action = built.get(id(item))
    note = ""
    if item.kind is ItemKind.PROSE:
        found = [built[id(i)] for i in inferred_in_prose.get(item.line, []) if id(i) in built]
        owners = tuple(dict.fromkeys(o for a in found for o in a.owners))
        if line.number == item.line:
            note = "; ".join(f"inferred action: {a.text!r}" for a in found)
        spans = tuple(_spans(raw, owners, names))
        return ExplainedLine(
            line.number, kind, role, raw, owners if spans else (), spans, None, note
        )
    if action is None:
        return ExplainedLine(line.number, kind, role, raw)
    spans = tuple(_spans(raw, action.owners, names))
    return ExplainedLine(
        line.number,
        kind,
        role,
        raw,
        action.owners,
        spans,
        action.confidence,
        _action_note(action),
    )


def _item_role(item: RawItem) -> str:
    if item.kind is ItemKind.ACTION:
        return f"inferred action ({item.confidence:.1f})" if item.inferred else "action"
    return {ItemKind.DECISION: "decision", ItemKind.PROSE: "prose"}.get(item.kind, "discussion")


def _action_note(action: ActionItem) -> str:
    parts = [f"owners: {', '.join(action.owners)}" if action.owners else "unassigned"]
    if action.organisations:
        parts.append(f"organisations: {', '.join(action.organisations)}")
    if action.milestone is not None:
        parts.append(f"milestone: {action.milestone.text}")
    if action.refs:
        parts.append("refs: " + ", ".join(f"{r.kind} {r.id}" for r in action.refs))
    return "; ".join(parts)


def _spans(
    text: str, owners: tuple[str, ...], names: Mapping[str, str | None]
) -> Iterator[tuple[int, int]]:
    """Where each owner's nick (or full name) is written in ``text``, as whole words."""
    for nick in owners:
        for word in (nick, names.get(nick)):
            if not word:
                continue
            pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
            for m in re.finditer(pattern, text, re.IGNORECASE):
                yield m.span()


def _hints(
    reading: SummaryReading, built: dict[int, ActionItem], aliases: Mapping[str, str]
) -> Iterator[str]:
    """Warnings for commitments that were not imported as explicit, owned actions."""
    for topic in reading.assembler.topics:
        for item in commitment_hints(topic, known=reading.known, aliases=aliases):
            yield (
                f"line {item.line}: looks like a commitment but is a discussion item in a "
                f"topic with an Actions list: {item.text[:80]!r}"
            )
        for item in topic.actions:
            action = built.get(id(item))
            if action is not None and not action.owners and (m := _WEAK_UNKNOWN.match(item.text)):
                yield (
                    f"line {item.line}: {m.group('nick')!r} is not a known nick, so "
                    f"'{m.group('nick')} to …' names no owner (add it to the config's [aliases])"
                )
            if item.inferred:
                yield (
                    f"line {item.line}: inferred action (confidence {item.confidence:.1f}), "
                    f"not marked as an action: {item.text[:80]!r}"
                )


def _explain_meeting(text: str, event: Event) -> Explanation:
    """Meeting minutes and logs: mark the lines that hold an action or a decision."""
    actions = [(a.text, a) for a in event.actions]
    decisions = set(event.decisions)
    lines: list[ExplainedLine] = []
    for number, raw in enumerate(text.split("\n")[: text.count("\n")], start=1):
        collapsed = " ".join(raw.split())
        role = log_line_role(raw)
        if role is not None and role != "action":  # a raw IRC log line
            lines.append(ExplainedLine(number, "irc", role, raw))
            continue
        match = next((a for t, a in actions if t and t in collapsed), None)
        if match is not None:
            spans = tuple(_spans(raw, match.owners, {}))
            lines.append(
                ExplainedLine(
                    number,
                    "meeting",
                    "action",
                    raw,
                    match.owners,
                    spans,
                    match.confidence,
                    _action_note(match),
                )
            )
        elif any(d and d in collapsed for d in decisions):
            lines.append(ExplainedLine(number, "meeting", "decision", raw))
        else:
            lines.append(ExplainedLine(number, "meeting", "blank" if not raw else "text", raw))
    return Explanation(tuple(lines), event.warnings, event)
