"""`syncsvc sync` end to end: real launchpadlib and python-gerritclient against the fakes."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from helpers import cli, fakes_config, session_on
from sqlalchemy import func, select
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.domain import Bug
from syncsvc.models.db import open_engine
from syncsvc.models.lock import sync_lock
from syncsvc.models.sync_store import artifact_states, get_bug, get_change
from syncsvc.models.sync_tables import BugMessageRow, BugTaskRow, ChangeRow, UnreturnedChangeRow
from syncsvc.testing.demo_servers import (
    add_comment,
    apply_sample_movement,
    sample_servers,
    update_task,
)
from syncsvc.testing.fake_gerrit import make_change
from syncsvc.testing.fake_launchpad import FakeTask


@pytest.fixture
def servers(quiet_clients):
    """The sample fakes, Gerrit with one HTTP-password user."""
    with sample_servers(gerrit_users={"syncbot": "s3cret-http-pw"}) as s:
        yield s


def requests_made(servers) -> tuple[int, int]:
    """(Launchpad, Gerrit) requests since the last reset; then reset."""
    counts = (len(servers.launchpad.requests), len(servers.gerrit.requests))
    servers.launchpad.clear_requests()
    servers.gerrit.requests.clear()
    return counts


def states(db_url: str, cfg: Path) -> dict[str, str]:
    """Each referenced artifact's stored state, read through the store API."""
    with session_on(db_url) as session:
        return artifact_states(
            session, ["change:758868", "change:745206", "change:729292", "bug:1855391"]
        )


