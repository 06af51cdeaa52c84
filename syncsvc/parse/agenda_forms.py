"""Commitments written after a leading phrase or a coordinating "but", and agenda lines.

Forms the seventh corpus batch showed:

- a team decision after a longer leading phrase than :mod:`syncsvc.parse.actions`
  reads ("During the Board+TC+UC strategy workshop we decided to work on ...");
- a group that did one thing "but agreed" to another, the commitment in the
  second clause with no subject of its own ("The Board did not reach a final
  consensus ..., but agreed that several proposals should be refined ...");
- and lines that only look like commitments: an agenda's fixed entries ("Open
  discussion", "Actions from last meeting"), and a sentence that announces a
  list ("we will go through the following steps ...").

Pure regular expressions over one sentence or list item; the callers decide
where they apply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from syncsvc.parse.words import may_mention

#: "During the Board+TC+UC strategy workshop we decided to ...": a leading phrase of
#: place or time (up to ~60 characters, no comma needed), then the team's decision.
_LED_DECISION = re.compile(
    r"^(?:during|at|in|after|before|on|over)\s+(?:the\s+|this\s+|our\s+|last\s+)?"
    r"[^,.;?]{1,60}?,?\s+we\s+(?:(?:also|then|all)\s+)?(?:agreed|decided)\s+to\s+"
    r"(?!(?:be|have|see|not|keep|continue|stay|remain)\b)[a-z]",
    re.IGNORECASE,
)
#: "The Board did not reach a consensus ..., but agreed that X should be refined":
#: a named group as the subject, then a coordinated clause that commits it.
_COORDINATED_AGREEMENT = re.compile(
    r"^(?:the\s+)?(?:[A-Z][\w+&-]*|(?i:group|team|committee|board|sig|wg))\b[^.;?]*?"
    r",?\s+(?:but|and)\s+(?:also\s+)?(?:agreed|decided)\s+"
    r"(?:that\s+[^.;?]*?\b(?:should|will|needs?\s+to|must)\s+be\s+[a-z]+(?:ed|en|ne|wn)\b"
    r"|to\s+(?!(?:be|have|see|not|keep|continue|stay|remain)\b)[a-z])"
)
#: "Open discussion", "Roll call", "Actions from last meeting": an agenda's fixed entries.
_AGENDA_ENTRY = re.compile(
    r"^(?:open\s+(?:discussion|floor)|roll\s*call|announcements?|any\s+other\s+business"
    r"|(?:review\s+(?:of\s+)?)?(?:actions?|action\s+items?|ais?)\s+from\s+(?:the\s+)?"
    r"(?:last|previous)\s+(?:meeting|week))\s*[.:]?$",
    re.IGNORECASE,
)
#: "we will go through the following steps ...": the sentence announces a list.
_ANNOUNCES_LIST = re.compile(
    r"\bthe\s+following(?:\s+[\w-]+){0,2}?\s+"
    r"(?:steps?|topics?|items?|points?|questions?|agenda|process|things?)\b",
    re.IGNORECASE,
)


def led_decision(sentence: str) -> bool:
    """Whether a sentence is a team decision after a leading phrase ("During X we decided to")."""
    return may_mention(sentence, "agreed", "decided") and bool(
        _LED_DECISION.match(sentence.strip())
    )


def coordinated_agreement(sentence: str) -> bool:
    """Whether a group's sentence commits it in a "but agreed ..." clause."""
    return may_mention(sentence, "agreed", "decided") and bool(
        _COORDINATED_AGREEMENT.match(sentence.strip())
    )


def agenda_entry(text: str) -> bool:
    """Whether a list item is one of an agenda's fixed entries ("Open discussion")."""
    return bool(_AGENDA_ENTRY.match(text.strip().strip("*_ ")))


def announces_list(sentence: str) -> bool:
    """Whether a sentence announces a list ("we will go through the following steps")."""
    return may_mention(sentence, "following") and bool(_ANNOUNCES_LIST.search(sentence))


#: "*** Will coordinate with Kata": MediaWiki list markup, its depth the number of stars.
_WIKI_DEEP_BULLET = re.compile(r"^(?P<stars>\*{2,})[ \t]+(?=\S)", re.MULTILINE)


def wiki_bullets(text: str) -> str:
    """Indent MediaWiki's nested list markup ("** item", "*** item") as nested bullets.

    Agendas written for the wiki and mailed as they are ("* Topics", "** Topic
    (clarkb 20210824)", "*** a note") nest by the number of stars; "**bold**"
    (no space after the stars) is left alone. Idempotent.
    """
    if "\n**" not in text and not text.startswith("**"):
        return text
    return _WIKI_DEEP_BULLET.sub(lambda m: "  " * (len(m.group("stars")) - 1) + "* ", text)


#: "Will coordinate with Kata ...", "Need to delete external ids ...": an agenda note
#: with its subject dropped.
_SUBJECTLESS_DUTY = re.compile(
    r"^(?P<will>will|need\s+to|needs\s+to)\s+"
    r"(?!(?:be|have|see|not|probably|likely|also\s+be|need)\b)[a-z]{3,}",
    re.IGNORECASE,
)
#: "Mailman upgrades (clarkb 20210824)": an agenda topic's proposer and the date added.
_PROPOSER = re.compile(r"\((?P<nick>[a-z][\w-]{1,30})\s+\d{8}\)\s*$")


def subjectless_duty(text: str) -> bool:
    """Whether a list item is a to-do with its subject dropped ("Will coordinate with ...")."""
    return bool(_SUBJECTLESS_DUTY.match(text.strip()))


def speaks_for_proposer(text: str) -> bool:
    """Whether a subject-less item is the proposer's own ("Will ..."), not the team's "Need to"."""
    m = _SUBJECTLESS_DUTY.match(text.strip())
    return m is not None and m.group("will").lower() == "will"


def proposers(items: Sequence[tuple[int, str]]) -> list[str | None]:
    """For each (indent, text) list item, the nick of the agenda topic it sits under.

    A topic line ends with its proposer and date ("Gerrit cleanups (clarkb
    20210824)"); the notes indented under it inherit that nick.
    """
    stack: list[tuple[int, str | None]] = []
    found: list[str | None] = []
    for indent, text in items:
        while stack and stack[-1][0] >= indent:
            stack.pop()
        found.append(stack[-1][1] if stack else None)
        m = _PROPOSER.search(text)
        stack.append((indent, m.group("nick") if m else (stack[-1][1] if stack else None)))
    return found
