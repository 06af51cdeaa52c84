"""The reconciler: a pure ``diff`` from commitments and artifacts to a :class:`Plan`.

Links come from, in order of strength: explicit refs in the action (1.0) or in
its topic's discussion (0.9); transitive links through change ↔ bug/blueprint
edges (the parent's confidence times 0.9); and, for commitments with nothing
confirmed, scored candidates (suggested only). Stored links that a person
confirmed or rejected are never changed, and a rejected link is never derived
again. :func:`assess` turns a commitment's confirmed links and the artifacts'
states into not-started / in-progress / stalled / done / dropped, and says since
when.

No I/O: callers pass every record in (to :func:`diff_parts`, a function that gives a
batch's stored links) and apply the plan themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import NamedTuple

import numpy as np

from syncsvc.config import SUGGEST_THRESHOLD
from syncsvc.domain import (
    ActionState,
    Bug,
    BugMessage,
    ChangeFacts,
    Edge,
    Identity,
    Link,
    LinkKey,
    LinkKind,
    LinkSource,
    LinkStatus,
    Ref,
    StoredAction,
    id_order,
)
from syncsvc.domain.links import Plan, TopicRefs
from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.reconcile.evidence import Candidate
from syncsvc.reconcile.footers import (
    EXPLICIT_CONFIDENCE,
    LINKABLE,
    TOPIC_REF_CONFIDENCE,
    TRANSITIVE_FACTOR,
    collect_edges,
    linkable_refs,
)
from syncsvc.reconcile.groups import (
    GROUP_CONFIDENCE,
    INT64_MAX,
    INT64_MIN,
    Grouper,
    Member,
    Seed,
    inherited,
    points_back,
)
from syncsvc.reconcile.hints import HintKind
from syncsvc.reconcile.weights import WordStats

MAX_CANDIDATES = 3
#: Actions derived and compared at a time by :func:`diff_parts` (the relink applies each
#: part before the next is derived; issue 14's peak RSS).
BATCH = 100
_NO_KEYS: frozenset[LinkKey] = frozenset()
CONFIRMED = LinkStatus.CONFIRMED


# --- diff --------------------------------------------------------------------------------


def _key_order(key: LinkKey) -> tuple[int, str, tuple[int, str]]:
    return (key[0], key[1].value, id_order(key[2]))


def _same(a: Link, b: Link) -> bool:
    return (a.source, a.confidence, a.status, a.evidence) == (
        b.source,
        b.confidence,
        b.status,
        b.evidence,
    )


def _label(link: Link) -> str:
    return f"{link.kind} {link.id} ({link.source}, {link.confidence:.2f}, {link.status})"


class _Derivation:
    """The links one action's evidence supports, best per key, minus rejected keys."""

    def __init__(
        self, action: StoredAction, stored: Mapping[LinkKey, Link], reasons: list[str]
    ) -> None:
        self.action, self.reasons = action, reasons
        rejected = frozenset(k for k, v in stored.items() if v.status is LinkStatus.REJECTED)
        # Most actions reject nothing: the shared empty set then, not one set per action
        # (issue 14's peak RSS).
        self.rejected = rejected or _NO_KEYS
        self.links: dict[LinkKey, Link] = {}
        self.suppressed = _NO_KEYS  # grown only for a rejected key: few or none

    def offer(
        self,
        kind: LinkKind,
        ident: str,
        source: LinkSource,
        confidence: float,
        status: LinkStatus,
        evidence: str,
    ) -> None:
        link = Link(self.action.id, kind, ident, source, round(confidence, 4), status, evidence)
        if link.key in self.rejected:
            if link.key not in self.suppressed:
                self.suppressed |= {link.key}
                self.reasons.append(
                    f"action {link.action_id}: rejected, not re-added: {_label(link)}"
                )
        elif link.key not in self.links or _stronger(link, self.links[link.key]):
            self.links[link.key] = link


def _stronger(new: Link, old: Link) -> bool:
    """Whether ``new`` beats ``old`` for the same key: confirming evidence beats a
    suggestion, then the higher confidence; on a tie the first offer stays."""
    return (new.status is CONFIRMED, new.confidence) > (old.status is CONFIRMED, old.confidence)