class TestSyncEndToEnd:
    """First sync, no-change re-sync and re-sync after movement, with request counts."""

    def test_first_sync_then_resync_then_movement(self, imported, servers, tmp_path) -> None:
        """Counts requests per run; only what changed is fetched the second and third time."""
        cfg = fakes_config(tmp_path, servers)
        first = cli(imported, cfg, "sync")
        assert first.exit_code == 0, first.stderr
        # Launchpad: WADL + root, 3 searches, the referenced bug's entry where its search
        # returns it (it was bug + tasks + the bug again for its comments, read before the
        # polls), its comments (1 page), one blueprint page per project (3); Gerrit: poll +
        # referenced (governance, not polled) + one review-message read of the 8 linked changes.
        assert requests_made(servers) == (11, 3)
        assert states(imported, cfg) == {
            "change:758868": "MERGED",
            "change:745206": "MERGED",
            "change:729292": "MERGED",
            "bug:1855391": "Fix Released",
        }
        again = cli(imported, cfg, "sync")
        assert again.exit_code == 0, again.stderr
        assert requests_made(servers) == (3, 1)  # warm WADL cache; referenced all known
        assert "0 │ 0" in again.stdout or "│ 0       │ 0   │" in again.stdout
        apply_sample_movement(servers)
        moved = cli(imported, cfg, "sync")
        assert moved.exit_code == 0, moved.stderr
        assert requests_made(servers) == (3, 1)  # the moved bugs are not tracked: no comment read
        history = json.loads(
            CliRunner().invoke(app, ["--db", imported, "events", "--format", "json"]).stdout
        )
        assert history[0]["actions"] == 20

    def test_paging_over_several_pages(self, imported, servers, tmp_path) -> None:
        """480 more changes and 300 more tasks are read page by page, then not again."""
        start = datetime(2021, 1, 4, tzinfo=UTC)
        for i in range(480):
            when = start + timedelta(hours=i)
            servers.gerrit.add_change(make_change(790000 + i, created=when, updated=when))
            if i < 300:
                servers.launchpad.add_bug(
                    1950000 + i,
                    f"sample bug {i}",
                    tasks=[FakeTask("manila")],
                    date_last_updated=when,
                )
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 0, result.stderr
        polls = [r for r in servers.gerrit.requests if "project:" in " ".join(r.params["q"])]
        searches = [
            r.path for r in servers.launchpad.requests if r.query.get("ws.op") == ["searchTasks"]
        ]
        # Gerrit: 28 + 480 changes at 500 a page (its default query limit); Launchpad
        # manila: 7 + 300 tasks at 300 a page (its largest batch).
        assert [(r.params.get("n"), r.params.get("S")) for r in polls] == [
            (["500"], None), (["500"], ["500"]),
        ]  # fmt: skip
        assert sorted(searches) == [
            "/devel/manila", "/devel/manila", "/devel/manila-ui", "/devel/python-manilaclient",
        ]  # fmt: skip
        with session_on(imported) as session:
            changes = session.scalar(select(func.count()).select_from(ChangeRow))
            tasks = session.scalar(select(func.count()).select_from(BugTaskRow))
        # 28 polled + 480 new + 758868 (referenced, in a project not polled);
        # tasks: manila 7 + 300, manila-ui 1, python-manilaclient 2.
        assert (changes, tasks) == (509, 310)
        again = cli(imported, cfg, "sync")
        assert again.exit_code == 0, again.stderr
        assert "│ 0   │ 0       │" in again.stdout

    def test_quiet_sync_prints_nothing_on_success(self, imported, servers, tmp_path) -> None:
        """`syncsvc -q sync` (cron) writes nothing on success, yet saves everything."""
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "-q", "sync")
        assert result.exit_code == 0, result.stderr
        assert (result.stdout, result.stderr) == ("", "")
        assert states(imported, cfg)["change:758868"] == "MERGED"

    def test_quiet_sync_still_reports_failures(self, imported, servers, tmp_path) -> None:
        """`syncsvc -q sync` with Gerrit down: exit 3 and one line per failed scope on stderr."""
        servers.gerrit.add_fault(status=503, times=None)
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "-q", "sync", "--source", "gerrit")
        assert result.exit_code == 3
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert [line.split(":")[1].strip() for line in errors] == [
            "gerrit projects",
            "gerrit referenced",
        ]

    def test_dry_run_exits_1_and_keeps_nothing(self, imported, servers, tmp_path) -> None:
        """--dry-run with work to do exits 1 and stores no artifact."""
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "sync", "--dry-run")
        assert result.exit_code == 1, result.stderr
        assert "dry run: nothing was saved" in result.stdout
        assert states(imported, cfg) == {}
        assert comment_rows(imported) == []

    def test_authenticated_gerrit(self, imported, servers, tmp_path, monkeypatch) -> None:
        """With a username and password the /a/ API is used, and the password is never printed."""
        monkeypatch.setenv("SYNCSVC_GERRIT_PASSWORD", "s3cret-http-pw")
        cfg = fakes_config(tmp_path, servers, gerrit_extra='username = "syncbot"')
        result = cli(imported, cfg, "sync", "--source", "gerrit")
        assert result.exit_code == 0, result.stderr
        assert {r.path.split("?")[0] for r in servers.gerrit.requests} == {"/a/changes/"}
        assert {r.user for r in servers.gerrit.requests} == {"syncbot"}
        assert "s3cret" not in result.stdout + result.stderr

    def test_gerrit_outage_is_exit_3_and_launchpad_still_syncs(
        self, imported, servers, tmp_path
    ) -> None:
        """A Gerrit that keeps answering 503 fails its scopes; Launchpad data is still saved."""
        servers.gerrit.add_fault(status=503, times=None)
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 3
        assert "error: gerrit referenced:" in result.stderr
        assert states(imported, cfg) == {"bug:1855391": "Fix Released"}

    def test_launchpad_503_is_retried(self, imported, servers, tmp_path) -> None:
        """Two 503s from Launchpad are retried and the sync succeeds."""
        servers.launchpad.fail(503, times=2, match="searchTasks")
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "sync", "--source", "launchpad")
        assert result.exit_code == 0, result.stderr
        assert states(imported, cfg)["bug:1855391"] == "Fix Released"

    def test_concurrent_sync_exits_6(self, imported, servers, tmp_path) -> None:
        """A second sync while the lock is held waits --wait seconds, then exits 6."""
        cfg = fakes_config(tmp_path, servers)
        engine = open_engine(imported)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with sync_lock(engine, wait=1):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(5)
        try:
            result = cli(imported, cfg, "sync", "--wait", "0.3")
        finally:
            release.set()
            holder.join()
            engine.dispose()
        assert result.exit_code == 6
        assert "another syncsvc sync is running" in result.stderr

    def test_host_not_allowed_contacts_nothing(self, imported, servers, tmp_path) -> None:
        """A configured host outside allowed_hosts is refused before any request."""
        cfg = fakes_config(
            tmp_path, servers, extra='[sync]\nallowed_hosts = ["review.opendev.org"]\n'
        )
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 2
        root = servers.launchpad_service_root.rstrip("/")
        assert f"{root} is not in [sync] allowed_hosts" in result.stderr
        assert requests_made(servers) == (0, 0)


RELEASE_NOTE_EVIDENCE = (
    "via bug 1855391 (explicit): bug 1855391 comment 2021-02-18"
    " 'Fix proposed to manila (master)': https://review.opendev.org/775024"
)


