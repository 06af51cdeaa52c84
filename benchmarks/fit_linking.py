"""Fit the candidate model's weights on the linking set's tuning split (never the held-back one).

Every candidate the pool ranks for a tuning commitment (no limit, no threshold)
is one example: its features (cover, fit, rare, owner, hint, body; see
``syncsvc.reconcile.weights``) and whether the labels say it is right. A
logistic regression with a small L2 penalty, fitted by Newton's method, gives
the weights to paste into ``candidates.py``; the script prints them with the
examples' counts.

    .venv/bin/python benchmarks/fit_linking.py
    .venv/bin/python benchmarks/fit_linking.py --without body   # subjects only

The history is read from outside the repository, as for bench_linking.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from linking_runs import build_runs, candidate_rows  # noqa: E402
from linking_score import is_right, truths  # noqa: E402
from linking_set import HistoryMissingError, load  # noqa: E402

NAMES = ("bias", "cover", "fit", "rare", "owner", "hint", "body")


def log_loss(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[float, int, int]:
    """The mean log loss of ``weights`` on (x, y), and how many examples score 0.5 or more
    and how many of those are right."""
    p = 1 / (1 + np.exp(-(weights[0] + x @ weights[1:])))
    loss = -float(np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
    return loss, int((p >= 0.5).sum()), int(((p >= 0.5) & (y == 1)).sum())


def fit(x: np.ndarray, y: np.ndarray, penalty: float, rounds: int = 50) -> np.ndarray:
    """Logistic regression weights (bias first) by Newton's method with an L2 penalty."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    ridge = penalty * np.eye(design.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + ridge @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + ridge
        weights -= np.linalg.solve(hessian, gradient)
    return weights


def main(argv: Sequence[str] | None = None) -> int:
    """Collect the tuning split's candidates, fit, print the weights."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--penalty", type=float, default=1.0, help="L2 penalty (1.0)")
    parser.add_argument(
        "--without", action="append", default=[], choices=NAMES[1:], help="leave a feature out"
    )
    args = parser.parse_args(argv)
    try:
        data = load()
    except HistoryMissingError as error:
        print(error, file=sys.stderr)
        return 2
    all_truths = truths(data)
    features, labels = [], []
    for run in build_runs(data):
        for found, row in candidate_rows(run):
            truth = all_truths[found.commitment]
            if truth.split == "tuning":
                features.append(row)
                labels.append(float(is_right(found, truth)))
    x, y = np.array(features), np.array(labels)
    for name in args.without:
        x[:, NAMES.index(name) - 1] = 0.0
    weights = fit(x, y, args.penalty)
    print(f"{len(y)} tuning candidates, {int(y.sum())} right")
    print(", ".join(f"{name} {w:.2f}" for name, w in zip(NAMES, weights, strict=True)))
    loss, above, right = log_loss(x, y, weights)
    print(f"log loss {loss:.4f}; {above} candidates at 0.5 or more, {right} right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
