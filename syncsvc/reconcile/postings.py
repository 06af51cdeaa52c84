"""Word postings as NumPy arrays: the Dice overlap of one word set with every record.

The candidate pool keeps, for each word, the positions of the records that use
it. Counting how many of an action's words each record shares is one
``bincount`` over the concatenated postings, so ranking an action against a
whole side of the pool (changes or bugs) is a handful of vector operations
instead of a Python loop over the records. Pure functions only.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Positions = NDArray[np.int64]
Mask = NDArray[np.bool_]
Floats = NDArray[np.float64]
NO_POSITIONS: Positions = np.empty(0, np.int64)
INT32_MAX = 2**31 - 1


def packed(values: list[int]) -> Sequence[int]:
    """``values`` as an array of int32, else int64, when they all fit; else the list."""
    for code in "iq":
        try:
            return array(code, values)
        except OverflowError:
            continue
    return values


def small_codes(count: int) -> type[np.signedinteger[Any]]:
    """The narrowest of int16 and int32 that numbers ``count`` things (codes of projects,
    of target sets): indexes of fewer bytes than int64 (issue 14's peak RSS)."""
    return np.int16 if count <= 2**15 else np.int32


class Postings:
    """Records by word, with each record's word count.

    :meth:`restrict` renumbers the postings densely over the records that pass a
    filter, so the per-action arrays are only as long as that subset; positions
    given and returned are always the pool's.
    """

    def __init__(
        self,
        by_word: dict[str, Positions],
        lengths: Floats,
        members: Positions,
        local: Positions,
        totals: Floats | None = None,
    ) -> None:
        self.by_word, self.lengths = by_word, lengths
        # each record's summed word weight (see :meth:`weighted`); the lengths without weights
        self.totals = lengths if totals is None else totals
        # dense number → pool position, and pool position → dense number (-1: left out)
        self.members, self.local = members, local

    @classmethod
    def build(
        cls,
        by_word: dict[str, list[int]],
        lengths: Sequence[int],
        totals: Sequence[float] | None = None,
    ) -> Postings:
        """Postings from word → pool positions, each record's number of words and, for
        :meth:`weighted`, each record's summed word weight."""
        arrays = {w: np.array(p, dtype=np.int64) for w, p in by_word.items()}
        every = np.arange(len(lengths), dtype=np.int64)
        weights = None if totals is None else np.array(totals, dtype=np.float64)
        return cls(arrays, np.array(lengths, dtype=np.float64), every, every, weights)

    def restrict(self, keep: Mask) -> Postings:
        """The postings of the records ``keep`` selects (a mask over pool positions)."""
        members = keep.nonzero()[0]
        local = np.full(len(keep), -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        by_word = {}
        for word, positions in self.by_word.items():
            renumbered = local[positions]
            if len(kept := renumbered[renumbered >= 0]):
                by_word[word] = kept
        return Postings(by_word, self.lengths[members], members, local, self.totals[members])

    def overlap(self, mine: frozenset[str], skip: Collection[int]) -> tuple[Positions, Floats]:
        """The records sharing a word with ``mine``, except the positions in ``skip``,
        and their Dice overlap ``2 * shared / (len(mine) + len(theirs))``."""
        postings = [p for w in mine if (p := self.by_word.get(w)) is not None]
        if not postings:
            return NO_POSITIONS, np.empty(0)
        counts = np.bincount(np.concatenate(postings), minlength=len(self.lengths))
        if skip:
            skipped = self.local[np.fromiter(skip, np.int64, len(skip))]
            counts[skipped[skipped >= 0]] = 0
        found = (counts > 0).nonzero()[0]  # flatnonzero on integers is several times slower
        return self.members[found], 2 * counts[found] / (len(mine) + self.lengths[found])

    def weighted(
        self, mine: Mapping[str, float], skip: Collection[int]
    ) -> tuple[Positions, Floats, Floats]:
        """The records sharing a word with ``mine`` (word → weight, all weights > 0), except
        the positions in ``skip``: their positions, the summed weight of the shared words,
        and each one's total weight."""
        found = [
            (p, weight) for w, weight in mine.items() if (p := self.by_word.get(w)) is not None
        ]
        if not found:
            return NO_POSITIONS, np.empty(0), np.empty(0)
        positions = np.concatenate([p for p, _ in found])
        weights = np.repeat([weight for _, weight in found], [len(p) for p, _ in found])
        sums = np.bincount(positions, weights=weights, minlength=len(self.lengths)).astype(
            np.float64, copy=False
        )
        if skip:
            skipped = self.local[np.fromiter(skip, np.int64, len(skip))]
            sums[skipped[skipped >= 0]] = 0
        hit = (sums > 0).nonzero()[0]
        return self.members[hit], sums[hit], self.totals[hit]


def rank_floor(limit: int, *ranks: Floats, near: float = 0.2) -> float:
    """The ``limit``-th best of all ``ranks`` (``-inf`` when there are no more than
    ``limit``): nothing below it can be among the best ``limit``."""
    every = np.concatenate(ranks)
    if len(every) <= limit:
        return -np.inf
    # The best ranks are usually within ``near`` of the top one: select among those first.
    if len(close := every[every >= every.max() - near]) >= limit:
        every = close
    return float(np.partition(every, len(every) - limit)[len(every) - limit])


def word_slices(
    used: array[int], ends: array[int], vocabulary: int
) -> tuple[NDArray[np.int32], Positions, dict[int, Positions]]:
    """Records' word ids in one array (record ``i``'s: ``bounds[i]:bounds[i + 1]``), the
    bounds, and word id → the records using it, ascending."""
    ids = np.frombuffer(used, dtype=np.int32) if used else np.empty(0, np.int32)
    found = np.frombuffer(ends, dtype=np.int64) if ends else np.empty(0, np.int64)
    bounds = np.concatenate((np.zeros(1, np.int64), found))
    if not len(ids):
        return ids, bounds, {}
    owner_of = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    by_id = np.argsort(ids, kind="stable")
    cuts = np.searchsorted(ids[by_id], np.arange(vocabulary + 1))
    return (
        ids,
        bounds,
        {n: owner_of[by_id[cuts[n] : cuts[n + 1]]] for n in np.unique(ids).tolist()},
    )


def merged(
    positions: Positions, shared: Floats, bodies: Positions, in_body: Floats
) -> tuple[Positions, Floats, Floats]:
    """The union of two ascending position arrays, with each one's shared weight in the
    record's own words and in its body only (0.0 where a record is not in one of them)."""
    every = np.union1d(positions, bodies)
    own, body = np.zeros(len(every)), np.zeros(len(every))
    own[np.searchsorted(every, positions)] = shared
    body[np.searchsorted(every, bodies)] = in_body
    return every, own, body
