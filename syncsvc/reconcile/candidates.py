"""Candidate links for commitments with no explicit id: scored, explainable guesses.

A candidate is a team change or bug (or an owner's, anywhere) that shares words
with the action and its topic, team commitments included: in its own words or,
for a change, only in its commit-message body (weaker evidence). Words weigh their
IDF over the team's records (see :mod:`syncsvc.reconcile.weights`); the score
is a logistic model of how much of the record the shared words make up, their
weight, how much of the action a change's body adds, whether an owner wrote or
holds it (through the identity map) and whether it fits the wording's type hint
("spec" → ``*-specs`` repos; "nova spec" → only ``nova-specs``; an e-mail to
openstack-discuss finds nothing).
The words, their weights and each piece of evidence are the link's evidence. Pure functions.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

import numpy as np

from syncsvc.domain import Account, Bug, ChangeFacts, Identity, LinkKind, StoredAction
from syncsvc.domain.keys import id_order, lp_project, repo_name
from syncsvc.reconcile.evidence import (
    Candidate,
    bug_activity,
    logits,
    rank_of,
    score_candidate,
    where,
)
from syncsvc.reconcile.hints import HintKind, TypeHint, type_hint
from syncsvc.reconcile.postings import (
    INT32_MAX,
    NO_POSITIONS,
    Mask,
    Positions,
    Postings,
    merged,
    packed,
    rank_floor,
    small_codes,
    word_slices,
)
from syncsvc.reconcile.weights import (
    WordStats,
    _logit,
    _lowered,
    _Query,
    body_words,
    bug_words,
    change_words,
    people_words,
    surface_forms,
    words,
)


class _Index:
    """A pool's records by word, by owner account and by Launchpad assignee.

    Words are indexed for team records only: any other record is a candidate only
    through an owner, and an owner's records are found through the account index.
    """

    def __init__(self, pool: CandidatePool) -> None:
        self.team = frozenset(repo_name(p) for p in pool.team_projects)
        # The changes are read in one pass and not copied (issue 14's peak RSS).
        self.changes, self.bugs = pool.changes, list(pool.bugs)
        names: dict[str, str] = {}  # one string per project name, not one per change
        self.projects: list[str] = []
        days, numbers, bodies = array("q"), list[int](), array("b")
        shared: dict[frozenset[str], frozenset[str]] = {}  # one per set, not one per bug
        found = (frozenset(lp_project(t.target) for t in b.tasks) for b in self.bugs)
        self.targets = [shared.setdefault(targets, targets) for targets in found]
        self.active = [(a.date() if (a := bug_activity(b)) else None) for b in self.bugs]
        self.change_words: dict[int, frozenset[str]] = {}  # changes outside the team, as read
        self.bug_words: dict[int, frozenset[str]] = {}
        self.by_nick: dict[str, list[Identity]] = defaultdict(list)
        for identity in pool.identities:
            self.by_nick[identity.nick.casefold()].append(identity)
        # Positions as arrays from the start, not lists of int objects, of 4 bytes where
        # every position fits (issue 14's peak RSS).
        at = "i" if len(self.changes) <= INT32_MAX else "q"
        by_account: dict[tuple[str, str], array[int]] = defaultdict(lambda: array(at))
        by_topic: dict[str, array[int]] = defaultdict(lambda: array(at))  # by Gerrit topic
        # The team's changes' words as word ids, one slice per change (ends[i - 1]:ends[i]):
        # a frozenset of words per change would weigh ten times as much (issue 14's peak RSS).
        self.vocabulary: list[str] = []
        word_ids: dict[str, int] = {}
        used, ends = array("i"), array("q")
        # The words only their commit-message bodies hold, the same way (team changes only).
        body_used, body_ends = array("i"), array("q")
        for i, change in enumerate(self.changes):
            project = repo_name(change.project)
            self.projects.append(names.setdefault(project, project))
            days.append(change.day.toordinal())
            numbers.append(change.number)
            bodies.append(bool(change.body))
            if change.topic:
                by_topic[change.topic].append(i)
            account = change.owner
            for key in (("username", account.username), ("email", account.email)):
                if key[1]:
                    by_account[key[0], key[1].casefold()].append(i)
            if account.name:
                by_account["name", account.name.casefold()].append(i)
            if self.projects[i] in self.team:
                subject = change_words(change)
                for word in subject:
                    if (n := word_ids.get(word)) is None:
                        n = word_ids[word] = len(self.vocabulary)
                        self.vocabulary.append(word)
                    used.append(n)
                for word in body_words(change, subject):
                    if (n := word_ids.get(word)) is None:
                        n = word_ids[word] = len(self.vocabulary)
                        self.vocabulary.append(word)
                    body_used.append(n)
            ends.append(len(used))
            body_ends.append(len(body_used))
        self.by_account, self.by_topic = dict(by_account), dict(by_topic)
        self.change_day = np.array(days, dtype=np.int32)  # day ordinals (≤ 3,652,059)
        self.has_body = np.array(bodies, dtype=np.bool_)
        self.numbers = packed(numbers)  # a change's number without making its record
        # word → the team changes using it, ascending; the sort's arrays freed on return, and
        # the starts and ends views of one bounds array (issue 14's peak RSS)
        self.word_ids, bounds, by_id = word_slices(used, ends, len(self.vocabulary))
        self.word_starts, self.word_ends = bounds[:-1], bounds[1:]
        change_by_word = {self.vocabulary[n]: p for n, p in by_id.items()}
        self.body_ids, self.body_bounds, body_by_word = word_slices(
            body_used, body_ends, len(self.vocabulary)
        )
        team_changes = sum(p in self.team for p in self.projects)
        self.by_assignee: dict[str, list[int]] = defaultdict(list)
        bug_by_word: dict[str, list[int]] = defaultdict(list)
        for i, bug in enumerate(self.bugs):
            for name in dict.fromkeys(t.assignee.casefold() for t in bug.tasks if t.assignee):
                self.by_assignee[name].append(i)
            if self.targets[i] & self.team:
                for word in self.words_of_bug(i):
                    bug_by_word[word].append(i)
        bug_ids = {b.bug_id for b in self.bugs}
        self.unique = len(set(numbers)) == len(self.changes) and len(bug_ids) == len(self.bugs)
        self.compared = 0
        if (stats := pool.stats) is None:
            frequencies = Counter({w: len(p) for w, p in change_by_word.items()})
            frequencies.update({w: len(p) for w, p in bug_by_word.items()})
            records = team_changes + len(self.bug_words)
            stats = WordStats(frequencies, records, people_words(pool.identities))
        self.weights, self.people = stats.weights(), stats.people
        total = self.weights.total
        # each record's summed word weight; -1.0 until needed for a record outside the team
        idf = [self.weights.of(w) for w in self.vocabulary]
        self.change_totals = np.full(len(self.changes), -1.0)
        for i, project in enumerate(self.projects):
            if project in self.team:
                mine = self.word_ids[self.word_starts[i] : self.word_ends[i]].tolist()
                self.change_totals[i] = math.fsum(map(idf.__getitem__, mine))
        self.bug_totals = [-1.0] * len(self.bugs)
        for i, words_of in self.bug_words.items():
            self.bug_totals[i] = total(words_of)
        every = np.arange(len(self.changes), dtype=np.int64)  # one array for every identity
        self.change_postings = Postings(
            change_by_word,
            (self.word_ends - self.word_starts).astype(np.float64),
            every,
            every,
            np.maximum(self.change_totals, 0.0),
        )
        self.body_postings = Postings(
            {self.vocabulary[n]: p for n, p in body_by_word.items()},
            np.diff(self.body_bounds).astype(np.float64),
            every,
            every,
        )
        self.bug_postings = Postings.build(
            bug_by_word,
            [len(self.bug_words.get(i, ())) for i in range(len(self.bugs))],
            [max(t, 0.0) for t in self.bug_totals],
        )
        self.project_names = sorted(set(self.projects))
        ids = {name: n for n, name in enumerate(self.project_names)}
        self.change_project = np.array([ids[p] for p in self.projects], dtype=small_codes(len(ids)))
        self.target_sets = list(dict.fromkeys(self.targets))
        sets = {targets: n for n, targets in enumerate(self.target_sets)}
        self.bug_targets = np.array([sets[t] for t in self.targets], dtype=small_codes(len(sets)))
        self.bug_day = np.array([d.toordinal() if d else 0 for d in self.active], dtype=np.int32)
        self.bug_visible = np.array([b.visible for b in self.bugs], dtype=np.bool_)
        self.views: dict[tuple[LinkKind, date | None, TypeHint | None], Postings] = {}
        self.body_views: dict[tuple[date | None, TypeHint | None], Postings] = {}
        self.hinted: dict[tuple[LinkKind, TypeHint], Mask] = {}

    def fits(self, kind: LinkKind, hint: TypeHint) -> Mask:
        """Which changes or bugs (a mask over pool positions) fit ``hint`` (cached)."""
        if (found := self.hinted.get((kind, hint))) is None:
            if kind is LinkKind.CHANGE:
                names = np.array([hint.accepts(p) for p in self.project_names], dtype=np.bool_)
                found = names[self.change_project]
            else:
                sets = [any(map(hint.accepts, t)) for t in self.target_sets]
                found = np.array(sets, dtype=np.bool_)[self.bug_targets]
            self.hinted[kind, hint] = found
        return found

    def postings(self, kind: LinkKind, since: date | None, hint: TypeHint | None) -> Postings:
        """The word postings of the team's changes or bugs that pass the filters of
        :meth:`CandidatePool._changes`/:meth:`CandidatePool._bugs` (cached)."""
        key = (kind, since, hint)
        if (view := self.views.get(key)) is None:
            if kind is LinkKind.CHANGE:
                fits = [
                    p in self.team and (hint is None or hint.accepts(p)) for p in self.project_names
                ]
                keep = np.array(fits, dtype=np.bool_)[self.change_project]
                days, full = self.change_day, self.change_postings
            else:
                fits = [
                    bool(t & self.team) and (hint is None or any(map(hint.accepts, t)))
                    for t in self.target_sets
                ]
                keep = self.bug_visible & np.array(fits, dtype=np.bool_)[self.bug_targets]
                days, full = self.bug_day, self.bug_postings
            if since:
                keep &= days >= since.toordinal()
            view = self.views[key] = full.restrict(keep)
        return view

    def body_view(self, since: date | None, hint: TypeHint | None) -> Postings:
        """The body postings of the team changes :meth:`postings` gives for changes (cached;
        empty, and so free, when no change has a body)."""
        if not self.body_postings.by_word:
            return self.body_postings
        key = (since, hint)
        if (view := self.body_views.get(key)) is None:
            members = self.postings(LinkKind.CHANGE, since, hint).members
            keep = np.zeros(len(self.changes), dtype=np.bool_)
            keep[members] = True
            view = self.body_views[key] = self.body_postings.restrict(keep)
        return view

    def updated(self, i: int) -> date:
        """The day a change was last updated."""
        return date.fromordinal(int(self.change_day[i]))

    def order(self, i: int) -> tuple[int, str]:
        """A change's number as :func:`id_order` sorts it."""
        return id_order(str(self.numbers[i]))

    def change_total(self, i: int) -> float:
        """The summed weight of a change's words (cached)."""
        if (found := float(self.change_totals[i])) < 0:
            found = self.weights.total(self.words_of_change(i))
            self.change_totals[i] = found
        return found

    def bug_total(self, i: int) -> float:
        """The summed weight of a bug's words (cached)."""
        if (found := self.bug_totals[i]) < 0:
            found = self.bug_totals[i] = self.weights.total(self.words_of_bug(i))
        return found

    def words_of_change(self, i: int) -> frozenset[str]:
        """The words a change is matched on: subject, topic and hashtags."""
        if self.projects[i] in self.team:
            mine = self.word_ids[self.word_starts[i] : self.word_ends[i]].tolist()
            return frozenset(map(self.vocabulary.__getitem__, mine))
        if (found := self.change_words.get(i)) is None:
            found = self.change_words[i] = change_words(self.changes[i])
        return found

    def words_of_body(self, i: int) -> frozenset[str]:
        """The words only a change's commit-message body holds (see :func:`body_words`)."""
        if not self.has_body[i]:
            return frozenset()
        if self.projects[i] in self.team:
            mine = self.body_ids[self.body_bounds[i] : self.body_bounds[i + 1]].tolist()
            return frozenset(map(self.vocabulary.__getitem__, mine))
        return body_words(self.changes[i], self.words_of_change(i))

    def words_of_bug(self, i: int) -> frozenset[str]:
        """The words a bug is matched on: title and tags."""
        if (found := self.bug_words.get(i)) is None:
            found = self.bug_words[i] = bug_words(self.bugs[i])
        return found

    def owned_changes(self, owners: Sequence[str]) -> set[int]:
        """Changes an owner wrote: exactly those :func:`change_owner_match` accepts."""
        found: set[int] = set()
        for nick in owners:
            keys = [("username", nick.casefold())]
            for identity in self.by_nick.get(nick.casefold(), ()):
                keys += [
                    (field, value.casefold())
                    for field, value in (
                        ("username", identity.gerrit_username),
                        ("email", identity.email),
                        ("name", identity.name),
                    )
                    if value
                ]
            for key in keys:
                found.update(self.by_account.get(key, ()))
        return found

    def change_owner(self, owners: Sequence[str], account: Account) -> str | None:
        """:func:`change_owner_match` with the identity rows looked up by nick."""
        for nick in owners:
            for identity in self.by_nick.get(nick.casefold(), ()):
                if field := identity.matches_account(account):
                    return f"{nick} ({field})"
            if account.username and account.username.casefold() == nick.casefold():
                return f"{nick} (username)"
        return None

    def launchpad_names(self, owners: Sequence[str]) -> list[tuple[str, frozenset[str]]]:
        """Each owner with the Launchpad names that are theirs (see launchpad_owner_match)."""
        found = []
        for nick in owners:
            rows = self.by_nick.get(nick.casefold(), ())
            names = frozenset(i.launchpad.casefold() for i in rows if i.launchpad)
            found.append((nick, names or frozenset({nick.casefold()})))
        return found

    def held_bugs(self, names: Sequence[tuple[str, frozenset[str]]]) -> set[int]:
        """Bugs with a task assigned to an owner (``names`` from :meth:`launchpad_names`)."""
        return {i for _, mine in names for name in mine for i in self.by_assignee.get(name, ())}

    def bug_owner(self, bug: Bug, names: Sequence[tuple[str, frozenset[str]]]) -> str | None:
        """The first task's assignee that is an owner, as launchpad_owner_match says it."""
        for task in bug.tasks:
            if task.assignee:
                assignee = task.assignee.casefold()
                for nick, mine in names:
                    if assignee in mine:
                        return f"{nick} (launchpad)"
        return None


