"""Turn item text into :class:`ActionItem` records, and recognise unmarked commitments.

Explicit actions (under an "Actions:" header, "AI:", "#action") are built with
confidence 1.0. Two weaker sources are *inferred*, flagged and given a lower
confidence, never mixed silently with explicit ones:

* a list whose header was lost: the last bullet group of a topic without any
  explicit action, separated from the discussion by a blank line, in which
  every item reads as a commitment (``LOST_HEADER_CONFIDENCE``);
* a commitment inside prose or a discussion bullet of such a topic, phrased
  with a named subject and a commitment verb ("rosmaita will put up a patch",
  "(mriedem) to follow up"), a team commitment ("we decided to ...") or, for a
  discussion bullet, a team duty ("We need to ...") (``PROSE_CONFIDENCE``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from syncsvc.domain import ActionItem, Person, Ref
from syncsvc.parse.commitments import not_a_commitment
from syncsvc.parse.milestones import KNOWN_SERIES, find_milestone, resolve_dates
from syncsvc.parse.owners import (
    GENERIC,
    NICK,
    NOT_LABELS,
    OwnerReading,
    is_project,
    read_commitment,
    read_owners,
)
from syncsvc.parse.prose_subjects import project_team_commitment
from syncsvc.parse.refs import find_refs
from syncsvc.parse.words import may_mention
from syncsvc.schedule.releases import Schedules

LOST_HEADER_CONFIDENCE = 0.7
PROSE_CONFIDENCE = 0.5

_RELEASE_ORDER = {series: position for position, series in enumerate(KNOWN_SERIES)}
_FOOTNOTE_MARK = re.compile(r"\[(\d{1,3})\]")
# Verbs that open an imperative action item ("propose the spec", "follow up with …").
_IMPERATIVE = re.compile(
    r"^(?:please\s+)?(?:propose|write|review|update|fix|send|follow[- ]up|investigate|document"
    r"|test|add|remove|create|file|draft|ping|reach\s+out|schedule|organi[sz]e|prepare"
    r"|submit|post|check|look\s+into|work\s+on|get|finish|complete|land|merge|continue|start"
    r"|publish|announce|ask|contact|discuss|decide|audit|track|triage|backport|deprecate"
    r"|implement|design|evaluate|benchmark|measure|set\s+up|clean\s+up|revisit|share"
    r"|collect|gather|summari[sz]e|raise|open|close|move|drop|retire|pursue|advance|seek"
    r"|coordinate|sync|bring|make|ensure|verify|try|attempt|reply|respond|help|assign"
    r"|do|keep|consider|improve|mark|use|stop|set|plan|run|enable|mention|invite)\b",
    re.IGNORECASE,
)
# "(mriedem) hangout for the resize work": an item that opens with its owner's nick.
_ATTRIBUTED = re.compile(r"^\((?:[a-z][\w-]*)(?:\s*[/,&]\s*[a-z][\w-]*)*\)\s+\S")
_TEAM_DUTY = re.compile(
    r"^(?:(?:next|then|also|finally|first|now|so),?\s+)?(?:we|team|the team)\s+"
    r"(?:also\s+)?(?:need|needs|must|should)\s+to\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|;\s+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|cf|incl|resp)\.|\b[A-Z]\.)$", re.IGNORECASE
)


@dataclass
class ActionContext:
    """What building an action needs besides its text: known nicks, cycle, schedules.

    ``footnotes`` holds the refs of each footnote's URL by its number (see
    :func:`footnote_refs`), for actions that point at one with ``[n]``.
    """

    schedules: Schedules
    cycle: str | None = None
    team: str | None = None
    known: set[str] = field(default_factory=set)
    aliases: Mapping[str, str] = field(default_factory=dict)
    footnotes: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)
    #: Readings of item texts with no known nicks, and the words each looked up
    #: (see :func:`syncsvc.parse.owners.read_owners_looked_up`), to keep when they hold.
    readings: Mapping[str, tuple[OwnerReading, frozenset[str]]] = field(default_factory=dict)


def build_action(
    text: str,
    position: int,
    ctx: ActionContext,
    *,
    inferred: bool = False,
    confidence: float = 1.0,
    owners: tuple[str, ...] | None = None,
    labelled: bool = False,
) -> tuple[ActionItem, tuple[Person, ...]]:
    """The :class:`ActionItem` for ``text`` and the people it names with full names.

    ``owners`` overrides the owners read from the text (meeting minutes list them).
    ``labelled`` marks an item written "Action item: ..." on its own: there
    "nick to ..." names its owner even when the nick appears nowhere else.
    A milestone of a series before ``ctx.cycle`` ("added in Victoria") sets no
    target. Footnote marks (``[1]``) add the refs of their URLs.
    """
    text = " ".join(text.split())
    known: Collection[str] = ctx.known
    if labelled and (nick := _unseen_nick(text)) is not None:
        known = {*known, nick}
    reading = _reading(text, known, ctx)
    milestone = find_milestone(text, series_hint=ctx.cycle, team=ctx.team)
    if milestone is not None and is_past(milestone.series, ctx.cycle):
        milestone = None
    due, starts = resolve_dates(milestone, ctx.schedules) if milestone else (None, None)
    action = ActionItem(
        text=text,
        owners=reading.owners if owners is None else owners,
        milestone=milestone,
        due=due,
        starts=starts,
        refs=refs_with_footnotes(text, ctx.footnotes),
        position=position,
        inferred=inferred,
        confidence=confidence,
        organisations=reading.organisations,
    )
    return action, reading.people


def _reading(text: str, known: Collection[str], ctx: ActionContext) -> OwnerReading:
    """The owners of ``text``: its reading with no known nicks when ``known`` cannot change it."""
    kept = ctx.readings.get(text) if not ctx.aliases else None
    if kept is not None and (not kept[1] or kept[1].isdisjoint({k.lower() for k in known})):
        return kept[0]
    return read_owners(text, known=known, aliases=ctx.aliases)


#: "gmann to start ...": an explicit item opening with a nick-shaped word and "to <verb>".
_NICK_TO = re.compile(rf"^(?P<nick>{NICK})\s+to\s+(?P<rest>\S.*)$", re.DOTALL)


def _unseen_nick(text: str) -> str | None:
    """The nick of an explicit item "nick to <verb> ...", though the nick appears nowhere else.

    An item labelled "Action item:" names its owner first, so the weak "nick to"
    form counts there even for a nick the document has not shown yet, when
    the word after "to" opens an imperative and the nick itself is no verb
    ("attempt to fix ..."), generic word, label or project.
    """
    m = _NICK_TO.match(text)
    if m is None or not _IMPERATIVE.match(m.group("rest")):
        return None
    nick = m.group("nick")
    if (
        _IMPERATIVE.match(nick)
        or nick in GENERIC
        or nick in NOT_LABELS
        or nick in _NOT_NICKS
        or is_project(nick)
    ):
        return None
    return nick


#: Words that open "X to do Y" without naming anyone.
_NOT_NICKS = frozenset(
    """
    need needs want wants how ways way time goal goals plan plans attempt attempts try
    going able unable hard easy nice good better best proposal request reminder agreement
    decision idea option options work effort efforts patches patch changes change spec specs
    """.split()
)


def is_past(series: str | None, cycle: str | None) -> bool:
    """Whether ``series`` came before ``cycle`` in OpenStack's release order."""
    if series not in _RELEASE_ORDER or cycle not in _RELEASE_ORDER:
        return False
    return _RELEASE_ORDER[series] < _RELEASE_ORDER[cycle]


