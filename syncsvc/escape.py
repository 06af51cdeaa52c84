"""Escape untrusted remote text (mail, Launchpad, Gerrit) for each output medium.

Two kinds of characters are dangerous on a terminal or in IRC: C0/C1 controls
(ESC starts CSI and OSC sequences that clear the screen, retitle the window or
plant hyperlinks; CR overwrites a line; 0x02/0x03/0x0f/0x16/0x1d/0x1f format
IRC) and Unicode format characters, category Cf (bidi overrides such as
U+202E and isolates U+2066-U+2069 reorder what a reader sees; zero-width marks
hide text). Each medium gets one treatment:

* terminal text (:func:`one_line`, :func:`markdown`): escape sequences and
  controls removed, Cf characters shown as ``\\u202e``;
* logs (:func:`for_log`): every control and Cf character shown as an escape
  (``\\x1b``, ``\\r``, ``\\u202e``), so a hostile reply body stays readable;
* JSON (:func:`json_text`): the text is kept; controls and Cf characters are
  written as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import html
import re

# C0/C1 controls and ANSI escape sequences: a summary or a bug title could move
# the cursor, recolour or retitle a terminal, or inject IRC formatting codes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Markdown syntax anywhere in a line: backslash, code, emphasis, link/image openers,
#: HTML and autolinks, table cells, strikethrough; entity references (``&copy;``).
_MARKDOWN_INLINE = re.compile(r"[\\`*\[<|~]|&(?=#?[0-9A-Za-z]+;)")
#: ``_`` opens or closes emphasis unless it sits inside a word (``share_server_id``).
_MARKDOWN_UNDERSCORES = re.compile(r"_+")
_WORD_CHAR = re.compile(r"[^\W_]")
#: Block syntax at the start of a line: heading, quote, list item or rule, ordered item.
_MARKDOWN_LINE_START = re.compile(r"^(?:#+(?=\s|$)|>|[-+](?=\s|$|-))|^(\d{1,9})([.)])(?=\s|$)")
#: A heading's closing ``#`` run: it would be dropped from a ``## title #`` line.
_MARKDOWN_CLOSING_HASHES = re.compile(r"(?<=\s)#+$")
#: Unicode category Cf (format characters) as of Unicode 15, plus the code points
#: later versions may still assign in the same blocks; tests check it against
#: ``unicodedata`` of the running Python.
_CF_CLASS = (
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_CF = re.compile(f"[{_CF_CLASS}]")
#: What a log line shows escaped: controls but newline and tab, and Cf.
_LOG_HOSTILE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_CF_CLASS}]")
#: What JSON writes as ``\\uXXXX`` (json.dumps already escapes C0 itself).
_JSON_HOSTILE = re.compile(f"[\x7f-\x9f{_CF_CLASS}]")
#: A visible escape (kept whole when clipping) or any single character.
_TOKEN = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})|.", re.DOTALL)


def visible(char: str) -> str:
    """``char`` as a Python-style escape: ``\\x1b``, ``\\r``, ``\\u202e``, ``\\U000e0001``."""
    code = ord(char)
    if char == "\r":
        return "\\r"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _visible(match: re.Match[str]) -> str:
    return visible(match.group())


def plain(text: str) -> str:
    """Text with escape sequences and control characters removed (newline kept).

    Format characters are kept: the parser stores text as written.
    """
    return _CONTROL.sub("", _ANSI.sub("", text))


def shown(text: str) -> str:
    """:func:`plain` text (line breaks kept) with Cf characters as ``\\uXXXX``."""
    return _CF.sub(_visible, plain(text))


def one_line(text: str) -> str:
    """:func:`plain` text folded onto one line, with Cf characters as ``\\uXXXX``."""
    if (text.isascii() and text.isprintable()) or _LOG_HOSTILE.search(text) is None:
        # no escape sequence (it starts with ESC, a control), control or Cf character:
        # the three passes below would change nothing
        return " ".join(text.split())
    return _CF.sub(_visible, " ".join(plain(text).split()))


def for_log(text: str) -> str:
    """``text`` with every control (but newline and tab) and Cf character as an escape."""
    return _LOG_HOSTILE.sub(_visible, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(dumped: str) -> str:
    """``json.dumps(..., ensure_ascii=False)`` output with DEL, C1 and Cf as ``\\uXXXX``.

    Outside strings JSON is ASCII, so every such character sits in a string and
    its escape decodes back to it: the data round-trips unchanged.
    """
    return _JSON_HOSTILE.sub(_json_escape, dumped)


def clip_bytes(text: str, limit: int, ellipsis: str = "...") -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, ending in ``ellipsis`` when cut.

    Never cuts inside a character or a visible escape (``\\u202e``), so clip
    after escaping.
    """
    if len(text.encode()) <= limit:
        return text
    budget = limit - len(ellipsis.encode())
    kept: list[str] = []
    for match in _TOKEN.finditer(text):
        size = len(match.group().encode())
        if size > budget:
            break
        budget -= size
        kept.append(match.group())
    return "".join(kept) + ellipsis


def _underscores(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    inside = (
        start > 0
        and _WORD_CHAR.match(text, start - 1) is not None
        and _WORD_CHAR.match(text, end) is not None
    )
    return match.group() if inside else "\\_" * (end - start)


def _line_start(match: re.Match[str]) -> str:
    if match.group(1) is not None:  # "12." or "3)": escape the delimiter
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group()


def markdown(text: str) -> str:
    """One-line text safe to put in Markdown (no links, emphasis, HTML or blocks).

    Only what a renderer would misread is escaped: ``#1`` and ``(vhari)`` mid-line
    stay as written, bare URLs stay whole. A heading, quote or list marker at the
    start, emphasis, code, link and image openers, HTML, table pipes, entity
    references and strikethrough are escaped; control characters are gone.
    """
    line = _MARKDOWN_INLINE.sub(lambda m: "\\" + m.group(), one_line(text))
    line = _MARKDOWN_UNDERSCORES.sub(_underscores, line)
    line = _MARKDOWN_CLOSING_HASHES.sub(lambda m: "\\" + m.group(), line)
    return _MARKDOWN_LINE_START.sub(_line_start, line, count=1)


def html_text(text: str) -> str:
    """Text safe inside HTML element content and quoted attributes."""
    return html.escape(one_line(text), quote=True)