# (sort key, kind, position in the pool, the record's words, its body's other words); the
# key ends with the position so that equal candidates keep the pool's order, as a stable
# sort would.
_Ranked = tuple[
    tuple[float, str, tuple[int, str], int], LinkKind, int, frozenset[str], frozenset[str]
]


def _best(found: list[_Ranked], limit: int | None, *, unique: bool) -> list[_Ranked]:
    """``found`` ranked, cut after ``limit`` distinct records (``unique``: no record twice)."""
    if limit is None:
        return sorted(found)
    if unique:
        return heapq.nsmallest(limit, found)
    kept: list[_Ranked] = []
    seen: set[tuple[str, tuple[int, str]]] = set()
    for entry in sorted(found):
        seen.add(entry[0][1:3])
        if len(seen) > limit:
            break
        kept.append(entry)
    return kept


@dataclass(frozen=True, slots=True)
class CandidatePool:
    """What candidates are drawn from: changes and bugs, the identity map, the team's projects.

    The pool indexes its records on first use (by word, owner account and
    assignee), so scoring an action costs the records that share a word with it
    or belong to an owner, not the whole pool. Do not mutate the sequences after
    the first call. Words weigh by ``stats`` when given (a relink's kept statistics),
    else by the statistics of the records given.
    """

    changes: Sequence[ChangeFacts]
    bugs: Sequence[Bug]
    identities: Sequence[Identity] = ()
    team_projects: Sequence[str] = ()
    stats: WordStats | None = None
    _cache: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _index(self) -> _Index:
        index = self._cache.get("index")
        if not isinstance(index, _Index):
            index = self._cache["index"] = _Index(self)
        return index

    @property
    def compared(self) -> int:
        """How many (action, record) pairs :meth:`score` has looked at so far (a cost measure)."""
        index = self._cache.get("index")
        return index.compared if isinstance(index, _Index) else 0

    def known_projects(self) -> frozenset[str]:
        """Short names of the team's, the changes' and the bugs' projects, also without -specs."""
        known = self._cache.get("known")
        if not isinstance(known, frozenset):
            found = {repo_name(p) for p in self.team_projects}
            found |= {repo_name(c.project) for c in self.changes}
            found |= {lp_project(t.target) for b in self.bugs for t in b.tasks}
            known = self._cache["known"] = frozenset(
                found | {k.removesuffix("-specs") for k in found}
            )
        return known

    def changes_with(self, found: Collection[str], since: date | None = None) -> Positions:
        """Positions of the team's changes whose words hold every word of ``found``, updated
        on or after ``since``."""
        ix = self._index()
        by_word = ix.change_postings.by_word
        hits = [by_word.get(w, NO_POSITIONS) for w in dict.fromkeys(found)]
        if not hits:
            return NO_POSITIONS
        both = reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), hits)
        return both[ix.change_day[both] >= since.toordinal()] if since else both

    def authored(self, account: Account) -> Sequence[int]:
        """Positions of the changes written by the person of ``account`` (by e-mail, else
        name, else username)."""
        by_account = self._index().by_account
        for key in (("email", account.email), ("name", account.name)):
            if key[1]:
                return by_account.get((key[0], key[1].casefold()), ())
        return by_account.get(("username", (account.username or "").casefold()), ())

    def owned(self, owners: Sequence[str]) -> set[int]:
        """Positions of the changes an owner wrote (through the identity map)."""
        return self._index().owned_changes(owners)

    def about(self, i: int) -> tuple[int, str, date]:
        """The number, short project name and last update day of the change at position
        ``i``, without making its record."""
        ix = self._index()
        return ix.numbers[i], ix.projects[i], ix.updated(i)

    def last_update(self, number: int) -> date | None:
        """The day change ``number`` was last updated, when the pool holds it."""
        found = np.flatnonzero(np.asarray(self._index().numbers) == number)
        return self._index().updated(int(found[0])) if found.size else None

    def words_at(self, i: int) -> frozenset[str]:
        """The words the change at position ``i`` is matched on."""
        return self._index().words_of_change(i)

    def with_topic(self, topic: str) -> Sequence[int]:
        """Positions of the changes with this Gerrit topic."""
        return self._index().by_topic.get(topic, ())

    def people(self) -> frozenset[str]:
        """The people's words (names, nicks) that are never matched."""
        return self._index().people

    def weight(self, word: str) -> float:
        """A word's IDF weight over the team's records (the pool's word statistics)."""
        return self._index().weights.of(word)

    def hint(self, action: StoredAction) -> TypeHint | None:
        """The type hint of the action's text, with this pool's projects as known names."""
        return type_hint(action.text, self.known_projects())

    def score(
        self, action: StoredAction, since: date | None, *, limit: int | None = None
    ) -> tuple[Candidate, ...]:
        """Changes and bugs sharing at least one word with the action and its topic, best first.

        Pool: updated on or after ``since``, in a team project or by an owner, and
        fitting the type hint (an e-mail finds nothing). Words are weighted by their
        IDF over the team's records; people's names and nicks are not words. The score
        is the model's (see :func:`probability`). With ``limit``, the ranking stops after
        ``limit`` distinct records.
        """
        hint = self.hint(action)
        if hint is not None and hint.kind is HintKind.NOTHING:
            return ()
        ix = self._index()
        drop = ix.people | {o.casefold() for o in action.owners}
        text = f"{action.text} {action.topic}"
        mine = ix.weights.query(words(text, drop=drop))
        if not mine:
            return ()
        query = _Query(mine, frozenset(mine), math.fsum(mine.values()))
        only = hint if hint is not None and hint.filters else None
        owned, names = ix.owned_changes(action.owners), ix.launchpad_names(action.owners)
        with_bugs = only is None
        held = ix.held_bugs(names) if with_bugs else set()
        found = self._changes(ix, query, since, hint, owned, owned)
        found += self._bugs(ix, query, since, hint, held, held)
        # The other candidates share a word with the action and are ranked all at once
        # from the postings; only those that can make the ranking are scored one by one.
        changes, shared, totals = ix.postings(LinkKind.CHANGE, since, only).weighted(mine, owned)
        bodies, in_body, _ = ix.body_view(since, only).weighted(mine, owned)
        body_shared = None
        if len(bodies):  # changes sharing a word only in their body are candidates too
            changes, shared, body_shared = merged(changes, shared, bodies, in_body)
            totals = ix.change_totals[changes]
        hinted = ix.fits(LinkKind.CHANGE, hint)[changes] if hint is not None else None
        change_ranks = logits(
            (shared, body_shared), query.total, totals, unknown=ix.weights.unknown, fits=hinted
        )
        bugs, bug_ranks = NO_POSITIONS, np.empty(0)
        if with_bugs:
            bugs, shared, totals = ix.postings(LinkKind.BUG, since, None).weighted(mine, held)
            hinted = ix.fits(LinkKind.BUG, hint)[bugs] if hint is not None else None
            bug_ranks = logits(
                (shared, None), query.total, totals, unknown=ix.weights.unknown, fits=hinted
            )
        ix.compared += len(owned) + len(held) + len(changes) + len(bugs)
        if limit is not None and ix.unique:
            # Ranked on the logit scale (no exp per record); scores are rounded to 3
            # decimals: keep what rounding could lift into the ranking.
            exact = np.array([_logit(-entry[0][0]) for entry in found])
            floor = _lowered(rank_floor(limit, change_ranks, bug_ranks, exact, near=2.0))
            changes, bugs = changes[change_ranks >= floor], bugs[bug_ranks >= floor]
        found += self._changes(ix, query, since, hint, changes.tolist(), owned)
        found += self._bugs(ix, query, since, hint, bugs.tolist(), held)
        ranked: list[Candidate | None] = []
        shown = surface_forms(text)
        for _, kind, i, theirs, body in _best(found, limit, unique=ix.unique):
            if kind is LinkKind.CHANGE:
                change = self.changes[i]
                owner = ix.change_owner(action.owners, change.owner)
                ident = str(change.number)
                fits = hint is not None and hint.accepts(ix.projects[i])
                place = where([ix.projects[i]], ix.updated(i), since)
            else:
                owner, ident = ix.bug_owner(self.bugs[i], names), str(self.bugs[i].bug_id)
                fits = hint is not None and any(map(hint.accepts, ix.targets[i]))
                place = where(ix.targets[i], ix.active[i], since)
            ranked.append(
                score_candidate(
                    kind, ident, mine, theirs, owner, hint if fits else None, ix.weights,
                    shown=shown, where=place, body=body,
                )
            )  # fmt: skip
        return tuple(c for c in ranked if c is not None)

    @staticmethod
    def _changes(
        ix: _Index,
        query: _Query,
        since: date | None,
        hint: TypeHint | None,
        positions: Collection[int],
        owned: Collection[int],
    ) -> list[_Ranked]:
        """The changes at ``positions`` that pass the filters and share a word, ranked."""
        found: list[_Ranked] = []
        for i in positions:
            project = ix.projects[i]
            if (since and ix.change_day[i] < since.toordinal()) or (
                project not in ix.team and i not in owned
            ):
                continue
            fits = hint is not None and hint.accepts(project)
            if not (fits or hint is None or not hint.filters):
                continue
            common = query.words & (theirs := ix.words_of_change(i))
            extra = query.words & (body := ix.words_of_body(i))
            if common or extra:
                total = ix.change_total(i)
                rank = rank_of(
                    query, ix.weights, total, (common, extra), owner=i in owned, hint=fits
                )
                key = (-rank, "change", ix.order(i), i)
                found.append((key, LinkKind.CHANGE, i, theirs, body))
        return found

    @staticmethod
    def _bugs(
        ix: _Index,
        query: _Query,
        since: date | None,
        hint: TypeHint | None,
        positions: Collection[int],
        held: Collection[int],
    ) -> list[_Ranked]:
        """The bugs at ``positions`` that pass the filters and share a word, ranked."""
        found: list[_Ranked] = []
        for i in positions:
            bug, active, targets = ix.bugs[i], ix.active[i], ix.targets[i]
            if not bug.visible or (since and (active is None or active < since)):
                continue
            owner = i in held
            fits = hint is not None and any(map(hint.accepts, targets))
            if (
                (targets & ix.team or owner)
                and (fits or hint is None or not hint.filters)
                and (common := query.words & (theirs := ix.words_of_bug(i)))
            ):
                total = ix.bug_total(i)
                rank = rank_of(query, ix.weights, total, (common, ()), owner=owner, hint=fits)
                key = (-rank, "bug", id_order(str(bug.bug_id)), i)
                found.append((key, LinkKind.BUG, i, theirs, frozenset()))
        return found
