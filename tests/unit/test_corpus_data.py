"""The real-world summary corpus (tests/data/corpus) is well formed, and its scoring is right."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import ClassVar

import corpus_score  # tests/corpus_score.py: tests/ is on sys.path beside conftest.py
import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "corpus"

KEYS = {
    "url",
    "team",
    "kind",
    "split",
    "topics",
    "decisions",
    "actions",
    "owner_equivalents",
    "notes",
}
ACTION_KEYS = {"text", "owners", "explicit", "optional"}
KINDS = {
    "ptg-summary",
    "midcycle",
    "retrospective",
    "meetbot-minutes",
    "meeting-notes",
    "irc-log",
    "wiki",
}
SPLITS = {"tuned", "held-back"}


def documents() -> list[Path]:
    """The corpus documents, sorted by name."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html"})


def annotation(doc: Path) -> dict:
    """The annotation beside a document."""
    return json.loads(doc.with_suffix(".json").read_text(encoding="utf-8"))


def flat(text: str) -> str:
    """Text without tags, entities, quote marks at line starts, or repeated whitespace."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"(?m)^(?:\s*>)+", " ", text)
    return " ".join(text.lower().split())


class TestCorpusFiles:
    """Every document has its source URL and an annotation; the corpus is big and varied enough."""

    def test_every_document_starts_with_its_url(self) -> None:
        """The first line of each document is an http(s) URL and the annotation repeats it."""
        docs = documents()
        assert docs
        for doc in docs:
            first = doc.read_text(encoding="utf-8").split("\n", 1)[0]
            assert re.fullmatch(r"https?://\S+", first), doc.name
            assert annotation(doc)["url"] == first, doc.name

    def test_documents_and_annotations_pair_up(self) -> None:
        """Each document has a <stem>.json and each annotation a document."""
        stems = {p.stem for p in documents()}
        jsons = {p.stem for p in CORPUS.glob("*.json")}
        assert stems == jsons
        assert len(stems) == len(documents())  # no stem is both .txt and .html

    def test_size_and_variety(self) -> None:
        """At least 40 documents, 10 teams, every year 2017-2025, both archive and file forms."""
        docs = documents()
        teams = {annotation(d)["team"] for d in docs}
        years = {int(m.group(1)) for d in docs if (m := re.search(r"-(20\d\d)-", d.name))}
        urls = [annotation(d)["url"] for d in docs]
        assert len(docs) >= 40
        assert len(teams) >= 10
        assert set(range(2017, 2026)) <= years
        assert any("/pipermail/" in u for u in urls)
        assert any("/archives/list/" in u for u in urls)  # HyperKitty
        assert {d.suffix for d in docs} == {".txt", ".html"}

    def test_held_back_split_follows_the_recorded_rules(self) -> None:
        """First 45 documents: every 5th held back; batch2-9.lst, batch11-12.lst: every 4th; batch10: none."""
        docs = documents()
        second = set((CORPUS / "batch2.lst").read_text(encoding="utf-8").split())
        third = set((CORPUS / "batch3.lst").read_text(encoding="utf-8").split())
        fourth = set((CORPUS / "batch4.lst").read_text(encoding="utf-8").split())
        fifth = set((CORPUS / "batch5.lst").read_text(encoding="utf-8").split())
        sixth = set((CORPUS / "batch6.lst").read_text(encoding="utf-8").split())
        seventh = set((CORPUS / "batch7.lst").read_text(encoding="utf-8").split())
        eighth = set((CORPUS / "batch8.lst").read_text(encoding="utf-8").split())
        ninth = set((CORPUS / "batch9.lst").read_text(encoding="utf-8").split())
        tenth = set((CORPUS / "batch10.lst").read_text(encoding="utf-8").split())
        eleventh = set((CORPUS / "batch11.lst").read_text(encoding="utf-8").split())
        twelfth = set((CORPUS / "batch12.lst").read_text(encoding="utf-8").split())
        later = (
            second
            | third
            | fourth
            | fifth
            | sixth
            | seventh
            | eighth
            | ninth
            | tenth
            | eleventh
            | twelfth
        )
        assert later <= {d.stem for d in docs}
        sizes = [
            len(second),
            len(third),
            len(fourth),
            len(fifth),
            len(sixth),
            len(seventh),
            len(eighth),
            len(ninth),
            len(tenth),
            len(eleventh),
            len(twelfth),
        ]
        assert len(later) == sum(sizes)  # no stem in two
        first_batch = [d for d in docs if d.stem not in later]
        batches = [
            [d for d in docs if d.stem in batch]
            for batch in (
                second,
                third,
                fourth,
                fifth,
                sixth,
                seventh,
                eighth,
                ninth,
                eleventh,
                twelfth,
            )
        ]
        held = [d for d in docs if annotation(d)["split"] == "held-back"]
        assert len(first_batch) == 45
        assert held == sorted(first_batch[4::5] + [d for b in batches for d in b[3::4]])
        assert all(annotation(d)["split"] == "tuned" for d in docs if d.stem in tenth)
        assert len({annotation(d)["team"] for d in held}) >= 5
        required = [a for d in held for a in annotation(d)["actions"] if not a["optional"]]
        assert len(required) >= 25


class TestAnnotationSchema:
    """Each annotation has exactly the documented keys and types."""

    @pytest.mark.parametrize("doc", documents(), ids=lambda p: p.stem)
    def test_schema(self, doc: Path) -> None:
        """Keys, types and enumerations of one annotation."""
        data = annotation(doc)
        assert set(data) == KEYS
        assert isinstance(data["team"], str)
        assert re.fullmatch(r"[a-z][a-z0-9-]*", data["team"])
        assert doc.stem.startswith(data["team"] + "-")
        assert data["kind"] in KINDS
        assert data["split"] in SPLITS
        for key in ("topics", "decisions"):
            assert isinstance(data[key], list)
            assert all(isinstance(x, str) and x.strip() for x in data[key])
        assert isinstance(data["notes"], str)
        assert data["notes"].strip()
        equivalents = data["owner_equivalents"]
        assert isinstance(equivalents, dict)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in equivalents.items())
        for action in data["actions"]:
            assert set(action) == ACTION_KEYS
            assert isinstance(action["text"], str)
            assert action["text"].strip()
            assert isinstance(action["owners"], list)
            assert all(isinstance(o, str) and o for o in action["owners"])
            assert isinstance(action["explicit"], bool)
            assert isinstance(action["optional"], bool)

    @pytest.mark.parametrize("doc", documents(), ids=lambda p: p.stem)
    def test_annotated_texts_are_in_the_document(self, doc: Path) -> None:
        """Every annotated action, decision and topic is quoted from its document."""
        data = annotation(doc)
        body = flat(doc.read_text(encoding="utf-8"))
        quoted = [a["text"] for a in data["actions"]] + data["decisions"] + data["topics"]
        missing = [q for q in quoted if flat(q) not in body]
        assert missing == []


class TestScoring:
    """The corpus scoring (tests/corpus_score.py) on a tiny in-test example."""

    ANNOTATION: ClassVar[dict] = {
        "actions": [
            {
                "text": "gmann to start the retirement process.",
                "owners": ["gmann"],
                "explicit": True,
                "optional": False,
            },
            {
                "text": "Rodolfo and Miguel will follow up on Nova's plans to drop eventlet",
                "owners": ["ralonsoh", "mlavalle"],
                "explicit": True,
                "optional": False,
            },
            {"text": "Possibly send an email.", "owners": [], "explicit": False, "optional": True},
            {"text": "keep doing runways", "owners": [], "explicit": False, "optional": False},
        ],
        "owner_equivalents": {"Rodolfo": "ralonsoh", "Miguel": "mlavalle"},
    }

    def test_exact_prefix_optional_and_unmatched(self) -> None:
        """Exact and prefix-30 matches count, an optional hit is neutral, a stray item costs precision."""
        extracted = [
            ("Action: gmann to start the retirement process.", ("gmann",)),
            ("Rodolfo and Miguel will follow up on the eventlet removal", ("Rodolfo", "miguel")),
            ("possibly send an email", ()),
            ("We had a great week in Denver", ()),
        ]
        s = corpus_score.score(self.ANNOTATION, extracted)
        assert (s.annotated, s.optional, s.extracted) == (3, 1, 4)
        assert (s.matched, s.optional_hits, s.unmatched, s.owners_right) == (2, 1, 1, 2)
        assert s.recall == pytest.approx(2 / 3)
        assert s.precision == pytest.approx(2 / 3)
        assert s.owner_accuracy == 1.0
        assert s.rejected is False

    def test_wrong_owners_and_rejection(self) -> None:
        """A match with other owners lowers owner accuracy; a rejected document extracts nothing."""
        s = corpus_score.score(self.ANNOTATION, [("gmann to start the retirement process", ())])
        assert (s.matched, s.owners_right, s.owner_accuracy) == (1, 0, 0.0)
        rejected = corpus_score.score(self.ANNOTATION, None)
        assert (rejected.rejected, rejected.extracted, rejected.matched) == (True, 0, 0)
        assert rejected.recall == 0.0
        assert rejected.precision is None

    def test_containment_and_markers(self) -> None:
        """One text holding the other's first 30 characters matches; markers and bullets are ignored."""
        assert corpus_score.same_item(
            "sean-k-mooney to write sibling specs for nova and neutron",
            "write sibling specs for nova and neutron",
        )
        assert not corpus_score.same_item("keep doing runways", "keep doing themes")
        assert (
            corpus_score.normalise("  * #action  VW to email UC\n today") == "vw to email uc today"
        )
        assert corpus_score.normalise("AI: 1) Document the steps") == "document the steps"

    def test_measure_and_json(self, tmp_path) -> None:
        """A one-document corpus is scored with per-file, split and team totals; a split filter skips it."""
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "demo-2021-x.txt").write_text(
            "https://example.invalid/demo\n=== Docs ===\nActions:\n- gmann to update the docs\n",
            encoding="utf-8",
        )
        note = {
            "url": "https://example.invalid/demo",
            "team": "demo",
            "kind": "ptg-summary",
            "split": "tuned",
            "topics": ["Docs"],
            "decisions": [],
            "actions": [
                {
                    "text": "gmann to update the docs",
                    "owners": ["gmann"],
                    "explicit": True,
                    "optional": False,
                }
            ],
            "owner_equivalents": {},
            "notes": "tiny",
        }
        (corpus / "demo-2021-x.json").write_text(json.dumps(note), encoding="utf-8")
        rows = corpus_score.measure(corpus)
        data = json.loads(json.dumps(corpus_score.as_json(rows, corpus, 0.5)))
        assert corpus_score.measure(corpus, ["held-back"]) == []
        assert "demo-2021-x.txt" in corpus_score.report(rows)
        assert data["documents"] == 1
        assert [f["file"] for f in data["files"]] == ["demo-2021-x.txt"]
        assert set(data["splits"]) == {"tuned"}
        assert set(data["teams"]) == {"demo"}
        assert data["all"]["annotated"] == 1
        assert data["all"]["matched"] == data["files"][0]["matched"]
