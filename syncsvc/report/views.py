"""Plain data views of domain records: the JSON contract and text summaries.

``action_json`` is the documented shape of ``syncsvc actions --format json``;
change it only together with README.md and its test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from syncsvc.domain import Event, Link, StoredAction, StoredDecision, StoredEvent

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]


def link_json(link: Link, states: Mapping[str, str]) -> dict[str, JSONValue]:
    """One link as documented: kind, id, source, confidence, status and artifact state."""
    return {
        "kind": str(link.kind),
        "id": link.id,
        "source": str(link.source),
        "confidence": round(link.confidence, 3),
        "status": str(link.status),
        "state": states.get(f"{link.kind}:{link.id}"),
    }


def action_json(
    action: StoredAction,
    links: Sequence[Link] = (),
    states: Mapping[str, str] | None = None,
    progress: str | None = None,
) -> dict[str, JSONValue]:
    """One action as the JSON object of ``syncsvc actions --format json``.

    ``links`` are this action's links, ``states`` the artifacts' current states
    (``change:N`` → ``MERGED``) and ``progress`` its commitment state.
    """
    return {
        "id": action.id,
        "event": action.event,
        "day": action.day.isoformat() if action.day else None,
        "topic": action.topic,
        "text": action.text,
        "owners": list(action.owners),
        "milestone": action.milestone,
        "milestone_key": action.milestone_key,
        "due": action.due.isoformat() if action.due else None,
        "starts": action.starts.isoformat() if action.starts else None,
        "refs": [{"kind": str(r.kind), "id": r.id, "url": r.url} for r in action.refs],
        "state": str(action.state),
        "progress": progress,
        "links": [link_json(link, states or {}) for link in links],
        "inferred": action.inferred,
        "confidence": round(action.confidence, 3),
        "organisations": list(action.organisations),
    }


def action_detail_json(
    action: StoredAction,
    links: Sequence[Link] = (),
    states: Mapping[str, str] | None = None,
    progress: str | None = None,
) -> dict[str, JSONValue]:
    """``action_json`` plus link evidence and earlier wordings (``syncsvc show``)."""
    data = action_json(action, links, states, progress)
    data["links"] = [{**link_json(link, states or {}), "evidence": link.evidence} for link in links]
    data["history"] = [
        {"text": h.text, "owners": list(h.owners), "replaced_at": h.replaced_at.isoformat()}
        for h in action.history
    ]
    return data


def decision_json(decision: StoredDecision) -> dict[str, JSONValue]:
    """One decision as listed by ``syncsvc decisions --format json``."""
    return {
        "event_id": decision.event_id,
        "event": decision.event,
        "topic": decision.topic,
        "text": decision.text,
    }


def event_json(event: StoredEvent) -> dict[str, JSONValue]:
    """One imported event as listed by ``syncsvc events --format json``."""
    return {
        "id": event.id,
        "team": event.team,
        "cycle": event.cycle,
        "title": event.title,
        "source": str(event.source),
        "imported_at": event.imported_at.isoformat(),
        "topics": event.topics,
        "actions": event.actions,
        "first_day": event.first_day.isoformat() if event.first_day else None,
        "last_day": event.last_day.isoformat() if event.last_day else None,
    }


@dataclass(frozen=True, slots=True)
class ParseSummary:
    """Counts of what the parser found in one summary."""

    days: int
    topics: int
    actions: int
    owned: int
    unassigned: int
    refs: dict[str, int]
    etherpads: int
    warnings: int


def summarise(event: Event) -> ParseSummary:
    """Count days, topics, actions (owned/unassigned), refs by kind and etherpads."""
    refs: Counter[str] = Counter()
    for topic in event.topics:
        refs.update(str(r.kind) for r in topic.refs)
        for action in topic.actions:
            refs.update(str(r.kind) for r in action.refs)
    actions = event.actions
    owned = sum(1 for a in actions if a.owners)
    return ParseSummary(
        days=len(event.days),
        topics=len(event.topics),
        actions=len(actions),
        owned=owned,
        unassigned=len(actions) - owned,
        refs=dict(sorted(refs.items())),
        etherpads=len({url for t in event.topics for url in t.etherpads}),
        warnings=len(event.warnings),
    )
