"""`squash plan`: the planning lists, totals against goals, and the plan as JSON data.

:func:`build_plan` is pure: it takes the stored open bug tasks and open changes,
the filters and the clock, and returns a :class:`SquashPlan`. Renderers (JSON,
table, Markdown, etherpad) live in the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from syncsvc.domain import UNRESOLVED_STATUSES, SquashBug, SquashChange
from syncsvc.errors import ConfigError
from syncsvc.squash import rules
from syncsvc.squash.rules import Listed, Load, RuleSettings

LIST_NAMES: tuple[str, ...] = (
    "untriaged",
    "incomplete_answered",
    "about_to_expire",
    "stale_in_progress",
    "inactive_assignee",
    "inconsistent",
    "fix_in_review",
    "candidates",
)
#: What a goal may be set on (``--goal open=130``), and how each is counted.
TOTALS: tuple[str, ...] = (
    "open",
    "new",
    "incomplete",
    "confirmed",
    "triaged",
    "in_progress",
    "fix_committed",
    "undecided",
    "critical",
    "high",
    "unassigned",
)
#: A squash works best on about this many candidate bugs.
CANDIDATES_RANGE = (100, 500)


@dataclass(frozen=True, slots=True)
class PlanFilters:
    """Which bugs the plan covers; empty ``projects`` means every stored project."""

    projects: tuple[str, ...] = ()
    tag: str | None = None
    milestone: str | None = None
    include_private: bool = False
    goals: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SquashPlan:
    """The lists (each in bug-id order), the per-person load, totals and warnings."""

    generated_at: datetime
    filters: PlanFilters
    totals: Mapping[str, int]
    lists: Mapping[str, Sequence[Listed]]
    load: Sequence[Load]
    changes: Mapping[int, tuple[int, ...]]  # bug id → open changes closing it
    warnings: tuple[str, ...] = ()

    def idle(self, bug: SquashBug) -> int | None:
        """Days idle of ``bug`` at ``generated_at``."""
        return rules.days_idle(bug, self.generated_at)


def parse_goals(pairs: Sequence[str]) -> dict[str, int]:
    """``["open=130", "new=10"]`` → ``{"open": 130, "new": 10}``; ConfigError (exit 2) otherwise."""
    goals: dict[str, int] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        name = name.strip().lower().replace("-", "_").replace(" ", "_")
        if name not in TOTALS or not value.strip().isdigit():
            raise ConfigError(
                f"bad goal {pair!r}",
                hint=f"write NAME=COUNT with NAME one of {', '.join(TOTALS)}",
            )
        goals[name] = int(value)
    return goals


def count_totals(bugs: Sequence[SquashBug]) -> dict[str, int]:
    """The open (unresolved, not duplicate) bugs, by the names in :data:`TOTALS`."""
    open_bugs = [b for b in bugs if b.status in UNRESOLVED_STATUSES and b.duplicate_of is None]

    def status(name: str) -> int:
        return sum(1 for b in open_bugs if b.status == name)

    def importance(name: str) -> int:
        return sum(1 for b in open_bugs if b.importance == name)

    return {
        "open": len(open_bugs),
        "new": status("New"),
        "incomplete": status("Incomplete"),
        "confirmed": status("Confirmed"),
        "triaged": status("Triaged"),
        "in_progress": status("In Progress"),
        "fix_committed": status("Fix Committed"),
        "undecided": importance("Undecided"),
        "critical": importance("Critical"),
        "high": importance("High"),
        "unassigned": sum(1 for b in open_bugs if b.assignee is None),
    }


def _wanted(bug: SquashBug, filters: PlanFilters) -> bool:
    return (
        (not filters.projects or bug.project in filters.projects)
        and (filters.tag is None or filters.tag in bug.tags)
        and (filters.milestone is None or bug.milestone == filters.milestone)
        and (filters.include_private or not bug.private)
        and bug.status in UNRESOLVED_STATUSES
    )


def build_plan(
    bugs: Sequence[SquashBug],
    changes: Sequence[SquashChange],
    filters: PlanFilters,
    *,
    now: datetime,
    settings: RuleSettings = RuleSettings(),
) -> SquashPlan:
    """The plan over ``bugs`` (open tasks) and ``changes`` (open changes) at ``now``.

    Duplicates appear on no list but ``inconsistent`` never needs them; private bugs
    only with ``filters.include_private``. Warns when the candidates are outside
    :data:`CANDIDATES_RANGE`.
    """
    chosen = [b for b in bugs if _wanted(b, filters)]
    masters = [b for b in chosen if b.duplicate_of is None]
    wanted_ids = {b.bug_id for b in masters}
    relevant = [c for c in changes if wanted_ids.intersection(c.closes)]
    lists: dict[str, Sequence[Listed]] = {
        "untriaged": rules.untriaged(masters),
        "incomplete_answered": rules.incomplete_answered(masters),
        "about_to_expire": rules.about_to_expire(masters, now, settings),
        "stale_in_progress": rules.stale_in_progress(masters, relevant, now),
        "inactive_assignee": rules.inactive_assignee(masters, now),
        "inconsistent": rules.inconsistent(masters, now),
        "fix_in_review": rules.fix_in_review(masters, relevant, now),
        "candidates": rules.candidates(masters, now, settings),
    }
    low, high = CANDIDATES_RANGE
    count = len({i.bug.bug_id for i in lists["candidates"]})
    warnings: tuple[str, ...] = ()
    if not low <= count <= high:
        advice = "narrow or widen --project, --tag, --milestone"
        warnings = (
            f"{count} candidate bugs: a squash works best on about {low} to {high} ({advice})",
        )
    closing: dict[int, list[int]] = {}
    for change in relevant:
        for bug_id in change.closes:
            closing.setdefault(bug_id, []).append(change.number)
    return SquashPlan(
        generated_at=now,
        filters=filters,
        totals=count_totals(masters),
        lists=lists,
        load=rules.load(masters, relevant),
        changes={b: tuple(sorted(n)) for b, n in closing.items()},
        warnings=warnings,
    )


def goal_lines(totals: Mapping[str, int], goals: Mapping[str, int]) -> list[str]:
    """``["open 250 → 130", "new 80 → 10"]`` in :data:`TOTALS` order; the totals
    alone (``open 250``) when no goal is set."""
    names = [n for n in TOTALS if n in goals] or ["open", "new", "undecided"]
    label = {"in_progress": "In Progress", "fix_committed": "Fix Committed"}
    lines = []
    for name in names:
        shown = label.get(name, name if name == "open" else name.capitalize())
        goal = goals.get(name)
        lines.append(f"{shown} {totals[name]}" + ("" if goal is None else f" → {goal}"))
    return lines
