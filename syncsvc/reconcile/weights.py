"""Words and their weights for candidate links: tokens, stems, IDF, and the fitted model.

``words`` turns text into the stems a commitment and a record are matched on;
``WordWeights`` weighs them by inverse document frequency over a team's own
records; ``probability`` is the logistic model that turns the evidence into a
score. Pure functions only (one memo of stems).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import snowballstemmer

from syncsvc.domain import Bug, ChangeFacts, Identity
from syncsvc.domain.keys import lp_project, repo_name

STOP_WORDS = frozenset(
    """
    a an the and or but if of to in on at by for from with without into onto about as is are
    was were be been being this that these those it its we our us they them their he she his
    her you your will shall would should could can may might must need needs do does did done
    not no yes all any some each other more most less also just only then than so such very
    propose review merge work patch change add fix update use follow look get make take see
    try help new via per etc team discuss discussion sure start continue whether there what
    write send check investigate ensure keep find ask bring
    """.split()
)
_SYNONYMS = {"specification": "spec", "specifications": "spec", "documentation": "doc"}
_WORD = re.compile(r"[a-z0-9]+")
_COMPOUND = re.compile(r"\b([a-z]{3,})-([a-z]{1,3})\b")


_STEMMER = snowballstemmer.stemmer("english")
#: The stop words' stems: "proposed" and "updates" are stop words too.
_STOP_STEMS = frozenset(_STEMMER.stemWords(sorted(STOP_WORDS)))
_STEMS: dict[str, str] = {}  # word → its stem, "" when it is never matched (a memo)


def _stem_of(word: str) -> str:
    """The stem :func:`words` keeps for ``word`` (Snowball's English stemmer, as Sphinx's
    search uses): "" for a stop word, digits or a word of two letters ("s3" is kept);
    "specification" is "spec" and "documentation" is "doc"."""
    if (stem := _STEMS.get(word)) is None:
        if word.isdigit():
            # Not kept: numbers are never words, and each change or bug number in a title
            # would hold a place in the memo until it is full (issue 14's peak RSS).
            return ""
        # a short word is kept only when it mixes letters and digits ("s3", "v2": names)
        if len(word) < (3 if word.isalpha() else 2) or word in STOP_WORDS:
            stem = ""
        else:
            stem = _SYNONYMS.get(word) or _STEMMER.stemWord(word)
            stem = "" if stem in _STOP_STEMS else stem
        if len(_STEMS) < 200_000:
            _STEMS[word] = stem
    return stem


def words(text: str, drop: Collection[str] = ()) -> frozenset[str]:
    """Lower-cased, stemmed words of ``text`` (3+ letters, or 2+ with a digit: "s3") without
    stop words, digits or the words in ``drop``; a short compound is also one word
    ("virtio-fs": ``virtiof``)."""
    lowered = text.lower()
    found = _WORD.findall(lowered)
    if "-" in lowered:  # short compounds also join: "virtio-fs" is also "virtiofs"
        found += ["".join(pair) for pair in _COMPOUND.findall(lowered)]
    stems = ((w, _stem_of(w)) for w in found)
    return frozenset(s for w, s in stems if s and w not in drop and s not in drop)


_CLAUSE = re.compile(r"[.,;:!?()\[\]\"]+\s|[;!?()\[\]\"]")


def stems(text: str, drop: Collection[str] = ()) -> tuple[str, ...]:
    """The stems of :func:`words` in the order they appear (repeats kept, no compounds):
    what phrases ("secure RBAC", "remove six") are read from."""
    found = ((w, _stem_of(w)) for w in _WORD.findall(text.lower()))
    return tuple(s for w, s in found if s and w not in drop and s not in drop)


def clauses(text: str, drop: Collection[str] = ()) -> list[tuple[str, ...]]:
    """:func:`stems` of each clause of ``text`` (split at punctuation): a phrase never
    spans two clauses."""
    return [found for part in _CLAUSE.split(text) if (found := stems(part, drop))]


def surface_forms(text: str) -> dict[str, str]:
    """Each stem of ``text`` with the first word that gave it, for evidence a person reads
    ("affinity", not the stem "affin")."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        if (stem := _stem_of(word)) and stem not in found:
            found[stem] = word
    return found


