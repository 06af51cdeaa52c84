"""`syncsvc demo`: the whole pipeline on bundled sample data, entirely on this machine."""

from __future__ import annotations

import shlex
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import make_url

from syncsvc.cli.context import app_context

if TYPE_CHECKING:
    from syncsvc.config import Config

DEMO_LAUNCHPAD_PROJECTS = ("manila", "python-manilaclient", "manila-ui")
DEMO_GERRIT_PROJECTS = (
    "openstack/manila",
    "openstack/manila-specs",
    "openstack/python-manilaclient",
    "openstack/manila-ui",
    "openstack/manila-tempest-plugin",
    "openstack/nova-specs",  # the Virtio-FS action promises a nova spec
)


def demo_config(base: Config, *, gerrit_url: str, launchpad_root: str) -> Config:
    """``base`` pointed at the local fake servers, which are the only allowed hosts."""
    import msgspec

    from syncsvc.config import GerritSettings, LaunchpadSettings, SyncSection

    return msgspec.structs.replace(
        base,
        launchpad=LaunchpadSettings(launchpad_root, DEMO_LAUNCHPAD_PROJECTS),
        gerrit=GerritSettings(gerrit_url, DEMO_GERRIT_PROJECTS),
        sync=SyncSection(allowed_hosts=(launchpad_root, gerrit_url)),
    )


def demo(
    ctx: typer.Context,
    squash: Annotated[
        bool,
        typer.Option(
            "--squash", help="Show a bug-squash plan on the squash sample data set instead."
        ),
    ] = False,
) -> None:
    """Import the example summary, sync it against local fake Launchpad and Gerrit
    servers loaded with sample data, and list the commitments with their work.
    With --squash: sync the squash sample's open bugs and print `squash plan`."""
    from syncsvc.cli import queries
    from syncsvc.cli.commands.squash import squash_demo
    from syncsvc.cli.commands.sync import print_outcome
    from syncsvc.cli.imports import parse_and_report, save_event
    from syncsvc.cli.render import tables
    from syncsvc.cli.render.text import t
    from syncsvc.cli.runs import sync_with
    from syncsvc.testing.demo_servers import sample_servers

    app_ctx = app_context(ctx)
    scratch = Path(tempfile.mkdtemp(prefix="syncsvc-demo-"))
    if app_ctx.db_url is None:
        app_ctx.db_url = f"sqlite:///{scratch / 'demo.sqlite'}"
        app_ctx.err.print(t(f"demo database: {scratch / 'demo.sqlite'}"))
    if squash:
        squash_demo(app_ctx, scratch)
        return
    data = resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes()
    save_event(app_ctx, parse_and_report(app_ctx, data, team=None, cycle=None), data)
    with sample_servers() as servers:
        cfg = demo_config(
            app_ctx.config,
            gerrit_url=servers.gerrit_url,
            launchpad_root=servers.launchpad_service_root,
        )
        outcome = sync_with(app_ctx, cfg, cache_dir=scratch / "cache")
    print_outcome(app_ctx, outcome)
    found = queries.actions(app_ctx)
    tables.actions(app_ctx.out, found.actions, view=found.view)
    linked = [a.id for a in found.actions if found.view.links.get(a.id)]
    example = (linked or [a.id for a in found.actions] or [1])[0]
    app_ctx.err.print(t("try next:"))
    for command in try_next(app_ctx.db_url, example):
        app_ctx.err.print(t(command))


def try_next(db_url: str, action_id: int) -> list[str]:
    """The three commands to run next against the demo database (password hidden)."""
    db = shlex.quote(make_url(db_url).render_as_string(hide_password=True))
    return [
        f"syncsvc --db {db} status",
        f"syncsvc --db {db} show {action_id}",
        f"syncsvc --db {db} drift",
    ]


def register(app: typer.Typer) -> None:
    """Add `demo` to ``app``."""
    app.command(epilog="Example: syncsvc demo  (or: syncsvc --db sqlite:///demo.sqlite demo)")(demo)
