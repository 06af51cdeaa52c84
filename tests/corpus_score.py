"""Score the summary parser against the annotated corpus (tests/data/corpus).

A plain module, not a test and not part of the package: the unit tests import
it to pin the scoring rules, and ``benchmarks/bench_corpus.py`` is a thin
command line over it. The rules (see ``tests/data/corpus/README.md``):

* an extracted item matches an annotated one when their normalised texts
  (lower-cased, whitespace collapsed, leading bullets and markers such as
  "Action:", "AI:", "AR:", "#action" stripped) share their first 30
  characters, or one contains the other's first 30; matching is one-to-one,
  in document order, required annotations first;
* annotations marked ``optional`` neither help nor hurt: matching one does not
  count for recall and the extracted item does not count against precision;
* an extracted item that matches nothing counts against precision, inferred
  or not;
* owner accuracy is over matched items: the owner sets must be equal after
  mapping the annotation's ``owner_equivalents`` (case-insensitive);
* a document the parser rejects counts as nothing extracted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SPLITS = ("tuned", "held-back")

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
PREFIX = 30  # characters two texts must share to be the same item

Extracted = list[tuple[str, tuple[str, ...]]]


def _parse(text: str, name: str) -> Extracted | None:
    """(text, owners) of each action the project's parser reads; None when it rejects the text.

    The one place that knows the parser's entry point: re-point it when modules move.
    """
    from syncsvc.errors import InputError  # noqa: PLC0415 - kept beside the call on purpose
    from syncsvc.parse.summary import parse_summary  # noqa: PLC0415

    del name  # the current parser tells HTML from text by the content
    try:
        event = parse_summary(text)
    except InputError:
        return None
    return [(a.text, tuple(a.owners)) for a in event.actions]


_MARKER = re.compile(
    r"^(?:[-*•+>·]+\s*"
    r"|\(?\d{1,2}[.)]+\s*"
    r"|#action\b:?\s*"
    r"|(?:action\s+items?|action\s+plan|actions?|ais?|ar)\s*:\s*)+",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Lower-case, collapse whitespace and strip leading bullets and action markers."""
    flat = " ".join(text.lower().split())
    return _MARKER.sub("", flat).strip()


def same_item(one: str, other: str) -> bool:
    """True when the two texts share their first 30 characters or one holds the other's."""
    a, b = normalise(one), normalise(other)
    if not a or not b:
        return False
    pa, pb = a[:PREFIX], b[:PREFIX]
    return pa == pb or pa in b or pb in a


def _owner_set(owners: Iterable[str], equivalents: Mapping[str, str]) -> frozenset[str]:
    table = {k.lower(): v.lower() for k, v in equivalents.items()}
    return frozenset(table.get(o.lower(), o.lower()) for o in owners)


@dataclass(frozen=True, slots=True)
class Score:
    """One document's counts; ``annotated`` excludes optional items."""

    annotated: int
    optional: int
    extracted: int
    matched: int
    optional_hits: int
    owners_right: int
    rejected: bool

    @property
    def unmatched(self) -> int:
        """Extracted items that matched no annotation (false positives)."""
        return self.extracted - self.matched - self.optional_hits

    @property
    def recall(self) -> float | None:
        return self.matched / self.annotated if self.annotated else None

    @property
    def precision(self) -> float | None:
        counted = self.extracted - self.optional_hits
        return self.matched / counted if counted else None

    @property
    def owner_accuracy(self) -> float | None:
        return self.owners_right / self.matched if self.matched else None


def score(annotation: Mapping[str, Any], extracted: Extracted | None) -> Score:
    """Score the extracted (text, owners) pairs against one annotation (None: rejected)."""
    actions: Sequence[Mapping[str, Any]] = annotation.get("actions", [])
    equivalents: Mapping[str, str] = annotation.get("owner_equivalents", {})
    used = [False] * len(actions)
    matched = optional_hits = owners_right = 0
    for text, owners in extracted or []:
        hit = _first(actions, used, text, optional=False)
        if hit is not None:
            used[hit] = True
            matched += 1
            want = _owner_set(actions[hit].get("owners", []), equivalents)
            owners_right += _owner_set(owners, equivalents) == want
            continue
        hit = _first(actions, used, text, optional=True)
        if hit is not None:
            used[hit] = True
            optional_hits += 1
    optional = sum(1 for a in actions if a.get("optional"))
    return Score(
        annotated=len(actions) - optional,
        optional=optional,
        extracted=len(extracted or []),
        matched=matched,
        optional_hits=optional_hits,
        owners_right=owners_right,
        rejected=extracted is None,
    )


def _first(
    actions: Sequence[Mapping[str, Any]], used: list[bool], text: str, *, optional: bool
) -> int | None:
    for i, action in enumerate(actions):
        if (
            not used[i]
            and bool(action.get("optional")) == optional
            and same_item(action["text"], text)
        ):
            return i
    return None


