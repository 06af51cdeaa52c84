"""Scoring of candidate links against the linking set's labels: precision, recall,
calibration bands. Pure: no project imports, so unit tests and the benchmark share it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from linking_set import LinkingSet

BAND_MIN = 10  # a calibration band needs this many suggestions to be read
CANDIDATE = "candidate"  # LinkSource.CANDIDATE's value: suggestions, not explicit evidence


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One link ``diff`` added: ``kind`` is change/bug/blueprint, ``ident`` a Change-Id
    (or ``gerrit:N`` for a change number not in the set), a bug number or a blueprint."""

    commitment: str
    kind: str
    ident: str
    confidence: float
    source: str  # LinkSource value: "candidate" for suggestions, else explicit evidence
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Truth:
    """What is right for one commitment: its positive changes, and the bugs and
    blueprints those changes name (a suggestion of one of them is right too)."""

    positives: frozenset[str]
    bugs: frozenset[str] = frozenset()
    blueprints: frozenset[str] = frozenset()
    owned: bool = False
    split: str = "tuning"
    team: str = ""
    hard_negatives: frozenset[str] = frozenset()


def is_right(s: Suggestion, truth: Truth) -> bool:
    """Whether a suggestion points at the commitment's labelled work."""
    if s.kind == "change":
        return s.ident in truth.positives
    if s.kind == "bug":
        return s.ident in truth.bugs
    return s.ident.rsplit("/", 1)[-1].casefold() in truth.blueprints


@dataclass(frozen=True, slots=True)
class Band:
    """Suggestions whose confidence falls in [low, low + 0.1)."""

    low: float
    suggestions: int
    right: int
    mean_confidence: float

    @property
    def precision(self) -> float:
        """Right / suggestions."""
        return self.right / self.suggestions if self.suggestions else 0.0


@dataclass(frozen=True, slots=True)
class Metrics:
    """Candidate-suggestion quality over a group of commitments."""

    commitments: int
    suggestions: int
    right: int
    hard_negatives_hit: int
    positives: int  # labelled positive changes
    found: int  # of those, suggested
    with_work: int  # commitments with at least one positive
    hit: int  # of those, with at least one right suggestion
    without_work: int  # commitments with no positive
    silent: int  # of those, with no suggestion at all
    bands: tuple[Band, ...] = field(default=())

    @property
    def precision(self) -> float | None:
        """Right suggestions / suggestions (None without suggestions)."""
        return self.right / self.suggestions if self.suggestions else None

    @property
    def recall(self) -> float | None:
        """Labelled positive changes suggested / labelled positive changes."""
        return self.found / self.positives if self.positives else None

    @property
    def hit_rate(self) -> float | None:
        """Commitments with work that got at least one right suggestion."""
        return self.hit / self.with_work if self.with_work else None

    @property
    def silent_rate(self) -> float | None:
        """Commitments without work that got no suggestion (precision on the empty ones)."""
        return self.silent / self.without_work if self.without_work else None


def evaluate(suggestions: Iterable[Suggestion], truths: Mapping[str, Truth]) -> Metrics:
    """Score candidate suggestions (``source == "candidate"``) of the commitments in
    ``truths``; suggestions of other commitments and explicit links are ignored."""
    mine = [s for s in suggestions if s.commitment in truths and s.source == CANDIDATE]
    by_commitment: dict[str, list[Suggestion]] = defaultdict(list)
    for s in mine:
        by_commitment[s.commitment].append(s)
    right = [s for s in mine if is_right(s, truths[s.commitment])]
    found = {
        (s.commitment, s.ident) for s in right if s.kind == "change"
    }  # a change counts once per commitment
    with_work = [k for k, t in truths.items() if t.positives]
    without = [k for k, t in truths.items() if not t.positives]
    bands: dict[int, list[Suggestion]] = defaultdict(list)
    for s in mine:
        bands[min(int(s.confidence * 10 + 1e-9), 9)].append(s)
    return Metrics(
        commitments=len(truths),
        suggestions=len(mine),
        right=len(right),
        hard_negatives_hit=sum(
            s.kind == "change" and s.ident in truths[s.commitment].hard_negatives for s in mine
        ),
        positives=sum(len(t.positives) for t in truths.values()),
        found=len(found),
        with_work=len(with_work),
        hit=sum(any(is_right(s, truths[k]) for s in by_commitment[k]) for k in with_work),
        without_work=len(without),
        silent=sum(not by_commitment[k] for k in without),
        bands=tuple(
            Band(
                low=n / 10,
                suggestions=len(group),
                right=sum(is_right(s, truths[s.commitment]) for s in group),
                mean_confidence=sum(s.confidence for s in group) / len(group),
            )
            for n, group in sorted(bands.items())
        ),
    )


def explicit_summary(
    suggestions: Iterable[Suggestion], truths: Mapping[str, Truth]
) -> dict[str, int]:
    """Links from explicit evidence (refs, footers, transitive): how many, how many point at
    labelled work, how many at a change outside the set."""
    found = [s for s in suggestions if s.commitment in truths and s.source != CANDIDATE]
    return {
        "links": len(found),
        "right": sum(is_right(s, truths[s.commitment]) for s in found),
        "outside_the_set": sum(s.ident.startswith("gerrit:") for s in found),
        "commitments": len({s.commitment for s in found}),
    }


