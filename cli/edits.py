"""Write services of the commands: a person's decision, stored in one transaction,
then a relink that takes it into account."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from syncsvc.cli.context import AppContext
from syncsvc.cli.options import RELINK_WAIT
from syncsvc.cli.render import lines
from syncsvc.cli.runs import relink_with
from syncsvc.cli.wiring import build_launchpad
from syncsvc.domain import ActionState, Identity, Link, LinkStatus, StoredAction
from syncsvc.errors import ConfigError, InputError, LockedError, RemoteError
from syncsvc.models import db, repo
from syncsvc.models.identities import set_identity
from syncsvc.models.link_store import set_link_status
from syncsvc.reconcile.drift import DriftItem


def relink_after_change(
    app_ctx: AppContext, *, wait: float = RELINK_WAIT, same_settings: bool = False
) -> None:
    """Relink after a stored change and print the summary line (none with ``-q``).

    When another relink keeps the lock for ``wait`` seconds the change stays saved;
    a note on stderr says the next relink (a sync or `link refresh`) takes it up.
    With ``same_settings`` (a link decision) a database last relinked with another
    config's projects or thresholds is not recomputed with this one's, which would
    drop the suggestions those projects gave: a note says the next relink takes the
    change up.
    """
    try:
        report = relink_with(app_ctx, app_ctx.config, wait=wait, same_settings=same_settings)
    except LockedError:
        app_ctx.err.print(
            "links not refreshed: another relink is running; the next sync or "
            "`syncsvc link refresh` takes this change into account"
        )
        return
    if report.deferred:
        app_ctx.err.print(
            "links not refreshed: the last relink used other projects or thresholds than "
            "this config's; the next sync or `syncsvc link refresh` takes this change into "
            "account"
        )
        return
    if app_ctx.verbosity >= 0:
        lines.relink(app_ctx.out, report)


def decide(app_ctx: AppContext, action_id: int, artifact: str, status: LinkStatus) -> Link:
    """Store a person's link decision on ``artifact`` (``bug:N``, ``change:N`` or
    ``blueprint:project/name``)."""
    kind, sep, ident = artifact.partition(":")
    if not sep or kind not in {"bug", "change", "blueprint"} or not ident:
        raise InputError(f"{artifact!r}: expected bug:N, change:N or blueprint:project/name")
    with db.session_scope(app_ctx.engine()) as session:
        return set_link_status(session, action_id, kind, ident, status, now=datetime.now(UTC))


def mark(
    app_ctx: AppContext, action_ids: Sequence[int], state: ActionState, *, force: bool
) -> list[StoredAction]:
    """Mark commitments done, dropped, open or ongoing, all or none (one transaction);
    a withdrawn one only with ``force``. Each id counts once, in the order given."""
    now = datetime.now(UTC)
    with db.session_scope(app_ctx.engine()) as session:
        return [
            repo.set_state(session, action_id, state, now=now, force=force)
            for action_id in dict.fromkeys(action_ids)
        ]


def set_person(
    app_ctx: AppContext, nick: str, *, gerrit: str | None, launchpad: str | None
) -> Identity:
    """Confirm a nick's Gerrit account and/or Launchpad name."""
    if gerrit is None and launchpad is None:
        raise InputError("give --gerrit and/or --launchpad")
    with db.session_scope(app_ctx.engine()) as session:
        return set_identity(session, nick, gerrit=gerrit, launchpad=launchpad)


def require_launchpad_credentials(app_ctx: AppContext) -> None:
    """ConfigError unless the config names a Launchpad credentials file (for writes)."""
    if app_ctx.config.launchpad.credentials_file is None:
        raise ConfigError(
            "drift --apply writes to Launchpad and needs [launchpad] credentials_file in the config"
        )


def fix_drift(app_ctx: AppContext, items: Sequence[DriftItem], say: Callable[[str], None]) -> int:
    """Set the Launchpad status of each mechanical drift item, saying one line per write;
    return how many statuses changed. A RemoteError propagates after a line saying how
    many were written before it."""
    require_launchpad_credentials(app_ctx)
    cfg = app_ctx.config
    writes = [(i, i.set_status) for i in items if i.set_status is not None]
    written = 0
    if not writes:
        return written
    with build_launchpad(cfg, Path(platformdirs.user_cache_dir("syncsvc"))) as launchpad:
        for item, status in writes:
            try:
                changed = launchpad.set_task_status(item.bug_id, item.target, status)
            except RemoteError:
                say(
                    f"{written} written to Launchpad before the failure at"
                    f" bug {item.bug_id} ({item.target})"
                )
                raise
            written += changed
            line = f"{item.status} → {status}" if changed else f"already {status} on Launchpad"
            say(f"set bug {item.bug_id} ({item.target}): {line}")
    return written
