"""Measure a candidate feature read from a commitment's whole ranking, on the tuning split.

The reconciler scores each record on its own. Some evidence is relative to the other
records of the same commitment: whether a record comes first and by what margin, the
words the best records share (pseudo-relevance feedback), the words that co-occur with
the commitment's words in the team's history, or whether a change's bug is also a
candidate. This script measures such a feature without building it into the reconciler:
each one is computed from the pool's full ranking, added to the model's six, fitted on
the tuning split (``fit_linking.fit``, L2 penalty 1), and the reconciler is run end to
end with the rescored candidates (``linking_runs.rescored``: groups included):

* in-sample: fitted on every tuning team, scored on the tuning split;
* left out: fitted without each tuning team in turn (the body weight held at 8, as the
  leave-one-team-out table of ``fit_linking.py`` does), scored on that team, pooled;
* at the suggest threshold, and the best recall at precision 0.9 or more over
  thresholds from 0.35 to 0.65, with the commitments whose work got a right suggestion.

Only tuning commitments are scored or shown; the held-back split is never read.

    .venv/bin/python benchmarks/probe_linking.py                 # every feature
    .venv/bin/python benchmarks/probe_linking.py --feature prf   # one (repeatable)

The features (each 0 where it does not apply):

* ``first``: 1 for the commitment's first record;
* ``margin``: the first record's logit over the second's (at most 5);
* ``prf``: pseudo-relevance feedback (RM3-like): the subject words the first three
  records hold and the commitment lacks (team stop words left out), weighed by each
  record's share of the three scores times the word's IDF, the ten heaviest kept; the
  weight of those a record's subject holds over the commitment's word weight. A record
  among the three is scored on the expansion of the other two;
* ``pmi``: the record's subject words the commitment lacks that co-occur with one of its
  words in two or more of the team's changes (subjects and bodies) with a normalised PMI
  of 0.5 or more: their IDF times that PMI, summed, over the commitment's word weight;
* ``pair``: 1 when a change's footer bug (or a bug's change) is a candidate too.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fit_linking import NAMES, fit, log_loss  # noqa: E402
from linking_runs import (  # noqa: E402
    STOP,
    Candidate,
    CandidatePool,
    EventRun,
    Records,
    StoredAction,
    body_words,
    change_words,
    query_words,
    rescored,
    suggest,
    team_changes,
)
from linking_score import Metrics, Suggestion, Truth, evaluate, is_right, truths  # noqa: E402
from linking_set import LinkingSet, load_or_explain  # noqa: E402

THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)
SUGGEST = 0.5
PRECISION = 0.9
BODY_HELD = 8.0  # the body weight the left-out folds hold (fit_linking --fixed body=8)


@dataclass
class Context:
    """What a feature reads for one commitment: its pool (with its records and the team's
    word co-occurrence, computed once per pool) and its weighted words."""

    pool: CandidatePool
    records: Records
    query: dict[str, float]
    cooc: Cooccurrence


@dataclass
class Cooccurrence:
    """How many of the team's changes hold each word, and each pair of words, in their
    subjects and bodies (team stop words left out)."""

    changes: int = 0
    single: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def of(cls, pool: CandidatePool) -> Cooccurrence:
        """The counts over the pool's team changes."""
        found = cls()
        for change in team_changes(pool):
            subject = change_words(change)
            mine = sorted(
                w for w in subject | body_words(change, subject) if pool.weight(w) >= STOP
            )
            found.changes += 1
            found.single.update(mine)
            found.pairs.update((a, b) for n, a in enumerate(mine) for b in mine[n + 1 :])
        return found

    def npmi(self, a: str, b: str, least: int = 2) -> float:
        """The normalised PMI of two words (0 when they co-occur in fewer than ``least``)."""
        both = self.pairs.get((a, b) if a < b else (b, a), 0)
        if both < least or both == self.changes:
            return 0.0
        pmi = math.log(both * self.changes / (self.single[a] * self.single[b]))
        return pmi / -math.log(both / self.changes)


Feature = Callable[[Context, tuple[Candidate, ...]], list[float]]


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def first(_: Context, found: tuple[Candidate, ...]) -> list[float]:
    """1 for the first record, else 0."""
    return [float(n == 0) for n in range(len(found))]


def margin(_: Context, found: tuple[Candidate, ...]) -> list[float]:
    """The first record's logit over the second's (at most 5), else 0."""
    if not found:
        return []
    second = found[1].score if len(found) > 1 else 0.001
    return [min(_logit(found[0].score) - _logit(second), 5.0)] + [0.0] * (len(found) - 1)


