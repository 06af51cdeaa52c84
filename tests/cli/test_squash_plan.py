"""`syncsvc demo --squash` and `squash plan` on the squash sample data set, per backend."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.testing.squash_sample import (
    EXTRA_BUGS,
    SQUASH_GERRIT_PROJECTS,
    SQUASH_NOW,
    SQUASH_PROJECTS,
    ids_of,
    squash_servers,
)

AT = ["--at", SQUASH_NOW.isoformat()]
ITEM_KEYS = [
    "bug", "title", "project", "status", "importance", "assignee", "tags", "days_idle",
    "changes", "url",
]  # fmt: skip


@pytest.fixture
def squash_db(db_url, quiet_clients, demo_templates, tmp_path_factory):
    """A database after `syncsvc sync` with open_bugs on against the squash sample's fakes
    (no squash day played); the sync runs once per test process and backend."""
    return demo_templates.database(
        db_url, ("squash-sample-sync",), lambda url: _sync_squash_sample(url, tmp_path_factory)
    )


def _sync_squash_sample(db_url: str, tmp_path_factory) -> None:
    tmp_path = tmp_path_factory.mktemp("squash-sync")
    with squash_servers() as servers:
        lp, gerrit = servers.launchpad.service_root, servers.gerrit.url
        config = tmp_path / "syncsvc.toml"
        config.write_text(
            f'[launchpad]\nservice_root = "{lp}"\nprojects = {list(SQUASH_PROJECTS)!r}\n'
            f'[gerrit]\nurl = "{gerrit}"\nprojects = {list(SQUASH_GERRIT_PROJECTS)!r}\n'
            f'[sync]\nallowed_hosts = ["{lp}", "{gerrit}"]\nlookback_days = 36500\n'
            "[squash]\nopen_bugs = true\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["--db", db_url, "--config", str(config), "sync"])
    assert result.exit_code == 0, result.stderr


def plan_json(db_url: str, *args: str) -> dict:
    """`squash plan --format json` on ``db_url`` as of the sample's Monday."""
    result = CliRunner().invoke(
        app, ["--db", db_url, "squash", "plan", *AT, "--format", "json", *args]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def listed(data: dict, name: str) -> list[int]:
    """The bug ids on one list."""
    return [item["bug"] for item in data["lists"][name]]


class TestSquashPlan:
    def test_every_list_holds_exactly_its_sample_bugs(self, squash_db):
        """Each list names the sample bugs made for it (and the overlaps the rules imply)."""
        data = plan_json(squash_db)
        assert list(data) == ["generated_at", "filters", "totals", "lists"]
        assert data["generated_at"] == SQUASH_NOW.isoformat()
        assert listed(data, "untriaged") == sorted(ids_of("new") + ids_of("old-wishlist"))
        assert listed(data, "incomplete_answered") == ids_of("incomplete-answered")
        assert listed(data, "about_to_expire") == ids_of("expiring")
        assert listed(data, "stale_in_progress") == ids_of("stale")
        assert listed(data, "inactive_assignee") == ids_of("inactive")
        assert listed(data, "inconsistent") == sorted(
            ids_of("inactive") + ids_of("unassigned-progress") + ids_of("long-fix-committed")
        )
        assert listed(data, "fix_in_review") == sorted(ids_of("in-review") + ids_of("submitter"))
        easy = ("new", "confirmed", "triaged", "incomplete-answered", "expiring")
        kinds = (*easy, "stale", "unassigned-progress", "old-wishlist")
        assert listed(data, "candidates") == sorted(b for k in kinds for b in ids_of(k))
        assert data["totals"]["open"] == 180

    def test_items_have_the_documented_keys(self, squash_db):
        """Items carry the documented keys; fix_in_review says who is waited on, and since."""
        data = plan_json(squash_db)
        review = {i["bug"]: i for i in data["lists"]["fix_in_review"]}
        first, blocked = ids_of("in-review")[0], ids_of("submitter")[0]
        assert list(review[first])[:10] == ITEM_KEYS
        assert (review[first]["waiting_on"], review[first]["days_waiting"]) == ("reviewers", 9)
        assert (review[blocked]["waiting_on"], review[blocked]["days_waiting"]) == ("submitter", 4)
        assert review[first]["changes"] == [790000 + first - 1930000]
        expiring = data["lists"]["about_to_expire"][0]
        assert (expiring["days_idle"], expiring["days_left"]) == (52 + 4, 4)

    def test_private_duplicate_and_filters(self, squash_db):
        """An anonymous sync never stores the private bug, the duplicate is on no list, and
        --project and --tag narrow the lists."""
        everything = plan_json(squash_db, "--include-private")
        shown = {i["bug"] for items in everything["lists"].values() for i in items if "bug" in i}
        assert not {EXTRA_BUGS["private"], EXTRA_BUGS["duplicate"], EXTRA_BUGS["fixed"]} & shown
        ui = plan_json(squash_db, "--project", "manila-ui", "--tag", "low-hanging-fruit")
        assert {i["project"] for i in ui["lists"]["candidates"]} == {"manila-ui"}
        assert all("low-hanging-fruit" in i["tags"] for i in ui["lists"]["candidates"])
        assert ui["filters"]["projects"] == ["manila-ui"]

    def test_sheet_and_warning(self, squash_db):
        """Markdown prints a sign-up sheet with a claimed-by column; few candidates warn."""
        result = CliRunner().invoke(
            app, ["--db", squash_db, "squash", "plan", *AT, "--project", "manila-ui",
                  "--format", "markdown", "--goal", "open=40"],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[:3] == ["# Bug squash sign-up sheet", "", "Totals: open 60 → 40"]
        assert "| bug | title | status | importance | days idle | claimed by |" in lines
        assert "warning: 40 candidate bugs: a squash works best on about 100 to 500" in (
            result.stderr
        )

    def test_a_bad_goal_is_exit_2(self, db_url):
        """An unknown goal name is a one-line error, exit 2."""
        result = CliRunner().invoke(app, ["--db", db_url, "squash", "plan", "--goal", "x=1"])
        assert result.exit_code == 2
        assert "bad goal 'x=1'" in result.stderr
