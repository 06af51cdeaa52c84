"""Read the owners of an action item the way a careful human would.

Two places name owners in PTG summaries:

* the grammatical subject: ``"tbarron will …"``, ``"maaritamm/vkmc will …"``,
  ``"dviroel, carloss and gouthamr will …"``,
  ``"Vida Haririan (vhari), … and Goutham Pacha Ravi (gouthamr) will …"``,
  ``"Naser will be proposing …"`` (a capitalised name alone before "will");
* a parenthesised attribution: ``"… (vkmc/vhari)"``, ``"… identified (dviroel) and …"``,
  ``"team will … (carloss). Feedback …"``.

Everything else is unassigned: generic subjects ("team", "we", "contributors"),
nicks mentioned as objects ("test gman0's patch"), praise ("(kudos, vhari)").
Weak subject forms ("nick to …", "nick should …") count only for nicks already
known, from the same document or the alias map, because "attempt to …" has the
same shape.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from syncsvc.domain import Person
from syncsvc.parse.milestones import KNOWN_SERIES
from syncsvc.parse.prose_subjects import prose_subjects
from syncsvc.parse.subjects import full_name_owners, mentioned_owner

NICK = r"[a-z][a-z0-9_\-\[\]\\^{}|`]*"
_NICK_RE = re.compile(NICK)
_NAME = r"[A-Z][\w'.\-]*(?:\s+(?:[A-Z][\w'.\-]*|van|de|da|von|del|der))*"
_ELEMENT = re.compile(
    rf"(?P<name>{_NAME})\s*\((?P<pnick>{NICK})\)"
    rf"|(?P<gname>[A-Z][a-z]+)\s*/\s*(?P<gnick>{NICK})(?![\w/])"
    r"|(?P<nick>[\w\-\[\]\\^{}|`]+)"
)
_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*/\s*|\s*&\s*|\s+or\s+)")
_STRONG_VERB = re.compile(
    r"\s*(?:'ll\b|\s(?:will|shall|is going to|are going to|volunteered to|"
    # "has the action", not the perfect tense: "openstack has clearly gained ..." reports
    # ("has started working on" is work under way, kept).
    r"(?:has|have)(?!\s+(?:\w+ly\s+)?"
    r"(?!(?:volunteered|agreed|offered|promised|signed|started|committed)\b)"
    r"(?:\w+ed|been|done|gone|seen|grown|known|shown|made|had)\b)|"
    r"agreed to|agreed on|accepted to|offered to|signed up to|plans? to|promised to|"
    r"(?:is|are) looking into|took|takes|owns?)\b)"
    # "docs will be updated" is passive: its subject owns nothing ("will be proposing" is not).
    r"(?!\s+(?:be|been)\b(?!\s+\w+ing\b))",
)
_WEAK_VERB = re.compile(r"\s+(?:to|should|must|needs? to|can|could|may|might)\b")
# Not after "]": "[text](x)" is a Markdown link, not an attribution.
_PAREN = re.compile(r"(?<![\]\w-])\(([^()]{2,80})\)")
_PAREN_SPLIT = re.compile(r"\s*(?:/|,|&|\band\b)\s*")
# "(mriedem) to follow up": an attribution that is itself the subject.
_PAREN_SUBJECT = re.compile(
    rf"(?:^|[\s.;:])\((?P<nicks>{NICK}(?:\s*[/,&]\s*{NICK})*)\)\s*(?:to|will|'ll)\b"
)

#: Subjects and parenthesised words that name no person.
GENERIC = frozenset(
    """
    team teams we us our they them everyone everybody someone somebody anyone anybody
    all contributors contributor cores core reviewers reviewer folks people ptl maintainers
    maintainer operators operator users user i you he she it this that these those there
    here who which what one nobody each both everything something nothing community
    others other group subteam subteams
    """.split()
)
#: Sentence connectives ("however, work has slowed"): they open a clause, never name anyone.
CONNECTIVES = frozenset(
    """
    however moreover meanwhile furthermore otherwise instead therefore thus hence still
    additionally besides nevertheless nonetheless overall unfortunately fortunately
    """.split()
)
#: Words that turn a parenthesis into praise or commentary, not ownership.
NOT_OWNERSHIP = frozenset(
    """
    kudos thanks thank thx ty cheers congrats props shoutout
    optional required wip tbd tba maybe soon later experimental deprecated again etc sic
    ish done pending ongoing draft partial approved merged abandoned new old yes no ok
    hopefully probably maybe asap eventually first second third next
    action actions ai ar todo followup follow-up
    """.split()
)
#: Companies that subjects and attributions name: owners as a group, never people.
ORGANISATIONS = frozenset(
    """
    netapp sap huawei dell emc dellemc ibm hitachi nec cern ovh suse redhat canonical
    mirantis rackspace fujitsu lenovo intel cisco ericsson nokia samsung vmware hpe inspur
    infortrend nexenta quobyte zadara macrosan yadro purestorage veritas windriver zte
    vexxhost citynetwork linaro inmotion bloomberg verizon
    """.split()
)


#: OpenStack projects that subjects name ("nova will ..."): the team, never a person.
PROJECTS = frozenset(
    """
    nova neutron cinder glance keystone swift horizon ironic octavia manila kolla heat
    designate barbican trove sahara zaqar magnum murano mistral senlin watcher zun cyborg
    placement tempest devstack grenade oslo tripleo openstack-ansible masakari blazar
    aodh ceilometer gnocchi panko cloudkitty freezer vitrage skyline venus adjutant
    storlets tacker kuryr monasca solum searchlight karbor qinling octavia-dashboard
    """.split()
)
_REPOSITORY = re.compile(
    r"^(?:python-\w[\w-]*|[a-z][\w]*-(?:ui|dashboard|client|specs|tempest-plugin|lib|"
    r"plugin|operator|agent|exporter|tests?|docs?|api-ref|ansible|charm\w*|\w+-plugin))$"
)


#: "Akihiro and Miguel volunteered to ...": first names as written, with a volunteering verb.
_VOLUNTEERS = re.compile(
    r"^(?P<names>[A-Z][a-z]{2,20}(?:\s*(?:,|&|\band\b)\s*[A-Z][a-z]{2,20})*)\s+"
    r"(?:volunteered|signed\s+up|offered|agreed)\s+to\b"
)


#: "Naser will be proposing ...", "TheJulia will revise ...": a capitalised name or
#: camel-case nick as written, alone before "will".
_NAME_WILL = re.compile(
    r"^(?P<name>[A-Z][a-z]{2,20}[A-Z]?|[A-Z][a-z]{1,10}[A-Z][a-z]{2,20})\s+(?:will|'ll)\b"
    r"(?!\s+(?:be|been)\b(?!\s+\w+ing\b))(?!\s+not\b)"
)
#: Days, months and days relative to today: never a person's name.
MONTHS_AND_DAYS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today tomorrow
    """.split()
)
#: Capitalised words that open "X will ..." without naming a person.
_NOT_NAMES = MONTHS_AND_DAYS | frozenset(
    """
    tonight zuul gerrit python ubuntu centos debian fedora rhel ceph kubernetes ansible github
    launchpad storyboard etherpad openstack opendev work support testing documentation
    development release releases everything nothing future next there then now
    """.split()
)


