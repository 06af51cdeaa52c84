"""Action lists announced by a sentence instead of a header, their owners in parentheses.

A form the eighth corpus batch showed (issue 12). A mail may introduce its
action items with prose rather than an "Actions:" header ("These are the spec
action items from the policy summit ...", "Action items from the meeting:",
"Here are the action items") and then list them one a line, unbulleted and
hard-wrapped, each ending in its owners::

    Granular/trigger-based datasource driver for ceilometer (Peter, yathi, debo,
    forbes )
    Passing hints from congress to nova-scheduler so placement can leverage policy
    (Peter, yathi, debo, forbes)

In the block of lines after such an announcement, a line (joined with its
wrapped continuation) that ends in a parenthesised list of people is an
explicit action owned by them. A line without people under an item is part
of it (the item's outline, as the assembler joins text to the item above);
lines starting with a bullet under an item are its notes, not actions; a
paragraph in which fewer than half of the lines are items (a closing note),
or a heading, ends the block. Without the announcement nothing changes: a
line ending in "(Peter, Tim)" in a discussion is not turned into an action.

Owners are read as the corpus writes people (see ``tests/data/corpus/README.md``):
a nick as written, a first name lower-cased ("Peter" -> "peter"), a full name as
its first name, and "Jim jimjunxu" (a name, then the nick) as the nick. A
parenthesis cut at the end of an item ("(Alex, cathy, ") or closed by a comment
("(Tim, Cheng -- we'll split ...") names the people before the cut.

Pure functions over classified lines; :func:`syncsvc.parse.summary.read_summary`
reads each item's first line as a one-line action (:func:`as_actions`) and gives
it the owners found here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from syncsvc.parse.milestones import KNOWN_SERIES
from syncsvc.parse.owners import (
    GENERIC,
    MONTHS_AND_DAYS,
    NOT_LABELS,
    NOT_OWNERSHIP,
    ORGANISATIONS,
    is_project,
)
from syncsvc.parse.structure import Line, LineKind

#: Any mention of action items or points: the test before reading paragraphs.
_MENTION = re.compile(r"action\s+(?:items?|points?)", re.IGNORECASE)
#: The same test over a whole document, in two patterns with literal prefixes ("ction",
#: "CTION") that ``re`` skips ahead to: a case-insensitive search costs ~5 ms per MB.
_MENTION_IN_TEXT = (
    re.compile(r"ction\s+(?:[Ii][Tt][Ee][Mm]|[Pp][Oo][Ii][Nn][Tt])"),
    re.compile(r"CTION\s+(?:[Ii][Tt][Ee][Mm]|[Pp][Oo][Ii][Nn][Tt])"),
)
#: "These are the spec action items from ...", "Here are the action items",
#: "Action items from the meeting:": a sentence that presents a list of action items.
_ANNOUNCES = re.compile(
    r"^(?:(?:so|and|ok|okay),?\s+)?"
    r"(?:(?:these|here|below|the\s+following)\s+(?:are|is)\s+"
    r"(?:the\s+|our\s+|some\s+(?:of\s+the\s+)?|all\s+(?:of\s+)?the\s+)?"
    r"(?:[\w/-]+\s+){0,3}?action\s+(?:items?|points?)\b"
    r"|(?:the\s+|our\s+)?(?:[\w/-]+\s+){0,2}?action\s+(?:items?|points?)\s+"
    r"(?:from|of|for|after)\b[^.!?]{0,80}:$)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: A comment after the names inside the parenthesis: "(Tim, Cheng -- we'll split ...)".
_COMMENT = re.compile(r"\s[-\u2013\u2014]{1,2}\s")
_NAME_SPLIT = re.compile(r"\s*(?:,|&|/|;|\band\b)\s*")
#: Where a cut parenthesis stops mid-list: more names were to follow on the next line.
_OPEN_LIST = re.compile(r"(?:,|&|/|\band)\s*$")
_FIRST_NAME = re.compile(r"[A-Z][a-z]+(?:['\u2019-][A-Za-z]+)?")
_CAMEL_NICK = re.compile(r"[A-Z][a-z]+[A-Z][A-Za-z0-9_]*")
#: A nick as written; "rukhsana.ansari" keeps its dot (the corpus maps such forms).
_NICK = re.compile(r"[a-z][a-z0-9_\-]*(?:\.[a-z][a-z0-9_\-]*)?")
#: A line this long that is not yet an item was wrapped by the mailer (as structure.py).
_WRAPPED_CHARS = 60
#: The most lines one item is wrapped over; it also keeps a hostile block linear.
_ITEM_LINES = 6
#: The most lines an announcing sentence that ends in ":" is read back over.
_ANNOUNCEMENT_LINES = 3


def announces_actions(sentence: str) -> bool:
    """Whether ``sentence`` presents a list of action items ("Here are the action items")."""
    return bool(_ANNOUNCES.match(sentence.strip()))


@dataclass(frozen=True, slots=True)
class _Parens:
    """The last parenthesis of an item: its owners, and whether more names may follow."""

    owners: tuple[str, ...]
    open_list: bool


def _last_parens(text: str) -> _Parens | None:
    """The people of the parenthesis that ends ``text`` (closed, or cut at its end)."""
    text = text.rstrip()
    if text.endswith(")"):
        start = text.rfind("(", 0, len(text) - 1)
        content, cut = text[start + 1 : -1], False
    else:
        start = text.rfind("(")
        content, cut = text[start + 1 :], True
        if start >= 0 and ")" in content:
            return None
    if start < 0 or not any(c.isalnum() for c in text[:start]):
        return None  # no parenthesis, or nothing before it: no task to own
    comment = _COMMENT.search(content)
    names = content[: comment.start()] if comment else content
    owners: list[str] = []
    for element in _NAME_SPLIT.split(names.strip()):
        if not element:
            continue
        person = _person(element)
        if person is None:
            return None
        if person not in owners:
            owners.append(person)
    if not owners:
        return None
    dotted = {o.split(".", 1)[0] for o in owners if "." in o}
    owners = [o for o in owners if o not in dotted]  # "rukhsana.ansari, ..., Rukhsana"
    return _Parens(tuple(owners), cut and comment is None and bool(_OPEN_LIST.search(content)))


def _person(element: str) -> str | None:
    """The owner one element of a list of people names, or ``None`` if it names no one.

    "Peter" -> "peter", "yathi" -> "yathi", "Alex Smith" -> "alex", "Jim jimjunxu" ->
    "jimjunxu" (the nick must start as the name does), "TheJulia" as written.
    """
    words = element.split()
    if len(words) == 1:
        word = words[0]
        if _FIRST_NAME.fullmatch(word) or _NICK.fullmatch(word):
            owner = word.lower()
        elif _CAMEL_NICK.fullmatch(word):
            owner = word
        else:
            return None
    elif len(words) == 2 and _FIRST_NAME.fullmatch(words[0]) and _NICK.fullmatch(words[1]):
        if words[1][0] != words[0][0].lower():
            return None
        owner = words[1]
    elif len(words) <= 3 and all(_FIRST_NAME.fullmatch(w) for w in words):
        owner = words[0].lower()
    else:
        return None
    lowered = owner.lower()
    if (
        lowered in GENERIC
        or lowered in NOT_OWNERSHIP
        or lowered in NOT_LABELS
        or lowered in ORGANISATIONS
        or lowered in KNOWN_SERIES
        or lowered in MONTHS_AND_DAYS
        or is_project(lowered)
        or any(w.lower() in GENERIC or is_project(w) for w in words)
    ):
        return None
    return owner


def item_owners(text: str) -> tuple[str, ...] | None:
    """The owners of an announced list's item: the people of its closing parenthesis."""
    found = _last_parens(text)
    return found.owners if found is not None else None


