"""The reconciler's all-pairs baseline and a synthetic data set, for tests and benchmarks.

``diff`` draws candidates from indexes (words → records, owner account →
changes, assignee → bugs) and follows change ↔ bug edges through a lookup
table. The baseline here is the same ``diff`` with the all-pairs candidate
scan (:class:`NaivePool`) and the linear edge scan (:class:`NaiveEdges`) it
used before: every commitment is scored against every change and bug, with the
identity map scanned per pair. Both must give the same plan.

:func:`generate` builds SAMPLE data from a seed; :func:`run_diff` runs either
path; :func:`measure` and :func:`format_table` are what
``benchmarks/bench_reconcile.py`` prints, and ``tests/benchmarks/test_reconcile_baseline.py``
checks them on a tiny data set.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from syncsvc.domain import (
    Account,
    ActionState,
    Bug,
    BugTask,
    Change,
    ChangeStatus,
    Edge,
    Footers,
    Identity,
    Link,
    LinkKind,
    Plan,
    Ref,
    RefKind,
    StoredAction,
    id_order,
    lp_project,
    repo_name,
)
from syncsvc.reconcile import diff as reconcile
from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.reconcile.evidence import Candidate, bug_activity, score_candidate, where
from syncsvc.reconcile.hints import HintKind
from syncsvc.reconcile.owner_match import change_owner_match, launchpad_owner_match
from syncsvc.reconcile.weights import (
    WordWeights,
    body_words,
    bug_words,
    change_words,
    people_words,
    surface_forms,
    words,
)

DEFAULT_SIZES = ((1_000, 20_000), (5_000, 100_000), (10_000, 200_000))
FIRST_CHANGE, FIRST_BUG = 700_000, 1_900_000
EVENT_START = date(2021, 4, 19)  # the Xena PTG; artifacts span the year around it
SPAN_START = datetime(2020, 10, 1, tzinfo=UTC)
SPAN_DAYS = 365
PROJECT_COUNT, TEAM_SIZE, NICKS = 50, 8, 2_000
SYLLABLES = "ka ri to mu ne sa lo vi de pa ku zo fe li mo ta".split()
TERMS = (
    "share server network snapshot replica quota scheduler driver backend migration api"
    " policy tempest client manage export access rule metadata capacity pool filter weigher"
    " affinity encryption backup restore volume instance image cell placement upgrade"
    " deprecate microversion spec documentation release note gate job grenade zuul"
).split()
STATUSES = (ChangeStatus.NEW, ChangeStatus.NEW, ChangeStatus.MERGED, ChangeStatus.ABANDONED)


# --- the data set -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataSet:
    """Everything ``diff`` takes, all SAMPLE data."""

    actions: tuple[StoredAction, ...]
    changes: tuple[Change, ...]
    bugs: tuple[Bug, ...]
    identities: tuple[Identity, ...]
    team_projects: tuple[str, ...]


def _vocabulary(rng: random.Random) -> list[str]:
    """About 4000 distinct words: real terms first (the most frequent), then made-up ones."""
    made = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6000)}
    return TERMS + sorted(made - set(TERMS))[:4000]


def generate(commitments: int, changes: int, seed: int = 2021) -> DataSet:
    """``commitments`` actions and ``changes`` changes (and changes/10 bugs) from ``seed``.

    Words follow a Zipf-like law over the vocabulary; changes are spread over 50
    projects (half of them in the team's 8), 2000 people own commitments and
    changes, 15% of changes close a bug by footer and 10% have a ``bug/N``
    topic, and 20% of commitments name a change or bug explicitly.
    """
    rng = random.Random(seed)  # noqa: S311 - sample data, not a secret
    vocab = _vocabulary(rng)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocab))]
    projects = [f"openstack/{name}" for name in sorted({*_vocabulary(rng)[: PROJECT_COUNT + 10]})]
    projects = projects[:PROJECT_COUNT]
    team = tuple(projects[:TEAM_SIZE])
    nicks = [f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{i}" for i in range(NICKS)]
    identities = tuple(
        Identity(
            nick,
            gerrit_username=f"{nick}-gerrit" if i % 3 else None,
            email=f"{nick}@example.org" if i % 3 == 0 else None,
            launchpad=f"lp-{nick}" if i % 2 else None,
        )
        for i, nick in enumerate(nicks)
    )
    accounts = [
        Account(i + 1, f"{nick}-gerrit" if i % 3 else nick, None, f"{nick}@example.org")
        for i, nick in enumerate(nicks)
    ]

    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(vocab, weights, k=rng.randint(low, high)))

    bug_count = max(changes // 10, 1)
    bugs = tuple(
        Bug(
            bug_id=FIRST_BUG + i,
            title=text(3, 8),
            tags=("low-hanging-fruit",) if i % 7 == 0 else (),
            tasks=tuple(
                BugTask(
                    FIRST_BUG + i,
                    repo_name(rng.choice(projects)),
                    rng.choice(("New", "Triaged", "In Progress", "Fix Released")),
                    "Medium",
                    assignee=f"lp-{rng.choice(nicks)}" if rng.random() < 0.4 else None,
                )
                for _ in range(rng.choice((1, 1, 2)))
            ),
            date_last_updated=SPAN_START + timedelta(days=rng.uniform(0, SPAN_DAYS)),
        )
        for i in range(bug_count)
    )
    change_list = []
    for i in range(changes):
        roll = rng.random()
        bug_id = FIRST_BUG + rng.randrange(bug_count)
        updated = SPAN_START + timedelta(days=rng.uniform(0, SPAN_DAYS))
        change_list.append(
            Change(
                number=FIRST_CHANGE + i,
                project=rng.choice(team) if rng.random() < 0.5 else rng.choice(projects),
                branch="master",
                subject=text(3, 9),
                status=rng.choice(STATUSES),
                owner=rng.choice(accounts),
                created=updated - timedelta(days=3),
                updated=updated,
                topic=f"bug/{bug_id}"
                if roll < 0.1
                else (rng.choice(vocab) if roll < 0.3 else None),
                footers=Footers(closes_bug=(str(bug_id),)) if 0.1 <= roll < 0.25 else Footers(),
            )
        )
    actions = []
    for i in range(commitments):
        owners = tuple(rng.sample(nicks, rng.choice((0, 1, 1, 1, 2))))
        refs: tuple[Ref, ...] = ()
        if rng.random() < 0.2:
            if rng.random() < 0.6:
                n = FIRST_CHANGE + rng.randrange(max(changes, 1))
                refs = (Ref(RefKind.CHANGE, str(n), f"https://review.opendev.org/{n}"),)
            else:
                b = FIRST_BUG + rng.randrange(bug_count)
                refs = (Ref(RefKind.BUG, str(b), f"https://bugs.launchpad.net/bugs/{b}"),)
        actions.append(
            StoredAction(
                id=i + 1,
                event_id=1 + i // 500,
                event="Synthetic PTG (sample data)",
                day=EVENT_START,
                topic=text(2, 4),
                text=f"{' and '.join(owners) or 'someone'} will {text(3, 8)}",
                owners=owners,
                milestone=None,
                milestone_key=None,
                due=None,
                starts=None,
                refs=refs,
                state=ActionState.DROPPED if i % 25 == 0 else ActionState.OPEN,
            )
        )
    return DataSet(tuple(actions), tuple(change_list), bugs, identities, team)


# --- the two paths ----------------------------------------------------------------------


class NaivePool(CandidatePool):
    """The all-pairs candidate scan: every change and bug, the identity map per pair."""

    __slots__ = ()

    def known_projects(self) -> frozenset[str]:
        """Recomputed from every record on each call."""
        known = {repo_name(p) for p in self.team_projects}
        known |= {repo_name(c.project) for c in self.changes}
        known |= {lp_project(t.target) for b in self.bugs for t in b.tasks}
        return frozenset(known | {k.removesuffix("-specs") for k in known})

    def score(
        self,
        action: StoredAction,
        since: date | None,
        *,
        limit: int | None = None,
    ) -> tuple[Candidate, ...]:
        """Every record against the action; the whole ranking, whatever ``limit`` says."""
        hint = self.hint(action)
        if hint is not None and hint.kind is HintKind.NOTHING:
            return ()
        team = {repo_name(p) for p in self.team_projects}
        weights = WordWeights.count(
            [change_words(c) for c in self.changes if repo_name(c.project) in team]
            + [bug_words(b) for b in self.bugs if {lp_project(t.target) for t in b.tasks} & team]
        )
        drop = people_words(self.identities) | {o.casefold() for o in action.owners}
        text = f"{action.text} {action.topic}"
        mine = weights.query(words(text, drop=drop))
        shown = surface_forms(text)
        if not mine:
            return ()
        only = hint is not None and hint.filters
        found: list[Candidate | None] = []
        for change in self.changes:
            project = repo_name(change.project)
            owner = change_owner_match(action.owners, change.owner, self.identities)
            if (since and change.day < since) or (project not in team and not owner):
                continue
            fits = hint if hint is not None and hint.accepts(project) else None
            if fits is not None or not only:
                ident = str(change.number)
                theirs = change_words(change)
                place = where([project], change.day, since)
                body = body_words(change, theirs)
                found.append(
                    score_candidate(LinkKind.CHANGE, ident, mine, theirs, owner, fits, weights,
                           shown=shown, where=place, body=body)
                )  # fmt: skip
        for bug in () if only else self.bugs:
            targets = {lp_project(t.target) for t in bug.tasks}
            owners = (
                launchpad_owner_match(action.owners, t.assignee, self.identities) for t in bug.tasks
            )
            owner = next((o for o in owners if o), None)
            active = bug_activity(bug)
            if not bug.visible or (since and (active is None or active.date() < since)):
                continue
            if targets & team or owner:
                fits = hint if hint is not None and any(map(hint.accepts, targets)) else None
                ident = str(bug.bug_id)
                place = where(targets, active.date() if active else None, since)
                found.append(
                    score_candidate(LinkKind.BUG, ident, mine, bug_words(bug), owner, fits, weights,
                           shown=shown, where=place)
                )  # fmt: skip
        ranked = (c for c in found if c is not None)
        return tuple(sorted(ranked, key=lambda c: (-c.score, c.kind.value, id_order(c.id))))


class NaiveEdges:
    """The linear edge scan: every edge for every parent link."""

    def __init__(self, edges: Sequence[Edge]) -> None:
        self.edges = edges

    def targets(self, parent: Link) -> list[tuple[LinkKind, str, Edge]]:
        """A change's bugs or a bug's/blueprint's changes, found by scanning every edge."""
        if parent.kind is LinkKind.CHANGE:
            return [
                (e.kind, e.id, e)
                for e in self.edges
                if str(e.change) == parent.id and e.kind is LinkKind.BUG
            ]
        name = parent.id.rsplit("/", 1)[-1].casefold()
        return [
            (LinkKind.CHANGE, str(e.change), e)
            for e in self.edges
            if e.kind is parent.kind and e.id.rsplit("/", 1)[-1].casefold() == name
        ]


@contextmanager
def reconciler(*, naive: bool) -> Iterator[list[CandidatePool]]:
    """Make ``diff`` use the all-pairs pool and edge scan (``naive``) or the indexed ones,
    and collect the pools it builds (restored after)."""
    pools: list[CandidatePool] = []
    pool_type = NaivePool if naive else CandidatePool

    def make_pool(*args: object) -> CandidatePool:
        pools.append(pool_type(*args))  # type: ignore[arg-type]
        return pools[-1]

    names = vars(reconcile)  # diff looks both up in its module's globals on each call
    saved = names["CandidatePool"], names["_EdgeIndex"]
    names["CandidatePool"] = make_pool
    if naive:
        names["_EdgeIndex"] = NaiveEdges
    try:
        yield pools
    finally:
        names["CandidatePool"], names["_EdgeIndex"] = saved


@dataclass(frozen=True, slots=True)
class Run:
    """One ``diff``: seconds, the plan, and the (action, record) pairs the pool looked at."""

    seconds: float
    plan: Plan
    pairs: int


def run_diff(data: DataSet, actions: Sequence[StoredAction], *, naive: bool) -> Run:
    """``diff`` over ``actions`` and all of ``data``'s artifacts, timed."""
    with reconciler(naive=naive) as pools:
        gc.collect()
        started = time.perf_counter()
        plan = reconcile.diff(
            actions,
            data.changes,
            data.bugs,
            [],
            data.identities,
            [],
            team_projects=data.team_projects,
            event_start=EVENT_START,
        )
        seconds = time.perf_counter() - started
    pairs = sum(p.compared for p in pools) if not naive else _all_pairs(data, actions)
    return Run(seconds, plan, pairs)


def _all_pairs(data: DataSet, actions: Sequence[StoredAction]) -> int:
    scored = [a for a in actions if a.state is not ActionState.DROPPED]
    return len(scored) * (len(data.changes) + len(data.bugs))


def sample(actions: Sequence[StoredAction], count: int) -> list[StoredAction]:
    """``count`` actions evenly spaced over ``actions``."""
    step = len(actions) / max(count, 1)
    return [actions[int(i * step)] for i in range(min(count, len(actions)))]


@dataclass(frozen=True, slots=True)
class Row:
    """One size: the indexed run and the (possibly extrapolated) naive one."""

    commitments: int
    changes: int
    bugs: int
    indexed: Run
    naive: Run | None = None
    naive_sampled: int = 0  # commitments the naive run covered; fewer: extrapolated

    @property
    def naive_seconds(self) -> float | None:
        """The naive run's seconds, scaled to every commitment."""
        if self.naive is None:
            return None
        return self.naive.seconds * self.commitments / max(self.naive_sampled, 1)


def measure(
    commitments: int, changes: int, *, naive_seconds: float, naive_max_changes: int, seed: int
) -> Row:
    """Generate, run the indexed ``diff``, then (small sizes) the naive one on a growing sample
    until it takes ``naive_seconds``; the two plans must agree on the sample."""
    data = generate(commitments, changes, seed)
    indexed = run_diff(data, data.actions, naive=False)
    row = Row(commitments, changes, len(data.bugs), indexed)
    if changes > naive_max_changes or naive_seconds <= 0:
        return row
    count, naive = 1, None
    while True:
        chosen = sample(data.actions, count)
        naive = run_diff(data, chosen, naive=True)
        if run_diff(data, chosen, naive=False).plan != naive.plan:
            raise AssertionError(f"indexed and naive plans differ on {count} commitments")
        if naive.seconds >= naive_seconds / 2 or count >= commitments:
            break
        count = min(commitments, count * 2)
    return Row(commitments, changes, len(data.bugs), indexed, naive, len(chosen))


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table: sizes, the indexed run, the naive run and the time ratio."""
    lines = [
        (
            "| commitments | changes | bugs | indexed s | links added | pairs ranked (indexed)"
            " | naive s | pairs scored (naive) | naive/indexed |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        naive = ("not run", "not run", "-")
        if r.naive is not None and (seconds := r.naive_seconds) is not None:
            scale = r.commitments / max(r.naive_sampled, 1)
            approx = "" if r.naive_sampled >= r.commitments else "~"
            note = f" (extrapolated from {r.naive_sampled})" if approx else ""
            naive = (
                f"{approx}{seconds:.1f}{note}",
                f"{approx}{r.naive.pairs * scale:,.0f}",
                f"{approx}{seconds / max(r.indexed.seconds, 1e-9):,.0f}x",
            )
        lines.append(
            f"| {r.commitments:,} | {r.changes:,} | {r.bugs:,} | {r.indexed.seconds:.2f}"
            f" | {len(r.indexed.plan.add):,} | {r.indexed.pairs:,} | {' | '.join(naive)} |"
        )
    return "\n".join(lines)


def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    """``1000x20000,5000x100000`` → ((1000, 20000), (5000, 100000))."""
    sizes = []
    for item in text.split(","):
        commitments, _, changes = item.strip().lower().partition("x")
        sizes.append((int(commitments.replace("k", "000")), int(changes.replace("k", "000"))))
    return tuple(sizes)