#: Endings of common nouns ("Framework", "Tooling", "Documentation"), not of first names.
_NOUN_ENDING = re.compile(
    r"(?:work|ing|tion|sion|ment|ness|ity|ure|ance|ence|ism|ship|ware|ogy|ics)$"
)


def is_project(token: str) -> bool:
    """Whether ``token`` names a project or a repository (``manila-ui``, ``python-novaclient``)."""
    lowered = token.lower()
    # Every repository form has a "-": most tokens are ruled out without the regex.
    return lowered in PROJECTS or ("-" in lowered and _REPOSITORY.match(lowered) is not None)


@dataclass(frozen=True, slots=True)
class OwnerReading:
    """The owners found in one action and the people (with full names) named there.

    ``organisations`` are companies named as owners ("NetApp/SAP will …"); they are
    kept apart from ``owners``, which are always IRC nicks.
    """

    owners: tuple[str, ...]
    people: tuple[Person, ...]
    organisations: tuple[str, ...] = ()


@dataclass
class _Subject:
    people: list[Person]
    organisations: list[str]


def _alias_at(text: str, pos: int, names: Mapping[str, str]) -> tuple[Person, int] | None:
    """A full name from the alias map written at ``pos`` (not followed by "(nick)").

    ``names`` come longest first (see :func:`_lower_names`), so the longest one wins.
    """
    lowered = text[pos : pos + 80].lower()
    for name in names:
        end = pos + len(name)
        if (
            lowered.startswith(name)
            and (end == len(text) or not (text[end].isalnum() or text[end] == "_"))
            and not text[end:].lstrip().startswith("(")
        ):
            return Person(names[name], text[pos:end]), end
    return None