@dataclass
class _Entry:
    """One line of a block with its wrapped continuation lines."""

    number: int
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.texts)


def _continues(entry: _Entry, following: str) -> bool:
    """Whether line ``following`` wraps on from ``entry`` rather than starting a new line."""
    if len(entry.texts) >= _ITEM_LINES:
        return False
    found = _last_parens(entry.text)
    if found is None:
        # "... can leverage policy" / "(Peter, yathi)": the owners wrapped onto the next
        # line, or a long line the mailer wrapped before its parenthesis.
        last = entry.texts[-1]
        return following.startswith("(") or (
            len(last) >= _WRAPPED_CHARS and not last.endswith((".", ":", "!", "?"))
        )
    # "(Peter, yathi, debo," / "forbes )": names go on, unless the next line is an item.
    return found.open_list and _last_parens(following) is None


def _block_items(lines: Sequence[Line], start: int) -> dict[int, tuple[str, ...]]:
    """The items of the block announced before ``lines[start]``, by first line number.

    The block runs over paragraphs in which at least half of the entries are
    items (bullets are notes, not entries); the first other paragraph (a
    closing note), or a line that is neither text nor a bullet (a heading, a
    header), ends it.
    """
    found: dict[int, tuple[str, ...]] = {}
    entries: list[_Entry] = []
    joinable = False  # whether the next text line may wrap on from the last entry
    for index in range(start, len(lines) + 1):
        line = lines[index] if index < len(lines) else None
        if line is not None and line.kind is LineKind.BULLET:
            joinable = False  # a note under an item ends the item
        elif line is not None and line.kind is LineKind.TEXT:
            if joinable and _continues(entries[-1], line.text):
                entries[-1].texts.append(line.text)
            else:
                entries.append(_Entry(line.number, [line.text]))
            joinable = True
        elif line is not None and line.kind is LineKind.BLANK and not entries:
            continue  # the blank lines before the block, or between its paragraphs
        else:
            items = {e.number: o for e in entries if (o := item_owners(e.text)) is not None}
            if not items or 2 * len(items) < len(entries):
                break  # a paragraph of prose: the closing note
            found.update(items)
            entries, joinable = [], False
            if line is None or line.kind is not LineKind.BLANK:
                break
    return found


