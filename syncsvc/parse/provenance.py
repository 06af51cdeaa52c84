"""Which source an imported summary is: a mail's Message-ID, an archive URL or a name.

An event is found by its sources, so the identity must not depend on the text's
content: a light edit of a summary is the same source, a different summary with
the same title is not. Pure functions: no I/O.
"""

from __future__ import annotations

import re

from syncsvc.domain import SourceKey, SourceKind
from syncsvc.parse.normalise import decode, normalise
from syncsvc.parse.structure import LineKind, classify

#: Headers sit at the top; an archived HTML page shows them escaped, maybe inside tags.
_HEAD_CHARS = 64 * 1024
_MESSAGE_ID = re.compile(
    r"^[ \t]*(?:<[^<>\n]*>[ \t]*)*Message-ID:[ \t]*"
    r"(?:<|&lt;)[ \t]*([^\s<>&]{1,900})[ \t]*(?:>|&gt;)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MBOX_FROM = re.compile(r"^From \S")
_MAX_NAME = 500


def message_id(text: str) -> str | None:
    """The ``Message-ID:`` header of a saved mail (raw or as an HTML archive shows it), or ``None``.

    Only a header at the start of a line counts (a quoted ``> Message-ID:`` does
    not); the angle brackets are dropped.
    """
    found = _MESSAGE_ID.search(text[:_HEAD_CHARS])
    return found.group(1) if found else None


def subject(text: str) -> str | None:
    """The ``Subject:`` of the header block a saved mail starts with, or ``None``.

    The header block is the run of ``Field: value`` lines (and their folded
    continuations, and an mbox ``From `` line) before the first other line.
    """
    lines = text[:_HEAD_CHARS].lstrip("\ufeff\r\n").splitlines()
    found: str | None = None
    field = ""
    for index, line in enumerate(lines):
        if index == 0 and _MBOX_FROM.match(line):
            continue
        if line[:1] in {" ", "\t"} and field:  # a folded header line continues the last one
            found = f"{found} {line}" if field == "subject" else found
            continue
        if not _HEADER.match(line):
            break
        field, value = line.split(":", 1)
        field = field.lower()
        if field == "subject":
            found = value
    return " ".join(found.split())[:_MAX_NAME] or None if found else None


def title_line(text: str) -> str | None:
    """The document's title heading (a single top heading over the topics), or ``None``."""
    for line in classify(normalise(text)):
        if line.kind is LineKind.TITLE:
            return " ".join(line.text.split())[:_MAX_NAME] or None
        if line.kind in {LineKind.TOPIC, LineKind.DAY}:
            return None
    return None


def identify(location: str | None, data: bytes | str, *, name: str | None, title: str) -> SourceKey:
    """The identity of an imported source.

    ``location`` is what was imported (a path, ``-`` or an http(s) URL; ``None``
    for bundled data), ``name`` the ``--event NAME`` given, ``title`` the event
    title the parser found. In order: the mail's ``Message-ID``; the archive
    URL; else a name: ``name``, else the title line: the mail's ``Subject:``, the
    document's title heading, or ``title``.
    """
    text = decode(data) if isinstance(data, bytes) else data
    if found := message_id(text):
        return SourceKey(SourceKind.MESSAGE_ID, found)
    if location is not None and location.startswith(("http://", "https://")):
        return SourceKey(SourceKind.URL, location)
    chosen = " ".join((name or subject(text) or title_line(text) or title).split())[:_MAX_NAME]
    return SourceKey(SourceKind.NAME, chosen or title)
