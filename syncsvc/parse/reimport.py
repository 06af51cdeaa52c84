"""Re-import matching: which stored topics and actions a new version of a summary updates.

Pure functions over texts; the storage (:func:`syncsvc.models.importer.save_event`)
loads the stored topics and actions of the source and applies the pairs these
rules return. Pass :data:`REIMPORT` as its ``rules``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from syncsvc.domain import ActionSlot

ACTION_SIMILARITY = 0.6  # difflib ratio for "the same action, lightly edited"
TOPIC_SIMILARITY = 0.8  # stricter: topic headings are short, so edits move the ratio more


def match_texts(new: Sequence[str], old: Sequence[str], threshold: float) -> dict[int, int]:
    """Pair ``new[i]`` with ``old[j]``: equal texts first, in order, then the most similar.

    Similar pairs (difflib ratio >= ``threshold``) are taken greedily, best ratio
    first, ties to the closest indexes. Returns ``{i: j}``.
    """
    pairs: dict[int, int] = {}
    free: dict[str, list[int]] = defaultdict(list)
    for j, text in enumerate(old):
        free[text].append(j)
    for i, text in enumerate(new):
        if free.get(text):
            pairs[i] = free[text].pop(0)
    taken = set(pairs.values())
    scored: list[tuple[float, int, int, int]] = []
    for i, text in enumerate(new):
        for j, other in enumerate(old):
            if i in pairs or j in taken:
                continue
            matcher = SequenceMatcher(None, text, other, autojunk=False)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                scored.append((-matcher.ratio(), abs(i - j), i, j))
    for ratio, _, i, j in sorted(scored):
        if -ratio >= threshold and i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def match_topics(new: Sequence[str], old: Sequence[str]) -> dict[int, int]:
    """Pair a summary's topic titles with the source's stored ones (ratio >= 0.8)."""
    return match_texts(new, old, TOPIC_SIMILARITY)


def match_actions(new: Sequence[str], old: Sequence[ActionSlot]) -> dict[int, int]:
    """Pair a topic's new action texts with its stored actions (``old``, current first).

    Equal or lightly edited texts (ratio >= 0.6) pair first; when the topic keeps
    its number of current actions, the rest pair by position. Returns ``{i: j}``.
    """
    pairs = match_texts(new, [slot.text for slot in old], ACTION_SIMILARITY)
    if sum(not slot.withdrawn for slot in old) == len(new):
        taken = set(pairs.values())
        free = {
            slot.position: j for j, slot in enumerate(old) if j not in taken and not slot.withdrawn
        }
        for i in range(len(new)):
            if i not in pairs and i in free:
                pairs[i] = free[i]
    return pairs


def shares_content(new: Sequence[str], old: Sequence[str]) -> bool:
    """Whether a summary with actions ``new`` reads as a version of a source whose current
    actions are ``old``: at least half of the smaller set pair up (or ``old`` is empty)."""
    if not old:
        return True
    pairs = match_texts(new, old, ACTION_SIMILARITY)
    return bool(new) and 2 * len(pairs) >= min(len(old), len(new))


@dataclass(frozen=True, slots=True)
class ReimportMatching:
    """The re-import rules as one value, for the storage to call."""

    def match_topics(self, new: Sequence[str], old: Sequence[str]) -> dict[int, int]:
        """See :func:`match_topics`."""
        return match_topics(new, old)

    def match_actions(self, new: Sequence[str], old: Sequence[ActionSlot]) -> dict[int, int]:
        """See :func:`match_actions`."""
        return match_actions(new, old)

    def shares_content(self, new: Sequence[str], old: Sequence[str]) -> bool:
        """See :func:`shares_content`."""
        return shares_content(new, old)


REIMPORT = ReimportMatching()