def prf(ctx: Context, found: tuple[Candidate, ...], top: int = 3, keep: int = 10) -> list[float]:
    """Pseudo-relevance feedback: the share of the expansion of the best records (the
    others', for one of them) that a record's subject holds, over the commitment's weight."""
    total = math.fsum(ctx.query.values()) or 1.0
    best = found[:top]
    held = [ctx.records.words(c) for c in best]

    def expansion(skip: int | None) -> dict[str, float]:
        scores = math.fsum(c.score for n, c in enumerate(best) if n != skip) or 1.0
        weights: Counter[str] = Counter()
        for n, cand in enumerate(best):
            if n == skip:
                continue
            for word in held[n] - ctx.query.keys():
                if (idf := ctx.pool.weight(word)) >= STOP:
                    weights[word] += cand.score / scores * idf
        return dict(weights.most_common(keep))

    shared = expansion(None)
    values = []
    for n, cand in enumerate(found):
        words = expansion(n) if n < len(best) else shared
        mine = ctx.records.words(cand)
        values.append(math.fsum(v for w, v in words.items() if w in mine) / total)
    return values


def pmi(ctx: Context, found: tuple[Candidate, ...], least: float = 0.5) -> list[float]:
    """The weight of a record's subject words that co-occur with the commitment's words in
    the team's changes (normalised PMI of ``least`` or more), over the commitment's weight."""
    total = math.fsum(ctx.query.values()) or 1.0
    seen: dict[str, float] = {}

    def linked(word: str) -> float:
        if (value := seen.get(word)) is None:
            value = max((ctx.cooc.npmi(q, word) for q in ctx.query), default=0.0)
            value = seen[word] = value if value >= least else 0.0
        return value

    values = []
    for cand in found:
        mine = ctx.records.words(cand) - ctx.query.keys()
        values.append(math.fsum(linked(w) * ctx.pool.weight(w) for w in mine) / total)
    return values


def pair(ctx: Context, found: tuple[Candidate, ...]) -> list[float]:
    """1 when a change's footer bug, or a change naming a bug in its footers, is a
    candidate of the same commitment too."""
    ids = {(c.kind.value, c.id) for c in found}
    by_bug: dict[str, set[str]] = {}
    for change in ctx.records.changes.values():
        footers = change.footers
        for bug in (*footers.closes_bug, *footers.partial_bug, *footers.related_bug):
            by_bug.setdefault(str(bug), set()).add(str(change.number))
    values = []
    for cand in found:
        if cand.kind.value == "change":
            footers = ctx.records.changes[cand.id].footers
            bugs = (*footers.closes_bug, *footers.partial_bug, *footers.related_bug)
            linked = {("bug", str(b)) for b in bugs}
        else:
            linked = {("change", n) for n in by_bug.get(cand.id, ())}
        values.append(float(bool(linked & ids)))
    return values


FEATURES: dict[str, Feature] = {
    "first": first,
    "margin": margin,
    "prf": prf,
    "pmi": pmi,
    "pair": pair,
}


class Probe:
    """One feature (or none) measured on the linking set's tuning split."""

    def __init__(self, data: LinkingSet, runs: Sequence[EventRun], name: str | None) -> None:
        self.data, self.runs, self.name = data, runs, name
        self.feature = FEATURES[name] if name else None
        self.names = (*NAMES, name) if name else NAMES
        self.truths = truths(data)
        self.tuning = {k: t for k, t in self.truths.items() if t.split == "tuning"}
        self._contexts: dict[int, tuple[CandidatePool, Records, Cooccurrence]] = {}

    def extra(
        self, pool: CandidatePool, action: StoredAction, found: tuple[Candidate, ...]
    ) -> list[float]:
        """The feature's value for each of ``found`` (nothing without a feature)."""
        if self.feature is None:
            return [0.0] * len(found)
        key = id(pool.changes)
        if key not in self._contexts or self._contexts[key][0] is not pool:
            self._contexts[key] = (pool, Records(pool), Cooccurrence.of(pool))
        _, records, cooc = self._contexts[key]
        ctx = Context(pool, records, query_words(pool, action), cooc)
        return self.feature(ctx, found)

    def examples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The tuning candidates: the six features and this one, right or not, team."""
        rows, labels, teams = [], [], []
        for run in self.runs:
            pool = CandidatePool(run.changes, run.bugs, run.identities, run.team_projects)
            for action in run.actions:
                truth = self.truths[run.commitment_of[action.id]]
                if truth.split != "tuning":
                    continue
                found = pool.score(action, run.event_start)
                for cand, value in zip(found, self.extra(pool, action, found), strict=True):
                    ident = cand.id
                    if cand.kind.value == "change":
                        ident = run.change_id_of.get(int(cand.id), cand.id)
                    named = Suggestion(
                        run.commitment_of[action.id], cand.kind.value, ident, cand.score, ""
                    )
                    extra = (value,) if self.feature else ()
                    rows.append((*cand.features, *extra))
                    labels.append(float(is_right(named, truth)))
                    teams.append(truth.team)
        return np.array(rows), np.array(labels), np.array(teams)

    def end_to_end(
        self, weights: Sequence[float], group: dict[str, Truth], threshold: float
    ) -> Metrics:
        """``diff`` with the candidates rescored by ``weights``, on ``group``."""

        def rescore(
            pool: CandidatePool, action: StoredAction, found: tuple[Candidate, ...]
        ) -> list[float]:
            values = self.extra(pool, action, found)
            scores = []
            for cand, value in zip(found, values, strict=True):
                row = (*cand.features, value) if self.feature else cand.features
                z = weights[0] + math.fsum(w * x for w, x in zip(weights[1:], row, strict=True))
                scores.append(round(1 / (1 + math.exp(-z)), 3))
            return scores

        mine = [r for r in self.runs if set(r.commitment_of.values()) & group.keys()]
        with rescored(rescore):
            found = [s for r in mine for s in suggest(r, threshold)]
        return evaluate([s for s in found if s.commitment in group], group)


def _sum(found: Iterable[Metrics]) -> Metrics:
    """The counts of several groups' metrics together (no calibration bands)."""
    found = list(found)
    counts = [f for f in Metrics.__dataclass_fields__ if f != "bands"]
    return Metrics(**{f: sum(getattr(m, f) for m in found) for f in counts})


