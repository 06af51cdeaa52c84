"""Parse a PTG summary (mailed HTML or plain text) into an :class:`Event`.

The pipeline is: normalise (``syncsvc.normalise``) → classify each line →
assemble days, topics, discussion items and actions → read owners, refs and
milestones of each action. The parser is pure: it reads no files and no network
(the bundled release schedules are package data), and it never guesses: an
action without a readable owner is unassigned, and text it cannot place becomes
a warning on the returned event.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from syncsvc.domain import ActionItem, Day, Event, EventSource, Person, Ref, RefKind, Topic
from syncsvc.errors import InputError
from syncsvc.milestones import KNOWN_SERIES, find_milestone, resolve_dates
from syncsvc.normalise import decode, normalise
from syncsvc.owners import read_owners
from syncsvc.refs import find_refs, find_urls
from syncsvc.schedule import Schedules, load_schedules


class LineKind(StrEnum):
    """How the parser read one line (shown by ``import --explain``)."""

    BLANK = "blank"
    DAY = "day"
    TOPIC = "topic"
    ETHERPAD = "etherpad"
    DISCUSSION_HEADER = "discussion-header"
    ACTIONS_HEADER = "actions-header"
    BULLET = "bullet"
    FOOTNOTE = "footnote"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Line:
    """One classified line: 1-based ``number``, ``indent`` and the meaningful ``text``."""

    number: int
    kind: LineKind
    text: str
    indent: int = 0


_DAY = re.compile(r"^\s*==\s*(?!=)(?P<label>.+?)\s*==\s*$")
_TOPIC = re.compile(r"^\s*===\s*(?P<title>[^=].*?)\s*===\s*(?P<rest>.*)$")
_ETHERPAD = re.compile(
    r"^\s*(?:Topic\s+)?(?:Etherpads?|Documents?|Docs?|Notes)\s*:\s*(?P<rest>.+)$", re.IGNORECASE
)
_DISCUSSION = re.compile(r"^\s*Discussion(?:\s+Items?)?\s*:\s*$", re.IGNORECASE)
_ACTIONS = re.compile(r"^\s*(?:Actions?|Action\s+Items?)\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*•+]|\d{1,2}[.)]|\d{1,2}\.\))\s+(?P<text>.*)$")
_FOOTNOTE = re.compile(r"^\s*\[(?P<num>\d{1,3})\]\s*:?\s*(?P<url>https?://\S+)\s*$")
_FOOTNOTE_MARK = re.compile(r"\[(\d{1,3})\]")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_MDY = re.compile(
    rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_DATE_DMY = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_TEAM = re.compile(
    r"\bOpenStack\s+(?P<a>[A-Z][\w-]+)\s+(?:Project\s+Team|Project\s+Technical|PTG|team)"
    r"|\b(?P<b>[A-Z][\w-]+)\s+(?:Project\s+Team\s+Gathering|PTG)\b"
)


def classify(text: str) -> Iterator[Line]:
    """Yield the classified lines of normalised ``text``.

    A topic heading glued to the next line (``=== X ===Topic Etherpad: …``)
    yields two lines with the same number.
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        yield from _classify_line(number, raw)


def _classify_line(number: int, raw: str) -> Iterator[Line]:
    stripped = raw.strip()
    indent = len(raw) - len(raw.lstrip(" "))
    if not stripped:
        yield Line(number, LineKind.BLANK, "")
    elif m := _TOPIC.match(raw):
        yield Line(number, LineKind.TOPIC, m.group("title"))
        if m.group("rest").strip():
            yield from _classify_line(number, m.group("rest"))
    elif m := _DAY.match(raw):
        yield Line(number, LineKind.DAY, m.group("label"))
    elif m := _ETHERPAD.match(raw):
        yield Line(number, LineKind.ETHERPAD, m.group("rest").strip())
    elif _DISCUSSION.match(raw):
        yield Line(number, LineKind.DISCUSSION_HEADER, stripped)
    elif m := _ACTIONS.match(raw):
        yield Line(number, LineKind.ACTIONS_HEADER, m.group("rest").strip())
    elif m := _FOOTNOTE.match(raw):
        yield Line(number, LineKind.FOOTNOTE, f"{m.group('num')} {m.group('url')}")
    elif m := _BULLET.match(raw):
        yield Line(number, LineKind.BULLET, m.group("text").strip(), len(m.group("indent")))
    else:
        yield Line(number, LineKind.TEXT, stripped, indent)


def parse_date(label: str) -> date | None:
    """The first full date in ``label`` ("Oct 26, 2020", "26 October 2020", ISO)."""
    for pattern in (_DATE_MDY, _DATE_DMY, _DATE_ISO):
        if m := pattern.search(label):
            month = m.group("m")
            month_num = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            try:
                return date(int(m.group("y")), month_num, int(m.group("d")))
            except ValueError:
                return None
    return None


