"""Issue 10: an import updates only its own source; withdrawn actions are shown and guarded."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import EXAMPLE
from typer.testing import CliRunner

from syncsvc.cli.app import app

DAY_3 = EXAMPLE.index(b"== Day 3")
INTRO = EXAMPLE[: EXAMPLE.index(b"== Day 1")]
DROPPED = b"&nbsp; &nbsp; - haixin will update the patch with this feedback<br>"


def mail(message_id: str, body: bytes, *, subject: str = "[manila] Wallaby PTG summary") -> bytes:
    """A saved mail: RFC 5322 headers, a blank line, then the HTML part."""
    head = f"From: PTL <ptl@example.org>\nSubject: {subject}\nMessage-ID: <{message_id}>\n\n"
    return head.encode() + body


DAY_1_MAIL = mail("day1@example.org", EXAMPLE[:DAY_3] + b"</div>")
DAY_3_MAIL = mail("day3@example.org", INTRO + EXAMPLE[DAY_3:])
NO_TEAM_A = b"""Subject: Storage notes

Notes from our sessions.

=== Backups ===
Actions:
- bob will benchmark the compressor
- alice will review the backup spec
"""
NO_TEAM_B = b"""Subject: Networking notes

Notes from other sessions.

=== Routers ===
Actions:
- carol will write the router guide
"""


def run(runner: CliRunner, db_url: str, *args: str):
    """Invoke syncsvc with ``--db`` set."""
    return runner.invoke(app, ["--db", db_url, *args])


def write(tmp_path: Path, name: str, data: bytes) -> str:
    """Write ``data`` to ``tmp_path/name``; return the path as a string."""
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def actions(runner: CliRunner, db_url: str) -> list[dict]:
    """`syncsvc actions --format json` parsed."""
    result = run(runner, db_url, "actions", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def show(runner: CliRunner, db_url: str, action_id: int) -> dict:
    """`syncsvc show ID --format json` parsed."""
    result = run(runner, db_url, "show", str(action_id), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestSeparateSources:
    """A different source never updates another event's actions."""

    def test_per_day_mails_keep_each_others_actions(self, runner, db_url, tmp_path) -> None:
        """Two per-day mails of one PTG, imported apart, keep all 20 actions with their days."""
        run(runner, db_url, "import", write(tmp_path, "day1.eml", DAY_1_MAIL))
        first = {a["id"]: (a["text"], a["day"]) for a in actions(runner, db_url)}
        second = run(runner, db_url, "import", write(tmp_path, "day3.eml", DAY_3_MAIL))
        assert second.exit_code == 0, second.stderr
        after = {a["id"]: (a["text"], a["day"]) for a in actions(runner, db_url)}
        assert len(first) == 10
        assert len(after) == 20
        assert {i: after[i] for i in first} == first
        assert {day for _, day in first.values()} == {"2020-10-26", "2020-10-27"}

    def test_team_less_summaries_do_not_wipe_each_other(self, runner, db_url, tmp_path) -> None:
        """Two different summaries that name no team or cycle are two events with their actions."""
        run(runner, db_url, "import", write(tmp_path, "a.txt", NO_TEAM_A))
        run(runner, db_url, "import", write(tmp_path, "b.txt", NO_TEAM_B))
        assert sorted(a["text"] for a in actions(runner, db_url)) == [
            "alice will review the backup spec",
            "bob will benchmark the compressor",
            "carol will write the router guide",
        ]
        events = json.loads(run(runner, db_url, "events", "--format", "json").stdout)
        assert [e["actions"] for e in events] == [2, 1]


