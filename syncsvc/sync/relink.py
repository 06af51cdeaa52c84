"""Relink: run the pure reconciler over stored data, apply its plan, record states.

``relink`` is what `syncsvc sync` does after fetching and what `syncsvc link
refresh` does on its own. It reaches storage only through :class:`LinkStore`.

It is incremental: writers note what they changed (a change, a bug, an action,
an event) in the store, and a relink covers only the commitments those notes
concern (linked to or citing the record, reaching it through a footer or comment
edge, sharing a word with it while they still look for candidates, or linked to
a change it may share a group with: a footer, Gerrit topic or subject phrase),
plus those whose state the clock alone may change (a stall window running out, a
due date passing), and the other commitments of their topics (a commitment may
take its topic's groups). The notes are deleted in the relink's own transaction, so a relink
that fails leaves them for the next one. A full recompute runs when the
fingerprint changes (the reconciler's version and weights, the configuration,
the first event day, the projects known) and when asked (`link refresh --full`).

Candidate words weigh by statistics over the team's records (see
:class:`syncsvc.reconcile.weights.WordStats`). Computed afresh, they would make
every new record move every score; so the relink keeps them in the store and
computes them again only with a full recompute of its own: when the fingerprint
changes, when none are kept, when a note asks for everything (a person's identity
set: names are not words), or when the team's record count has moved by more
than ``STATS_DRIFT`` since (`link refresh --full` judges every commitment with
the kept ones). A full and an incremental relink of the same history thus use
the same numbers, and a moved record changes only its own scores.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta

from syncsvc.config import STALL_DAYS, SUGGEST_THRESHOLD
from syncsvc.domain import (
    Assessment,
    Bug,
    BugMessage,
    Change,
    ChangeFacts,
    CommitmentState,
    Identity,
    Link,
    LinkKind,
    Pending,
    PendingKind,
    PendingNotes,
    Plan,
    StoredAction,
    lp_project,
    repo_name,
)
from syncsvc.reconcile.diff import BATCH, MAX_CANDIDATES, PlanPart, diff, diff_parts
from syncsvc.reconcile.footers import (
    EXPLICIT_CONFIDENCE,
    TOPIC_REF_CONFIDENCE,
    TRANSITIVE_FACTOR,
    collect_edges,
)
from syncsvc.reconcile.groups import RARE_PHRASE, author_key, group_keys
from syncsvc.reconcile.identities import learn_identities as learn
from syncsvc.reconcile.learning import digest, factors, learn_words
from syncsvc.reconcile.owner_match import launchpad_owner_match
from syncsvc.reconcile.state import assess
from syncsvc.reconcile.transitions import plan_transitions
from syncsvc.reconcile.weights import (
    BIAS,
    BODY_WEIGHT,
    COVER_WEIGHT,
    FIT_WEIGHT,
    HINT_WEIGHT,
    OWNER_WEIGHT,
    RARE_WEIGHT,
    STOP_WEIGHT,
    WordStats,
    body_words,
    bug_words,
    change_words,
    probability,
    team_records,
    word_stats,
    words,
)
from syncsvc.sync.ports import IdentityStore, RelinkStore


@dataclass(frozen=True, slots=True)
class RelinkReport:
    """What a relink did (or, with ``dry_run``, would do: ``plan`` holds the links and
    ``reasons`` its reason lines).

    A relink that wrote keeps no plan and no reason lines (its links are in the store; it
    applies its plan a batch of commitments at a time, and holding every batch's links or
    reason lines, one per link with its evidence, would raise the peak RSS, issue 14):
    ``planned_links`` says whether its plan had links to add, update or remove.
    """

    added: int
    updated: int
    unchanged: int
    transitions: int
    reasons: tuple[str, ...] = ()
    dry_run: bool = False
    plan: Plan = field(default_factory=Plan)
    full: bool = True
    covered: int | None = None  # commitments judged (None: not counted)
    deferred: bool = False  # nothing done: the settings differ from the last relink's
    planned_links: bool = False

    @property
    def has_changes(self) -> bool:
        """Whether the relink wrote (or would write) any link or state transition."""
        return self.planned_links or self.plan.has_changes or bool(self.transitions)


#: Bump when the reconciler's rules change: the next relink recomputes everything.
RECONCILER_VERSION = 9

#: The kept word statistics are computed again (with a full recompute) once the team's
#: record count has moved by more than this share of the count they were computed over.
STATS_DRIFT = 0.25


def fingerprint(
    *, team_projects: Sequence[str], threshold: float, stall_days: int, inputs: str
) -> str:
    """What every commitment's links and state hang on, digested: the reconciler's version
    and weights, the configuration and the store's global ``inputs``."""
    parts = {
        "version": RECONCILER_VERSION,
        "weights": [
            BIAS,
            COVER_WEIGHT,
            FIT_WEIGHT,
            RARE_WEIGHT,
            OWNER_WEIGHT,
            HINT_WEIGHT,
            BODY_WEIGHT,
        ],
        "stop_weight": STOP_WEIGHT,
        "max_candidates": MAX_CANDIDATES,
        "confidence": [EXPLICIT_CONFIDENCE, TOPIC_REF_CONFIDENCE, TRANSITIVE_FACTOR],
        "team_projects": sorted(team_projects),
        "threshold": threshold,
        "stall_days": stall_days,
        "inputs": inputs,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def recheck_at(action: StoredAction, assessed: Assessment, *, stall_days: int) -> datetime | None:
    """When the clock alone may change ``assessed``: in progress, the moment it has been
    idle longer than ``stall_days``; not started with a due date, the day after it."""
    if assessed.state == CommitmentState.IN_PROGRESS and assessed.since is not None:
        return assessed.since + timedelta(days=stall_days, microseconds=1)
    if assessed.state == CommitmentState.NOT_STARTED and action.due is not None:
        return datetime.combine(action.due + timedelta(days=1), time(), UTC)
    return None


@dataclass(frozen=True, slots=True)
class _Record:
    """A moved change or bug as the candidate pool matches it: its words (and a change's
    body's other words), whether it is in a team project, and who may own it (change:
    matching nicks; bug: task assignees)."""

    words: frozenset[str]
    team: bool
    change_owners: frozenset[str] = frozenset()
    assignees: tuple[str, ...] = ()
    body: frozenset[str] = frozenset()


def _records(
    changes: Sequence[ChangeFacts],
    bugs: Sequence[Bug],
    identities: Sequence[Identity],
    team_projects: Sequence[str],
) -> list[_Record]:
    """The moved records, read as :class:`CandidatePool` reads them."""
    team = {repo_name(p) for p in team_projects}
    found = []
    for c in changes:
        nicks = {i.nick.casefold() for i in identities if i.matches_account(c.owner)}
        nicks |= {c.owner.username.casefold()} if c.owner.username else set()
        team_change = repo_name(c.project) in team
        subject = change_words(c)
        body = body_words(c, subject)
        found.append(_Record(subject, team_change, change_owners=frozenset(nicks), body=body))
    for b in bugs:
        targets = {lp_project(t.target) for t in b.tasks}
        assignees = tuple(t.assignee for t in b.tasks if t.assignee)
        found.append(_Record(bug_words(b), bool(targets & team), assignees=assignees))
    return found


def _owns(record: _Record, owners: Sequence[str], identities: Sequence[Identity]) -> bool:
    if any(o.casefold() in record.change_owners for o in owners):
        return True
    return any(launchpad_owner_match(owners, a, identities) for a in record.assignees)


def _best_score(evidence: tuple[float, float, float, float], owner: Sequence[bool]) -> float:
    """The model's best score for (cover, fit, rare, body) over the type hint and ``owner``."""
    cover, fit, rare, body = evidence
    return max(
        probability(cover, fit, rare, owner=o, hint=h, body=body)
        for o in owner
        for h in (False, True)
    )


def _may_suggest(
    seekers: Sequence[tuple[int, str, tuple[str, ...]]],
    records: Sequence[_Record],
    identities: Sequence[Identity],
    threshold: float,
    stats: WordStats,
) -> set[int]:
    """The seekers some moved record may now be suggested for: it shares a word with the
    seeker's query and the model's score (the pool's, with the kept word statistics), at its
    best over the type hint, and with the owner bonus when an owner may hold the record,
    reaches ``threshold``. Other records' scores do not move: the statistics are kept."""
    weights = stats.weights()
    index: dict[str, list[int]] = {}
    queries: dict[int, tuple[dict[str, float], float, tuple[str, ...]]] = {}
    for action_id, text, owners in seekers:
        mine = weights.query(words(text, drop=stats.people | {o.casefold() for o in owners}))
        if mine:
            queries[action_id] = (mine, math.fsum(mine.values()), owners)
            for word in mine:
                index.setdefault(word, []).append(action_id)
    floor = threshold - 0.002  # scores are rounded to 3 places
    found: set[int] = set()
    for record in records:
        total = weights.total(record.words)
        near = {
            action_id for word in record.words | record.body for action_id in index.get(word, ())
        }
        for action_id in sorted(near - found):
            mine, mine_total, owners = queries[action_id]
            shared = math.fsum(mine[w] for w in mine.keys() & record.words)
            in_body = math.fsum(mine[w] for w in mine.keys() & record.body) / mine_total
            fit = shared / total if total else 0.0
            evidence = (shared / mine_total, fit, shared / weights.unknown, in_body)
            if _best_score(evidence, (False, True)) < floor:
                continue
            owned = _owns(record, owners, identities)
            if (record.team or owned) and _best_score(evidence, (owned,)) >= floor:
                found.add(action_id)
    return found


def _drifted(stats: WordStats, records: int) -> bool:
    """Whether the team's record count moved too far from the kept statistics' count."""
    return abs(records - stats.records) > STATS_DRIFT * stats.records


def _edge_ends(changes: Sequence[ChangeFacts], messages: Sequence[BugMessage]) -> set[Pending]:
    ends: set[Pending] = set()
    for edge in collect_edges(changes, messages):
        ends.add((PendingKind.CHANGE, str(edge.change)))
        if edge.kind is LinkKind.BUG:
            ends.add((PendingKind.BUG, edge.id))
    return ends


def _group_reach(moved: Sequence[ChangeFacts], changes: Sequence[ChangeFacts]) -> set[Pending]:
    """The changes a moved change may share a group with (a footer key, the Gerrit topic or a
    subject phrase; see :func:`group_keys`): their commitments' groups may gain or lose it."""
    keys = set().union(*map(group_keys, moved))
    near = {w for key in keys if key[0] == "phrase" for w in key[1:]}
    found: set[Pending] = set()
    for change in changes:
        footers = change.footers
        maybe = bool(change.topic or footers.blueprints or footers.closes_bug)
        maybe = maybe or bool(footers.partial_bug or footers.related_bug)
        if (maybe or near & words(change.subject)) and group_keys(change) & keys:
            found.add((PendingKind.CHANGE, str(change.number)))
    return found


def _people_reach(
    store: RelinkStore,
    moved: Sequence[ChangeFacts],
    changes: Sequence[ChangeFacts],
    stats: WordStats,
) -> set[int]:
    """The commitments a moved change may join as the work of one of a group's people (see
    :meth:`Grouper.members`): those linked to two other changes by its author (one, when
    the commitment has owners) whose words share with the moved change's one that is rare
    enough to group by (``RARE_PHRASE``)."""
    near: dict[tuple[str, str], set[str]] = defaultdict(set)
    for change in moved:
        near[author_key(change.owner)] |= change_words(change)
    theirs = {str(c.number): author_key(c.owner) for c in changes if author_key(c.owner) in near}
    pending = frozenset((PendingKind.CHANGE, number) for number in theirs)
    if not (linked := store.affected(pending)):
        return set()
    by_author: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for link in store.links(linked):
        if link.kind is LinkKind.CHANGE and (who := theirs.get(link.id)) is not None:
            by_author[link.action_id][who] += 1
    weights = stats.weights()
    every = {w for w in set().union(*near.values()) if weights.of(w) >= RARE_PHRASE}
    return {
        a.id
        for a in store.actions(linked)
        if max(by_author[a.id].values(), default=0) >= (1 if a.owners else 2)
        and words(f"{a.text} {a.topic}") & every
    }


def _with_siblings(store: RelinkStore, covered: set[int]) -> set[int]:
    """``covered`` and the other commitments of their topics: a commitment that points back
    at its topic takes the groups of its siblings, so they are judged together."""
    if not covered:
        return covered
    actions = store.actions()
    topics = {(a.event_id, a.topic) for a in actions if a.id in covered}
    return covered | {a.id for a in actions if (a.event_id, a.topic) in topics}


def _covered(
    store: RelinkStore,
    pending: PendingNotes,
    learned: set[str],
    *,
    now: datetime,
    threshold: float,
    team_projects: Sequence[str],
    stats: WordStats,
    changes: Sequence[ChangeFacts] | None = None,
) -> set[int]:
    """The commitments an incremental relink must judge again (see the module docstring);
    ``changes``: every stored change, when already read."""
    changed = {int(ref) for kind, ref in pending if kind is PendingKind.CHANGE}
    bug_ids = {int(ref) for kind, ref in pending if kind is PendingKind.BUG}
    covered = store.affected(pending) | store.due(now) | store.owned_by(learned)
    if changed or bug_ids:
        records = store.changes(changed), store.bugs(bug_ids)
        ends = _edge_ends(records[0], store.messages(bug_ids))
        covered |= store.affected(frozenset(end for end in ends if end not in pending))
        identities = store.identities()
        moved = _records(*records, identities, team_projects)
        seekers = store.candidate_seekers()
        covered |= _may_suggest(seekers, moved, identities, threshold, stats)
        if records[0]:
            every = store.changes() if changes is None else changes
            covered |= store.affected(frozenset(_group_reach(records[0], every)))
            covered |= _people_reach(store, records[0], every, stats)
    return _with_siblings(store, covered)


def _numeric_ids(links: Iterable[Link], kind: LinkKind) -> set[int]:
    """The ids of ``links`` of ``kind`` that are numbers (as ``int`` reads them)."""
    found: set[int] = set()
    for link in (v for v in links if v.kind is kind):
        try:
            found.add(int(link.id))
        except ValueError:
            continue  # never looked up: assess reads only what int() reads
    return found


def _linked_records(
    store: RelinkStore, confirmed: Iterable[Sequence[Link]]
) -> tuple[dict[int, Change], dict[int, Bug]]:
    """The stored changes and bugs the ``confirmed`` links name, by number and bug id: all
    that :func:`assess` looks up."""
    links = [link for mine in confirmed for link in mine]
    changes = store.linked_changes(_numeric_ids(links, LinkKind.CHANGE))
    bugs = store.bugs(_numeric_ids(links, LinkKind.BUG))
    return {c.number: c for c in changes}, {b.bug_id: b for b in bugs}


def relink(
    store: RelinkStore,
    *,
    team_projects: Sequence[str],
    now: datetime,
    threshold: float = SUGGEST_THRESHOLD,
    stall_days: int = STALL_DAYS,
    dry_run: bool = False,
    full: bool = False,
    same_settings: bool = False,
    batch: int | None = BATCH,
) -> RelinkReport:
    """Learn identities, recompute links and commitment states from stored data.

    Idempotent: a second run with no new data adds, updates and records nothing.
    Commitments are judged by the bug tasks of ``team_projects`` when a bug has
    any (another project's open task does not keep them in progress). Only the
    commitments the store's pending notes and rechecks name are judged, unless
    ``full``, the fingerprint changed or a note asks for everything; the result
    equals a full recompute's. With ``dry_run`` nothing is written (and every
    commitment is judged): the counts and ``plan`` say what would be. With
    ``same_settings``, a store last relinked with other settings (another config's
    projects or thresholds) is left alone: the report is ``deferred`` and the
    pending notes wait for the next relink.

    The plan is derived and applied ``batch`` commitments at a time (see
    :func:`diff_parts`), all in the store's one transaction: the same links as one
    plan, with the links and evidence of a batch alone alive at once (issue 14's peak
    RSS). A dry run derives one plan and reports it with its reasons.
    """
    stamp = fingerprint(
        team_projects=team_projects,
        threshold=threshold,
        stall_days=stall_days,
        inputs=store.global_inputs(),
    )
    if same_settings and store.fingerprint() not in (None, stamp):
        return RelinkReport(0, 0, 0, 0, full=False, deferred=True)
    pending = store.pending()
    noted = pending.kinds
    kept = store.word_stats()
    renew = store.fingerprint() != stamp or PendingKind.ALL in noted
    stats = None if kept is None or renew else WordStats.from_json(kept)
    # What people's decisions on suggestions taught: when it changes, every commitment's
    # candidates are scored again (the word statistics stay).
    taught, last = factors(learn_words(store.link_decisions())), store.learned_mark()
    lesson = digest(taught) if taught or last is not None else None
    full = full or dry_run or stats is None or lesson != last
    learned: set[str] = set()
    changes: Sequence[ChangeFacts] | None = None
    bugs: Sequence[Bug] | None = None
    if stats is not None and noted & {PendingKind.CHANGE, PendingKind.BUG}:
        changes, bugs = store.changes(), store.bugs()
        if _drifted(stats, team_records(changes, bugs, team_projects)):
            stats, full = None, True
    if full or noted & {PendingKind.CHANGE, PendingKind.EVENT}:
        changes = store.changes() if changes is None else changes
        learned = learn_nicks(store, now=now, changes=changes)
    fresh = stats is None
    if stats is None:
        changes = store.changes() if changes is None else changes
        bugs = store.bugs() if bugs is None else bugs
        stats = word_stats(changes, bugs, store.identities(), team_projects)
    stats = replace(stats, learned=taught)
    if full:
        actions = store.actions()
    else:
        covered = _covered(
            store,
            pending,
            learned,
            now=now,
            threshold=threshold,
            team_projects=team_projects,
            stats=stats,
            changes=changes,
        )
        if not covered:
            store.settle(pending, {}, fingerprint=stamp, everything=False, learned=lesson)
            return RelinkReport(0, 0, 0, 0, full=False, covered=0)
        actions = store.actions(covered)
    ids = [a.id for a in actions]
    changes = store.changes() if changes is None else changes
    bugs = store.bugs() if bugs is None else bugs
    event_start, topic_refs = store.event_start(), store.topic_refs()
    if dry_run:
        plan = diff(
            actions,
            changes,
            bugs,
            store.messages(),
            store.identities(),
            store.links(None if full else ids),
            team_projects=team_projects,
            event_start=event_start,
            threshold=threshold,
            topic_refs=topic_refs,
            stats=stats,
        )
        counts = (len(plan.add), len(plan.update), len(plan.unchanged), 0)
        return RelinkReport(*counts, plan.reasons, dry_run=True, plan=plan, covered=len(ids))
    parts = diff_parts(
        actions,
        changes,
        bugs,
        collect_edges(changes, store.messages()),
        store.identities(),
        store.links,
        team_projects=team_projects,
        event_start=event_start,
        threshold=threshold,
        topic_refs=topic_refs,
        stats=stats,
        size=batch,
    )
    applied = _apply(store, parts, now=now)
    # Every change and bug was read for the plan; the states need only the linked ones,
    # read again below (issue 14's peak RSS).
    del changes, bugs, parts
    # States hang on confirmed links alone: read those, without their evidence, per action.
    confirmed: dict[int, list[Link]] = defaultdict(list)
    for link in store.confirmed_links(None if full else ids):
        confirmed[link.action_id].append(link)
    by_number, by_id = _linked_records(store, confirmed.values())
    states = {
        action.id: assess(
            action,
            confirmed.get(action.id, []),
            by_number,
            by_id,
            now=now,
            stall_days=stall_days,
            projects=team_projects,
        )
        for action in actions
    }
    # A commitment is made on its day at the event: not started from then on.
    committed = {a.id: datetime.combine(a.day, time(), UTC) for a in actions if a.day}
    planned = plan_transitions(states, store.current_states(states), now=now, committed=committed)
    transitions = store.append_transitions(planned, now=now)
    checks = {a.id: recheck_at(a, states[a.id], stall_days=stall_days) for a in actions}
    store.settle(
        pending,
        checks,
        fingerprint=stamp,
        everything=full,
        word_stats=stats.to_json() if fresh else None,
        learned=lesson,
    )
    return RelinkReport(
        applied.added,
        applied.updated,
        applied.unchanged,
        transitions,
        full=full,
        covered=len(ids),
        planned_links=applied.planned_links,
    )


@dataclass(frozen=True, slots=True)
class _Applied:
    """What applying a plan's parts did."""

    added: int
    updated: int
    unchanged: int
    planned_links: bool


def _apply(store: RelinkStore, parts: Iterable[PlanPart], *, now: datetime) -> _Applied:
    """Apply each part before the next is derived: a batch's links, evidence and reason
    lines are then freed."""
    added = updated = unchanged = 0
    planned = False
    for part, _noted in parts:
        more, changed = store.apply(part, now=now)
        added, updated, unchanged = added + more, updated + changed, unchanged + len(part.unchanged)
        planned = planned or part.has_changes
    return _Applied(added, updated, unchanged, planned)


def learn_nicks(
    store: IdentityStore, *, now: datetime, changes: Sequence[ChangeFacts] | None = None
) -> set[str]:
    """Learn nick ↔ Gerrit identities (see :func:`learn_identities`) from ``changes``
    (default: every stored one); return the nicks that got one."""
    people = store.people()
    names = {nick: name for nick, name in people.items() if name}
    owners = [change.owner for change in (store.changes() if changes is None else changes)]
    learned = learn(owners, people, names, store.stored_identities(), now=now)
    store.add_identities(learned)
    return {stored.identity.nick for stored in learned}


def learn_identities(store: IdentityStore, *, now: datetime) -> int:
    """Learn nick ↔ Gerrit identities from change owners and the people of summaries
    (see :func:`syncsvc.reconcile.identities.learn_identities`); return how many
    were stored."""
    people = store.people()
    names = {nick: name for nick, name in people.items() if name}
    owners = [change.owner for change in store.changes()]
    learned = learn(owners, people, names, store.stored_identities(), now=now)
    return store.add_identities(learned)