def total(scores: Iterable[Score]) -> Score:
    """The sum of several documents' counts (micro-averaged rates)."""
    rows = list(scores)
    return Score(
        annotated=sum(s.annotated for s in rows),
        optional=sum(s.optional for s in rows),
        extracted=sum(s.extracted for s in rows),
        matched=sum(s.matched for s in rows),
        optional_hits=sum(s.optional_hits for s in rows),
        owners_right=sum(s.owners_right for s in rows),
        rejected=any(s.rejected for s in rows),
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One scored document."""

    file: str
    team: str
    split: str
    score: Score


def documents(corpus: Path) -> list[Path]:
    """The corpus documents (.txt and .html), sorted by name."""
    return sorted(p for p in corpus.iterdir() if p.suffix in {".txt", ".html"})


def annotated(corpus: Path, splits: Iterable[str]) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """(document, its annotation, its text without the source URL line) of each document
    in ``splits``, in name order."""
    wanted = set(splits)
    for doc in documents(corpus):
        annotation = json.loads(doc.with_suffix(".json").read_text(encoding="utf-8"))
        if annotation["split"] in wanted:
            raw = doc.read_text(encoding="utf-8")
            yield doc, annotation, raw.split("\n", 1)[1] if "\n" in raw else ""


def measure(corpus: Path, splits: Iterable[str] = SPLITS) -> list[Row]:
    """Parse and score the documents of ``corpus`` in ``splits`` (others are not even parsed)."""
    return [
        Row(
            doc.name,
            annotation["team"],
            annotation["split"],
            score(annotation, _parse(body, doc.name)),
        )
        for doc, annotation, body in annotated(corpus, splits)
    ]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


HEADER = (
    f"{'file':<40}{'team':<18}{'split':<10}{'annot':>6}{'extr':>6}{'match':>6}"
    f"{'recall':>8}{'prec':>7}{'owners':>8}  rejected"
)


def _line(label: str, team: str, split: str, s: Score, rejected: str) -> str:
    return (
        f"{label:<40}{team:<18}{split:<10}{s.annotated:>6}{s.extracted:>6}{s.matched:>6}"
        f"{_pct(s.recall):>8}{_pct(s.precision):>7}{_pct(s.owner_accuracy):>8}  {rejected}"
    )


def group(rows: Sequence[Row], key: str) -> dict[str, tuple[int, int, Score]]:
    """Totals by ``key`` ("split" or "team"): (documents, rejected, summed score)."""
    out: dict[str, tuple[int, int, Score]] = {}
    for name in sorted({getattr(r, key) for r in rows}):
        part = [r for r in rows if getattr(r, key) == name]
        rejected = sum(r.score.rejected for r in part)
        out[name] = (len(part), rejected, total(r.score for r in part))
    return out


def report(rows: Sequence[Row]) -> str:
    """The per-file table, then totals per split and per team."""
    lines = [HEADER]
    lines += [
        _line(r.file, r.team, r.split, r.score, "yes" if r.score.rejected else "") for r in rows
    ]
    for key in ("split", "team"):
        lines += ["", f"totals per {key} (documents, rejected)", HEADER]
        for name, (docs, rejected, s) in group(rows, key).items():
            lines.append(_line(f"{name} ({docs} docs)", "", "", s, str(rejected)))
    everything = total(r.score for r in rows)
    lines += [
        "",
        _line(
            f"all ({len(rows)} docs)", "", "", everything, str(sum(r.score.rejected for r in rows))
        ),
    ]
    return "\n".join(lines)


def _score_json(s: Score) -> dict[str, Any]:
    data = asdict(s)
    data.update(
        unmatched=s.unmatched,
        recall=s.recall,
        precision=s.precision,
        owner_accuracy=s.owner_accuracy,
    )
    return data


def as_json(rows: Sequence[Row], corpus: Path, seconds: float) -> dict[str, Any]:
    """The whole measurement as JSON-ready data."""

    def groups(key: str) -> dict[str, Any]:
        return {
            name: {**_score_json(s), "documents": docs, "rejected": rejected}
            for name, (docs, rejected, s) in group(rows, key).items()
        }

    return {
        "corpus": corpus.name,
        "documents": len(rows),
        "seconds": round(seconds, 3),
        "files": [
            {"file": r.file, "team": r.team, "split": r.split, **_score_json(r.score)} for r in rows
        ],
        "splits": groups("split"),
        "teams": groups("team"),
        "all": _score_json(total(r.score for r in rows)),
    }


def team_detection(corpus: Path, splits: Iterable[str] = SPLITS) -> dict[str, tuple[int, int]]:
    """Per split: (documents whose team the parser names as annotated, documents read).

    A document the parser rejects has no team, so it counts as a miss.
    """
    from syncsvc.errors import InputError  # noqa: PLC0415 - beside the call, as in _parse
    from syncsvc.parse.summary import parse_summary  # noqa: PLC0415

    found: dict[str, tuple[int, int]] = {}
    for _doc, annotation, body in annotated(corpus, splits):
        try:
            team = parse_summary(body).team
        except InputError:
            team = None
        right, total = found.get(annotation["split"], (0, 0))
        found[annotation["split"]] = (right + (team == annotation["team"]), total + 1)
    return found
