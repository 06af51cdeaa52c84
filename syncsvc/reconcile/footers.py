"""Link records and the evidence that ties commitments to bugs, changes and blueprints.

A :class:`Link` joins one commitment (a stored action) to one artifact. An
:class:`Edge` joins a change to a bug or blueprint; the reconciler follows edges
to link a commitment transitively. Edges come from three kinds of evidence:

* commit-message footers, as :mod:`syncsvc.domain.footers` reads them into each
  change's :class:`~syncsvc.domain.Footers`;
* Gerrit topics ``bug/N`` and ``bp/name``;
* the comments jeepyb leaves on a bug: ``Fix proposed to manila (master)`` with a
  ``Review:`` URL.

Pure functions only: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from heapq import merge

from syncsvc.domain import BugMessage, ChangeFacts, Ref, RefKind
from syncsvc.domain.links import (
    Edge,
    LinkSource,
    Relation,
)
from syncsvc.domain.statuses import LinkKind
from syncsvc.parse.refs import find_refs

EXPLICIT_CONFIDENCE = 1.0
#: A ref in the topic's discussion applies to every action of the topic: a little less sure.
TOPIC_REF_CONFIDENCE = 0.9
GERRIT_TOPIC_CONFIDENCE = 0.8
LP_MESSAGE_CONFIDENCE = 0.9
LP_RELATED_MESSAGE_CONFIDENCE = 0.5
TRANSITIVE_FACTOR = 0.9
RELATION_CONFIDENCE = {
    Relation.CLOSES: 0.95,
    Relation.PARTIAL: 0.8,
    Relation.RELATED: 0.5,
    Relation.MENTIONS: 0.5,
}


# --- Gerrit topics and Launchpad messages --------------------------------------------

#: The comments OpenStack's Gerrit hook (jeepyb) leaves on a bug ("Fix proposed to manila
#: (master)", "Fix merged to ...", "Related fix proposed to ...", "Change abandoned on
#: ..."): a cheap filter, matched against subject or content, that keeps every comment
#: :func:`parse_bug_message` can read.
GERRIT_EVIDENCE = re.compile(
    r"\b(?:related fix|fix) (?:proposed|merged) to\b|\bchange abandoned (?:on|by)\b",
    re.IGNORECASE,
)
_TOPIC_BUG = re.compile(r"bug/#?(\d+)", re.IGNORECASE)
_TOPIC_BLUEPRINT = re.compile(r"(?:bp|blueprint)/([a-z0-9][\w.+-]*)", re.IGNORECASE)
_FIX_SUBJECT = re.compile(
    r"\s*(?:(?P<related>related\s+)?fix\s+(?P<event>proposed|merged)\s+to"
    r"|change\s+(?P<abandoned>abandoned)\s+on)"
    r"\s+(?P<project>[\w.+/-]+)\s+\((?P<branch>[^)\s]+)\)",
    re.IGNORECASE,
)
_FIX_BODY = re.compile(
    r"\s*(?P<related>related\s+)?fix\s+(?P<event>proposed)\s+to\s+branch:\s*(?P<branch>\S+)",
    re.IGNORECASE,
)
_REVIEW_LINE = re.compile(r"^[ \t]*review(?:ed)?:[ \t]*(?P<url>\S+)", re.IGNORECASE | re.MULTILINE)


def parse_gerrit_topic(topic: str | None) -> tuple[LinkKind, str] | None:
    """``bug/N`` → (BUG, "N"); ``bp/name`` or ``blueprint/name`` → (BLUEPRINT, name)."""
    if not topic:
        return None
    if match := _TOPIC_BUG.fullmatch(topic.strip()):
        return (LinkKind.BUG, match.group(1))
    if match := _TOPIC_BLUEPRINT.fullmatch(topic.strip()):
        return (LinkKind.BLUEPRINT, match.group(1))
    return None


@dataclass(frozen=True, slots=True)
class FixMessage:
    """A jeepyb comment on a bug: a (related) fix proposed or merged, or a change abandoned."""

    bug_id: int
    change: int
    relation: Relation
    event: str  # "proposed", "merged" or "abandoned"
    project: str
    branch: str
    review_url: str


def parse_bug_message(message: BugMessage) -> FixMessage | None:
    """Read a jeepyb comment (subject ``Fix proposed to manila (master)`` or the body's
    ``Fix proposed to branch: master``) and its ``Review:``/``Reviewed:`` URL.

    ``None`` for any other comment or when the URL is not a Gerrit change. An
    abandoned change only relates (jeepyb does not say whether it was a fix).
    """
    review = _REVIEW_LINE.search(message.content)
    changes = (
        [r for r in find_refs(review.group("url")) if r.kind is RefKind.CHANGE] if review else []
    )
    if not changes:
        return None
    project = ""
    if subject := _FIX_SUBJECT.match(message.subject):
        project, groups = subject.group("project"), subject.groupdict()
    elif body := _FIX_BODY.match(message.content):
        groups = body.groupdict()
    else:
        return None
    closes = not groups.get("related") and not groups.get("abandoned")
    return FixMessage(
        bug_id=message.bug_id,
        change=int(changes[0].id),
        relation=Relation.CLOSES if closes else Relation.RELATED,
        event=(groups.get("abandoned") or groups["event"]).lower(),
        project=project,
        branch=groups["branch"],
        review_url=changes[0].url,
    )


# --- Edges ---------------------------------------------------------------------------


def change_edges(change: ChangeFacts) -> tuple[Edge, ...]:
    """Edges from a change's footers (bugs, then blueprints) and its topic."""
    n, footers = change.number, change.footers
    if not (change.topic or footers.closes_bug or footers.blueprints) and not (
        footers.partial_bug or footers.related_bug
    ):
        return ()  # most changes have neither: skip building the empty lists
    edges = [
        Edge(
            n,
            LinkKind.BUG,
            bug,
            LinkSource.FOOTER,
            relation,
            RELATION_CONFIDENCE[relation],
        )  # its evidence text is made when read (Edge.evidence)
        for relation, bugs in (
            (Relation.CLOSES, footers.closes_bug),
            (Relation.PARTIAL, footers.partial_bug),
            (Relation.RELATED, footers.related_bug),
        )
        for bug in bugs
    ]
    # Footers does not tell Implements from Partially-Implements: count as implements.
    implements = RELATION_CONFIDENCE[Relation.CLOSES]
    edges.extend(
        Edge(
            n,
            LinkKind.BLUEPRINT,
            name,
            LinkSource.FOOTER,
            Relation.CLOSES,
            implements,
        )
        for name in footers.blueprints
    )
    if target := parse_gerrit_topic(change.topic):
        kind, ident = target
        edges.append(
            Edge(
                n,
                kind,
                ident,
                LinkSource.TOPIC,
                Relation.CLOSES,
                GERRIT_TOPIC_CONFIDENCE,
                f"change {n} topic {change.topic}",
            )
        )
    return tuple(edges)


