"""Score the parser on real summaries: recall, precision, owners (a benchmark, not a test).

A thin command line over ``tests/corpus_score.py``, which holds the scoring
rules (and which the unit tests import). The corpus is ``tests/data/corpus``:
mailing-list archive pages, wiki pages, blog copies and meeting logs that
teams actually published, each with its source URL on the first line and a
hand-written annotation beside it (see ``tests/data/corpus/README.md``).

``--split tuned`` parses and prints only the tuned documents: use it while
changing the parser, so the held-back documents' rows are never seen while
tuning. ``--split held-back`` and ``--split all`` (the default) report the rest.

Usage::

    .venv/bin/python benchmarks/bench_corpus.py --split tuned
    .venv/bin/python benchmarks/bench_corpus.py --json before.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import corpus_score  # found through the path set just above

SPLIT_CHOICES = {
    "tuned": ("tuned",),
    "held-back": ("held-back",),
    "all": corpus_score.SPLITS,
}


def main(argv: Sequence[str] | None = None) -> None:
    """Score the parser on the corpus and print the tables (and write JSON)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=corpus_score.CORPUS, help="corpus directory")
    parser.add_argument(
        "--split",
        choices=sorted(SPLIT_CHOICES),
        default="all",
        help="which documents to parse and print (default: all)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = corpus_score.measure(args.corpus, SPLIT_CHOICES[args.split])
    seconds = time.perf_counter() - start
    print(corpus_score.report(rows))
    print(f"\n{len(rows)} documents ({args.split}) parsed and scored in {seconds:.2f} s")
    for split, (right, total) in corpus_score.team_detection(
        args.corpus, SPLIT_CHOICES[args.split]
    ).items():
        print(f"team named as annotated, {split}: {right}/{total}")
    if args.json is not None:
        data = corpus_score.as_json(rows, args.corpus, seconds)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
