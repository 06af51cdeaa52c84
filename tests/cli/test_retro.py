"""`syncsvc retro` and `mark … ongoing` end to end on the demo database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from syncsvc.cli.app import app

KEYS = {
    "event", "until", "completion", "topics", "owners", "burnup", "milestones",
    "scope_change", "bugs", "reviews", "blueprints", "carry_over",
}  # fmt: skip
RELEASE = "2021-04-16T23:59:59+00:00"  # the end of wallaby's release week


def cli(db_url: str, *args: str):
    """Run syncsvc against ``db_url``."""
    return CliRunner().invoke(app, ["--db", db_url, *args])


def retro(db_url: str, *args: str) -> dict:
    """`retro --format json` parsed."""
    result = cli(db_url, "retro", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def states(report: dict) -> dict[int, str]:
    """Item id → retrospective state, from the per-topic lists."""
    return {i["id"]: i["state"] for t in report["topics"] for i in t["items"]}


class TestRetroJson:
    """The JSON figures match the demo's commitments and their stored history."""

    def test_headline_and_states_at_the_release(self, demo_db) -> None:
        """At wallaby's release 3 of 20 are done (6, 8, 9); 11 is in progress (its change
        was open until June); 3, 10 and 15 are stalled."""
        report = retro(demo_db)
        assert set(report) == KEYS
        assert report["event"] == {
            "id": 1, "title": "Manila Wallaby PTG", "team": "manila", "cycle": "wallaby",
        }  # fmt: skip
        assert report["until"] == RELEASE
        assert report["completion"] == {
            "percent": 15.0, "done": 3, "counted": 20, "total": 20, "in_progress": 1,
            "stalled": 3, "never_started": 13, "dropped": 0, "withdrawn": 0, "ongoing": 0,
            "previous": None,
        }  # fmt: skip
        got = states(report)
        assert {i for i, s in got.items() if s == "done"} == {6, 8, 9}
        assert {i for i, s in got.items() if s == "stalled"} == {3, 10, 15}
        assert got[11] == "in_progress"
        assert [c["id"] for c in report["carry_over"]] == [
            i for i in range(1, 21) if i not in {6, 8, 9}
        ]

    def test_topics_owners_and_evidence(self, demo_db) -> None:
        """Per topic and per owner counts, with each item's evidence links."""
        report = retro(demo_db)
        sub_teams = next(t for t in report["topics"] if t["topic"] == "Sub teams")
        assert (sub_teams["completion"]["done"], sub_teams["completion"]["never_started"]) == (1, 1)
        assert sub_teams["items"][0]["evidence"] == [
            {"artifact": "change:758868", "url": "https://review.opendev.org/c/758868"}
        ]
        owners = {o["owner"]: o for o in report["owners"]}
        assert owners["dviroel"]["items"] == [5, 9, 11]
        assert owners["dviroel"]["completion"]["percent"] == 33.3
        assert owners[None]["items"] == [2, 4, 6, 7, 10, 15, 18]

    def test_burnup_milestones_reviews_and_bugs(self, demo_db) -> None:
        """Weekly burn-up from the PTG's first day, wallaby's milestones, merge times, and
        no bug figures before the first sync."""
        report = retro(demo_db)
        burnup = report["burnup"]
        assert burnup[0] == {"date": "2020-10-26", "scope": 5, "started": 0, "completed": 0}
        assert burnup[2] == {"date": "2020-11-09", "scope": 20, "started": 4, "completed": 1}
        assert burnup[-1] == {"date": "2021-04-16", "scope": 20, "started": 4, "completed": 3}
        assert [(m["name"], m["date"]) for m in report["milestones"]] == [
            ("M-1", "2020-12-04"), ("Spec freeze", "2020-12-25"), ("M-2", "2021-01-22"),
            ("M-3", "2021-03-12"), ("Feature freeze", "2021-03-12"), ("RC1", "2021-03-26"),
            ("Release", "2021-04-16"),
        ]  # fmt: skip
        reviews = report["reviews"]
        assert (reviews["linked_changes"], reviews["merged"]) == (8, 6)
        assert reviews["time_to_merge_days"] == {"median": 20.6, "q3": 164.8}
        # Days from creation to the first message or vote by someone other than the owner
        # and Zuul (sample data): 775024 1.39, 758868 1.47, 771234 2.63, 762950 4.22,
        # 745206 5.05, 729292 6.31, 778230 7.21, 702153 13.22. Median (4.22 + 5.05) / 2;
        # Q3 (inclusive) 6.31 + 0.25 * (7.21 - 6.31).
        assert reviews["time_to_first_review_days"] == {"median": 4.6, "q3": 6.5}
        assert (reviews["unreviewed"], reviews["unread"]) == (0, 0)
        assert reviews["time_to_first_review_reason"] is None
        bugs = report["bugs"]
        assert bugs["note"] == f"no data before {bugs['data_since']}"
        assert {w["open"] for w in bugs["weekly"]} == {None}
        assert (bugs["backlog_start"], bugs["backlog_end"]) == (None, None)
        assert report["scope_change"] == {
            "added_after_ptg": [], "carried_in": [], "withdrawn": [], "dropped": [],
        }  # fmt: skip

    def test_a_past_date_does_not_move_when_later_work_arrives(self, demo_db) -> None:
        """A mark made today leaves the report as of the release unchanged; --until now sees it."""
        before = retro(demo_db, "--until", "2021-04-16")
        assert cli(demo_db, "mark", "7", "12", "done").exit_code == 0
        assert retro(demo_db, "--until", "2021-04-16") == before
        assert retro(demo_db, "--until", "now")["completion"]["done"] == 6

    def test_mid_cycle_cut(self, demo_db) -> None:
        """--until 2020-12-31: only 6 and 9 were done then."""
        report = retro(demo_db, "--until", "2020-12-31")
        assert report["until"] == "2020-12-31T23:59:59+00:00"
        assert {i for i, s in states(report).items() if s == "done"} == {6, 9}
        assert report["burnup"][-1]["date"] == "2020-12-31"
        # The five changes created by then: 1.47, 4.22, 5.05, 6.31 and 13.22 days.
        assert report["reviews"]["known_changes"] == 5
        assert report["reviews"]["time_to_first_review_days"] == {"median": 5.1, "q3": 6.3}

    def test_squash_days_of_the_cycle(self, demo_db) -> None:
        """A squash day stored with `squash start` is listed under bugs, with no counts
        before the bug data starts, and marked on the HTML burn-up."""
        started = cli(
            demo_db, "squash", "start", "m2-squash",
            "--from", "2021-01-21T00:00:00Z", "--to", "2021-01-22T00:00:00Z",
        )  # fmt: skip
        assert started.exit_code == 0, started.stderr
        assert retro(demo_db)["bugs"]["squash"] == [
            {
                "name": "m2-squash", "from": "2021-01-21T00:00:00+00:00",
                "to": "2021-01-22T00:00:00+00:00", "open_before": None, "open_after": None,
                "closed": None, "ongoing": False,
            }
        ]  # fmt: skip
        assert retro(demo_db, "--until", "2020-12-31")["bugs"]["squash"] == []
        markdown = cli(demo_db, "retro").stdout
        assert "- Squash m2-squash (2021-01-21): open no data → no data, closed no data" in markdown
        page = cli(demo_db, "retro", "--format", "html").stdout
        assert "Squash: m2-squash 2021-01-21" in page

    def test_blueprints_of_the_cycle(self, demo_db) -> None:
        """The sample's Wallaby blueprints: 6 targeted, 5 approved (not the obsolete one),
        3 implemented, 60 %; Markdown says the same."""
        figures = retro(demo_db)["blueprints"]
        assert {k: figures[k] for k in ("targeted", "approved", "implemented", "completion")} == {
            "targeted": 6, "approved": 5, "implemented": 3, "completion": 60.0,
        }  # fmt: skip
        assert [(b["name"], b["implemented"]) for b in figures["items"]] == [
            ("cephfs-legacy-snapshot-mode", False),
            ("share-network-security-service-update", True),
            ("privsep-migration", True),
            ("secure-rbac", False),
            ("share-metadata-api", False),
            ("share-network-subnet-update", True),
        ]
        markdown = cli(demo_db, "retro").stdout
        assert "5 approved of 6 targeted, 3 implemented (60.0 %)" in markdown
        assert "- [x] wallaby-3 privsep-migration: Migrate from rootwrap to privsep" in markdown

    def test_cycle_names_are_checked(self, demo_db) -> None:
        """--cycle is a series name in any case; a typo is exit 2 with the nearest name."""
        assert retro(demo_db, "--team", "manila", "--cycle", "Wallaby")["event"]["id"] == 1
        result = cli(demo_db, "retro", "--cycle", "walaby")
        assert result.exit_code == 2
        assert "did you mean wallaby?" in result.stderr

    def test_bad_until_is_a_usage_error(self, demo_db) -> None:
        """An --until that is not now, a date or a time is exit 2 with one line."""
        result = cli(demo_db, "retro", "--until", "yesterday")
        assert result.exit_code == 2
        assert "--until 'yesterday'" in result.stderr


