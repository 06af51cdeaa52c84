"""A candidate link and its evidence: the score breakdown a suggestion explains itself with.

The pure pieces of :mod:`syncsvc.reconcile.candidates` that other modules (the groups,
the state, the baselines) use too: the :class:`Candidate` record, the scoring of one
record with its evidence line (and without it, one record or many at once, for ranking),
and how a record's place and time read in evidence.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from syncsvc.domain import Bug, LinkKind
from syncsvc.reconcile.hints import TypeHint
from syncsvc.reconcile.postings import Floats, Mask
from syncsvc.reconcile.weights import (
    BIAS,
    BODY_WEIGHT,
    COVER_WEIGHT,
    FIT_WEIGHT,
    HINT_WEIGHT,
    RARE_WEIGHT,
    WordWeights,
    _Query,
    probability,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A change or bug that may be the work of a commitment, with its score breakdown.

    ``features`` are the model's inputs (cover, fit, rare, owner, hint, body), for fitting.
    """

    kind: LinkKind
    id: str
    score: float
    evidence: str
    features: tuple[float, ...] = field(default=(), compare=False)


def score_candidate(
    kind: LinkKind,
    ident: str,
    mine: Mapping[str, float],
    theirs: frozenset[str],
    owner: str | None,
    hint: TypeHint | None,
    weights: WordWeights,
    *,
    shown: Mapping[str, str],
    where: str,
    body: frozenset[str] = frozenset(),
) -> Candidate | None:
    """The candidate ``ident`` of ``kind`` scored on the words it shares with ``mine``, in
    its own words (``theirs``) or only in its commit-message body (``body``: weighed less),
    with its evidence line; None when they share no word."""
    common = sorted(mine.keys() & theirs)
    extra = sorted((mine.keys() & body) - theirs) if body else []
    if not common and not extra:
        return None
    shared, mine_total = math.fsum(map(mine.__getitem__, common)), math.fsum(mine.values())
    total = weights.total(theirs)
    cover, fit = shared / mine_total, (shared / total if total else 0.0)
    rare = shared / weights.unknown
    in_body = math.fsum(map(mine.__getitem__, extra)) / mine_total
    score = probability(cover, fit, rare, owner=bool(owner), hint=hint is not None, body=in_body)
    said = []
    if common:
        matched = ", ".join(f"{shown.get(w, w)} {mine[w]:.1f}" for w in common)
        said.append(f"words [{matched}] cover {cover:.2f} of the action, {fit:.2f} of the {kind}")
    if extra:
        matched = ", ".join(f"{shown.get(w, w)} {mine[w]:.1f}" for w in extra)
        said.append(f"body words [{matched}] cover {in_body:.2f} of the action")
    if weights.learned and (less := [w for w in (*common, *extra) if w in weights.learned]):
        taught = ", ".join(f"{shown.get(w, w)} x{weights.learned[w]:.2f}" for w in less)
        said.append(f"weighing less after rejected suggestions [{taught}]")
    evidence = (
        f"{'; '.join(said)}; owner {owner or 'none'}; {where}"
        f"; type {hint.label if hint else 'none'}; score {score:.2f}"
    )
    features = (cover, fit, rare, float(bool(owner)), float(hint is not None), in_body)
    return Candidate(kind, ident, score, evidence, features)


def where(projects: Iterable[str], day: date | None, since: date | None) -> str:
    """Where and when a record is, for evidence: ``project manila-specs, 12 days after the
    event`` (``updated 2021-03-02`` without an event day)."""
    place = f"project {', '.join(sorted(projects)) or 'none'}"
    if day is None:
        return place
    if since is None:
        return f"{place}, updated {day.isoformat()}"
    days = (day - since).days
    side = "after" if days >= 0 else "before"
    return f"{place}, {abs(days)} day{'' if abs(days) == 1 else 's'} {side} the event"


def bug_activity(bug: Bug) -> datetime | None:
    """The bug's latest known activity: its last update or a task's latest status date."""
    stamps = [bug.date_last_updated]
    stamps += [d for t in bug.tasks for d in (t.date_created, t.date_in_progress, t.date_closed)]
    return max((s for s in stamps if s is not None), default=None)


def rank_of(
    query: _Query,
    weights: WordWeights,
    total: float,
    common: tuple[Collection[str], Collection[str]],
    *,
    owner: bool,
    hint: bool,
) -> float:
    """The score :func:`score_candidate` gives, without the evidence (``total``: the record's
    weight; ``common``: the words shared in its own words, and only in its body)."""
    shared = math.fsum(map(query.weights.__getitem__, common[0]))
    cover, fit = shared / query.total, (shared / total if total else 0.0)
    body = math.fsum(map(query.weights.__getitem__, common[1])) / query.total
    rare = shared / weights.unknown
    return probability(cover, fit, rare, owner=owner, hint=hint, body=body)


def logits(
    shared: tuple[Floats, Floats | None],
    mine_total: float,
    totals: Floats,
    *,
    unknown: float,
    fits: Mask | None,
) -> Floats:
    """The logit of :func:`probability` for many records at once (no owner: owned records
    are scored one by one); ``shared``: the shared weight in the records' own words and, for
    changes, only in their bodies; ``fits``: which records fit the type hint (None: no hint)."""
    per_shared = COVER_WEIGHT / mine_total + RARE_WEIGHT / unknown
    own, body = shared
    if body is None:
        z: Floats = BIAS + own * (per_shared + FIT_WEIGHT / totals)
    else:
        fit = np.divide(own, totals, out=np.zeros(len(own)), where=totals > 0)
        z = BIAS + own * per_shared + FIT_WEIGHT * fit + body * (BODY_WEIGHT / mine_total)
    if fits is not None:
        z = z + HINT_WEIGHT * fits
    return z
