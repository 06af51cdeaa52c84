"""Leave-one-batch-out proxy for how the parser generalises, and the fallback's fit.

The corpus's held-back split must never be tuned on, so this proxy uses the
tuned split only. The corpus grew in twelve batches (the first 45 documents, then
``batch2.lst`` ... ``batch12.lst``), and each batch's rules were written after
the batch arrived. For every batch ``b`` this prints, on ``b``'s tuned documents:

* ``before``: the parser as it was when ``b`` arrived (the commit that added
  ``b``'s data, which changed no parser code), run from a ``git archive`` copy;
* ``+fb``: that parser plus the sentence fallback of
  :mod:`syncsvc.parse.fallback`, fitted on the OTHER batches' tuned documents;
* ``fb``: the fallback alone (same fit);
* ``now``: today's rules without the fallback (tuned on ``b``: not a
  generalisation figure, shown for reference), and ``now+fb``.

``--write`` fits the model on every tuned document and writes
``syncsvc/parse/fallback_weights.py`` with the chosen threshold: the lowest of
the swept thresholds at which the items the fallback adds to the pre-batch
parsers are at least 95% precise over all batches. A nested table then shows
each batch's additions at the threshold the other batches would choose,
so that figure is not selected on the batch it reports. The fallback is
switched on (``ACCEPTED``) only when those nested additions include right items
and are at least 90% precise.

The *rescue* is the same model run only on the documents the pre-batch parser
rejected ("no PTG structure found"), where the alternative to its reading is an
error. Its sweep and nested check follow the same rules, over those documents
only; ``--write`` records its threshold and verdict, and the parser runs it
before rejecting a document once the nested check has accepted it.

Usage::

    .venv/bin/python benchmarks/bench_generalise.py
    .venv/bin/python benchmarks/bench_generalise.py --write
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncsvc.parse import fallback
from syncsvc.parse.flat import unflatten_page
from syncsvc.parse.minutes import looks_like_meeting, unflatten_log
from syncsvc.parse.normalise import normalise

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import corpus_score  # found through the path set just above

ROOT = Path(__file__).resolve().parents[1]

#: The commit that added each batch's documents (parser code as before the batch).
ARRIVED = {
    "batch1": "945029c",
    "batch2": "084cfc3",
    "batch3": "bb32e48",
    "batch4": "2514f9c",
    "batch5": "c81464b",
    "batch6": "a6ccd0d",
    "batch7": "0de5d2e",
    "batch8": "624ba91",
    "batch9": "395c0a5",
    "batch10": "ab1b433",
    "batch11": "ae41bfc",
    "batch12": "4415f78",
}
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
#: The precision the fallback's own additions must reach on the proxy.
TARGET = 0.95
#: The precision its additions must keep in the nested proxy for it to be switched on.
ACCEPT = 0.9
L2 = 1.0
WEIGHTS_FILE = ROOT / "syncsvc" / "parse" / "fallback_weights.py"

_OLD_RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[1])
try:
    from syncsvc.parse.summary import parse_summary
except ImportError:
    from syncsvc.parser import parse_summary
from syncsvc.errors import InputError
out = {}
for path in sys.argv[2:]:
    raw = open(path, encoding="utf-8").read()
    body = raw.split("\\n", 1)[1] if "\\n" in raw else ""
    try:
        out[path] = [a.text for a in parse_summary(body).actions]
    except InputError:  # the parser of that time refused the document
        out[path] = None
print(json.dumps(out))
"""


@dataclass
class Doc:
    """A tuned document: its name, batch, annotation and normalised text."""

    path: Path
    batch: str
    annotation: dict[str, Any]
    text: str
    meeting: bool


def batches(corpus: Path) -> dict[str, str]:
    """Document stem -> batch name (the first batch has no list file)."""
    found: dict[str, str] = {}
    for lst in sorted(corpus.glob("batch*.lst")):
        for stem in lst.read_text(encoding="utf-8").split():
            found[stem] = lst.stem
    return found


def load(corpus: Path) -> list[Doc]:
    """The tuned documents only (the held-back split is never read here)."""
    which = batches(corpus)
    docs = []
    for path, annotation, body in corpus_score.annotated(corpus, ("tuned",)):
        text = unflatten_page(unflatten_log(normalise(body)))
        docs.append(
            Doc(path, which.get(path.stem, "batch1"), annotation, text, looks_like_meeting(text))
        )
    return docs


