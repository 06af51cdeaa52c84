"""Linking, states and `status` end to end: `demo` fills a database, then the commands."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from syncsvc.cli.app import app


def cli(db_url: str, *args: str):
    """Run syncsvc against ``db_url``."""
    return CliRunner().invoke(app, ["--db", db_url, *args])


def actions(db_url: str) -> dict[int, dict]:
    """`actions --format json` keyed by id."""
    return {a["id"]: a for a in json.loads(cli(db_url, "actions", "-f", "json").stdout)}


class TestLinks:
    """Links in `actions`, `show` and the `link` commands."""

    def test_reference_changes_are_linked_and_done(self, demo_db) -> None:
        """Sub teams → 758868, Share Server Updates → 729292, Deprecation → 745206, all MERGED."""
        got = actions(demo_db)
        expected_link = {"source": "explicit", "confidence": 1.0, "status": "confirmed"}
        for action_id, change in ((6, "758868"), (9, "729292"), (11, "745206")):
            link = next(v for v in got[action_id]["links"] if v["id"] == change)
            assert link == {"kind": "change", "id": change, "state": "MERGED", **expected_link}
            assert got[action_id]["progress"] == "done"

    def test_bug_in_topic_links_its_fixing_change(self, demo_db) -> None:
        """haixin's action links bug 1855391 (topic) and the change closing it (transitive)."""
        links = {(v["kind"], v["id"]): v for v in actions(demo_db)[8]["links"]}
        assert links[("bug", "1855391")]["state"] == "Fix Released"
        assert links[("change", "702153")]["source"] == "transitive"
        assert links[("change", "702153")]["status"] == "confirmed"

    def test_bot_comment_is_the_evidence_of_a_link(self, demo_db) -> None:
        """The Gerrit hook's "Fix proposed" comment on bug 1855391 links change 775024 (lp-message)."""
        link = next(v for v in actions(demo_db)[8]["links"] if v["id"] == "775024")
        assert link == {
            "kind": "change", "id": "775024", "source": "transitive", "confidence": 0.81,
            "status": "confirmed", "state": "MERGED",
        }  # fmt: skip
        shown = json.loads(cli(demo_db, "show", "8", "-f", "json").stdout)
        [evidence] = [v["evidence"] for v in shown["links"] if v["id"] == "775024"]
        assert evidence == (
            "via bug 1855391 (explicit): bug 1855391 comment 2021-02-18"
            " 'Fix proposed to manila (master)': https://review.opendev.org/775024"
        )

    def test_specs_found_as_suggested_candidates(self, demo_db) -> None:
        """The specs by gouthamr, carthaca and tbarron are the best suggestions, never confirmed
        (gouthamr's also gets his secure-RBAC code change, 775513, the spec's work)."""
        got = actions(demo_db)
        for action_id, owner, changes in ((14, "gouthamr", ["760021", "775513"]),
                                          (19, "carthaca", ["763780"]),
                                          (20, "tbarron", ["763712"])):  # fmt: skip
            assert got[action_id]["owners"] == [owner]
            links = sorted(got[action_id]["links"], key=lambda v: -v["confidence"])
            assert [v["id"] for v in links] == changes
            assert {(v["source"], v["status"]) for v in links} == {("candidate", "suggested")}
            assert all(0.5 <= v["confidence"] < 1 for v in links)

    def test_reject_is_never_overridden(self, demo_db) -> None:
        """A rejected suggestion stays rejected after `link refresh`."""
        suggested = [v for v in actions(demo_db)[12]["links"] if v["status"] == "suggested"]
        assert suggested, "the demo data suggests carloss' privsep changes"
        target = f"change:{suggested[0]['id']}"
        assert cli(demo_db, "link", "reject", "12", target).exit_code == 0
        assert cli(demo_db, "link", "refresh").exit_code == 0
        after = {v["id"]: v["status"] for v in actions(demo_db)[12]["links"]}
        assert after[suggested[0]["id"]] == "rejected"

    def test_manual_link_and_show_evidence(self, demo_db) -> None:
        """`link add` confirms by hand; `show` lists the link with its evidence."""
        assert cli(demo_db, "link", "add", "17", "change:760021").exit_code == 0
        shown = json.loads(cli(demo_db, "show", "17", "-f", "json").stdout)
        [link] = [v for v in shown["links"] if v["id"] == "760021"]
        assert (link["source"], link["status"], link["evidence"]) == (
            "manual",
            "confirmed",
            "confirmed by hand",
        )

    def test_backports_are_shown_separately(self, demo_db) -> None:
        """A stable/victoria backport gets its own row after the main line in `show`."""
        for change in ("761520", "764905"):
            assert cli(demo_db, "link", "add", "16", f"change:{change}").exit_code == 0
        shown = json.loads(cli(demo_db, "show", "16", "-f", "json").stdout)
        assert [(b["branch"], b["state"]) for b in shown["branches"]] == [
            ("master", "done"),
            ("stable/victoria", "done"),
        ]
        assert "764905" not in shown["branches"][0]["reason"]
        assert "764905" in shown["branches"][1]["reason"]

    def test_bad_link_argument(self, demo_db) -> None:
        """A malformed artifact is a usage error."""
        result = cli(demo_db, "link", "add", "6", "gerrit-758868")
        assert result.exit_code == 2
        assert "expected bug:N, change:N" in result.stderr

    def test_mark_dropped(self, demo_db) -> None:
        """`mark ID dropped` sets the state and the progress."""
        assert cli(demo_db, "mark", "18", "dropped").exit_code == 0
        assert (actions(demo_db)[18]["state"], actions(demo_db)[18]["progress"]) == (
            "dropped",
            "dropped",
        )


