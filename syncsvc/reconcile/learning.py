"""What the team's decisions on suggestions teach: words that keep producing rejected
suggestions weigh less.

A suggested link explains itself with the words it matched ("words [share 1.2, server
3.1] ..."). When people reject suggestions of several commitments that matched the same
word, that word was poor evidence for this team: a word matched by rejected suggestions
of at least :data:`MIN_COMMITMENTS` commitments has its weight multiplied by
``(confirmed + 1) / (rejected + 1)``, never below :data:`FLOOR` and never above 1, where
``rejected`` counts those suggestions and ``confirmed`` the confirmed suggestions that
matched it too. Rejections of one commitment alone teach nothing about words: they say
which records are not that commitment's work, and a rejected link is never suggested
again anyway. A learned word weighs less but stays a word (never under the team's stop
weight, see :class:`syncsvc.reconcile.weights.WordWeights`). Nothing else is learned:
owners, projects and types keep their weights, and a word nobody rejected is untouched.

Every adjustment is explained: the suggestion's evidence names the words that weigh
less, and ``syncsvc link learned`` lists each one with the decisions behind it.
Pure functions only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from syncsvc.domain import LinkDecision, LinkStatus
from syncsvc.reconcile.weights import words

#: A word is learned from once rejected suggestions of this many commitments matched it.
MIN_COMMITMENTS = 2
#: The least a word's weight is multiplied by, however often it was rejected.
FLOOR = 0.25

#: The matched words of a candidate's evidence: "words [share 1.2, server 3.1]" and
#: "body words [nova 3.7]" (see :func:`syncsvc.reconcile.evidence.score_candidate`).
_MATCHED = re.compile(r"\bwords \[(?P<words>[^\]]*)\]")
_ENTRY = re.compile(r"^\s*(?P<word>\S+)\s+-?\d+(?:\.\d+)?\s*$")


@dataclass(frozen=True, slots=True)
class LearnedWord:
    """A word that weighs less: how many rejected and confirmed suggestions matched it,
    the factor its weight is multiplied by, and the rejected links (``action:kind:id``)."""

    stem: str
    shown: str
    rejected: int
    confirmed: int
    factor: float
    rejected_links: tuple[str, ...]


def matched_words(evidence: str) -> dict[str, str]:
    """The stems a candidate's evidence says it matched, each with the word shown."""
    found: dict[str, str] = {}
    for group in _MATCHED.finditer(evidence):
        for entry in group.group("words").split(","):
            if (m := _ENTRY.match(entry)) is None:
                continue
            shown = m.group("word")
            for stem in sorted(words(shown)):
                found.setdefault(stem, shown)
    return found


def learn_words(decisions: Iterable[LinkDecision]) -> tuple[LearnedWord, ...]:
    """The words the decisions teach to weigh less, by word."""
    rejected: dict[str, list[str]] = defaultdict(list)
    confirmed: dict[str, int] = defaultdict(int)
    shown: dict[str, str] = {}
    for decision in decisions:
        if decision.status not in (LinkStatus.REJECTED, LinkStatus.CONFIRMED):
            continue
        for stem, word in matched_words(decision.evidence).items():
            shown.setdefault(stem, word)
            if decision.status is LinkStatus.REJECTED:
                rejected[stem].append(f"{decision.action_id}:{decision.kind}:{decision.id}")
            else:
                confirmed[stem] += 1
    found = []
    for stem in sorted(rejected):
        links = tuple(sorted(set(rejected[stem])))
        if len({link.split(":", 1)[0] for link in links}) < MIN_COMMITMENTS:
            continue
        factor = round(max(FLOOR, min(1.0, (confirmed[stem] + 1) / (len(links) + 1))), 3)
        if factor < 1.0:
            found.append(LearnedWord(stem, shown[stem], len(links), confirmed[stem], factor, links))
    return tuple(found)


def factors(learned: Iterable[LearnedWord]) -> dict[str, float]:
    """Stem → the factor its weight is multiplied by."""
    return {w.stem: w.factor for w in learned}


def digest(found: Mapping[str, float]) -> str:
    """A digest of the learned factors: when it changes, every suggestion is recomputed."""
    return hashlib.sha256(json.dumps(sorted(found.items())).encode()).hexdigest()
