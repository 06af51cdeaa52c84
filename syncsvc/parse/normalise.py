"""Turn raw input (bytes or str, HTML, Markdown or plain mail) into clean text lines.

A PTG summary reaches syncsvc as the mailed HTML part (one ``<div>`` with
``<br>`` breaks, or paragraphs and ``<ul>``/``<ol>`` lists), as plain text
hard-wrapped by a mail client, as a ``> ``-quoted reply, as Markdown, or copied
from an archive or wiki page. This module makes all of them look the same to the
parser: a ``str`` with ``\\n`` line endings in which

* HTML is rendered: block tags and ``<br>`` break lines, list items become
  ``-``/``1.`` bullets indented by nesting depth, ``<h1>``-``<h6>`` become
  ``#`` headings, ``<pre>`` keeps its lines, entities are decoded and hidden
  link targets are kept (``[1] <https://…>``);
* mail chrome is gone: ``> `` quote marks (every level), the "On … wrote:" line,
  ``-- `` signatures, mailing-list footers and forwarded-message headers;
* Markdown links read ``text <url>`` and task-list boxes (``- [ ]``) are dropped;
* wiki page chrome ("Jump to navigation", "[edit]", "Retrieved from …") is gone;
* non-breaking and zero-width spaces, tabs and control characters are cleaned.

Plain-text line numbers are kept: removed chrome lines become blank lines, so
``import --explain`` can point at the line a user sees in the source.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

import charset_normalizer

from syncsvc.domain import MAX_INPUT_BYTES
from syncsvc.errors import InputError
from syncsvc.escape import plain
from syncsvc.parse.words import may_mention

#: Real summaries nest lists a few levels deep; each level indents every line
#: under it, so 10k levels of ``<ul>`` would render to ~100 MB of spaces.
MAX_LIST_DEPTH = 100
#: How much of a non-UTF-8 input is looked at to tell Western text from CJK/Cyrillic.
_SAMPLE_BYTES = 256 * 1024

_HTML_HINT = re.compile(
    r"<(?:html|body|div|br|p|a\s|span|li|ul|ol|table|pre|h[1-6])\b", re.IGNORECASE
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "tr", "table", "pre", "blockquote", "hr", "dl", "dt", "dd"}
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = frozenset({"ul", "ol"})
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Non-breaking spaces become spaces; zero-width characters and soft hyphens go.
_INVISIBLE = (("\xa0", " "), ("\u200b", ""), ("\u200c", ""), ("\u200d", ""), ("\xad", ""))
_NEWLINE_RUN = re.compile(r"\s*\n\s*")
#: Real input settles in one round (a second confirms it); nested entities need more.
_MAX_ROUNDS = 8

# Quote marks: "> ", "> > ", ">> " (a ">" not followed by a space or the end,
# as in ">80% coverage", is text).
_QUOTE = re.compile(r"^[ \t]*>(?:[ \t]*>)*(?:[ \t]|$)")
_ON_WROTE = re.compile(r"^\s*On\s.{0,300}\bwrote:\s*$", re.IGNORECASE)
_ON_START = re.compile(r"^\s*On\s+\S.{0,200}$")
_WROTE_END = re.compile(r"^.{0,200}\bwrote:\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{3,}\s*(?:Original|Forwarded)\s+Message\s*-{3,}\s*$", re.IGNORECASE)
_HEADER_FIELD = re.compile(r"^\s*(?:From|Sent|To|Cc|Date|Subject|Reply-To)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")
_SIGNATURE_MAX_LINES = 10
_FOOTER_RULE = re.compile(r"^\s*_{10,}\s*$")
#: pipermail's note for a scrubbed attachment: this rule, then "An HTML attachment was
#: scrubbed..." and its "URL: <...>" line.
_NEXT_PART = re.compile(r"^\s*-{5,}\s*next\s+part\s*-{5,}\s*$", re.IGNORECASE)
_FOOTER_WORDS = re.compile(
    r"mailing list|listinfo|unsubscribe|lists\.openstack\.org", re.IGNORECASE
)
_WIKI_CHROME = re.compile(
    r"^\s*(?:Jump to (?:navigation|search)|Navigation menu|Personal tools|Views|Namespaces"
    r"|Retrieved from\s+\S.*|This page was last (?:edited|modified) on\s.*|Privacy policy"
    r"|Disclaimers|From OpenStack|Contents\s*(?:\[hide\])?|\[hide\]|Edit this page)\s*$",
    re.IGNORECASE,
)
#: A phrase each line of ``_WIKI_CHROME`` has (keep the two in step).
_WIKI_CHROME_WORDS = (
    "jump to", "navigation menu", "personal tools", "views", "namespaces", "retrieved from",
    "this page was last", "privacy policy", "disclaimers", "from openstack", "contents",
    "[hide]", "edit this page",
)  # fmt: skip
_WIKI_EDIT = re.compile(r"(?:\s*\[edit(?: source)?\])+\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(?:```|~~~).*$")
_TASK_BOX = re.compile(r"^(\s*(?:[-*+•]|\d{1,2}[.)])\s+)(?:\[[ xX]\]\s*)+")
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]\((https?://[^()\s]+)\)")


def decode(data: bytes) -> str:
    """Decode input bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252/Latin-1
    when the text reads as Western, else the encoding charset-normalizer detects.

    Raises :class:`InputError` for empty input, input over ``MAX_INPUT_BYTES``,
    input that looks binary (NUL bytes or mostly control characters) and input
    in an encoding that cannot be detected.
    """
    if not data.strip():
        raise InputError("input is empty")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"input is {len(data) // (1024 * 1024)} MB; summaries over "
            f"{MAX_INPUT_BYTES // (1024 * 1024)} MB are refused"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("input has a UTF-16 byte-order mark but is not UTF-16") from exc
    if b"\x00" in data:
        raise InputError("input looks like a binary file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise InputError("input looks like a binary file or an unknown encoding")
    return text


def _decode_legacy(data: bytes) -> str:
    """Decode bytes that are not UTF-8: cp1252 (Latin-1) if plausible, else detect.

    Western text has its non-ASCII letters one at a time between ASCII ones
    ("café", "große"); CJK and Cyrillic encodings put them in runs. Runs are
    handed to charset-normalizer, which reads Shift-JIS, EUC, GB, Big5, KOI8
    and the other code pages; cp1252 would silently turn them into mojibake.
    """
    if _reads_as_western(data):
        try:  # Windows mail clients send cp1252, a superset of Latin-1's printables
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(
            "input is not UTF-8 and its encoding could not be detected",
            hint="save the summary as UTF-8",
        )
    return str(best)


def _reads_as_western(data: bytes) -> bool:
    """Whether at most a quarter of the non-ASCII bytes have a non-ASCII neighbour."""
    high = 0
    paired = 0
    previous = False
    for byte in data[:_SAMPLE_BYTES]:
        is_high = byte >= 0x80
        if is_high:
            high += 1
            paired += previous
        previous = is_high
    return paired * 4 <= high


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment, with line breaks for block tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pre = 0
        self._lists: list[list[int]] = []  # one [counter] per open list; -1 for <ul>
        self._at_item_start = False
        self._href: str | None = None
        self._anchor_start = 0

    def _block(self) -> None:
        # "<li><p>text</p></li>" keeps its text on the bullet's line.
        if not self._at_item_start:
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "li":
            self._list_item()
        elif tag in _LISTS:
            if len(self._lists) >= MAX_LIST_DEPTH:
                raise InputError(
                    f"lists nested deeper than {MAX_LIST_DEPTH} levels; "
                    "is this really a PTG summary?"
                )
            self._block()
            self._lists.append([0 if tag == "ol" else -1])
        elif tag in _HEADINGS:
            self.parts.append("\n" + "#" * _HEADINGS[tag] + " ")
            self._at_item_start = True
        elif tag == "hr":
            self.parts.append("\n\n")
        elif tag in _BLOCK_TAGS:
            self._block()
            self._pre += tag == "pre"
        elif tag in {"td", "th"}:
            self.parts.append(" ")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._anchor_start = len(self.parts)

    def _list_item(self) -> None:
        depth = max(len(self._lists), 1)
        marker = "- "
        if self._lists and self._lists[-1][0] >= 0:
            self._lists[-1][0] += 1
            marker = f"{self._lists[-1][0]}. "
        self.parts.append("\n" + "  " * (depth - 1) + marker)
        self._at_item_start = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "hr" else "\n")
        elif tag not in _SKIP_TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._href:
            shown = "".join(self.parts[self._anchor_start :]).strip()
            href = self._href
            # Keep the link target when the shown text hides it (e.g. "[1]").
            if href.startswith(("http://", "https://")) and href.rstrip("/") not in shown:
                self.parts.append(f" <{href}>" if shown else href)
            self._href = None
        elif tag in _LISTS:
            if self._lists:
                self._lists.pop()
            self._block()
        elif tag in _HEADINGS:
            self.parts.append("\n")
            self._at_item_start = False
        elif tag in _BLOCK_TAGS and tag not in {"br", "hr"}:
            self._pre = max(0, self._pre - (tag == "pre"))
            self._block()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._pre:
            # Source line breaks inside HTML are not line breaks; <br> and blocks are.
            data = _NEWLINE_RUN.sub(" ", data)
            if self._at_item_start:
                data = data.lstrip()
        if data:
            self.parts.append(data)
            self._at_item_start = self._at_item_start and not data.strip()


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML part rather than plain text."""
    return bool(_HTML_HINT.search(text[:20000]))


