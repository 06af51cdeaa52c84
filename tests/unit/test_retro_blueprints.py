"""The retrospective's blueprint figures (syncsvc.report.retro_blueprints)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from syncsvc.domain.blueprints import Blueprint, BlueprintChange
from syncsvc.domain.retro import RetroEvent, RetroFacts
from syncsvc.report.retro_blueprints import blueprints, in_series
from syncsvc.report.retro_text import blueprint_headline

PTG = RetroEvent(1, "Team PTG", "manila", "wallaby", "ptg", date(2020, 10, 26))


def bp(name: str, milestone: str | None, definition: str, implementation: str,
       completed: str | None = None) -> Blueprint:  # fmt: skip
    """A manila blueprint, completed on the given day."""
    done = datetime.fromisoformat(completed).replace(tzinfo=UTC) if completed else None
    return Blueprint("manila", name, name.title(), definition, implementation,
                     milestone=milestone, date_completed=done)  # fmt: skip


FACTS = RetroFacts(
    events=(PTG,),
    actions=(),
    blueprints=(
        bp("a", "wallaby-1", "Approved", "Implemented", "2020-12-01"),
        bp("b", "wallaby-3", "Approved", "Implemented", "2021-03-20"),
        bp("c", "wallaby-rc1", "Approved", "Started"),
        bp("d", "wallaby-2", "Pending Approval", "Implemented", "2021-01-05"),
        bp("e", "victoria-3", "Approved", "Implemented", "2020-07-01"),
        bp("f", None, "Approved", "Implemented", "2021-01-05"),
    ),
)


class TestBlueprints:
    """Targeted to the cycle, approved among those, implemented by the cut."""

    def test_milestones_of_the_series(self) -> None:
        """wallaby-1 and wallaby-rc1 are Wallaby's; victoria-3, 'wallabyx' and none are not."""
        assert [in_series(m, "wallaby") for m in ("wallaby-1", "Wallaby-RC1", "victoria-3",
                                                  "wallabyx-1", None)] == [
            True, True, False, False, False,
        ]  # fmt: skip
        assert not in_series("wallaby-1", None)

    def test_counts_at_the_release_and_earlier(self) -> None:
        """At the release 4 targeted, 3 approved, 2 implemented (67 %); on 2021-01-31 the
        March completion has not happened yet; an unapproved implemented one never counts."""
        at_release = blueprints(FACTS, cycle="wallaby", until=datetime(2021, 4, 16, tzinfo=UTC))
        assert {k: at_release[k] for k in ("targeted", "approved", "implemented", "completion")} == {
            "targeted": 4, "approved": 3, "implemented": 2, "completion": 66.7,
        }  # fmt: skip
        assert [i["name"] for i in at_release["items"]] == ["a", "d", "b", "c"]
        early = blueprints(FACTS, cycle="wallaby", until=datetime(2021, 1, 31, tzinfo=UTC))
        assert (early["implemented"], early["completion"]) == (1, 33.3)
        assert blueprint_headline(early) == "3 approved of 4 targeted, 1 implemented (33.3 %)"

    def test_statuses_and_milestones_as_of_the_cut(self) -> None:
        """Changes a sync saw after the cut are undone: a blueprint approved later was not
        approved then, one moved to Wallaby later was not targeted then; changes seen
        before the cut stand. Before the first sync, the note says so."""
        seen = datetime(2020, 11, 1, tzinfo=UTC)
        facts = replace(
            FACTS,
            blueprint_changes=(
                BlueprintChange("manila", "a", "milestone", "victoria-3", "wallaby-1",
                                datetime(2020, 11, 10, tzinfo=UTC)),
                BlueprintChange("manila", "c", "definition_status", "Review", "Approved",
                                datetime(2021, 2, 1, tzinfo=UTC)),
                BlueprintChange("manila", "b", "milestone", "xena-1", "wallaby-3",
                                datetime(2021, 3, 1, tzinfo=UTC)),
            ),
            blueprints_since=seen,
        )  # fmt: skip
        january = blueprints(facts, cycle="wallaby", until=datetime(2021, 1, 31, tzinfo=UTC))
        assert [(i["name"], i["definition"]) for i in january["items"]] == [
            ("a", "Approved"), ("d", "Pending Approval"), ("c", "Review"),
        ]  # fmt: skip
        assert (january["approved"], january["implemented"], january["since"]) == (
            1, 1, "2020-11-01T00:00:00+00:00",
        )  # fmt: skip
        assert not january["before_first_sync"]
        at_release = blueprints(facts, cycle="wallaby", until=datetime(2021, 4, 16, tzinfo=UTC))
        assert (at_release["targeted"], at_release["approved"]) == (4, 3)
        october = blueprints(facts, cycle="wallaby", until=datetime(2020, 10, 30, tzinfo=UTC))
        assert october["before_first_sync"]
        assert blueprint_headline(october).endswith(
            "(statuses as first synced, 2020-11-01: none known before)"
        )

    def test_no_blueprint(self) -> None:
        """A cycle with no targeted blueprint says so, with no percentage."""
        none = blueprints(FACTS, cycle="xena", until=datetime(2021, 9, 1, tzinfo=UTC))
        assert (none["targeted"], none["completion"], none["items"]) == (0, None, [])
        assert blueprint_headline(none) == "No blueprint targeted to this cycle's milestones."
