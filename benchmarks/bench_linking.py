"""Benchmark: how far a PTL can trust the reconciler's candidate links, on real history.

Loads the linking set (tests/data/linking: 76 commitments of real PTG summaries,
1,161 changes merged to the teams' repositories (Manila and Cinder from October 2020
to July 2021, Watcher from March 2025 to August 2026), 274 bugs, hand labels),
turns it into the project's domain records, runs the reconciler's ``diff`` once
per event as ``syncsvc links`` would (no stored links),
and scores what it adds against the labels:

* precision and recall of the candidate suggestions at ``--threshold``, per split
  (tuning, held-back), for owned and team (unassigned) commitments, per team;
* calibration: per 0.1 confidence band, how many suggestions were right;
* explicit links (refs in the text, footers, transitive) are counted apart.

    .venv/bin/python benchmarks/bench_linking.py
    .venv/bin/python benchmarks/bench_linking.py --threshold 0.3 --json linking.json
    .venv/bin/python benchmarks/bench_linking.py --misses  # the tuning split's misses, and why

The history is read from outside the repository (``SYNCSVC_LINKING_HISTORY`` or
``shared/linking`` beside it). See tests/data/linking/README.md. Not part of the
test suite; tests/unit/test_linking_set.py checks the scoring (tests/linking_score.py)
on a tiny example.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# The loader, the scoring and the domain records live beside the tests (tests/linking_*.py);
# tests/linking_runs.py holds the only lines that name syncsvc modules.
from linking_runs import DEFAULT_THRESHOLD, build_runs, candidate_rows, suggest  # noqa: E402
from linking_score import (  # noqa: E402
    BAND_MIN,
    Metrics,
    Suggestion,
    Truth,
    evaluate,
    explicit_summary,
    is_right,
    misses,
    rank_counts,
    seed_ranks,
    truths,
)
from linking_set import LinkingSet, load_or_explain  # noqa: E402

# --- report -------------------------------------------------------------------------------


def groups(all_truths: Mapping[str, Truth]) -> list[tuple[str, dict[str, Truth]]]:
    """The rows of the report: everything, per split and owned/team within it, per team."""
    tests: list[tuple[str, Callable[[Truth], bool]]] = [("all", lambda _: True)]
    for split in ("tuning", "held-back"):
        tests += [
            (split, lambda t, s=split: t.split == s),
            (f"{split} / owned", lambda t, s=split: t.split == s and t.owned),
            (f"{split} / team", lambda t, s=split: t.split == s and not t.owned),
        ]
    tests += [
        (f"team {team}", lambda t, n=team: t.team == n)
        for team in sorted({t.team for t in all_truths.values()})
    ]
    found = [(name, {k: t for k, t in all_truths.items() if test(t)}) for name, test in tests]
    return [(name, group) for name, group in found if group]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def format_report(
    rows: Sequence[tuple[str, Metrics]], explicit: Mapping[str, int], threshold: float
) -> str:
    """Markdown tables: precision/recall per group, calibration bands, explicit links."""
    lines = [
        f"Candidate suggestions at threshold {threshold:.2f} (at most 3 per commitment)\n",
        (
            "| group | commitments | suggestions | right | precision | positives found | recall"
            " | with work hit | without work silent | hard negatives suggested |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in rows:
        lines.append(
            f"| {name} | {m.commitments} | {m.suggestions} | {m.right} | {_pct(m.precision)}"
            f" | {m.found}/{m.positives} | {_pct(m.recall)} | {m.hit}/{m.with_work}"
            f" ({_pct(m.hit_rate)}) | {m.silent}/{m.without_work} ({_pct(m.silent_rate)})"
            f" | {m.hard_negatives_hit} |"
        )
    everything = rows[0][1]
    lines += [
        "",
        (
            f"Calibration (the {everything.commitments} commitments scored; bands with fewer"
            f" than {BAND_MIN} suggestions not read)\n"
        ),
        "| band | suggestions | right | precision | mean confidence |",
        "|---|---:|---:|---:|---:|",
    ]
    for band in everything.bands:
        read = band.suggestions >= BAND_MIN
        precision = f"{100 * band.precision:.0f}%" if read else "(too few)"
        lines.append(
            f"| {band.low:.1f}-{band.low + 0.1:.1f} | {band.suggestions} | {band.right}"
            f" | {precision} | {band.mean_confidence:.2f} |"
        )
    lines += [
        "",
        (
            f"Explicit links (refs in the text, footers, transitive), apart:"
            f" {explicit['links']} links on {explicit['commitments']} commitments,"
            f" {explicit['right']} to labelled work,"
            f" {explicit['outside_the_set']} to changes outside the set"
        ),
    ]
    return "\n".join(lines)


def format_ranks(
    data: LinkingSet, threshold: float, *, identities: bool = True, tuning_only: bool = False
) -> str:
    """Where the base scorer (no groups, no threshold, no limit) ranks each commitment's
    first right record: counts per split and owned/team, then each tuning commitment
    (the held-back split's commitments are never shown one by one)."""
    rows = [s for r in build_runs(data, identities=identities) for s, _ in candidate_rows(r)]
    all_truths = _truths(data, tuning_only=tuning_only)
    ranks = seed_ranks(rows, all_truths)
    heads = list(rank_counts((), threshold))
    lines = [
        (
            f"Base scorer: rank of the first right record per commitment with work"
            f" (threshold {threshold:.2f})\n"
        ),
        f"| group | {' | '.join(heads)} |",
        f"|---|{'---:|' * len(heads)}",
    ]
    for name, group in groups(all_truths):
        if not name.startswith(("tuning", "held-back")):
            continue
        counts = rank_counts((r for k, r in ranks.items() if k in group), threshold)
        lines.append(f"| {name} | {' | '.join(str(counts[h]) for h in heads)} |")
    lines += ["", "| tuning commitment | owned | rank | score |", "|---|---|---:|---:|"]
    for commitment, r in sorted(ranks.items()):
        truth = all_truths[commitment]
        if truth.split == "tuning":
            score = "-" if r.score is None else f"{r.score:.2f}"
            lines.append(f"| {commitment} | {truth.owned} | {r.rank or '-'} | {score} |")
    return "\n".join(lines)


def format_misses(
    data: LinkingSet, found: Sequence[Suggestion], threshold: float, *, identities: bool = True
) -> str:
    """Each tuning commitment's labelled changes that no candidate suggestion found: where
    the base scorer ranks each and why it was missed (the held-back split's commitments are
    never shown one by one)."""
    rows = [s for r in build_runs(data, identities=identities) for s, _ in candidate_rows(r)]
    tuning = {k: t for k, t in truths(data).items() if t.split == "tuning"}
    by_id = {c.change_id: c for c in data.changes}
    start = {c.id: data.event_starts[c.event] for c in data.commitments}
    lines = [
        (
            f"Tuning positives not suggested (threshold {threshold:.2f}; rank and score by the"
            " base scorer)\n"
        ),
        "| commitment | owned | change | repository | days after the event | rank | score | why |",
        "|---|---|---|---|---:|---:|---:|---|",
    ]
    for m in misses(found, rows, tuning, threshold):
        change = by_id[m.ident]
        merged = date.fromisoformat(change.merged[:10])
        days = (merged - date.fromisoformat(start[m.commitment])).days
        score = "-" if m.score is None else f"{m.score:.2f}"
        lines.append(
            f"| {m.commitment} | {tuning[m.commitment].owned} | {change.subject[:60]}"
            f" | {change.project.rsplit('/', 1)[-1]} | {days} | {m.rank or '-'} | {score}"
            f" | {m.cause} |"
        )
    return "\n".join(lines)


def run(
    data: LinkingSet, threshold: float, *, identities: bool = True, tuning_only: bool = False
) -> dict[str, object]:
    """Everything the report shows, as JSON-ready values (``tuning_only``: the tuning split's
    commitments alone, every row, band and suggestion)."""
    all_truths = _truths(data, tuning_only=tuning_only)
    found = [
        s
        for r in build_runs(data, identities=identities)
        for s in suggest(r, threshold)
        if s.commitment in all_truths
    ]
    rows = [(name, evaluate(found, group)) for name, group in groups(all_truths)]
    explicit = explicit_summary(found, all_truths)
    return {
        "threshold": threshold,
        "identities": identities,
        "rows": rows,
        "explicit": explicit,
        "suggestions": found,
        "report": format_report(rows, explicit, threshold),
    }


def _truths(data: LinkingSet, *, tuning_only: bool) -> dict[str, Truth]:
    found = truths(data)
    return {k: t for k, t in found.items() if t.split == "tuning"} if tuning_only else found


def _json(
    result: Mapping[str, object], data: LinkingSet, *, tuning_only: bool = False
) -> dict[str, object]:
    rows = result["rows"]
    assert isinstance(rows, list)
    suggestions = result["suggestions"]
    assert isinstance(suggestions, list)
    all_truths = _truths(data, tuning_only=tuning_only)
    return {
        "threshold": result["threshold"],
        "identities": result["identities"],
        "groups": {
            name: {
                **{k: v for k, v in asdict(m).items() if k != "bands"},
                "precision": m.precision,
                "recall": m.recall,
                "hit_rate": m.hit_rate,
                "silent_rate": m.silent_rate,
                "bands": [
                    {**asdict(b), "precision": b.precision, "read": b.suggestions >= BAND_MIN}
                    for b in m.bands
                ],
            }
            for name, m in rows
        },
        "explicit": result["explicit"],
        "suggestions": [
            {**asdict(s), "right": is_right(s, all_truths[s.commitment])} for s in suggestions
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run, print the report and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"suggest threshold (the project's default, {DEFAULT_THRESHOLD})",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--no-identities", action="store_true", help="run without the nick -> name identity map"
    )
    parser.add_argument(
        "--ranks",
        action="store_true",
        help="also rank each commitment's first right record by the base scorer",
    )
    parser.add_argument(
        "--tuning-only",
        action="store_true",
        help="score and show the tuning split's commitments only (no held-back row, band or"
        " suggestion: for trying changes without reading the held-back split)",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="also list the tuning split's positives not suggested, with rank and cause",
    )
    args = parser.parse_args(argv)
    if (data := load_or_explain()) is None:
        return 2
    result = run(
        data, args.threshold, identities=not args.no_identities, tuning_only=args.tuning_only
    )
    print(
        f"{len(data.commitments)} commitments ({len(data.held_back)} held back),"
        f" {len(data.changes)} changes, {len(data.bugs)} bugs;"
        f" identity map {'on' if not args.no_identities else 'off'}\n"
    )
    print(result["report"])
    if args.ranks:
        ranks = format_ranks(
            data, args.threshold, identities=not args.no_identities, tuning_only=args.tuning_only
        )
        print("\n" + ranks)
    if args.misses:
        found = result["suggestions"]
        assert isinstance(found, list)
        print("\n" + format_misses(data, found, args.threshold, identities=not args.no_identities))
    if args.json:
        found = _json(result, data, tuning_only=args.tuning_only)
        args.json.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