def _cell(m: Metrics) -> str:
    precision = "-" if not m.suggestions else f"{100 * m.right / m.suggestions:.0f}%"
    return (
        f"{m.suggestions}, {m.right} ({precision}), {m.found}/{m.positives}, {m.hit}/{m.with_work}"
    )


def _best(found: Sequence[tuple[float, Metrics]]) -> str:
    good = [
        (m.found, m.hit, -t, m)
        for t, m in found
        if m.suggestions and m.right >= PRECISION * m.suggestions
    ]
    if not good:
        return "-"
    recall, hit, neg, m = max(good, key=lambda g: g[:3])
    return f"{recall}/{m.positives}, {hit}/{m.with_work} at {-neg:.2f}"


def measure(probe: Probe) -> str:
    """One markdown row: the feature's fitted weight, in-sample and left out."""
    x, y, teams = probe.examples()
    inside = fit(x, y, 1.0, names=probe.names)
    folds = {}
    losses = []
    for team in sorted(set(teams.tolist())):
        keep = teams != team
        folds[team] = fit(x[keep], y[keep], 1.0, fixed={"body": BODY_HELD}, names=probe.names)
        loss, _, _ = log_loss(x[~keep], y[~keep], folds[team])
        losses.append((loss, int((~keep).sum())))
    pooled_loss = sum(a * b for a, b in losses) / sum(b for _, b in losses)
    in_runs, out_runs = [], []
    for threshold in THRESHOLDS:
        in_runs.append((threshold, probe.end_to_end(inside, probe.tuning, threshold)))
        per_team = []
        for team, weights in folds.items():
            group = {k: t for k, t in probe.tuning.items() if t.team == team}
            per_team.append(probe.end_to_end(weights, group, threshold))
        out_runs.append((threshold, _sum(per_team)))
    at = dict(in_runs)[SUGGEST], dict(out_runs)[SUGGEST]
    weight = f"{inside[-1]:.2f}" if probe.name else "-"
    out_weights = ", ".join(f"{w[-1]:.2f}" for w in folds.values()) if probe.name else "-"
    return (
        f"| {probe.name or 'none'} | {weight} | {out_weights} | {pooled_loss:.4f} | {_cell(at[0])}"
        f" | {_cell(at[1])} | {_best(in_runs)} | {_best(out_runs)} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each feature asked for (all by default) beside none."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feature", action="append", choices=sorted(FEATURES), default=[])
    args = parser.parse_args(argv)
    if (data := load_or_explain()) is None:
        return 2
    from linking_runs import build_runs  # noqa: PLC0415

    runs = build_runs(data)
    print(
        "| feature | weight | left out: weights (per team) | left-out log loss"
        " | in-sample at 0.5: suggestions, right, found, with work hit"
        " | left out at 0.5 | in-sample: best recall at precision 0.9, hit, threshold"
        " | left out: the same |"
    )
    print("|---|---:|---|---:|---|---|---|---|")
    for name in [None, *(args.feature or FEATURES)]:
        print(measure(Probe(data, runs, name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
