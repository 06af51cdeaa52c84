"""The retrospective service: pick the cycle, resolve ``--until``, read, compute.

The core reaches storage only through :class:`RetroReader`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Protocol

from syncsvc.config import GERRIT_CI_ACCOUNTS
from syncsvc.domain.retro import RetroEvent, RetroFacts
from syncsvc.errors import ConfigError
from syncsvc.report.retro import build_retro, default_until, end_of
from syncsvc.report.views import JSONValue
from syncsvc.schedule.releases import Schedules
from syncsvc.schedule.series import SERIES, resolve


class RetroReader(Protocol):
    """What `retro` reads, in one consistent snapshot."""

    def find_ptg(self, *, event: str | None, team: str | None, cycle: str | None) -> RetroEvent:
        """The PTG event by id or title, else the latest of ``team`` and ``cycle``."""
        ...

    def find_previous_ptg(self, ptg: RetroEvent, cycle: str) -> RetroEvent | None:
        """The PTG event of ``ptg``'s team in ``cycle``, if stored."""
        ...

    def facts(self, ptg: RetroEvent) -> RetroFacts:
        """The stored facts of ``ptg``'s cycle (see :class:`RetroFacts`)."""
        ...


def parse_until(spec: str | None, *, now: datetime) -> datetime | None:
    """``None``/``""`` (the default), ``now``, a date (its last second, UTC) or an ISO
    time; ConfigError (a usage error) for anything else."""
    if spec is None or not spec.strip():
        return None
    text = spec.strip().lower()
    if text == "now":
        return now
    try:
        return end_of(date.fromisoformat(text))
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--until {spec!r}: use now, a date (2021-04-14) or an ISO time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def previous_series(cycle: str | None) -> str | None:
    """The series before ``cycle`` (``victoria`` for ``wallaby``), or ``None``."""
    names = [s.name for s in SERIES]
    if not cycle or cycle.lower() not in names:
        return None
    at = names.index(cycle.lower())
    return names[at - 1] if at else None


def retro_report(
    reader: RetroReader,
    *,
    schedules: Schedules,
    now: datetime,
    event: str | None = None,
    team: str | None = None,
    cycle: str | None = None,
    until: str | None = None,
    ci_accounts: Collection[str] = GERRIT_CI_ACCOUNTS,
) -> dict[str, JSONValue]:
    """The retrospective of a team's cycle as of ``until`` (default: ``now``, or the
    cycle's release once passed), with the previous cycle's completion when stored;
    ``ci_accounts`` are the Gerrit accounts whose messages are no review.

    ``cycle`` is a series name or number (ConfigError, with the nearest name, for
    anything else); ``event`` (an id or title) wins over ``team`` and ``cycle``.
    """
    ptg = reader.find_ptg(event=event, team=team, cycle=resolve(cycle) if cycle else None)
    schedule = schedules.get(ptg.cycle) if ptg.cycle else None
    cut = parse_until(until, now=now) or default_until(schedule, now=now)
    previous: dict[str, JSONValue] | None = None
    earlier = previous_series(ptg.cycle)
    before = reader.find_previous_ptg(ptg, earlier) if earlier else None
    if earlier and before is not None:
        old_schedule = schedules.get(earlier)
        old = build_retro(
            reader.facts(before), until=min(cut, default_until(old_schedule, now=now)),
            schedule=old_schedule,
        )  # fmt: skip
        completion = old["completion"]
        assert isinstance(completion, dict)
        previous = {"cycle": earlier, "event": before.title, **completion}
        previous.pop("previous", None)
    return build_retro(
        reader.facts(ptg), until=cut, schedule=schedule, previous=previous, ci_accounts=ci_accounts
    )
