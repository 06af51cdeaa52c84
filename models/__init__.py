"""Storage: SQLAlchemy models, Alembic migrations and repository functions.

- :mod:`syncsvc.models.db`: engines, sessions, ``upgrade``/``ensure_schema``.
- :mod:`syncsvc.models.repo`: functions taking a ``Session`` and returning
  :mod:`syncsvc.domain` records (ORM objects never leave this package).
- :mod:`syncsvc.models.tables`: the mapped tables; :mod:`.base`: ``Base`` and types.
- :mod:`syncsvc.models.sync_tables`: what the sync engine stores;
  :mod:`.sync_store`: the engine's ``SyncStore`` and report reads;
  :mod:`.comment_store`: bug comments (link evidence); :mod:`.lock`: one sync
  per database.
- :mod:`syncsvc.models.link_tables`: links, commitment-state history and the
  identity map; :mod:`.link_store` and :mod:`.identities`: reading and writing
  them; :mod:`.drift`: what the drift rules read.

Storage only loads and saves: the rules (drift, identity learning, re-import
matching, state transitions, status history) are pure functions in the core,
and this package imports nothing from ``syncsvc`` but ``domain`` and ``errors``.

Importing the package registers no table: each module imports the tables it uses
(a table module also imports those its foreign keys name), so a command loads only
its own. :mod:`syncsvc.models.schema` registers every table on ``Base.metadata``, for
Alembic's autogenerate and the schema tests; :mod:`.status_queries` reads with
lightweight Core ``table()`` clauses on a Core connection (``db.read_connection``) and
loads no mapped class, nor ``sqlalchemy.orm``, at all.
"""
