"""`syncsvc link review`: the queue of suggested links, decided one key at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.cli.review import card
from syncsvc.domain import LinkKind, QueuedLink
from syncsvc.report.status import artifact_url


@pytest.fixture
def team_config(demo_team_config: Path) -> Path:
    """The demo team's config (see conftest)."""
    return demo_team_config


def cli(db_url: str, config: Path, *args: str, keys: str | None = None):
    """Run syncsvc against ``db_url`` with ``config``, typing ``keys``."""
    return CliRunner().invoke(app, ["--db", db_url, "--config", str(config), *args], input=keys)


def queue(db_url: str, config: Path) -> list[dict]:
    """`link review --format json` parsed."""
    result = cli(db_url, config, "link", "review", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def links(db_url: str, config: Path, action: int) -> dict[str, str]:
    """An action's links as ``kind:id`` → status, from `show --format json`."""
    shown = json.loads(cli(db_url, config, "show", str(action), "-f", "json").stdout)
    return {f"{v['kind']}:{v['id']}": v["status"] for v in shown["links"]}


class TestReviewQueue:
    """The queue as JSON: suggested links only, most confident first, with what to judge."""

    def test_json_lists_the_demo_suggestions_best_first(self, demo_db, team_config) -> None:
        """The demo's 17 suggestions, ordered by confidence, each with the commitment's
        text, the change's title, project, state and evidence; nothing is decided."""
        found = queue(demo_db, team_config)
        assert len(found) == 17
        confidences = [item["confidence"] for item in found]
        assert confidences == sorted(confidences, reverse=True)
        first = found[0]
        assert {k: first[k] for k in ("action", "kind", "id", "title", "project", "state")} == {
            "action": 15, "kind": "change", "id": "768801",
            "title": "Use YAML as the default policy file format",
            "project": "openstack/manila", "state": "MERGED",
        }  # fmt: skip
        assert first["text"] == "switch the default policy file format to yaml by Wallaby-2"
        assert first["evidence"].startswith("words [default 2.6, file 3.7, format 3.7")
        assert first["url"].endswith("/c/openstack/manila/+/768801")
        specs = {(i["action"], i["id"]) for i in found if i["project"] == "openstack/manila-specs"}
        assert {(19, "763780"), (14, "760021")} <= specs
        grouped = {
            (i["action"], i["id"]): i["evidence"] for i in found if "group of" in i["evidence"]
        }
        assert sorted(grouped) == [
            (9, "765510"), (9, "772020"), (9, "773310"), (12, "765432"), (13, "765432"),
        ]  # fmt: skip
        assert grouped[9, "765510"].startswith(
            "group of change 729292 (confirmed explicit): shares its blueprint"
            " share-network-security-service-update; project manila"
        )
        assert queue(demo_db, team_config) == found

    def test_limit(self, demo_db, team_config) -> None:
        """--limit keeps the most confident ones."""
        everything = queue(demo_db, team_config)
        result = cli(demo_db, team_config, "link", "review", "-f", "json", "--limit", "2")
        assert json.loads(result.stdout) == everything[:2]


class TestReviewKeys:
    """One key per link: y confirms, n rejects, s skips, q stops; decisions are stored."""

    def test_keys_decide_and_the_rest_stays_queued(self, demo_db, team_config) -> None:
        """s, y, n then q: one confirmed and one rejected by hand, the skipped link and
        those not reached stay suggested; an unknown key asks again."""
        before = queue(demo_db, team_config)
        second, third = before[1], before[2]
        result = cli(demo_db, team_config, "link", "review", keys="s ? y n q")
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert out.count("confirm y · reject n · skip s · quit q") == 5
        assert [line for line in out.splitlines() if line.startswith("  → ")] == [
            "  → skipped", "  → confirmed", "  → rejected",
        ]  # fmt: skip
        assert "confirmed 1, rejected 1, skipped 1, 14 left" in out
        assert f"[2/17] #{second['action']} " in out
        key = f"{second['kind']}:{second['id']}"
        assert links(demo_db, team_config, second["action"])[key] == "confirmed"
        key = f"{third['kind']}:{third['id']}"
        assert links(demo_db, team_config, third["action"])[key] == "rejected"
        after = queue(demo_db, team_config)
        decided = {(i["action"], i["id"]) for i in (second, third)}
        assert decided.isdisjoint((i["action"], i["id"]) for i in after)
        assert (before[0]["action"], before[0]["id"]) in {(i["action"], i["id"]) for i in after}

    def test_end_of_input_decides_nothing(self, demo_db, team_config) -> None:
        """With no keys at all the first card is shown and nothing changes."""
        before = queue(demo_db, team_config)
        result = cli(demo_db, team_config, "link", "review", keys="")
        assert result.exit_code == 0, result.stderr
        assert "confirmed 0, rejected 0, skipped 0, 17 left" in result.stdout
        assert "links:" not in result.stdout  # no relink without a decision
        assert queue(demo_db, team_config) == before

    def test_empty_queue(self, imported, team_config) -> None:
        """Before any sync there is nothing to review, said in one line."""
        result = cli(imported, team_config, "link", "review")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "No suggested links wait for review.\n"
        assert queue(imported, team_config) == []

    def test_remote_text_is_inert(self) -> None:
        """A card prints an escape sequence in a change title as text, never raw."""
        item = QueuedLink(
            1, "do \x1b[31mit", "T", LinkKind.CHANGE, "5", 0.5, "words", "\x1b]0;pwn\x07x",
            "p", "NEW", None,
        )  # fmt: skip
        text = "\n".join(line.plain for line in card(item, 1, 1))
        assert not {"\x1b", "\x07"} & set(text)
        assert text.splitlines()[1].startswith("  change 5 NEW p: ")


class TestOtherSettings:
    """A decision made under another config does not recompute links with its projects."""

    def test_decision_without_the_team_config_keeps_the_suggestions(
        self, demo_db, team_config
    ) -> None:
        """Without a config (no team projects), a confirm is stored, the relink is left to
        the next sync with a note, and the other suggestions stay; a relink with the team's
        config then takes the decision up (a confirmed commitment seeks no more candidates)."""
        before = queue(demo_db, team_config)
        first = before[0]
        result = CliRunner().invoke(
            app, ["--db", demo_db, "link", "confirm", str(first["action"]), f"change:{first['id']}"]
        )
        assert result.exit_code == 0, result.stderr
        assert "confirmed (manual)" in result.stdout
        assert "links not refreshed: the last relink used other projects" in result.stderr
        assert queue(demo_db, team_config) == before[1:]
        refreshed = cli(demo_db, team_config, "link", "refresh")
        assert refreshed.exit_code == 0, refreshed.stderr
        assert queue(demo_db, team_config) == [
            i for i in before[1:] if i["action"] != first["action"]
        ]
        assert links(demo_db, team_config, first["action"])[f"change:{first['id']}"] == "confirmed"


class TestBlueprintLinks:
    """A blueprint link shows the stored blueprint's state and its page."""

    def test_show_names_the_blueprint_state(self, demo_db, team_config) -> None:
        """A blueprint linked by hand shows 'Approved / Implemented' from the demo's sync."""
        added = cli(demo_db, team_config, "link", "add", "12", "blueprint:manila/privsep-migration")
        assert added.exit_code == 0, added.stderr
        shown = json.loads(cli(demo_db, team_config, "show", "12", "-f", "json").stdout)
        found = [v for v in shown["links"] if v["kind"] == "blueprint"]
        assert [(v["id"], v["status"], v["state"]) for v in found] == [
            ("manila/privsep-migration", "confirmed", "Approved / Implemented")
        ]

    def test_blueprint_page(self) -> None:
        """A blueprint named with its project has a page; a bare name has none."""
        assert artifact_url("blueprint:manila/privsep-migration") == (
            "https://blueprints.launchpad.net/manila/+spec/privsep-migration"
        )
        assert artifact_url("blueprint:privsep-migration") is None
