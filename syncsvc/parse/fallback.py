"""A conservative, general fallback for commitments the hand-written rules miss.

The rules of :mod:`syncsvc.parse.assemble` and :mod:`syncsvc.parse.owners` read
the forms seen so far exactly, and find almost nothing in a new team's form.
This module scores every sentence of a document with a small logistic
regression over general features (a person or group as the subject, modal and
future verbs, an imperative verb at a list item's start, a nick in
parentheses, an action heading above, length, a question mark, the past
tense) and keeps only sentences whose probability clears a high threshold.

The weights are fitted offline on the corpus's tuned documents by
``benchmarks/bench_generalise.py`` and shipped in
:mod:`syncsvc.parse.fallback_weights`. The caller adds what this finds only
where the rules found nothing like it, flagged ``inferred`` with
:data:`FALLBACK_CONFIDENCE`, and only once the leave-one-batch-out proxy has
accepted the model (``fallback_weights.ACCEPTED``). The work per sentence is a handful of regular
expression searches, so the whole pass is linear in the text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from syncsvc.parse import fallback_weights
from syncsvc.parse.assemble import ItemKind, RawItem, RawTopic

#: The confidence of an action only the fallback found (below the rules' inferences).
FALLBACK_CONFIDENCE = 0.4
#: Characters two normalised texts must share to be the same item (as the corpus scorer).
SAME_PREFIX = 30

_BULLET = re.compile(r"^\s*(?:[-*•+·>]+|\(?\d{1,2}[.)]|[a-z][.)])\s+")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+\S|={2,}\s*\S.*?={2,}\s*$|\*\*[^*]{2,80}\*\*\s*:?\s*$)")
_UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,}|~{3,})\s*$")
_ACTION_HEADING = re.compile(
    r"\b(?:actions?|action\s+items?|next\s+steps?|to-?dos?|follow[- ]?ups?|work\s+items?"
    r"|owners?|assignments?|takeaways?|outcomes?|plans?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_IRC = re.compile(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+)?<[^>\s]{1,30}>")

_VERBS = (
    "add ask audit build check clean close collect contact continue coordinate create decide"
    " define deprecate discuss document draft drop enable ensure evaluate explore figure file"
    " find finish fix follow gather get help identify implement improve investigate land look"
    " make merge migrate move open organise organize ping plan post prepare propose prototype"
    " publish push reach refresh release remove rename reply report research restart resume"
    " review revisit rework run schedule send set setup share start submit switch sync talk"
    " test track try update upload verify work write"
).split()
_IMPERATIVE = re.compile(rf"^(?:please\s+)?(?:{'|'.join(_VERBS)})\b", re.IGNORECASE)
_VERB_ALT = "|".join(_VERBS)
#: Capitalised words that start sentences but name nobody.
_NOT_NAME = (
    r"(?!(?i:We|The|This|That|These|Those|It|They|There|He|She|I|Our|My|Some|All|Each|Any"
    r"|Everyone|Someone|Nobody|Nothing|Who|What|It's|Also|So|And|Then|Here|Now)\b)"
)
_NAME = (
    r"(?:[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?|[a-z][\w-]{1,20}\d*)"
    r"(?:\s*\([^()]{2,40}\))?"  # "gmaan (Ghanshyam Maan)"
)
_NAMES = _NAME + r"(?:\s*(?:,|\band\b|&)\s*" + _NAME + r")*"
_PERSON_TO = re.compile("^" + _NOT_NAME + _NAMES + r"\s+to\s+[a-z]{3,}")
_PERSON_WILL = re.compile(
    "^" + _NOT_NAME + _NAMES + r"\s+"
    r"(?:will|is\s+going\s+to|plans\s+to|volunteered|agreed|offered\s+to|accepted\s+to"
    r"|needs\s+to|should|took|(?:is|are)\s+(?:looking|working)|said\s+(?:he|she|they)\s+will)\b"
)
_GROUP = re.compile(
    r"^(?:[^,;.?]{2,40},\s+)?(?:so,?\s+|and\s+|also,?\s+|then,?\s+|next,?\s+)?"
    r"(?:we|the\s+(?:two\s+|both\s+)?(?:team|teams|group|groups|community|cores|sig|wg)"
    r"|both\s+teams|everyone|someone|cores|[A-Z][\w-]+\s+(?:team|cores|contributors|sig))\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\bI(?:\s+will|'ll|\s+plan\s+to|\s+am\s+going\s+to)\b")
_WILL = re.compile(r"\b(?:will|'ll|going\s+to|plans?\s+to|planning\s+to)\b", re.IGNORECASE)
_NEED = re.compile(r"\b(?:needs?\s+to|have\s+to|has\s+to|must|should|ought\s+to)\b", re.IGNORECASE)
_TO_VERB = re.compile(rf"\bto\s+(?:{_VERB_ALT})\b", re.IGNORECASE)
_COMMIT_VERB = re.compile(
    r"\b(?:agreed\s+to|decided\s+to|volunteered|offered\s+to|signed\s+up|take\s+(?:care|on|over)"
    r"|will\s+take|is\s+working\s+on|owns?\b|assigned)",
    re.IGNORECASE,
)
_NICK_PARENS = re.compile(
    r"[(\[]\s*@?[A-Za-z][\w-]{1,20}(?:\s*[,/&]\s*@?[A-Za-z][\w-]{1,20})*\s*[)\]]"
)
_BY_PERSON = re.compile(r"\bby\s+@?[A-Za-z][\w-]{1,20}\s*[)\]]")
_MARKER = re.compile(r"^\s*(?:#?action\b|ai\s*:|ar\s*:|todo\b|to-do\b)", re.IGNORECASE)
_PAST = re.compile(
    r"\b(?:was|were|did|had|discussed|talked|presented|mentioned|showed|explained|noted"
    r"|reported|described|went|gave|ha[sd]\s+been|have\s+been)\b",
    re.IGNORECASE,
)
_DONE = re.compile(r"\b(?:done|completed|merged|landed|finished|fixed)\b", re.IGNORECASE)
_HEDGE = re.compile(
    r"\b(?:maybe|might|could|perhaps|possibly|would|if|whether)\b",
    re.IGNORECASE,
)
_DECIDED = re.compile(r"\b(?:agreed|decided|consensus|decision)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|won't|don't|no\s+one|nobody|never)\b", re.IGNORECASE)
_ARTEFACT = re.compile(
    r"\b(?:bugs?|specs?|patch(?:es)?|reviews?|blueprints?|docs?|documentation|tests?|jobs?"
    r"|releases?|etherpad|mail|email)\b",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"\((?:deferred|wip|pending|on\s+hold|blocked|postponed|done|complete|finished)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


_PAIRS = (
    ("action_heading", "bullet_start"),
    ("group_subject", "decided"),
    ("person_will", "bullet_start"),
    ("person_to", "bullet_start"),
    ("imperative", "bullet_start"),
    ("imperative", "action_heading"),
    ("will", "past"),
    ("group_subject", "need"),
)


def _length_bucket(words: int) -> str:
    if words < 4:
        return "len:<4"
    if words <= 8:
        return "len:4-8"
    if words <= 20:
        return "len:9-20"
    if words <= 40:
        return "len:21-40"
    return "len:>40"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One candidate: its 1-based source ``line``, its ``text`` and where it stands."""

    line: int
    text: str
    bullet: bool = False
    first: bool = False
    under_action_heading: bool = False
    irc: bool = False


