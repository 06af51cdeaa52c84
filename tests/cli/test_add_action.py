"""`syncsvc add`: a commitment added by hand to an imported event, read as an import reads
an action item, stored once, linked by the relink, and kept by later imports."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from syncsvc.cli.additions import MAX_TEXT
from syncsvc.cli.app import app

EVENT = "Manila Wallaby PTG"


def cli(db_url: str, *args: str):
    """Run syncsvc against ``db_url``."""
    return CliRunner().invoke(app, ["--db", db_url, *args])


def shown(db_url: str, action_id: int) -> dict:
    """`show ID --format json` parsed."""
    return json.loads(cli(db_url, "show", str(action_id), "-f", "json").stdout)


def counts(db_url: str) -> tuple[int, int]:
    """The event's (topics, actions) from `events --format json`."""
    event = json.loads(cli(db_url, "events", "-f", "json").stdout)[0]
    return event["topics"], event["actions"]


def added_id(stdout: str) -> int:
    """The id in the first line, "added #N to ..."."""
    first = stdout.splitlines()[0]
    assert first.startswith("added #"), stdout
    return int(first.removeprefix("added #").split()[0])


class TestAdd:
    """Adding the commitments the parser missed to the demo's Wallaby event."""

    def test_reads_owner_milestone_and_ref_from_the_text(self, demo_db) -> None:
        """Owners, due date and refs come from the text; the new topic is dated by the
        event's first day; the relink links the named change at once."""
        text = "vhari to land https://review.opendev.org/758868/ by Wallaby-2"
        result = cli(demo_db, "add", EVENT, text)
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[1:3] == [
            f"  {text}",
            "  owners: vhari · due 2021-01-22 (Wallaby-2) · refs: change:758868",
        ]
        assert lines[0].endswith('to Manila Wallaby PTG (event 1), topic "Added by hand"')
        action = shown(demo_db, added_id(result.stdout))
        assert (action["origin"], action["topic"], action["day"]) == (
            "manual", "Added by hand", "2020-10-26",
        )  # fmt: skip
        assert (action["owners"], action["due"], action["state"]) == (
            ["vhari"],
            "2021-01-22",
            "open",
        )
        assert [(k["kind"], k["id"], k["status"], k["source"]) for k in action["links"]] == [
            ("change", "758868", "confirmed", "explicit")
        ]
        assert counts(demo_db) == (13, 21)

    def test_owner_option_and_an_existing_topic(self, demo_db) -> None:
        """--owner replaces the owners read from the text, and --topic finds the event's
        topic whatever its case and spacing, so no topic is added."""
        result = cli(
            demo_db, "add", "1", "carloss will write the privsep guide for driver maintainers",
            "--topic", "  ROOTWRAP-to-privsep   migration", "--owner", "dviroel", "--owner", "gouthamr",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        action = shown(demo_db, added_id(result.stdout))
        assert (action["topic"], action["owners"]) == (
            "rootwrap-to-privsep migration", ["dviroel", "gouthamr"],
        )  # fmt: skip
        assert counts(demo_db) == (12, 21)

    def test_dry_run_stores_nothing(self, demo_db) -> None:
        """A dry run shows how the text reads and leaves the event as it was."""
        result = cli(demo_db, "add", EVENT, "the team will retire the old job", "--dry-run")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == [
            'dry run, nothing saved: would add to Manila Wallaby PTG, topic "Added by hand"',
            "  the team will retire the old job",
            "  owners: the team (no owner)",
        ]
        assert counts(demo_db) == (12, 20)

    def test_the_same_words_twice_are_refused(self, demo_db) -> None:
        """A commitment the event holds in the same words (case and spacing aside),
        imported or added, is refused with one line and exit 2."""
        first = cli(demo_db, "add", EVENT, "gouthamr will check the CI jobs")
        again = cli(demo_db, "add", EVENT, "  GOUTHAMR will check the   CI jobs")
        imported = cli(demo_db, "add", EVENT, shown(demo_db, 7)["text"])
        action_id = added_id(first.stdout)
        assert (again.exit_code, imported.exit_code) == (2, 2)
        assert again.stderr == (
            f"error: event 1 already has this commitment as #{action_id} "
            f"(hint: see `syncsvc show {action_id}`)\n"
        )
        assert imported.stderr.startswith("error: event 1 already has this commitment as #7 ")
        assert counts(demo_db) == (13, 21)

    def test_bad_input_is_one_line_and_stores_nothing(self, demo_db) -> None:
        """An unknown event exits 5; empty or overlong text, a bad nick or an empty topic
        exit 2; each says why in one line and nothing is added."""
        cases = {
            ("9", "fix it"): (5, "error: no event '9' (hint: see `syncsvc events`)"),
            (EVENT, " \t "): (2, "error: the commitment's text is empty"),
            (EVENT, "x" * (MAX_TEXT + 1)): (
                2,
                (
                    f"error: the commitment's text is {MAX_TEXT + 1} characters long; at most "
                    f"{MAX_TEXT} (hint: `syncsvc import` reads whole summaries)"
                ),
            ),
            (EVENT, "fix it", "--owner", "two words"): (
                2,
                "error: --owner 'two words' is not an IRC nick",
            ),
            (EVENT, "fix it", "--topic", "  "): (2, "error: --topic is empty"),
        }
        for args, (code, line) in cases.items():
            result = cli(demo_db, "add", *args)
            assert (result.exit_code, result.stderr) == (code, line + "\n"), args
        assert counts(demo_db) == (12, 20)

    def test_a_later_import_keeps_it(self, demo_db, example) -> None:
        """Importing the summary again withdraws nothing added by hand."""
        result = cli(demo_db, "add", EVENT, "lkuchlan will add tempest tests for share groups")
        action_id = added_id(result.stdout)
        again = cli(demo_db, "import", str(example))
        assert again.exit_code == 0, again.stderr
        assert "0 withdrawn" in again.stdout
        assert shown(demo_db, action_id)["withdrawn_at"] is None
        listed = json.loads(cli(demo_db, "actions", "-f", "json").stdout)
        assert [a["text"] for a in listed if a["id"] == action_id] == [
            "lkuchlan will add tempest tests for share groups"
        ]


class TestCreate:
    """`add --create`: an event for a summary the parser refused."""

    def test_creates_a_ptg_event_dated_by_its_cycles_ptg_week(self, demo_db) -> None:
        """A title no event has makes a PTG event of the team and cycle given, dated by the
        Monday of the cycle's PTG week; the next add finds it by title without --create."""
        first = cli(
            demo_db, "add", "Heat Caracal PTG", "zaneb will write the template spec",
            "--create", "--team", "Heat", "--cycle", "caracal",
        )  # fmt: skip
        second = cli(demo_db, "add", "Heat Caracal PTG", "the team will drop the py38 jobs")
        assert (first.exit_code, second.exit_code) == (0, 0), first.stderr + second.stderr
        listed = {e["title"]: e for e in json.loads(cli(demo_db, "events", "-f", "json").stdout)}
        heat = listed["Heat Caracal PTG"]
        assert (heat["team"], heat["cycle"], heat["source"], heat["topics"], heat["actions"]) == (
            "heat", "caracal", "ptg", 1, 2,
        )  # fmt: skip
        assert (heat["first_day"], heat["last_day"]) == ("2023-10-23", "2023-10-23")
        action = shown(demo_db, added_id(first.stdout))
        assert (action["owners"], action["day"], action["origin"]) == (
            ["zaneb"], "2023-10-23", "manual",
        )  # fmt: skip

    def test_day_option_and_dry_run(self, demo_db) -> None:
        """--day dates the new event; a dry run makes no event."""
        args = ["add", "Ironic 2024.1 PTG", "TheJulia will send the summary", "--create"]
        dry = cli(demo_db, *args, "--team", "ironic", "--day", "2024-04-09", "--dry-run")
        assert dry.stdout.splitlines()[:3] == [
            'dry run, nothing saved: would add to Ironic 2024.1 PTG, topic "Added by hand"',
            "  TheJulia will send the summary",
            "  owners: TheJulia",
        ]
        assert len(json.loads(cli(demo_db, "events", "-f", "json").stdout)) == 1
        made = cli(demo_db, *args, "--team", "ironic", "--day", "2024-04-09")
        assert made.exit_code == 0, made.stderr
        assert shown(demo_db, added_id(made.stdout))["day"] == "2024-04-09"

    def test_refusals(self, demo_db) -> None:
        """An unknown title without --create, new-event options without it, and an
        unknown cycle are refused in one line, and no event is made."""
        cases = [
            (
                ("Heat PTG", "fix it"),
                5,
                "error: no event 'Heat PTG' (hint: see `syncsvc events`; --create makes it)",
            ),
            (
                ("Heat PTG", "fix it", "--team", "heat"),
                2,
                "error: --team, --cycle and --day describe a new event: give --create too",
            ),
            (
                ("Heat PTG", "fix it", "--create", "--cycle", "nosuch"),
                2,
                (
                    "error: unknown release cycle 'nosuch' (hint: an OpenStack series name such"
                    " as wallaby, or a number such as 2025.2)"
                ),
            ),
            (
                ("Heat PTG", "fix it", "--create", "--day", "2024-13-01"),
                2,
                "error: --day '2024-13-01' is not a date (YYYY-MM-DD)",
            ),
        ]
        for args, code, line in cases:
            result = cli(demo_db, "add", *args)
            assert (result.exit_code, result.stderr) == (code, line + "\n"), args
        assert len(json.loads(cli(demo_db, "events", "-f", "json").stdout)) == 1

    def test_a_refused_import_points_at_it(self, db_url, tmp_path) -> None:
        """An import refused for want of structure says, in its one line, how to track the
        commitments by hand, and that way works on a database with no event yet."""
        mail = tmp_path / "reply.txt"
        mail.write_text("Hello all,\n\nThanks for a great week.\n")
        refused = cli(db_url, "import", str(mail))
        assert refused.exit_code == 2
        assert refused.stderr == (
            "error: no PTG structure found: expected topic headings such as '=== Title ==='"
            " (hint: if it holds commitments, `syncsvc add TITLE TEXT --create` tracks them)\n"
        )
        made = cli(db_url, "add", "Nova PTG", "gibi will send the summary", "--create")
        assert made.exit_code == 0, made.stderr
        assert shown(db_url, added_id(made.stdout))["owners"] == ["gibi"]