class TestStatus:
    """`syncsvc status`."""

    def test_json_groups_and_movements(self, demo_db) -> None:
        """Completed commitments carry the artifact movements inside the window."""
        result = cli(demo_db, "status", "--since", "2020-10-26", "-f", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert set(data) == {"since", "until", "groups"}
        assert set(data["groups"]) == {
            "completed", "progressed", "newly_linked", "stalled", "not_started",
        }  # fmt: skip
        completed = {item["id"]: item for item in data["groups"]["completed"]}
        assert {6, 8, 9, 11} <= set(completed)
        assert completed[11]["movements"] == [
            {"artifact": "change:745206", "what": "MERGED", "at": "2021-06-22T17:31:46+00:00"}
        ]
        assert completed[11]["previous_state"] is None  # committed on a later day of the PTG
        assert {i["id"] for i in data["groups"]["stalled"]} >= {10, 15}

    def test_first_sync_knows_the_state_before(self, demo_db) -> None:
        """After the PTG, a commitment first synced as done was not started before."""
        result = cli(demo_db, "status", "--since", "2020-11-05", "-f", "json")
        completed = {item["id"]: item for item in json.loads(result.stdout)["groups"]["completed"]}
        assert (completed[11]["previous_state"], completed[11]["state"]) == ("not-started", "done")
        shown = json.loads(cli(demo_db, "show", "11", "-f", "json").stdout)
        assert [(h["previous_state"], h["state"]) for h in shown["transitions"]] == [
            (None, "not-started"),
            ("not-started", "done"),
        ]
        assert shown["transitions"][1]["changed_at"] == "2021-06-22T17:31:46+00:00"
        assert shown["transitions"][1]["reason"] == (
            "all linked work complete: change 745206 MERGED"
        )
        table = cli(demo_db, "show", "11").stdout
        assert "2021-06-22 17:31 not-started -> done: all linked work complete" in table

    def test_irc_format(self, demo_db) -> None:
        """IRC lines are plain and at most 400 bytes."""
        result = cli(demo_db, "status", "--since", "2020-10-26", "-f", "irc")
        lines = result.stdout.splitlines()
        assert lines[0].startswith("#info syncsvc status 2020-10-26 00:00 .. ")
        assert "#info completed: #11 " in result.stdout
        assert all(len(line.encode()) <= 400 for line in lines)
        assert "\x1b" not in result.stdout

    def test_owner_filter_and_bad_since(self, demo_db) -> None:
        """--owner narrows the report; an unknown --since is a usage error."""
        data = json.loads(
            cli(
                demo_db, "status", "--since", "2020-10-26", "--owner", "haixin", "-f", "json"
            ).stdout
        )
        assert [i["id"] for g in data["groups"].values() for i in g] == [8]
        bad = cli(demo_db, "status", "--since", "someday")
        assert bad.exit_code == 2
        assert "use 7d" in bad.stderr


class TestPeopleAndDrift:
    """`people` and `drift`."""

    def test_people_learned_and_set(self, demo_db) -> None:
        """Identities are learned from Gerrit usernames; `people set` confirms one."""
        listed = cli(demo_db, "people").stdout
        assert "gouthamr" in listed
        assert "learned" in listed
        result = cli(demo_db, "people", "set", "haixin", "--launchpad", "haixin")
        assert result.exit_code == 0, result.stderr
        assert "haixin: gerrit" in result.stdout

    def test_drift(self, demo_db) -> None:
        """The sample's merged-but-open bug is listed as a to-do."""
        result = cli(demo_db, "drift")
        assert result.exit_code == 0, result.stderr
        assert "1914521" in result.stdout
        assert result.stdout.strip().endswith("to fix on Launchpad")


class TestStatusForTheMeeting:
    """`status` leads with what moved: short by default, in the meeting's idioms."""

    def test_default_summarises_not_started(self, demo_db) -> None:
        """Not started is a count with the 3 oldest; --all and json list every item."""
        full = json.loads(cli(demo_db, "status", "--since", "2020-11-05", "-f", "json").stdout)
        waiting = [i["id"] for i in full["groups"]["not_started"]]
        assert len(waiting) > 3
        short = cli(demo_db, "status", "--since", "2020-11-05").stdout
        assert f"Not started ({len(waiting)}), oldest 3:" in short
        assert sum(f"#{n} " in short for n in waiting) == 3
        every = cli(demo_db, "status", "--since", "2020-11-05", "--all").stdout
        assert all(f"#{n} " in every for n in waiting)
        markdown = cli(demo_db, "status", "--since", "2020-11-05", "-f", "markdown").stdout
        assert sum(f"#{n} " in markdown for n in waiting) == 3

    def test_counts_format(self, demo_db) -> None:
        """--format counts is one line: each group and its size."""
        full = json.loads(cli(demo_db, "status", "--since", "2020-11-05", "-f", "json").stdout)
        result = cli(demo_db, "status", "--since", "2020-11-05", "-f", "counts")
        assert result.exit_code == 0, result.stderr
        expected = " · ".join(
            f"{group.replace('_', ' ')} {len(items)}" for group, items in full["groups"].items()
        )
        assert result.stdout.splitlines() == [expected]

    def test_irc_meetbot_idiom_and_max_lines(self, demo_db) -> None:
        """IRC is at most 10 #info/#link lines by default; --max-lines changes the cap."""
        lines = cli(demo_db, "status", "--since", "2020-10-26", "-f", "irc").stdout.splitlines()
        assert 1 < len(lines) <= 10
        assert (
            lines[-1]
            == "#info not shown: stalled 3, not started 13, suggested links 17 (syncsvc status --all)"
        )
        assert all(line.startswith(("#info ", "#link ")) for line in lines)
        assert all(len(line.encode()) <= 400 for line in lines)
        assert "#link https://review.opendev.org/c/745206" in lines
        five = cli(demo_db, "status", "--since", "2020-10-26", "-f", "irc", "--max-lines", "5")
        assert 3 <= len(five.stdout.splitlines()) <= 5
        assert five.stdout.splitlines()[-1].startswith("#info not shown: completed ")
        every = cli(demo_db, "status", "--since", "2020-10-26", "-f", "irc", "--all")
        assert len(every.stdout.splitlines()) > 10

    def test_etherpad_format(self, demo_db) -> None:
        """Etherpad: * bullets, [x]/[ ] boxes, bare URLs and no Markdown escapes."""
        result = cli(demo_db, "status", "--since", "2020-10-26", "-f", "etherpad")
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert any(line.startswith("  * [x] #11 ") for line in lines)
        assert any(line.startswith("  * [ ] #") for line in lines)
        assert "https://review.opendev.org/c/745206" in result.stdout
        assert "\\" not in result.stdout
        assert "\x1b" not in result.stdout
