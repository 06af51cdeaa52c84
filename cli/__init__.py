"""The ``syncsvc`` command line (Typer + rich)."""
