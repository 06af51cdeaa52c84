"""Storage helpers for tests and benchmarks: the store functions with the core's rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from syncsvc.domain import Event, ImportReport, SourceKey
from syncsvc.models import importer
from syncsvc.parse.reimport import REIMPORT


def save_event(
    session: Session,
    event: Event,
    *,
    source_digest: str,
    now: datetime,
    source: SourceKey | None = None,
    into: int | str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """:func:`syncsvc.models.importer.save_event` with the re-import rules the CLI uses."""
    return importer.save_event(
        session,
        event,
        source_digest=source_digest,
        now=now,
        rules=REIMPORT,
        source=source,
        into=into,
        dry_run=dry_run,
    )
