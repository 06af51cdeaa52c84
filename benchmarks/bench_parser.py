"""Benchmark the summary parser on about 1 MB of summaries (a benchmark, not a test).

The corpus is every fixture in ``tests/data/summaries`` (all forms: HTML,
Markdown, wrapped, quoted, minutes, logs), the bundled example summary, the
reference input (``tests/data/seed``) and one large generated
summary, repeated until it reaches ``--mb`` megabytes. Each document is parsed
on its own, as ``syncsvc import`` would. That corpus repeats its documents, and the
generated summary (three quarters of it) repeats its topics, so work kept per
summary for repeated text counts for much there; ``--real`` parses the documents of
the real-world corpus (``tests/data/corpus``) instead, each once.

Rows:

* ``naive re.search`` - the baseline: decode, strip tags with one regex, then
  ``re.search`` every pattern on every line (a stateless classifier: no
  structure, no owner reading, no refs or milestones);
* ``normalise`` - decoding and :func:`syncsvc.parse.normalise.normalise` only;
* ``normalise + structure`` - plus :func:`syncsvc.parse.structure.classify`;
* ``parse_summary`` - the whole pipeline, producing events.

Usage::

    .venv/bin/python benchmarks/bench_parser.py            # 1 MB, best of 3
    .venv/bin/python benchmarks/bench_parser.py --mb 5 --repeat 5
    .venv/bin/python benchmarks/bench_parser.py --cpu      # CPU time, on a shared machine
    .venv/bin/python benchmarks/bench_parser.py --cpu --real --repeat 5
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from syncsvc.errors import InputError
from syncsvc.parse.normalise import decode, normalise
from syncsvc.parse.structure import classify
from syncsvc.parse.summary import parse_summary
from syncsvc.schedule.releases import load_schedules

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "summaries"
SEED = ROOT / "tests" / "data" / "seed" / "manila-wallaby-ptg-summary.html"
REAL = ROOT / "tests" / "data" / "corpus"

NAIVE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*==\s*(.+?)\s*==\s*$",
        r"^\s*===\s*(.+?)\s*===",
        r"^\s*#{1,6}\s+\S",
        r"^\s*(?:Topic\s+)?Etherpads?\s*:",
        r"^\s*Discussion(?:\s+Items?)?\s*:",
        r"^\s*(?:Actions?|Action\s+Items?|AIs?)\s*:",
        r"^\s*(?:#agreed|Agreed\s*:)",
        r"^\s*#action\b",
        r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+",
        r"^\s*\[\d+\]\s*https?://",
        r"\b([a-z][a-z0-9_-]+)\s+will\b",
        r"\(([a-z][a-z0-9_-]+)\)",
        r"\b[A-Z][a-z]+-(?:\d|rc\d)\b",
        r"https?://\S+",
    )
]
_TAG = re.compile(r"<[^>]+>")


def corpus(megabytes: float) -> list[bytes]:
    """Documents (bytes) totalling at least ``megabytes`` MB."""
    docs = [
        p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.suffix in {".txt", ".md", ".html"}
    ]
    docs.append(resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes())
    docs.append(SEED.read_bytes())
    docs.append(generated_summary(topics=300).encode())
    out: list[bytes] = []
    while sum(map(len, out)) < megabytes * 1024 * 1024:
        out.extend(docs)
    return out


def real_corpus() -> list[bytes]:
    """The real-world corpus's documents (bytes), each once, in file name order."""
    return [
        p.read_bytes()
        for p in sorted(REAL.iterdir())
        if p.suffix in {".txt", ".md", ".html"} and p.name != "README.md"
    ]


def generated_summary(topics: int) -> str:
    """One long plain-text summary with days, topics, wrapped items and footnotes."""
    lines = ["Summary of the OpenStack Manila team's Yoga PTG.", ""]
    for n in range(topics):
        if n % 20 == 0:
            lines += [f"== Day {n // 20 + 1} - Oct 18, 2021, Mon ==", ""]
        lines += [
            f"=== Topic number {n} ===",
            f"Topic Etherpad: https://etherpad.opendev.org/p/yoga-ptg-manila-{n}",
            "Discussion Items:",
            "- the share server migration needs more testing on the gate jobs and the",
            "  third party CI systems before we can call it stable [1]",
            f"- see https://review.opendev.org/c/openstack/manila/+/{800000 + n}",
            "Actions:",
            f"- gouthamr will write the spec by Yoga-{n % 3 + 1}",
            "- Vida Haririan (vhari) and carloss will review it (kudos, vkmc)",
            "- docs will be updated after Yoga-3",
            "",
        ]
    lines += ["[1] https://etherpad.opendev.org/p/yoga-ptg-manila-ci"]
    return "\n".join(lines) + "\n"


def naive(data: bytes) -> int:
    """The baseline: every pattern searched on every line; returns the matches."""
    text = _TAG.sub("\n", data.decode("utf-8", "replace")).replace("\r\n", "\n")
    hits = 0
    for line in text.split("\n"):
        for pattern in NAIVE_PATTERNS:
            if pattern.search(line):
                hits += 1
    return hits


def run(
    label: str,
    fn: Callable[[bytes], int],
    docs: list[bytes],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple:
    """Best-of-``repeat`` seconds for ``fn`` over ``docs``, and its last result sum."""
    best, found = float("inf"), 0
    for _ in range(repeat):
        start = clock()
        found = sum(fn(doc) for doc in docs)
        best = min(best, clock() - start)
    return label, best, found


def main() -> None:
    """Parse the corpus with each variant and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=1.0, help="corpus size in MB (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU time, not wall time (steadier on a shared machine)",
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="parse the real-world corpus's documents, each once (--mb is ignored)",
    )
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    docs = real_corpus() if args.real else corpus(args.mb)
    size = sum(map(len, docs))
    lines = sum(doc.count(b"\n") + 1 for doc in docs)
    schedules = load_schedules()

    def normalised(doc: bytes) -> int:
        return normalise(decode(doc)).count("\n")

    def structured(doc: bytes) -> int:
        return sum(1 for _ in classify(normalise(decode(doc))))

    def parsed(doc: bytes) -> int:
        try:
            return len(parse_summary(doc, schedules=schedules).actions)
        except InputError:
            return 0

    rows = [
        run("naive re.search", naive, docs, args.repeat, clock),
        run("normalise", normalised, docs, args.repeat, clock),
        run("normalise + structure", structured, docs, args.repeat, clock),
        run("parse_summary", parsed, docs, args.repeat, clock),
    ]
    print(f"corpus: {len(docs)} documents, {size / 1024 / 1024:.2f} MB, {lines} lines")
    print(f"{'variant':<24}{'seconds':>9}{'MB/s':>9}{'lines/s':>12}  result")
    for label, seconds, found in rows:
        mbps = size / 1024 / 1024 / seconds
        print(f"{label:<24}{seconds:>9.3f}{mbps:>9.2f}{lines / seconds:>12,.0f}  {found}")
    full = rows[-1][1]
    print(f"parse_summary is {full / rows[0][1]:.1f}x the naive scan's time; it found "
          f"{rows[-1][2]} actions with owners, refs and milestones")  # fmt: skip


if __name__ == "__main__":
    main()
