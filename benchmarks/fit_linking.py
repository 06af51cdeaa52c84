"""Fit the candidate model's weights on the linking set's tuning split (never the held-back one).

Every candidate the pool ranks for a tuning commitment (no limit, no threshold)
is one example: its features (cover, fit, owner, hint; see
``syncsvc.reconcile.candidates``) and whether the labels say it is right. A
logistic regression with a small L2 penalty, fitted by Newton's method, gives
the weights to paste into ``candidates.py``; the script prints them with the
examples' counts.

    .venv/bin/python benchmarks/fit_linking.py
    .venv/bin/python benchmarks/fit_linking.py --body   # what commit bodies would add

The history is read from outside the repository, as for bench_linking.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from linking_runs import build_runs, candidate_rows, commitment_words, text_words  # noqa: E402
from linking_score import is_right, truths  # noqa: E402
from linking_set import HistoryMissingError, LinkingSet, load  # noqa: E402

NAMES = ("bias", "cover", "fit", "rare", "owner", "hint")
FOOTER = re.compile(r"^[A-Za-z-]+:\s")  # "Change-Id: ...", "Closes-Bug: ...", "Signed-off-by: ..."


def body_words(data: LinkingSet) -> dict[str, frozenset[str]]:
    """Each change's commit-body words that its subject lacks (footer and URL lines left
    out), by Change-Id: what a body would add to the subject the scorer reads."""
    found = {}
    for change in data.changes:
        lines = change.message.splitlines()[1:]
        body = " ".join(li for li in lines if not FOOTER.match(li) and "://" not in li)
        found[change.change_id] = text_words(body) - text_words(change.subject)
    return found


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
    parser.add_argument(
        "--body",
        action="store_true",
        help="also fit with a sixth feature read from the commit bodies (an experiment:"
        " the scorer reads subjects only): the share of the commitment's word weight"
        " found in the change's body but not its subject",
    )
    args = parser.parse_args(argv)
    try:
        data = load()
    except HistoryMissingError as error:
        print(error, file=sys.stderr)
        return 2
    all_truths = truths(data)
    features, labels, bodies = [], [], []
    body = body_words(data) if args.body else {}
    for run in build_runs(data):
        mine = commitment_words(run) if args.body else {}
        for found, row in candidate_rows(run):
            truth = all_truths[found.commitment]
            if truth.split == "tuning":
                features.append(row)
                labels.append(float(is_right(found, truth)))
                if args.body:
                    query = mine[found.commitment]
                    extra = body.get(found.ident, frozenset()) & query.keys()
                    shares = sum(query[w] for w in extra) / (sum(query.values()) or 1.0)
                    bodies.append(shares if found.kind == "change" else 0.0)
    x, y = np.array(features), np.array(labels)
    for name in args.without:
        x[:, NAMES.index(name) - 1] = 0.0
    weights = fit(x, y, args.penalty)
    print(f"{len(y)} tuning candidates, {int(y.sum())} right")
    print(", ".join(f"{name} {w:.2f}" for name, w in zip(NAMES, weights, strict=True)))
    if args.body:
        with_body = np.hstack([x, np.array(bodies)[:, None]])
        body_weights = fit(with_body, y, args.penalty)
        for label, xs, ws in (("subjects", x, weights), ("+ body", with_body, body_weights)):
            loss, above, right = log_loss(xs, y, ws)
            print(f"{label}: log loss {loss:.4f}; {above} candidates at 0.5 or more, {right} right")
        names = (*NAMES, "body")
        print(", ".join(f"{n} {w:.2f}" for n, w in zip(names, body_weights, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
