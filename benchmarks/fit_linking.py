"""Fit the candidate model's weights on the linking set's tuning split (never the held-back one).

Every candidate the pool ranks for a tuning commitment (no limit, no threshold)
is one example: its features (cover, fit, rare, owner, hint, body; see
``syncsvc.reconcile.weights``) and whether the labels say it is right. A
logistic regression with a small L2 penalty, fitted by Newton's method, gives
the weights to paste into ``candidates.py``; the script prints them with the
examples' counts.

    .venv/bin/python benchmarks/fit_linking.py
    .venv/bin/python benchmarks/fit_linking.py --without body   # subjects only
    .venv/bin/python benchmarks/fit_linking.py --leave-one-team-out  # how the fit transfers

``--leave-one-team-out`` fits the model on the tuning candidates of all tuning teams but
one and scores the one left out: its candidates' log loss, then its tuning commitments
end to end (``diff`` with those weights: suggestions, precision, recall, owned and team
apart), for each team in turn and pooled, beside the shipped weights. With several
``--penalty`` values it prints one block per penalty (the L2 strength to prefer is the
one with the lowest pooled left-out log loss). Only tuning commitments are scored.

The history is read from outside the repository, as for bench_linking.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from linking_runs import (  # noqa: E402
    DEFAULT_THRESHOLD,
    EventRun,
    build_runs,
    candidate_rows,
    model_weights,
    shipped_weights,
    suggest,
)
from linking_score import BAND_MIN, Metrics, Truth, evaluate, is_right, truths  # noqa: E402
from linking_set import LinkingSet, load_or_explain  # noqa: E402

NAMES = ("bias", "cover", "fit", "rare", "owner", "hint", "body")


def log_loss(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[float, int, int]:
    """The mean log loss of ``weights`` on (x, y), and how many examples score 0.5 or more
    and how many of those are right."""
    p = 1 / (1 + np.exp(-(weights[0] + x @ weights[1:])))
    loss = -float(np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
    return loss, int((p >= 0.5).sum()), int(((p >= 0.5) & (y == 1)).sum())


def fit(
    x: np.ndarray,
    y: np.ndarray,
    penalty: float,
    rounds: int = 50,
    fixed: Mapping[str, float] | None = None,
    names: Sequence[str] = NAMES,
) -> np.ndarray:
    """Logistic regression weights (bias first) by Newton's method with an L2 penalty;
    the features named in ``fixed`` keep the weight given there (an offset, not fitted).
    ``names``: the bias's and the columns' names (more columns than the shipped six for a
    feature being measured: benchmarks/probe_linking.py)."""
    fixed = fixed or {}
    free = [n for n, name in enumerate(names[1:]) if name not in fixed]
    offset = np.zeros(len(x))
    for name, value in fixed.items():
        offset += value * x[:, names.index(name) - 1]
    design = np.hstack([np.ones((len(x), 1)), x[:, free]])
    weights = np.zeros(design.shape[1])
    ridge = penalty * np.eye(design.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-(design @ weights + offset)))
        gradient = design.T @ (p - y) + ridge @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + ridge
        weights -= np.linalg.solve(hessian, gradient)
    found = np.array([weights[0], *(fixed.get(name, 0.0) for name in names[1:])])
    found[[n + 1 for n in free]] = weights[1:]
    return found


def tuning_examples(
    data: LinkingSet, runs: Sequence[EventRun]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tuning split's candidates: features, whether each is right, and its team."""
    all_truths = truths(data)
    features, labels, teams = [], [], []
    for run in runs:
        for found, row in candidate_rows(run):
            truth = all_truths[found.commitment]
            if truth.split == "tuning":
                features.append(row)
                labels.append(float(is_right(found, truth)))
                teams.append(truth.team)
    return np.array(features), np.array(labels), np.array(teams)


def end_to_end(
    runs: Sequence[EventRun], group: dict[str, Truth], weights: Sequence[float]
) -> tuple[Metrics, Metrics, Metrics]:
    """``diff`` with ``weights`` on the runs of ``group``'s commitments, scored on the
    group, its owned and its team commitments."""
    mine = [r for r in runs if set(r.commitment_of.values()) & group.keys()]
    with model_weights(weights):
        found = [s for r in mine for s in suggest(r, DEFAULT_THRESHOLD)]
    owned = {k: t for k, t in group.items() if t.owned}
    team = {k: t for k, t in group.items() if not t.owned}
    return evaluate(found, group), evaluate(found, owned), evaluate(found, team)


def _row(name: str, loss: str, found: tuple[Metrics, Metrics, Metrics]) -> str:
    every, owned, team = found
    precision = "-" if every.precision is None else f"{100 * every.precision:.0f}%"
    return (
        f"| {name} | {loss} | {every.suggestions} | {every.right} | {precision}"
        f" | {every.found}/{every.positives} | {owned.found}/{owned.positives}"
        f" | {team.found}/{team.positives} | {every.hit}/{every.with_work}"
        f" | {every.silent}/{every.without_work} |"
    )


def _pooled(found: Sequence[tuple[Metrics, Metrics, Metrics]]) -> tuple[Metrics, ...]:
    return tuple(
        Metrics(*(sum(getattr(m[i], f) for m in found) for f in _COUNTS)) for i in range(3)
    )


