"""What `actions` and `show` read next to the commitments: links, artifact and
commitment states, and the stored changes and bugs links point at."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from syncsvc.domain import ArtifactKey, Bug, Change, Link, LinkKind, StoredAction
from syncsvc.models.blueprint_store import blueprint_states
from syncsvc.models.link_store import current_states, load_links
from syncsvc.models.sync_store import artifact_states, get_bug, get_change


@dataclass(frozen=True, slots=True)
class LinkView:
    """Links, artifact states and commitment states for a set of actions."""

    links: dict[int, list[Link]]
    artifact_states: dict[str, str]
    progress: dict[int, str]


def link_view(session: Session, actions: list[StoredAction]) -> LinkView:
    """Three bulk reads: the actions' links, their artifacts' states, their progress."""
    ids = [a.id for a in actions]
    links: dict[int, list[Link]] = {}
    for link in load_links(session, ids):
        links.setdefault(link.action_id, []).append(link)
    keys = {f"{link.kind}:{link.id}" for group in links.values() for link in group}
    keys |= {f"{r.kind}:{r.id}" for a in actions for r in a.refs}
    wanted = {k for k in keys if (p := ArtifactKey.parse_or_none(k)) and p.target is None}
    progress = {i: str(c.state) for i, c in current_states(session, ids).items()}
    states = artifact_states(session, wanted)
    named = {v.id for group in links.values() for v in group if v.kind is LinkKind.BLUEPRINT}
    states |= {f"blueprint:{i}": b.state for i, b in blueprint_states(session, named).items()}
    return LinkView(links, states, progress)


def linked_artifacts(
    session: Session, links: list[Link]
) -> tuple[dict[int, Change], dict[int, Bug]]:
    """The stored changes and bugs ``links`` point at, by number and bug id."""
    changes = {
        int(link.id): change
        for link in links
        if link.kind == "change" and (change := get_change(session, int(link.id))) is not None
    }
    bugs = {
        int(link.id): bug
        for link in links
        if link.kind == "bug" and (bug := get_bug(session, int(link.id))) is not None
    }
    return changes, bugs