def footnote_refs(footnotes: Mapping[str, str]) -> dict[str, tuple[Ref, ...]]:
    """The refs of each footnote's URL, by footnote number (read once per summary)."""
    return {mark: find_refs(url) for mark, url in footnotes.items()}


def refs_with_footnotes(text: str, footnotes: Mapping[str, tuple[Ref, ...]]) -> tuple[Ref, ...]:
    """The refs in ``text`` plus those of the footnotes its ``[n]`` marks point at.

    ``footnotes`` are the refs of each footnote, as :func:`footnote_refs` reads them.
    """
    if not footnotes or "[" not in text:  # most text points at no footnote
        return find_refs(text)
    refs = list(find_refs(text))
    for mark in _FOOTNOTE_MARK.findall(text):
        if mark in footnotes:
            refs.extend(r for r in footnotes[mark] if r not in refs)
    return tuple(refs)


def resolve_footnote_marks(text: str, footnotes: Mapping[str, str]) -> str:
    """``text`` with each known ``[n]`` followed by its URL (for etherpad lines)."""
    return _FOOTNOTE_MARK.sub(
        lambda m: (
            f"{m.group(0)} {footnotes[m.group(1)]}" if m.group(1) in footnotes else m.group(0)
        ),
        text,
    )


def reads_as_commitment(
    text: str, *, known: Collection[str] = (), aliases: Mapping[str, str] | None = None
) -> bool:
    """Whether a list item is phrased as something someone will do.

    True for a subject with a commitment verb ("gouthamr will …", "we'll …"), an
    imperative opening ("propose …", "follow up with …") and "we need to …".
    """
    text = text.strip()
    if not_a_commitment(text):  # a question, or a backlog entry with its status
        return False
    return (
        read_commitment(text, known=known, aliases=aliases) is not None
        or bool(_IMPERATIVE.match(text))
        or bool(_TEAM_DUTY.match(text))
        or bool(_ATTRIBUTED.match(text))
    )