_COUNTS = (
    "commitments",
    "suggestions",
    "right",
    "hard_negatives_hit",
    "positives",
    "found",
    "with_work",
    "hit",
    "without_work",
    "silent",
)


def calibration(found: Sequence[tuple[Metrics, Metrics, Metrics]]) -> str:
    """The confidence bands of several runs' suggestions together: ``low-high right/all
    (mean confidence)``, bands of BAND_MIN or more marked read."""
    bands: dict[float, list[float]] = {}
    for every, _, _ in found:
        for band in every.bands:
            seen = bands.setdefault(band.low, [0.0, 0.0, 0.0])
            seen[0] += band.suggestions
            seen[1] += band.right
            seen[2] += band.mean_confidence * band.suggestions
    return "; ".join(
        f"{low:.1f}-{low + 0.1:.1f} {right:.0f}/{n:.0f} ({total / n:.2f})"
        + (" read" if n >= BAND_MIN else "")
        for low, (n, right, total) in sorted(bands.items())
    )


def leave_one_team_out(
    data: LinkingSet,
    x: np.ndarray,
    y: np.ndarray,
    teams: np.ndarray,
    penalty: float,
    fixed: Mapping[str, float] | None = None,
) -> str:
    """A markdown table: per tuning team, the weights fitted without it (``fixed``: weights
    held, not fitted), scored on it."""
    runs = build_runs(data)
    tuning = {k: t for k, t in truths(data).items() if t.split == "tuning"}
    lines = [
        (
            f"Leave one team out (L2 penalty {penalty:g}"
            + "".join(f", {name} held at {value:g}" for name, value in (fixed or {}).items())
            + "; tuning commitments only)\n"
        ),
        (
            "| left out | log loss | suggestions | right | precision | recall | owned | team"
            " | with work hit | without work silent |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    left_out, shipped, losses = [], [], []
    for team in sorted(set(teams.tolist())):
        inside = teams != team
        weights = fit(x[inside], y[inside], penalty, fixed=fixed)
        loss, _, _ = log_loss(x[~inside], y[~inside], weights)
        losses.append((loss, int((~inside).sum())))
        group = {k: t for k, t in tuning.items() if t.team == team}
        left_out.append(end_to_end(runs, group, weights))
        shipped.append(end_to_end(runs, group, shipped_weights()))
        named = ", ".join(f"{n} {w:.2f}" for n, w in zip(NAMES, weights, strict=True))
        lines.append(_row(f"{team} ({named})", f"{loss:.4f}", left_out[-1]))
    pooled_loss = sum(loss * n for loss, n in losses) / sum(n for _, n in losses)
    lines.append(_row("**pooled, left out**", f"{pooled_loss:.4f}", _pooled(left_out)))
    for team, found in zip(sorted(set(teams.tolist())), shipped, strict=True):
        lines.append(_row(f"{team}, shipped weights", "", found))
    lines.append(_row("pooled, shipped weights", "", _pooled(shipped)))
    left_bands, shipped_bands = calibration(left_out), calibration(shipped)
    weights = fit(x, y, penalty, fixed=fixed)
    loss, _, _ = log_loss(x, y, weights)
    named = ", ".join(f"{n} {w:.2f}" for n, w in zip(NAMES, weights, strict=True))
    lines.append(
        _row(
            f"every team, fitted on all ({named})", f"{loss:.4f}", end_to_end(runs, tuning, weights)
        )
    )
    lines += [
        "",
        f"Calibration, left out (bands: right/suggestions, mean confidence): {left_bands}",
        f"Calibration, shipped weights on the same commitments: {shipped_bands}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Collect the tuning split's candidates, fit, print the weights."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--penalty", type=float, action="append", help="L2 penalty (1.0; repeat to compare)"
    )
    parser.add_argument(
        "--without", action="append", default=[], choices=NAMES[1:], help="leave a feature out"
    )
    parser.add_argument(
        "--fixed",
        action="append",
        default=[],
        metavar="NAME=WEIGHT",
        help="hold a feature's weight (e.g. body=8) instead of fitting it; repeatable",
    )
    parser.add_argument(
        "--leave-one-team-out",
        action="store_true",
        help="fit without each tuning team in turn and score it (log loss and end to end)",
    )
    args = parser.parse_args(argv)
    if (data := load_or_explain()) is None:
        return 2
    x, y, teams = tuning_examples(data, build_runs(data))
    for name in args.without:
        x[:, NAMES.index(name) - 1] = 0.0
    penalties = args.penalty or [1.0]
    fixed = {}
    for item in args.fixed:
        name, _, value = item.partition("=")
        if name not in NAMES[1:]:
            parser.error(f"--fixed: no feature {name!r} (one of {', '.join(NAMES[1:])})")
        fixed[name] = float(value)
    if args.leave_one_team_out:
        for penalty in penalties:
            print(leave_one_team_out(data, x, y, teams, penalty, fixed) + "\n")
        return 0
    weights = fit(x, y, penalties[0], fixed=fixed)
    print(f"{len(y)} tuning candidates, {int(y.sum())} right")
    print(", ".join(f"{name} {w:.2f}" for name, w in zip(NAMES, weights, strict=True)))
    loss, above, right = log_loss(x, y, weights)
    print(f"log loss {loss:.4f}; {above} candidates at 0.5 or more, {right} right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
