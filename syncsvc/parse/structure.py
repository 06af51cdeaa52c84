"""Find the structure of a normalised summary: classify every line.

Each line gets a :class:`LineKind`. Most kinds are read from the line alone
(section headers, bullets, etherpad and footnote lines); headings need the
whole document, because the same markup means different things in different
summaries:

* ``== X ==`` is a day when ``=== Y ===`` topics exist, else a topic (unless it
  reads as a day: "Day 2", "Tuesday 19 October", a date);
* ``# X``, ``## X``, a title underlined with ``====``/``----``, ``--- X ---`` and
  ``*== X ==*`` are headings with a level; the shallowest level is the day level
  when deeper headings exist and it has a day-like heading, a single top heading
  before all others is the document title, and every other heading is a topic;
* a heading whose text is a section word ("### Actions") is that section header;
* ``Topic: X`` is a topic; a standalone day line ("Tuesday 19 October") is a day;
* numbered lines ``1. X`` at the left margin are topics only in a summary with no
  other topic headings, and only when they head their own blocks (etherpads,
  section headers or indented bullets follow them).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from syncsvc.parse.days import DAY_LINE, looks_like_day
from syncsvc.parse.milestones import KNOWN_SERIES


class LineKind(StrEnum):
    """How the parser read one line (shown by ``import --explain``)."""

    BLANK = "blank"
    RULE = "rule"
    TITLE = "title"
    DAY = "day"
    TOPIC = "topic"
    ETHERPAD = "etherpad"
    DISCUSSION_HEADER = "discussion-header"
    ACTIONS_HEADER = "actions-header"
    DECISIONS_HEADER = "decisions-header"
    ACTION = "action"
    DECISION = "decision"
    NOTE = "note"
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
    #: An action header that does not end its topic's prose ("Plan for Pike").
    soft: bool = False


_TITLE_WORDS = re.compile(r"\b(?:PTG|summary|notes|minutes|recap|report)\b", re.IGNORECASE)

_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?P<tail>:?)$")
_WIKI = re.compile(r"^(?P<marks>={2,6})\s*(?P<label>[^=\s].*?)\s*={2,6}(?P<rest>.*)$")
_WIKI_INSIDE = re.compile(r"^(?P<before>.*?[^=\s])\s*(?P<heading>={3,6}\s*[^=\s].*?={3,6}.*)$")
_DASHED = re.compile(r"^-{2,}\s+(?P<label>[^-\s].*?)\s+-{2,}$")
_ATX = re.compile(r"^(?P<marks>#{1,6})\s+(?P<label>\S.*?)(?:\s+#+)?$")
_RULE = re.compile(r"^\s*(?:[-=_~*]\s*){3,}$")
_UNDERLINE = re.compile(r"^\s*(?P<c>[=~-])(?P=c){2,}\s*$")
_TOPIC_PREFIX = re.compile(
    r"^Topic(?:\s+\d{1,2})?\s*[:.\-\u2013]\s*(?P<label>\S.*)$", re.IGNORECASE
)
_NUMBERED = re.compile(r"^(?P<num>\d{1,2})(?:\.\)|[.)])\s+(?P<label>\S.*)$")

_ETHERPAD = re.compile(
    r"^(?:Topic\s+)?(?:Etherpads?|Pads?|Documents?)\s*:\s*(?P<rest>.*)$", re.IGNORECASE
)
_ETHERPAD_IF_LINK = re.compile(
    r"^(?:Topic\s+)?(?:Docs?|Notes|Slides|Links?|Recordings?)\s*:\s*(?P<rest>.*)$", re.IGNORECASE
)
_LINKISH = re.compile(r"https?://|\[\d{1,3}\]")
_FOOTNOTE = re.compile(r"^\s*\[(?P<num>\d{1,3})\]\s*:?\s*(?P<url>https?://\S+)\s*$")
_ACTIONS = re.compile(
    r"^(?P<word>Actions?|Action\s+Items?|Action\s+Points?|Action\s+Plans?|AIs|ARs|Next\s+Steps?"
    r"|TODOs?|Follow[- ]?ups?)"
    r"\s*(?:\([^()]{0,40}\))?\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_ACTIONS_BARE = re.compile(
    r"^(?:Actions?|Action\s+Items?(?:,\s*by\s+person|\s+(?:registry|register|tracker|list|log))?"
    r"|Action\s+Points?|Action\s+Plans?|AIs"
    r"|Next\s+Steps?|What\s+(?:will\s+we|we\s+will|we'll|should\s+we|we\s+should)\s+"
    r"(?:change|do\s+differently|improve))$",
    re.IGNORECASE,
)
#: "Plan for Pike", "Goals for Queens": the work a team set itself for a named series.
_SERIES_PLAN = re.compile(
    r"^(?:goals?|plans?|work\s+items?)\s+for\s+(?:the\s+)?(?P<series>[a-z]+)(?:\s+(?:cycle|release))?:?$",
    re.IGNORECASE,
)
# "AI:"/"AR:" (action item / action required) and MeetBot's "#action" name one action;
# so do "Action item - ...", "TODO - ..." (a dash for the colon; not "AI - ", which
# may be a topic about AI) and "[AI] ...".
_ONE_ACTION = re.compile(
    r"^(?:(?:AI|AR|ACTION)\s*:|(?i:#action)\b:?|(?i:action\s+items?)\s*:"
    r"|(?:ACTION|TODO|(?i:action(?:\s+items?)?))\s+[-\u2013\u2014]\s+(?=\S)"
    r"|\[(?:AI|AR|(?i:action(?:\s+items?)?|todo))\]\s*(?=\S))\s*(?P<rest>.*)$"
)
_DECISIONS = re.compile(
    r"^(?:Decisions|Agreements|Agreed\s+items?)\s*:\s*(?P<rest>.*)$", re.IGNORECASE
)
_DECISIONS_BARE = re.compile(r"^(?:Decisions(?:\s+made)?|Agreements|Agreed)$", re.IGNORECASE)
_ONE_DECISION = re.compile(
    r"^(?:#agreed\b:?|#?Agree(?:d|ment)\s*:|Decision\s*:|Resolved\s*:|Outcome\s*:"
    r"|Conclusion\s*:)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_DISCUSSION = re.compile(
    r"^(?:Discussion(?:\s+(?:Items?|Points?|Notes))?|Summary|Notes|Discussed|Key\s+Points)"
    r"\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_DISCUSSION_BARE = re.compile(
    r"^(?:Discussion(?:\s+(?:Items?|Points?|Notes))?|Summary|Notes)$", re.IGNORECASE
)
_NOTE = re.compile(r"^(?:(?i:#(?:info|idea|link|help))\b:?|(?:INFO|IDEA|LINK)\s*:)\s*(?P<rest>.*)$")
_BULLET_CHARS = frozenset("-*•+◦▪‣·\u2013")
#: An arrow that leads a note's conclusion, as etherpads write them: "=> gmann to send it".
_ARROW = re.compile(r"^(?:=+>|-+>|\u2192|\u21d2)\s+(?P<text>\S.*)$")
_BULLET = re.compile(
    r"^(?P<indent>\s*)(?:[-*•+◦▪‣·\u2013]|\d{1,2}\.\)|\d{1,2}[.)])\s+(?P<text>.*)$"
)


def _unemphasise(text: str) -> str:
    """``*Actions:*``, ``**Actions**:`` and ``*== T ==*`` without the emphasis marks."""
    for _ in range(3):
        m = _EMPHASIS.match(text)
        if not m:
            break
        text = m.group(2) + m.group("tail")
    return text.replace("**", "").replace("__", "") if len(text) < 120 else text


@dataclass
class _Heading:
    label: str
    level: int
    wiki: bool = False
    rest: str = ""


@dataclass
class _Read:
    """What one line says on its own, before the document-level decisions."""

    kind: LineKind
    text: str
    indent: int = 0
    heading: _Heading | None = None
    numbered: bool = False
    number: int = 0
    soft: bool = False


def classify(text: str) -> Iterator[Line]:
    """Yield the classified lines of normalised ``text``.

    A heading glued to the next line (``=== X ===Topic Etherpad: …``) or to the
    previous text yields two lines with the same number.
    """
    raws = text.split("\n")
    reads: list[_Read] = []
    for index in range(len(raws)):
        for read in _read_raw(index, raws):
            read.number = index + 1
            reads.append(read)
    _decide_headings(reads)
    _decide_numbered_topics(reads)
    _decide_plain_titles(reads)
    _decide_indented_titles(reads)
    for read in reads:
        yield Line(read.number, read.kind, read.text, read.indent, read.soft)


def _read_raw(index: int, raws: Sequence[str]) -> list[_Read]:
    """The reads of line ``index`` (more than one when a heading is glued to text)."""
    raw = raws[index]
    stripped = raw.strip()
    indent = len(raw) - len(raw.lstrip(" "))
    if not stripped:
        return [_Read(LineKind.BLANK, "")]
    # Cheap first-character tests keep the per-line regex work small (see benchmarks/).
    # An underline is three or more of one character, a rule ends with a rule character:
    # a bullet ("- item") needs neither regex.
    first = stripped[0]
    if (
        first in "=-~"
        and stripped[:3] == first * 3
        and _UNDERLINE.match(raw)
        and index > 0
        and _is_setext_title(raws[index - 1])
    ):
        return [_Read(LineKind.RULE, stripped)]
    following = raws[index + 1].lstrip()[:3] if index + 1 < len(raws) else ""
    if (
        following in {"===", "---", "~~~"}
        and _UNDERLINE.match(raws[index + 1])
        and _is_setext_title(raw)
    ):
        level = {"=": 1, "-": 2}.get(following[0], 3)
        label = _unemphasise(stripped)
        return [_section_or(label, _Read(LineKind.TEXT, label, 0, _Heading(label, level)))]
    if first in "-=_~*" and stripped[-1] in "-=_~*" and _RULE.match(raw):
        return [_Read(LineKind.RULE, stripped)]
    reads = _read_text(stripped, indent)
    if (
        reads[0].kind is LineKind.TEXT
        and index > 0
        and len(stripped) <= 60
        and not raws[index - 1].strip()
        and DAY_LINE.match(stripped)
    ):
        return [_Read(LineKind.DAY, stripped.rstrip(":").strip())]
    return reads


def _is_setext_title(raw: str) -> bool:
    text = raw.strip()
    return (
        0 < len(text) <= 100
        and not text.endswith((".", ",", ";"))
        and not _BULLET.match(raw)
        and not _RULE.match(raw)
        and not raw.startswith(" ")
    )


def _read_text(stripped: str, indent: int) -> list[_Read]:
    """Classify one stripped line (or the rest of a glued one) on its own."""
    plain = _unemphasise(stripped) if stripped[:1] in {"*", "_"} or "**" in stripped else stripped
    if not plain:
        return [_Read(LineKind.TEXT, stripped, indent)]
    first = plain[0]
    if first == "=" and (m := _WIKI.match(plain)):
        label, rest = m.group("label"), m.group("rest").strip()
        heading = _Heading(label, len(m.group("marks")), wiki=True)
        read = _section_or(label, _Read(LineKind.TEXT, label, 0, heading))
        return [read, *_read_text(rest, 0)] if rest else [read]
    if "===" in plain and (m := _WIKI_INSIDE.match(plain)):
        return [*_read_text(m.group("before"), indent), *_read_text(m.group("heading"), 0)]
    if plain[:2] == "--" and (m := _DASHED.match(plain)):
        label = m.group("label")
        return [_section_or(label, _Read(LineKind.TEXT, label, 0, _Heading(label, 3)))]
    if first == "#" and (m := _ATX.match(plain)):
        label, level = m.group("label"), len(m.group("marks"))
        return [_section_or(label, _Read(LineKind.TEXT, label, 0, _Heading(label, level)))]
    return [_read_simple(stripped, plain, indent)]


def _read_simple(stripped: str, plain: str, indent: int) -> _Read:
    if stripped[0] == "[" and (m := _FOOTNOTE.match(stripped)):
        return _Read(LineKind.FOOTNOTE, f"{m.group('num')} {m.group('url')}")
    # Every etherpad line, section header and one-line marker starts with a word or
    # a "#", and has a ":" or a "#" near its start or is short ("Actions").
    if (plain[0].isalpha() or plain[0] == "#" or plain[0] == "[") and (
        ":" in plain[:48] or plain[0] == "#" or len(plain) <= 32 or _dash_marked(plain)
    ):
        colon = ":" in plain  # etherpad lines have one
        if colon and (m := _ETHERPAD.match(plain)):
            return _Read(LineKind.ETHERPAD, m.group("rest").strip())
        if colon and (m := _ETHERPAD_IF_LINK.match(plain)) and _LINKISH.search(m.group("rest")):
            return _Read(LineKind.ETHERPAD, m.group("rest").strip())
        if (section := _section(plain)) is not None:
            return _Read(section[0], section[1], indent)
        if (m := _SERIES_PLAN.match(plain)) and m.group("series").lower() in KNOWN_SERIES:
            return _Read(LineKind.ACTIONS_HEADER, "", indent, soft=True)
    if plain[:5].lower() == "topic" and (m := _TOPIC_PREFIX.match(plain)):
        return _Read(LineKind.TOPIC, m.group("label").strip())
    if stripped[0] in "=-\u2192\u21d2" and (m := _ARROW.match(stripped)):
        # An arrow line is a list item of its own; a marker after it still counts.
        text = m.group("text").strip()
        inner = _one_liner(_unemphasise(text)) or _marked_bullet(_unemphasise(text))
        return _Read(*(inner or (LineKind.BULLET, text)), indent)
    if (stripped[0] in _BULLET_CHARS or stripped[0].isdigit()) and (
        m := _BULLET.match(" " * indent + stripped)
    ):
        text = m.group("text").strip()
        marked = ":" in text[:24] or text[:1] in "#[" or _dash_marked(text)
        inner = _one_liner(_unemphasise(text)) if marked else None
        if inner is None and marked:
            inner = _marked_bullet(_unemphasise(text))
        if inner is not None:
            return _Read(inner[0], inner[1], indent)
        numbered = indent == 0 and stripped[0].isdigit() and bool(_NUMBERED.match(stripped))
        return _Read(LineKind.BULLET, text, indent, numbered=numbered)
    if (
        plain is not stripped
        and indent == 0
        and plain[:1].isdigit()
        and (m := _NUMBERED.match(plain))
    ):
        # "*1. Title*": an emphasised numbered title (never a list item).
        return _Read(LineKind.BULLET, m.group("label").strip(), indent, numbered=True)
    return _Read(LineKind.TEXT, stripped, indent)


def _dash_marked(text: str) -> bool:
    """Whether a marker word may be followed by a dash ("Action item - ...", "TODO - ...")."""
    return text[:1] in "AaTt" and any(d in text[:16] for d in (" - ", " \u2013 ", " \u2014 "))


#: What a marker names when a list has no action: "Actions: none", "TODO: n/a".
_NO_ACTION = re.compile(r"^(?:none|n/?a|tbd|nothing|-+|\(?none\)?)\.?$", re.IGNORECASE)


def _marked_bullet(text: str) -> tuple[LineKind, str] | None:
    """A list item that opens with an action marker ("* TODO: write the docs",
    "- Next steps: send the spec", "* Follow-up: X will ..."): one action."""
    m = _ACTIONS.match(text)
    rest = m.group("rest").strip() if m else ""
    return (LineKind.ACTION, rest) if rest and not _NO_ACTION.match(rest) else None


def _one_liner(text: str) -> tuple[LineKind, str] | None:
    if (m := _ONE_ACTION.match(text)) and m.group("rest").strip():
        return LineKind.ACTION, m.group("rest").strip()
    if (m := _ONE_DECISION.match(text)) and m.group("rest").strip():
        return LineKind.DECISION, m.group("rest").strip()
    if (m := _NOTE.match(text)) and m.group("rest").strip():
        return LineKind.NOTE, m.group("rest").strip()
    return None


def _section(text: str) -> tuple[LineKind, str] | None:
    """A section header or a one-line action/decision/note, with its inline text."""
    if text[:1] != "[" and not _SECTION_START.match(text):
        return None
    if (one := _one_liner(text)) is not None:
        return one
    if m := _ACTIONS.match(text):
        return LineKind.ACTIONS_HEADER, m.group("rest").strip()
    if _ACTIONS_BARE.match(text) or _ONE_ACTION.match(text):
        return LineKind.ACTIONS_HEADER, ""
    if text.startswith("[") and text.endswith("]") and _ACTIONS_BARE.match(text[1:-1].strip()):
        return LineKind.ACTIONS_HEADER, ""  # "[Action Items]"
    if m := _DECISIONS.match(text):
        return LineKind.DECISIONS_HEADER, m.group("rest").strip()
    if _DECISIONS_BARE.match(text) or _ONE_DECISION.match(text):
        return LineKind.DECISIONS_HEADER, ""
    if m := _DISCUSSION.match(text):
        return LineKind.DISCUSSION_HEADER, m.group("rest").strip()
    if _DISCUSSION_BARE.match(text):
        return LineKind.DISCUSSION_HEADER, ""
    return None


def _section_or(label: str, read: _Read) -> _Read:
    """A heading whose text is a section word ("### Actions") is that section header."""
    section = _section(label)
    if section is not None and section[0] not in _ONE_LINE_KINDS:
        return _Read(section[0], section[1])
    return read


_ONE_LINE_KINDS = frozenset({LineKind.ACTION, LineKind.DECISION, LineKind.NOTE})
#: Every form :func:`_section` reads, in one case-insensitive alternation (a superset of
#: them: one match rules most lines out instead of a dozen).
_SECTION_START = re.compile(
    "|".join(
        re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)
        for pattern in (
            _ONE_ACTION,
            _ONE_DECISION,
            _NOTE,
            _ACTIONS,
            _ACTIONS_BARE,
            _DECISIONS,
            _DECISIONS_BARE,
            _DISCUSSION,
            _DISCUSSION_BARE,
        )
    ),
    re.IGNORECASE,
)


def _decide_headings(reads: list[_Read]) -> None:
    """Turn heading candidates into TITLE, DAY and TOPIC lines (see the module doc)."""
    headings = [(r, r.heading) for r in reads if r.heading is not None]
    if not headings:
        return
    first_read, first = headings[0]
    others = headings[1:]
    at_top = all(
        r.kind in {LineKind.BLANK, LineKind.RULE} for r in reads[: reads.index(first_read)]
    )
    if (
        len(others) >= 2
        and not first.wiki
        and not looks_like_day(first.label)
        and (
            all(h.level > first.level for _, h in others)
            or (at_top and bool(_TITLE_WORDS.search(first.label)))
        )
    ):
        first_read.kind = LineKind.TITLE
        headings = others
    levels = sorted({h.level for _, h in headings})
    day_level: int | None = None
    if len(levels) >= 2:
        top = [h for _, h in headings if h.level == levels[0]]
        if all(h.wiki for h in top) or any(looks_like_day(h.label) for h in top):
            day_level = levels[0]
    for read, heading in headings:
        if heading.level == day_level or looks_like_day(heading.label):
            read.kind = LineKind.DAY
        else:
            read.kind = LineKind.TOPIC


def _decide_numbered_topics(reads: list[_Read]) -> None:
    """Numbered lines head topics only when nothing else does and they head blocks."""
    if any(r.kind is LineKind.TOPIC for r in reads):
        return
    candidates = [i for i, r in enumerate(reads) if r.numbered]
    in_list = _in_lists(reads)
    for n, start in enumerate(candidates):
        end = candidates[n + 1] if n + 1 < len(candidates) else len(reads)
        if in_list[start] or _next_to_numbered(reads, start) or _wraps_on(reads, start):
            continue  # a numbered list of items, not titles
        block = reads[start + 1 : end]
        if any(_heads_block(r) for r in block) or _has_paragraph(block):
            reads[start].kind = LineKind.TOPIC


_PLAIN_TITLE = re.compile(r"^[A-Z0-9][^.:;!?]{2,78}[^.:;,!?\s]$")


def _decide_plain_titles(reads: list[_Read]) -> None:
    """In a wiki page (day lines, no headings), a short line alone between blanks is a topic.

    Wiki pages copied as text lose their heading markup: "Tuesday 20 April",
    then "Greetings and project business" between blank lines, then the
    session's paragraphs.
    """
    if any(r.kind is LineKind.TOPIC for r in reads) or not any(
        r.kind is LineKind.DAY for r in reads
    ):
        return
    seen_day = False
    for i, read in enumerate(reads):
        if read.kind is LineKind.DAY:
            seen_day = True
            continue
        if (
            seen_day
            and read.kind is LineKind.TEXT
            and read.indent == 0
            and 0 < i < len(reads) - 1
            and reads[i - 1].kind is LineKind.BLANK
            and reads[i + 1].kind is LineKind.BLANK
            and len(read.text.split()) <= 10
            and _PLAIN_TITLE.match(read.text)
        ):
            read.kind = LineKind.TOPIC


_INDENTED_TITLE = re.compile(r"^[A-Z0-9][^.;!?]{2,78}[^.:;,!?\s]:?$")


def _decide_indented_titles(reads: list[_Read]) -> None:
    """In a blog post copied as text, an indented title line over unindented prose is a topic.

    Only where no markup heading exists (numbered topics may): "  Retrospective"
    alone between blank lines, then a paragraph at the margin.
    """
    if any(r.kind is LineKind.TOPIC and not r.numbered for r in reads):
        return
    for i, read in enumerate(reads):
        if (
            read.kind is LineKind.TEXT
            and read.indent > 0
            and (i == 0 or reads[i - 1].kind is LineKind.BLANK)
            and i + 1 < len(reads)
            and reads[i + 1].kind is LineKind.BLANK
            and len(read.text.split()) <= 10
            and _INDENTED_TITLE.match(read.text)
        ):
            following = next((r for r in reads[i + 1 :] if r.kind is not LineKind.BLANK), None)
            if (
                following is not None
                and following.indent == 0
                and following.kind
                in {
                    LineKind.TEXT,
                    LineKind.ACTIONS_HEADER,
                    LineKind.DISCUSSION_HEADER,
                    LineKind.DECISIONS_HEADER,
                }
            ):
                read.kind, read.text = LineKind.TOPIC, read.text.rstrip(":").rstrip()


#: A numbered line this long that runs on into the next line is a wrapped sentence.
_WRAPPED_TITLE_CHARS = 60


def _wraps_on(reads: list[_Read], i: int) -> bool:
    """Whether numbered line ``i`` is a long sentence wrapped onto the next line (an item)."""
    return (
        len(reads[i].text) > _WRAPPED_TITLE_CHARS
        and i + 1 < len(reads)
        and reads[i + 1].kind is LineKind.TEXT
        and reads[i + 1].indent == 0
    )


def _next_to_numbered(reads: list[_Read], i: int) -> bool:
    """Whether the line right before or after line ``i`` is numbered too (no blank between)."""
    return (i > 0 and reads[i - 1].numbered) or (i + 1 < len(reads) and reads[i + 1].numbered)


_SECTION_KINDS = frozenset(
    {LineKind.ACTIONS_HEADER, LineKind.DECISIONS_HEADER, LineKind.DISCUSSION_HEADER}
)
_BLOCK_KINDS = _SECTION_KINDS | {
    LineKind.ETHERPAD,
    LineKind.ACTION,
    LineKind.DECISION,
    LineKind.NOTE,
}


def _in_lists(reads: list[_Read]) -> list[bool]:
    """For each line, whether it continues a list under a section header (no blank between).

    One pass: a run of bullets and text lines is in a list when the line before
    the run is a section header.
    """
    found = [False] * len(reads)
    under_header = False
    for i, read in enumerate(reads):
        found[i] = under_header
        if read.kind not in {LineKind.BULLET, LineKind.TEXT}:
            under_header = read.kind in _SECTION_KINDS
    return found


def _heads_block(read: _Read) -> bool:
    """Etherpad lines, section headers and plain bullets belong under a title."""
    return read.kind in _BLOCK_KINDS or (
        read.kind is LineKind.BULLET and (read.indent > 0 or not read.numbered)
    )


def _has_paragraph(block: list[_Read]) -> bool:
    """A blank line and then prose: a numbered title over a paragraph."""
    return any(
        a.kind is LineKind.BLANK and b.kind is LineKind.TEXT for a, b in itertools.pairwise(block)
    )
