"""`link refresh` covers what changed; `link refresh --full` judges every commitment (issue 14)."""

from __future__ import annotations

import re

from sqlalchemy import text
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.models.db import open_engine


def refresh(db_url: str, *args: str) -> tuple[int, int, int, int]:
    """Run `link refresh` and read its summary line: (new, updated, unchanged, state changes)."""
    result = CliRunner().invoke(app, ["--db", db_url, "link", "refresh", *args])
    assert result.exit_code == 0, result.stderr
    found = re.fullmatch(
        r"links: (\d+) new, (\d+) updated, (\d+) unchanged; (\d+) state changes\n", result.stdout
    )
    assert found, result.stdout
    new, updated, unchanged, moved = (int(n) for n in found.groups())
    return new, updated, unchanged, moved


class TestLinkRefreshFull:
    def test_settled_refresh_judges_nothing_and_full_judges_all(self, demo_db) -> None:
        """Once links settle, `link refresh` finds nothing to judge (no link counted), while
        `--full` judges every commitment again and finds every stored link unchanged."""
        runs = [refresh(demo_db) for _ in range(4)]
        assert runs[-1] == (0, 0, 0, 0)
        new, updated, unchanged, moved = refresh(demo_db, "--full")
        assert (new, updated, moved) == (0, 0, 0)
        engine = open_engine(demo_db)
        with engine.connect() as connection:
            stored = connection.scalar(text("SELECT count(*) FROM links"))
        engine.dispose()
        assert unchanged == stored
        assert unchanged > 5
        assert refresh(demo_db) == (0, 0, 0, 0)
