"""The reconciler: a pure ``diff`` from commitments and artifacts to a :class:`Plan`.

Links come from, in order of strength: explicit refs in the action (1.0) or in
its topic's discussion (0.9); transitive links through change ↔ bug/blueprint
edges (the parent's confidence times 0.9); and, for commitments with nothing
confirmed, scored candidates (suggested only). Stored links that a person
confirmed or rejected are never changed, and a rejected link is never derived
again. :func:`assess` turns a commitment's confirmed links and the artifacts'
states into not-started / in-progress / stalled / done / dropped, and says since
when.

No I/O: callers pass every record in and apply the plan themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from syncsvc.candidates import (
    Candidate,
    CandidatePool,
    HintKind,
    bug_activity,
    id_order,
    lp_project,
    repo_name,
)
from syncsvc.domain import (
    ActionState,
    Bug,
    BugMessage,
    BugTask,
    Change,
    ChangeStatus,
    Ref,
    StoredAction,
)
from syncsvc.linking import (
    EXPLICIT_CONFIDENCE,
    LINKABLE,
    TOPIC_REF_CONFIDENCE,
    TRANSITIVE_FACTOR,
    Edge,
    Identity,
    Link,
    LinkKey,
    LinkKind,
    LinkSource,
    LinkStatus,
    collect_edges,
    linkable_refs,
)

MAX_CANDIDATES = 3
DEFAULT_STALL_DAYS = 21
TopicRefs = Mapping[tuple[int, str], Sequence[Ref]]
CONFIRMED = LinkStatus.CONFIRMED


@dataclass(frozen=True, slots=True)
class Plan:
    """What a sync should do to the stored links, with one reason line per decision.

    ``add``: new links; ``update``: stored suggested links whose evidence changed
    (the new version); ``unchanged``: stored links kept as they are (including
    every confirmed or rejected one); ``stale``: stored suggested links no
    evidence supports any more; ``edges``: the change ↔ bug/blueprint evidence.
    Links are sorted by (action, kind, id).
    """

    add: tuple[Link, ...] = ()
    update: tuple[Link, ...] = ()
    unchanged: tuple[Link, ...] = ()
    reasons: tuple[str, ...] = ()
    stale: tuple[Link, ...] = ()
    edges: tuple[Edge, ...] = ()

    @property
    def has_changes(self) -> bool:
        """Whether applying the plan would write anything."""
        return bool(self.add or self.update or self.stale)


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
        self.rejected = {k for k, v in stored.items() if v.status is LinkStatus.REJECTED}
        self.links: dict[LinkKey, Link] = {}
        self.suppressed: set[LinkKey] = set()

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
                self.suppressed.add(link.key)
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
        self.bugs_of: dict[str, list[Edge]] = defaultdict(list)
        self.changes_of: dict[tuple[LinkKind, str], list[Edge]] = defaultdict(list)
        for e in edges:
            if e.kind is LinkKind.BUG:
                self.bugs_of[str(e.change)].append(e)
            self.changes_of[e.kind, e.id.rsplit("/", 1)[-1].casefold()].append(e)

    def targets(self, parent: Link) -> list[tuple[LinkKind, str, Edge]]:
        """What ``parent`` reaches through one edge: a bug's or blueprint's changes, a change's
        bugs."""
        if parent.kind is LinkKind.CHANGE:
            return [(e.kind, e.id, e) for e in self.bugs_of.get(parent.id, ())]
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
    parents = [v for v in found.links.values() if v.status is CONFIRMED]
    parents += [v for k, v in stored.items() if v.status is CONFIRMED and k not in found.links]
    for parent in sorted(parents, key=lambda v: _key_order(v.key)):
        confidence = parent.confidence * TRANSITIVE_FACTOR
        for kind, ident, edge in edges.targets(parent):
            status = CONFIRMED if edge.strong else LinkStatus.SUGGESTED
            evidence = f"via {parent.kind} {parent.id} ({parent.source}): {edge.evidence}"
            found.offer(kind, ident, LinkSource.TRANSITIVE, confidence, status, evidence)
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


def diff(
    actions: Sequence[StoredAction],
    changes: Sequence[Change],
    bugs: Sequence[Bug],
    messages: Sequence[BugMessage],
    identities: Sequence[Identity],
    existing: Sequence[Link],
    *,
    team_projects: Sequence[str],
    event_start: date | None,
    threshold: float = 0.5,
    topic_refs: TopicRefs | None = None,
) -> Plan:
    """Compare the links the evidence supports with the ``existing`` (stored) links.

    ``topic_refs`` maps (event id, topic title) to the refs found in that topic's
    discussion (``StoredAction.refs`` holds only the action's own refs).
    Candidates (for actions with no confirmed link that are not dropped) come
    from changes and bugs updated on or after ``event_start`` (else the action's
    day); at most three at or above ``threshold`` are suggested. Existing links
    of actions not in ``actions`` are ignored. Deterministic: the same input
    gives the same plan.
    """
    edges = collect_edges(changes, messages)
    by_target = _EdgeIndex(edges)
    pool = CandidatePool(changes, bugs, identities, team_projects)
    stored: dict[int, dict[LinkKey, Link]] = defaultdict(dict)
    for link in existing:
        stored[link.action_id][link.key] = link
    buckets: dict[str, list[Link]] = defaultdict(list)
    reasons: list[str] = []
    for action in sorted(actions, key=lambda a: a.id):
        old = stored.get(action.id, {})
        refs = (topic_refs or {}).get((action.event_id, action.topic), ())
        found = _derive(action, old, refs, by_target, reasons)
        links = [*found.links.values(), *old.values()]
        if action.state is not ActionState.DROPPED and all(
            v.status is not CONFIRMED for v in links
        ):
            if (hint := pool.hint(action)) is not None and hint.kind is HintKind.NOTHING:
                reasons.append(f"action {action.id}: no candidates ({hint.label})")
            # _suggest reads the ranking only up to MAX_CANDIDATES records that are neither
            # derived nor rejected, plus one: the best one when none reach the threshold.
            limit = MAX_CANDIDATES + len(found.links) + len(found.rejected) + 1
            since = event_start or action.day
            _suggest(found, pool.score(action, since, limit=limit), threshold)
        for key in sorted(set(old) | set(found.links), key=_key_order):
            bucket, link, why = _compare(old.get(key), found.links.get(key))
            buckets[bucket].append(link)
            if why:
                reasons.append(f"action {key[0]}: {why}")
    return Plan(
        add=tuple(buckets["add"]),
        update=tuple(buckets["update"]),
        unchanged=tuple(buckets["unchanged"]),
        reasons=tuple(reasons),
        stale=tuple(buckets["stale"]),
        edges=edges,
    )


# --- Commitment state ----------------------------------------------------------------


class CommitmentState(StrEnum):
    """Where a commitment stands."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    STALLED = "stalled"
    DONE = "done"
    DROPPED = "dropped"


FIXED_STATUSES = frozenset({"Fix Committed", "Fix Released"})
_UNFIXED_CLOSED = frozenset({"Invalid", "Won't Fix", "Opinion", "Expired", "Does Not Exist"})


@dataclass(frozen=True, slots=True)
class _Work:
    label: str
    phase: str  # "open", "done" or "dead" (abandoned, invalid, won't fix)
    activity: datetime | None
    finished: datetime | None = None  # when it was merged, abandoned, fixed or closed


@dataclass(frozen=True, slots=True)
class Assessment:
    """A commitment's state, the one-line reason naming the evidence, and since when
    the evidence says the state holds (``None``: no date in the evidence, i.e. now)."""

    state: CommitmentState
    reason: str
    since: datetime | None = None


def is_backport(branch: str) -> bool:
    """Whether ``branch`` is a stable (or unmaintained) backport branch."""
    return branch.startswith(("stable/", "unmaintained/"))


def is_unassigned(action: StoredAction) -> bool:
    """The unassigned flag: no owner was named (the team owns it)."""
    return not action.owners


def _change_work(change: Change) -> _Work:
    phase = {ChangeStatus.MERGED: "done", ChangeStatus.ABANDONED: "dead"}.get(change.status, "open")
    where = f" on {change.branch}" if is_backport(change.branch) else ""
    finished = (change.submitted or change.updated) if phase != "open" else None
    return _Work(f"change {change.number}{where} {change.status}", phase, change.updated, finished)


def _bug_work(bug: Bug, tasks: Sequence[BugTask]) -> _Work:
    fixed = [t for t in tasks if t.status in FIXED_STATUSES]
    dead = [t for t in tasks if t not in fixed and (t.is_complete or t.status in _UNFIXED_CLOSED)]
    phase = "open" if len(fixed) + len(dead) < len(tasks) else "done" if fixed else "dead"
    statuses = ", ".join(sorted({f"{t.target} {t.status}" for t in tasks}))
    closed = [(t.date_fix_committed, t.date_fix_released, t.date_closed) for t in (*fixed, *dead)]
    finished = max((d for dates in closed for d in dates if d is not None), default=None)
    return _Work(f"bug {bug.bug_id} ({statuses})", phase, bug_activity(bug), finished)


def _bug_tasks(bug: Bug, branch: str | None, projects: Collection[str]) -> list[BugTask]:
    if branch is not None and is_backport(branch):
        series = branch.rsplit("/", 1)[-1]
        tasks = [t for t in bug.tasks if t.target.endswith(f"/{series}")]
    else:
        tasks = [t for t in bug.tasks if "/" not in t.target]
    ours = [t for t in tasks if lp_project(t.target) in projects]
    return ours or tasks


def _collect_work(
    links: Sequence[Link],
    changes: Mapping[int, Change],
    bugs: Mapping[int, Bug],
    branch: str | None,
    projects: Collection[str],
) -> tuple[list[_Work], list[str]]:
    known = [
        changes[int(v.id)] for v in links if v.kind is LinkKind.CHANGE and int(v.id) in changes
    ]
    if branch is None:
        chosen = [c for c in known if not is_backport(c.branch)] or known
    else:
        chosen = [c for c in known if c.branch == branch]
    work = [_change_work(c) for c in sorted(chosen, key=lambda c: c.number)]
    missing = [
        f"change {v.id}" for v in links if v.kind is LinkKind.CHANGE and int(v.id) not in changes
    ]
    for link in (v for v in links if v.kind is LinkKind.BUG):
        bug = bugs.get(int(link.id))
        if bug is None or not bug.visible:
            missing.append(f"bug {link.id}")
        elif tasks := _bug_tasks(bug, branch, projects):
            work.append(_bug_work(bug, tasks))
    missing += [f"blueprint {v.id}" for v in links if v.kind is LinkKind.BLUEPRINT]
    return work, missing


def assess(
    action: StoredAction,
    links: Sequence[Link],
    changes_by_number: Mapping[int, Change],
    bugs_by_id: Mapping[int, Bug],
    *,
    now: datetime,
    stall_days: int = DEFAULT_STALL_DAYS,
    marked: ActionState | None = None,
    branch: str | None = None,
    projects: Sequence[str] = (),
) -> Assessment:
    """The state of ``action``, the reason, and since when the evidence says it holds.

    ``marked`` (default: ``action.state``) DONE/DROPPED wins. Only this action's
    confirmed links count; blueprints and records not in the mappings are "no
    data". ``branch=None`` judges the main line: changes on stable/unmaintained
    branches are ignored unless only backports are linked; bug tasks of series
    are ignored. ``branch="stable/x"`` judges that backport alone. ``projects``
    restricts bug tasks to those targets when any match. ``now`` is aware.

    Since: done when the last piece of work was merged or fixed; in progress
    from the latest activity; stalled when the idle window ran out (the day
    after the due date when nothing started); marks and undated evidence: now.
    """
    mark = marked if marked is not None else action.state
    if mark is ActionState.DROPPED:
        return Assessment(CommitmentState.DROPPED, "marked dropped")
    if mark is ActionState.DONE:
        return Assessment(CommitmentState.DONE, "marked done")
    mine = [v for v in links if v.action_id == action.id and v.status is LinkStatus.CONFIRMED]
    work, missing = _collect_work(
        mine, changes_by_number, bugs_by_id, branch, {repo_name(p) for p in projects}
    )
    if not work:
        detail = f"no data yet for {', '.join(missing)}" if missing else "no linked work"
        if branch is not None:
            detail += f" on {branch}"
        if action.due is not None and action.due < now.date():
            overdue = datetime.combine(action.due + timedelta(days=1), time(), UTC)
            reason = f"not started and past due {action.due}: {detail}"
            return Assessment(CommitmentState.STALLED, reason, overdue)
        return Assessment(CommitmentState.NOT_STARTED, detail)
    if open_work := [w for w in work if w.phase == "open"]:
        dated = [w for w in open_work if w.activity is not None]
        if not dated:
            reason = f"{open_work[0].label} open with no activity date"
            return Assessment(CommitmentState.STALLED, reason)
        latest = max(dated, key=lambda w: (w.activity, w.label))
        assert latest.activity is not None
        idle = now - latest.activity
        when = f"last updated {latest.activity:%Y-%m-%d}"
        if idle > timedelta(days=stall_days):
            reason = f"{latest.label} open, {when}: idle {idle.days} days > {stall_days}"
            since = latest.activity + timedelta(days=stall_days)
            return Assessment(CommitmentState.STALLED, reason, since)
        reason = f"{latest.label} open, {when} ({idle.days} days ago)"
        return Assessment(CommitmentState.IN_PROGRESS, reason, latest.activity)
    finished = max((w.finished for w in work if w.finished is not None), default=None)
    if done := [w.label for w in work if w.phase == "done"]:
        reason = "all linked work complete: " + "; ".join(done)
        return Assessment(CommitmentState.DONE, reason, finished)
    reason = "all linked work closed unfixed: " + "; ".join(w.label for w in work)
    return Assessment(CommitmentState.STALLED, reason, finished)


def branch_states(
    action: StoredAction,
    links: Sequence[Link],
    changes_by_number: Mapping[int, Change],
    bugs_by_id: Mapping[int, Bug],
    *,
    now: datetime,
    stall_days: int = DEFAULT_STALL_DAYS,
    marked: ActionState | None = None,
) -> tuple[tuple[str, CommitmentState, str], ...]:
    """The main-line state (labelled ``master``) then one row per linked backport branch,
    sorted; backport rows ignore ``marked`` and show the backport's own state."""
    args = (action, links, changes_by_number, bugs_by_id)
    main = assess(*args, now=now, stall_days=stall_days, marked=marked)
    rows = [("master", main.state, main.reason)]
    numbers = {
        int(v.id)
        for v in links
        if v.action_id == action.id
        and v.kind is LinkKind.CHANGE
        and v.status is LinkStatus.CONFIRMED
    }
    backports = {
        c.branch for n in numbers if (c := changes_by_number.get(n)) and is_backport(c.branch)
    }
    for branch in sorted(backports):
        found = assess(
            *args, now=now, stall_days=stall_days, marked=ActionState.OPEN, branch=branch
        )
        rows.append((branch, found.state, found.reason))
    return tuple(rows)
