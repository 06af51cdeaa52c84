"""`syncsvc link review`: walk the suggested links, most confident first, and decide
each with one key. Every decision is stored as it is made; one relink follows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

import typer
from rich.text import Text

from syncsvc.cli import edits
from syncsvc.cli.context import AppContext
from syncsvc.cli.render.text import t
from syncsvc.domain import LinkStatus, QueuedLink
from syncsvc.models import db
from syncsvc.models.link_store import link_decisions
from syncsvc.models.review_queue import review_queue

if TYPE_CHECKING:
    from syncsvc.reconcile.learning import LearnedWord

#: One key per decision; ``s`` leaves the link suggested, ``q`` (or the end of input) stops.
DECISIONS = {"y": LinkStatus.CONFIRMED, "n": LinkStatus.REJECTED}
PROMPT = "confirm y · reject n · skip s · quit q"


@dataclass
class Tally:
    """What a review did: links confirmed, rejected and skipped, and those not reached."""

    confirmed: int = 0
    rejected: int = 0
    skipped: int = 0
    left: int = 0

    @property
    def decided(self) -> int:
        """How many links a person decided."""
        return self.confirmed + self.rejected

    def line(self) -> str:
        """``confirmed 1, rejected 2, skipped 0, 3 left``."""
        return (
            f"confirmed {self.confirmed}, rejected {self.rejected}, skipped {self.skipped}, "
            f"{self.left} left"
        )


def queue(app_ctx: AppContext, limit: int | None) -> list[QueuedLink]:
    """The suggested links waiting for a person (see :func:`review_queue`)."""
    with db.read_scope(app_ctx.engine()) as session:
        return review_queue(session, limit=limit)


def learned(app_ctx: AppContext) -> tuple[LearnedWord, ...]:
    """The words people's rejections taught to weigh less (see
    :mod:`syncsvc.reconcile.learning`), as the next relink uses them."""
    from syncsvc.reconcile.learning import learn_words  # the stemmer: this command's alone

    with db.read_scope(app_ctx.engine()) as session:
        return learn_words(link_decisions(session))


def read_key(stream: TextIO) -> str | None:
    """The next key, lower-cased: on a terminal one key press (no Enter), else the next
    character of the input that is not blank. ``None`` at the end of the input or on
    Ctrl-C / Ctrl-D."""
    if stream.isatty():
        try:
            key: str = typer.getchar()
            return key.lower()
        except (KeyboardInterrupt, EOFError):
            return None
    while ch := stream.read(1):
        if not ch.isspace():
            return ch.lower()
    return None


def card(item: QueuedLink, position: int, total: int) -> list[Text]:
    """The lines a person reads before deciding: the commitment, the artifact, its page
    and the evidence (remote text made inert)."""
    artifact = " ".join(
        part for part in (f"{item.kind} {item.id}", item.state, item.project) if part
    )
    indent = Text("  ")
    lines = [
        t(f"[{position}/{total}] #{item.action_id} ({item.topic}) {item.action_text}"),
        indent + t(f"{artifact}: {item.title or '(not stored)'}"),
    ]
    if item.url:
        lines.append(indent + t(item.url))
    lines.append(indent + t(f"confidence {item.confidence:.2f}: {item.evidence}"))
    return lines


def walk(app_ctx: AppContext, items: Sequence[QueuedLink], read: Callable[[], str | None]) -> Tally:
    """Show each link and store the decision its key gives, until the queue ends or the
    person quits; an unknown key asks again."""
    tally = Tally()
    for position, item in enumerate(items, start=1):
        for line in card(item, position, len(items)):
            app_ctx.out.print(line)
        while True:
            app_ctx.out.print(PROMPT)
            key = read()
            if key is None or key == "q" or key in DECISIONS or key == "s":
                break
        if key is None or key == "q":
            tally.left = len(items) - position + 1
            break
        if key == "s":
            tally.skipped += 1
            app_ctx.out.print("  → skipped")
            continue
        status = DECISIONS[key]
        edits.decide(app_ctx, item.action_id, f"{item.kind}:{item.id}", status)
        if status is LinkStatus.CONFIRMED:
            tally.confirmed += 1
        else:
            tally.rejected += 1
        app_ctx.out.print(f"  → {status}")
    return tally
