"""First-use polish of the command line (issue 15): Markdown, tables, sync, init, completion."""

from __future__ import annotations

import json
import socket

import pytest
from helpers import cli, fakes_config
from typer.testing import CliRunner

from syncsvc.cli.app import app


def header_widths(table: str) -> dict[str, int]:
    """A rich table's column widths by header, read from its header line."""
    header = next(line for line in table.splitlines() if line.startswith("┃"))
    return {cell.strip(): len(cell) - 2 for cell in header.strip("┃").split("┃")}


def run(db_url: str, *args: str, **kwargs):
    """Invoke syncsvc with ``--db`` set."""
    return CliRunner().invoke(app, ["--db", db_url, *args], **kwargs)


class TestMarkdown:
    """`--format markdown` escapes only where Markdown would misread the text."""

    def test_actions_keep_plain_punctuation(self, db_url, tmp_path) -> None:
        """No `\\#1` or `\\(vhari\\)` mid-line; emphasis, links and HTML are still inert."""
        src = tmp_path / "s.txt"
        src.write_text(
            "=== T ===\nActions:\n"
            "- vhari will close bug #1 (vhari) and *all* [bugs](x) <b>now</b>\n",
            encoding="utf-8",
        )
        assert run(db_url, "import", str(src)).exit_code == 0
        result = run(db_url, "actions", "--format", "markdown")
        assert result.exit_code == 0, result.stderr
        [line] = [x for x in result.stdout.splitlines() if x.startswith("- [")]
        assert line == (
            r"- [ ] #1 vhari will close bug #1 (vhari) and \*all\* \[bugs](x) \<b>now\</b>"
            " — vhari"
        )


class TestActionsTable:
    """The Action column gets the width; URLs are never broken; events show their dates."""

    def test_action_column_gets_the_width(self, imported) -> None:
        """At 160 columns the Action column is the widest and the table uses the width."""
        result = run(imported, "actions", env={"COLUMNS": "160"})
        assert result.exit_code == 0, result.stderr
        widths = header_widths(result.stdout)
        assert widths["Action"] >= 50
        assert widths["Action"] == max(widths.values())
        assert max(len(line) for line in result.stdout.splitlines()) <= 160

    @pytest.mark.parametrize("columns", ["160", "100"])
    def test_urls_stay_whole(self, imported, columns) -> None:
        """Every URL the actions carry appears whole on one line of the table."""
        result = run(imported, "actions", env={"COLUMNS": columns})
        assert result.exit_code == 0, result.stderr
        for url in ("https://review.opendev.org/758868/", "https://review.opendev.org/745206/"):
            assert url in result.stdout

    def test_events_show_the_dates(self, imported) -> None:
        """`events` shows the first and last day; JSON carries them as ISO dates."""
        table = run(imported, "events").stdout
        assert "2020-10-26..2020-10-30" in table
        assert "Dates" in header_widths(table)
        [event] = json.loads(run(imported, "events", "--format", "json").stdout)
        assert (event["first_day"], event["last_day"]) == ("2020-10-26", "2020-10-30")