def labelled(doc: Doc) -> list[tuple[list[str], int]]:
    """(features, 1 if it is an annotated required item else 0) for each sentence.

    Sentences that match only an optional item are left out.
    """
    actions = doc.annotation.get("actions", [])
    rows = []
    for sentence in fallback.sentences_of(doc.text):
        hits = [a for a in actions if corpus_score.same_item(a["text"], sentence.text)]
        if hits and all(a.get("optional") for a in hits):
            continue
        rows.append((fallback.features(sentence), 1 if hits else 0))
    return rows


def fit(rows: Sequence[tuple[list[str], int]], steps: int = 1500) -> tuple[dict[str, float], float]:
    """L2-regularised logistic regression, full-batch gradient descent on binary features."""
    weights: dict[str, float] = {}
    bias = 0.0
    n = len(rows)
    rate = 0.5
    for _ in range(steps):
        grad: dict[str, float] = {}
        grad_bias = 0.0
        for names, label in rows:
            p = fallback.probability(names, weights, bias)
            err = p - label
            grad_bias += err
            for name in names:
                grad[name] = grad.get(name, 0.0) + err
        bias -= rate * grad_bias / n
        for name in set(grad) | set(weights):
            w = weights.get(name, 0.0)
            weights[name] = w - rate * (grad.get(name, 0.0) / n + L2 * w / n)
    return weights, bias


def old_parses(docs: Sequence[Doc], corpus: Path) -> dict[str, list[str] | None]:
    """Each document's actions as read by the parser of the commit its batch arrived in."""
    out: dict[str, list[str] | None] = {}
    for batch, commit in ARRIVED.items():
        paths = [str(d.path) for d in docs if d.batch == batch]
        if not paths:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "syncsvc"],
                check=True,
                capture_output=True,
            ).stdout
            tar_path = Path(tmp) / "old.tar"
            tar_path.write_bytes(archive)
            with tarfile.open(tar_path) as tar:
                tar.extractall(tmp, filter="data")
            result = subprocess.run(
                [sys.executable, "-c", _OLD_RUNNER, tmp, *paths],
                check=True,
                capture_output=True,
                text=True,
                cwd=tmp,
            )
        read = json.loads(result.stdout)
        out.update({Path(p).name: v for p, v in read.items()})
    del corpus
    return out


def now_parses(docs: Sequence[Doc]) -> dict[str, list[str] | None]:
    """Each document's actions as today's rules read them, without the fallback."""
    from syncsvc.errors import InputError  # noqa: PLC0415 - beside the call, as in corpus_score
    from syncsvc.parse.summary import parse_summary  # noqa: PLC0415

    out: dict[str, list[str] | None] = {}
    for doc in docs:
        raw = doc.path.read_text(encoding="utf-8")
        body = raw.split("\n", 1)[1] if "\n" in raw else ""
        try:
            out[doc.path.name] = [a.text for a in parse_summary(body, fallback=False).actions]
        except InputError:
            out[doc.path.name] = None
    return out


def with_fallback(
    doc: Doc, rules: list[str] | None, model: tuple[dict[str, float], float], threshold: float
) -> list[str]:
    """The rules' items plus the fallback's (summaries only, as in the parser)."""
    base = list(rules or [])
    if doc.meeting:
        return base
    weights, bias = model
    added = []
    for sentence in fallback.sentences_of(doc.text):
        if fallback.probability(fallback.features(sentence), weights, bias) < threshold:
            continue
        text = fallback.strip_bullet(sentence.text)
        if any(fallback.same_item(text, t) for t in [*base, *added]):
            continue
        added.append(text)
    return base + added


def _score(doc: Doc, items: list[str] | None) -> corpus_score.Score:
    extracted = None if items is None else [(t, ()) for t in items]
    return corpus_score.score(doc.annotation, extracted)


def _rp(s: corpus_score.Score) -> str:
    def pct(v: float | None) -> str:
        return "   -" if v is None else f"{v:4.0%}"

    return f"{s.matched:>3}/{s.extracted:<3} {pct(s.recall)} {pct(s.precision)}"


