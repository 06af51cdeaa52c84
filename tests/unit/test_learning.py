"""What decisions on suggestions teach: the words, their factors, and how they are used."""

from __future__ import annotations

from syncsvc.domain import LinkDecision, LinkKind, LinkStatus
from syncsvc.reconcile.evidence import score_candidate
from syncsvc.reconcile.learning import FLOOR, digest, factors, learn_words, matched_words
from syncsvc.reconcile.weights import STOP_WEIGHT, WordStats, WordWeights


def decision(action: int, change: str, status: LinkStatus, evidence: str) -> LinkDecision:
    """A decision on a suggested change."""
    return LinkDecision(action, LinkKind.CHANGE, change, status, evidence)


REJECTED, CONFIRMED = LinkStatus.REJECTED, LinkStatus.CONFIRMED


class TestMatchedWords:
    def test_subject_and_body_words_are_read_as_stems(self) -> None:
        """Both word lists of an evidence line give stems, each with the word shown."""
        evidence = (
            "words [attaching 3.7, spec 2.3, virtiof 3.7] cover 0.46 of the action, 0.56 of"
            " the change; body words [detaching 3.7, nova 3.7] cover 0.36 of the action;"
            " owner tbarron (username); project nova-specs; type spec; score 1.00"
        )
        assert matched_words(evidence) == {
            "attach": "attaching",
            "spec": "spec",
            "virtiof": "virtiof",
            "detach": "detaching",
            "nova": "nova",
        }

    def test_evidence_without_words_gives_none(self) -> None:
        """A group's evidence or a hand-made link names no matched word."""
        assert matched_words("group of change 729292 (confirmed explicit): shares") == {}
        assert matched_words("rejected by hand") == {}

    def test_the_learned_clause_is_not_read_as_matched_words(self) -> None:
        """ "weighing less after rejected suggestions [share x0.33]" lists no match."""
        evidence = (
            "words [server 3.0] cover 1; weighing less after rejected suggestions [share x0.33]"
        )
        assert matched_words(evidence) == {"server": "server"}


class TestLearnWords:
    def test_rejections_of_two_commitments_teach_a_word(self) -> None:
        """A word two commitments' rejected suggestions matched weighs 1 / (2 + 1)."""
        found = learn_words(
            [
                decision(1, "5", REJECTED, "words [share 1.2, server 3.0] cover"),
                decision(2, "6", REJECTED, "words [shares 1.2, types 3.0] cover"),
            ]
        )
        assert [(w.stem, w.shown, w.rejected, w.confirmed, w.factor) for w in found] == [
            ("share", "share", 2, 0, 0.333)
        ]
        assert found[0].rejected_links == ("1:change:5", "2:change:6")

    def test_one_commitments_rejections_teach_nothing(self) -> None:
        """Three rejected suggestions of one commitment say which records are not its work."""
        found = learn_words(
            [decision(1, str(n), REJECTED, "words [share 1.2] cover") for n in (5, 6, 7)]
        )
        assert found == ()

    def test_confirmations_offset_and_the_factor_has_a_floor(self) -> None:
        """A confirmed match lifts the factor; many rejections stop at FLOOR; a word confirmed
        as often as rejected is not learned."""
        rejected = [decision(n, str(n), REJECTED, "words [share 1.2, quota 2.0]") for n in range(9)]
        confirmed = [
            decision(20, "20", CONFIRMED, "words [share 1.2]"),
            decision(21, "21", CONFIRMED, "words [quota 1.2]"),
        ] + [decision(30 + n, str(30 + n), CONFIRMED, "words [quota 1.2]") for n in range(8)]
        found = {w.stem: w for w in learn_words(rejected + confirmed)}
        assert (found["share"].confirmed, found["share"].factor) == (1, FLOOR)
        assert "quota" not in found
        few = learn_words(rejected[:2] + confirmed[:1])
        assert [(w.stem, w.factor) for w in few] == [("quota", 0.333), ("share", 0.667)]

    def test_suggested_links_teach_nothing_and_the_digest_is_stable(self) -> None:
        """Only confirmed and rejected links count; the same factors give the same digest."""
        pending = [decision(n, str(n), LinkStatus.SUGGESTED, "words [share 1.2]") for n in (1, 2)]
        assert learn_words(pending) == ()
        assert digest({"a": 0.5, "b": 0.25}) == digest({"b": 0.25, "a": 0.5})
        assert digest({"a": 0.5}) != digest({"a": 0.25})
        learned = learn_words([decision(n, str(n), REJECTED, "words [share 1.2]") for n in (1, 2)])
        assert factors(learned) == {"share": 0.333}


class TestWeightsUseWhatWasLearned:
    def test_a_learned_word_weighs_less_but_stays_a_word(self) -> None:
        """The factor applies to the IDF weight, never under the stop weight; other words
        and the counts kept in JSON are untouched."""
        stats = WordStats({"share": 1, "server": 1, "dull": 40}, 100, frozenset())
        plain = stats.weights()
        taught = WordStats(
            stats.frequencies, 100, frozenset(), learned={"share": 0.5, "server": 0.1}
        )
        weights = taught.weights()
        assert weights.of("share") == plain.of("share") * 0.5
        assert weights.of("server") == STOP_WEIGHT
        assert weights.of("dull") == plain.of("dull")
        assert "server" in weights.query({"server", "dull"})
        assert taught.to_json() == stats.to_json()

    def test_the_evidence_names_the_words_weighing_less(self) -> None:
        """A candidate that matched a learned word says so in its evidence line."""
        weights = WordWeights({"share": 1, "server": 1}, 10, {"share": 0.5})
        mine = weights.query({"share", "server"})
        found = score_candidate(
            LinkKind.CHANGE,
            "5",
            mine,
            frozenset({"share", "server"}),
            None,
            None,
            weights,
            shown={"share": "shares"},
            where="project manila",
        )
        assert found is not None
        assert "weighing less after rejected suggestions [shares x0.50]" in found.evidence
        plain = WordWeights({"share": 1, "server": 1}, 10)
        other = score_candidate(
            LinkKind.CHANGE, "5", plain.query({"share", "server"}),
            frozenset({"share", "server"}), None, None, plain, shown={}, where="project manila",
        )  # fmt: skip
        assert other is not None
        assert "weighing less" not in other.evidence
        assert found.score < other.score