class _EdgeIndex:
    """Edges by what they extend: a change's bug edges; a bug's or blueprint's change edges
    (by kind and the name after the last ``/``, ignoring case). Lists keep the edges' order."""

    def __init__(self, edges: Sequence[Edge]) -> None:
        self.edges = edges
        self.changes_of: dict[tuple[LinkKind, str], list[Edge]] = defaultdict(list)
        for e in edges:
            self.changes_of[e.kind, e.id.rsplit("/", 1)[-1].casefold()].append(e)
        # A change's bug edges: positions in ``edges`` sorted by change number (stable, so in
        # the edges' order), not a list per change (issue 14's peak RSS).
        bug_edges: list[int] = []
        self.beyond: dict[str, list[Edge]] = defaultdict(list)  # numbers no int64 holds
        for i, e in enumerate(edges):
            if e.kind is LinkKind.BUG:
                if INT64_MIN <= e.change <= INT64_MAX:
                    bug_edges.append(i)
                else:
                    self.beyond[str(e.change)].append(e)
        numbers = np.array([edges[i].change for i in bug_edges], dtype=np.int64)
        order = np.argsort(numbers, kind="stable")
        self.bug_numbers = numbers[order]
        self.bug_edges = np.array(bug_edges, dtype=np.int64)[order]

    def bugs_of(self, change: str) -> list[Edge]:
        """The bug edges of the change whose number is written ``change``, in edge order."""
        try:
            number = int(change)
        except ValueError:
            return []
        if str(number) != change:
            return []
        if not INT64_MIN <= number <= INT64_MAX:
            return list(self.beyond.get(change, ()))
        start = np.searchsorted(self.bug_numbers, number, "left")
        end = np.searchsorted(self.bug_numbers, number, "right")
        return [self.edges[i] for i in self.bug_edges[start:end].tolist()]

    def targets(self, parent: Link) -> list[tuple[LinkKind, str, Edge]]:
        """What ``parent`` reaches through one edge: a bug's or blueprint's changes, a change's
        bugs."""
        if parent.kind is LinkKind.CHANGE:
            return [(e.kind, e.id, e) for e in self.bugs_of(parent.id)]
        name = parent.id.rsplit("/", 1)[-1].casefold()
        return [
            (LinkKind.CHANGE, str(e.change), e)
            for e in self.changes_of.get((parent.kind, name), ())
        ]


def _derive(
    action: StoredAction,
    stored: Mapping[LinkKey, Link],
    topic_refs: Sequence[Ref],
    edges: _EdgeIndex,
    reasons: list[str],
) -> _Derivation:
    found = _Derivation(action, stored, reasons)
    explicit = [
        (r, EXPLICIT_CONFIDENCE, "action text") for r in linkable_refs(action.text, action.refs)
    ]
    explicit += [
        (r, TOPIC_REF_CONFIDENCE, f"topic {action.topic!r}") for r in linkable_refs("", topic_refs)
    ]
    for ref, confidence, where in explicit:
        evidence = f"{where} refers to {ref.url or ref.id}"
        found.offer(
            LINKABLE[ref.kind], ref.id, LinkSource.EXPLICIT, confidence, CONFIRMED, evidence
        )
    # Every confirmed link is the parent of transitive ones, the ones found here included,
    # level by level until none is new: one relink reaches what repeated relinks of the same
    # data would (a stored confirmed link is never changed, so it is a parent as stored).
    parents = [v for v in found.links.values() if v.status is CONFIRMED]
    parents += [v for k, v in stored.items() if v.status is CONFIRMED and k not in found.links]
    expanded: set[LinkKey] = set()
    while parents:
        for parent in sorted(parents, key=lambda v: _key_order(v.key)):
            expanded.add(parent.key)
            confidence = parent.confidence * TRANSITIVE_FACTOR
            for kind, ident, edge in edges.targets(parent):
                status = CONFIRMED if edge.strong else LinkStatus.SUGGESTED
                evidence = f"via {parent.kind} {parent.id} ({parent.source}): {edge.evidence}"
                found.offer(kind, ident, LinkSource.TRANSITIVE, confidence, status, evidence)
        parents = [v for k, v in found.links.items() if v.status is CONFIRMED and k not in expanded]
    return found