def _element(
    text: str, pos: int, known: Collection[str], names: Mapping[str, str], subject: _Subject
) -> int | None:
    """Read one subject element at ``pos`` into ``subject``; return its end or ``None``."""
    if names and (alias := _alias_at(text, pos, names)) is not None:
        subject.people.append(alias[0])
        return alias[1]
    match = _ELEMENT.match(text, pos)
    if not match:
        return None
    if match.group("pnick"):
        subject.people.append(Person(match.group("pnick"), " ".join(match.group("name").split())))
    elif match.group("gnick"):
        name, nick = match.group("gname"), match.group("gnick")
        if name[0].lower() != nick[0] and name.lower() not in {n.split()[0] for n in names}:
            return None  # "Victoria/wallaby" is not a name and a nick
        subject.people.append(Person(nick, name))
    else:
        token = match.group("nick")
        lowered = token.lower()
        if lowered in CONNECTIVES:
            return None
        if lowered in ORGANISATIONS:
            subject.organisations.append(token)
        elif is_project(lowered):
            subject.people.append(Person("team"))  # the project's team: nobody in person
        elif _NICK_RE.fullmatch(token) or lowered in known:
            subject.people.append(Person(token))
        elif lowered in GENERIC:
            subject.people.append(Person(lowered))
        else:
            return None
    return match.end()


def _first_name(word: str) -> bool:
    """Whether a capitalised ``word`` opening "X will ..." can be a person's first name."""
    name = word.lower()
    return not (
        name in GENERIC
        or name in _NOT_NAMES
        or name in CONNECTIVES
        or name in KNOWN_SERIES
        or is_project(name)
        or _NOUN_ENDING.search(name)
    )


def _subject(
    text: str, known: Collection[str], names: Mapping[str, str] | None = None
) -> _Subject | None:
    """Parse a leading list of people followed by a commitment verb, or ``None``."""
    if text[:1].isupper() and (m := _VOLUNTEERS.match(text)):
        found = [n for n in _PAREN_SPLIT.split(m.group("names")) if n]
        if not any(n.lower() in GENERIC or is_project(n) for n in found):
            return _Subject([Person(n.lower()) for n in found], [])
    if text[:1].isupper() and (m := _NAME_WILL.match(text)):
        name = m.group("name").lower()
        if _first_name(name):
            written = m.group("name")
            # A camel-case nick ("TheJulia") keeps its case; a first name is lowered.
            camel = any(c.isupper() for c in written[1:-1])
            return _Subject([Person(written if camel else name)], [])
    pos = 0
    subject = _Subject([], [])
    names = names or {}
    while True:
        end = _element(text, pos, known, names, subject)
        if end is None:
            return None
        pos = end
        sep = _SEPARATOR.match(text, pos)
        if sep and sep.end() > pos:
            pos = sep.end()
            continue
        break
    if _STRONG_VERB.match(text, pos):
        return subject
    if _WEAK_VERB.match(text, pos) and all(
        p.nick.lower() in known or p.nick.lower() in GENERIC for p in subject.people
    ):
        return subject
    return None


#: "mnaser: propose patch": an action item labelled with its owner's nick.
_LABEL = re.compile(rf"^(?P<nicks>{NICK}(?:\s*[/,&]\s*{NICK})*)\s*:\s+\S")
#: Words that label an item without naming anyone ("note: ...", "update: ...").
NOT_LABELS = frozenset(
    """
    note notes update updates status todo done info idea link help topic action actions
    ai ar re fyi nb ps eta goal goals result results question answer summary decision
    owner owners who what when where why how proposal plan next
    """.split()
)


#: "... knowledge. \u2013 diablo_rojo": an owner named after a dash at the item's end.
_TRAILING = re.compile(rf"\s[\u2013\u2014-]{{1,2}}\s*(?P<nicks>{NICK}(?:\s*[/,&]\s*{NICK})*)\s*$")