# The model: a logistic regression over six pieces of evidence, fitted on the tuning split
# of the linking set (tests/data/linking; benchmarks/fit_linking.py prints the weights), so
# a score of 0.8 is right about 8 times in 10 there:
#   cover  the IDF weight of the shared words / the IDF weight of all the action's words
#   fit    the IDF weight of the shared words / the IDF weight of all the record's words
#   rare   the IDF weight of the shared words / the weight of a word no record uses
#   owner  1 when an owner wrote the change or holds the bug
#   hint   1 when the wording gave a type hint the record fits (spec, tempest, client)
#   body   the IDF weight of the action's words that a change's commit-message body holds and
#          its subject does not / the IDF weight of all the action's words
# The score is the logistic of BIAS plus each piece of evidence times its weight. Body words
# count in ``body`` only (not in cover, fit or rare), so a body word weighs less than the
# same word in the subject: on the tuning commitments its logit per unit of word weight is a
# median 0.42 of what the subject's cover and rare terms alone give (under 1 for 48 of 52).
# Refitted once the tuning split took in a fourth team (Glance: 60 commitments, 7,304
# candidates, 126 right); the weights moved by 0.2 at most.
BIAS, COVER_WEIGHT, FIT_WEIGHT, RARE_WEIGHT = -6.42, 0.11, 3.43, 2.45
OWNER_WEIGHT, HINT_WEIGHT = 1.54, -0.55
BODY_WEIGHT = 7.9


def probability(
    cover: float, fit: float, rare: float, *, owner: bool, hint: bool, body: float = 0.0
) -> float:
    """The model's score for one record, rounded to 3 decimals."""
    z = BIAS + COVER_WEIGHT * cover + FIT_WEIGHT * fit + RARE_WEIGHT * rare
    z += OWNER_WEIGHT * owner + HINT_WEIGHT * hint
    if body:
        z += BODY_WEIGHT * body
    return round(1 / (1 + math.exp(-z)), 3)


STOP_WEIGHT = 1.05  # ln(1 / 0.35): a word in 35% of a team's records or more is a stop word


class WordWeights:
    """Inverse document frequency of words over a team's changes and bugs.

    ``ln((N + 1) / df)``: a word in every record ("manila", "share" for Manila)
    weighs almost nothing, a word in one record weighs most; a word no team record
    uses weighs ``ln(N + 2)``. The stop words of a team come from its own records.
    """

    def __init__(
        self,
        frequencies: Mapping[str, int],
        records: int,
        learned: Mapping[str, float] | None = None,
    ) -> None:
        self.records = records
        self.unknown = math.log(records + 2)
        self.idf = _Weights({w: math.log((records + 1) / n) for w, n in frequencies.items()})
        self.idf.unknown = self.unknown
        # Words the team's rejections taught to weigh less (see syncsvc.reconcile.learning):
        # stem → the factor its weight is multiplied by.
        self.learned: Mapping[str, float] = learned or {}
        # A learned word weighs less but is still a word: never under the stop weight.
        for word, factor in self.learned.items():
            weight = self.idf[word]
            self.idf[word] = max(min(weight, STOP_WEIGHT), weight * factor)

    @classmethod
    def count(cls, records: Iterable[frozenset[str]]) -> WordWeights:
        """The weights of the words of ``records`` (one word set per record)."""
        frequencies: dict[str, int] = defaultdict(int)
        total = 0
        for found in records:
            total += 1
            for word in found:
                frequencies[word] += 1
        return cls(frequencies, total)

    def of(self, word: str) -> float:
        """The weight of one word."""
        return self.idf[word]

    def query(self, found: Collection[str]) -> dict[str, float]:
        """An action's words with their weights, without the team's stop words: the words
        in over a third of its records (weight below STOP_WEIGHT)."""
        return {w: weight for w in found if (weight := self.idf[w]) >= STOP_WEIGHT}

    def total(self, found: Collection[str]) -> float:
        """The summed weight of a word set (``fsum``: the same in any order)."""
        return math.fsum(map(self.idf.__getitem__, found))


class _Weights(dict[str, float]):
    """Word → weight, with the weight of an unknown word for any other."""

    unknown = 0.0

    def __missing__(self, word: str) -> float:
        return self.unknown


def people_words(identities: Sequence[Identity]) -> frozenset[str]:
    """The nicks and the words of the names of everyone in the identity map: a person's
    name says who, not what, so it is never matched."""
    found = {i.nick.casefold() for i in identities}
    for identity in identities:
        found |= words(identity.name or "")
    return frozenset(found)


_EDGE = 1e-9