def announced_actions(text: str, lines: Sequence[Line]) -> dict[int, tuple[str, ...]]:
    """The items of every announced action list in ``lines``, by first line number.

    ``lines`` are the classified lines of the normalised ``text`` (searched
    first, so that a document that never mentions action items costs two quick
    regular expression searches). A paragraph (text lines between
    blank lines) announces a list when one of its sentences does (see
    :func:`announces_actions`); the block starts after the paragraph, or right
    after a line that ends the announcing sentence with ":". Each item maps to
    its owners, as :func:`item_owners` reads them.
    """
    found: dict[int, tuple[str, ...]] = {}
    if not any(pattern.search(text) for pattern in _MENTION_IN_TEXT):
        return found
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and lines[end].kind is LineKind.TEXT:
            end += 1
        if end > start and (after := _announcement_end(lines, start, end)) is not None:
            found.update(_block_items(lines, after))
        start = end + 1
    return found


def _announcement_end(lines: Sequence[Line], start: int, end: int) -> int | None:
    """Where the block after the paragraph ``lines[start:end]`` starts, if it announces one."""
    texts = [line.text for line in lines[start:end]]
    paragraph = " ".join(texts)
    if not _MENTION.search(paragraph):
        return None
    for index, text in enumerate(texts):
        if text.endswith(":"):
            window = " ".join(texts[max(0, index + 1 - _ANNOUNCEMENT_LINES) : index + 1])
            if announces_actions(_SENTENCE_END.split(window)[-1]):
                return start + index + 1
    if any(map(announces_actions, _SENTENCE_END.split(paragraph))):
        return end
    return None


def as_actions(lines: Sequence[Line], items: Mapping[int, tuple[str, ...]]) -> list[Line]:
    """``lines`` with the first line of each announced item (see :func:`announced_actions`)
    read as a one-line action; its continuation lines stay text and join it."""
    return [
        replace(line, kind=LineKind.ACTION)
        if line.kind is LineKind.TEXT and line.number in items
        else line
        for line in lines
    ]