#: "gibi will X and accordingly mnaser to Y": a second owner in a later clause.
_SECOND_SUBJECT = re.compile(
    rf"(?:,|\band)\s+(?P<adverb>(?:accordingly|then|also|afterwards|later)\s+)?"
    rf"(?P<nick>{NICK})\s+(?:will|'ll|to)\s+(?!be\b)"
)


#: "X volunteered to test, while Y and Z volunteered to code": a contrasting clause's subject.
_WHILE_CLAUSE = re.compile(r",\s+while\s+(?P<rest>\S.*)$")


def _second_subjects(
    text: str, known: Collection[str], named: Collection[str] = ()
) -> list[Person]:
    """Owners of later clauses of an item that already has one ("..., and then X to ...").

    A clause's subject counts when it is a known nick or follows "accordingly",
    "then" and the like, which mark a new clause rather than a list of objects.
    A ", while X and Y volunteered to ..." clause adds its whole subject.
    ``named`` are the nicks the item's subject names already: naming one again
    adds no owner, so it is not looked up among the known nicks.
    """
    found: list[Person] = []
    if (m := _WHILE_CLAUSE.search(text)) and (clause := _subject(m.group("rest"), known)):
        found += [p for p in clause.people if p.nick not in GENERIC]
    for m in _SECOND_SUBJECT.finditer(text):
        nick = m.group("nick")
        if nick in GENERIC or nick in NOT_LABELS or nick in named or is_project(nick):
            continue
        if m.group("adverb") or nick in known:
            found.append(Person(nick))
    return found


def _labelled(text: str) -> _Subject | None:
    """The nicks of an item written "nick: do X" (never a generic word or a project)."""
    m = _LABEL.match(text)
    if m is None:
        return None
    nicks = [n for n in _PAREN_SPLIT.split(m.group("nicks")) if n]
    if any(n in GENERIC or n in NOT_LABELS or is_project(n) for n in nicks):
        return None
    return _Subject([Person(n) for n in nicks], [])


#: "try (re-try)", "(pre-cache)": an English word with a hyphenated prefix, not a nick.
_PREFIXED_WORD = re.compile(r"^(?:re|pre|non|co|sub|multi|post|anti|self|cross|un|de)-[a-z]")


def _parenthesised(text: str) -> tuple[list[Person], list[str]]:
    """Nicks (and companies) from attributions such as ``(dviroel)`` or ``(vkmc/vhari)``."""
    people: list[Person] = []
    organisations: list[str] = []
    if "(" not in text:  # most items have no attribution
        return people, organisations
    for match in _PAREN.finditer(text):
        tokens = _PAREN_SPLIT.split(match.group(1).strip())
        if all(t.lower() in ORGANISATIONS for t in tokens):
            organisations.extend(tokens)
        elif all(map(_NICK_RE.fullmatch, tokens)) and NOT_OWNERSHIP.isdisjoint(tokens):
            people.extend(
                Person(t)
                for t in tokens
                if t not in GENERIC and not is_project(t) and not _PREFIXED_WORD.match(t)
            )
    return people, organisations


def _reading(people: list[Person], organisations: list[str]) -> OwnerReading:
    owners: list[str] = []
    named: dict[str, Person] = {}
    for person in people:
        if person.nick.lower() in GENERIC:
            continue
        if person.nick not in owners:
            owners.append(person.nick)
        if person.name:
            named[person.nick] = person
    return OwnerReading(tuple(owners), tuple(named.values()), tuple(dict.fromkeys(organisations)))


def _lower_names(names: Mapping[str, str] | None) -> dict[str, str]:
    """The alias map turned around: lower-case full name → nick, longest name first."""
    if not names:
        return {}
    lowered = {" ".join(v.lower().split()): k for k, v in names.items() if v.strip()}
    return {name: lowered[name] for name in sorted(lowered, key=len, reverse=True)}


#: "We may need X, **rloo** will track this.": a bold or plain nick owning a closing clause.
_CLAUSE_OWNER = re.compile(
    rf",\s+(?:\*\*|__)?(?P<nick>{NICK})(?:\*\*|__)?\s+(?:will|'ll)\s+(?!be\b|not\b)\w"
)