def _suggest(found: _Derivation, candidates: Sequence[Candidate], threshold: float) -> None:
    """Offer up to MAX_CANDIDATES candidates at or above ``threshold`` (rejected ones are
    reported, not added), or explain why the best one fell short."""
    action_id = found.action.id
    fresh = [c for c in candidates if (action_id, c.kind, c.id) not in found.links]
    above = [c for c in fresh if c.score >= threshold]
    taken = 0
    for cand in above:
        if taken == MAX_CANDIDATES:
            break
        source, status = LinkSource.CANDIDATE, LinkStatus.SUGGESTED
        found.offer(cand.kind, cand.id, source, cand.score, status, cand.evidence)
        taken += (action_id, cand.kind, cand.id) not in found.rejected
    if not above and fresh:
        best = fresh[0]
        found.reasons.append(
            f"action {action_id}: best candidate {best.kind} {best.id} scored {best.score:.2f}"
            f" < threshold {threshold:.2f} ({best.evidence})"
        )


def _seeds(found: _Derivation, stored: Mapping[LinkKey, Link], threshold: float) -> list[Seed]:
    """The changes an action is linked to with confidence: confirmed links (derived or stored)
    and this run's candidates at or above ``threshold`` (a stored suggestion is no evidence:
    it may be last run's group member)."""
    seeds: dict[int, Seed] = {}
    confirmed = [v for v in stored.values() if v.status is CONFIRMED]
    for link in [*found.links.values(), *confirmed]:
        if link.kind is not LinkKind.CHANGE or not link.id.isdigit():
            continue
        if link.status is CONFIRMED:
            label = f"confirmed {link.source}"
        elif link.source is LinkSource.CANDIDATE and link.confidence >= threshold:
            label = f"candidate {link.confidence:.2f}"
        else:
            continue
        number = int(link.id)
        if number not in seeds or seeds[number].confidence < link.confidence:
            seeds[number] = Seed(number, link.confidence, label)
    return sorted(seeds.values(), key=lambda s: (-s.confidence, s.number))


def _offer_group(found: _Derivation, members: Sequence[Member], threshold: float) -> None:
    """Suggest a group's members at or above ``threshold`` (never confirmed: a person
    confirms each). A member already linked through its own record (an explicit ref, a
    footer, a transitive hop) keeps that link: it names the evidence, the group only
    the neighbourhood."""
    for m in (m for m in members if m.confidence >= threshold):
        key = (found.action.id, LinkKind.CHANGE, str(m.number))
        if (known := found.links.get(key)) is not None and known.source is not LinkSource.CANDIDATE:
            continue
        status = LinkStatus.SUGGESTED
        found.offer(LinkKind.CHANGE, str(m.number), LinkSource.CANDIDATE, m.confidence, status,
                    m.evidence)  # fmt: skip


def _compare(before: Link | None, after: Link | None) -> tuple[str, Link, str | None]:
    """Which plan bucket a stored/derived pair goes to, the link to put there, and why."""
    if before is not None and before.is_decision:
        changed = before.status is CONFIRMED and after is not None and not _same(before, after)
        why = f"kept confirmed {_label(before)}; not replaced by {_label(after)}" if after else ""
        return "unchanged", before, why if changed else None
    if before is not None and after is not None:
        if _same(before, after):
            return "unchanged", before, None
        return "update", after, f"update {_label(before)} -> {_label(after)}"
    if before is not None:
        return "stale", before, f"stale {_label(before)}: no longer supported"
    assert after is not None
    return "add", after, f"add {_label(after)}: {after.evidence}"


class PlanPart(NamedTuple):
    """The plan of one batch of actions (see :func:`diff_parts`): its links and the reason
    lines of its comparisons (``plan.reasons``, no edges), and the reason lines noted while
    deriving its links (``noted``: :func:`diff` puts every batch's first)."""

    plan: Plan
    noted: tuple[str, ...]


def batches(actions: Sequence[StoredAction], size: int | None) -> list[list[StoredAction]]:
    """``actions`` by id, in runs of ``size`` or a few more (``None``: one run), never cut
    inside a topic one of whose actions points back at it: those take their siblings'
    groups, so a topic's actions are derived together. No actions: one empty run."""
    ordered = sorted(actions, key=lambda a: a.id)
    if size is None or not ordered:
        return [ordered]
    inheriting = _inheriting(ordered)
    last = {(a.event_id, a.topic): i for i, a in enumerate(ordered)}
    runs: list[list[StoredAction]] = []
    start, reach = 0, -1
    for i, a in enumerate(ordered):
        if (a.event_id, a.topic) in inheriting:
            reach = max(reach, last[a.event_id, a.topic])
        if i + 1 - start >= size and reach <= i:
            runs.append(ordered[start : i + 1])
            start = i + 1
    if start < len(ordered):
        runs.append(ordered[start:])
    return runs


