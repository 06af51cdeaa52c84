"""Small failures: each is one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import configparser
import logging
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from syncsvc.cli.app import app
from syncsvc.cli.wiring import build_gerrit
from syncsvc.config import load_config
from syncsvc.models.db import open_engine, upgrade

SYNCSVC = str(Path(sys.executable).parent / "syncsvc")
ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _syncsvc(*args: str, closed_stdin: bool) -> subprocess.CompletedProcess[str]:
    """Run the installed syncsvc with stdin on /dev/null or closed (fd 0 not open)."""
    if closed_stdin:  # the shell closes fd 0 before exec, as cron or a daemon may
        command = ["sh", "-c", 'exec "$0" "$@" <&-', SYNCSVC, *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    return subprocess.run(
        [SYNCSVC, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


class TestClosedStdin:
    """An import must not need stdin unless it reads `-`."""

    @pytest.mark.parametrize(
        "closed",
        [
            pytest.param(False, id="devnull"),
            pytest.param(True, id="closed"),
        ],
    )
    def test_import_from_a_file(self, tmp_path, example, closed) -> None:
        """A file imports with stdin on /dev/null or closed."""
        db = f"sqlite:///{tmp_path / 'db.sqlite'}"
        result = _syncsvc("--db", db, "import", str(example), closed_stdin=closed)
        assert result.returncode == 0, result.stderr
        assert "saved event 1: 20 new, 0 updated, 0 unchanged, 0 withdrawn" in result.stdout
        assert result.stderr == ""

    def test_dash_with_closed_stdin(self, tmp_path) -> None:
        """`import -` with stdin closed is one line and exit 2."""
        db = f"sqlite:///{tmp_path / 'db.sqlite'}"
        result = _syncsvc("--db", db, "import", "-", closed_stdin=True)
        assert result.returncode == 2
        assert result.stderr == "error: standard input is closed (hint: give a file or a URL)\n"
        assert result.stdout == ""


class TestOutputClosed:
    """`syncsvc actions | head`: the reader goes away before the output is written."""

    @pytest.mark.parametrize(
        "command", [["actions"], ["actions", "--format", "json"], ["events"], ["status"]]
    )
    def test_exits_141_quietly(self, imported, command) -> None:
        """A closed stdout ends the command with 141 (as SIGPIPE would), nothing on
        stderr; not rich's 1, the code of a dry run that found work."""
        child = subprocess.Popen(
            [SYNCSVC, "--db", imported, *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.close()  # before the child can have written anything
        stderr = child.stderr.read().decode()
        child.stderr.close()
        assert (child.wait(timeout=60), stderr) == (141, "")


class TestDatabaseUrls:
    """Bad database URLs and places."""

    def test_unsupported_backend(self, runner) -> None:
        """mysql:// is exit 2 naming the URLs syncsvc supports."""
        result = runner.invoke(app, ["--db", "mysql://u:secret@db.example/x", "actions"])
        assert result.exit_code == 2
        assert result.stderr == (
            "error: not a database URL syncsvc can use: mysql://…; it supports "
            "sqlite:///PATH and postgresql+psycopg://USER@HOST/DB\n"
        )
        assert "secret" not in result.stderr

    def test_sqlite_in_a_missing_folder(self, runner, tmp_path) -> None:
        """A SQLite file in a folder that does not exist names the folder, exit 7."""
        folder = tmp_path / "nowhere"
        result = runner.invoke(app, ["--db", f"sqlite:///{folder}/x.sqlite", "actions"])
        assert result.exit_code == 7
        assert result.stderr == (
            f"error: cannot use the database: the folder {folder} does not exist "
            "(hint: create it, or give --db another path)\n"
        )
        assert not folder.exists()

    def test_import_against_a_dead_server(self, runner, example) -> None:
        """A dead PostgreSQL fails the import (exit 7) before any report is printed."""
        url = f"postgresql+psycopg://u@127.0.0.1:{_unused_port()}/x"
        result = runner.invoke(app, ["--db", url, "import", str(example)])
        assert result.exit_code == 7
        assert result.stdout == ""
        assert result.stderr.startswith("error: cannot use the database: ")
        assert len(result.stderr.splitlines()) == 1


class TestUnknownRevision:
    """`db upgrade` on a database stamped by a newer syncsvc."""

    def test_db_upgrade_refuses(self, runner, db_url) -> None:
        """An unknown revision is exit 4 and one line, the database untouched."""
        engine = open_engine(db_url)
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
        result = runner.invoke(app, ["--db", db_url, "db", "upgrade"])
        with engine.connect() as connection:
            stamped = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        engine.dispose()
        assert result.exit_code == 4
        assert result.stderr.startswith(
            "error: database schema is at f00dfeed, which this syncsvc does not know"
        )
        assert len(result.stderr.splitlines()) == 1
        assert stamped == [("f00dfeed",)]


class TestCredentialFiles:
    """Secrets in files readable by others are used, with a warning as ssh gives."""

    def test_open_password_file_warns(self, tmp_path, caplog, monkeypatch) -> None:
        """A 0644 Gerrit password file is read, and a warning names its mode."""
        monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
        secret = tmp_path / "gerrit-password"
        secret.write_text("s3cret\n")
        secret.chmod(0o644)
        config = tmp_path / "syncsvc.toml"
        config.write_text(f'[gerrit]\nusername = "bot"\npassword_file = "{secret}"\n')
        with caplog.at_level(logging.WARNING):
            adapter = build_gerrit(load_config(config))
        assert adapter.authenticated
        expected = (
            f"permissions 0644 for '{secret}' are too open; "
            f"it should be readable by you only (chmod 600 '{secret}')"
        )
        assert [r.getMessage() for r in caplog.records if r.name.startswith("syncsvc")] == [
            expected
        ]

    def test_private_password_file_is_quiet(self, tmp_path, caplog, monkeypatch) -> None:
        """A 0600 Gerrit password file gives no warning."""
        monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
        secret = tmp_path / "gerrit-password"
        secret.write_text("s3cret\n")
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
        config = tmp_path / "syncsvc.toml"
        config.write_text(f'[gerrit]\nusername = "bot"\npassword_file = "{secret}"\n')
        with caplog.at_level(logging.WARNING):
            build_gerrit(load_config(config))
        assert [r.getMessage() for r in caplog.records if r.name.startswith("syncsvc")] == []


class TestAlembicIni:
    """The developers' alembic.ini."""

    def test_log_format(self) -> None:
        """Its logging section formats records, not the literal format string."""
        parser = configparser.ConfigParser()
        parser.read(ALEMBIC_INI)
        assert parser.get("alembic", "file_template") == "%(rev)s_%(slug)s"
        # logging.config.fileConfig reads formatters raw, exactly like this.
        fmt = parser.get("formatter_generic", "format", raw=True)
        datefmt = parser.get("formatter_generic", "datefmt", raw=True)
        record = logging.LogRecord(
            "alembic", logging.INFO, __file__, 1, "Running upgrade -> 0001", None, None
        )
        formatted = logging.Formatter(fmt, datefmt).format(record)
        assert formatted == "INFO  [alembic] Running upgrade -> 0001"


class TestImportLimits:
    """An import that could never be a PTG summary is refused before it is stored."""

    def test_seventy_thousand_actions(self, tmp_path) -> None:
        """6 MB of action bullets is refused with one line (exit 2) and nothing stored."""
        src = tmp_path / "bullets.txt"
        bullet = "- dviroel will propose spec updates https://review.opendev.org/758868\n"
        src.write_text("=== Topic ===\nActions:\n" + bullet * (6 * 1024 * 1024 // len(bullet)))
        db = f"sqlite:///{tmp_path / 'db.sqlite'}"
        result = subprocess.run(
            [SYNCSVC, "--db", db, "import", str(src)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=25,
        )
        assert result.returncode == 2
        assert result.stderr == "error: more than 10000 actions; is this really a PTG summary?\n"
        assert result.stdout == ""
