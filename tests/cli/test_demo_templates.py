"""The demo databases the CLI tests start from are copies (tests/demo_templates.py): a
copy must hold what a real `syncsvc demo` writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from helpers import upgrade_postgresql
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.schema import MetaData
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.models.db import open_engine

PORT = re.compile(r"127\.0\.0\.1:\d+")


def _tables(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in key order, with the run's clock and the fakes' ports masked."""
    recent = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)

    def masked(value: object) -> object:
        if isinstance(value, datetime) and value.replace(tzinfo=None) > recent:
            return "now"
        if isinstance(value, str):
            return PORT.sub("127.0.0.1:PORT", value)
        return value

    engine = open_engine(db_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            assert set(sa_inspect(connection).get_table_names()) == set(metadata.tables)
            return {
                name: [
                    tuple(masked(v) for v in row)
                    for row in connection.execute(
                        select(table).order_by(*(table.primary_key.columns or table.columns))
                    )
                ]
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def test_a_copy_holds_the_rows_of_a_real_demo(db_url, twin_db_url, quiet_clients, demo_templates):
    """Twice served from the template, then against a real demo: the same rows in every
    table, the first sync's clock and the fakes' port aside."""
    demo_templates.demo(db_url, (), check=lambda stdout: None)
    real = CliRunner().invoke(app, ["--db", upgrade_postgresql(twin_db_url), "demo"])
    assert real.exit_code == 0, real.stderr
    copied, made = _tables(db_url), _tables(twin_db_url)
    assert copied == made
    assert len(copied["actions"]) == 20
    assert len(copied["links"]) > 0
