"""The linking set as the project's domain records, and one ``diff`` run per event.

Shared by ``benchmarks/bench_linking.py`` and the tests that run the reconciler on
the set. The project imports are in one marked block: re-point them here when
modules move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime

from linking_score import Suggestion
from linking_set import ChangeRecord, LinkingSet

# --- project imports: the only lines that name syncsvc modules; re-point them here when
# --- modules move (the rest of this file uses these names only).
from syncsvc.config import StatusSection
from syncsvc.domain import (
    Account,
    ActionState,
    Bug,
    BugTask,
    Change,
    ChangeFacts,
    ChangeStatus,
    Footers,
    Identity,
    Link,
    LinkDecision,
    LinkKind,
    LinkSource,
    LinkStatus,
    Ref,
    RefKind,
    StoredAction,
    message_body,
)
from syncsvc.domain.keys import repo_name
from syncsvc.reconcile import evidence as _evidence
from syncsvc.reconcile import weights as _weights
from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.reconcile.diff import diff
from syncsvc.reconcile.evidence import Candidate
from syncsvc.reconcile.learning import factors, learn_words
from syncsvc.reconcile.weights import STOP_WEIGHT as STOP
from syncsvc.reconcile.weights import body_words, bug_words, change_words, word_stats, words

# --- end of project imports

DEFAULT_THRESHOLD = StatusSection().suggest_threshold
#: The candidate model's weights, bias first, in the order of the features of
#: ``Candidate.features`` (cover, fit, rare, owner, hint, body).
MODEL = (
    "BIAS",
    "COVER_WEIGHT",
    "FIT_WEIGHT",
    "RARE_WEIGHT",
    "OWNER_WEIGHT",
    "HINT_WEIGHT",
    "BODY_WEIGHT",
)
BODIES = True  # whether changes carry their commit-message bodies (as the Gerrit adapter's do)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def account_id(email: str) -> int:
    """A stable account id per e-mail address (git has no Gerrit account ids)."""
    return 1 + sum((i + 1) * ord(ch) for i, ch in enumerate(email.casefold())) % 9_999_999


def to_change(record: ChangeRecord) -> Change:
    """A merged change as the Gerrit adapter would give it (no username: git has none)."""
    footers = record.footers
    merged = _when(record.merged)
    return Change(
        number=record.number,
        project=record.project,
        branch=record.branch,
        subject=record.subject,
        status=ChangeStatus(record.status),
        owner=Account(
            account_id(record.author_email), None, record.author_name, record.author_email
        ),
        created=_when(record.authored),
        updated=merged,
        submitted=merged,
        change_id=record.change_id,
        footers=Footers(
            closes_bug=footers.get("closes_bug", ()),
            partial_bug=footers.get("partial_bug", ()),
            related_bug=footers.get("related_bug", ()),
            blueprints=footers.get("blueprints", ()),
            change_id=record.change_id,
        ),
        body=message_body(record.message) if BODIES else "",
    )


def _ref(kind: str, ident: str, url: str) -> Ref:
    return Ref(RefKind(kind), ident, url)


@dataclass(frozen=True, slots=True)
class EventRun:
    """What ``diff`` gets for one event, and how to name its links back."""

    name: str
    actions: tuple[StoredAction, ...]
    changes: tuple[Change, ...]
    bugs: tuple[Bug, ...]
    identities: tuple[Identity, ...]
    team_projects: tuple[str, ...]
    event_start: date
    topic_refs: dict[tuple[int, str], tuple[Ref, ...]]
    commitment_of: dict[int, str]
    change_id_of: dict[int, str]


def build_runs(data: LinkingSet, *, identities: bool = True) -> list[EventRun]:
    """One run per event, with that team's changes, bugs and projects."""
    runs = []
    ident_rows = tuple(
        Identity(row["nick"], name=row.get("name"), email=row.get("email"))
        for row in (data.identities if identities else ())
    )
    for event_id, (event, start) in enumerate(sorted(data.event_starts.items()), start=1):
        chosen = [c for c in data.commitments if c.event == event]
        team = chosen[0].team
        records = [c for c in data.changes if c.team == team]
        actions, commitment_of = [], {}
        topic_refs: dict[tuple[int, str], tuple[Ref, ...]] = {}
        for c in chosen:
            action_id = 1000 * event_id + len(actions) + 1
            commitment_of[action_id] = c.id
            topic_refs[event_id, c.topic] = tuple(_ref(*r) for r in c.topic_refs)
            actions.append(
                StoredAction(
                    id=action_id,
                    event_id=event_id,
                    event=event,
                    day=_day(c.day),
                    topic=c.topic,
                    text=c.text,
                    owners=c.owners,
                    milestone=None,
                    milestone_key=None,
                    due=_day(c.due),
                    starts=None,
                    refs=tuple(_ref(*r) for r in c.refs),
                    state=ActionState.OPEN,
                )
            )
        bugs = tuple(
            Bug(
                bug_id=b.bug_id,
                title=b.title,
                tasks=(
                    BugTask(
                        b.bug_id,
                        b.project,
                        b.status,
                        "Undecided",
                        date_closed=_when(b.last_updated) if b.status == "Fix Released" else None,
                    ),
                ),
                date_last_updated=_when(b.last_updated),
            )
            for b in data.bugs
            if b.team == team
        )
        runs.append(
            EventRun(
                name=event,
                actions=tuple(actions),
                changes=tuple(to_change(r) for r in records),
                bugs=bugs,
                identities=ident_rows,
                team_projects=data.team_projects[team],
                event_start=date.fromisoformat(start),
                topic_refs=topic_refs,
                commitment_of=commitment_of,
                change_id_of={r.number: r.change_id for r in records},
            )
        )
    return runs


