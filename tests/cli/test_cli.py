"""The command line end to end: Typer's CliRunner against a real SQLite/PostgreSQL DB."""

from __future__ import annotations

import json
import shlex
import socket
import tempfile
from pathlib import Path

import pytest
import typer
from helpers import EXAMPLE
from sqlalchemy import make_url
from typer.testing import CliRunner

from syncsvc.cli.app import app

CONTRACT_KEYS = {
    "id", "event", "day", "topic", "text", "owners", "milestone", "milestone_key", "due",
    "starts", "refs", "state", "progress", "links", "inferred", "confidence", "organisations",
}  # fmt: skip
DECIDED = b"""Summary of the Manila team's Yoga PTG.

=== Release process ===
Discussion Items:
- #agreed we tag all deliverables together
- the stable branches lag by a month
Actions:
- gouthamr will automate the tag script
- NetApp/SAP will test the new driver
Agreed: stable branches are cut one week after the coordinated release

=== Share servers ===
Discussion Items:
- network allocation is slow

- carloss will profile the allocation path
"""


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command path below ``group`` (groups included)."""
    found = [list(prefix)]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found += _commands(command, (*prefix, name))
    return found


ALL_COMMANDS = _commands(typer.main.get_command(app))


def run(runner: CliRunner, db_url: str, *args: str, stdin: bytes | None = None):
    """Invoke syncsvc with ``--db`` set."""
    return runner.invoke(app, ["--db", db_url, *args], input=stdin)


def actions_json(runner: CliRunner, db_url: str, *args: str) -> list[dict]:
    """`syncsvc actions --format json` parsed."""
    result = run(runner, db_url, "actions", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestImport:
    """`syncsvc import`."""

    def test_import_prints_what_was_found(self, runner, db_url, example) -> None:
        """Import reports days, topics, actions, owned/unassigned and refs."""
        result = run(runner, db_url, "import", str(example))
        assert result.exit_code == 0, result.stderr
        assert "Manila Wallaby PTG: 4 days, 12 topics, 20 actions (13 owned, 7 unassigned)" in (
            result.stdout
        )
        assert "refs: 1 bug, 4 changes; 11 etherpads/documents" in result.stdout
        assert "20 new, 0 updated, 0 unchanged, 0 withdrawn" in result.stdout

    def test_reimport_is_idempotent(self, runner, db_url, example) -> None:
        """Importing the same summary twice keeps every id and adds nothing."""
        run(runner, db_url, "import", str(example))
        first = actions_json(runner, db_url)
        result = run(runner, db_url, "import", str(example))
        assert "0 new, 0 updated, 20 unchanged, 0 withdrawn" in result.stdout
        assert actions_json(runner, db_url) == first

    def test_light_edit_keeps_id_and_history(self, runner, db_url, example) -> None:
        """An edited action keeps its id; `show` lists the earlier wording."""
        run(runner, db_url, "import", str(example))
        before = {a["text"]: a["id"] for a in actions_json(runner, db_url)}
        old = "haixin will update the patch with this feedback"
        example.write_bytes(EXAMPLE.replace(old.encode(), b"haixin will update the patch soon"))
        result = run(runner, db_url, "import", str(example))
        assert "0 new, 1 updated, 19 unchanged, 0 withdrawn" in result.stdout
        shown = json.loads(run(runner, db_url, "show", str(before[old]), "-f", "json").stdout)
        assert shown["text"] == "haixin will update the patch soon"
        assert [h["text"] for h in shown["history"]] == [old]

    def test_stdin_and_dry_run(self, runner, db_url) -> None:
        """`-` reads stdin; --dry-run stores nothing."""
        result = run(runner, db_url, "import", "-", "--dry-run", stdin=EXAMPLE)
        assert result.exit_code == 0, result.stderr
        assert "20 actions" in result.stdout
        assert actions_json(runner, db_url) == []

    def test_warnings_go_to_stderr(self, runner, db_url, tmp_path) -> None:
        """Text the parser cannot place is a warning on stderr, not on stdout."""
        src = tmp_path / "s.txt"
        src.write_text("=== T ===\nActions:\n- x\n\nstray words\n\n=== U ===\nActions:\n- y\n")
        result = run(runner, db_url, "import", str(src))
        assert result.exit_code == 0
        assert "warning: line 5: text outside any list: 'stray words'" in result.stderr
        assert "warning" not in result.stdout


class TestCycleOption:
    """`--cycle` is checked against the OpenStack series names."""

    def test_misspelt_cycle_is_refused_with_a_suggestion(self, runner, db_url, example) -> None:
        """`--cycle walaby` exits 2 with one line suggesting wallaby, and stores nothing."""
        result = run(runner, db_url, "import", str(example), "--cycle", "walaby")
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines() == [
            "error: unknown release cycle 'walaby' (hint: did you mean wallaby?)"
        ]
        assert actions_json(runner, db_url) == []

    def test_known_cycle_without_schedule_warns(self, runner, db_url, example) -> None:
        """A real series with no bundled schedule (newton) imports, with a warning on stderr."""
        result = run(runner, db_url, "import", str(example), "--cycle", "newton")
        assert result.exit_code == 0, result.stderr
        assert "warning: no bundled release schedule for newton" in result.stderr

    def test_numbered_cycle_is_accepted(self, runner, db_url, example) -> None:
        """A series number (2023.1) is a known cycle; nothing is refused."""
        result = run(runner, db_url, "import", str(example), "--cycle", "2023.1")
        assert result.exit_code == 0, result.stderr
        assert len(actions_json(runner, db_url)) == 20


class TestBadInput:
    """Each bad input: one clear line, a documented exit code, database unchanged."""

    @pytest.mark.parametrize(
        ("content", "code", "message"),
        [
            (None, 2, "no such file"),
            (b"", 2, "input is empty"),
            (b"\x00\x01binary\x00", 2, "binary"),
            (b"hello\nworld\n", 2, "no PTG structure"),
            (b"\xff\xfe" + b"\x00\xd8" * 8, 2, "UTF-16"),
        ],
    )
    def test_bad_files(self, runner, db_url, example, tmp_path, content, code, message) -> None:
        """Missing, empty, binary, structureless and undecodable files are refused."""
        run(runner, db_url, "import", str(example))
        before = actions_json(runner, db_url)
        path = tmp_path / "bad.txt"
        if content is not None:
            path.write_bytes(content)
        result = run(runner, db_url, "import", str(path))
        assert result.exit_code == code
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert actions_json(runner, db_url) == before

    def test_fifty_megabytes(self, runner, db_url, tmp_path) -> None:
        """A 50 MB file is refused without being parsed."""
        path = tmp_path / "huge.txt"
        with path.open("wb") as f:
            f.truncate(50 * 1024 * 1024)
        result = run(runner, db_url, "import", str(path))
        assert result.exit_code == 2
        assert "larger than 10 MB" in result.stderr

    def test_unreachable_url(self, runner, db_url, tmp_path) -> None:
        """A URL nobody answers is a remote failure (exit 3)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cfg = tmp_path / "syncsvc.toml"
        cfg.write_text(f'[import]\nallowed_hosts = ["http://127.0.0.1:{port}"]\n')
        url = f"http://127.0.0.1:{port}/msg.html"
        result = run(runner, db_url, "--config", str(cfg), "import", url)
        assert result.exit_code == 3
        assert "cannot fetch" in result.stderr

    def test_missing_action(self, runner, db_url) -> None:
        """`show` of an unknown id exits 5."""
        result = run(runner, db_url, "show", "999")
        assert result.exit_code == 5
        assert "no action with id 999" in result.stderr

    def test_bad_config(self, runner, db_url, tmp_path) -> None:
        """A config file that is not TOML is a usage error naming the file."""
        cfg = tmp_path / "bad.toml"
        cfg.write_text("team = [")
        result = runner.invoke(app, ["--db", db_url, "--config", str(cfg), "actions"])
        assert result.exit_code == 2
        assert "is not valid TOML" in result.stderr