def features(sentence: Sentence) -> list[str]:
    """The names of the general features ``sentence`` has (each worth 1.0)."""
    text = sentence.text.strip()
    bare = _BULLET.sub("", text, count=1)
    found = [_length_bucket(len(bare.split()))]
    flags = (
        ("bullet", sentence.bullet),
        ("bullet_start", sentence.bullet and sentence.first),
        ("action_heading", sentence.under_action_heading),
        ("irc", sentence.irc),
        ("imperative", sentence.first and bool(_IMPERATIVE.match(bare))),
        ("imperative_any", bool(_IMPERATIVE.match(bare))),
        ("person_to", bool(_PERSON_TO.match(bare))),
        ("person_will", bool(_PERSON_WILL.match(bare))),
        ("group_subject", bool(_GROUP.match(bare))),
        ("first_person", bool(_FIRST_PERSON.search(bare))),
        ("will", bool(_WILL.search(bare))),
        ("need", bool(_NEED.search(bare))),
        ("to_verb", bool(_TO_VERB.search(bare))),
        ("commit_verb", bool(_COMMIT_VERB.search(bare))),
        ("nick_parens", bool(_NICK_PARENS.search(bare))),
        ("by_person", bool(_BY_PERSON.search(bare))),
        ("marker", bool(_MARKER.match(bare))),
        ("question", "?" in bare),
        ("past", bool(_PAST.search(bare))),
        ("done", bool(_DONE.search(bare))),
        ("hedge", bool(_HEDGE.search(bare))),
        ("decided", bool(_DECIDED.search(bare))),
        ("negation", bool(_NEGATION.search(bare))),
        ("artefact", bool(_ARTEFACT.search(bare))),
        ("url", bool(_URL.search(bare))),
        ("colon_end", bare.endswith(":")),
        ("status", bool(_STATUS.search(bare))),
    )
    on = {name for name, value in flags if value}
    found += [name for name, _ in flags if name in on]
    # A few pairs whose meaning is more than the sum of the two.
    for one, other in _PAIRS:
        if one in on and other in on:
            found.append(f"{one}&{other}")
    return found