def message_edge(message: BugMessage) -> Edge | None:
    """The edge a jeepyb comment on a bug records, if it is one."""
    fix = parse_bug_message(message)
    if fix is None:
        return None
    closes = fix.relation is Relation.CLOSES
    subject = message.subject.strip() or f"fix {fix.event} to branch {fix.branch}"
    evidence = f"bug {fix.bug_id} comment {message.date:%Y-%m-%d} {subject!r}: {fix.review_url}"
    confidence = LP_MESSAGE_CONFIDENCE if closes else LP_RELATED_MESSAGE_CONFIDENCE
    source, bug = LinkSource.LP_MESSAGE, str(fix.bug_id)
    return Edge(fix.change, LinkKind.BUG, bug, source, fix.relation, confidence, evidence)


def collect_edges(
    changes: Iterable[ChangeFacts], messages: Iterable[BugMessage]
) -> tuple[Edge, ...]:
    """All edges, one per (change, kind, id, source) keeping the most confident (the first
    of equals), sorted by change, kind, id and source."""
    from_changes: list[Edge] = []  # each change's edges, deduplicated and sorted
    last: int | None = None
    ascending = True
    for change in changes:
        if mine := change_edges(change):
            ascending = ascending and (last is None or change.number > last)
            last = change.number
            from_changes.extend(_best_edges(mine))
    from_messages = _best_edges(e for m in messages if (e := message_edge(m)) is not None)
    if not ascending:  # a change read twice, or out of order: deduplicate across them
        return tuple(_best_edges([*from_changes, *from_messages]))
    # Numbers ascending and each change read once: its edges can repeat no other change's,
    # nor a comment's (another source), so they need not be keyed and sorted all at once
    # (a transient as large as the edges, issue 14's peak RSS).
    return tuple(merge(from_changes, from_messages, key=_edge_order))


def _edge_order(edge: Edge) -> tuple[int, str, str, str]:
    return edge.change, edge.kind.value, edge.id, edge.source.value


def _best_edges(edges: Iterable[Edge]) -> list[Edge]:
    """One edge per (change, kind, id, source), the most confident (the first of equals),
    sorted as :func:`collect_edges` sorts them."""
    best: dict[tuple[int, LinkKind, str, LinkSource], Edge] = {}
    for edge in edges:
        key = (edge.change, edge.kind, edge.id, edge.source)
        if key not in best or edge.confidence > best[key].confidence:
            best[key] = edge
    return [best[k] for k in sorted(best, key=lambda k: (k[0], k[1].value, k[2], k[3].value))]


# --- Explicit references -------------------------------------------------------------

_CHANGE_TEXT = re.compile(r"\b(?:change|review)\s*#?\s*(?P<num>\d{5,})\b", re.IGNORECASE)
LINKABLE = {
    RefKind.CHANGE: LinkKind.CHANGE,
    RefKind.BUG: LinkKind.BUG,
    RefKind.BLUEPRINT: LinkKind.BLUEPRINT,
}


def linkable_refs(text: str, refs: Sequence[Ref] = ()) -> tuple[Ref, ...]:
    """Change, bug and blueprint refs: ``refs`` as stored, then any more found in ``text``
    (URLs, ``bug N``, ``LP #N``, ``change N``), without duplicates, in order."""
    found = list(refs) + list(find_refs(text))
    found.extend(
        Ref(RefKind.CHANGE, m.group("num"), m.group(0)) for m in _CHANGE_TEXT.finditer(text)
    )
    unique: dict[tuple[RefKind, str], Ref] = {}
    for ref in found:
        if ref.kind in LINKABLE:
            unique.setdefault((ref.kind, ref.id), ref)
    return tuple(unique.values())