@dataclass
class _RawItem:
    text: str
    line: int
    indent: int


@dataclass
class _RawTopic:
    title: str
    day: Day | None
    line: int
    etherpads: list[str] = field(default_factory=list)
    discussion: list[_RawItem] = field(default_factory=list)
    actions: list[_RawItem] = field(default_factory=list)


class _Section(StrEnum):
    NONE = "none"
    DISCUSSION = "discussion"
    ACTIONS = "actions"
    CLOSED = "closed"


@dataclass
class _Assembler:
    """Walks classified lines and builds raw topics; collects warnings."""

    days: list[Day] = field(default_factory=list)
    topics: list[_RawTopic] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    epilogue: list[Line] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    section: _Section = _Section.NONE
    last: _RawItem | None = None
    list_indent: int | None = None

    def feed(self, line: Line) -> None:
        handler = getattr(self, f"_on_{line.kind.replace('-', '_')}")
        handler(line)

    @property
    def topic(self) -> _RawTopic | None:
        return self.topics[-1] if self.topics else None

    def _open_section(self, section: _Section) -> None:
        self.section, self.last, self.list_indent = section, None, None

    def _on_blank(self, _line: Line) -> None:
        self.last = None

    def _on_day(self, line: Line) -> None:
        self.days.append(Day(line.text, parse_date(line.text)))
        self._open_section(_Section.CLOSED)

    def _on_topic(self, line: Line) -> None:
        day = self.days[-1] if self.days else None
        self.topics.append(_RawTopic(line.text, day, line.number))
        self._open_section(_Section.NONE)

    def _on_etherpad(self, line: Line) -> None:
        if self.topic is None or self.section is _Section.CLOSED:
            self._unplaced(line)
            return
        urls = find_urls(line.text)
        if not urls:
            self.warnings.append(f"line {line.number}: etherpad line without a URL")
        self.topic.etherpads.extend(urls)

    def _on_discussion_header(self, line: Line) -> None:
        if self.topic is None:
            self._unplaced(line)
            return
        self._open_section(_Section.DISCUSSION)

    def _on_actions_header(self, line: Line) -> None:
        if self.topic is None:
            self._unplaced(line)
            return
        self._open_section(_Section.ACTIONS)
        if line.text:  # "Actions: do X" on one line
            self._add_item(Line(line.number, LineKind.BULLET, line.text, 0))

    def _on_footnote(self, line: Line) -> None:
        num, url = line.text.split(" ", 1)
        self.footnotes[num] = url

    def _on_bullet(self, line: Line) -> None:
        if self.topic is None or self.section is _Section.CLOSED:
            self._unplaced(line)
            return
        if self.section is _Section.NONE:
            self.section = _Section.DISCUSSION
        if (
            self.section is _Section.ACTIONS
            and self.last is not None
            and self.list_indent is not None
            and line.indent > self.list_indent
        ):
            # A sub-bullet under an action details that action.
            self.last.text = f"{self.last.text}; {line.text}"
            return
        self._add_item(line)

    def _add_item(self, line: Line) -> None:
        assert self.topic is not None
        item = _RawItem(line.text, line.number, line.indent)
        target = self.topic.actions if self.section is _Section.ACTIONS else self.topic.discussion
        target.append(item)
        if self.list_indent is None:
            self.list_indent = line.indent
        self.last = item

    def _on_text(self, line: Line) -> None:
        if self.last is not None:  # a wrapped continuation of the previous item
            self.last.text = f"{self.last.text} {line.text}"
            return
        if self.topic is None:
            self.preamble.append(line.text)
            return
        self._open_section(_Section.CLOSED)
        self._unplaced(line)

    def _unplaced(self, line: Line) -> None:
        self.epilogue.append(line)