class TestListing:
    """`actions`, `show`, `events` and their formats."""

    def test_json_contract(self, runner, db_url, example) -> None:
        """Each JSON object carries the documented keys with the documented types."""
        run(runner, db_url, "import", str(example))
        items = actions_json(runner, db_url)
        assert len(items) == 20
        assert all(set(item) == CONTRACT_KEYS for item in items)
        sub_teams = next(i for i in items if i["topic"] == "Sub teams")
        assert sub_teams["event"] == "Manila Wallaby PTG"
        assert sub_teams["day"] == "2020-10-27"
        assert sub_teams["owners"] == []
        assert sub_teams["state"] == "open"
        assert (sub_teams["progress"], sub_teams["links"]) == (None, [])
        assert sub_teams["refs"] == [
            {"kind": "change", "id": "758868", "url": "https://review.opendev.org/758868/"}
        ]
        squash = next(i for i in items if i["text"].startswith("We'll hold"))
        assert (squash["milestone"], squash["milestone_key"], squash["due"]) == (
            "Wallaby-1",
            "wallaby-1",
            "2020-12-04",
        )

    def test_filters(self, runner, db_url, example) -> None:
        """--owner, --topic and --unassigned select the expected actions."""
        run(runner, db_url, "import", str(example))
        assert [a["topic"] for a in actions_json(runner, db_url, "--owner", "dviroel")] == [
            "Looking back at Victoria",
            "Share Server Updates",
            "Acting on Deprecation removals",
        ]
        assert len(actions_json(runner, db_url, "--topic", "share server")) == 2
        assert len(actions_json(runner, db_url, "--unassigned")) == 7

    def test_markdown_escapes_remote_text(self, runner, db_url, tmp_path) -> None:
        """Markdown output escapes markup; terminal output drops escape sequences."""
        src = tmp_path / "s.txt"
        src.write_text("=== T ===\nActions:\n- vkmc will fix *all* [bugs](x) \x1b[31mnow\n")
        run(runner, db_url, "import", str(src))
        md = run(runner, db_url, "actions", "--format", "markdown").stdout
        assert r"- [ ] #1 vkmc will fix \*all\* \[bugs](x) now — vkmc" in md
        table = run(runner, db_url, "actions").stdout
        assert "\x1b" not in table
        assert "1 actions: 1 owned, 0 unassigned" in table

    def test_events(self, runner, db_url, example) -> None:
        """`events --format json` lists the imported event with its counts."""
        run(runner, db_url, "import", str(example))
        result = run(runner, db_url, "events", "--format", "json")
        [event] = json.loads(result.stdout)
        assert (event["title"], event["team"], event["cycle"]) == (
            "Manila Wallaby PTG",
            "manila",
            "wallaby",
        )
        assert (event["topics"], event["actions"], event["decisions"]) == (12, 20, 0)

    def test_reference_input_through_the_cli(self, runner, db_url, reference_summary) -> None:
        """The Wallaby summary imports 47 actions, 20 of them owned."""
        run(runner, db_url, "import", str(reference_summary))
        items = actions_json(runner, db_url)
        assert (len(items), sum(1 for i in items if i["owners"])) == (47, 20)