class TestWithdrawn:
    """An action gone from its source is withdrawn: counted, shown and guarded."""

    def test_dry_run_reports_what_a_real_run_withdraws(self, runner, db_url, tmp_path) -> None:
        """`--dry-run` prints the counts the real import then prints, withdrawn included."""
        path = write(tmp_path, "example.html", EXAMPLE)
        run(runner, db_url, "import", path)
        write(tmp_path, "example.html", EXAMPLE.replace(DROPPED, b""))
        dry = run(runner, db_url, "import", path, "--dry-run")
        assert "0 new, 0 updated, 19 unchanged, 1 withdrawn" in dry.stdout
        assert len(actions(runner, db_url)) == 20
        real = run(runner, db_url, "import", path)
        assert "0 new, 0 updated, 19 unchanged, 1 withdrawn" in real.stdout
        assert len(actions(runner, db_url)) == 19

    def test_show_says_withdrawn(self, runner, db_url, tmp_path) -> None:
        """`show` of an action gone from its summary says it was withdrawn."""
        path = write(tmp_path, "example.html", EXAMPLE)
        run(runner, db_url, "import", path)
        [gone] = [a["id"] for a in actions(runner, db_url) if a["text"].startswith("haixin will")]
        write(tmp_path, "example.html", EXAMPLE.replace(DROPPED, b""))
        run(runner, db_url, "import", path)
        table = run(runner, db_url, "show", str(gone))
        assert "withdrawn" in table.stdout
        assert "gone from its source" in table.stdout
        detail = show(runner, db_url, gone)
        assert detail["withdrawn_at"] is not None
        assert (detail["origin"], detail["source"]) == ("source", "name:Manila Wallaby PTG")

    def test_mark_refuses_a_withdrawn_action_without_force(self, runner, db_url, tmp_path) -> None:
        """`mark` on a withdrawn action refuses with one line; `--force` marks it."""
        path = write(tmp_path, "example.html", EXAMPLE)
        run(runner, db_url, "import", path)
        [gone] = [a["id"] for a in actions(runner, db_url) if a["text"].startswith("haixin will")]
        write(tmp_path, "example.html", EXAMPLE.replace(DROPPED, b""))
        run(runner, db_url, "import", path)
        refused = run(runner, db_url, "mark", str(gone), "done")
        assert refused.exit_code == 2
        [error] = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
        assert "was withdrawn" in error
        assert show(runner, db_url, gone)["state"] == "open"
        forced = run(runner, db_url, "mark", str(gone), "done", "--force")
        assert forced.exit_code == 0, forced.stderr
        assert show(runner, db_url, gone)["state"] == "done"


POLICY = b"&nbsp; &nbsp; - gouthamr will write the policy refresh spec<br>"
UNTITLED_A = b"""Notes from our sessions.

=== Backups ===
Actions:
- bob will benchmark the compressor
- alice will review the backup spec
"""
UNTITLED_B = b"""Notes from other sessions.

=== Routers ===
Actions:
- carol will write the router guide
"""


