"""Parse a PTG summary (mailed HTML, plain text or Markdown) into an :class:`Event`.

The pipeline is a chain of small pure modules:

1. :mod:`syncsvc.parse.normalise` decodes and cleans the input (HTML, mail chrome);
2. :mod:`syncsvc.parse.structure` classifies every line (headings, sections, bullets);
3. :mod:`syncsvc.parse.assemble` places lines into days, topics and their lists and
   infers unmarked commitments;
4. :mod:`syncsvc.parse.actions` builds action items, reading owners
   (:mod:`syncsvc.parse.owners`), refs (:mod:`syncsvc.parse.refs`) and milestones
   (:mod:`syncsvc.parse.milestones`).

MeetBot minutes and raw IRC meeting logs are recognised and handed to
:mod:`syncsvc.parse.minutes`. The parser is pure: it reads no files and no network (the
bundled release schedules are package data), and it never guesses: an action
without a readable owner is unassigned, and text it cannot place becomes a
warning on the returned event.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from syncsvc.domain import ActionItem, Day, Event, EventSource, Person, Ref, RefKind, Topic
from syncsvc.errors import InputError
from syncsvc.parse.actions import (
    ActionContext,
    build_action,
    footnote_refs,
    refs_with_footnotes,
    resolve_footnote_marks,
    sentences,
)
from syncsvc.parse.announced import announced_actions, as_actions
from syncsvc.parse.assemble import (
    MAX_ACTIONS,
    Assembler,
    ItemKind,
    RawItem,
    RawTopic,
    infer_actions,
    too_many_actions,
)
from syncsvc.parse.candidacy import drop_platform
from syncsvc.parse.days import parse_date, parse_day_date
from syncsvc.parse.fallback import add_fallback_actions, rescue_actions
from syncsvc.parse.flat import unflatten_page
from syncsvc.parse.milestones import KNOWN_SERIES
from syncsvc.parse.minutes import looks_like_meeting, parse_meeting, unflatten_log
from syncsvc.parse.normalise import decode, normalise
from syncsvc.parse.owners import (
    OwnerReading,
    is_project,
    read_commitment,
    read_owners,
    read_owners_looked_up,
)
from syncsvc.parse.refs import find_refs, find_urls
from syncsvc.parse.sender import find_sender, sent_date
from syncsvc.parse.structure import Line, LineKind, classify
from syncsvc.parse.subjects import named_first_name
from syncsvc.schedule.releases import Schedules, load_schedules

__all__ = [
    "Line",
    "LineKind",
    "SummaryReading",
    "classify",
    "etherpad_ref",
    "parse_date",
    "parse_summary",
    "read_summary",
]

_SERIES = "|".join(s.capitalize() for s in KNOWN_SERIES)
_GATHERING = r"(?:v?PTG|Project\s+Teams?\s+Gathering|Project\s+Technical\s+Gathering)"
_TEAM = re.compile(
    r"\bOpenStack\s+(?P<a>[A-Z][\w-]+)\s+(?:Project\s+Team|Project\s+Technical|PTG|team)"
    rf"|\b(?P<c>[A-Z][\w-]+)(?:'s)?\s+(?:team(?:'s)?\s+)?(?:{_SERIES})\s+{_GATHERING}"
    rf"|\b(?P<b>[A-Z][\w-]+)\s+{_GATHERING}\b"
    r"|\b(?P<d>[A-Z][\w-]+)(?:'s)?\s+(?:project\s+)?team\b"
)
_NOT_TEAMS = frozenset({"the", "virtual", "openstack", "our", "this", "last", "next", "a"})
#: Cities that hosted a PTG or Summit: "Atlanta PTG" names the place, not the team.
_PLACES = frozenset(
    "atlanta austin barcelona berlin boston denver dublin hongkong paris shanghai sydney"
    " tokyo vancouver".split()
)
#: How much of a summary's start may link the team's etherpad (its greeting may be a "topic").
HEAD_CHARS = 2000
#: The document says it is about a PTG.
_PTG = re.compile(r"\bPTG\b|Project\s+Teams?\s+Gathering", re.IGNORECASE)
_NOT_TEAM_WORDS = frozenset(KNOWN_SERIES) | _NOT_TEAMS | _PLACES
#: A team's PTG etherpad: "etherpad.opendev.org/p/neutron-bobcat-ptg" (not "/p/r.e70a…").
_ETHERPAD = re.compile(
    r"etherpad\.(?:openstack|opendev)\.org/p/(?P<team>[a-z][a-z0-9]+)[-_](?P<rest>[\w.-]*)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(20[1-3]\d)\b")


@dataclass(frozen=True, slots=True)
class SummaryReading:
    """A summary as read: the normalised text, the assembler's placements and the event.

    ``known`` are the lower-case nicks that owners were read with (given, aliased
    and found in explicit actions).
    """

    text: str
    assembler: Assembler
    event: Event
    known: frozenset[str]


def parse_summary(
    source: str | bytes,
    *,
    team: str | None = None,
    cycle: str | None = None,
    known_nicks: Collection[str] = (),
    schedules: Schedules | None = None,
    aliases: Mapping[str, str] | None = None,
    fallback: bool = True,
) -> Event:
    """Parse a PTG summary, MeetBot minutes or an IRC meeting log into an :class:`Event`.

    ``source`` is the mailed HTML part or plain text (``bytes`` are decoded by
    :func:`syncsvc.parse.normalise.decode`). ``team`` and ``cycle`` override what the
    text says; ``known_nicks`` let weak forms such as "nick to …" count as
    ownership; ``aliases`` (nick → full name, e.g. the config's ``[aliases]``)
    adds known nicks, full names for them, and reads a full name written as a
    subject as its nick. A mapping passed as ``known_nicks`` is used as
    ``aliases`` too. Raises :class:`InputError` when the text has no topics and
    no actions, and for more than ``MAX_ACTIONS`` actions or ``MAX_TOPICS`` topics.
    ``fallback=False`` leaves out the sentence classifier's additions
    (:mod:`syncsvc.parse.fallback`), to measure the rules alone.
    """
    text = unflatten_page(
        unflatten_log(normalise(decode(source) if isinstance(source, bytes) else source))
    )
    if aliases is None and isinstance(known_nicks, Mapping):
        aliases = {str(k): str(v) for k, v in known_nicks.items()}
    schedules = schedules if schedules is not None else load_schedules()
    if looks_like_meeting(text):
        ctx = ActionContext(schedules, known=_known(known_nicks, aliases), aliases=aliases or {})
        return parse_meeting(text, ctx, team=team, cycle=cycle)
    return read_summary(
        text,
        team=team,
        cycle=cycle,
        known_nicks=known_nicks,
        schedules=schedules,
        aliases=aliases,
        placements=False,
        fallback=fallback,
    ).event


#: The one-line message for a text with neither heading structure nor commitments.
NO_STRUCTURE = "no PTG structure found: expected topic headings such as '=== Title ==='"
#: What to do when the text does hold commitments the parser cannot read.
NO_STRUCTURE_HINT = "if it holds commitments, `syncsvc add TITLE TEXT --create` tracks them"
_SUBJECT = re.compile(r"^\s*Subject\s*:\s*(?P<subject>\S.*)$", re.IGNORECASE | re.MULTILINE)


#: A first line that can title a document: short, not a sentence.
_TITLE_LIKE = re.compile(r"^.{3,120}(?<![.,;])$")


def _one_topic(lines: list[Line], placements: bool) -> Assembler:
    """Assemble a document without headings as one topic titled by its subject or title."""
    asm = Assembler(record_placements=placements)
    first = next((ln for ln in lines if ln.kind is not LineKind.BLANK), None)
    title = ""
    for line in lines:
        if line.kind is LineKind.TITLE or (
            line.kind is LineKind.TEXT and line is first and _TITLE_LIKE.match(line.text)
        ):
            title = line.text
            break
    asm.feed(Line(0, LineKind.TOPIC, title.strip() or "Summary"))
    for line in lines:
        if line.kind is LineKind.TITLE or (line is first and line.text == title):
            asm.preamble.append(line.text)
            continue
        asm.feed(line)
    return asm


#: "[openstack-dev] [nova][ptg] ...": list names and tags that name no team.
_TAG = re.compile(r"\[(?P<tag>[A-Za-z][\w.-]{1,30})\]")
_NOT_TEAM_TAGS = frozenset(
    """
    openstack-dev openstack-discuss openstack-infra openstack-operators openstack-sigs
    openstack ptg all dev discuss summary release releases forum summit vptg meeting
    """.split()
)
#: "nick to ..." at an item's start: the weak form whose nick the context may know.
_WEAK_NICK = re.compile(r"^\(?(?P<nick>[a-z][a-z0-9_-]{1,30})\)?\s+to\s")
_WORD = re.compile(r"[a-z][a-z0-9_-]{1,30}")
_DECISION_SENTENCE = re.compile(
    r"^(?:(?:so|and|then|finally|also),?\s+)?(?:we|the team|everyone|it was|all|the group)"
    r"(?:\s+(?:all|have|has|had|then|also))?\s+agreed\b"
    r"|^agreement\s+was\s+reached\b|^(?:we|the team)\s+reached\s+(?:an\s+)?agreement\b"
    r"|^(?:the\s+)?consensus\s+was\b",
    re.IGNORECASE,
)


def _tagged_team(preamble: list[str]) -> str | None:
    """The team of the subject's first ``[team]`` tag ("[manila] ... Victoria Cycle")."""
    for line in preamble[:3]:
        if not line.lstrip().startswith("["):
            continue
        for m in _TAG.finditer(line):
            tag = m.group("tag").lower()
            if tag not in _NOT_TEAM_TAGS and tag not in KNOWN_SERIES:
                return tag
    return None


def _context_nicks(asm: Assembler, known: set[str]) -> set[str]:
    """Nicks of "nick to ..." items that the subject, title or a topic heading also names."""
    weak = {
        m.group("nick")
        for topic in asm.topics
        for item in topic.actions
        if (m := _WEAK_NICK.match(item.text)) and m.group("nick") not in known
    }
    if not weak:
        return set()
    words = {w for line in asm.preamble[:5] for w in _WORD.findall(line)}
    words |= {w for topic in asm.topics for w in _WORD.findall(topic.title)}
    return {n for n in weak & words if not is_project(n)}


def _context_names(asm: Assembler, text: str, known: set[str]) -> set[str]:
    """First names of "Name to ..." actions that the document also writes in full."""
    found = set()
    for topic in asm.topics:
        for item in topic.actions:
            name = named_first_name(item.text, text) if item.text[:1].isupper() else None
            if name and name not in known and not is_project(name) and name not in KNOWN_SERIES:
                found.add(name)
    return found


def _prose_decisions(topic: RawTopic) -> None:
    """Keep "We agreed ...", "Agreement was reached ..." sentences of the prose as decisions."""
    found = [
        RawItem(sentence, item.line, item.indent, ItemKind.DECISION, item.group, list(item.lines))
        for item in topic.discussion
        if item.kind is ItemKind.PROSE
        and ("agree" in item.text.lower() or "consensus" in item.text.lower())
        for sentence in sentences(item.text)
        if _DECISION_SENTENCE.match(sentence.lstrip("-*• "))
    ]
    if found:
        topic.decisions = sorted([*topic.decisions, *found], key=lambda i: i.line)


def _known(known_nicks: Collection[str], aliases: Mapping[str, str] | None) -> set[str]:
    return {n.lower() for n in known_nicks} | {n.lower() for n in aliases or {}}


def read_summary(
    text: str,
    *,
    team: str | None = None,
    cycle: str | None = None,
    known_nicks: Collection[str] = (),
    schedules: Schedules | None = None,
    aliases: Mapping[str, str] | None = None,
    placements: bool = True,
    fallback: bool = True,
) -> SummaryReading:
    """Read normalised ``text`` as a PTG summary, keeping every line's placement.

    Same contract as :func:`parse_summary` for a summary; used by ``--explain``.
    ``placements=False`` skips recording the placements, which only
    ``--explain`` shows.
    """
    schedules = schedules if schedules is not None else load_schedules()
    asm = Assembler(record_placements=placements)
    lines = list(classify(text))
    if announced := announced_actions(text, lines):  # "These are the action items ..."
        lines = as_actions(lines, announced)
    headless: list[Line] | None = []  # the lines, kept only while no topic has been seen
    for line in lines:
        asm.feed(line)
        if headless is not None:
            if asm.topics:
                headless = None
            else:
                headless.append(line)
    whole = headless is not None
    if headless is not None:  # no heading structure: the whole document is one topic
        asm = _one_topic(headless, placements)

    intro = " ".join(asm.preamble)
    year = _year_hint(intro, asm.days)
    days = [Day(label, parse_day_date(label, year)) for label in asm.days]
    is_ptg = bool(_PTG.search(text[:HEAD_CHARS]))
    cycle = (
        cycle
        or _find_cycle(intro, days, schedules)
        or _etherpad_cycle(text[:HEAD_CHARS], schedules)
        or (_venue_cycle(text[:HEAD_CHARS]) if is_ptg else None)
        or (_sent_after_ptg(text, schedules) if is_ptg else None)
        or ""
    ).lower() or None
    week = schedules[cycle].milestone_week("ptg") if cycle and cycle in schedules else None
    if week is not None:
        ptg = week.start
        days = [
            Day(d.label, d.date or parse_day_date(d.label, year or ptg.year, ptg)) for d in days
        ]
    # A PTG summary that names no day ("the PTG sessions last week") is dated by its
    # cycle's PTG week, so its commitments have a day to judge work from.
    undated = None
    if not days and week is not None and is_ptg:
        undated = Day(f"{(cycle or '').capitalize()} PTG week", week.start)
        days = [undated]
    team = (
        team
        or _tagged_team(asm.preamble)
        or _find_team(intro)
        or _etherpad_team(text[:HEAD_CHARS])
        or ""
    ).lower() or None

    known = _known(known_nicks, aliases)
    readings: dict[str, tuple[OwnerReading, frozenset[str]]] = {}
    for raw_topic in asm.topics:
        for item in raw_topic.actions:
            if item.line in announced:  # its owners are the list of people it ends with
                item.owners = announced[item.line]
                known.update(n.lower() for n in item.owners)
                continue
            readings[item.text] = read_owners_looked_up(item.text)
            known.update(n.lower() for n in readings[item.text][0].owners)
    known |= _context_nicks(asm, known)
    known |= _context_names(asm, text, known)
    sender = find_sender(text.split("\n"))
    for raw_topic in asm.topics:
        infer_actions(raw_topic, known=known, aliases=aliases, sender=sender)
    for raw_topic in asm.topics:
        _prose_decisions(raw_topic)
    if fallback:
        add_fallback_actions(text, asm.topics)
        if whole and not any(t.actions or t.decisions for t in asm.topics):
            rescue_actions(text, asm.topics)  # before an error: the model's surest sentences
    drop_platform(text, asm.topics)  # a candidacy's plans hang on the election
    if whole and not any(t.actions or t.decisions for t in asm.topics):
        raise InputError(NO_STRUCTURE, hint=NO_STRUCTURE_HINT)
    if sum(len(t.actions) for t in asm.topics) > MAX_ACTIONS:  # before reading them all
        raise InputError(too_many_actions())

    refs_by_footnote = footnote_refs(asm.footnotes)
    ctx = ActionContext(schedules, cycle, team, known, aliases or {}, refs_by_footnote, readings)
    warnings: list[str] = []
    people: dict[str, Person] = {}
    topics = []
    for position, raw_topic in enumerate(asm.topics):
        actions = []
        for index, item in enumerate(raw_topic.actions):
            action, named = build_action(
                item.text,
                index,
                ctx,
                inferred=item.inferred,
                confidence=item.confidence,
                labelled=item.labelled,
                owners=item.owners,
            )
            actions.append(action)
            people.update({p.nick: p for p in named})
        topics.append(
            _topic(raw_topic, position, days, actions, asm.footnotes, refs_by_footnote, warnings)
        )
        if undated is not None:
            topics[-1] = replace(topics[-1], day=undated)
    _name_owners(people, topics, aliases or {})
    warnings += _epilogue_warnings(asm.epilogue, asm.topics[-1].line)
    title = " ".join(p for p in ((team or "").capitalize(), (cycle or "").capitalize(), "PTG") if p)
    event = Event(
        team=team,
        cycle=cycle,
        title=title,
        source=EventSource.PTG,
        days=tuple(days),
        topics=tuple(topics),
        people=tuple(people.values()),
        footnotes=tuple(asm.footnotes[k] for k in sorted(asm.footnotes, key=int)),
        warnings=tuple(warnings),
    )
    return SummaryReading(text, asm, event, frozenset(known))


def _topic(
    raw: RawTopic,
    position: int,
    days: list[Day],
    actions: list[ActionItem],
    footnotes: dict[str, str],
    refs_by_footnote: dict[str, tuple[Ref, ...]],
    warnings: list[str],
) -> Topic:
    etherpads: list[str] = []
    for number, line_text in raw.etherpads:
        urls = find_urls(resolve_footnote_marks(line_text, footnotes))
        if not urls:
            warnings.append(f"line {number}: etherpad line without a URL")
        etherpads.extend(urls)
    topic_refs = tuple(
        r for d in raw.discussion for r in refs_with_footnotes(d.text, refs_by_footnote)
    )
    if not etherpads:  # "see the [etherpad](…)" in prose names the topic's etherpad
        etherpads = [r.url for r in topic_refs if r.kind is RefKind.ETHERPAD]
    return Topic(
        title=raw.title,
        day=days[raw.day] if raw.day is not None else None,
        etherpads=tuple(etherpads),
        discussion=tuple(d.text for d in raw.discussion),
        refs=tuple(dict.fromkeys(topic_refs)),
        actions=tuple(actions),
        position=position,
        decisions=tuple(" ".join(d.text.split()) for d in raw.decisions),
    )


def _name_owners(
    people: dict[str, Person], topics: list[Topic], aliases: Mapping[str, str]
) -> None:
    """Give owners without a written full name the one from the alias map."""
    lowered = {k.lower(): v for k, v in aliases.items()}
    for topic in topics:
        for action in topic.actions:
            for nick in action.owners:
                if nick not in people and nick.lower() in lowered:
                    people[nick] = Person(nick, lowered[nick.lower()])


def _year_hint(intro: str, labels: list[str]) -> int | None:
    for label in labels:
        if (found := parse_date(label)) is not None:
            return found.year
    m = _YEAR.search(intro)
    return int(m.group(1)) if m else None


def _find_cycle(intro: str, days: list[Day], schedules: Schedules) -> str | None:
    names = schedules.names()
    for match in re.finditer(r"[A-Za-z]+", intro):
        if (word := match.group().lower()) in names:
            return word
    for match in _RELEASE_ID.finditer(intro):  # "Ironic PTG 2024.2"
        if series := _numbered(schedules, int(match.group(1)), int(match.group(2))):
            return series
    for day in days:
        if day.date is not None and (series := schedules.series_for(day.date)):
            return series
    # "We had our virtual PTG between 23rd Oct to 26th Oct 2023": the cycle it fell in.
    if (stated := parse_date(intro)) is not None and (series := schedules.series_for(stated)):
        return series
    # A series without a bundled schedule still names the cycle when capitalised.
    for match in re.finditer(r"\b[A-Z][a-z]+\b", intro):
        if (word := match.group().lower()) in KNOWN_SERIES:
            return word
    return None


def _venue_cycle(head: str) -> str | None:
    """The series of an in-person PTG a summary names by city and year ("the OpenStack
    PTG 2017 in Atlanta", "PTG which had place in Shanghai in November 2019")."""
    years = sorted({int(y) for y in _YEAR.findall(head)})
    for match in re.finditer(r"\b[A-Z][a-z]+\b", head):
        for year in years:
            if series := _PTG_VENUES.get((match.group(), year)):
                return series
    return None


#: The in-person PTGs (2017-2019), by city and year: after them the PTG was virtual.
_PTG_VENUES = {
    ("Atlanta", 2017): "pike",
    ("Denver", 2017): "queens",
    ("Dublin", 2018): "rocky",
    ("Denver", 2018): "stein",
    ("Denver", 2019): "train",
    ("Shanghai", 2019): "ussuri",
}


#: A release named by number, as the series are since 2023 ("2024.2" is Dalmatian).
_RELEASE_ID = re.compile(r"(?<![\d.])(20[2-9]\d)\.([12])(?!\.?\d)")


def _numbered(schedules: Schedules, year: int, half: int) -> str | None:
    """The bundled series released as ``year.half``: the first half's release falls in
    March or April, the second's in September or October (numbered from 2023.1)."""
    for name in schedules.names():
        released = schedules[name].release_week
        if released and released.year == year >= 2023 and (released.month > 6) + 1 == half:
            return name
    return None


def _find_team(intro: str) -> str | None:
    for m in _TEAM.finditer(intro):
        team: str = m.group("a") or m.group("c") or m.group("b") or m.group("d")
        if team.lower() not in _NOT_TEAM_WORDS:
            return team
    return None


def _etherpad_team(intro: str) -> str | None:
    """The team whose PTG etherpad the introduction links ("…/p/cyborg-ptg-pike")."""
    for m in _ETHERPAD.finditer(intro):
        team, rest = m.group("team").lower(), m.group("rest").lower()
        if team in _NOT_TEAM_WORDS or team == "ptg":
            continue
        words = re.split(r"[-_.]", rest)
        if any(w.endswith("ptg") or w in KNOWN_SERIES for w in words):  # "vptg", "bobcat"
            return team
    return None


#: How long after its PTG a summary is still taken to be about it (mailed weeks later).
_SUMMARY_LAG = timedelta(weeks=8)


def _sent_after_ptg(text: str, schedules: Schedules) -> str | None:
    """The series whose PTG week ended in the eight weeks before the mail was sent (a PTG
    summary that names no cycle: "[Manila] PTG summary", sent 3 March 2017)."""
    sent = sent_date(text.split("\n", 12)[:12])
    if sent is None:
        return None
    held = [
        (week.start, name)
        for name in schedules.names()
        if (week := schedules[name].milestone_week("ptg")) is not None
        and week.start <= sent <= week.end + _SUMMARY_LAG
    ]
    return max(held)[1] if held else None


def _etherpad_cycle(head: str, schedules: Schedules) -> str | None:
    """The series a PTG etherpad's name holds ("…/p/neutron-bobcat-ptg"), or the one whose
    PTG was held in the month it names ("…/p/apr2024-ptg-os-tc"), when the text names its
    cycle nowhere else."""
    for m in _ETHERPAD.finditer(head):
        first, words = m.group("team").lower(), re.split(r"[-_.]", m.group("rest").lower())
        if not (any(w.endswith("ptg") for w in words) or first == "ptg"):
            continue
        if series := next((w for w in words if w in KNOWN_SERIES), None):
            return series
        if (held := parse_date(f"1 {first[:3]} {first[3:]}")) and first[3:].isdigit():
            return _ptg_in(schedules, held.year, held.month)
    return None


def _ptg_in(schedules: Schedules, year: int, month: int) -> str | None:
    """The bundled series whose PTG week starts in ``month`` of ``year``."""
    for name in schedules.names():
        week = schedules[name].milestone_week("ptg")
        if week is not None and (week.start.year, week.start.month) == (year, month):
            return name
    return None


def _epilogue_warnings(lines: list[Line], last_topic_line: int) -> list[str]:
    """Warn about unplaced text inside topics, and commitments outside any list."""
    warnings = []
    for line in lines:
        if line.kind is LineKind.FOOTNOTE:
            continue
        if read_owners(line.text).owners or _is_commitment(line.text):
            warnings.append(
                f"line {line.number}: looks like a commitment but is outside any "
                f"Actions list: {line.text[:80]!r}"
            )
        elif line.number < last_topic_line:
            warnings.append(f"line {line.number}: text outside any list: {line.text[:80]!r}")
    return warnings


def _is_commitment(text: str) -> bool:
    reading = read_commitment(text)
    return reading is not None and bool(reading.owners)


def etherpad_ref(url: str) -> Ref | None:
    """The etherpad :class:`Ref` for ``url``, or ``None`` if it is another kind."""
    refs = find_refs(url)
    return refs[0] if refs and refs[0].kind is RefKind.ETHERPAD else None
