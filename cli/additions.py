"""The service of `syncsvc add`: a commitment added by hand to an event.

The parser misses commitments written in forms it has not met (README.md, "How
well it reads real summaries and suggests links"), and a team agrees some after
the event. Either way a person adds the commitment in the words it was written
in: owners, refs and milestone are read from the text as an import reads an
action item (the event's nicks count for "nick to ..."), or the owners are
given outright.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from syncsvc.cli.context import AppContext
from syncsvc.domain import ActionItem, Day, StoredAction
from syncsvc.errors import InputError
from syncsvc.models import db, repo
from syncsvc.models.manual_store import AddingTo, NewEvent, add_by_hand
from syncsvc.parse.actions import ActionContext, build_action

#: The longest text taken: a commitment, not a document (`import` reads documents).
MAX_TEXT = 2000
#: An IRC nick as RFC 2812 allows it, up to 100 characters (the owners column's size).
_NICK = re.compile(r"[A-Za-z_\[\]\\^{}|`][A-Za-z0-9_\-\[\]\\^{}|`]{0,99}\Z")
#: The topic of a hand-added commitment when none is named.
DEFAULT_TOPIC = "Added by hand"


def checked_text(text: str) -> str:
    """``text`` on one line; InputError when it is empty or longer than :data:`MAX_TEXT`."""
    line = " ".join(text.split())
    if not line:
        raise InputError("the commitment's text is empty")
    if len(line) > MAX_TEXT:
        raise InputError(
            f"the commitment's text is {len(line)} characters long; at most {MAX_TEXT}",
            hint="`syncsvc import` reads whole summaries",
        )
    return line


def checked_owners(owners: Sequence[str]) -> tuple[str, ...]:
    """The ``--owner`` nicks in order, once each; InputError for one that is no nick."""
    for nick in owners:
        if not _NICK.match(nick):
            raise InputError(f"--owner {nick!r} is not an IRC nick")
    return tuple(dict.fromkeys(owners))


@dataclass(frozen=True, slots=True)
class EventOptions:
    """`add --create`'s description of the event to make when no event has the title:
    team and cycle (else the config's), and its day as written (else the cycle's PTG
    week)."""

    team: str | None = None
    cycle: str | None = None
    day: str | None = None


def add_commitment(
    app_ctx: AppContext,
    event: str,
    text: str,
    *,
    topic: str = DEFAULT_TOPIC,
    owners: Sequence[str] = (),
    create: EventOptions | None = None,
    dry_run: bool = False,
) -> StoredAction:
    """Add ``text`` as a commitment of ``event`` (an id or title) under ``topic``, in one
    transaction (rolled back for a dry run); the stored commitment as it reads.

    Owners are ``owners`` when given, else read from the text. With ``create`` a
    title no event has makes a PTG event (for a summary the parser refused).
    NotFoundError for an unknown event, InputError for bad text, owners, topic or day,
    or a commitment the event already holds in the same words.
    """
    line = checked_text(text)
    nicks = checked_owners(owners)
    title = " ".join(topic.split())
    if not title:
        raise InputError("--topic is empty")
    new = None if create is None else new_event(app_ctx, create)
    schedules = app_ctx.schedules()

    def read(target: AddingTo) -> ActionItem:
        ctx = ActionContext(
            schedules=schedules, cycle=target.cycle or None, team=target.team or None,
            known=set(target.known), aliases=app_ctx.config.aliases,
        )  # fmt: skip
        return build_action(line, 0, ctx, labelled=True, owners=nicks or None)[0]

    with Session(db.writer(app_ctx.engine()), expire_on_commit=False) as session:
        now = datetime.now(UTC)
        added = add_by_hand(session, event, read, topic=title, now=now, create=new)
        stored = repo.get_action(session, added)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        return stored


def new_event(app_ctx: AppContext, given: EventOptions) -> NewEvent:
    """The PTG event `add --create` would make: team and cycle from the options or the
    config, one day (``--day``, else the Monday of the cycle's PTG week, else none).
    InputError for a day that is no date, ConfigError for an unknown cycle."""
    from syncsvc.cli.imports import checked_cycle

    schedules = app_ctx.schedules()
    team = (given.team or app_ctx.config.team or "").strip().lower()
    cycle = checked_cycle(app_ctx, given.cycle, schedules, team or None) or ""
    if given.day is not None:
        try:
            day = date.fromisoformat(given.day.strip())
        except ValueError:
            raise InputError(f"--day {given.day!r} is not a date (YYYY-MM-DD)") from None
        return NewEvent(team, cycle, Day(day.isoformat(), day))
    week = schedules[cycle].milestone_week("ptg") if cycle in schedules else None
    return NewEvent(
        team, cycle, Day(f"{cycle.capitalize()} PTG week", week.start) if week else None
    )
