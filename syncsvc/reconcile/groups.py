"""Grouped suggestions: the rest of an effort, once one of its changes is linked.

Large commitments are carried out by many changes across repositories and by
several people ("implement secure RBAC for X" for thirty X, "remove six of dir
Y"). Scoring each change against the commitment's few words finds one or two of
them; the others are found through the one that was found. A commitment's
*seed* is a change it is linked to with confidence: a confirmed link, or one of
this run's candidates at or above the suggest threshold. The seed's
*neighbours* are the team's changes in the window that share with it:

- a blueprint (``Implements:`` / ``Partially-Implements:``), a bug footer or its
  Gerrit topic, when the seed is confirmed or scored :data:`STRONG_SEED` or more;
- a phrase of two or more words that is also in one clause of the commitment's
  text or topic ("secure RBAC", "remove six"), none of them a stop word of the
  team and the rarest not common in its records (the neighbour's subject may
  have :data:`GAP` words between two of the phrase's: "remove all usage of six").

Once a seed has neighbours, its group's *people* (the authors of two or more of
its changes, and an owner who wrote one) bring their other changes in the
group's repositories that share a rare word of the commitment or of the group's
phrase ("policy", "rbac"): an effort's clean-ups rarely repeat its phrase.
Neighbours are suggested (never confirmed) at :data:`GROUP_CONFIDENCE`, with the
seed and the shared key as evidence. A commitment that continues an effort
("finish", "continue", "keep") also takes neighbours from up to :data:`LOOKBACK`
before the window. A commitment that points back at its topic ("this effort",
"these changes") and found nothing of its own takes the groups of the other
commitments of the same topic, at :data:`INHERIT_FACTOR` of their confidence.
Pure functions only.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from syncsvc.domain import Account, ChangeFacts, Edge, LinkKind, StoredAction
from syncsvc.domain.keys import repo_name
from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.reconcile.evidence import where
from syncsvc.reconcile.weights import STOP_WEIGHT, clauses, stems, surface_forms, words

#: A neighbour's confidence: on the linking set's tuning split (benchmarks/bench_linking.py)
#: all 77 neighbours suggested were right (78/79 with one right and one wrong added: 0.99);
#: set lower, as three large efforts gave most of them.
GROUP_CONFIDENCE = 0.95
#: Footers and Gerrit topics tie a change to the seed, not to the commitment's words: they
#: group only around a seed this sure (or confirmed).
STRONG_SEED = 0.8
#: A group taken from another commitment of the same topic: its confidence times this.
INHERIT_FACTOR = 0.95
#: A neighbour of a commitment that continues an effort ("finish removing six", "continue
#: adding annotations") may predate the window by this much: the effort was under way at the
#: event. Otherwise older work is another attempt, not the commitment's.
LOOKBACK = timedelta(days=28)
_CONTINUES = re.compile(r"\b(?:finish|continu|keep|complet|resum)\w*", re.IGNORECASE)
#: A neighbour's subject may hold a phrase with this many other words between two of its
#: words ("Remove all usage of six library" holds "remove six"; stop words are not counted).
GAP = 1
#: A phrase whose rarest word is in more than this share of the team's records is too common
#: to group by.
MAX_SHARE = 0.15
RARE_PHRASE = math.log(1 / MAX_SHARE)
#: A change by one of a group's people joins it when it shares with the commitment a word in
#: under 5% of the team's records ("policy" for Manila; not "api", in 6%).
PERSON_WORD = math.log(1 / 0.05)
#: Such a member's confidence: on the tuning split all 16 were right (three efforts: secure
#: RBAC, CephFS, NVMe-oF), as the phrase members were; the same confidence as theirs.
PERSON_CONFIDENCE = GROUP_CONFIDENCE
#: An effort person's change joins the group from this long before its first change on: older
#: work of theirs is earlier, other work ("Ceph matrix support doc" before the ceph-mgr switch).
LEAD = timedelta(days=14)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # change numbers outside are in no array
_SLICE = 10_000  # edges looked up at once when indexing footer keys
#: Subject stems memoised at most: nearly every subject is asked for once, so a memo of
#: every one grew by the batch to the relink's peak (issue 14's peak RSS).
_STEMS_KEPT = 4096
_POINTS_BACK = re.compile(
    r"\b(?:this|these|those)\s+(?:efforts?|work|changes?|patch(?:es)?|specs?|"
    r"specifications?|proposals?|features?)\b",
    re.IGNORECASE,
)


def points_back(text: str) -> bool:
    """Whether an action's text refers to its topic's work ("this effort", "these changes")."""
    return _POINTS_BACK.search(text) is not None


def continues(text: str) -> bool:
    """Whether an action carries on an effort under way ("finish", "continue", "keep")."""
    return _CONTINUES.search(text) is not None


def common_runs(mine: Sequence[str], theirs: Sequence[str]) -> set[tuple[str, ...]]:
    """The maximal runs of two or more stems found in both sequences, in order."""
    found: set[tuple[str, ...]] = set()
    longest = [[0] * (len(theirs) + 1) for _ in range(len(mine) + 1)]
    for i, a in enumerate(mine, 1):
        for j, b in enumerate(theirs, 1):
            if a == b:
                longest[i][j] = longest[i - 1][j - 1] + 1
    for i in range(1, len(mine) + 1):
        for j in range(1, len(theirs) + 1):
            n = longest[i][j]
            ends = i == len(mine) or j == len(theirs) or longest[i + 1][j + 1] == 0
            if n >= 2 and ends:
                found.add(tuple(mine[i - n : i]))
    return found


def _contains(sequence: Sequence[str], run: tuple[str, ...], gap: int = GAP) -> bool:
    """Whether ``sequence`` holds the words of ``run`` in order, at most ``gap`` other words
    between two of them ("remove all usage of six" holds "remove six")."""
    for start, word in enumerate(sequence):
        if word != run[0]:
            continue
        at, ok = start, True
        for want in run[1:]:
            window = sequence[at + 1 : at + 2 + gap]
            if want not in window:
                ok = False
                break
            at += 1 + window.index(want)
        if ok:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Seed:
    """A change a commitment is linked to with confidence, and how it was linked."""

    number: int
    confidence: float
    label: str  # "candidate 0.52", "confirmed explicit"


@dataclass(frozen=True, slots=True)
class Member:
    """A neighbour of a seed: a change to suggest with the group."""

    number: int
    confidence: float
    evidence: str
    seed: int = 0  # the seed it is a neighbour of (0: none)


class Grouper:
    """Finds a seed's neighbours: through ``edges`` (the change ↔ bug/blueprint edges the
    reconciler collected) for footers, an index of Gerrit topics, and the candidate pool's
    word postings for phrases (each built on first use)."""

    def __init__(self, pool: CandidatePool, edges: Sequence[Edge] = ()) -> None:
        self.pool, self.edges = pool, edges
        self._team: frozenset[str] = frozenset(repo_name(p) for p in pool.team_projects)
        self._numbers: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None
        self._keys: dict[tuple[str, str], array[int]] | None = None
        # the latest subject stems asked for, by pool position (see _STEMS_KEPT)
        self._stems: dict[int, tuple[str, ...]] = {}

    def _by_number(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The pool's change numbers sorted, and the position of each (the first of a number
        first): arrays, not a dict of every change (issue 14's peak RSS)."""
        if self._numbers is None:
            changes = self.pool.changes
            numbers = np.fromiter((c.number for c in changes), np.int64, len(changes))
            order = np.argsort(numbers, kind="stable")
            self._numbers = numbers[order], order
        return self._numbers

    def _positions(self, numbers: Sequence[int]) -> list[int | None]:
        """The pool position of the first change with each number (None: not in the pool)."""
        ordered, order = self._by_number()
        found: list[int | None] = [None] * len(numbers)
        fits = [k for k, n in enumerate(numbers) if INT64_MIN <= n <= INT64_MAX]
        if not len(ordered) or not fits:
            return found
        wanted = np.array([numbers[k] for k in fits], dtype=np.int64)
        at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
        hits = (ordered[at] == wanted).tolist()
        for k, position, hit in zip(fits, order[at].tolist(), hits, strict=True):
            if hit:
                found[k] = position
        return found

    def _index(self) -> dict[tuple[str, str], array[int]]:
        """Positions by footer key (from the edges), in the edges' order: arrays, not lists
        of int objects (issue 14's peak RSS)."""
        if self._keys is None:
            keys: dict[tuple[str, str], array[int]] = defaultdict(lambda: array("q"))
            # A slice of the edges at a time: their positions are int objects while looked up.
            for start in range(0, len(self.edges), _SLICE):
                edges = self.edges[start : start + _SLICE]
                positions = self._positions([edge.change for edge in edges])
                for edge, at in zip(edges, positions, strict=True):
                    if at is not None:
                        kind = "bug" if edge.kind is LinkKind.BUG else "blueprint"
                        keys[kind, edge.id.rsplit("/", 1)[-1].casefold()].append(at)
            self._keys = dict(keys)
        return self._keys

    def _footer_members(self, change: ChangeFacts) -> list[tuple[int, str]]:
        """The changes sharing a footer key or the Gerrit topic with ``change``."""
        keys = self._index()
        found: list[tuple[int, str]] = []
        for key in _footer_keys(change):
            hits = self.pool.with_topic(key[1]) if key[0] == "topic" else keys.get(key, ())
            found += [(i, _key_label(key)) for i in dict.fromkeys(hits)]
        return found

    def _subject(self, i: int) -> tuple[str, ...]:
        if (found := self._stems.get(i)) is None:
            if len(self._stems) >= _STEMS_KEPT:
                self._stems.clear()
            found = self._stems[i] = stems(self.pool.changes[i].subject)
        return found

    def members(
        self,
        action: StoredAction,
        seeds: Iterable[Seed],
        since: date | None,
    ) -> list[Member]:
        """The neighbours of ``seeds`` for ``action`` (not the seeds themselves), best first."""
        people, owners = self.pool.people(), {o.casefold() for o in action.owners}
        mine = [*clauses(action.text, people), *clauses(action.topic, people)]
        if owners:
            mine = [tuple(w for w in clause if w not in owners) for clause in mine]
        seeds = list(seeds)
        numbers = {s.number for s in seeds}
        start = since - LOOKBACK if since and continues(action.text) else since
        best: dict[int, Member] = {}
        phrases: set[str] = set()  # the rarest word of each phrase grouped on
        for seed, at in zip(seeds, self._positions([s.number for s in seeds]), strict=True):
            if at is None:
                continue
            change = self.pool.changes[at]
            if repo_name(change.project) not in self._team:
                continue
            found: list[tuple[int, str]] = []
            if seed.confidence >= STRONG_SEED:
                found += self._footer_members(change)
            subject = self._subject(at)
            theirs = set(subject)
            runs = {
                r
                for clause in mine
                if len(theirs.intersection(clause)) > 1
                for r in common_runs(clause, subject)
            }
            shown = surface_forms(f"{action.text} {action.topic}") if runs else {}
            for run in sorted(runs):
                phrases.add(max(run, key=self.pool.weight))
                phrase = " ".join(shown.get(s, s) for s in run)
                hits = self._with_run(run, start)
                found += [(i, f"subject phrase {phrase!r}") for i in hits]
            confidence = GROUP_CONFIDENCE
            for i, why in found:
                number, repo, day = self.pool.about(i)
                if number in numbers or (start and day < start):
                    continue
                if repo not in self._team:
                    continue
                if number in best and best[number].confidence >= confidence:
                    continue
                place = where([repo], day, since)
                evidence = (
                    f"group of change {seed.number} ({seed.label}): shares its {why}"
                    f"; {place}; score {confidence:.2f}"
                )
                best[number] = Member(number, confidence, evidence, seed.number)
        if best:
            for m in self._by_people(action, seeds, best, phrases, (start, since)):
                best.setdefault(m.number, m)
        return sorted(best.values(), key=lambda m: (-m.confidence, m.number))

    def _by_people(
        self,
        action: StoredAction,
        seeds: Sequence[Seed],
        best: Mapping[int, Member],
        phrases: Collection[str],
        window: tuple[date | None, date | None],
    ) -> list[Member]:
        """The other changes of the effort's people: the authors of two or more of the group's
        changes (seeds included) and an owner who wrote one of them. Their changes in the
        group's repositories and the window, from :data:`LEAD` before the group's first change
        on, that share with the commitment a word rare in the team's records ("policy",
        "mgr") or the rarest word of a phrase the group shares ("rbac") join at
        :data:`PERSON_CONFIDENCE`: the policy clean-ups of the secure RBAC effort never say
        "secure RBAC". ``window``: the group's start (earlier for a continuing effort) and
        the event day."""
        start, since = window
        changes = self.pool.changes
        asked = list(dict.fromkeys([*(s.number for s in seeds), *best]))
        position = {
            n: at for n, at in zip(asked, self._positions(asked), strict=True) if at is not None
        }
        numbers = {s.number for s in seeds if s.number in position} | set(best)
        group = [position[n] for n in numbers if n in position]
        anchor = {m.seed: s for s in seeds for m in best.values() if m.seed == s.number}
        owned = self.pool.owned(action.owners) if action.owners else set()
        authors: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in group:
            authors[author_key(changes[i].owner)].append(i)
        repos = {repo_name(changes[i].project) for i in group}
        first = min(changes[i].day for i in group) - LEAD
        start = max(start, first) if start else first
        people = self.pool.people() | {o.casefold() for o in action.owners}
        rare = {
            w
            for w in words(f"{action.text} {action.topic}", drop=people)
            if w in phrases or self.pool.weight(w) >= PERSON_WORD
        }
        if not rare or not anchor:
            return []
        seed = min(anchor.values(), key=lambda s: (-s.confidence, s.number))
        found: list[Member] = []
        for mine in sorted(authors.values()):
            if len(mine) < 2 and not owned.intersection(mine):
                continue
            who = changes[mine[0]].owner
            for i in self.pool.authored(who):
                number, repo, day = self.pool.about(i)
                if number in numbers or repo not in repos or repo not in self._team:
                    continue
                if start and day < start:
                    continue
                if not (shared := sorted(rare & self.pool.words_at(i))):
                    continue
                shown = surface_forms(f"{action.text} {action.topic}")
                said = ", ".join(repr(shown.get(w, w)) for w in shared)
                place = where([repo], day, since)
                evidence = (
                    f"group of change {seed.number} ({seed.label}): by {who.name or who.email}"
                    f", who wrote {len(mine)} of its changes; shares {said} with the action"
                    f"; {place}; score {PERSON_CONFIDENCE:.2f}"
                )
                found.append(Member(number, PERSON_CONFIDENCE, evidence, seed.number))
        return found

    def _with_run(self, run: tuple[str, ...], since: date | None) -> list[int]:
        """Team changes updated on or after ``since`` whose subject holds ``run``; none when
        a word of the run is one of the team's stop words ("share server" for Manila) or even
        its rarest word is in more than MAX_SHARE of the team's records (by the pool's word
        statistics, so that a new record moves no other group)."""
        weights = [self.pool.weight(w) for w in run]
        if min(weights) < STOP_WEIGHT or max(weights) < RARE_PHRASE:
            return []
        positions = self.pool.changes_with(run, since).tolist()
        return [i for i in positions if _contains(self._subject(i), run)]