def _ident(link: Link, run: EventRun) -> str:
    if link.kind is LinkKind.CHANGE:
        return run.change_id_of.get(int(link.id), f"gerrit:{link.id}")
    return link.id


def suggest(run: EventRun, threshold: float) -> list[Suggestion]:
    """Run ``diff`` for one event (nothing stored yet) and name what it adds."""
    plan = diff(
        run.actions,
        run.changes,
        run.bugs,
        [],
        run.identities,
        [],
        team_projects=run.team_projects,
        event_start=run.event_start,
        threshold=threshold,
        topic_refs=run.topic_refs,
    )
    return [as_suggestion(link, run) for link in plan.add]


def plan_links(
    run: EventRun,
    threshold: float,
    *,
    decided: Sequence[Link] = (),
    learned: Mapping[str, float] | None = None,
) -> list[Link]:
    """The links ``diff`` adds for one event, given people's ``decided`` links (stored,
    never changed) and the word factors ``learned`` from them (a relink's statistics)."""
    stats = word_stats(run.changes, run.bugs, run.identities, run.team_projects)
    plan = diff(
        run.actions,
        run.changes,
        run.bugs,
        [],
        run.identities,
        list(decided),
        team_projects=run.team_projects,
        event_start=run.event_start,
        threshold=threshold,
        topic_refs=run.topic_refs,
        stats=replace(stats, learned=dict(learned or {})),
    )
    return list(plan.add)


def decision_of(link: Link, right: bool) -> Link:
    """``link`` as a person decided it: confirmed when ``right``, else rejected."""
    return replace(link, status=LinkStatus.CONFIRMED if right else LinkStatus.REJECTED)


def learned_from(decided: Sequence[Link]) -> dict[str, float]:
    """The word factors a relink learns from these decided candidate links."""
    found = [
        LinkDecision(d.action_id, d.kind, d.id, d.status, d.evidence)
        for d in decided
        if d.source is LinkSource.CANDIDATE
    ]
    return factors(learn_words(found))


def as_suggestion(link: Link, run: EventRun) -> Suggestion:
    """A planned link named back as the scoring names it."""
    return Suggestion(
        commitment=run.commitment_of[link.action_id],
        kind=link.kind.value,
        ident=_ident(link, run),
        confidence=link.confidence,
        source=link.source.value,
        evidence=link.evidence,
    )


def candidate_rows(run: EventRun) -> list[tuple[Suggestion, tuple[float, ...]]]:
    """Every candidate of every commitment of one event, with the model's inputs (for
    fitting the weights: benchmarks/fit_linking.py)."""
    pool = CandidatePool(run.changes, run.bugs, run.identities, run.team_projects)
    rows = []
    for action in run.actions:
        for cand in pool.score(action, run.event_start):
            ident = (
                run.change_id_of.get(int(cand.id), cand.id)
                if cand.kind is LinkKind.CHANGE
                else cand.id
            )
            found = Suggestion(
                run.commitment_of[action.id], cand.kind.value, ident, cand.score, "candidate"
            )
            rows.append((found, cand.features))
    return rows


