"""Storage: SQLAlchemy models, Alembic migrations and repository functions.

- :mod:`syncsvc.models.db`: engines, sessions, ``upgrade``/``ensure_schema``.
- :mod:`syncsvc.models.repo`: functions taking a ``Session`` and returning
  :mod:`syncsvc.domain` records (ORM objects never leave this package).
- :mod:`syncsvc.models.tables`: the mapped tables; :mod:`.base`: ``Base`` and types.
"""