def _logit(p: float) -> float:
    """The logit of a score, clipped away from 0 and 1."""
    p = min(max(p, _EDGE), 1 - _EDGE)
    return math.log(p / (1 - p))


def _lowered(floor: float) -> float:
    """The logit of the score 0.002 below the one at logit ``floor`` (-inf: no floor)."""
    if math.isinf(floor):
        return floor
    p = 1 / (1 + math.exp(-min(max(floor, -40.0), 40.0))) - 0.002
    return -math.inf if p <= 0 else _logit(p)


def change_words(change: ChangeFacts) -> frozenset[str]:
    """The words a change is matched on: subject, topic, hashtags and blueprint names."""
    text = f"{change.subject} {(change.topic or '').replace('/', ' ')}"
    blueprints = [b.rsplit("/", 1)[-1].replace("-", " ") for b in change.footers.blueprints]
    return words(" ".join([text, *change.hashtags, *blueprints]))


def body_words(change: ChangeFacts, subject: frozenset[str] | None = None) -> frozenset[str]:
    """The words of a change's commit-message body that its own words (``subject``:
    :func:`change_words`) lack: the body's evidence, weighed less than the subject's (see
    BODY_WEIGHT)."""
    if not change.body:
        return frozenset()
    return words(change.body) - (change_words(change) if subject is None else subject)


def bug_words(bug: Bug) -> frozenset[str]:
    """The words a bug is matched on: title and tags."""
    return words(" ".join([bug.title, *bug.tags]))


class _Query(NamedTuple):
    """An action's words: each one's weight, the set, the summed weight."""

    weights: dict[str, float]
    words: frozenset[str]
    total: float


@dataclass(frozen=True, slots=True)
class WordStats:
    """What word weights hang on beyond one action and one record: how many of the team's
    records use each word, how many records there are, and the people's words (never
    matched). A relink keeps them between runs (see :mod:`syncsvc.sync.relink`) so that
    a new record changes only its own scores."""

    frequencies: Mapping[str, int]
    records: int
    people: frozenset[str]
    #: What the team's decisions taught (stem → weight factor); not kept with the counts.
    learned: Mapping[str, float] = field(default_factory=dict, compare=False)

    def weights(self) -> WordWeights:
        """The word weights these statistics give, with the learned factors applied."""
        return WordWeights(self.frequencies, self.records, self.learned)

    def to_json(self) -> str:
        """The statistics as JSON text (sorted: the same statistics, the same text)."""
        return json.dumps(
            {
                "frequencies": dict(sorted(self.frequencies.items())),
                "records": self.records,
                "people": sorted(self.people),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> WordStats:
        """The statistics :meth:`to_json` wrote."""
        found = json.loads(text)
        frequencies = {str(w): int(n) for w, n in found["frequencies"].items()}
        return cls(frequencies, int(found["records"]), frozenset(map(str, found["people"])))


def team_records(
    changes: Iterable[ChangeFacts], bugs: Iterable[Bug], team_projects: Iterable[str]
) -> int:
    """How many records :func:`team_record_words` gives word sets for, without making them."""
    team = frozenset(repo_name(p) for p in team_projects)
    found = sum(repo_name(c.project) in team for c in changes)
    return found + sum(bool({lp_project(t.target) for t in b.tasks} & team) for b in bugs)


def team_record_words(
    changes: Iterable[ChangeFacts], bugs: Iterable[Bug], team_projects: Iterable[str]
) -> Iterator[frozenset[str]]:
    """The word sets of the team's records, one at a time: changes in a team repository and
    bugs with a task on a team project (hidden ones included), as the candidate pool indexes
    them."""
    team = frozenset(repo_name(p) for p in team_projects)
    yield from (change_words(c) for c in changes if repo_name(c.project) in team)
    yield from (bug_words(b) for b in bugs if {lp_project(t.target) for t in b.tasks} & team)


def word_stats(
    changes: Sequence[ChangeFacts],
    bugs: Sequence[Bug],
    identities: Sequence[Identity],
    team_projects: Sequence[str],
) -> WordStats:
    """The statistics of the team's records now (what a pool without given statistics uses),
    counted one record at a time: every record's word set at once weighs more than the
    statistics (issue 14's peak RSS)."""
    frequencies: dict[str, int] = defaultdict(int)
    records = 0
    for found in team_record_words(changes, bugs, team_projects):
        records += 1
        for word in found:
            frequencies[word] += 1
    return WordStats(dict(frequencies), records, people_words(identities))
