"""The schema check that needs no Alembic: the head revision constant and the version table."""

from __future__ import annotations

from syncsvc.models import db


class TestSchemaVersion:
    """``ensure_schema``'s fast path reads the version table with plain SQL."""

    def test_head_constant_matches_the_migrations(self) -> None:
        """HEAD_REVISION is the head of models/migrations (update both together)."""
        assert db.head_revision() == db.HEAD_REVISION

    def test_stored_revisions(self, bare_engine) -> None:
        """An empty database has no version table; after ``upgrade`` it holds the head."""
        assert db.stored_revisions(bare_engine) is None
        db.upgrade(bare_engine)
        assert db.stored_revisions(bare_engine) == {db.HEAD_REVISION}
        assert db.current_revision(bare_engine) == db.HEAD_REVISION