class TestDecisions:
    """Decisions, confidence and organisations from a summary with `#agreed`/`Agreed:`."""

    @pytest.fixture
    def decided(self, tmp_path: Path) -> Path:
        """A small summary with two decisions, an organisation action and an inferred one."""
        path = tmp_path / "decided.txt"
        path.write_bytes(DECIDED)
        return path

    def test_decisions_json(self, runner, db_url, decided) -> None:
        """`decisions --format json` lists each decision with its event and topic."""
        assert run(runner, db_url, "import", str(decided)).exit_code == 0
        result = run(runner, db_url, "decisions", "--format", "json")
        assert result.exit_code == 0, result.stderr
        items = json.loads(result.stdout)
        assert [(i["event"], i["topic"], i["text"]) for i in items] == [
            ("Manila Yoga PTG", "Release process", "we tag all deliverables together"),
            (
                "Manila Yoga PTG",
                "Release process",
                "stable branches are cut one week after the coordinated release",
            ),
        ]
        assert {i["event_id"] for i in items} == {1}

    def test_decisions_table_and_event_filter(self, runner, db_url, decided) -> None:
        """The table names topic and decision; `--event` keeps that event's decisions."""
        run(runner, db_url, "import", str(decided))
        table = run(runner, db_url, "decisions")
        assert table.exit_code == 0, table.stderr
        assert "Release process" in table.stdout
        assert "we tag all deliverables together" in table.stdout
        one = run(runner, db_url, "decisions", "--event", "1", "--format", "json")
        assert [d["text"] for d in json.loads(one.stdout)] == [
            "we tag all deliverables together",
            "stable branches are cut one week after the coordinated release",
        ]

    def test_decisions_of_an_unknown_event_is_exit_5(self, runner, db_url, decided) -> None:
        """`decisions --event 99` with no event 99 is exit 5 with one line, as the README says."""
        run(runner, db_url, "import", str(decided))
        result = run(runner, db_url, "decisions", "--event", "99", "--format", "json")
        assert result.exit_code == 5
        assert result.stdout == ""
        assert result.stderr.strip().splitlines() == ["error: no event with id 99"]

    def test_events_count_decisions(self, runner, db_url, decided) -> None:
        """`events --format json` counts the event's decisions."""
        run(runner, db_url, "import", str(decided))
        [event] = json.loads(run(runner, db_url, "events", "--format", "json").stdout)
        assert (event["topics"], event["actions"], event["decisions"]) == (2, 3, 2)

    def test_actions_json_carries_inferred_confidence_and_organisations(
        self, runner, db_url, decided
    ) -> None:
        """Inferred actions keep their confidence; organisations stay apart from owners."""
        run(runner, db_url, "import", str(decided))
        items = actions_json(runner, db_url)
        assert all(set(item) == CONTRACT_KEYS for item in items)
        assert [
            (i["text"], i["owners"], i["organisations"], i["inferred"], i["confidence"])
            for i in items
        ] == [
            ("gouthamr will automate the tag script", ["gouthamr"], [], False, 1.0),
            ("NetApp/SAP will test the new driver", [], ["NetApp", "SAP"], False, 1.0),
            ("carloss will profile the allocation path", ["carloss"], [], True, 0.7),
        ]

    def test_reimport_keeps_everything_unchanged(self, runner, db_url, decided) -> None:
        """Importing the same summary again changes no action and keeps the decisions."""
        run(runner, db_url, "import", str(decided))
        before = actions_json(runner, db_url)
        again = run(runner, db_url, "import", str(decided))
        assert again.exit_code == 0, again.stderr
        assert actions_json(runner, db_url) == before
        decisions = json.loads(run(runner, db_url, "decisions", "--format", "json").stdout)
        assert len(decisions) == 2


