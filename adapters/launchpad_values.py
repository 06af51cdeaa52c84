"""Launchpad's field values as Python values: links to ids and names, counts, dates.

Pure functions over what launchpadlib hands back (strings, datetimes or None), so
the adapter's conversions stay short and each rule is stated once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from syncsvc.errors import RemoteError


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
