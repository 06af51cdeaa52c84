"""Benchmark: do a team's decisions on suggestions make its other suggestions better?

On the linking set (tests/data/linking, real history, hand labels), a reviewer decides
every candidate suggestion of some commitments by the labels (right: confirmed, wrong:
rejected). The relink then learns word factors from those decisions (see
syncsvc.reconcile.learning) and the suggestions of the *other* commitments of the same
teams are compared with and without them. Nothing is fitted: the rule's numbers were
set before this ran.

* folds: the tuning split's commitments halved by a stable hash; each half's decisions
  teach, the other half is measured (both ways, pooled);
* held-back: every tuning decision teaches, the held-back split is measured (totals).

    .venv/bin/python benchmarks/bench_learning.py [--threshold 0.5] [--json FILE]

The history is read from outside the repository, as for bench_linking.py (exit 2 when
it is missing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from linking_runs import (  # noqa: E402
    DEFAULT_THRESHOLD,
    EventRun,
    as_suggestion,
    build_runs,
    decision_of,
    learned_from,
    plan_links,
)
from linking_score import Metrics, Truth, evaluate, is_right, truths  # noqa: E402
from linking_set import load_or_explain  # noqa: E402


def _half(commitment: str) -> int:
    """A stable half (0 or 1) of a commitment id."""
    return hashlib.sha256(commitment.encode()).digest()[0] % 2


def _team(run: EventRun, all_truths: Mapping[str, Truth]) -> str:
    return next(all_truths[c].team for c in run.commitment_of.values() if c in all_truths)


def measure(
    runs: Sequence[EventRun],
    all_truths: Mapping[str, Truth],
    threshold: float,
    *,
    teach: Collection[str],
    measured: Collection[str],
) -> tuple[Metrics, Metrics, dict[str, dict[str, float]]]:
    """The ``measured`` commitments' suggestions before and after the decisions on the
    ``teach`` commitments' suggestions, and the word factors each team learned."""
    first = {run.name: plan_links(run, threshold) for run in runs}
    decided: dict[str, list] = defaultdict(list)  # team → decided links
    by_run: dict[str, list] = defaultdict(list)
    for run in runs:
        for link in first[run.name]:
            commitment = run.commitment_of[link.action_id]
            if commitment not in teach or link.source.value != "candidate":
                continue
            right = is_right(as_suggestion(link, run), all_truths[commitment])
            decision = decision_of(link, right)
            decided[_team(run, all_truths)].append(decision)
            by_run[run.name].append(decision)
    learned = {team: learned_from(links) for team, links in decided.items()}
    before, after = [], []
    for run in runs:
        team = _team(run, all_truths)
        later = plan_links(run, threshold, decided=by_run[run.name], learned=learned.get(team))
        for links, out in ((first[run.name], before), (later, after)):
            out += [
                s
                for link in links
                if (s := as_suggestion(link, run)).commitment in measured
                and s.source == "candidate"
            ]
    group = {c: all_truths[c] for c in measured}
    return evaluate(before, group), evaluate(after, group), learned


def _row(name: str, m: Metrics) -> str:
    precision = f"{m.right / m.suggestions:.0%}" if m.suggestions else "-"
    return (
        f"| {name} | {m.commitments} | {m.suggestions} | {m.right} | {precision}"
        f" | {m.found}/{m.positives} | {m.hit}/{m.with_work} | {m.silent}/{m.without_work} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run both measures and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if (data := load_or_explain()) is None:
        return 2
    runs = build_runs(data)
    all_truths = truths(data)
    tuning = [c for c, t in all_truths.items() if t.split == "tuning"]
    held = [c for c, t in all_truths.items() if t.split != "tuning"]
    rows: dict[str, tuple[Metrics, Metrics]] = {}
    words: dict[str, dict[str, dict[str, float]]] = {}
    for half in (0, 1):
        teach = [c for c in tuning if _half(c) == half]
        rest = [c for c in tuning if _half(c) != half]
        before, after, learned = measure(
            runs, all_truths, args.threshold, teach=teach, measured=rest
        )
        rows[f"tuning half {1 - half}, taught by half {half}"] = (before, after)
        words[f"half {half}"] = learned
    before, after, learned = measure(runs, all_truths, args.threshold, teach=tuning, measured=held)
    rows["held-back, taught by the tuning split"] = (before, after)
    words["tuning"] = learned
    print(
        "| measured | commitments | suggestions | right | precision | found | with work hit"
        " | without work silent |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (b, a) in rows.items():
        print(_row(f"{name}: before", b))
        print(_row(f"{name}: after", a))
    print("\nWords learned (team: word x factor)")
    for source, teams in words.items():
        for team, found in sorted(teams.items()):
            listed = ", ".join(f"{w} x{f:.2f}" for w, f in sorted(found.items())) or "none"
            print(f"- taught by {source}, {team}: {listed}")
    if args.json:
        found = {
            "threshold": args.threshold,
            "rows": {n: {"before": asdict(b), "after": asdict(a)} for n, (b, a) in rows.items()},
            "learned": words,
        }
        args.json.write_text(json.dumps(found, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
