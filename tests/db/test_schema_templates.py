"""The test suite's head-schema shortcut gives the schema a real migration gives."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from helpers import POSTGRES_URL_ENV, private_schema
from schema_templates import HeadSchemaTemplates
from sqlalchemy import Engine, inspect

from syncsvc.models.db import current_revision, head_revision, open_engine, upgrade


def _shape(url: str) -> dict[str, list[str]]:
    """Every table's columns, keys, indexes and constraints, as comparable text."""
    engine = open_engine(url)
    try:
        found = inspect(engine)
        shape: dict[str, list[str]] = {}
        for table in sorted(found.get_table_names()):
            parts: list[object] = [found.get_pk_constraint(table)]
            parts += [
                (c["name"], str(c["type"]), c["nullable"], c["default"])
                for c in found.get_columns(table)
            ]
            parts += [sorted(fk.items()) for fk in found.get_foreign_keys(table)]
            parts += [sorted(ix.items()) for ix in found.get_indexes(table)]
            parts += [sorted(uq.items()) for uq in found.get_unique_constraints(table)]
            parts += [sorted(ck.items()) for ck in found.get_check_constraints(table)]
            shape[table] = sorted(str(part) for part in parts)
        return shape
    finally:
        engine.dispose()


def _upgraded(url: str, how: object) -> str:
    engine: Engine = open_engine(url)
    try:
        how(engine)  # type: ignore[operator]
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    return url


@pytest.fixture
def empty_urls(db_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Three more empty databases on ``db_url``'s backend."""
    if db_url.startswith("sqlite"):
        yield [f"sqlite:///{tmp_path / f'empty{n}.sqlite'}" for n in range(3)]
        return
    with ExitStack() as stack:
        yield [stack.enter_context(private_schema(os.environ[POSTGRES_URL_ENV])) for _ in range(3)]


def test_served_head_schemas_equal_a_real_migration(
    db_url: str, empty_urls: list[str], tmp_path: Path
) -> None:
    """The first served database (recorded or copied from) and later ones equal a real upgrade."""
    expected = _shape(_upgraded(db_url, upgrade))
    templates = HeadSchemaTemplates(upgrade, tmp_path)
    served = [_shape(_upgraded(url, templates.upgrade)) for url in empty_urls]
    assert len(expected) > 30
    assert served == [expected] * 3
    if db_url.startswith("postgresql"):
        assert templates.postgresql_script
        assert not any(p for _, p, _ in templates.postgresql_script)
    else:
        assert templates.sqlite_template.exists()
