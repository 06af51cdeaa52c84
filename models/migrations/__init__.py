"""Alembic migration environment of syncsvc (``script_location = syncsvc.models:migrations``)."""
