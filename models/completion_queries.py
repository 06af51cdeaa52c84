"""What shell completion asks the database: one Core query, no ORM, no schema check."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String, cast, column, create_engine, make_url, select, table
from sqlalchemy import exc as sa_exc

#: Only the columns completion reads (no mapped classes are loaded).
_ACTIONS = table("actions", column("id"), column("text"), column("removed_at"))
COMPLETION_LIMIT = 50


def action_choices(
    url: str, prefix: str, *, limit: int = COMPLETION_LIMIT
) -> list[tuple[int, str]]:
    """Current actions whose id starts with ``prefix``, with their text, by id.

    Returns ``[]`` rather than raising for a database that is missing, unreachable
    or not yet created (a SQLite file is never created here).
    """
    if not prefix.isdigit() and prefix:
        return []
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return []
    query = (
        select(_ACTIONS.c.id, _ACTIONS.c.text)
        .where(_ACTIONS.c.removed_at.is_(None), cast(_ACTIONS.c.id, String).like(f"{prefix}%"))
        .order_by(_ACTIONS.c.id)
        .limit(limit)
    )
    engine = create_engine(parsed)
    try:
        with engine.connect() as connection:
            return [(int(row[0]), str(row[1])) for row in connection.execute(query)]
    except sa_exc.SQLAlchemyError:
        return []
    finally:
        engine.dispose()