def proxy(
    docs: Sequence[Doc],
    before: Mapping[str, list[str] | None],
    now: Mapping[str, list[str] | None],
    models: Mapping[str, tuple[dict[str, float], float]],
    threshold: float,
    *,
    show: bool,
) -> dict[str, corpus_score.Score]:
    """Print (when ``show``) the per-batch table; return the summed scores per column."""
    columns = ("before", "+fb", "fb", "now", "now+fb")
    sums: dict[str, list[corpus_score.Score]] = {c: [] for c in columns}
    if show:
        head = "".join(f"{c:>22}" for c in columns)
        print(f"threshold {threshold}\n{'batch':<8}{'docs':>5}{'annot':>6}{head}")
        print(f"{'':<19}" + "".join(f"{'match/extr rec prec':>22}" for _ in columns))
    for batch in ARRIVED:
        part = [d for d in docs if d.batch == batch]
        model = models[batch]
        rows: dict[str, list[corpus_score.Score]] = {c: [] for c in columns}
        for doc in part:
            name = doc.path.name
            rows["before"].append(_score(doc, before[name]))
            rows["+fb"].append(_score(doc, with_fallback(doc, before[name], model, threshold)))
            rows["fb"].append(_score(doc, with_fallback(doc, [], model, threshold)))
            rows["now"].append(_score(doc, now[name]))
            rows["now+fb"].append(_score(doc, with_fallback(doc, now[name], model, threshold)))
        for c in columns:
            sums[c] += rows[c]
        if show:
            annot = sum(s.annotated for s in rows["before"])
            cells = "".join(f"{_rp(corpus_score.total(rows[c])):>22}" for c in columns)
            print(f"{batch:<8}{len(part):>5}{annot:>6}{cells}")
    totals = {c: corpus_score.total(sums[c]) for c in columns}
    if show:
        annot = totals["before"].annotated
        cells = "".join(f"{_rp(totals[c]):>22}" for c in columns)
        print(f"{'total':<8}{len(docs):>5}{annot:>6}{cells}")
    return totals


def added_precision(totals: Mapping[str, corpus_score.Score], base: str, more: str) -> float | None:
    """Precision of the items column ``more`` adds over column ``base``."""
    b, m = totals[base], totals[more]
    counted = (m.extracted - m.optional_hits) - (b.extracted - b.optional_hits)
    return (m.matched - b.matched) / counted if counted else None


def additions(
    docs: Sequence[Doc],
    before: Mapping[str, list[str] | None],
    models: Mapping[str, tuple[dict[str, float], float]],
    threshold: float,
    *,
    rejected_only: bool = False,
) -> dict[str, tuple[int, int]]:
    """Per batch: (items the fallback adds over the pre-batch parser that match, items counted).

    ``rejected_only``: only in the documents the pre-batch parser rejected (the rescue).
    """
    out: dict[str, tuple[int, int]] = {}
    for doc in docs:
        if rejected_only and before[doc.path.name] is not None:
            continue
        base = _score(doc, before[doc.path.name])
        more = _score(doc, with_fallback(doc, before[doc.path.name], models[doc.batch], threshold))
        right, counted = out.get(doc.batch, (0, 0))
        out[doc.batch] = (
            right + more.matched - base.matched,
            counted + (more.extracted - more.optional_hits) - (base.extracted - base.optional_hits),
        )
    return out


def lowest_threshold(
    sweep: Mapping[float, Mapping[str, tuple[int, int]]], leave_out: str | None = None
) -> float | None:
    """The lowest swept threshold whose additions, over the batches but ``leave_out``,
    are at least ``TARGET`` precise (None when none is)."""
    for threshold in sorted(sweep):
        parts = [v for b, v in sweep[threshold].items() if b != leave_out]
        right, counted = sum(p[0] for p in parts), sum(p[1] for p in parts)
        if counted and right / counted >= TARGET:
            return threshold
    return None


def nested(
    docs: Sequence[Doc],
    sweep: Mapping[float, Mapping[str, tuple[int, int]]],
) -> tuple[int, int]:
    """Print each batch's additions at the threshold the OTHER batches choose; return the sums."""
    print(f"\n{'batch':<8}{'threshold':>10}{'added right/counted':>22}")
    right_all = counted_all = 0
    for batch in ARRIVED:
        threshold = lowest_threshold(sweep, leave_out=batch)
        if threshold is None:
            print(f"{batch:<8}{'none':>10}{'0/0':>22}")
            continue
        right, counted = sweep[threshold].get(batch, (0, 0))
        right_all, counted_all = right_all + right, counted_all + counted
        print(f"{batch:<8}{threshold:>10}{f'{right}/{counted}':>22}")
    print(f"{'total':<8}{'':>10}{f'{right_all}/{counted_all}':>22}  ({len(docs)} documents)")
    return right_all, counted_all