def _inheriting(actions: Sequence[StoredAction]) -> set[tuple[int, str]]:
    """The topics an action of which points back at them (and so takes its siblings'
    groups)."""
    return {
        (a.event_id, a.topic)
        for a in actions
        if a.state is not ActionState.DROPPED and points_back(a.text)
    }


def diff(
    actions: Sequence[StoredAction],
    changes: Sequence[ChangeFacts],
    bugs: Sequence[Bug],
    messages: Sequence[BugMessage],
    identities: Sequence[Identity],
    existing: Sequence[Link],
    *,
    team_projects: Sequence[str],
    event_start: date | None,
    threshold: float = SUGGEST_THRESHOLD,
    topic_refs: TopicRefs | None = None,
    stats: WordStats | None = None,
) -> Plan:
    """Compare the links the evidence supports with the ``existing`` (stored) links.

    ``topic_refs`` maps (event id, topic title) to the refs found in that topic's
    discussion (``StoredAction.refs`` holds only the action's own refs).
    Candidates (for actions that are not dropped and have no confirmed link but to
    changes last updated before the event) come
    from changes and bugs updated on or after ``event_start`` (else the action's
    day); at most three at or above ``threshold`` are suggested. Existing links
    of actions not in ``actions`` are ignored. Words weigh by ``stats`` when given
    (see :class:`CandidatePool`). Deterministic: the same input
    gives the same plan.
    """
    edges = collect_edges(changes, messages)
    parts = diff_parts(
        actions,
        changes,
        bugs,
        edges,
        identities,
        lambda _ids: existing,
        team_projects=team_projects,
        event_start=event_start,
        threshold=threshold,
        topic_refs=topic_refs,
        stats=stats,
        size=None,
    )
    found = list(parts)
    return Plan(
        add=tuple(v for part, _ in found for v in part.add),
        update=tuple(v for part, _ in found for v in part.update),
        unchanged=tuple(v for part, _ in found for v in part.unchanged),
        reasons=(
            *(r for _, noted in found for r in noted),
            *(r for p, _ in found for r in p.reasons),
        ),
        stale=tuple(v for part, _ in found for v in part.stale),
        edges=edges,
    )


def diff_parts(
    actions: Sequence[StoredAction],
    changes: Sequence[ChangeFacts],
    bugs: Sequence[Bug],
    edges: Sequence[Edge],
    identities: Sequence[Identity],
    existing: Callable[[Sequence[int]], Iterable[Link]],
    *,
    team_projects: Sequence[str],
    event_start: date | None,
    threshold: float = SUGGEST_THRESHOLD,
    topic_refs: TopicRefs | None = None,
    stats: WordStats | None = None,
    size: int | None = BATCH,
) -> Iterator[PlanPart]:
    """:func:`diff`'s plan a batch of actions at a time (see :func:`batches`), so that the
    links and evidence of every action are never alive at once (issue 14's peak RSS).

    ``edges``: :func:`collect_edges` of the changes and messages; ``existing`` gives the
    stored links of a batch's action ids (links of other actions are ignored). The parts'
    links, in order, are :func:`diff`'s; so are their reasons, every part's ``noted``
    first. The candidate pool and the groups are built once, before the first part.
    """
    by_target = _EdgeIndex(edges)
    pool = CandidatePool(changes, bugs, identities, team_projects, stats)
    grouper = Grouper(pool, edges)
    # Only an action that points back at its topic takes its siblings' groups: keep the
    # groups of those topics alone (issue 14's peak RSS).
    inheriting = _inheriting(actions)
    runs = batches(actions, size)
    while runs:
        run = runs.pop(0)
        stored: dict[int, dict[LinkKey, Link]] = defaultdict(dict)
        mine = {a.id for a in run}
        for link in existing([a.id for a in run]):
            if link.action_id in mine:
                stored[link.action_id][link.key] = link
        noted: list[str] = []
        derived: list[tuple[StoredAction, dict[LinkKey, Link], _Derivation]] = []
        by_topic: dict[tuple[int, str], dict[int, list[Member]]] = defaultdict(dict)
        for action in run:
            old = stored.get(action.id, {})
            refs = (topic_refs or {}).get((action.event_id, action.topic), ())
            found = _derive(action, old, refs, by_target, noted)
            _candidates(found, old, pool, event_start or action.day, threshold)
            if action.state is not ActionState.DROPPED:
                seeds = _seeds(found, old, threshold)
                since = event_start or action.day
                group = grouper.members(action, seeds, since) if seeds else []
                _offer_group(found, group, threshold)
                if seeds and (action.event_id, action.topic) in inheriting:
                    by_topic[action.event_id, action.topic][action.id] = _own(seeds, group)
            derived.append((action, old, found))
        if not runs:
            # The pool, the grouper and the edge index are done with: free them before the
            # last plan's links and reasons are put together (issue 14's peak RSS).
            del pool, grouper, by_target
        yield _compared(derived, by_topic, threshold, noted)