def named_commitment(
    text: str, *, known: Collection[str] = (), aliases: Mapping[str, str] | None = None
) -> bool:
    """Whether ``text`` commits a named person ("rosmaita will …", "(mriedem) to …")."""
    reading = read_commitment(text, known=known, aliases=aliases)
    return reading is not None and bool(reading.owners)


#: "We agreed to ...", "we decided to ...", "We will ...": the team commits itself.
_TEAM_COMMITMENT = re.compile(
    r"^(?:(?:so|and|then|also|here|finally|but|per\s+agreed[^,]{0,60}),?\s+)?"
    r"(?:(?:we|the\s+team|tc|the\s+tc)"
    r"(?:\s*[\u2019']ll|[\u2019']re\s+(?:also\s+)?(?:going|committed)\s+to"
    r"|\s+(?:(?:all|also|then|have|had)\s+)?"
    r"(?:agreed|decided|will|are\s+(?:also\s+)?(?:going|planning)\s+to|is\s+going\s+to"
    r"|are\s+committed\s+to))\b"
    # "On the other side we decided to ...", "Short term, we'll ...": a short leading
    # phrase, then the commitment. Not a condition or a question: "if we decided to ..."
    # commits nobody.
    r"|(?!(?:if|whether|unless|what|how|why|where|when|once|until)\b)"
    r"(?:[a-z]+,?\s+){1,4}?we\s+(?:(?:also|then)\s+)?(?:agreed|decided)\b"
    # "In a couple of weeks, we will ...": up to five words of time or place first.
    r"|(?!(?:if|whether|unless|once|until|when)\b)(?:[a-z]+\s+){0,4}[a-z]+,\s+we(?:\s*[\u2019']ll|\s+will)\b"
    r"|(?:agreed|decided)\s+to\b)"
    # Not "be"/"have"/"see", and not "keep"/"continue": the status quo is no new work;
    # "we are committed to supporting the community" states a stance, not a task.
    # "we'll be looking into ..." / "we will be working on ..." is work, though.
    r"(?!\s+be\b(?!\s+(?:looking\s+into|working\s+on)\b))"
    r"(?!\s+(?:have|see|not|keep|continue|stay|remain|supporting|serving|helping)\b)"
    # "we're going to take a while and iterate": how long it lasts, not a piece of work.
    r"(?!\s+take\s+a\s+(?:little\s+|long\s+)?while\b)"
    r"(?P<that>\s+(?:then\s+)?that\b)?",
    re.IGNORECASE,
)
#: "I have an action item to ...", "the operators took the action item to ...",
#: "Rabi took the action to ...", "Rico has an AI to ...".
_ACTION_ITEM_PHRASE = re.compile(
    r"\b(?:have|has|had|took|take|takes|got)\s+(?:an|the)\s+(?:action(?:\s+items?)?|AI)\s+to\b",
    re.IGNORECASE,
)
#: "..., and we will ...", "... but we are committed to ...": a clause with its own subject.
_WE_CLAUSE = re.compile(
    r"(?:,\s*(?:and|but|so)?|\s+(?:and|but|so))\s+(?=we\b|we[\u2019']ll\b)", re.IGNORECASE
)
#: Subjects of a "that ... will" clause that commit someone.
_DOERS = frozenset({"we", "they", "i", "you", "everyone", "team", "tc"})
_PASSIVE = re.compile(r"\s+(?:need\s+to\s+)?be\s+\w+(?:ed|en|ne|wn)\b")
_MODAL = re.compile(r"\b(?:should|will|'ll|needs?\s+to|must|going\s+to)\b", re.IGNORECASE)
#: "Our next step in keystone is to ...", "The next steps are to ...": the team's own plan.
_NEXT_STEP = re.compile(
    r"^(?:(?:so|and|then)\s+)?(?:our|the(?:\s+team[\u2019']s)?)\s+next\s+steps?"
    r"(?:\s+(?:in|for|on)\s+[\w.-]+)?\s+(?:is|are|will\s+be)\s+to\s+(?!be\b|see\b|wait\b)\w",
    re.IGNORECASE,
)


