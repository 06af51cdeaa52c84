"""Learning from people: words of rejected suggestions weigh less, said and listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncsvc.cli.app import app


@pytest.fixture
def team_config(demo_team_config: Path) -> Path:
    """The demo team's config (see conftest)."""
    return demo_team_config


def cli(db_url: str, config: Path, *args: str):
    """Run syncsvc against ``db_url`` with ``config``."""
    result = CliRunner().invoke(app, ["--db", db_url, "--config", str(config), *args])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def queue(db_url: str, config: Path) -> dict[tuple[int, str], dict]:
    """`link review --format json` by (action, change)."""
    found = json.loads(cli(db_url, config, "link", "review", "--format", "json").stdout)
    return {(item["action"], item["id"]): item for item in found}


def learned(db_url: str, config: Path) -> list[dict]:
    """`link learned --format json` parsed."""
    return json.loads(cli(db_url, config, "link", "learned", "--format", "json").stdout)


#: Two wrong RBAC suggestions of two commitments: the RBAC spec for #15 (the YAML
#: switch) and an RBAC code change for #14 (the spec gouthamr writes).
WRONG = (("15", "760021"), ("14", "775513"))


def reject_wrong(db_url: str, config: Path) -> None:
    """Reject the two wrong RBAC suggestions, as a PTL reviewing the queue would."""
    for action, change in WRONG:
        result = cli(db_url, config, "link", "reject", action, f"change:{change}")
        assert f"#{action} change:{change} rejected (manual)" in result.stdout


class TestLearnedFromRejections:
    """Rejected suggestions of two commitments that matched the same words make those
    words weigh less."""

    def test_nothing_is_learned_before_any_decision(self, demo_db, team_config) -> None:
        """A fresh demo has no decision on a suggestion: nothing learned, said in one line."""
        assert learned(demo_db, team_config) == []
        table = cli(demo_db, team_config, "link", "learned").stdout
        assert table.startswith("Nothing learned yet: a word weighs less once rejected")

    def test_one_commitments_rejections_teach_no_word(self, demo_db, team_config) -> None:
        """Both of #15's RBAC suggestions rejected: they are not its work, which says
        nothing of the words; #14's suggestions keep their scores."""
        before = queue(demo_db, team_config)
        for change in ("760021", "775513"):
            cli(demo_db, team_config, "link", "reject", "15", f"change:{change}")
        assert learned(demo_db, team_config) == []
        after = queue(demo_db, team_config)
        assert after[14, "760021"] == before[14, "760021"]

    def test_rejections_lower_the_words_and_the_evidence_says_so(
        self, demo_db, team_config
    ) -> None:
        """The words both rejected suggestions matched weigh a third; the right spec of #14
        is still suggested, lower, and its evidence names the words weighing less."""
        before = queue(demo_db, team_config)
        reject_wrong(demo_db, team_config)
        words = learned(demo_db, team_config)
        assert [(w["word"], w["rejected"], w["confirmed"], w["factor"]) for w in words] == [
            ("policy", 2, 0, 0.333),
            ("rbac", 2, 0, 0.333),
            ("secure", 2, 0, 0.333),
        ]
        assert words[0]["rejected_links"] == ["14:change:775513", "15:change:760021"]
        after = queue(demo_db, team_config)
        assert (15, "760021") not in after
        assert (14, "775513") not in after
        spec = after[14, "760021"]
        assert spec["confidence"] < before[14, "760021"]["confidence"]
        assert (
            "weighing less after rejected suggestions [policy x0.33, rbac x0.33,"
            in (spec["evidence"])
        )
        yaml = after[15, "768801"]  # its other words carry it
        assert "[policy x0.33]" in yaml["evidence"]
        assert yaml["confidence"] >= 0.9
        table = cli(demo_db, team_config, "link", "learned").stdout
        assert "14:change:775513, 15:change:760021" in table
        assert "0.33" in table

    def test_a_confirmation_weighs_against_the_rejections(self, demo_db, team_config) -> None:
        """Confirming #14's spec, which matched the rejected words too, lifts their factor
        to (1 + 1) / (2 + 1)."""
        reject_wrong(demo_db, team_config)
        cli(demo_db, team_config, "link", "confirm", "14", "change:760021")
        factors = {w["word"]: (w["confirmed"], w["factor"]) for w in learned(demo_db, team_config)}
        assert factors == {"policy": (1, 0.667), "rbac": (1, 0.667), "secure": (1, 0.667)}

    def test_a_relink_after_learning_changes_nothing_more(self, demo_db, team_config) -> None:
        """The rejection's own relink took the learned weights in: the next relink covers
        no commitment, a full one changes nothing, and the queue stays as it was."""
        reject_wrong(demo_db, team_config)
        first = queue(demo_db, team_config)
        line = cli(demo_db, team_config, "link", "refresh").stdout
        assert line.startswith("links: 0 new, 0 updated, 0 unchanged")
        assert queue(demo_db, team_config) == first
        full = cli(demo_db, team_config, "link", "refresh", "--full").stdout
        assert "0 new, 0 updated" in full
        assert queue(demo_db, team_config) == first