def probability(names: Iterable[str], weights: Mapping[str, float], bias: float) -> float:
    """The logistic model's probability for a sentence with the features ``names``."""
    z = bias + sum(weights.get(n, 0.0) for n in names)
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def sentences_of(text: str) -> Iterator[Sentence]:
    """Every sentence of a normalised document, with its list and heading context.

    Headings are Markdown ``#`` lines, ``== Title ==``, bold-only lines and
    underlined lines; a list item runs from its bullet to a blank line or the
    next bullet; a paragraph runs to a blank line.
    """
    lines = text.split("\n")
    heading_is_action = False
    unit: list[str] = []
    start, bullet = 0, False

    def flush() -> Iterator[Sentence]:
        if not unit:
            return
        joined = " ".join(" ".join(unit).split())
        irc = bool(_IRC.match(unit[0]))
        for index, part in enumerate(_SENTENCE_END.split(joined)):
            if len(part) >= 8:
                yield Sentence(start, part, bullet, index == 0, heading_is_action, irc)

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        nxt = lines[number].strip() if number < len(lines) else ""
        if not stripped or _UNDERLINE.match(stripped):
            yield from flush()
            unit = []
            continue
        heading = bool(_HEADING.match(stripped)) or (bool(nxt) and bool(_UNDERLINE.match(nxt)))
        short_title = (
            not unit and len(stripped) <= 60 and stripped.endswith(":") and not _BULLET.match(raw)
        )
        if heading or short_title:
            yield from flush()
            unit = []
            heading_is_action = bool(_ACTION_HEADING.search(stripped))
            continue
        if _BULLET.match(raw) or _IRC.match(raw):
            yield from flush()
            unit, start, bullet = [stripped], number, bool(_BULLET.match(raw))
            continue
        if not unit:
            start, bullet = number, False
        unit.append(stripped)
    yield from flush()


def strip_bullet(text: str) -> str:
    """``text`` without its leading bullet or list number."""
    return _BULLET.sub("", text, count=1)


def _normalise(text: str) -> str:
    flat = " ".join(text.lower().split())
    return _MARKER.sub("", _BULLET.sub("", flat, count=1)).strip(" :-")


def same_item(one: str, other: str) -> bool:
    """Whether two texts share their first 30 normalised characters, or one holds the other's."""
    a, b = _normalise(one), _normalise(other)
    if not a or not b:
        return False
    pa, pb = a[:SAME_PREFIX], b[:SAME_PREFIX]
    return pa == pb or pa in b or pb in a


@dataclass(frozen=True, slots=True)
class Found:
    """A sentence the fallback reads as a commitment, with the model's probability."""

    line: int
    text: str
    probability: float


def scored(text: str) -> Iterator[Found]:
    """Every sentence of ``text`` with the shipped model's probability."""
    weights, bias = fallback_weights.WEIGHTS, fallback_weights.BIAS
    for sentence in sentences_of(text):
        yield Found(
            sentence.line,
            strip_bullet(sentence.text),
            probability(features(sentence), weights, bias),
        )


def find_commitments(
    text: str, taken: Sequence[str] = (), *, threshold: float | None = None
) -> list[Found]:
    """The sentences of ``text`` the model reads as commitments and ``taken`` lacks.

    ``taken`` are the texts the rules already extracted; a sentence that is the
    same item as one of them (see :func:`same_item`) is left out. The default
    ``threshold`` is the shipped one.
    """
    cut = fallback_weights.THRESHOLD if threshold is None else threshold
    found: list[Found] = []
    for candidate in scored(text):
        if candidate.probability < cut:
            continue
        if any(same_item(candidate.text, t) for t in taken) or any(
            same_item(candidate.text, f.text) for f in found
        ):
            continue
        found.append(candidate)
    return found


def add_fallback_actions(text: str, topics: Sequence[RawTopic]) -> int:
    """Add the commitments the rules missed to ``topics``; return how many were added.

    Nothing is added while the shipped model is not ``ACCEPTED`` (see
    ``benchmarks/bench_generalise.py``). Each found sentence goes to the last
    topic that starts at or before its line, as an inferred action with
    :data:`FALLBACK_CONFIDENCE`. Sentences that are the same item as one of
    the topics' actions or decisions are not added.
    """
    if not topics or not fallback_weights.ACCEPTED:
        return 0
    taken = [i.text for t in topics for i in (*t.actions, *t.decisions)]
    return _place(find_commitments(text, taken), topics)


def rescue_actions(text: str, topics: Sequence[RawTopic]) -> int:
    """For a document the rules found nothing in: add the model's surest sentences.

    The alternative is rejecting the document ("no PTG structure found"), so
    the rescue has its own threshold, chosen on the documents earlier parsers
    rejected (``RESCUE_THRESHOLD``), and runs only once its leave-one-batch-out
    check has accepted it (``RESCUE_ACCEPTED``). Return how many were added.
    """
    if not topics or not fallback_weights.RESCUE_ACCEPTED:
        return 0
    return _place(find_commitments(text, threshold=fallback_weights.RESCUE_THRESHOLD), topics)


def _place(found: Sequence[Found], topics: Sequence[RawTopic]) -> int:
    """Add each found sentence to the last topic starting at or before its line."""
    for item in found:
        home = topics[0]
        for topic in topics:
            if topic.line <= item.line:
                home = topic
        home.actions.append(
            RawItem(
                item.text,
                item.line,
                0,
                ItemKind.ACTION,
                lines=[item.line],
                inferred=True,
                confidence=FALLBACK_CONFIDENCE,
            )
        )
        home.actions.sort(key=lambda i: i.line)
    return len(found)