#: "I've updated the blueprint and assigned it to Josh": the name owns the work.
_ASSIGNED = re.compile(
    rf"\bassigned\s+(?:it|this|them|that|the\s+[\w-]+(?:\s+[\w-]+)?)\s+to\s+"
    rf"(?P<name>[A-Z][a-z]{{1,20}}|{NICK})\b(?!\s+(?:team|group)\b)"
)
#: "(to be proposed by dims)": a parenthesis that names who does the item.
_PAREN_BY = re.compile(
    rf"\(\s*to\s+be\s+(?:[a-z]+ed|done|written|run|taken|led|driven)\s+by\s+"
    rf"(?P<nicks>{NICK}(?:\s*[/,&]\s*{NICK})*)\s*\)"
)


#: "(owner: gmann)", "(owners: gmann, slaweq)", "(@gmann)": a task's labelled owners, as
#: etherpads and task lists mark them.
_OWNER_MARK = re.compile(
    r"\((?:(?i:owners?|assignees?)\s*:\s*@?|@)"
    r"(?P<nicks>[A-Za-z][\w.\-]*(?:\s*(?:[/,&]|\band\b)\s*@?[A-Za-z][\w.\-]*)*)\s*\)"
)


#: What an owner mark holds when nobody owns the task yet: "(owner: TBD)".
_NO_OWNER = frozenset({"tbd", "tba", "none", "n", "a", "unknown", "anyone", "someone", "volunteer"})


def _marked_owners(text: str) -> list[Person]:
    """The people an "(owner: gmann)" or "(@gmann)" mark names; a camel-case nick keeps
    its case, a first name is lowered."""
    if "(" not in text or (m := _OWNER_MARK.search(text)) is None:
        return []
    nicks = [n.lstrip("@") for n in _PAREN_SPLIT.split(m.group("nicks")) if n.lstrip("@")]
    nicks = [n if any(c.isupper() for c in n[1:]) else n.lower() for n in nicks]
    return [
        Person(n)
        for n in nicks
        if n.lower() not in GENERIC and n.lower() not in _NO_OWNER and not is_project(n)
    ]


def _named_doers(text: str) -> list[Person]:
    """Whoever "(to be proposed by dims)" or "... assigned it to Josh" names."""
    if "by " not in text and "assigned" not in text:  # most items name neither
        return []
    if m := _PAREN_BY.search(text):
        nicks = [n for n in _PAREN_SPLIT.split(m.group("nicks")) if n]
        return [Person(n) for n in nicks if n not in GENERIC and not is_project(n)]
    if (m := _ASSIGNED.search(text)) and m.group("name").lower() not in GENERIC:
        return [Person(m.group("name"))]
    return []


#: "... make them voting [Chandan/tripleo-ci-core]": owners in brackets closing the item.
_BRACKETED = re.compile(r"\[(?P<names>[A-Za-z][\w\-]*(?:\s*[/,&]\s*[A-Za-z][\w\-]*)*)\]\s*\.?$")


def _bracketed_owners(text: str) -> list[Person]:
    """People named in a closing ``[Name/group]``; "[All]" and groups ("x-core") mean the team."""
    m = _BRACKETED.search(text)
    if m is None:
        return []
    names = [n.strip().lower() for n in _PAREN_SPLIT.split(m.group("names")) if n.strip()]
    return [
        Person(n)
        for n in names
        if n not in GENERIC
        and n not in NOT_OWNERSHIP
        and not is_project(n)
        and not re.search(r"(?:^|-)(?:core|team|sig|wg)$", n)
    ]


def _clause_owner(text: str) -> Person | None:
    """The nick of a closing ", nick will ..." clause, if any (never a generic word)."""
    m = _CLAUSE_OWNER.search(text)
    if m is None:
        return None
    nick = m.group("nick")
    if nick in GENERIC or nick in NOT_LABELS or is_project(nick):
        return None
    return Person(nick)


def read_owners(
    text: str, *, known: Collection[str] = (), aliases: Mapping[str, str] | None = None
) -> OwnerReading:
    """Return the owners of the action ``text``; ``known`` are nicks already seen.

    ``aliases`` maps nicks to full names: a full name written as the subject
    ("Goutham Pacha Ravi will …") then names its nick. Owners keep the order
    written and appear once. Generic subjects are dropped ("carloss/team will …"
    → carloss). Companies are returned as ``organisations``, not owners. Never
    guesses: no owner → empty tuple.
    """
    return _owners(text, {k.lower() for k in known}, _lower_names(aliases))