def team_commitment(text: str) -> bool:
    """Whether ``text`` commits the team as a whole ("We agreed to ...", "we will ...").

    "We agreed that X" commits only when X says what will be done ("... we
    should ...", "... needs to be migrated"); otherwise it is a decision, not
    work. "Our next step is to ..." commits the team too.
    """
    if (may_mention(text, "action", "ai to") and _ACTION_ITEM_PHRASE.search(text)) or (
        may_mention(text, "next") and _NEXT_STEP.match(text.strip())
    ):
        return True
    if project_team_commitment(text):  # "The Heat team will deprecate ..."
        return True
    if not may_mention(text, "we", "team", "tc", "agreed", "decided"):  # every form has one
        return False
    m = _TEAM_COMMITMENT.match(text.strip().lstrip("-*• "))
    if m is None:
        return False
    if not m.group("that"):
        return True
    modal = _MODAL.search(text, m.end())
    if modal is None:
        return False
    if modal.group().lower() not in ("will", "'ll"):
        return True
    # "... that new scaling tests will provide results" states an outcome; work has
    # someone as the subject ("that we will", "that gmann will") or is passive
    # ("that the docs will be updated").
    subject = text[m.end() : modal.start()].split()
    return (
        len(subject) == 1
        or any(w.lower() in _DOERS for w in subject)
        or bool(_PASSIVE.match(text, modal.end()))
    )


#: "Please feel free to add items ... and we'll cover them": the clause waits on the reader.
_INVITATION = re.compile(
    r"^(?:please\s+)?(?:feel\s+free\s+to|do\s+not\s+hesitate|don[\u2019']t\s+hesitate"
    r"|if\s+(?:you|anyone|someone)\b)",
    re.IGNORECASE,
)


def team_clause(sentence: str) -> str | None:
    """The first later clause of ``sentence`` that commits the team ("..., and we will X").

    Not after an invitation or a condition on the reader ("Feel free to add
    items and we'll cover them").
    """
    if not may_mention(sentence, "we") or _INVITATION.match(sentence.strip()):
        return None
    for m in _WE_CLAUSE.finditer(sentence):
        clause = sentence[m.end() :]
        if team_commitment(clause) or prose_duty(clause):
            return clause
    return None


#: "About the backends, ralonso accepted to ...": a clause after a comma, with its own subject;
#: "Arpit would like to preview it, Jim will review ...": a capitalised name before "will".
_COMMA = re.compile(r",\s+(?=[a-z]|[A-Z][a-z]{2,20}\s+(?:will|'ll)\b)")
#: The verbs a clause's subject commits with (not "has", which states a fact). The
#: subject names at most 8 people: matched from every comma of a sentence, an unbounded
#: list made a long run of "name," lines quadratic. Matched in place (``match(text, pos)``).
_CLAUSE_VERB = re.compile(
    r"[\w\-]+(?:(?:,\s*|\s+and\s+)[\w\-]+){0,7}\s+(?:will|'ll|volunteered|agreed|accepted"
    r"|offered|signed\s+up|promised|(?:is|are)\s+looking\s+into)\b"
)


def named_clause(
    sentence: str, *, known: Collection[str] = (), aliases: Mapping[str, str] | None = None
) -> str | None:
    """The first clause after a comma that commits a named person, if any."""
    for m in _COMMA.finditer(sentence):
        if not _CLAUSE_VERB.match(sentence, m.end()):
            continue
        clause = sentence[m.end() :]
        if named_commitment(clause, known=known, aliases=aliases):
            return clause
    return None


def team_duty(text: str) -> bool:
    """Whether a list item opens "We need to ..." (the team's own to-do, not prose musing)."""
    return bool(_TEAM_DUTY.match(text.strip()))


#: "We need to ensure ...", "we need to be careful": a caution, not a piece of work.
_CAUTION = re.compile(
    r"^\S+\s+\S+\s+to\s+(?:ensure|make\s+sure|be|keep|think|understand|consider|remember)\b",
    re.IGNORECASE,
)


def prose_duty(sentence: str) -> bool:
    """Whether a prose sentence opens "We need to <do something>" (not "to ensure", "to be")."""
    return team_duty(sentence) and not _CAUTION.match(sentence.strip())


def sentences(paragraph: str) -> list[str]:
    """Split prose into sentences (and ``;`` clauses), whitespace collapsed."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(paragraph.split())):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        elif piece.strip():
            parts.append(piece.strip())
    return parts