def truths(data: LinkingSet) -> dict[str, Truth]:
    """The labels as :class:`Truth` records, with the bugs and blueprints of the positives
    and the bugs the summary names for the commitment."""
    by_id = {c.change_id: c for c in data.changes}
    found = {}
    for c in data.commitments:
        label = data.labels[c.id]
        named = [by_id[p].footers for p in label.positives]
        bugs = {
            b
            for f in named
            for k in ("closes_bug", "partial_bug", "related_bug")
            for b in f.get(k, ())
        }
        # A bug the summary itself names for the commitment (its text or its topic) is right.
        bugs |= {ident for kind, ident, _ in (*c.refs, *c.topic_refs) if kind == "bug"}
        found[c.id] = Truth(
            positives=frozenset(label.positives),
            bugs=frozenset(bugs),
            blueprints=frozenset(b.casefold() for f in named for b in f.get("blueprints", ())),
            owned=bool(c.owners),
            split=data.split(c.id),
            team=c.team,
            hard_negatives=frozenset(n for n, _ in label.hard_negatives),
        )
    return found


@dataclass(frozen=True, slots=True)
class SeedRank:
    """Where a commitment's first right base candidate ranks among all its candidates
    (1 is first; ``None``: no right record shares a word) and its score."""

    rank: int | None
    score: float | None


def seed_ranks(
    candidates: Iterable[Suggestion], truths: Mapping[str, Truth]
) -> dict[str, SeedRank]:
    """For each commitment with labelled work, the rank and score of its first right
    candidate in ``candidates`` (the base scorer's whole ranking: no threshold, no limit,
    no groups). Ties keep the order given."""
    by_commitment: dict[str, list[Suggestion]] = defaultdict(list)
    for s in candidates:
        by_commitment[s.commitment].append(s)
    found = {}
    for commitment, truth in truths.items():
        if not truth.positives:
            continue
        ranked = sorted(by_commitment.get(commitment, ()), key=lambda s: -s.confidence)
        first = next(((n, s) for n, s in enumerate(ranked, 1) if is_right(s, truth)), None)
        found[commitment] = (
            SeedRank(first[0], first[1].confidence) if first else SeedRank(None, None)
        )
    return found


def rank_counts(ranks: Iterable[SeedRank], threshold: float) -> dict[str, int]:
    """How many first right candidates rank 1 at or above ``threshold``, 1 under it, 2, 3,
    lower, or not at all."""
    counts = dict.fromkeys(("1, suggested", "1, under", "2", "3", "4+", "none"), 0)
    for r in ranks:
        if r.rank is None or r.score is None:
            counts["none"] += 1
        elif r.rank == 1:
            counts["1, suggested" if r.score >= threshold else "1, under"] += 1
        else:
            counts[str(r.rank) if r.rank <= 3 else "4+"] += 1
    return counts


@dataclass(frozen=True, slots=True)
class Miss:
    """A labelled positive change no candidate suggestion found: where the base scorer
    ranks it among the commitment's candidates (``None``: not a candidate), its score, and
    why it was not suggested."""

    commitment: str
    ident: str
    rank: int | None
    score: float | None
    cause: str


#: The causes :func:`misses` tells apart, in the order it checks them.
LINKED = "linked explicitly: no candidates scored"
NO_WORD = "not a candidate: shares no word, or outside the window"
CAPPED = "at or above the threshold, cut by the cap"
UNDER = "under the threshold"


def misses(
    suggestions: Iterable[Suggestion],
    candidates: Iterable[Suggestion],
    truths: Mapping[str, Truth],
    threshold: float,
) -> list[Miss]:
    """Each positive change of the commitments in ``truths`` that no candidate suggestion
    found, with its rank and score in ``candidates`` (the base scorer's whole ranking) and
    the cause: the commitment has an explicit link (the reconciler scores no candidates
    then), the change is not a candidate, it scored at or above ``threshold`` but others took
    the commitment's places, or it scored under ``threshold``. Ordered by commitment, then
    rank (unranked last), then ident. Ranks count every candidate, bugs included, as
    :func:`seed_ranks` does."""
    given = list(suggestions)
    linked = {s.commitment for s in given if s.source != CANDIDATE}
    found = {(s.commitment, s.ident) for s in given if s.source == CANDIDATE}
    ranking: dict[str, list[Suggestion]] = defaultdict(list)
    for s in candidates:
        ranking[s.commitment].append(s)
    missed = []
    for commitment, truth in sorted(truths.items()):
        ranked = sorted(ranking.get(commitment, ()), key=lambda s: -s.confidence)
        place = {s.ident: (n, s.confidence) for n, s in reversed(list(enumerate(ranked, 1)))}
        for ident in truth.positives:
            if (commitment, ident) in found:
                continue
            rank, score = place.get(ident, (None, None))
            if commitment in linked:
                cause = LINKED
            elif rank is None or score is None:
                cause = NO_WORD
            else:
                cause = CAPPED if score >= threshold else UNDER
            missed.append(Miss(commitment, ident, rank, score, cause))
    return sorted(missed, key=lambda m: (m.commitment, m.rank is None, m.rank or 0, m.ident))
