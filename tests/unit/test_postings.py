"""Word postings as arrays: Dice overlap for every record at once, and the rank floor."""

from __future__ import annotations

import math

import numpy as np

from syncsvc.reconcile.postings import Postings, packed, rank_floor, small_codes

# Records 0..4 with their words; record 3 has none (not in the team, say).
RECORDS = [{"share", "quota"}, {"share"}, {"quota", "scheduler", "replica"}, set(), {"replica"}]


def postings() -> Postings:
    """Postings built from RECORDS."""
    by_word: dict[str, list[int]] = {}
    for i, words in enumerate(RECORDS):
        for word in sorted(words):
            by_word.setdefault(word, []).append(i)
    return Postings.build(by_word, [len(w) for w in RECORDS])


def as_dict(found: tuple[np.ndarray, np.ndarray]) -> dict[int, float]:
    """Positions → overlap, rounded for comparison."""
    positions, overlap = found
    return {int(p): round(float(o), 4) for p, o in zip(positions, overlap, strict=True)}


class TestPostings:
    """Overlap, skipping and restriction."""

    def test_overlap_is_dice(self) -> None:
        """Each record sharing a word gets 2 * shared / (mine + theirs); others are absent."""
        found = as_dict(postings().overlap(frozenset({"share", "quota"}), ()))
        assert found == {0: 1.0, 1: round(2 / 3, 4), 2: 0.4}

    def test_skip_and_unknown_words(self) -> None:
        """Skipped positions are left out; words nobody uses find nothing."""
        assert as_dict(postings().overlap(frozenset({"share", "quota"}), {0, 3})) == {
            1: round(2 / 3, 4),
            2: 0.4,
        }
        assert as_dict(postings().overlap(frozenset({"affinity"}), ())) == {}

    def test_weighted_sums_the_shared_words_weights(self) -> None:
        """Each record sharing a word gets the summed weight of the shared words and its total."""
        by_word: dict[str, list[int]] = {}
        for i, found in enumerate(RECORDS):
            for word in sorted(found):
                by_word.setdefault(word, []).append(i)
        totals = [2.5, 1.0, 4.0, 0.0, 1.5]
        built = Postings.build(by_word, [len(w) for w in RECORDS], totals)
        view = built.restrict(np.array([True, True, True, False, False]))
        positions, sums, whole = view.weighted({"quota": 1.5, "replica": 2.0}, {1})
        assert positions.tolist() == [0, 2]
        assert sums.tolist() == [1.5, 3.5]
        assert whole.tolist() == [2.5, 4.0]

    def test_restrict_keeps_pool_positions(self) -> None:
        """A restricted view answers with the pool's positions, never the dense ones."""
        view = postings().restrict(np.array([False, True, True, False, True]))
        assert as_dict(view.overlap(frozenset({"share", "replica"}), ())) == {
            1: round(2 / 3, 4),
            2: 0.4,
            4: round(2 / 3, 4),
        }
        assert as_dict(view.overlap(frozenset({"share", "replica"}), {0, 4})) == {
            1: round(2 / 3, 4),
            2: 0.4,
        }
        assert sorted(view.by_word) == ["quota", "replica", "scheduler", "share"]


class TestRankFloor:
    """The limit-th best rank."""

    def test_floor_counts_ties(self) -> None:
        """With ties, the floor is the limit-th value, ties included."""
        ranks = np.array([0.3, 0.9, 0.6, 0.6, 0.1])
        assert rank_floor(1, ranks) == 0.9
        assert rank_floor(3, ranks) == 0.6
        assert rank_floor(4, ranks[:2], ranks[2:]) == 0.3

    def test_floor_far_below_the_top(self) -> None:
        """The limit-th best may be far below the best one."""
        assert rank_floor(2, np.array([0.95, 0.1, 0.05])) == 0.1

    def test_no_floor_without_enough_ranks(self) -> None:
        """No more ranks than the limit: nothing can be left out."""
        assert math.isinf(rank_floor(3, np.array([0.2, 0.4]), np.empty(0)))


class TestNarrowArrays:
    """The candidate index's narrow arrays hold exactly the values given."""

    def test_packed_takes_the_narrowest_array_that_holds_every_value(self):
        """int32 when every value fits, else int64, else the list itself; equal values."""
        small, large, huge = [1, 2**31 - 1, -(2**31)], [2**31, 5], [2**63, 1]
        assert (packed(small).typecode, list(packed(small))) == ("i", small)
        assert (packed(large).typecode, list(packed(large))) == ("q", large)
        assert packed(huge) is huge

    def test_small_codes_number_every_code(self):
        """int16 up to 2**15 codes, int32 beyond; the largest code round-trips."""
        assert small_codes(2**15) is np.int16
        assert small_codes(2**15 + 1) is np.int32
        assert int(np.array([2**15 - 1], dtype=small_codes(2**15))[0]) == 2**15 - 1
