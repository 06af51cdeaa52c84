"""The read behind `syncsvc status`: one snapshot, the SQL status reader, the report.

Kept apart from :mod:`syncsvc.cli.queries` and :mod:`syncsvc.cli.stores` so that
`status` loads neither the mapped tables nor the locks, nor ``sqlalchemy.orm``: only
:mod:`syncsvc.models.status_queries`, which reads through lightweight Core clauses on a
Core connection.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from syncsvc.cli.context import AppContext
from syncsvc.models import db
from syncsvc.models.status_queries import StatusInputs, last_sync_run, status_inputs
from syncsvc.report.service import StatusReader, status_report
from syncsvc.report.status import MeetingSlot, StatusReport


class SqlStatusReader:
    """:class:`~syncsvc.report.service.StatusReader` on one read-only connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def last_sync_run(self) -> datetime | None:
        return last_sync_run(self._connection)

    def status_inputs(
        self, *, since: datetime, until: datetime, owner: str | None, topic: str | None
    ) -> StatusInputs:
        return status_inputs(self._connection, since=since, until=until, owner=owner, topic=topic)

    @staticmethod
    def _implements_the_port(connection: Connection) -> StatusReader:
        return SqlStatusReader(connection)


def status(
    app_ctx: AppContext, since: str, *, owner: str | None, topic: str | None
) -> StatusReport:
    """What moved since ``since``, for the actions of ``owner`` and ``topic``."""
    meeting = app_ctx.config.meeting
    slot = (
        MeetingSlot.parse(meeting.weekday, meeting.time)
        if meeting.weekday and meeting.time
        else None
    )
    with db.read_connection(app_ctx.engine()) as connection:
        return status_report(
            SqlStatusReader(connection), since, now=datetime.now(UTC), meeting=slot, owner=owner,
            topic=topic,
        )  # fmt: skip