class TestDemoAndHelp:
    """`demo`, `init`, `db` and the help texts."""

    def test_demo(self, runner, db_url) -> None:
        """The demo imports the bundled example and prints its commitments."""
        result = run(runner, db_url, "demo")
        assert result.exit_code == 0, result.stderr
        assert "20 actions: 13 owned, 7 unassigned" in result.stdout
        assert len(actions_json(runner, db_url)) == 20

    def test_demo_uses_a_scratch_database(self, runner, monkeypatch, tmp_path) -> None:
        """Without --db the demo writes to a fresh temporary SQLite file."""
        monkeypatch.delenv("SYNCSVC_DATABASE_URL", raising=False)
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        result = runner.invoke(app, ["demo"])
        assert result.exit_code == 0, result.stderr
        assert "demo database:" in result.stderr
        assert list(tmp_path.glob("syncsvc-demo-*/demo.sqlite"))

    def test_demo_suggests_three_commands(self, runner, db_url) -> None:
        """The demo ends with `status`, `show ID` (a real id) and `drift` on its database."""
        result = run(runner, db_url, "demo")
        assert result.exit_code == 0, result.stderr
        shown_url = shlex.quote(make_url(db_url).render_as_string(hide_password=True))
        lines = result.stderr.splitlines()
        start = lines.index("try next:")
        tried = [line.strip() for line in lines[start + 1 : start + 4]]
        assert tried[0] == f"syncsvc --db {shown_url} status"
        assert tried[2] == f"syncsvc --db {shown_url} drift"
        prefix = f"syncsvc --db {shown_url} show "
        assert tried[1].startswith(prefix)
        shown = run(runner, db_url, "show", tried[1].removeprefix(prefix))
        assert shown.exit_code == 0, shown.stderr

    def test_init_writes_config_once(self, runner, db_url, tmp_path) -> None:
        """`init` writes a loadable example and refuses to overwrite it."""
        path = tmp_path / "syncsvc.toml"
        assert run(runner, db_url, "init", "--path", str(path)).exit_code == 0
        assert '# team = "manila"' in path.read_text()
        again = run(runner, db_url, "init", "--path", str(path))
        assert again.exit_code == 2
        assert "already exists" in again.stderr

    def test_db_upgrade_and_current(self, runner, db_url) -> None:
        """`db upgrade` brings the schema to head; `db current` says so."""
        result = run(runner, db_url, "db", "upgrade")
        assert result.exit_code == 0, result.stderr
        current = run(runner, db_url, "db", "current").stdout
        head = result.stdout.split()[-1]
        assert f"database: {head}, syncsvc needs: {head}" in current

    @pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
    def test_every_command_has_help_with_an_example(self, runner, command) -> None:
        """Every command and sub-command documents itself and shows an example."""
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example: syncsvc" in result.stdout

    def test_the_command_list_is_complete(self) -> None:
        """The help test sees every command the issues name."""
        names = {" ".join(c) for c in ALL_COMMANDS}
        assert names >= {
            "import", "actions", "show", "events", "demo", "init", "sync", "status", "mark",
            "drift", "db upgrade", "db current", "link add", "link confirm", "link reject",
            "link refresh", "people", "people set", "decisions",
        }  # fmt: skip


