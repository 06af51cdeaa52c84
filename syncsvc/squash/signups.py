"""Read a sign-up sheet pasted back after the event (`squash signups NAME FILE|-`).

The sheet is what `squash plan --format markdown|etherpad` printed, with names
filled into the last ("claimed by") column: a row is ``| <bug> | … | <name> |``
where ``<bug>`` is ``[N](url)``, a Launchpad bug URL or a bare number. Rows with an
empty last cell, headers and other lines are skipped.
"""

from __future__ import annotations

import re

_BUG = re.compile(r"^\[?(\d{1,10})\]?(?:\(|$)|/\+bug/(\d{1,10})\b|/bugs/(\d{1,10})\b")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


def parse_signups(text: str) -> list[tuple[int, str]]:
    """(bug id, person) per filled-in row, in sheet order; a person is the first word
    of the last cell (``@`` and ``~`` dropped)."""
    found: list[tuple[int, str]] = []
    for line in text.splitlines():
        if "|" not in line:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        match = _BUG.search(cells[0])
        words = cells[-1].lstrip("@~").split()
        if match is None or not words:
            continue
        name = _NAME.match(words[0].lstrip("@~"))
        if name is None:
            continue
        bug_id = int(next(g for g in match.groups() if g))
        found.append((bug_id, name.group()))
    return found