@pytest.fixture
def no_config(tmp_path, monkeypatch) -> None:
    """No config file anywhere discovery looks (an empty user config directory)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("SYNCSVC_CONFIG", raising=False)


@pytest.fixture
def offline(monkeypatch, quiet_clients) -> None:
    """No host name resolves, as on a machine without network: nothing leaves the test."""

    def unresolved(*_args, **_kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", unresolved)


class TestSyncWithoutConfig:
    """`sync` with no config file says so once; every failure is one short line."""

    def test_offline_first_sync(self, imported, no_config, offline) -> None:
        """A notice, one line per failed source and the relink note: 4 short lines, exit 3."""
        result = run(imported, "sync")
        assert result.exit_code == 3
        lines = result.stderr.splitlines()
        assert lines[0] == (
            "no config file found: syncing only the bugs and changes commitments name, "
            "from Launchpad and review.opendev.org; `syncsvc init` configures projects"
        )
        assert [line.split(":")[0] for line in lines[1:3]] == ["error", "error"]
        assert "gerrit referenced" in lines[1]
        assert "review.opendev.org" in lines[1]
        assert "launchpad referenced" in lines[2]
        assert lines[3].startswith("links not refreshed")
        assert len(lines) == 4
        assert max(len(line) for line in lines) <= 200

    def test_quiet_prints_only_failures(self, imported, no_config, offline) -> None:
        """With -q the notice is left out; the failures remain, one line each."""
        result = run(imported, "-q", "sync")
        assert result.exit_code == 3
        assert result.stdout == ""
        assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
            "error",
            "error",
            "links not refreshed",
        ]
        assert max(len(line) for line in result.stderr.splitlines()) <= 200


class TestInit:
    """`init` writes where discovery reads, says where, and never overwrites."""

    def test_writes_the_user_config_that_discovery_reads(
        self, db_url, no_config, tmp_path, monkeypatch
    ) -> None:
        """The default path is the user config directory; the next command reads that file."""
        monkeypatch.chdir(tmp_path)
        written = tmp_path / "config" / "syncsvc" / "syncsvc.toml"
        result = run(db_url, "init")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == f"wrote {written}"
        assert not (tmp_path / "syncsvc.toml").exists()
        text = written.read_text(encoding="utf-8")
        assert '# team = "manila"' in text
        assert '# cycle = "wallaby"' in text
        written.write_text('team = "cinder"\n' + text, encoding="utf-8")
        src = tmp_path / "s.txt"
        src.write_text("=== T ===\nActions:\n- vkmc will fix it\n", encoding="utf-8")
        assert run(db_url, "import", str(src)).exit_code == 0
        [event] = json.loads(run(db_url, "events", "--format", "json").stdout)
        assert event["team"] == "cinder"
        again = run(db_url, "init")
        assert again.exit_code == 2
        assert again.stderr.strip() == f"error: {written} already exists; not overwriting it"

    def test_path_writes_elsewhere(self, db_url, no_config, tmp_path) -> None:
        """`--path` writes there (folders created) and leaves the user config alone."""
        target = tmp_path / "elsewhere" / "team.toml"
        result = run(db_url, "init", "--path", str(target))
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == f"wrote {target}"
        assert "[launchpad]" in target.read_text(encoding="utf-8")
        assert not (tmp_path / "config").exists()


class TestSyncJson:
    """`sync --format json`: one documented object on stdout, nothing else there."""

    def test_sync_against_the_fakes(self, imported, servers, tmp_path) -> None:
        """Each scope's counts, the links' counts, and whether it failed, as JSON."""
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "sync", "--format", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert set(data) == {"dry_run", "failed", "scopes", "links", "links_skipped"}
        assert (data["dry_run"], data["failed"], data["links_skipped"]) == (False, False, None)
        first = data["scopes"][0]
        assert set(first) == {
            "source", "scope", "fetched", "new", "changed", "unchanged", "history",
            "comments", "since", "skipped", "error",
        }  # fmt: skip
        assert {(s["source"], s["scope"]) for s in data["scopes"]} >= {
            ("launchpad", "referenced"),
            ("gerrit", "referenced"),
            ("launchpad", "project:manila"),
        }
        assert sum(s["new"] for s in data["scopes"]) > 0
        assert set(data["links"]) == {"added", "updated", "unchanged", "transitions"}
        assert data["links"]["added"] > 0

    def test_failures_stay_on_stderr(self, imported, no_config, offline) -> None:
        """Offline: the JSON says which scopes failed and why; stderr keeps the error lines."""
        result = run(imported, "sync", "--format", "json")
        assert result.exit_code == 3
        data = json.loads(result.stdout)
        assert data["failed"] is True
        assert data["links"] is None
        assert data["links_skipped"] == "scope-failed"
        fetches = [s for s in data["scopes"] if s["scope"] != "reviews"]
        assert all(s["error"] for s in fetches)
        assert data["scopes"][-1]["skipped"] == "a scope failed"  # no review step after that
        assert "error: gerrit referenced" in result.stderr


def complete(line: str, **env: str) -> list[str]:
    """What bash completion offers for ``line`` (the word under the cursor is the last)."""
    words = line.split(" ")
    result = CliRunner().invoke(
        app,
        [],
        prog_name="syncsvc",
        env={
            "_SYNCSVC_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **env,
        },
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout.split()


class TestCompletion:
    """TAB completes action ids from the database and `--since` values."""

    def test_action_ids(self, imported) -> None:
        """`show 1<TAB>` offers the current ids starting with 1, in order."""
        assert complete(f"syncsvc --db {imported} show 1") == ["1", *map(str, range(10, 20))]
        assert complete(f"syncsvc --db {imported} link confirm 2") == ["2", "20"]
        assert complete(f"syncsvc --db {imported} mark x") == []

    def test_action_ids_from_the_environment(self, imported) -> None:
        """`$SYNCSVC_DATABASE_URL` names the database as it does for commands."""
        assert complete("syncsvc show 2", SYNCSVC_DATABASE_URL=imported) == ["2", "20"]

    def test_no_database_offers_nothing(self, tmp_path) -> None:
        """A SQLite file that does not exist yet is not created by a TAB."""
        missing = tmp_path / "none.sqlite"
        assert complete(f"syncsvc --db sqlite:///{missing} show ") == []
        assert not missing.exists()

    def test_since_values(self) -> None:
        """`--since l<TAB>` offers the keywords; `--since 2<TAB>` durations and dates."""
        assert complete("syncsvc status --since l") == ["last-meeting", "last-run"]
        offered = complete("syncsvc status --since 2")
        assert offered[:2] == ["24h", "2w"]
        assert len(offered) == 5
        assert all(len(v) == 10 for v in offered[2:])