def _candidates(
    found: _Derivation,
    old: Mapping[LinkKey, Link],
    pool: CandidatePool,
    since: date | None,
    threshold: float,
) -> None:
    """Suggest candidates for an action that is not dropped and has nothing confirmed but
    changes last updated before ``since``: the earlier work a commitment cites ("revise the
    spec based on the feedback on 729292") does not carry it out, so its work is sought."""
    action = found.action
    if action.state is ActionState.DROPPED:
        return
    confirmed = (v for v in (*found.links.values(), *old.values()) if v.status is CONFIRMED)
    if any(not _earlier(v, pool, since) for v in confirmed):
        return
    if (hint := pool.hint(action)) is not None and hint.kind is HintKind.NOTHING:
        found.reasons.append(f"action {action.id}: no candidates ({hint.label})")
    # _suggest reads the ranking only up to MAX_CANDIDATES records that are neither
    # derived nor rejected, plus one: the best one when none reach the threshold.
    limit = MAX_CANDIDATES + len(found.links) + len(found.rejected) + 1
    _suggest(found, pool.score(action, since, limit=limit), threshold)


def _earlier(link: Link, pool: CandidatePool, since: date | None) -> bool:
    """Whether ``link`` is to a change the pool holds, last updated before ``since``."""
    if since is None or link.kind is not LinkKind.CHANGE or not link.id.isdigit():
        return False
    day = pool.last_update(int(link.id))
    return day is not None and day < since


def _own(seeds: Sequence[Seed], group: Sequence[Member]) -> list[Member]:
    """An action's seeds and group as members its siblings may take: a seed whose neighbours
    joined is as sure as they are."""
    anchors = Counter(m.seed for m in group)
    own = [
        Member(
            s.number,
            max(s.confidence, GROUP_CONFIDENCE) if anchors[s.number] else s.confidence,
            f"its change {s.number} ({s.label}"
            + (f", with {anchors[s.number]} neighbours)" if anchors[s.number] else ")"),
        )
        for s in seeds
    ]
    return own + list(group)


def _compared(
    derived: list[tuple[StoredAction, dict[LinkKey, Link], _Derivation]],
    by_topic: Mapping[tuple[int, str], Mapping[int, Sequence[Member]]],
    threshold: float,
    noted: list[str],
) -> PlanPart:
    """The plan part of a batch's derivations: each key's bucket and reason line."""
    buckets: dict[str, list[Link]] = defaultdict(list)
    reasons: list[str] = []
    for action, old, found in derived:
        found.reasons = reasons  # in order with the comparisons, as before batches
        if action.state is not ActionState.DROPPED and not found.links and not old:
            siblings = by_topic.get((action.event_id, action.topic), {})
            _offer_group(found, inherited(action, siblings), threshold)
        for key in sorted(set(old) | set(found.links), key=_key_order):
            bucket, link, why = _compare(old.get(key), found.links.get(key))
            buckets[bucket].append(link)
            if why:
                reasons.append(f"action {key[0]}: {why}")
    plan = Plan(
        add=tuple(buckets["add"]),
        update=tuple(buckets["update"]),
        unchanged=tuple(buckets["unchanged"]),
        reasons=tuple(reasons),
        stale=tuple(buckets["stale"]),
    )
    return PlanPart(plan, tuple(noted))


# --- Commitment state ----------------------------------------------------------------
