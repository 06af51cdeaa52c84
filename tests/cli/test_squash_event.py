"""`squash start|status|signups|report` after `demo --squash` (a 2021 squash day replayed
with an injected clock), per backend."""

from __future__ import annotations

import json
import os

import pytest
from helpers import POSTGRES_URL_ENV, private_schema, quieten, upgrade_postgresql
from sqlalchemy import text
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.models.db import open_engine
from syncsvc.testing.squash_sample import SQUASH_NAME, ids_of

AT = ["--at", "2021-06-18T12:00:00+00:00"]


@pytest.fixture
def squash_db(db_url, quiet_clients, demo_templates):
    """A database after `syncsvc demo --squash`."""
    return demo_templates.demo(db_url, ("--squash",), check=check_demo_squash)


def demo_squash(db_url: str) -> str:
    """Run `syncsvc demo --squash` on ``db_url``, check its summary and return the URL."""
    result = CliRunner().invoke(app, ["--db", db_url, "demo", "--squash"])
    assert result.exit_code == 0, result.stderr
    check_demo_squash(result.stdout)
    return db_url


def check_demo_squash(stdout: str) -> None:
    """The summary `syncsvc demo --squash` prints: the plan before the day, the snapshots."""
    assert "Totals: open 180 → 130, New 30 → 10" in stdout
    assert "squash sample-squash: 4 snapshots, last 2021-06-18 09:00 UTC" in stdout


@pytest.fixture(
    scope="class", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def read_only_squash_db(request, tmp_path_factory):
    """One database after `syncsvc demo --squash` per backend, for tests that only read it."""
    folder = tmp_path_factory.mktemp("squash")
    with pytest.MonkeyPatch.context() as monkeypatch:
        quieten(monkeypatch, folder)
        if request.param == "sqlite":
            yield demo_squash(f"sqlite:///{folder / 'syncsvc.sqlite'}")
            return
        base = os.environ.get(POSTGRES_URL_ENV)
        if not base:
            pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_ENV}")
        with private_schema(base) as url:
            yield demo_squash(upgrade_postgresql(url))


def squash(db_url: str, *args: str, stdin: str | None = None):
    """Run `syncsvc squash ARGS` on ``db_url``."""
    return CliRunner().invoke(app, ["--db", db_url, "squash", *args], input=stdin)


