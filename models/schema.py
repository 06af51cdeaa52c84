"""The whole schema: importing this module registers every table on ``Base.metadata``.

Alembic's ``env.py`` and the schema tests import it; commands import only the table
modules they use (see :mod:`syncsvc.models`).
"""

from syncsvc.models import (
    blueprint_tables,
    link_tables,
    review_tables,
    squash_tables,
    sync_tables,
    tables,
)
from syncsvc.models.base import Base

__all__ = [
    "Base",
    "blueprint_tables",
    "link_tables",
    "review_tables",
    "squash_tables",
    "sync_tables",
    "tables",
]
