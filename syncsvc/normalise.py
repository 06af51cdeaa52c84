"""Turn raw input (bytes or str, HTML or plain text) into clean text lines.

The mailed HTML of a PTG summary is one ``<div>`` with ``<br>`` line breaks,
``<a>`` links and ``&nbsp;`` entities; plain-text mails use CRLF or LF. This
module makes both look the same to the parser: a ``str`` with ``\n`` line
endings, entities decoded, non-breaking spaces as spaces and link targets kept.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from syncsvc.errors import InputError
from syncsvc.escape import plain

MAX_INPUT_BYTES = 10 * 1024 * 1024

_HTML_HINT = re.compile(r"<(?:html|body|div|br|p|a\s|span|li|ul|ol|table|pre)\b", re.IGNORECASE)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "pre", "blockquote", "h1", "h2", "h3"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes) -> str:
    """Decode input bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1.

    Raises :class:`InputError` for empty input, input over ``MAX_INPUT_BYTES``
    and input that looks binary (NUL bytes or mostly control characters).
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
        try:  # Windows mail clients send cp1252, a superset of Latin-1's printables
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise InputError("input looks like a binary file or an unknown encoding")
    return text


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment, with line breaks for block tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._href: str | None = None
        self._anchor_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._anchor_start = len(self.parts)

    def handle_startendtag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

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
        elif tag in _BLOCK_TAGS and tag not in {"br", "li"}:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML part rather than plain text."""
    return bool(_HTML_HINT.search(text[:20000]))


def html_to_text(html_text: str) -> str:
    """Render an HTML mail part as plain text lines (``<br>``/blocks → newlines)."""
    # Source line breaks inside HTML are not line breaks; <br> and blocks are.
    extractor = _TextExtractor()
    extractor.feed(re.sub(r"\s*\n\s*", " ", html_text))
    extractor.close()
    return "".join(extractor.parts)


def normalise(text: str) -> str:
    """Return ``text`` with HTML rendered, LF line endings and plain spaces.

    Idempotent: ``normalise(normalise(t)) == normalise(t)`` for plain text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(text):
        text = html_to_text(text)
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\t", "    ")
    text = plain(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"
