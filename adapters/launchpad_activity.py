"""Launchpad's bug activity log as domain records: one page of ``bugs/<id>/activity``.

The log is a plain lazr.restful collection (``bug_activity-page-resource``): pages of
``total_size``, ``start``, ``entries`` and ``next_collection_link``; each entry has
``datechanged``, ``person_link``, ``whatchanged``, ``oldvalue``, ``newvalue`` and
``message``. Pure functions over the page's JSON; the adapter does the requests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from syncsvc.adapters.launchpad_values import as_count, as_datetime, name_from_link, unexpected
from syncsvc.domain import ActivityEntry, BugActivityLog
from syncsvc.errors import RemoteError


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """The entries of one page, the collection's ``total_size`` (if given) and the
    link to the next page (``None`` on the last one)."""

    entries: tuple[ActivityEntry, ...]
    total: int | None
    next_link: str | None


def activity_page(bug_id: int, data: Mapping[str, Any]) -> ActivityPage:
    """Read one page of bug ``bug_id``'s activity; RemoteError for another shape."""
    raw = data.get("entries")
    if not isinstance(raw, list):
        raise unexpected(f"bug {bug_id} activity page without entries")
    total = data.get("total_size")
    following = data.get("next_collection_link")
    return ActivityPage(
        tuple(activity_entry(bug_id, item) for item in raw),
        as_count(total) if isinstance(total, int) else None,
        str(following) if following else None,
    )


def activity_log(bug_id: int, pages: Sequence[ActivityPage], what: str) -> BugActivityLog:
    """The log the ``pages`` hold; RemoteError when they hold fewer or more lines than
    the last page's ``total_size``."""
    found = tuple(entry for page in pages for entry in page.entries)
    total = pages[-1].total if pages else None
    if total is not None and len(found) != total:
        raise RemoteError(
            f"{what}: incomplete: {len(found)} of {total} lines",
            hint="the log grew while its pages were read; the next run reads it again",
        )
    return BugActivityLog(bug_id, found)


def activity_entry(bug_id: int, data: object) -> ActivityEntry:
    """One ``bug_activity`` entry; RemoteError when it has no date or no ``whatchanged``."""
    if not isinstance(data, Mapping):
        raise unexpected(f"bug {bug_id} activity entry is not an object")
    when = as_datetime(data.get("datechanged"))
    what = data.get("whatchanged")
    if when is None or not isinstance(what, str):
        raise unexpected(f"bug {bug_id} activity entry without datechanged or whatchanged")
    link = data.get("person_link")
    return ActivityEntry(
        bug_id=bug_id,
        changed_at=when,
        person=None if not link else name_from_link(str(link), "~"),
        what=what,
        old_value=_text(data.get("oldvalue")),
        new_value=_text(data.get("newvalue")),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