def author_key(account: Account) -> tuple[str, str]:
    """Who wrote a change, as :meth:`CandidatePool.authored` looks people up: a group's
    people are keyed so."""
    for kind, value in (("email", account.email), ("name", account.name)):
        if value:
            return kind, value.casefold()
    return "username", (account.username or "").casefold()


def group_keys(change: ChangeFacts) -> set[tuple[str, ...]]:
    """What ties ``change`` to a group: its footer keys and Gerrit topic, and each pair of
    stems of its subject at most :data:`GAP` words apart (every phrase a group is keyed on
    holds one). A change can join or leave a group only of a seed that shares one of these."""
    found: set[tuple[str, ...]] = set(_footer_keys(change))
    subject = stems(change.subject)
    found |= {("phrase", a, b) for i, a in enumerate(subject) for b in subject[i + 1 : i + 2 + GAP]}
    return found


def _footer_keys(change: ChangeFacts) -> list[tuple[str, str]]:
    """A change's blueprints, bug footers and Gerrit topic, as :class:`Grouper` keys them."""
    footers = change.footers
    keys = [("blueprint", b.rsplit("/", 1)[-1].casefold()) for b in footers.blueprints]
    bugs = (*footers.closes_bug, *footers.partial_bug, *footers.related_bug)
    keys += [("bug", b) for b in dict.fromkeys(bugs)]
    if change.topic:
        keys.append(("topic", change.topic))
    return keys


def _key_label(key: tuple[str, str]) -> str:
    kind, value = key
    return {"blueprint": "blueprint", "bug": "bug footer", "topic": "Gerrit topic"}[kind] + (
        f" {value}"
    )


def inherited(action: StoredAction, siblings: Mapping[int, Sequence[Member]]) -> list[Member]:
    """The groups of the other commitments of ``action``'s topic (``siblings``: action id →
    its seeds and members as members), when the action points back at its topic."""
    if not points_back(action.text):
        return []
    best: dict[int, Member] = {}
    for other, group in sorted(siblings.items()):
        if other == action.id:
            continue
        for m in group:
            confidence = round(m.confidence * INHERIT_FACTOR, 3)
            if m.number not in best or best[m.number].confidence < confidence:
                evidence = f"from action {other} of the same topic: {m.evidence}"
                best[m.number] = Member(m.number, confidence, evidence)
    return sorted(best.values(), key=lambda m: (-m.confidence, m.number))