def report_json(db_url: str) -> dict:
    """`squash report sample-squash --format json`, parsed."""
    result = squash(db_url, "report", SQUASH_NAME, "--format", "json", *AT)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestSquashEvent:
    """The read-only checks share one demo database per backend; sign-ups write their own."""

    def test_report_from_the_window_history(self, read_only_squash_db):
        """Before/after from the snapshots, closures by route, sign-ups by assignment."""
        data = report_json(read_only_squash_db)
        assert (data["from"], data["to"]) == ("2021-06-16T10:00:00+00:00",
                                              "2021-06-18T12:00:00+00:00")  # fmt: skip
        assert data["goals"]["open"] == {"goal": 130, "before": 180, "after": 148,
                                         "change": -32, "met": False}  # fmt: skip
        assert data["goals"]["new"]["after"] == 10
        # The hook closed 10 in-review bugs, their author commented on 6: those count.
        # The janitor's expiries and the rest of the hook's closings are bots' alone.
        assert data["closed_by_route"] == {"fixed": 9, "invalid": 8, "wont_fix": 5,
                                           "duplicate": 0, "expired": 0}  # fmt: skip
        assert [s["bug"] for s in data["signed_up"]] == ids_of("triaged")[:5]
        assert data["closed_of_signed_up"] == {"closed": 3, "signed_up": 5, "percent": 60.0}
        assert data["people"] == [
            {"person": "sample-dev-a", "confirmed": 4, "triaged": 0, "inquired": 0,
             "rejected": 8, "resolved": 0},
            {"person": "sample-dev-b", "confirmed": 0, "triaged": 0, "inquired": 0,
             "rejected": 0, "resolved": 3},
            {"person": "sample-dev-c", "confirmed": 7, "triaged": 6, "inquired": 0,
             "rejected": 0, "resolved": 6},
            {"person": "sample-dev-d", "confirmed": 0, "triaged": 0, "inquired": 0,
             "rejected": 5, "resolved": 0},
        ]  # fmt: skip
        assert [f["bug"] for f in data["follow_up"]] == ids_of("in-review")[10:]
        assert data["previous"] is None

    def test_activity_logs_of_the_moved_bugs_are_stored(self, read_only_squash_db):
        """The syncs in the window stored the activity log of every bug moved in it: each
        line with who made it (bots included; the report leaves them out)."""
        engine = open_engine(read_only_squash_db)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT person, count(*), count(DISTINCT bug_id) FROM bug_activity"
                         " GROUP BY person ORDER BY person")
                ).all()  # fmt: skip
                moved = connection.execute(
                    text("SELECT bug_id, position, person, what, old_value, new_value"
                         f" FROM bug_activity WHERE bug_id = {ids_of('triaged')[0]}"
                         " ORDER BY position")
                ).all()  # fmt: skip
        finally:
            engine.dispose()
        assert [tuple(r) for r in rows] == [
            ("hudson-openstack", 10, 10),
            ("janitor", 6, 6),
            ("openstack-infra", 3, 3),
            ("sample-dev-a", 12, 12),
            ("sample-dev-b", 10, 5),
            ("sample-dev-c", 19, 19),  # 6 of them comments
            ("sample-dev-d", 7, 7),  # 2 of them comments
        ]
        first = ids_of("triaged")[0]
        assert [tuple(r) for r in moved] == [
            (first, 0, "sample-dev-b", "manila: status", "Triaged", "In Progress"),
            (first, 1, "sample-dev-b", "manila: assignee", None, "Sample Dev B (sample-dev-b)"),
            (first, 2, "openstack-infra", "manila: status", "In Progress", "Fix Released"),
        ]

    def test_text_report_names_the_people(self, read_only_squash_db):
        """The text report prints each person's tally, how many bugs only bots changed
        (4 closed by the hook alone, 6 expired by the janitor) and no note about unlogged
        changes (every change in the window has its log line); so does the mail."""
        result = squash(read_only_squash_db, "report", SQUASH_NAME, *AT)
        lines = result.stdout.splitlines()
        assert "sample-dev-d: confirmed 0, triaged 0, inquired 0, rejected 5, resolved 0" in lines
        assert "not counted: 10 bugs changed only by bots" in lines
        assert not [line for line in lines if "no activity log line" in line]
        mail = squash(read_only_squash_db, "report", SQUASH_NAME, "--format", "mail", *AT)
        assert "- not counted: 10 bugs changed only by bots" in mail.stdout.splitlines()

    def test_status_is_short_and_irc_safe(self, read_only_squash_db):
        squash_db = read_only_squash_db
        """`status` prints at most 10 lines of at most 400 bytes, goals and closers."""
        result = squash(squash_db, "status", SQUASH_NAME, *AT)
        lines = result.stdout.splitlines()
        assert lines[:2] == [
            "squash sample-squash: 4 snapshots, last 2021-06-18 09:00 UTC",
            "counts: open 180 → 148 (goal 130), new 30 → 10 (goal 10)",
        ]
        assert "top closers: sample-dev-a (8), sample-dev-c (6), sample-dev-d (5)" in lines
        assert len(lines) <= 10
        assert all(len(line.encode()) <= 400 for line in lines)

    def test_signups_from_a_sheet_on_stdin(self, squash_db):
        """A pasted sheet records who claimed what; closed of signed up follows it."""
        fixed, untouched = ids_of("in-review")[0], ids_of("stale")[0]
        sheet = (
            f"| [{fixed}](https://bugs.launchpad.net/manila/+bug/{fixed}) | t | x | y | 1 | ana |\n"
            f"| [{untouched}](https://bugs.launchpad.net/manila/+bug/{untouched}) | t | x | y | 1"
            " | bo |\n"
        )
        result = squash(squash_db, "signups", SQUASH_NAME, "-", stdin=sheet)
        assert result.stdout.strip() == "2 sign-ups read, 2 recorded"
        data = report_json(squash_db)
        assert data["closed_of_signed_up"] == {"closed": 4, "signed_up": 7, "percent": 57.1}

    def test_mail_in_deputy_form(self, read_only_squash_db):
        squash_db = read_only_squash_db
        """The mail opens with the overview and has every importance section."""
        result = squash(squash_db, "report", SQUASH_NAME, "--format", "mail", *AT)
        lines = result.stdout.splitlines()
        assert lines[0] == "Bug squash sample-squash: 2021-06-16 10:00 to 2021-06-18 12:00 UTC"
        assert "- open: 180 -> 148 (goal 130)" in lines
        assert [line for line in lines if line in ("Critical", "High", "Medium", "Low",
                "Wishlist", "Undecided")] == ["Critical", "High", "Medium", "Low", "Wishlist",
                                              "Undecided"]  # fmt: skip
        assert lines[lines.index("Critical") + 1] == "None."

    def test_html_page(self, read_only_squash_db, tmp_path):
        squash_db = read_only_squash_db
        """--format html --out writes one page with the snapshots' chart; no --out is exit 2."""
        page = tmp_path / "squash.html"
        result = squash(squash_db, "report", SQUASH_NAME, "--format", "html", "--out",
                        str(page), *AT)  # fmt: skip
        assert result.stdout.strip() == f"wrote {page}"
        text = page.read_text(encoding="utf-8")
        assert "<title>Bug squash sample-squash</title>" in text
        assert text.count('id="squash-status" role="img"') == 1
        assert "<script" not in text
        missing = squash(squash_db, "report", SQUASH_NAME, "--format", "html")
        assert (missing.exit_code, "--format html needs --out FILE" in missing.stderr) == (2, True)


class TestStart:
    def test_window_across_time_zones_and_errors(self, db_url):
        """Offsets become UTC; a taken name and an empty window are exit 2, no event exit 5."""
        start = ["start", "m3", "--from", "2021-06-17T00:00+14:00", "--to",
                 "2021-06-18T00:00-12:00", "--goal", "open=130", "--project", "manila"]  # fmt: skip
        result = squash(db_url, *start)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == (
            "squash m3: 2021-06-16T10:00:00+00:00 to 2021-06-18T12:00:00+00:00 (UTC), "
            "goals: open=130"
        )
        again = squash(db_url, *start)
        assert (again.exit_code, "a squash named 'm3' exists" in again.stderr) == (2, True)
        empty = squash(db_url, "start", "m4", "--from", "2021-06-18", "--to", "2021-06-17")
        assert empty.exit_code == 2
        missing = squash(db_url, "status", "nope")
        assert (missing.exit_code, "no squash named 'nope'" in missing.stderr) == (5, True)
        status = squash(db_url, "status", "m3", "--at", "2021-06-17T00:00Z")
        assert status.stdout.splitlines()[0] == (
            "squash m3: no snapshot yet (run syncsvc sync during the window)"
        )
