"""`link add/confirm/reject/refresh` and `mark`: a person's decisions, then a relink."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli import completion
from syncsvc.cli.context import app_context
from syncsvc.cli.options import (
    RELINK_WAIT,
    DetailFormat,
    DetailFormatOption,
    MarkState,
    WaitOption,
)

link_app = typer.Typer(
    no_args_is_help=True,
    help="Add, confirm or reject links between commitments and bugs/changes.",
    epilog="Example: syncsvc link add 9 change:729292",
)
ArtifactArg = Annotated[str, typer.Argument(help="bug:N, change:N or blueprint:project/name.")]
ActionArg = Annotated[
    int,
    typer.Argument(
        metavar="ID", help="Action id (see `actions`).", autocompletion=completion.action_ids
    ),
]


def _decide(ctx: typer.Context, action_id: int, artifact: str, status: str, wait: float) -> None:
    from syncsvc.cli import edits
    from syncsvc.cli.render.text import t
    from syncsvc.domain import LinkStatus

    app_ctx = app_context(ctx)
    link = edits.decide(app_ctx, action_id, artifact, LinkStatus(status))
    app_ctx.out.print(t(f"#{action_id} {link.kind}:{link.id} {link.status} (manual)"))
    edits.relink_after_change(app_ctx, wait=wait, same_settings=True)


@link_app.command("add", epilog="Example: syncsvc link add 6 change:758868")
def link_add(
    ctx: typer.Context, action_id: ActionArg, artifact: ArtifactArg, wait: WaitOption = RELINK_WAIT
) -> None:
    """Link a commitment to a bug or change by hand (confirmed; never undone by sync)."""
    _decide(ctx, action_id, artifact, "confirmed", wait)


@link_app.command("confirm", epilog="Example: syncsvc link confirm 13 change:760123")
def link_confirm(
    ctx: typer.Context, action_id: ActionArg, artifact: ArtifactArg, wait: WaitOption = RELINK_WAIT
) -> None:
    """Confirm a suggested link."""
    _decide(ctx, action_id, artifact, "confirmed", wait)


@link_app.command("reject", epilog="Example: syncsvc link reject 13 change:760123")
def link_reject(
    ctx: typer.Context, action_id: ActionArg, artifact: ArtifactArg, wait: WaitOption = RELINK_WAIT
) -> None:
    """Reject a link; later syncs will not suggest it again."""
    _decide(ctx, action_id, artifact, "rejected", wait)


@link_app.command("review", epilog="Example: syncsvc link review --limit 20")
def link_review(
    ctx: typer.Context,
    fmt: DetailFormatOption = DetailFormat.TABLE,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many links.")
    ] = None,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Walk the suggested links, most confident first, and confirm (y), reject (n) or
    skip (s) each with one key; q stops.

    Each card shows the commitment, the change or bug, its page and the evidence
    that suggested it. Decisions are stored as they are made and never undone by
    a sync; one relink follows. Without a terminal the keys are read from standard
    input. --format json lists the queue and decides nothing.
    """
    import sys

    from syncsvc.cli import edits, review
    from syncsvc.cli.render import as_json

    app_ctx = app_context(ctx)
    items = review.queue(app_ctx, limit)
    if fmt is DetailFormat.JSON:
        as_json.review_queue(app_ctx.out, items)
        return
    if not items:
        app_ctx.out.print("No suggested links wait for review.")
        return
    tally = review.walk(app_ctx, items, lambda: review.read_key(sys.stdin))
    app_ctx.out.print(tally.line())
    if tally.decided:
        edits.relink_after_change(app_ctx, wait=wait, same_settings=True)


@link_app.command("learned", epilog="Example: syncsvc link learned --format json")
def link_learned(ctx: typer.Context, fmt: DetailFormatOption = DetailFormat.TABLE) -> None:
    """List the words that weigh less in suggestions because people rejected suggestions
    that matched them.

    A word matched by rejected suggestions of 2 or more commitments weighs (confirmed +
    1) / (rejected + 1) of its weight, never less than a quarter; each suggestion's
    evidence names such words. Decisions are read from the database: the next relink
    uses the same list.
    """
    from syncsvc.cli import review
    from syncsvc.cli.render import as_json, tables

    app_ctx = app_context(ctx)
    found = review.learned(app_ctx)
    if fmt is DetailFormat.JSON:
        as_json.learned_words(app_ctx.out, found)
    elif not found:
        app_ctx.out.print(
            "Nothing learned yet: a word weighs less once rejected suggestions of 2"
            " commitments matched it."
        )
    else:
        tables.learned_words(app_ctx.out, found)


@link_app.command("refresh", epilog="Example: syncsvc link refresh --full")
def link_refresh(
    ctx: typer.Context,
    wait: WaitOption = RELINK_WAIT,
    full: Annotated[
        bool, typer.Option("--full", help="Recompute every commitment, not only what changed.")
    ] = False,
) -> None:
    """Recompute links and states from stored data (sync does this after fetching).

    Covers what changed since the last relink (and what the clock changed);
    --full recomputes everything. Exit 6 when another relink keeps running for
    --wait seconds.
    """
    from syncsvc.cli.render import lines
    from syncsvc.cli.runs import relink_with

    app_ctx = app_context(ctx)
    report = relink_with(app_ctx, app_ctx.config, wait=wait, full=full)
    if app_ctx.verbosity >= 0:
        lines.relink(app_ctx.out, report)


def mark(
    ctx: typer.Context,
    action_ids: Annotated[
        list[int],
        typer.Argument(
            metavar="ID...",
            help="Action ids (see `actions`).",
            autocompletion=completion.action_ids,
        ),
    ],
    state: Annotated[MarkState, typer.Argument(help="done, dropped, open or ongoing.")],
    force: Annotated[
        bool, typer.Option("--force", help="Mark it even if it was withdrawn from its summary.")
    ] = False,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Mark commitments done or dropped by hand, ongoing (a standing commitment that
    `retro` leaves out of completion), or open again.

    Several ids are marked together or not at all. A withdrawn commitment (gone
    from the summary it came from) is refused (exit 2) unless --force.
    """
    from syncsvc.cli import edits
    from syncsvc.cli.render.text import t
    from syncsvc.domain import ActionState

    app_ctx = app_context(ctx)
    for action in edits.mark(app_ctx, action_ids, ActionState(state), force=force):
        app_ctx.out.print(t(f"#{action.id} marked {action.state}"))
    edits.relink_after_change(app_ctx, wait=wait)


def register(app: typer.Typer) -> None:
    """Add the `link` group and `mark` to ``app``."""
    app.add_typer(link_app, name="link")
    app.command(epilog="Example: syncsvc mark 11 12 done; syncsvc mark 4 ongoing")(mark)
