"""`syncsvc sync --save-to DIR` against the sample fakes, then `--from-file DIR` with none running."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli, import_example, session_on, team_config
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.models.sync_store import artifact_states, get_bug, get_change
from syncsvc.testing.dataset import sample_gerrit_dataset, sample_launchpad_dataset
from syncsvc.testing.demo_servers import MOVED_CHANGE, apply_sample_movement, sample_servers

REFERENCED = ["change:758868", "change:745206", "change:729292", "bug:1855391"]
# The link the Gerrit hook's comment on bug 1855391 is the only evidence of (sample data).
LP_MESSAGE_EVIDENCE = (
    "via bug 1855391 (explicit): bug 1855391 comment 2021-02-18"
    " 'Fix proposed to manila (master)': https://review.opendev.org/775024"
)
# Hosts the fakes are not on: a replay must not need them allowed.
NOT_LOCAL = '[sync]\nallowed_hosts = ["review.opendev.org", "api.launchpad.net"]\n'


def snapshot(db_url: str) -> dict[str, object]:
    """Every sample artifact as stored (whole domain records), read through the store API."""
    numbers = [c["_number"] for c in sample_gerrit_dataset()]
    bug_ids = [b.id for b in sample_launchpad_dataset().bugs]
    with session_on(db_url) as session:
        got: dict[str, object] = {f"change:{n}": get_change(session, n) for n in numbers}
        got |= {f"bug:{b}": get_bug(session, b) for b in bug_ids}
        got["states"] = artifact_states(session, REFERENCED)
        got["comments"] = list(SqlLinkStore(session).messages())
    return got


def replace_line(path: Path, number: int, text: str) -> None:
    """Replace line ``number`` (1-based) of ``path`` with ``text``."""
    lines = path.read_text().splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n")


def one_line(text: str) -> bool:
    """Whether ``text`` is a single line."""
    return len(text.strip().splitlines()) == 1


@pytest.fixture
def recorded(quiet_clients, tmp_path):
    """A first sync of a scratch SQLite database with --save-to; the fakes are stopped after.

    Returns (recording dir, config pointing at the stopped fakes, the sync's stdout,
    the scratch database URL).
    """
    source_db = f"sqlite:///{tmp_path / 'recorded.sqlite'}"
    import_example(source_db, tmp_path)
    recording = tmp_path / "recording"
    with sample_servers() as servers:
        cfg = team_config(
            tmp_path / "record.toml",
            launchpad_root=servers.launchpad_service_root,
            gerrit_url=servers.gerrit_url,
        )
        result = cli(source_db, cfg, "sync", "--save-to", str(recording))
        assert result.exit_code == 0, result.stderr
    replay_cfg = team_config(
        tmp_path / "replay.toml",
        launchpad_root=servers.launchpad_service_root,
        gerrit_url=servers.gerrit_url,
        extra=NOT_LOCAL,
    )
    return recording, replay_cfg, result.stdout, source_db


class TestSaveAndReplay:
    """A recording replays into a fresh database as the live sync stored it."""

    def test_replay_stores_the_same_artifacts_offline(self, recorded, db_url, tmp_path) -> None:
        """--from-file with the fakes stopped and their host not allowed reports and stores the same."""
        recording, cfg, recorded_stdout, source_db = recorded
        import_example(db_url, tmp_path)
        result = cli(db_url, cfg, "sync", "--from-file", str(recording))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == recorded_stdout
        assert snapshot(db_url) == snapshot(source_db)
        assert snapshot(db_url)["states"] == {
            "change:758868": "MERGED",
            "change:745206": "MERGED",
            "change:729292": "MERGED",
            "bug:1855391": "Fix Released",
        }
        assert [(m.bug_id, m.number) for m in snapshot(db_url)["comments"]][5] == (1855391, 7)
        shown = CliRunner().invoke(app, ["--db", db_url, "show", "8", "-f", "json"])
        [link] = [v for v in json.loads(shown.stdout)["links"] if v["id"] == "775024"]
        assert (link["status"], link["evidence"]) == ("confirmed", LP_MESSAGE_EVIDENCE)

    def test_replaying_again_changes_nothing(self, recorded, db_url, tmp_path) -> None:
        """A second replay into the same database polls from its cursors and finds nothing new."""
        recording, cfg, _stdout, _db = recorded
        import_example(db_url, tmp_path)
        assert cli(db_url, cfg, "sync", "--from-file", str(recording)).exit_code == 0
        again = cli(db_url, cfg, "sync", "--from-file", str(recording), "--dry-run")
        assert again.exit_code == 0, again.stdout + again.stderr

    def test_recording_layout(self, recorded) -> None:
        """One JSON Lines file per source call, listed in the manifest with its arguments."""
        recording, *_ = recorded
        manifest = json.loads((recording / "manifest.json").read_text())
        calls = [(c["file"], c["complete"], c["projects"]) for c in manifest["calls"]]
        assert (manifest["format"], manifest["version"]) == ("syncsvc-replay", 2)
        assert manifest["sources"] == ["gerrit", "launchpad"]
        # Polls first; the referenced bug is read whole (a recording has no bug entries)
        # in the batch of the search that returned it, then its comments.
        assert calls == [
            (
                "001-gerrit-changes_updated_since.jsonl",
                True,
                [
                    "openstack/manila",
                    "openstack/manila-specs",
                    "openstack/manila-tempest-plugin",
                    "openstack/manila-ui",
                    "openstack/python-manilaclient",
                ],
            ),
            ("002-gerrit-get_changes.jsonl", True, []),
            ("003-launchpad-search_tasks.jsonl", True, ["manila"]),
            ("004-launchpad-get_bugs.jsonl", True, []),
            ("005-launchpad-get_bug_comments.jsonl", True, []),
            ("006-launchpad-search_tasks.jsonl", True, ["manila-ui"]),
            ("007-launchpad-search_tasks.jsonl", True, ["python-manilaclient"]),
        ]
        assert manifest["calls"][3]["ids"] == [1855391]
        assert sorted(p.name for p in recording.iterdir()) == sorted(
            ["manifest.json", *(c[0] for c in calls)]
        )
        for call in manifest["calls"]:
            lines = (recording / call["file"]).read_text().splitlines()
            assert len(lines) == call["records"]

    def test_full_recording_after_movement(self, quiet_clients, db_url, tmp_path) -> None:
        """A --full re-sync after movement records the moved states; its replay stores them."""
        source_db = f"sqlite:///{tmp_path / 'recorded.sqlite'}"
        import_example(source_db, tmp_path)
        recording = tmp_path / "after-movement"
        with sample_servers() as servers:
            cfg = team_config(
                tmp_path / "record.toml",
                launchpad_root=servers.launchpad_service_root,
                gerrit_url=servers.gerrit_url,
            )
            assert cli(source_db, cfg, "sync").exit_code == 0
            apply_sample_movement(servers)
            result = cli(source_db, cfg, "sync", "--full", "--save-to", str(recording))
            assert result.exit_code == 0, result.stderr
        import_example(db_url, tmp_path)
        replay = cli(db_url, cfg, "sync", "--from-file", str(recording))
        assert replay.exit_code == 0, replay.stderr
        got = snapshot(db_url)
        assert got == snapshot(source_db)
        assert got[f"change:{MOVED_CHANGE}"].status == "MERGED"

    def test_incremental_recording_cannot_seed_a_fresh_database(
        self, quiet_clients, db_url, tmp_path
    ) -> None:
        """A recording of a no-change re-sync lacks the history: each scope fails, exit 3."""
        source_db = f"sqlite:///{tmp_path / 'recorded.sqlite'}"
        import_example(source_db, tmp_path)
        recording = tmp_path / "incremental"
        with sample_servers() as servers:
            cfg = team_config(
                tmp_path / "record.toml",
                launchpad_root=servers.launchpad_service_root,
                gerrit_url=servers.gerrit_url,
            )
            assert cli(source_db, cfg, "sync").exit_code == 0
            assert cli(source_db, cfg, "sync", "--save-to", str(recording)).exit_code == 0
        import_example(db_url, tmp_path)
        result = cli(db_url, cfg, "sync", "--from-file", str(recording))
        assert result.exit_code == 3
        assert f"error: gerrit referenced: change 729292 is not in the recording {recording}" in (
            result.stderr
        )
        assert "no search of Launchpad project manila in the recording" in result.stderr
        assert "record one with `syncsvc sync --full --save-to DIR`" in result.stderr


class TestReplayErrors:
    """Unusable --save-to/--from-file arguments fail with one line and exit 2."""

    @pytest.fixture
    def cfg(self, tmp_path):
        """A config whose hosts are never contacted."""
        return team_config(
            tmp_path / "syncsvc.toml",
            launchpad_root="https://api.launchpad.net/",
            gerrit_url="https://review.opendev.org",
        )

    def test_options_are_exclusive(self, sqlite_url, cfg, tmp_path) -> None:
        """--save-to with --from-file is a usage error."""
        result = cli(sqlite_url, cfg, "sync", "--save-to", "a", "--from-file", str(tmp_path))
        assert result.exit_code == 2
        assert one_line(result.stderr)
        assert "--save-to and --from-file cannot be used together" in result.stderr

    def test_missing_directory(self, sqlite_url, cfg, tmp_path) -> None:
        """A directory that does not exist is named in the error."""
        result = cli(sqlite_url, cfg, "sync", "--from-file", str(tmp_path / "nope"))
        assert result.exit_code == 2
        assert one_line(result.stderr)
        assert f"error: {tmp_path / 'nope'}: no such recording directory" in result.stderr

    def test_directory_without_manifest(self, sqlite_url, cfg, tmp_path) -> None:
        """A directory that is not a recording is refused."""
        result = cli(sqlite_url, cfg, "sync", "--from-file", str(tmp_path))
        assert result.exit_code == 2
        assert "not a syncsvc recording (no manifest.json)" in result.stderr

    @pytest.mark.parametrize(
        ("damage", "message"),
        [
            (lambda d: (d / "manifest.json").write_text("{not json"), "not a usable recording"),
            (
                lambda d: (d / "003-launchpad-search_tasks.jsonl").write_text(""),
                "003-launchpad-search_tasks.jsonl: 0 records, the manifest says",
            ),
            (
                lambda d: replace_line(d / "001-gerrit-changes_updated_since.jsonl", 2, "{}"),
                "001-gerrit-changes_updated_since.jsonl:2: record: missing number, project",
            ),
            (
                lambda d: replace_line(d / "004-launchpad-get_bugs.jsonl", 1, "[1"),
                "004-launchpad-get_bugs.jsonl:1: not JSON",
            ),
            (lambda d: (d / "004-launchpad-get_bugs.jsonl").unlink(), "cannot read"),
        ],
    )
    def test_corrupt_recording(self, recorded, sqlite_url, damage, message) -> None:
        """A damaged manifest or record file is an input error naming the file (and line)."""
        recording, cfg, *_ = recorded
        damage(recording)
        result = cli(sqlite_url, cfg, "sync", "--from-file", str(recording))
        assert result.exit_code == 2, result.stdout
        assert one_line(result.stderr)
        assert message in result.stderr

    def test_source_not_recorded(self, quiet_clients, sqlite_url, tmp_path) -> None:
        """A gerrit-only recording replays with --source all; --source launchpad is refused."""
        import_example(sqlite_url, tmp_path)
        recording = tmp_path / "gerrit-only"
        with sample_servers() as servers:
            cfg = team_config(
                tmp_path / "record.toml",
                launchpad_root=servers.launchpad_service_root,
                gerrit_url=servers.gerrit_url,
            )
            saved = cli(sqlite_url, cfg, "sync", "--source", "gerrit", "--save-to", str(recording))
            assert saved.exit_code == 0, saved.stderr
        refused = cli(
            sqlite_url, cfg, "sync", "--source", "launchpad", "--from-file", str(recording)
        )
        assert refused.exit_code == 2
        assert "the recording has no launchpad data" in refused.stderr
        replay = cli(sqlite_url, cfg, "sync", "--from-file", str(recording))
        assert replay.exit_code == 0, replay.stderr
        assert "launchpad" not in replay.stdout
