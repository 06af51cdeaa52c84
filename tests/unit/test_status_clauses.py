"""The status read's lightweight table clauses name real tables and columns.

`models/status_queries.py` reads through Core ``table()``/``column()`` clauses so that
`status` loads no mapped class; a renamed column would otherwise surface only as a
failing query. Each clause is checked against the schema the migrations build.
"""

from __future__ import annotations

from sqlalchemy import TableClause

from syncsvc.models import status_queries
from syncsvc.models.schema import Base


def _clauses() -> dict[str, TableClause]:
    """The module's table clauses by variable name."""
    return {
        name: value
        for name, value in vars(status_queries).items()
        if isinstance(value, TableClause) and not hasattr(value, "metadata")
    }


def test_every_clause_matches_a_mapped_table() -> None:
    """Each clause's table exists and has each of its columns, of the same type class."""
    clauses = _clauses()
    assert len(clauses) >= 10  # the status read's tables
    for name, clause in clauses.items():
        mapped = Base.metadata.tables.get(clause.name)
        assert mapped is not None, f"{name}: no table {clause.name!r}"
        for col in clause.columns:
            assert col.name in mapped.columns, f"{name}: no column {clause.name}.{col.name}"
            assert mapped.columns[col.name].type._type_affinity is col.type._type_affinity, (
                f"{name}: {clause.name}.{col.name} is {mapped.columns[col.name].type!r}"
            )
