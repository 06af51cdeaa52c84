"""Hostile text in a summary or a remote reply never reaches the terminal raw."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.cli.context import AppContext
from syncsvc.testing.demo_servers import sample_servers

#: ANSI, an OSC 8 hyperlink, CR, IRC codes, bidi overrides and isolates, HTML/JS and
#: Markdown link/pipe characters. The parser drops C0 controls and escape sequences
#: (they never reach the database); format characters are kept as written.
SUMMARY = (
    "=== Topic \u202eevil ===\n"
    "Actions:\n"
    "- vkmc will fix \x1b[2J\x1b]8;;http://evil.example/\x07this\x1b]8;;\x07 \r\x02now\x0f "
    "\u202eesrever\u202c \u2066iso\u2069 <script>alert(1)</script> [x](http://e.example) | a\n"
)
STORED = (
    "vkmc will fix this now \u202eesrever\u202c \u2066iso\u2069 <script>alert(1)</script> "
    "x <http://e.example> | a"
)
IRC_CODES = set("\x02\x03\x0f\x16\x1d\x1f")


def _raw_hostile(text: str) -> set[str]:
    """The control and Cf characters in ``text`` (newline and tab are fine)."""
    return {
        ch
        for ch in text
        if (unicodedata.category(ch) in {"Cc", "Cf"} and ch not in "\n\t") or ch in IRC_CODES
    }


@pytest.fixture
def hostile_db(db_url: str, tmp_path: Path) -> str:
    """A database with the hostile summary imported."""
    src = tmp_path / "hostile.txt"
    src.write_text(SUMMARY, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", db_url, "import", str(src)])
    assert result.exit_code == 0, result.stderr
    assert _raw_hostile(result.stdout + result.stderr) == set()
    return db_url


def cli(db_url: str, *args: str):
    """Run syncsvc with --db set."""
    return CliRunner().invoke(app, ["--db", db_url, *args])


class TestHumanOutputs:
    """Tables, Markdown, IRC and --explain neutralise control and Cf characters."""

    @pytest.mark.parametrize(
        "args",
        [
            ("actions",),
            ("actions", "--format", "markdown"),
            ("show", "1"),
            ("status", "--since", "2000-01-01", "--format", "table"),
            ("status", "--since", "2000-01-01", "--format", "irc"),
            ("status", "--since", "2000-01-01", "--format", "markdown"),
        ],
        ids=" ".join,
    )
    def test_no_raw_hostile_character(self, hostile_db, args) -> None:
        """The output shows the bidi override as \\u202e and carries none raw."""
        result = cli(hostile_db, *args)
        assert result.exit_code == 0, result.stderr
        assert _raw_hostile(result.stdout + result.stderr) == set()
        assert "\\u202e" in result.stdout
        assert "vkmc" in result.stdout

    def test_explain(self, tmp_path) -> None:
        """`import --explain` shows every line with Cf characters as escapes."""
        src = tmp_path / "hostile.txt"
        src.write_text(SUMMARY, encoding="utf-8")
        result = CliRunner().invoke(app, ["import", "--explain", str(src)])
        assert result.exit_code == 0, result.stderr
        assert _raw_hostile(result.stdout + result.stderr) == set()
        assert "=== Topic \\u202eevil ===" in result.stdout
        assert "now \\u202eesrever\\u202c \\u2066iso\\u2069 <script>" in result.stdout


class TestJsonOutputs:
    """JSON keeps the text as stored; control and Cf characters are \\uXXXX escapes."""

    @pytest.mark.parametrize(
        "args",
        [
            ("actions", "--format", "json"),
            ("show", "1", "--format", "json"),
            ("status", "--since", "2000-01-01", "--format", "json"),
        ],
        ids=" ".join,
    )
    def test_round_trip(self, hostile_db, args) -> None:
        """The raw output has no hostile character and decodes to the stored text."""
        result = cli(hostile_db, *args)
        assert result.exit_code == 0, result.stderr
        assert _raw_hostile(result.stdout) == set()
        data = json.loads(result.stdout)
        item = data[0] if isinstance(data, list) else data
        if "groups" in item:
            item = item["groups"]["not_started"][0]
        assert item["text"] == STORED
        assert item["topic"] == "Topic \u202eevil"


class TestLogs:
    """Warnings quote remote bodies with every control and Cf character escaped."""

    def test_gerrit_500_body(self, hostile_db, tmp_path, monkeypatch) -> None:
        """A Gerrit 500 whose body clears the screen and sets a link is logged inert."""
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
        body = "boom\x1b[2J\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07\r\u202eok"
        with sample_servers() as servers:
            servers.gerrit.add_fault(status=500, times=None, body=body)
            cfg = tmp_path / "syncsvc.toml"
            cfg.write_text(f'[gerrit]\nurl = "{servers.gerrit_url}"\nprojects = ["x/y"]\n')
            result = CliRunner().invoke(
                app,
                ["--db", hostile_db, "--config", str(cfg), "-v", "sync", "--source", "gerrit"],
            )
        assert result.exit_code == 3
        assert _raw_hostile(result.stderr) == set()
        warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
        assert warnings
        assert all(
            r"boom\x1b[2J\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07\r\u202eok" in line
            for line in warnings
        )

    def test_any_log_record(self, capsys) -> None:
        """A record's message and arguments are escaped by syncsvc's stderr handler."""
        AppContext(verbosity=1).configure_logging()
        logging.getLogger("syncsvc.test").warning("got %s", "\x1b]0;title\x07\u2066x")
        assert capsys.readouterr().err == ("WARNING:syncsvc.test:got \\x1b]0;title\\x07\\u2066x\n")
