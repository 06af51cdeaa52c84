"""Assemble classified lines into raw days, topics, discussion, actions and decisions.

The :class:`Assembler` walks :class:`~syncsvc.parse.structure.Line` records in order:
headings open days and topics, section headers open the discussion, actions or
decisions list of the current topic, bullets join the open list, wrapped lines
join the item above them, and prose becomes discussion. Text it cannot place is
kept as the epilogue, for warnings. Every line's placement can be recorded so
that ``import --explain`` can show it.

:func:`infer_actions` then looks for unmarked commitments in topics without any
explicit action (see :mod:`syncsvc.parse.actions`); :func:`commitment_hints` finds the
look-alikes in topics with one, for ``import --explain``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from syncsvc.errors import InputError
from syncsvc.parse.actions import (
    LOST_HEADER_CONFIDENCE,
    PROSE_CONFIDENCE,
    named_clause,
    named_commitment,
    prose_duty,
    reads_as_commitment,
    sentences,
    team_clause,
    team_commitment,
    team_duty,
)
from syncsvc.parse.agenda_forms import (
    announces_list,
    proposers,
    speaks_for_proposer,
    subjectless_duty,
)
from syncsvc.parse.commitments import decided_work, tracking_item, unmarked_duty
from syncsvc.parse.owners import read_commitment
from syncsvc.parse.sender import first_person_commitment, with_writer
from syncsvc.parse.structure import Line, LineKind
from syncsvc.parse.subjects import pronoun_commitment

#: A PTG summary has tens of topics; each costs about 2 kB once read, so a
#: 10 MB file of nothing but headings (200k topics) would need over 400 MB.
MAX_TOPICS = 10_000
#: Likewise for actions: storing 75k commitments from one mail took 45 s and 1 GB.
MAX_ACTIONS = 10_000
_LINKISH = re.compile(r"https?://|\[\d{1,3}\]")
_MORE_LINKS = re.compile(
    r"^(?:(?:and|&|,)\s*)?(?:https?://|\[\d{1,3}\])|^(?:and|&|,)$", re.IGNORECASE
)
#: A preamble line that can title a topic: short, not a sentence or a greeting.
_PREAMBLE_TITLE = re.compile(r"^.{3,120}(?<![.,;:!?])$")
_SIGN_OFF = re.compile(
    r"^(?:thanks|thank you(?: all)?|many thanks|cheers|regards|best(?: regards)?|kind regards"
    r"|see you[\w ]{0,20}|happy hacking)[,.!]*$",
    re.IGNORECASE,
)


def too_many_actions() -> str:
    """The message of the :class:`InputError` for more than ``MAX_ACTIONS`` actions."""
    return f"more than {MAX_ACTIONS} actions; is this really a PTG summary?"


class ItemKind(StrEnum):
    """What an item of a topic is."""

    DISCUSSION = "discussion"
    PROSE = "prose"
    ACTION = "action"
    DECISION = "decision"


@dataclass(eq=False)
class RawItem:
    """An item as written: its text (wrapped lines joined) and the lines it came from.

    Items compare by identity. Wrapped lines and details are joined on first
    read of :attr:`text` (see :meth:`extend`), so a long item costs linear time.
    """

    _text: str
    line: int
    indent: int
    kind: ItemKind
    group: int = 0
    lines: list[int] = field(default_factory=list)
    inferred: bool = False
    confidence: float = 1.0
    labelled: bool = False  # "Action item: ..." on its own line, not a list under a header
    owners: tuple[str, ...] | None = None  # read from a later sentence that commits someone
    _more: list[str] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        """The item's text, with every extension joined."""
        if self._more:
            self._text = "".join([self._text, *self._more])
            self._more.clear()
        return self._text

    def extend(self, separator: str, more: str, line: int) -> None:
        """Add ``more`` (from source line ``line``) after ``separator``; amortised O(len)."""
        self._more += (separator, more)
        self.lines.append(line)


@dataclass
class RawTopic:
    """A topic heading and what was placed under it."""

    title: str
    day: int | None
    line: int
    etherpads: list[tuple[int, str]] = field(default_factory=list)
    discussion: list[RawItem] = field(default_factory=list)
    actions: list[RawItem] = field(default_factory=list)
    decisions: list[RawItem] = field(default_factory=list)
    explicit_actions: bool = False