class _Lookups(Collection[str]):
    """No known nicks, recording each word looked up among them."""

    def __init__(self) -> None:
        self.words: set[str] = set()

    def __contains__(self, word: object) -> bool:
        if isinstance(word, str):
            self.words.add(word)
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def read_owners_looked_up(text: str) -> tuple[OwnerReading, frozenset[str]]:
    """:func:`read_owners` of ``text`` with no known nicks, and the words it looked up.

    The words are those the reading asked the known nicks about: known nicks
    that (lower-cased) include none of them give the same reading, so it can be
    kept once more nicks are known instead of reading the text again.
    """
    lookups = _Lookups()
    return _owners(text, lookups, {}), frozenset(lookups.words)


def _owners(text: str, known_lower: Collection[str], names: Mapping[str, str]) -> OwnerReading:
    subject = _subject(text, known_lower, names) or _labelled(text) or _Subject([], [])
    if any(p.nick.lower() not in GENERIC for p in subject.people):
        named = {p.nick for p in subject.people}
        subject.people += _second_subjects(text, known_lower, named)
    people, organisations = _parenthesised(text)
    nobody = not any(p.nick.lower() not in GENERIC for p in subject.people) and not people
    if nobody:
        people = _bracketed_owners(text)
    if nobody and not people and (clause := _clause_owner(text)):
        people = [clause]
    if nobody and not people and (prose := prose_subjects(text, _first_name)):
        people = [Person(n) for n in prose]
    if nobody and not people:
        people = (
            _marked_owners(text)
            or _named_doers(text)
            or [Person(n) for n in full_name_owners(text)]
        )
    if nobody and not people and (first := mentioned_owner(text)):
        people = [Person(first)]  # "Kenny Paul set time and cadence ...": a task list's mention
    if not subject.people and not people and (m := _TRAILING.search(text)):
        nicks = [n for n in _PAREN_SPLIT.split(m.group("nicks")) if n]
        if not any(n in GENERIC or n in NOT_OWNERSHIP or is_project(n) for n in nicks):
            people = [Person(n) for n in nicks]
    return _reading(subject.people + people, subject.organisations + organisations)


def read_commitment(
    text: str, *, known: Collection[str] = (), aliases: Mapping[str, str] | None = None
) -> OwnerReading | None:
    """The owners of ``text`` if it is phrased as a commitment, else ``None``.

    A commitment has a subject and a commitment verb ("rosmaita will put up a
    patch", "we'll hold a squash", "(mriedem) to follow up"). A generic subject
    gives a reading with no owners; a mere attribution ("discussed (gouthamr)")
    or a passive ("docs will be updated") gives ``None``.
    """
    known_lower = {k.lower() for k in known}
    subject = _subject(text, known_lower, _lower_names(aliases))
    if subject is not None:
        reading = _reading(subject.people, subject.organisations)
        if not reading.owners and (clause := _clause_owner(text)):
            return _reading([clause], [])  # "We may need X, rloo will track this."
        return reading
    if "(" in text and (m := _PAREN_SUBJECT.search(text)):
        nicks = [n for n in _PAREN_SPLIT.split(m.group("nicks")) if n not in NOT_OWNERSHIP]
        if nicks:
            return _reading([Person(n) for n in nicks], [])
    if clause := _clause_owner(text):
        return _reading([clause], [])
    if prose := prose_subjects(text, _first_name):  # "Rabi is going to ...", "... that Rico will"
        return _reading([Person(n) for n in prose], [])
    if doers := _marked_owners(text) or _named_doers(text):  # "(owner: gmann)", "(by dims)"
        return _reading(doers, [])
    if firsts := full_name_owners(text):  # "Jim Baker and Scot Steele will ..."
        return _reading([Person(n) for n in firsts], [])
    return None


def mentioned_nicks(text: str, nicks: Collection[str]) -> tuple[str, ...]:
    """The ``nicks`` that occur in ``text`` as whole words, in the order of ``nicks``.

    MeetBot assigns an action to every attendee whose nick occurs anywhere in it,
    even inside another word ("amito" in "tamito"); this matches whole words only.
    """
    words = {w.lower() for w in re.findall(r"[\w\-\[\]\\^{}|`]+", text)}
    return tuple(n for n in nicks if n.lower() in words)
