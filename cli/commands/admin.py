"""`init` and `db`: write a team config, manage the database schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from syncsvc.cli.context import app_context, user_config_dir
from syncsvc.cli.options import DetailFormat, DetailFormatOption
from syncsvc.errors import InputError

db_app = typer.Typer(
    no_args_is_help=True,
    help="Database schema management.",
    epilog="Example: syncsvc --db postgresql+psycopg://localhost/syncsvc db upgrade",
)


def init(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Option(
            "--path",
            help="Where to write it (default: where syncsvc looks, syncsvc.toml in the "
            "user config directory, or --config/$SYNCSVC_CONFIG).",
        ),
    ] = None,
) -> None:
    """Write a commented example team config where syncsvc reads it (never overwrites)."""
    from syncsvc.cli.render.text import t
    from syncsvc.config import EXAMPLE_CONFIG, config_target

    app_ctx = app_context(ctx)
    target = path or config_target(app_ctx.config_file, user_config_dir())
    if target.exists():
        raise InputError(f"{target} already exists; not overwriting it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as file:
            file.write(EXAMPLE_CONFIG)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    app_ctx.out.print(t(f"wrote {target}"))


@db_app.command("upgrade", epilog="Example: syncsvc --db postgresql+psycopg://h/db db upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or upgrade the database schema to this version's head."""
    from syncsvc.models import db

    app_ctx = app_context(ctx)
    engine = app_ctx.engine(check_schema=False)
    db.upgrade(engine)
    app_ctx.out.print(f"database schema at {db.current_revision(engine)}")


@db_app.command("current", epilog="Example: syncsvc db current")
def db_current(ctx: typer.Context, fmt: DetailFormatOption = DetailFormat.TABLE) -> None:
    """Print the schema revision of the database and the one this version needs."""
    from syncsvc.cli.render import as_json
    from syncsvc.models import db

    app_ctx = app_context(ctx)
    engine = app_ctx.engine(check_schema=False)
    current = db.current_revision(engine)
    if fmt is DetailFormat.JSON:
        as_json.revisions(app_ctx.out, current, db.head_revision())
        return
    app_ctx.out.print(f"database: {current or 'empty'}, syncsvc needs: {db.head_revision()}")


def register(app: typer.Typer) -> None:
    """Add `init` and the `db` group to ``app``."""
    app.command(epilog="Example: syncsvc init; syncsvc init --path ./team.toml")(init)
    app.add_typer(db_app, name="db")