def write_weights(
    model: tuple[dict[str, float], float],
    threshold: float,
    docs: int,
    *,
    accepted: bool,
    rescue: tuple[float, bool] = (1.0, False),
) -> None:
    """Write the fitted model as a Python module the parser imports."""
    weights, bias = model
    lines = [
        '"""The fallback\'s logistic-regression weights (generated: do not edit by hand).',
        "",
        f"Fitted by ``benchmarks/bench_generalise.py --write`` on the {docs} tuned documents",
        "of the corpus; the threshold was chosen on its leave-one-batch-out proxy.",
        '"""',
        "",
        "WEIGHTS: dict[str, float] = {",
        *(f'    "{name}": {w:.4f},' for name, w in sorted(weights.items())),
        "}",
        f"BIAS = {bias:.4f}",
        f"THRESHOLD = {threshold}",
        "#: Whether the nested proxy showed the fallback adding right items; off, it adds nothing.",
        f"ACCEPTED = {accepted}",
        "#: The rescue: the threshold for a document the rules would reject, and whether",
        "#: its nested proxy accepted it (off, a document with nothing found is rejected).",
        f"RESCUE_THRESHOLD = {rescue[0]}",
        f"RESCUE_ACCEPTED = {rescue[1]}",
        "",
    ]
    WEIGHTS_FILE.write_text("\n".join(lines), encoding="utf-8")


def print_sweep(sweep: Mapping[float, Mapping[str, tuple[int, int]]], heading: str) -> None:
    """Print each swept threshold's summed (right, counted) and their precision."""
    print(f"{'threshold':>9} {heading:>34}")
    for threshold, parts in sweep.items():
        right, counted = sum(p[0] for p in parts.values()), sum(p[1] for p in parts.values())
        shown = f"{right / counted:.0%}" if counted else "-"
        print(f"{threshold:>9} {f'{right}/{counted}':>26} {shown:>7}")


def rescue(
    docs: Sequence[Doc],
    before: Mapping[str, list[str] | None],
    models: Mapping[str, tuple[dict[str, float], float]],
) -> tuple[float, bool]:
    """Print the rescue's sweep and nested check: the fallback run only on the documents the
    pre-batch parsers rejected, where the alternative is an error, not a clean reading.
    Return its threshold (1.0 when none) and whether the nested check would accept it
    (same rule as the fallback's)."""
    rejected = [d for d in docs if before[d.path.name] is None]
    with_items = sum(1 for d in rejected if _score(d, []).annotated)
    print(
        f"\nrescue: the {len(rejected)} documents the pre-batch parsers rejected "
        f"({with_items} with annotated items)"
    )
    sweep = {t: additions(docs, before, models, t, rejected_only=True) for t in THRESHOLDS}
    print_sweep(sweep, "found in rejected: right/counted")
    found = lowest_threshold(sweep)
    print(f"rescue threshold: {found}")
    print("nested: each batch's rejected documents at the threshold the other batches choose")
    right, counted = nested(rejected, sweep)
    accepted = found is not None and right > 0 and right / counted >= ACCEPT
    print(f"rescue accepted (nested finds right and at least {ACCEPT:.0%} precise): {accepted}")
    return (found if found is not None else 1.0), accepted


def main(argv: Sequence[str] | None = None) -> None:
    """Fit the fallback per left-out batch, print the proxy, optionally write the weights."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=corpus_score.CORPUS)
    parser.add_argument("--write", action="store_true", help="write the fitted weights")
    args = parser.parse_args(argv)
    docs = load(args.corpus)
    rows = {d.path.name: labelled(d) for d in docs}
    models = {b: fit([r for d in docs if d.batch != b for r in rows[d.path.name]]) for b in ARRIVED}
    before = old_parses(docs, args.corpus)
    now = now_parses(docs)
    sweep = {t: additions(docs, before, models, t) for t in THRESHOLDS}
    print_sweep(sweep, "added over before: right/counted")
    found = lowest_threshold(sweep)
    chosen = found if found is not None else math.inf
    print(f"\nchosen threshold: {chosen}\n")
    if math.isfinite(chosen):
        proxy(docs, before, now, models, chosen, show=True)
    print("\nnested: each batch at the threshold the other batches choose")
    right, counted = nested(docs, sweep)
    accepted = math.isfinite(chosen) and right > 0 and right / counted >= ACCEPT
    print(f"\naccepted (nested additions right and at least {ACCEPT:.0%} precise): {accepted}")
    rescued = rescue(docs, before, models)
    if args.write:
        model = fit([r for d in docs for r in rows[d.path.name]])
        threshold = chosen if math.isfinite(chosen) else 1.0
        write_weights(model, threshold, len(docs), accepted=accepted, rescue=rescued)
        print(f"\nwrote {WEIGHTS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