class _Section(StrEnum):
    NONE = "none"
    DISCUSSION = "discussion"
    ACTIONS = "actions"
    DECISIONS = "decisions"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one classified line went: an item, or a role such as ``topic``."""

    line: Line
    role: str
    item: RawItem | None = None
    topic: int | None = None


@dataclass
class Assembler:
    """Walks classified lines and builds raw topics; collects what it cannot place.

    ``placements`` records where every line went only when ``record_placements``
    is true (``import --explain`` shows them; an import does not need them).
    """

    days: list[str] = field(default_factory=list)
    topics: list[RawTopic] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    epilogue: list[Line] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)
    section: _Section = _Section.NONE
    last: RawItem | None = None
    list_indent: int | None = None
    section_items: int = 0  # items placed since the section opened
    soft_section: bool = False  # the open action list was headed "Plan for <series>"
    group: int = 0
    open_etherpad: bool = False
    record_placements: bool = True
    action_count: int = 0

    def feed(self, line: Line) -> None:
        """Place one line (lines must come in document order).

        Raises :class:`InputError` at the topic after ``MAX_TOPICS`` or the
        action after ``MAX_ACTIONS``.
        """
        if (
            self.open_etherpad
            and line.kind is LineKind.TEXT
            and self.topic is not None
            and (not _LINKISH.search(self.topic.etherpads[-1][1]) or _MORE_LINKS.match(line.text))
        ):
            # An etherpad line wrapped before (or between) its URLs: this line completes it.
            number, text = self.topic.etherpads[-1]
            self.topic.etherpads[-1] = (number, f"{text} {line.text}".strip())
            self._place(line, "etherpad")
            return
        self.open_etherpad = False
        self._HANDLERS[line.kind](self, line)

    @property
    def topic(self) -> RawTopic | None:
        """The topic being filled, if any."""
        return self.topics[-1] if self.topics else None

    def _place(self, line: Line, role: str, item: RawItem | None = None) -> None:
        if not self.record_placements:
            return
        topic = len(self.topics) - 1 if self.topics else None
        self.placements.append(Placement(line, role, item, topic))

    def _open_section(self, section: _Section) -> None:
        self.section, self.last, self.list_indent = section, None, None
        self.section_items, self.soft_section = 0, False
        self.group += 1

    def _on_blank(self, line: Line) -> None:
        self.last = None
        self.group += 1
        self._place(line, "blank")

    _on_rule = _on_blank

    def _on_title(self, line: Line) -> None:
        self.preamble.append(line.text)
        self._place(line, "title")

    def _on_day(self, line: Line) -> None:
        self.days.append(line.text)
        self._open_section(_Section.CLOSED)
        self._place(line, "day")

    def _on_topic(self, line: Line) -> None:
        if len(self.topics) >= MAX_TOPICS:
            raise InputError(f"more than {MAX_TOPICS} topics; is this really a PTG summary?")
        day = len(self.days) - 1 if self.days else None
        self.topics.append(RawTopic(line.text, day, line.number))
        self._open_section(_Section.NONE)
        self._place(line, "topic")

    def _on_etherpad(self, line: Line) -> None:
        if self.topic is None or self.section is _Section.CLOSED:
            self._unplaced(line)
            return
        self.topic.etherpads.append((line.number, line.text))
        self.open_etherpad = True
        self.last = None
        self._place(line, "etherpad")

    def _header(self, line: Line, section: _Section, kind: ItemKind) -> None:
        if self.topic is None:
            if section is _Section.DISCUSSION and not line.text:  # "## Summary" over the intro
                self._on_title(line)
            else:
                self._unplaced(line)
            return
        self._open_section(section)
        self.soft_section = line.soft
        if section is _Section.ACTIONS:
            self.topic.explicit_actions = True
        self._place(line, "header")
        if line.text:  # "Actions: do X" on one line
            self._add_item(line, kind)

    def _on_discussion_header(self, line: Line) -> None:
        self._header(line, _Section.DISCUSSION, ItemKind.DISCUSSION)

    def _on_actions_header(self, line: Line) -> None:
        self._header(line, _Section.ACTIONS, ItemKind.ACTION)

    def _on_decisions_header(self, line: Line) -> None:
        self._header(line, _Section.DECISIONS, ItemKind.DECISION)

    def _one_liner(self, line: Line, kind: ItemKind) -> None:
        if self.topic is None and not self.days and kind is ItemKind.ACTION:
            # "AI: ..." before any heading (a reply quoting an item): a topic of its own.
            title = next((t for t in self.preamble if _PREAMBLE_TITLE.match(t)), "Summary")
            self._on_topic(Line(line.number, LineKind.TOPIC, title))
        if self.topic is None or self.section is _Section.CLOSED:
            self._unplaced(line)
            return
        if kind is ItemKind.ACTION:
            self.topic.explicit_actions = True
        if self.section is _Section.NONE:
            self.section = _Section.DISCUSSION
        self._add_item(line, kind)
        if kind is ItemKind.ACTION and self.last is not None:
            self.last.labelled = True

    def _on_action(self, line: Line) -> None:
        self._one_liner(line, ItemKind.ACTION)

    def _on_decision(self, line: Line) -> None:
        self._one_liner(line, ItemKind.DECISION)
        if decided_work(line.text):  # "Outcome: slaweq to propose the patch": work too
            self._one_liner(line, ItemKind.ACTION)

    def _on_note(self, line: Line) -> None:
        self._one_liner(line, ItemKind.DISCUSSION)

    def _on_footnote(self, line: Line) -> None:
        num, url = line.text.split(" ", 1)
        self.footnotes[num] = url
        self.last = None
        self._place(line, "footnote")

    def _on_bullet(self, line: Line) -> None:
        if self.topic is None or self.section is _Section.CLOSED:
            self._unplaced(line)
            return
        if self.section is _Section.NONE:
            self.section = _Section.DISCUSSION
        last = self.last
        if (
            last is not None
            and last.kind in {ItemKind.ACTION, ItemKind.DECISION}
            and line.indent > last.indent
        ):
            # A sub-bullet under an action details that action.
            last.extend("; ", line.text, line.number)
            self._place(line, "detail", last)
            return
        self._add_item(line, _SECTION_ITEMS.get(self.section, ItemKind.DISCUSSION))

    def _add_item(self, line: Line, kind: ItemKind) -> None:
        topic = self.topic
        assert topic is not None
        item = RawItem(line.text, line.number, line.indent, kind, self.group, [line.number])
        if kind is ItemKind.ACTION:
            self.action_count += 1
            if self.action_count > MAX_ACTIONS:
                raise InputError(too_many_actions())
            topic.actions.append(item)
        elif kind is ItemKind.DECISION:
            topic.decisions.append(item)
        else:
            topic.discussion.append(item)
        if self.list_indent is None:
            self.list_indent = line.indent
        self.section_items += 1
        self.last = item
        self._place(line, "item", item)

    def _on_text(self, line: Line) -> None:
        if self.last is not None:  # a wrapped continuation of the previous item
            self.last.extend(" ", line.text, line.number)
            self._place(line, "continuation", self.last)
            return
        if self.topic is None:
            self.preamble.append(line.text)
            self._place(line, "preamble")
            return
        if self.soft_section and self.section is _Section.ACTIONS and self.section_items:
            self._open_section(_Section.DISCUSSION)  # prose goes on after "Plan for Pike"
        if self.section is _Section.ACTIONS and self.section_items == 0:
            # "Goals for Pike" / blank / "finish the first case ...": a paragraph item.
            self._add_item(line, ItemKind.ACTION)
            return
        if self.section in {_Section.ACTIONS, _Section.DECISIONS, _Section.CLOSED} or (
            _SIGN_OFF.match(line.text)
        ):
            self._open_section(_Section.CLOSED)
            self._unplaced(line)
            return
        if self.section is _Section.NONE:
            self.section = _Section.DISCUSSION
        item = RawItem(line.text, line.number, line.indent, ItemKind.PROSE, self.group)
        item.lines.append(line.number)
        self.topic.discussion.append(item)
        self.last = item
        self._place(line, "item", item)

    def _unplaced(self, line: Line) -> None:
        self.epilogue.append(line)
        self._place(line, "unplaced")

    #: How each kind of classified line is placed (see :meth:`feed`).
    _HANDLERS: ClassVar[dict[LineKind, Callable[[Assembler, Line], None]]] = {
        LineKind.BLANK: _on_blank,
        LineKind.RULE: _on_rule,
        LineKind.TITLE: _on_title,
        LineKind.DAY: _on_day,
        LineKind.TOPIC: _on_topic,
        LineKind.ETHERPAD: _on_etherpad,
        LineKind.DISCUSSION_HEADER: _on_discussion_header,
        LineKind.ACTIONS_HEADER: _on_actions_header,
        LineKind.DECISIONS_HEADER: _on_decisions_header,
        LineKind.ACTION: _on_action,
        LineKind.DECISION: _on_decision,
        LineKind.NOTE: _on_note,
        LineKind.BULLET: _on_bullet,
        LineKind.FOOTNOTE: _on_footnote,
        LineKind.TEXT: _on_text,
    }


#: The kind of a bullet in each section (any other section holds discussion).
_SECTION_ITEMS = {_Section.ACTIONS: ItemKind.ACTION, _Section.DECISIONS: ItemKind.DECISION}


def infer_actions(
    topic: RawTopic,
    *,
    known: Collection[str],
    aliases: Mapping[str, str] | None = None,
    sender: str | None = None,
) -> None:
    """Find unmarked commitments in ``topic`` and add them to its actions.

    A topic without any explicit action gets every kind of inferred action. In
    a topic with explicit actions the author chose them, so a named commitment
    elsewhere is only a hint (see :func:`commitment_hints`); a team decision in
    its prose ("We decided to document the steps.") is still the team's work,
    and is kept, and so is the writer's own "I will ..." (owned by ``sender``,
    the mail's sender when known).
    """
    if topic.explicit_actions:
        for item in topic.discussion:
            if item.kind is ItemKind.PROSE:
                for sentence in sentences(item.text):
                    if first_person_commitment(sentence):
                        topic.actions.append(_prose_action(item, sentence, sender))
                    elif named_commitment(sentence, known=known, aliases=aliases):
                        topic.actions.append(_named_action(item, sentence, known, aliases, sender))
                    elif team_commitment(sentence):
                        topic.actions.append(_prose_action(item, sentence))
        topic.actions.sort(key=lambda i: i.line)
        return
    moved: set[int] = set()  # ids of moved items; the discussion is rebuilt once
    bullets = [i for i in topic.discussion if i.kind is ItemKind.DISCUSSION]
    if bullets:
        last_group = [i for i in bullets if i.group == bullets[-1].group]
        earlier = [i for i in topic.discussion if i.group < bullets[-1].group]
        later = [i for i in topic.discussion if i.group > bullets[-1].group]
        if (
            earlier
            and not later
            and all(reads_as_commitment(i.text, known=known, aliases=aliases) for i in last_group)
        ):
            for item in last_group:
                _move_to_actions(topic, item, LOST_HEADER_CONFIDENCE, moved)
    owners_above = dict(zip(map(id, topic.discussion), _proposers(topic), strict=True))
    for item in topic.discussion:
        if id(item) in moved:
            continue
        if item.kind is ItemKind.DISCUSSION and subjectless_duty(item.text):
            # "*** Will coordinate with Kata" under "** Upgrades (clarkb 20210824)".
            proposer = owners_above[id(item)] if speaks_for_proposer(item.text) else None
            item.owners = (proposer,) if proposer else ()
            _move_to_actions(topic, item, PROSE_CONFIDENCE, moved)
        elif item.kind is ItemKind.DISCUSSION:
            if (split := _commitments_in(item, known, aliases, sender)) is not None:
                topic.actions.extend(split)  # "X will do A. Y will do B.": two actions
                continue
            parts = _bullet_parts(item.text)
            named = [p for p in parts if named_commitment(p, known=known, aliases=aliases)]
            if named and named[0] is not parts[0] and _discussion_first(item.text):
                # "Costs may not differ much, ... (a discussion). Jim will X.": the sentence.
                topic.actions.append(_named_action(item, named[0], known, aliases, sender))
                continue
            flat = " ".join(item.text.split())  # a sentence of its own, not a "; " clause:
            duty = next((p for p in parts[1:] if prose_duty(p) and f". {p}" in flat), None)
            if not named and duty and not team_duty(item.text):
                # "Zuul should now support these properly. We need to retest.": the next step.
                topic.actions.append(_prose_action(item, duty))
                continue
            if not named and (clause := named_clause(item.text, known=known, aliases=aliases)):
                named = [clause]  # "Arpit would like to preview it, Jim will review ..."
            if (
                team_duty(item.text)
                or tracking_item(item.text)
                or named
                or any(map(team_commitment, parts))
            ):
                if named and named[0] is not parts[0]:
                    # "Topic words. Naser will X.": the later sentence names the owner.
                    reading = read_commitment(named[0], known=known, aliases=aliases)
                    item.owners = reading.owners if reading else None
                _move_to_actions(topic, item, PROSE_CONFIDENCE, moved)
        elif item.kind is ItemKind.PROSE:
            for sentence in sentences(item.text):
                if sentence.endswith("?") or announces_list(sentence):
                    continue  # a question, or "we will go through the following steps"
                if first_person_commitment(sentence):
                    topic.actions.append(_prose_action(item, sentence, sender))
                elif named_commitment(sentence, known=known, aliases=aliases):
                    topic.actions.append(_named_action(item, sentence, known, aliases, sender))
                elif team_commitment(sentence) or prose_duty(sentence) or unmarked_duty(sentence):
                    topic.actions.append(_prose_action(item, sentence))
                elif (clause := team_clause(sentence)) is not None or (
                    clause := named_clause(sentence, known=known, aliases=aliases)
                ) is not None:
                    topic.actions.append(_prose_action(item, clause))
                elif (taken_up := pronoun_commitment(sentence)) is not None:
                    topic.actions.append(_prose_action(item, *taken_up))  # "..., and he plans to"
    if moved:
        topic.discussion = [i for i in topic.discussion if id(i) not in moved]
    topic.actions.sort(key=lambda i: i.line)


def _proposers(topic: RawTopic) -> list[str | None]:
    """The agenda proposer ("(clarkb 20210824)") above each discussion item, if any."""
    return proposers([(i.indent, i.text) for i in topic.discussion])


def _prose_action(item: RawItem, sentence: str, writer: str | None = None) -> RawItem:
    """An inferred action for one committing ``sentence`` of the prose ``item``.

    ``writer`` owns a first-person sentence ("I will ..."); without it the
    owners are read from the sentence.
    """
    return RawItem(
        sentence,
        item.line,
        item.indent,
        ItemKind.ACTION,
        item.group,
        list(item.lines),
        inferred=True,
        confidence=PROSE_CONFIDENCE,
        owners=(writer,) if writer else None,
    )


def _named_action(
    item: RawItem,
    sentence: str,
    known: Collection[str],
    aliases: Mapping[str, str] | None,
    sender: str | None,
) -> RawItem:
    """The action for a sentence that names its owners; "X and I will" adds the writer."""
    action = _prose_action(item, sentence)
    if sender and with_writer(sentence):
        reading = read_commitment(sentence, known=known, aliases=aliases)
        others = reading.owners if reading else ()
        action.owners = (*others, sender)
    return action


#: More words than a topic label has: a bullet's first sentence that is discussion.
_DISCUSSION_WORDS = 12

#: "2022 User Survey result: knikolla and I will ...": a label before the first sentence.
_LABEL = re.compile(r"^[^:.!?]{2,60}:\s+(?=\S)")


def _commitments_in(
    item: RawItem,
    known: Collection[str],
    aliases: Mapping[str, str] | None,
    sender: str | None,
) -> list[RawItem] | None:
    """One action per sentence of a list item that holds two or more named commitments.

    "Survey: knikolla and I will analyse it. jungleboyj will document the process."
    holds two, owned by different people; as one action it would have one owner
    set. ``None`` when the item holds fewer than two.
    """
    if ". " not in item.text:
        return None
    found = []
    for index, sentence in enumerate(sentences(item.text)):
        bare = _LABEL.sub("", sentence, count=1) if index == 0 else sentence
        if first_person_commitment(bare):
            found.append(_prose_action(item, bare, sender))
        elif named_commitment(bare, known=known, aliases=aliases):
            found.append(_named_action(item, bare, known, aliases, sender))
    return found if len(found) >= 2 else None


def _discussion_first(text: str) -> bool:
    """Whether a bullet opens with a sentence of discussion, longer than a topic label."""
    return len(sentences(text)[0].split()) > _DISCUSSION_WORDS


def _bullet_parts(text: str) -> list[str]:
    """The bullet itself, then its later sentences ("Topic words. We decided to X.")."""
    if ". " not in text and "; " not in text:
        return [text]
    return [text, *sentences(text)[1:]]


def commitment_hints(
    topic: RawTopic, *, known: Collection[str], aliases: Mapping[str, str] | None = None
) -> list[RawItem]:
    """The discussion items that commit a named person in a topic with explicit actions.

    They are not imported (see :func:`infer_actions`); ``import --explain`` warns
    about them. ``known`` and ``aliases`` must be the ones actions were read with.
    Found on demand because an import does not need them.
    """
    if not topic.explicit_actions:
        return []
    return [i for i in topic.discussion if named_commitment(i.text, known=known, aliases=aliases)]


def _move_to_actions(topic: RawTopic, item: RawItem, confidence: float, moved: set[int]) -> None:
    moved.add(id(item))
    item.kind, item.inferred, item.confidence = ItemKind.ACTION, True, confidence
    topic.actions.append(item)
