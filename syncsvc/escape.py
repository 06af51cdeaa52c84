"""Escape untrusted remote text (mail, Launchpad, Gerrit) for each output medium."""

from __future__ import annotations

import html
import re

# C0/C1 controls and ANSI escape sequences: a summary or a bug title could move
# the cursor, recolour or retitle a terminal, or inject IRC formatting codes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def plain(text: str) -> str:
    """Text with escape sequences and control characters removed (newline kept)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """:func:`plain` text folded onto one line."""
    return " ".join(plain(text).split())


def markdown(text: str) -> str:
    """One-line text safe to put in Markdown (no links, emphasis or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))


def html_text(text: str) -> str:
    """Text safe inside HTML element content and quoted attributes."""
    return html.escape(one_line(text), quote=True)