def comment_rows(db_url: str) -> list[tuple[int, int, str | None, str]]:
    """Every stored bug comment as (bug, number, author, subject)."""
    with session_on(db_url) as session:
        rows = session.scalars(
            select(BugMessageRow).order_by(BugMessageRow.bug_id, BugMessageRow.number)
        )
        return [(r.bug_id, r.number, r.author, r.subject) for r in rows]


def comment_reads(servers) -> list[str]:
    """The comment pages Launchpad served since the last reset."""
    return [r.path for r in servers.launchpad.requests if r.path.endswith("/messages")]


def action_links(db_url: str, action_id: int) -> dict[str, dict]:
    """`show ID --format json` links of ``action_id`` keyed by artifact id."""
    result = CliRunner().invoke(app, ["--db", db_url, "show", str(action_id), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return {link["id"]: link for link in json.loads(result.stdout)["links"]}


class TestLinkedByHand:
    """What a person links by hand is synced like what a summary names."""

    def test_hand_linked_change_outside_the_projects_is_fetched(
        self, imported, servers, tmp_path
    ) -> None:
        """A change in a project nobody polls is fetched once linked, then kept fresh."""
        cfg = fakes_config(tmp_path, servers)
        assert cli(imported, cfg, "sync").exit_code == 0
        requests_made(servers)
        assert cli(imported, cfg, "link", "add", "20", "change:763712").exit_code == 0
        assert action_links(imported, 20)["763712"]["state"] is None  # not stored yet
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 0, result.stderr
        # The referenced batch now names 763712, and its review messages are read once.
        assert requests_made(servers) == (3, 3)
        link = action_links(imported, 20)["763712"]
        assert (link["source"], link["status"], link["state"]) == ("manual", "confirmed", "NEW")
        listed = json.loads(
            CliRunner().invoke(app, ["--db", imported, "actions", "-f", "json"]).stdout
        )
        [tbarron] = [a for a in listed if a["id"] == 20]
        assert tbarron["progress"] == "stalled"  # open on nova-specs, idle since 2021-03-02


HOOK_COMMENTS_1855391 = [
    (1855391, 1, "hudson-openstack", "Fix proposed to manila (master)"),
    (1855391, 3, "hudson-openstack", "Related fix proposed to manila (master)"),
    (1855391, 4, "hudson-openstack", "Change abandoned on manila (master)"),
    (1855391, 5, "hudson-openstack", "Fix proposed to python-manilaclient (master)"),
    (1855391, 6, "hudson-openstack", "Fix merged to manila (master)"),
    (1855391, 7, "hudson-openstack", "Fix proposed to manila (master)"),
    (1855391, 8, "hudson-openstack", "Related fix proposed to manila (master)"),
    (1855391, 9, "hudson-openstack", "Fix merged to python-manilaclient (master)"),
    (1855391, 10, "hudson-openstack", "Related fix merged to manila (master)"),
]


class TestCommentSync:
    """Bug comments through the real launchpadlib: read when date_last_message moves."""

    def test_comments_follow_date_last_message(self, imported, servers, tmp_path) -> None:
        """Comments are read once, re-checked for 1 request on an update, read again when new."""
        cfg = fakes_config(tmp_path, servers)
        assert cli(imported, cfg, "sync").exit_code == 0
        assert comment_reads(servers) == ["/devel/bugs/1855391/messages"]  # untracked: none
        # Launchpad: + 3 blueprint pages; Gerrit: + the linked changes' messages
        assert requests_made(servers) == (11, 3)
        assert comment_rows(imported) == HOOK_COMMENTS_1855391  # chat and release note dropped
        stored = get_stored_bug(imported, 1855391)
        assert stored.date_last_message == datetime(2021, 3, 25, 16, 2, 19, tzinfo=UTC)

        assert cli(imported, cfg, "sync").exit_code == 0
        assert (comment_reads(servers), requests_made(servers)) == ([], (3, 1))

        update_task(servers.launchpad, 1855391, "manila", importance="High")
        assert cli(imported, cfg, "sync").exit_code == 0
        assert comment_reads(servers) == []
        assert requests_made(servers) == (4, 1)  # 3 searches + the bug's date_last_message

        add_comment(
            servers.launchpad,
            1855391,
            "hudson-openstack",
            "Related fix proposed to branch: master\n"
            "Review: https://review.opendev.org/c/openstack/manila/+/777301",
            subject="Related fix proposed to manila (master)",
        )
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 0, result.stderr
        assert comment_reads(servers) == ["/devel/bugs/1855391/messages"]
        assert requests_made(servers) == (5, 1)  # 3 searches + the bug + its comment page
        assert comment_rows(imported)[-1] == (
            1855391, 12, "hudson-openstack", "Related fix proposed to manila (master)",
        )  # fmt: skip
        related = action_links(imported, 8)["777301"]
        assert (related["source"], related["status"], related["state"]) == (
            "transitive", "suggested", "NEW",
        )  # fmt: skip
        assert "bug 1855391 comment" in related["evidence"]

    def test_hook_comment_is_the_only_evidence_of_a_link(self, imported, servers, tmp_path) -> None:
        """Change 775024 has no footer or topic for bug 1855391; the bot's comment links it."""
        cfg = fakes_config(tmp_path, servers)
        assert cli(imported, cfg, "sync").exit_code == 0
        with session_on(imported) as session:
            change = get_change(session, 775024)
        assert change is not None
        assert (change.topic, change.footers.closes_bug, change.footers.related_bug) == (
            None,
            (),
            (),
        )
        listed = json.loads(
            CliRunner().invoke(app, ["--db", imported, "actions", "-f", "json"]).stdout
        )
        [haixin] = [a for a in listed if a["id"] == 8]
        assert {
            "kind": "change", "id": "775024", "source": "transitive", "confidence": 0.81,
            "status": "confirmed", "state": "MERGED",
        } in haixin["links"]  # fmt: skip
        assert haixin["progress"] == "done"
        assert action_links(imported, 8)["775024"]["evidence"] == RELEASE_NOTE_EVIDENCE

    def test_private_referenced_bug_reads_no_comments(self, imported, servers, tmp_path) -> None:
        """A referenced bug private to us is stored invisible; its comments are never asked for."""
        summary = tmp_path / "security.txt"
        summary.write_text(
            "== Day 1 - Oct 26, 2020, Mon ==\n=== Security triage ===\nActions:\n"
            "- gouthamr will triage https://bugs.launchpad.net/manila/+bug/1909850\n"
        )
        assert CliRunner().invoke(app, ["--db", imported, "import", str(summary)]).exit_code == 0
        cfg = fakes_config(tmp_path, servers)
        result = cli(imported, cfg, "sync", "--source", "launchpad")
        assert result.exit_code == 0, result.stderr
        asked = [r.path for r in servers.launchpad.requests if "1909850" in r.path]
        assert asked == ["/devel/bugs/1909850"]
        assert comment_reads(servers) == ["/devel/bugs/1855391/messages"]
        assert get_stored_bug(imported, 1909850) == Bug(1909850, visible=False)
        assert {row[0] for row in comment_rows(imported)} == {1855391}


def get_stored_bug(db_url: str, bug_id: int) -> Bug:
    """The stored bug (it must exist)."""
    with session_on(db_url) as session:
        bug = get_bug(session, bug_id)
    assert bug is not None
    return bug


def unreturned(db_url: str) -> list[tuple[int, int]]:
    """(number, times asked) of each change recorded as not returned by Gerrit."""
    with session_on(db_url) as session:
        rows = session.execute(select(UnreturnedChangeRow.number, UnreturnedChangeRow.times))
        return sorted((number, times) for number, times in rows)


class TestUnreturnedChange:
    """A referenced change Gerrit never returns is asked for once a day, not every run."""

    def test_asked_again_after_a_day_or_with_full(self, imported, servers, tmp_path) -> None:
        """The next runs skip it (1 Gerrit request, the poll); a day later, or with
        --full, it is asked for again; once it exists it is stored and forgotten."""
        cfg = fakes_config(tmp_path, servers)
        assert cli(imported, cfg, "link", "add", "20", "change:999999").exit_code == 0
        assert cli(imported, cfg, "sync").exit_code == 0
        asked = [r for r in servers.gerrit.requests if "change:999999" in " ".join(r.params["q"])]
        assert len(asked) == 1
        assert unreturned(imported) == [(999999, 1)]
        requests_made(servers)
        assert cli(imported, cfg, "sync").exit_code == 0
        assert requests_made(servers) == (3, 1)  # the poll alone
        with time_machine.travel(datetime.now(UTC) + timedelta(hours=25)):
            assert cli(imported, cfg, "sync").exit_code == 0
            assert requests_made(servers)[1] == 2  # the referenced batch asks again
            assert unreturned(imported) == [(999999, 2)]
            assert cli(imported, cfg, "sync", "--full").exit_code == 0
            asked = [r for r in servers.gerrit.requests if "999999" in " ".join(r.params["q"])]
            assert len(asked) == 1
            assert unreturned(imported) == [(999999, 3)]
            servers.gerrit.add_change(make_change(999999, project="openstack/nova-specs"))
            assert cli(imported, cfg, "sync", "--full").exit_code == 0
        assert unreturned(imported) == []
        assert action_links(imported, 20)["999999"]["state"] == "NEW"
