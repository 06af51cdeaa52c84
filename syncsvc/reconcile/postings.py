"""Word postings as NumPy arrays: the Dice overlap of one word set with every record.

The candidate pool keeps, for each word, the positions of the records that use
it. Counting how many of an action's words each record shares is one
``bincount`` over the concatenated postings, so ranking an action against a
whole side of the pool (changes or bugs) is a handful of vector operations
instead of a Python loop over the records. Pure functions only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
from numpy.typing import NDArray

Positions = NDArray[np.int64]
Mask = NDArray[np.bool_]
Floats = NDArray[np.float64]
NO_POSITIONS: Positions = np.empty(0, np.int64)


class Postings:
    """Records by word, with each record's word count.

    :meth:`restrict` renumbers the postings densely over the records that pass a
    filter, so the per-action arrays are only as long as that subset; positions
    given and returned are always the pool's.
    """

    def __init__(
        self, by_word: dict[str, Positions], lengths: Floats, members: Positions, local: Positions
    ) -> None:
        self.by_word, self.lengths = by_word, lengths
        # dense number → pool position, and pool position → dense number (-1: left out)
        self.members, self.local = members, local

    @classmethod
    def build(cls, by_word: dict[str, list[int]], lengths: Sequence[int]) -> Postings:
        """Postings from word → pool positions and each record's number of words."""
        arrays = {w: np.array(p, dtype=np.int64) for w, p in by_word.items()}
        every = np.arange(len(lengths), dtype=np.int64)
        return cls(arrays, np.array(lengths, dtype=np.float64), every, every)

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
        return Postings(by_word, self.lengths[members], members, local)

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


def rank_floor(limit: int, *ranks: Floats) -> float:
    """The ``limit``-th best of all ``ranks`` (``-inf`` when there are no more than
    ``limit``): nothing below it can be among the best ``limit``."""
    every = np.concatenate(ranks)
    if len(every) <= limit:
        return -np.inf
    # The best ranks are usually close to the top one: select among those first.
    if len(near := every[every >= every.max() - 0.2]) >= limit:
        every = near
    return float(np.partition(every, len(every) - limit)[len(every) - limit])