def events(runner: CliRunner, db_url: str) -> list[dict]:
    """`syncsvc events --format json` parsed."""
    result = run(runner, db_url, "events", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestJoining:
    """`--event NAME|ID` puts several mails of one PTG into one event."""

    def test_mails_join_by_id_and_withdraw_only_their_own(self, runner, db_url, tmp_path) -> None:
        """The second mail joins event 1; dropping one of its actions leaves the first's alone."""
        run(runner, db_url, "import", write(tmp_path, "day1.eml", DAY_1_MAIL))
        first = [a["id"] for a in actions(runner, db_url)]
        day3 = write(tmp_path, "day3.eml", DAY_3_MAIL)
        joined = run(runner, db_url, "import", day3, "--event", "1")
        assert "saved event 1: 10 new, 0 updated, 0 unchanged, 0 withdrawn" in joined.stdout
        assert "(source message-id:day3@example.org)" in joined.stdout
        write(tmp_path, "day3.eml", DAY_3_MAIL.replace(POLICY, b""))
        again = run(runner, db_url, "import", day3)
        assert "saved event 1: 0 new, 0 updated, 9 unchanged, 1 withdrawn" in again.stdout
        assert [(e["id"], e["actions"]) for e in events(runner, db_url)] == [(1, 19)]
        assert [a["id"] for a in actions(runner, db_url)][:10] == first

    def test_mails_join_by_name(self, runner, db_url, tmp_path) -> None:
        """`--event` with the event's title joins it."""
        run(runner, db_url, "import", write(tmp_path, "day1.eml", DAY_1_MAIL))
        day3 = write(tmp_path, "day3.eml", DAY_3_MAIL)
        run(runner, db_url, "import", day3, "--event", "Manila Wallaby PTG")
        assert [(e["title"], e["actions"]) for e in events(runner, db_url)] == [
            ("Manila Wallaby PTG", 20)
        ]

    def test_local_files_join_by_name(self, runner, db_url, tmp_path) -> None:
        """A second header-less file given the event's name joins it and withdraws nothing."""
        run(runner, db_url, "import", write(tmp_path, "day1.html", EXAMPLE[:DAY_3] + b"</div>"))
        day3 = write(tmp_path, "day3.html", INTRO + EXAMPLE[DAY_3:])
        joined = run(runner, db_url, "import", day3, "--event", "Manila Wallaby PTG")
        assert "saved event 1: 10 new, 0 updated, 0 unchanged, 0 withdrawn" in joined.stdout
        again = run(runner, db_url, "import", day3, "--event", "Manila Wallaby PTG")
        assert "saved event 1: 0 new, 0 updated, 10 unchanged, 0 withdrawn" in again.stdout
        assert [(e["id"], e["actions"]) for e in events(runner, db_url)] == [(1, 20)]

    def test_unknown_event_id_exits_5(self, runner, db_url, tmp_path) -> None:
        """`--event` with an id no event has is refused with exit 5 and stores nothing."""
        result = run(runner, db_url, "import", write(tmp_path, "d.eml", DAY_1_MAIL), "--event", "7")
        assert result.exit_code == 5
        assert "no event with id 7" in result.stderr
        assert actions(runner, db_url) == []

    def test_team_less_files_without_headers_keep_apart(self, runner, db_url, tmp_path) -> None:
        """Two untitled, team-less summaries share a default name but stay two events."""
        run(runner, db_url, "import", write(tmp_path, "a.txt", UNTITLED_A))
        second = run(runner, db_url, "import", write(tmp_path, "b.txt", UNTITLED_B))
        assert "saved event 2: 1 new, 0 updated, 0 unchanged, 0 withdrawn" in second.stdout
        assert "(source name:PTG (2))" in second.stdout
        again = run(runner, db_url, "import", write(tmp_path, "a.txt", UNTITLED_A))
        assert "saved event 1: 0 new, 0 updated, 2 unchanged, 0 withdrawn" in again.stdout
        assert [e["actions"] for e in events(runner, db_url)] == [2, 1]


class TestImportJson:
    """`import --format json`: the counts for machines, dry run included."""

    def test_json_counts_of_a_dry_run_and_a_real_run(self, runner, db_url, tmp_path) -> None:
        """Stdout is one JSON object with the event, source and counts; a dry run has no id yet."""
        path = write(tmp_path, "example.html", EXAMPLE)
        dry = run(runner, db_url, "import", path, "--dry-run", "--format", "json")
        assert dry.exit_code == 0, dry.stderr
        source = {"kind": "name", "key": "Manila Wallaby PTG"}
        assert json.loads(dry.stdout) == {
            "event_id": None, "new_event": True, "source": source, "dry_run": True,
            "new": 20, "updated": 0, "unchanged": 0, "withdrawn": 0,
        }  # fmt: skip
        assert "20 actions" in dry.stderr
        real = run(runner, db_url, "import", path, "--format", "json")
        assert json.loads(real.stdout) == {
            "event_id": 1, "new_event": True, "source": source, "dry_run": False,
            "new": 20, "updated": 0, "unchanged": 0, "withdrawn": 0,
        }  # fmt: skip
        write(tmp_path, "example.html", EXAMPLE.replace(DROPPED, b""))
        edit = run(runner, db_url, "import", path, "--dry-run", "-f", "json")
        assert json.loads(edit.stdout)["event_id"] == 1
        assert [json.loads(edit.stdout)[k] for k in ("new", "unchanged", "withdrawn")] == [0, 19, 1]