class TestSchema:
    """Schema handling per backend."""

    def test_postgresql_behind_says_upgrade(self, runner, postgresql_url) -> None:
        """An empty PostgreSQL database is refused with exit 4 and a hint."""
        result = run(runner, postgresql_url, "actions")
        assert result.exit_code == 4
        assert "syncsvc db upgrade" in result.stderr

    def test_sqlite_created_on_first_use(self, runner, sqlite_url) -> None:
        """A new SQLite database is created by the first command."""
        result = run(runner, sqlite_url, "events", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == []


class TestUntrustedText:
    """Remote and user text cannot inject terminal markup."""

    def test_error_messages_keep_brackets(self, runner, db_url, tmp_path) -> None:
        """A path with rich markup in it is printed literally in the error line."""
        missing = tmp_path / "[red]x[/red].html"
        result = run(runner, db_url, "import", str(missing))
        assert result.exit_code == 2
        assert result.stderr.strip() == f"error: {missing}: no such file"


class TestDatabaseErrors:
    """Database failures are one line with a documented exit code, not a traceback."""

    def test_unreachable_server(self, runner) -> None:
        """A PostgreSQL server nobody runs is exit 7 (storage)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        result = runner.invoke(
            app, ["--db", f"postgresql+psycopg://u@127.0.0.1:{port}/x", "actions"]
        )
        assert result.exit_code == 7
        assert result.stderr.startswith("error: cannot use the database: ")
        assert len(result.stderr.strip().splitlines()) == 1

    def test_bad_url(self, runner) -> None:
        """A URL SQLAlchemy cannot read is a usage error (exit 2)."""
        result = runner.invoke(app, ["--db", "nonsense://x", "actions"])
        assert result.exit_code == 2
        assert "not a database URL syncsvc can use" in result.stderr


class TestImportGrammar:
    """The import report counts in English: "1 topic", "4 changes"."""

    def test_singular_and_plural_counts(self, runner, db_url, tmp_path: Path) -> None:
        """One day, topic, action and bug read as singulars; two changes as a plural."""
        src = tmp_path / "one.txt"
        src.write_text(
            "== Day 1 - Oct 26, 2020, Mon ==\n=== Share extension ===\nActions:\n"
            "- haixin will fix https://bugs.launchpad.net/manila/+bug/1855391 with "
            "https://review.opendev.org/702153 and https://review.opendev.org/771234\n"
        )
        result = run(runner, db_url, "import", "--dry-run", str(src))
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].endswith(": 1 day, 1 topic, 1 action (1 owned, 0 unassigned)")
        assert lines[1] == "refs: 1 bug, 2 changes; 0 etherpads/documents"