class TestRetroMarkdown:
    """`retro --format markdown` (the default)."""

    def test_sections_and_discussion_headings(self, demo_db, tmp_path) -> None:
        """The report has its tables and the empty discussion headings; --out writes a file."""
        out = tmp_path / "retro.md"
        result = cli(demo_db, "retro", "--out", str(out))
        assert result.exit_code == 0, result.stderr
        text = out.read_text()
        assert "**15.0 % done (3 of 20 counted; 20 in all" in text
        assert "| Sub teams | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 50.0 % |" in text
        for heading in ("## Went well", "## Didn't go well", "## Actions", "## Burn-up"):
            assert heading in text
        assert "- time to first review (days): median 4.6, Q3 6.5; 0 not reviewed yet" in text
        assert text.rstrip().endswith("## Actions")


class TestMarkOngoing:
    """`mark ID… STATE` with several ids, and ongoing commitments."""

    def test_ongoing_items_leave_completion(self, demo_db) -> None:
        """Two ongoing commitments are listed apart and leave the denominator."""
        result = cli(demo_db, "mark", "18", "7", "ongoing")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[:2] == ["#18 marked ongoing", "#7 marked ongoing"]
        report = retro(demo_db)
        completion = report["completion"]
        assert (completion["counted"], completion["ongoing"], completion["percent"]) == (
            18, 2, 16.7,
        )  # fmt: skip
        assert {i for i, s in states(report).items() if s == "ongoing"} == {7, 18}
        assert report["burnup"][-1]["scope"] == 18
        markdown = cli(demo_db, "retro").stdout
        ongoing = markdown.split("## Ongoing (not counted in completion)")[1].split("##")[0]
        assert "#7 [ongoing]" in ongoing
        assert "#18 [ongoing]" in ongoing

    def test_several_ids_are_all_or_nothing(self, demo_db) -> None:
        """An unknown id among several marks none of them."""
        result = cli(demo_db, "mark", "2", "999", "done")
        assert result.exit_code == 5
        assert "no action with id 999" in result.stderr
        shown = json.loads(cli(demo_db, "show", "2", "-f", "json").stdout)
        assert shown["state"] == "open"


HOSTILE = b"""Subject: Hostile PTG

=== <b>Topic</b> ===
Actions:
- mallory will add <script>alert(1)</script> and <img src=http://example.invalid/x>
"""


class TestRetroHtml:
    """`retro --format html`: one file, remote text escaped."""

    def test_remote_text_is_escaped(self, db_url, tmp_path) -> None:
        """Markup in a topic or action is text in the page: no script, image or bold."""
        summary = tmp_path / "hostile.txt"
        summary.write_bytes(HOSTILE)
        assert (
            cli(db_url, "import", str(summary), "--team", "manila", "--cycle", "xena").exit_code
            == 0
        )
        out = tmp_path / "retro.html"
        result = cli(
            db_url, "retro", "--team", "manila", "--cycle", "xena", "-f", "html", "--out", str(out)
        )
        assert result.exit_code == 0, result.stderr
        page = out.read_text()
        assert "<script" not in page
        assert "<img" not in page
        assert "<b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;b&gt;Topic&lt;/b&gt;" in page
