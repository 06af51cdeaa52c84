"""Launchpad's field values as Python values: links to ids and names, counts, dates;
and the domain error for a failed request or an answer of the wrong shape.

Pure functions over what launchpadlib hands back (strings, datetimes or None), so
the adapter's conversions stay short and each rule is stated once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar
from urllib.parse import unquote, urlsplit

from syncsvc.domain import Bug, BugTask
from syncsvc.errors import RemoteAuthError, RemoteError, RemoteNotFoundError, RemoteUnavailableError

T = TypeVar("T")


def unexpected(detail: str) -> RemoteError:
    """The error for a Launchpad answer that does not have the shape we read."""
    return RemoteError(f"unexpected Launchpad response: {detail}")


def bug_id_from_link(link: str) -> int:
    """``.../bugs/1855391`` → 1855391."""
    tail = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    if not tail.isdigit():
        raise unexpected(f"bug link {link!r}")
    return int(tail)


def name_from_link(link: str, marker: str) -> str | None:
    """``.../~haixin`` → ``haixin``; ``.../manila/+milestone/wallaby-1`` → ``wallaby-1``."""
    path = unquote(urlsplit(link).path)
    head, found, name = path.rpartition(marker)
    if not found or not name or "/" in name or (marker == "~" and not head.endswith("/")):
        return None
    return name


def as_count(value: object) -> int | None:
    """A count field as an int, or ``None`` when Launchpad gives none."""
    return None if value is None else int(str(value))


def as_datetime(value: object) -> datetime | None:
    """An aware UTC datetime from launchpadlib's value (datetime or ISO string; naive = UTC)."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)


def raise_for_status(status: int, what: str, exc: Exception) -> NoReturn:
    """Raise the domain error for a final HTTP ``status`` of a Launchpad request."""
    if status == 404:
        raise RemoteNotFoundError(f"{what}: not found (HTTP 404)") from exc
    if status in (401, 403):
        raise RemoteAuthError(
            f"{what}: refused (HTTP {status})",
            hint="check the Launchpad credentials file, or read public data anonymously",
        ) from exc
    if status in (502, 503):
        raise RemoteUnavailableError(
            f"{what}: HTTP {status} after launchpadlib's retries",
            hint="Launchpad is down or overloaded; try again later",
        ) from exc
    raise RemoteError(f"{what}: HTTP {status}") from exc


def convert(func: Callable[[], T], what: str) -> T:
    """Build a record from an entry; a missing or mistyped field is a RemoteError."""
    try:
        return func()
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected(f"{what}: {exc}") from exc


def representation(entry: Any) -> Mapping[str, Any]:
    """The JSON object launchpadlib built ``entry`` from (a collection page's entry)."""
    data = getattr(getattr(entry, "_wadl_resource", None), "representation", None)
    if not isinstance(data, Mapping):
        raise unexpected("a collection entry without its JSON representation")
    return data


def slice_of(collection: Any, start: int, page_size: int) -> list[Any]:
    """Entries ``start`` to ``start + page_size`` of a launchpadlib collection (1 page)."""
    return list(collection[start : start + page_size])


def bug_from_json(data: Mapping[str, Any], tasks: tuple[BugTask, ...] = ()) -> Bug:
    """A visible bug from its entry's JSON (``bugs/<id>``), with ``tasks``."""
    duplicate_of = data.get("duplicate_of_link")
    return Bug(
        bug_id=int(data["id"]),
        title=str(data["title"]),
        tags=tuple(str(t) for t in data.get("tags") or ()),
        tasks=tasks,
        date_last_updated=as_datetime(data.get("date_last_updated")),
        visible=True,
        url=str(data.get("web_link") or ""),
        date_last_message=as_datetime(data.get("date_last_message")),
        message_count=as_count(data.get("message_count")),
        private=bool(data.get("private")),
        information_type=str(data["information_type"]) if data.get("information_type") else None,
        date_created=as_datetime(data.get("date_created")),
        duplicate_of=None if duplicate_of is None else bug_id_from_link(str(duplicate_of)),
        # Set exactly when searchTasks(has_patch=True) would find the bug: read here,
        # from the entry already fetched, it costs no request.
        latest_patch_uploaded=as_datetime(data.get("latest_patch_uploaded")),
    )


def task_from_json(
    data: Mapping[str, Any], name: Callable[[str | None, str], str | None]
) -> BugTask:
    """The task in a task entry's JSON, as a collection page already holds it: reading
    each field through launchpadlib costs a lookup in the WADL per field. ``name``
    turns a person or milestone link into its name (``"~"``, ``"+milestone/"``)."""
    return BugTask(
        bug_id=bug_id_from_link(str(data["bug_link"])),
        target=str(data["bug_target_name"]),
        status=str(data["status"]),
        importance=str(data["importance"]),
        assignee=name(data.get("assignee_link"), "~"),
        milestone=name(data.get("milestone_link"), "+milestone/"),
        date_created=as_datetime(data.get("date_created")),
        date_closed=as_datetime(data.get("date_closed")),
        date_fix_committed=as_datetime(data.get("date_fix_committed")),
        date_fix_released=as_datetime(data.get("date_fix_released")),
        date_in_progress=as_datetime(data.get("date_in_progress")),
        is_complete=bool(data.get("is_complete")),
        url=str(data.get("web_link") or ""),
        date_triaged=as_datetime(data.get("date_triaged")),
        date_incomplete=as_datetime(data.get("date_incomplete")),
    )
