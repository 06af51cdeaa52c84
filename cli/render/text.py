"""Remote text made inert, and the small phrases every format shares.

All remote text goes through :mod:`syncsvc.escape` and into ``rich.text.Text``
objects, so a summary cannot inject terminal escapes or rich markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from syncsvc import escape

if TYPE_CHECKING:  # types only: `status` prints without loading the mapped tables
    from syncsvc.domain import StoredAction
    from syncsvc.models.link_view import LinkView


def t(value: object) -> Text:
    """Untrusted text as an inert rich ``Text`` (no markup, no escapes)."""
    return Text(escape.one_line("" if value is None else str(value)))


def error_line(message: object, hint: str | None = None) -> Text:
    """ "error: <message> (hint: …)" with only the word "error" styled."""
    line = Text("error:", style="red") + Text(" ") + t(message)
    return line + Text(" ") + t(f"(hint: {hint})") if hint else line


def counted(n: int, word: str) -> str:
    """``1 topic``, ``2 topics``: a count with its noun (every noun here takes an s)."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def due_cell(action: StoredAction) -> Text:
    """ "2020-12-04" (due), "from 2021-03-12" (after a milestone) or the milestone as written."""
    if action.due:
        return Text(action.due.isoformat())
    if action.starts:
        return Text(f"from {action.starts.isoformat()}")
    return t(action.milestone or "")


#: ``RefKind.BUG`` and ``RefKind.CHANGE`` (a StrEnum member equals its value): the refs a
#: sync reads, kept as strings so that rendering imports no record class
_SYNCED_REFS = frozenset({"bug", "change"})


def work_line(action: StoredAction, view: LinkView) -> str:
    """The action's bugs and changes with their state: "change 745206 MERGED".

    Confirmed links first, then suggestions marked "?", then refs not linked yet.
    """
    states = view.artifact_states
    parts: list[str] = []
    seen: set[str] = set()
    links = sorted(view.links.get(action.id, []), key=lambda v: v.status != "confirmed")
    for link in links:
        key = f"{link.kind}:{link.id}"
        if link.status != "rejected" and key not in seen:
            seen.add(key)
            mark = "" if link.status == "confirmed" else "?"
            parts.append(f"{mark}{link.kind} {link.id} {states.get(key, '')}".rstrip())
    for ref in action.refs:
        key = f"{ref.kind}:{ref.id}"
        if ref.kind in _SYNCED_REFS and key not in seen:
            seen.add(key)
            parts.append(f"{ref.kind} {ref.id} {states.get(key, 'not synced')}")
    return "; ".join(parts)
