"""The queue of suggested links a person reviews (`syncsvc link review`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import ActionState, LinkKind, LinkStatus, QueuedLink
from syncsvc.models.link_tables import LinkRow
from syncsvc.models.sync_store import artifact_states
from syncsvc.models.sync_tables import BugRow, ChangeRow
from syncsvc.models.tables import ActionRow, TopicRow


def review_queue(session: Session, *, limit: int | None = None) -> list[QueuedLink]:
    """Suggested links of commitments that are neither dropped nor withdrawn, most
    confident first (then by commitment, kind and id), with each artifact's stored
    title, project and state; at most ``limit``."""
    stmt = (
        select(LinkRow, ActionRow.text, TopicRow.title)
        .join(ActionRow, LinkRow.action_id == ActionRow.id)
        .join(TopicRow, ActionRow.topic_id == TopicRow.id)
        .where(
            LinkRow.status == LinkStatus.SUGGESTED,
            ActionRow.removed_at.is_(None),
            ActionRow.state != ActionState.DROPPED,
        )
        .order_by(LinkRow.confidence.desc(), LinkRow.action_id, LinkRow.kind, LinkRow.ref_id)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    numbers = {int(r.ref_id) for r, _, _ in rows if r.kind == LinkKind.CHANGE}
    bug_ids = {int(r.ref_id) for r, _, _ in rows if r.kind == LinkKind.BUG}
    changes = {
        c.number: c for c in session.scalars(select(ChangeRow).where(ChangeRow.number.in_(numbers)))
    }
    bugs = {b.bug_id: b for b in session.scalars(select(BugRow).where(BugRow.bug_id.in_(bug_ids)))}
    states = artifact_states(
        session, {f"{r.kind}:{r.ref_id}" for r, _, _ in rows if r.kind != LinkKind.BLUEPRINT}
    )
    found = []
    for link, text, topic in rows:
        title = project = url = None
        if link.kind == LinkKind.CHANGE and (change := changes.get(int(link.ref_id))):
            title, project, url = change.subject, change.project, change.url or None
        elif link.kind == LinkKind.BUG and (bug := bugs.get(int(link.ref_id))):
            title, url = bug.title, bug.url or None
        state = states.get(f"{link.kind}:{link.ref_id}")
        found.append(
            QueuedLink(
                action_id=link.action_id,
                action_text=text,
                topic=topic,
                kind=LinkKind(link.kind),
                id=link.ref_id,
                confidence=link.confidence,
                evidence=link.evidence,
                title=title,
                project=project,
                state=state,
                url=url,
            )
        )
    return found