def html_to_text(html_text: str) -> str:
    """Render an HTML mail part as plain text lines (``<br>``/blocks → newlines)."""
    extractor = _TextExtractor()
    extractor.feed(html_text)
    extractor.close()
    return "".join(extractor.parts).lstrip("\n")


def normalise(text: str) -> str:
    """Return ``text`` rendered, with mail chrome removed, LF line endings and plain spaces.

    Idempotent: ``normalise(normalise(t)) == normalise(t)``. Removed chrome lines
    of plain text become blank lines, so line numbers still match the source.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Each stage can uncover work for another (a quote mark hid a task box, a
    # rendered entity reads as a tag), so run them until nothing changes.
    for _ in range(_MAX_ROUNDS):
        new = _round(text, html=looks_like_html(text))
        if new == text:
            break
        text = new
    return text


def _round(text: str, *, html: bool) -> str:
    if html:
        text = html_to_text(text)
    # One str.replace per character: str.translate with a mapping is ~100x slower on
    # non-ASCII text.
    for char, replacement in _INVISIBLE:
        text = text.replace(char, replacement)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = plain(text.replace("\t", "    "))
    lines = strip_mail_chrome(text.split("\n"))
    wiki = may_mention(text, *_WIKI_CHROME_WORDS)  # most text is no wiki page
    lines = [_tidy_line(line, wiki=wiki) for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _tidy_line(line: str, *, wiki: bool) -> str:
    # Substring tests first: most lines need none of the regexes below.
    if len(line) < 120 and (
        (wiki and _WIKI_CHROME.match(line))
        or (("``" in line or "~~~" in line) and _FENCE.match(line))
    ):
        return ""
    if "[" in line:
        if "edit" in line:
            line = _WIKI_EDIT.sub("", line)
        line = _TASK_BOX.sub(r"\1", line)
        while "](" in line:
            line, count = _MD_LINK.subn(r"\1 <\2>", line)
            if not count:
                break
    return line.rstrip()


def strip_mail_chrome(lines: list[str]) -> list[str]:
    """Remove quote marks, "On … wrote:" lines, signatures, footers and forward headers.

    Returns as many lines as it was given: removed lines become ``""``. A
    signature (a ``-- `` line) runs to the end of its quote level, and only
    counts as one when that is at most ``_SIGNATURE_MAX_LINES`` non-blank lines,
    so a dash separator inside a long summary is kept.
    """
    # Each pass looks for lines that have some character or word; text without it
    # (most of it: few summaries are quoted, have a footer or a signature) skips it.
    whole = "\n".join(lines)
    depths: list[int] = []
    contents: list[str] = []
    if ">" in whole:
        for line in lines:
            m = _QUOTE.match(line) if ">" in line[:8] else None
            depths.append(m.group().count(">") if m else 0)
            contents.append(line[m.end() :] if m else line)
    else:
        depths, contents = [0] * len(lines), list(lines)
    keep = [True] * len(lines)
    if "next part" in whole or "__________" in whole:
        _drop_footers(contents, depths, keep)
    if "--" in whole:
        _drop_signatures(contents, depths, keep)
    _drop_reply_headers(contents, keep)
    return [c if k else "" for c, k in zip(contents, keep, strict=True)]


def _block_end(depths: list[int], start: int) -> int:
    """The index after the run of lines at ``depths[start]``."""
    end = start
    while end < len(depths) and depths[end] == depths[start]:
        end += 1
    return end


def _drop_footers(contents: list[str], depths: list[int], keep: list[bool]) -> None:
    for i, content in enumerate(contents):
        if "next part" in content and _NEXT_PART.match(content):
            j = i + 1
            while j < len(contents) and contents[j].strip():
                j += 1
            for k in range(i, j):
                keep[k] = False
            continue
        if "__________" not in content or not _FOOTER_RULE.match(content):
            continue
        end = _block_end(depths, i)
        window = contents[i + 1 : min(end, i + 5)]
        if any(_FOOTER_WORDS.search(w) for w in window):
            j = i + 1
            while j < end and contents[j].strip():
                j += 1
            for k in range(i, j):
                keep[k] = False


def _drop_signatures(contents: list[str], depths: list[int], keep: list[bool]) -> None:
    for i, content in enumerate(contents):
        if content[:2] != "--" or not keep[i] or not _SIGNATURE.match(content):
            continue
        end = _block_end(depths, i)
        body = [c for c, k in zip(contents[i + 1 : end], keep[i + 1 : end], strict=True) if k]
        if sum(1 for c in body if c.strip()) <= _SIGNATURE_MAX_LINES:
            for k in range(i, end):
                keep[k] = False


def _drop_reply_headers(contents: list[str], keep: list[bool]) -> None:
    for i, content in enumerate(contents):
        head = content.lstrip()[:3]
        if head.lower() != "on " and not head.startswith("---"):
            continue
        if _ON_WROTE.match(content):
            keep[i] = False
        elif (
            _ON_START.match(content)
            and "wrote:" not in content
            and i + 1 < len(contents)
            and _WROTE_END.match(contents[i + 1])
        ):
            keep[i] = keep[i + 1] = False
        elif _ORIGINAL.match(content):
            keep[i] = False
            j = i + 1
            while j < len(contents) and _HEADER_FIELD.match(contents[j]):
                keep[j] = False
                j += 1
