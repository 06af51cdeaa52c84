"""Read the owners of an action item the way a careful human would.

Two places name owners in PTG summaries:

* the grammatical subject: ``"tbarron will …"``, ``"maaritamm/vkmc will …"``,
  ``"dviroel, carloss and gouthamr will …"``,
  ``"Vida Haririan (vhari), … and Goutham Pacha Ravi (gouthamr) will …"``;
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
from collections.abc import Collection
from dataclasses import dataclass

from syncsvc.domain import Person

NICK = r"[a-z][a-z0-9_\-\[\]\\^{}|`]*"
_NICK_RE = re.compile(NICK)
_NAME = r"[A-Z][\w'.\-]*(?:\s+(?:[A-Z][\w'.\-]*|van|de|da|von|del|der))*"
_ELEMENT = re.compile(rf"(?P<name>{_NAME})\s*\((?P<pnick>{NICK})\)|(?P<nick>[\w\-\[\]\\^{{}}|`]+)")
_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*/\s*|\s*&\s*|\s+or\s+)")
_STRONG_VERB = re.compile(
    r"\s*(?:'ll\b|\s(?:will|has|have|shall|is going to|are going to|volunteered to|"
    r"agreed to|offered to|plans? to|promised to|took|takes|owns?)\b)"
    # "docs will be updated" is passive: its subject owns nothing.
    r"(?!\s+(?:be|been)\b)",
)
_WEAK_VERB = re.compile(r"\s+(?:to|should|must|needs? to|can|could|may|might)\b")
# Not after "]": "[text](x)" is a Markdown link, not an attribution.
_PAREN = re.compile(r"(?<!\])\(([^()]{2,80})\)")
_PAREN_SPLIT = re.compile(r"\s*(?:/|,|&|\band\b)\s*")

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
#: Words that turn a parenthesis into praise or commentary, not ownership.
NOT_OWNERSHIP = frozenset(
    """
    kudos thanks thank thx ty cheers congrats props shoutout
    optional required wip tbd tba maybe soon later experimental deprecated again etc sic
    ish done pending ongoing draft partial approved merged abandoned new old yes no ok
    hopefully probably maybe asap eventually first second third next
    """.split()
)


@dataclass(frozen=True, slots=True)
class OwnerReading:
    """The owners found in one action and the people (with full names) named there."""

    owners: tuple[str, ...]
    people: tuple[Person, ...]


def _subject(text: str, known: Collection[str]) -> list[Person] | None:
    """Parse a leading list of people followed by a commitment verb, or ``None``."""
    pos = 0
    people: list[Person] = []
    while True:
        match = _ELEMENT.match(text, pos)
        if not match:
            return None
        if match.group("pnick"):
            people.append(Person(match.group("pnick"), " ".join(match.group("name").split())))
        else:
            token = match.group("nick")
            is_nick = _NICK_RE.fullmatch(token) or token.lower() in known
            if not is_nick and token.lower() not in GENERIC:
                return None
            people.append(Person(token if is_nick else token.lower()))
        pos = match.end()
        sep = _SEPARATOR.match(text, pos)
        if sep and sep.end() > pos:
            pos = sep.end()
            continue
        break
    if _STRONG_VERB.match(text, pos):
        return people
    if _WEAK_VERB.match(text, pos) and all(
        p.nick.lower() in known or p.nick.lower() in GENERIC for p in people
    ):
        return people
    return None


def _parenthesised(text: str) -> list[Person]:
    """Nicks from attributions such as ``(dviroel)`` or ``(vkmc/vhari)``."""
    people: list[Person] = []
    for match in _PAREN.finditer(text):
        tokens = _PAREN_SPLIT.split(match.group(1).strip())
        if not tokens or any(not _NICK_RE.fullmatch(t) for t in tokens):
            continue
        if any(t in NOT_OWNERSHIP for t in tokens):
            continue
        people.extend(Person(t) for t in tokens if t not in GENERIC)
    return people


def read_owners(text: str, *, known: Collection[str] = ()) -> OwnerReading:
    """Return the owners of the action ``text``; ``known`` are nicks already seen.

    Owners keep the order written and appear once. Generic subjects are dropped
    ("carloss/team will …" → carloss). Never guesses: no owner → empty tuple.
    """
    known_lower = {k.lower() for k in known}
    people = [p for p in (_subject(text, known_lower) or []) if p.nick.lower() not in GENERIC]
    people += _parenthesised(text)
    owners: list[str] = []
    named: dict[str, Person] = {}
    for person in people:
        if person.nick not in owners:
            owners.append(person.nick)
        if person.name:
            named[person.nick] = person
    return OwnerReading(tuple(owners), tuple(named.values()))


def strong_subject_nicks(text: str) -> tuple[str, ...]:
    """Nicks that own ``text`` by a strong form alone (used to learn known nicks)."""
    return read_owners(text).owners
