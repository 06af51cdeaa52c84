"""Launchpad's bug activity log as domain records: one page of ``bugs/<id>/activity``.

The log is a plain lazr.restful collection (``bug_activity-page-resource``): pages of
``total_size``, ``start``, ``entries`` and ``next_collection_link``; each entry has
``datechanged``, ``person_link``, ``whatchanged``, ``oldvalue``, ``newvalue`` and
``message``. Pure functions over the page's JSON; the adapter does the requests.

The log has no line for a comment, so the comments of a bug whose last message falls in
a squash window are read too (``bugs/<id>/messages``, pages of ``message`` entries with
``owner_link`` and ``date_created``; entry 0 is the description) and become
:data:`~syncsvc.domain.COMMENTED` lines after the log's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from syncsvc.adapters.launchpad_values import (
    as_count,
    as_datetime,
    convert,
    name_from_link,
    unexpected,
)
from syncsvc.domain import COMMENTED, ActivityEntry, BugActivityLog
from syncsvc.errors import RemoteError

#: Loads a collection page by its URL (the link, and what it is for errors): its JSON, or
#: ``None`` when the bug is missing or private to us (the adapter's retried request).
Load = Callable[[str, str], Mapping[str, Any] | None]


def read_activity(load: Load, api_root: str, bug_id: int, *, comments: bool) -> BugActivityLog:
    """Bug ``bug_id``'s activity log, and its comment lines when ``comments``; with
    ``visible=False`` when either collection is missing or private to us."""
    log = _read_pages(load, api_root, bug_id, "activity", activity_page)
    said = _read_pages(load, api_root, bug_id, "messages", comment_page) if comments else []
    if log is None or said is None:
        return BugActivityLog(bug_id, visible=False)
    return activity_log(bug_id, log, f"Launchpad bug {bug_id} activity", said)


def _read_pages(
    load: Load,
    api_root: str,
    bug_id: int,
    kind: str,
    read: Callable[[int, Mapping[str, Any]], ActivityPage],
) -> list[ActivityPage] | None:
    what = f"Launchpad bug {bug_id} {kind}"
    link: str | None = f"{api_root}bugs/{bug_id}/{kind}"
    pages: list[ActivityPage] = []
    while link is not None:
        data = load(link, what)
        if data is None:
            return None
        pages.append(convert(partial(read, bug_id, data), what))
        link = pages[-1].next_link
    return pages


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """The entries of one page, the collection's ``total_size`` (if given) and the
    link to the next page (``None`` on the last one)."""

    entries: tuple[ActivityEntry, ...]
    total: int | None
    next_link: str | None


def activity_page(bug_id: int, data: Mapping[str, Any]) -> ActivityPage:
    """Read one page of bug ``bug_id``'s activity; RemoteError for another shape."""
    return _page(bug_id, data, activity_entry, "activity page")


def comment_page(bug_id: int, data: Mapping[str, Any]) -> ActivityPage:
    """Read one page of bug ``bug_id``'s messages as :data:`COMMENTED` lines (the
    commenter, the comment's date); RemoteError for another shape."""
    return _page(bug_id, data, comment_line, "messages page")


def _page(
    bug_id: int,
    data: Mapping[str, Any],
    read: Callable[[int, object], ActivityEntry],
    what: str,
) -> ActivityPage:
    raw = data.get("entries")
    if not isinstance(raw, list):
        raise unexpected(f"bug {bug_id} {what} without entries")
    total = data.get("total_size")
    following = data.get("next_collection_link")
    return ActivityPage(
        tuple(read(bug_id, item) for item in raw),
        as_count(total) if isinstance(total, int) else None,
        str(following) if following else None,
    )


def activity_log(
    bug_id: int,
    pages: Sequence[ActivityPage],
    what: str,
    comments: Sequence[ActivityPage] = (),
) -> BugActivityLog:
    """The log the ``pages`` hold, then the ``comments`` pages' lines; RemoteError when
    either holds fewer or more lines than its last page's ``total_size``."""
    found = _whole(pages, what, "lines")
    said = _whole(comments, what.replace("activity", "comments"), "comments")
    return BugActivityLog(bug_id, found + said[1:])  # comment 0 is the description


def _whole(pages: Sequence[ActivityPage], what: str, unit: str) -> tuple[ActivityEntry, ...]:
    found = tuple(entry for page in pages for entry in page.entries)
    total = pages[-1].total if pages else None
    if total is not None and len(found) != total:
        raise RemoteError(
            f"{what}: incomplete: {len(found)} of {total} {unit}",
            hint="it grew while its pages were read; the next run reads it again",
        )
    return found


def comment_line(bug_id: int, data: object) -> ActivityEntry:
    """One ``message`` entry as a comment line; RemoteError when it has no date."""
    if not isinstance(data, Mapping):
        raise unexpected(f"bug {bug_id} message is not an object")
    when = as_datetime(data.get("date_created"))
    if when is None:
        raise unexpected(f"bug {bug_id} message without date_created")
    link = data.get("owner_link")
    person = None if not link else name_from_link(str(link), "~")
    return ActivityEntry(bug_id=bug_id, changed_at=when, person=person, what=COMMENTED)


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