def commitment_words(run: EventRun) -> dict[str, dict[str, float]]:
    """Each commitment's words with the weights the candidate pool gives them (people's
    names and the team's stop words left out), by commitment id."""
    pool = CandidatePool(run.changes, run.bugs, run.identities, run.team_projects)
    found = {}
    for action in run.actions:
        drop = pool.people() | {o.casefold() for o in action.owners}
        mine = words(f"{action.text} {action.topic}", drop=drop)
        weights = {w: pool.weight(w) for w in mine}
        found[run.commitment_of[action.id]] = {w: v for w, v in weights.items() if v >= STOP}
    return found


def text_words(text: str) -> frozenset[str]:
    """The stems the candidate pool matches ``text`` on."""
    return words(text)


def shipped_weights() -> tuple[float, ...]:
    """The model weights the reconciler ships, in :data:`MODEL`'s order."""
    return tuple(float(getattr(_weights, name)) for name in MODEL)


@contextmanager
def model_weights(values: Sequence[float]) -> Iterator[None]:
    """Run the reconciler with other model weights (in :data:`MODEL`'s order) inside the
    block, e.g. weights fitted without one team (``fit_linking.py --leave-one-team-out``);
    the shipped ones are put back on exit."""
    before = shipped_weights()
    modules = (_weights, _evidence)
    try:
        for name, value in zip(MODEL, values, strict=True):
            for module in modules:
                if hasattr(module, name):
                    setattr(module, name, float(value))
        yield
    finally:
        for name, value in zip(MODEL, before, strict=True):
            for module in modules:
                if hasattr(module, name):
                    setattr(module, name, value)


#: A rescoring: the pool, the action and every candidate the pool ranks for it (best
#: first) → a new score for each candidate, in the same order.
Rescore = Callable[[CandidatePool, StoredAction, tuple[Candidate, ...]], Sequence[float]]


@contextmanager
def rescored(rescore: Rescore) -> Iterator[None]:
    """Run the reconciler with each action's candidates rescored inside the block (for
    measuring a feature read from the whole ranking without building it into the
    reconciler: benchmarks/probe_linking.py): the pool ranks every candidate, ``rescore``
    gives each a new score, and the ranking is re-sorted (ties keep the pool's order) and
    cut at the caller's limit. The pool's own scorer is put back on exit."""
    scorer = CandidatePool.score

    def score(
        pool: CandidatePool, action: StoredAction, since: date | None, *, limit: int | None = None
    ) -> tuple[Candidate, ...]:
        found = scorer(pool, action, since)
        new = [
            replace(c, score=s) for c, s in zip(found, rescore(pool, action, found), strict=True)
        ]
        ranked = [new[n] for n in sorted(range(len(new)), key=lambda n: (-new[n].score, n))]
        return tuple(ranked if limit is None else ranked[:limit])

    CandidatePool.score = score  # type: ignore[method-assign]
    try:
        yield
    finally:
        CandidatePool.score = scorer  # type: ignore[method-assign]


def query_words(pool: CandidatePool, action: StoredAction) -> dict[str, float]:
    """The action's words with the weights the pool ranks it by (people's names and the
    team's stop words left out)."""
    drop = pool.people() | {o.casefold() for o in action.owners}
    mine = words(f"{action.text} {action.topic}", drop=drop)
    return {w: v for w in mine if (v := pool.weight(w)) >= STOP}


class Records:
    """A pool's records by the id a candidate names them with, and their words (cached)."""

    def __init__(self, pool: CandidatePool) -> None:
        self.changes = {str(c.number): c for c in pool.changes}
        self.bugs = {str(b.bug_id): b for b in pool.bugs}
        self._words: dict[tuple[LinkKind, str, bool], frozenset[str]] = {}

    def words(self, found: Candidate, *, body: bool = False) -> frozenset[str]:
        """The words a candidate's record is matched on (``body``: with its commit-message
        body's other words)."""
        key = (found.kind, found.id, body)
        if (mine := self._words.get(key)) is None:
            if found.kind is LinkKind.CHANGE:
                change = self.changes[found.id]
                mine = change_words(change)
                mine = mine | body_words(change, mine) if body else mine
            else:
                mine = bug_words(self.bugs[found.id])
            self._words[key] = mine
        return mine


def team_changes(pool: CandidatePool) -> list[ChangeFacts]:
    """The pool's changes in the team's repositories."""
    team = {repo_name(p) for p in pool.team_projects}
    return [c for c in pool.changes if repo_name(c.project) in team]
