"""`status`, `actions`, `--help` and tab completion start without the heavy libraries.

Each command runs as its own process under ``python -X importtime``, as a user or a
shell's TAB would run it; the imported top-level packages are read from that report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import import_example

#: Only `sync`, `drift --apply`, `demo` and a schema upgrade need these.
HEAVY = frozenset(
    {"launchpadlib", "gerritclient", "wadllib", "lazr", "httplib2", "alembic", "mako", "numpy"}
)
#: `status` reads through Core clauses on a Core connection (no ORM session), coerces its
#: options without pydantic and takes only the status enums, artifact keys and history
#: rows from the lazy domain package.
NOT_FOR_STATUS = frozenset(
    {
        "pydantic",
        "sqlalchemy.orm",
        "syncsvc.models.base",
        "syncsvc.domain.records",
        "syncsvc.domain.links",
        "syncsvc.domain.footers",
        "syncsvc.domain.squash",
        "syncsvc.domain.reviews",
        "syncsvc.domain.retro",
        "syncsvc.models.tables",
        "syncsvc.models.sync_tables",
        "syncsvc.models.link_tables",
        "syncsvc.models.squash_tables",
        "syncsvc.models.review_tables",
        "syncsvc.models.blueprint_tables",
        "syncsvc.models.repo",
        "syncsvc.models.lock",
    }
)
SCRIPT = Path(sys.executable).parent / "syncsvc"


def run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """Run the installed `syncsvc` with ``args``; its stdout and the top-level packages
    it imported."""
    out, modules = run_modules(tmp_path, *args, env=env)
    return out, {name.split(".")[0] for name in modules}


def run_modules(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[str, set[str]]:
    """Run the installed `syncsvc` with ``args``; its stdout and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # a source checkout in the current directory must not shadow the package
        env={**os.environ, "COLUMNS": "120", **(env or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return done.stdout, imported


def command_modules(modules: set[str]) -> set[str]:
    """The command modules (``syncsvc.cli.commands.*``) among ``modules``."""
    return {name for name in modules if name.startswith("syncsvc.cli.commands.")}


@pytest.fixture
def migrated(sqlite_url: str, tmp_path: Path) -> str:
    """A SQLite database at the newest schema, with the bundled example imported."""
    import_example(sqlite_url, tmp_path)
    return sqlite_url


class TestLightImports:
    """What the quick commands import."""

    def test_help(self, tmp_path: Path) -> None:
        """`syncsvc --help` lists the commands from the table: it imports none of the
        heavy packages, and no command module."""
        out, modules = run_modules(tmp_path, "--help")
        assert out.startswith("Usage: syncsvc ")
        assert "│ status " in out or "  status " in out
        assert {name.split(".")[0] for name in modules} & HEAVY == set()
        assert command_modules(modules) == set()

    def test_completion(self, tmp_path: Path) -> None:
        """A TAB after `syncsvc st` offers `status` without the heavy packages, and
        without importing a command module."""
        complete = {"_SYNCSVC_COMPLETE": "complete_bash", "COMP_WORDS": "syncsvc st"}
        out, modules = run_modules(tmp_path, env={**complete, "COMP_CWORD": "1"})
        assert out.split() == ["status"]
        assert {name.split(".")[0] for name in modules} & HEAVY == set()
        assert command_modules(modules) == set()

    @pytest.mark.parametrize(
        "command",
        [
            ("squash", "plan"),
            ("squash", "report"),
            ("retro",),
            ("carry-over",),
            ("demo",),
            ("sync",),
            ("link", "refresh"),
        ],
    )
    def test_command_help(self, tmp_path: Path, command: tuple[str, ...]) -> None:
        """The help of the heavier commands (squash, retro, carry, demo, sync, link refresh)
        imports none of the heavy packages either."""
        out, imported = run(tmp_path, *command, "--help")
        assert out.startswith(f"Usage: syncsvc {' '.join(command)} ")
        assert imported & HEAVY == set()

    @pytest.mark.parametrize("fmt", ["table", "json"])
    def test_status_and_actions(self, migrated: str, tmp_path: Path, fmt: str) -> None:
        """`status` and `actions` on a migrated database import none of the heavy packages."""
        out, imported = run(
            tmp_path, "--db", migrated, "status", "--since", "2020-10-26", "-f", fmt
        )
        if fmt == "table":
            assert "Not started (" in out
        else:
            assert list(json.loads(out)["groups"]) == [
                "completed", "progressed", "newly_linked", "stalled", "not_started"
            ]  # fmt: skip
        assert imported & HEAVY == set()
        out, imported = run(tmp_path, "--db", migrated, "actions", "-f", fmt)
        if fmt == "table":
            assert out.endswith("20 actions: 13 owned, 7 unassigned\n")
        else:
            assert len(json.loads(out)) == 20
        assert imported & HEAVY == set()

    @pytest.mark.parametrize(
        "args", [("-f", "table"), ("-f", "json"), ("--all", "--owner", "dviroel", "-f", "irc")]
    )
    def test_status_loads_no_mapped_table_nor_pydantic(
        self, migrated: str, tmp_path: Path, args: tuple[str, ...]
    ) -> None:
        """`status` imports neither pydantic nor the ORM, a mapped table module, the
        repository, the locks or the domain's record classes, and still reports the
        example's commitments."""
        out, modules = run_modules(
            tmp_path, "--db", migrated, "status", "--since", "2020-10-26", *args
        )
        assert "Not started" in out or '"not_started"' in out or "#info" in out
        top_level = {name.split(".")[0] for name in modules}
        assert (modules | top_level) & NOT_FOR_STATUS == set()
        assert command_modules(modules) == {"syncsvc.cli.commands.status"}


class TestUpgradeStillWorks:
    """Alembic is imported when the schema must be created."""

    def test_empty_database_is_migrated(self, sqlite_url: str, tmp_path: Path) -> None:
        """`status` on an empty SQLite file creates the schema, importing alembic to do so."""
        out, imported = run(tmp_path, "--db", sqlite_url, "status", "-f", "counts")
        assert (
            out.strip() == "completed 0 · progressed 0 · newly linked 0 · stalled 0 · not started 0"
        )
        assert "alembic" in imported


class TestWiring:
    """The wiring builds adapters without importing them up front."""

    def test_launchpad_policy_is_the_adapters_default(self) -> None:
        """wiring.LAUNCHPAD_HTTP, kept without importing launchpadlib, equals the adapter's."""
        from syncsvc.adapters import launchpad  # noqa: PLC0415 - the heavy import, on purpose
        from syncsvc.cli import wiring  # noqa: PLC0415

        default = launchpad.DEFAULT_POLICY  # the tests' policies only never sleep
        assert wiring.LAUNCHPAD_HTTP.replace(sleep=default.sleep) == default

    def test_option_constants_match_their_sources(self) -> None:
        """The defaults and choices cli/options.py keeps for `--help` equal the originals."""
        from syncsvc.cli import options  # noqa: PLC0415
        from syncsvc.domain import ActionState  # noqa: PLC0415
        from syncsvc.models.lock import DEFAULT_WAIT  # noqa: PLC0415

        assert options.SYNC_WAIT == DEFAULT_WAIT
        assert [s.value for s in options.MarkState] == [s.value for s in ActionState]

    def test_sync_skipped_lines_cover_every_reason(self) -> None:
        """`sync`'s SKIPPED, keyed by plain strings, has a line for every LinksSkipped value."""
        from syncsvc.cli.commands import sync  # noqa: PLC0415
        from syncsvc.sync.service import LinksSkipped  # noqa: PLC0415

        assert set(sync.SKIPPED) == {reason.value for reason in LinksSkipped}
        assert "budget" in sync.SKIPPED[LinksSkipped.BUDGET_SPENT]
