"""`init` and `db`: write a team config, manage the database schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.cli.options import DetailFormat, DetailFormatOption
from syncsvc.errors import InputError

db_app = typer.Typer(
    no_args_is_help=True,
    help="Database schema management.",
    epilog="Example: syncsvc --db postgresql+psycopg://localhost/syncsvc db upgrade",
)


def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Option("--path", help="Where to write it.")] = Path("syncsvc.toml"),
) -> None:
    """Write a commented example team config (never overwrites a file)."""
    from syncsvc.cli.render.text import t
    from syncsvc.config import EXAMPLE_CONFIG

    if path.exists():
        raise InputError(f"{path} already exists; not overwriting it")
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    app_context(ctx).out.print(t(f"wrote {path}"))


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
    app.command(epilog="Example: syncsvc init --path ./syncsvc.toml")(init)
    app.add_typer(db_app, name="db")