def parse_summary(
    source: str | bytes,
    *,
    team: str | None = None,
    cycle: str | None = None,
    known_nicks: Collection[str] = (),
    schedules: Schedules | None = None,
) -> Event:
    """Parse a PTG summary into an :class:`Event`.

    ``source`` is the mailed HTML part or plain text (``bytes`` are decoded by
    :func:`syncsvc.normalise.decode`). ``team`` and ``cycle`` override what the
    text says; ``known_nicks`` (e.g. from the alias map) let weak forms such as
    "nick to …" count as ownership. Raises :class:`InputError` when the text has
    no topics and no actions.
    """
    text = normalise(decode(source) if isinstance(source, bytes) else source)
    schedules = schedules if schedules is not None else load_schedules()
    asm = _Assembler()
    for line in classify(text):
        asm.feed(line)
    if not asm.topics:
        raise InputError("no PTG structure found: expected topic headings such as '=== Title ==='")

    intro = " ".join(asm.preamble)
    cycle = (cycle or _find_cycle(intro, asm, schedules) or "").lower() or None
    team = (team or _find_team(intro) or "").lower() or None
    warnings = list(asm.warnings)
    warnings += _epilogue_warnings(asm.epilogue, asm.topics[-1].line)

    known = {n.lower() for n in known_nicks}
    for raw_topic in asm.topics:
        for item in raw_topic.actions:
            known.update(n.lower() for n in read_owners(item.text).owners)

    people: dict[str, Person] = {}
    topics = []
    for position, raw_topic in enumerate(asm.topics):
        actions = []
        for index, item in enumerate(raw_topic.actions):
            action, named = _build_action(
                item, index, known=known, cycle=cycle, team=team, schedules=schedules,
                footnotes=asm.footnotes,
            )  # fmt: skip
            actions.append(action)
            people.update({p.nick: p for p in named})
        topic_refs = tuple(
            r for d in raw_topic.discussion for r in _refs_with_footnotes(d.text, asm.footnotes)
        )
        topics.append(
            Topic(
                title=raw_topic.title,
                day=raw_topic.day,
                etherpads=tuple(raw_topic.etherpads),
                discussion=tuple(d.text for d in raw_topic.discussion),
                refs=tuple(dict.fromkeys(topic_refs)),
                actions=tuple(actions),
                position=position,
            )
        )
    title = " ".join(p for p in ((team or "").capitalize(), (cycle or "").capitalize(), "PTG") if p)
    return Event(
        team=team,
        cycle=cycle,
        title=title,
        source=EventSource.PTG,
        days=tuple(asm.days),
        topics=tuple(topics),
        people=tuple(people.values()),
        footnotes=tuple(asm.footnotes[k] for k in sorted(asm.footnotes, key=int)),
        warnings=tuple(warnings),
    )


def _build_action(
    item: _RawItem,
    position: int,
    *,
    known: Collection[str],
    cycle: str | None,
    team: str | None,
    schedules: Schedules,
    footnotes: dict[str, str],
) -> tuple[ActionItem, tuple[Person, ...]]:
    text = " ".join(item.text.split())
    reading = read_owners(text, known=known)
    milestone = find_milestone(text, series_hint=cycle, team=team)
    if milestone is not None and _is_past(milestone.series, cycle):
        milestone = None  # "added in Victoria" looks back; it sets no target
    due, starts = resolve_dates(milestone, schedules) if milestone else (None, None)
    action = ActionItem(
        text=text,
        owners=reading.owners,
        milestone=milestone,
        due=due,
        starts=starts,
        refs=_refs_with_footnotes(text, footnotes),
        position=position,
    )
    return action, reading.people


def _is_past(series: str | None, cycle: str | None) -> bool:
    """Whether ``series`` came before ``cycle`` in OpenStack's release order."""
    if series not in KNOWN_SERIES or cycle not in KNOWN_SERIES:
        return False
    return KNOWN_SERIES.index(series) < KNOWN_SERIES.index(cycle)


def _refs_with_footnotes(text: str, footnotes: dict[str, str]) -> tuple[Ref, ...]:
    refs = list(find_refs(text))
    for mark in _FOOTNOTE_MARK.findall(text):
        if mark in footnotes:
            refs.extend(r for r in find_refs(footnotes[mark]) if r not in refs)
    return tuple(refs)


def _find_cycle(intro: str, asm: _Assembler, schedules: Schedules) -> str | None:
    names = schedules.names()
    for match in re.finditer(r"[A-Za-z]+", intro):
        if (word := match.group().lower()) in names:
            return word
    for day in asm.days:
        if day.date is not None and (series := schedules.series_for(day.date)):
            return series
    return None


def _find_team(intro: str) -> str | None:
    if m := _TEAM.search(intro):
        team: str = m.group("a") or m.group("b")
        return team
    return None


def _epilogue_warnings(lines: list[Line], last_topic_line: int) -> list[str]:
    """Warn about unplaced text inside topics, and commitments outside any list."""
    warnings = []
    for line in lines:
        if line.kind is LineKind.FOOTNOTE:
            continue
        if read_owners(line.text).owners:
            warnings.append(
                f"line {line.number}: looks like a commitment but is outside any "
                f"Actions list: {line.text[:80]!r}"
            )
        elif line.number < last_topic_line:
            warnings.append(f"line {line.number}: text outside any list: {line.text[:80]!r}")
    return warnings


def etherpad_ref(url: str) -> Ref | None:
    """The etherpad :class:`Ref` for ``url``, or ``None`` if it is another kind."""
    refs = find_refs(url)
    return refs[0] if refs and refs[0].kind is RefKind.ETHERPAD else None
