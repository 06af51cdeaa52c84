"""The config file at the command line: unknown keys fail every command, SYNCSVC_* overrides."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from syncsvc.cli.app import app


def write_config(tmp_path: Path, text: str) -> Path:
    """Write ``text`` as the config file."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(text)
    return path


def test_unknown_section_in_the_env_config_exits_2(tmp_path) -> None:
    """A $SYNCSVC_CONFIG file with a misspelt section fails with one line naming file and key."""
    cfg = write_config(tmp_path, "[statuss]\nstall_days = 30\n")
    db = f"sqlite:///{tmp_path / 'syncsvc.sqlite'}"
    result = CliRunner().invoke(app, ["--db", db, "actions"], env={"SYNCSVC_CONFIG": str(cfg)})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: config file {cfg}: unknown section [statuss] (did you mean [status]?)"
    ]
    assert not (tmp_path / "syncsvc.sqlite").exists()  # refused before the database is opened


def test_wrong_type_exits_2_naming_the_key(tmp_path) -> None:
    """A key of the wrong type fails with one line naming file, section and key."""
    cfg = write_config(tmp_path, '[sync]\noverlap_minutes = "ten"\n')
    db = f"sqlite:///{tmp_path / 'syncsvc.sqlite'}"
    result = CliRunner().invoke(app, ["--db", db, "--config", str(cfg), "actions"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: config file {cfg} [sync]: 'overlap_minutes' must be a non-negative integer"
    ]


def test_database_url_from_the_environment_beats_the_config(tmp_path) -> None:
    """$SYNCSVC_DATABASE_URL wins over the config's `database`, which is used without it."""
    cfg = write_config(tmp_path, f'database = "sqlite:///{tmp_path / "from-config.sqlite"}"\n')
    env_db = f"sqlite:///{tmp_path / 'from-env.sqlite'}"
    runner = CliRunner()
    with_env = runner.invoke(
        app, ["--config", str(cfg), "events"], env={"SYNCSVC_DATABASE_URL": env_db}
    )
    assert with_env.exit_code == 0, with_env.stderr
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == ["from-env.sqlite"]
    without = runner.invoke(
        app, ["--config", str(cfg), "events"], env={"SYNCSVC_DATABASE_URL": None}
    )
    assert without.exit_code == 0, without.stderr
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == [
        "from-config.sqlite",
        "from-env.sqlite",
    ]
