"""Subjects that the parser's nick-based reading of a commitment misses.

Two forms the sixth corpus batch showed (issue 12):

* a pronoun that takes up a person named earlier in the sentence, as TC
  summaries write people: "gmaan (Ghanshyam Maan) reported that SRBAC is
  reaching saturation and he plans to remove the option this cycle." The
  clause is the work, owned by the nick before the full name;
* full names as the subject, as meeting notes on a wiki write them: "Jim
  Baker and Scot Steele will prepare the presentation materials". The owners
  are the lower-case first names (what the corpus annotates when the text
  gives no nick). A page that renders its user mentions as links loses the
  space after them when flattened ("Jim Bakerand Scot Steelewill continue"),
  so the space before "and" and "will" may be missing. A Confluence task list
  renders a mention as the full name before the task's verb ("Kenny Paul set
  time and cadence for future meetings"), sometimes with a stray " ." where
  the mention's link was ("Kenny Paul .  Provide the list of companies"); see
  :func:`mentioned_owner`, for action items only.

The tenth batch showed minutes that write an action's owner by first name
("ACTION: Lars to chase up Ian Jackson") and name the person in full
elsewhere (an attendee list: "Lars Kurth"): see :func:`named_first_name`.

Pure functions over one sentence; the callers decide where they apply. No
import from :mod:`syncsvc.parse.owners`, which uses this module.
"""

from __future__ import annotations

import re

from syncsvc.parse.words import may_mention

#: An IRC nick as summaries write it (lower case first).
_NICK = r"[a-z][a-z0-9_\-]*"
#: "gmaan (Ghanshyam Maan)": a nick, then the person's full name in parentheses.
_NICK_NAME = re.compile(
    rf"(?:^|[\s,;:])(?P<nick>{_NICK})\s+\((?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){{1,3}})\)"
)
#: "... and he plans to remove ...": a clause whose subject is a pronoun.
_PRONOUN_CLAUSE = re.compile(
    r"(?:,\s*(?:and\s+)?|\s+and\s+)(?P<clause>(?:he|she)\s+"
    r"(?:will|[\u2019']ll|plans?\s+to|intends?\s+to|is\s+going\s+to|volunteered\s+to"
    r"|offered\s+to|agreed\s+to|promised\s+to)\s+(?!(?:be|have|see|not|keep|continue)\b)"
    r"[a-z]{3,}\b.*)$",
    re.IGNORECASE,
)
#: A word each verb of ``_PRONOUN_CLAUSE`` has (keep the two in step; a curly-quoted
#: 'll is not ASCII, so such text always runs the pattern).
_PRONOUN_VERBS = (
    "will", "'ll", "plan", "intend", "going", "volunteered", "offered", "agreed", "promised",
)  # fmt: skip


def pronoun_commitment(sentence: str) -> tuple[str, str] | None:
    """The committing clause and its owner, for "nick (Full Name) ... and he plans to X".

    The pronoun must follow one person written as "nick (Full Name)" in the same
    sentence; with none, or with two such people, nobody is sure to be meant.
    """
    if not may_mention(sentence, *_PRONOUN_VERBS):
        return None
    clause = _PRONOUN_CLAUSE.search(sentence)
    if clause is None:
        return None
    people = {m.group("nick") for m in _NICK_NAME.finditer(sentence, 0, clause.start())}
    if len(people) != 1:
        return None
    return clause.group("clause").strip(), people.pop()


#: "Jim Baker": a first and a last name. The last name is matched lazily so that a
#: name run into "and" or "will" ("Bakerand", "Steelewill") still ends at the word.
_FULL_NAME = (
    r"(?!(?:The|This|That|These|Those|New|Next|Our|Your|Their|Each|Every|All|Both|Some|Any"
    r"|Most|Many|Other|Open|North|South|East|West)\s)(?P<first{i}>[A-Z][a-z]{{1,20}})\s"
    r"(?!(?:Team|Teams|Group|Committee|Board|Project|Foundation|Cores?|Community|Users"
    r"|Operators|Members|Staff)\b)(?:[A-Z][a-z]{{1,20}}?)"
)
_FULL_NAMES = re.compile(
    "^"
    + _FULL_NAME.format(i=0)
    + "".join(
        rf"(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*){_FULL_NAME.format(i=i)})?" for i in (1, 2, 3)
    )
    + r"\s*(?:will|[\u2019']ll|volunteered\s+to|offered\s+to|agreed\s+to|signed\s+up\s+to)\b"
    # "will be updated" is passive and commits nobody; "will be meeting" does.
    r"(?!\s+(?:be|been)\b(?!\s+\w+ing\b))(?!\s+not\b)"
)


def full_name_owners(text: str) -> list[str]:
    """The lower-case first names of "First Last (and First Last) will ..." at ``text``'s start."""
    m = _FULL_NAMES.match(text.strip())
    if m is None:
        return []
    firsts = (m.group(f"first{i}") for i in range(4))
    return [f.lower() for f in firsts if f]


#: Task verbs that follow a mentioned name in a task list; a short list, so that an
#: imperative over a capitalised name ("Fix Nova tests") is never read as a person.
_TASK_VERB = (
    r"(?:set|sets|send|sends|provide|provides|schedule|schedules|share|shares|review|reviews"
    r"|update|updates|draft|drafts|prepare|prepares|create|creates|write|writes|check|checks"
    r"|contact|contacts|reach|reaches|follow|follows|investigate|investigates|propose"
    r"|proposes|organi[sz]e|organi[sz]es|ping|pings|collect|collects|circulate|circulates)"
)
_MENTIONED = re.compile(
    "^" + _FULL_NAME.format(i=0) + rf"\s*(?:\.\s+[A-Z][a-z]+\b|\s{_TASK_VERB}\b)"
)


def mentioned_owner(item: str) -> str | None:
    """The lower-case first name of a task written "First Last <task verb> ..."."""
    m = _MENTIONED.match(item.strip())
    return m.group("first0").lower() if m else None


#: "Lars to chase up ...": a capitalised first name, then "to" and a verb.
_NAME_TO = re.compile(r"^(?P<name>[A-Z][a-z]{2,20})\s+to\s+[a-z]{2,}")
#: Imperatives that open an item as "<Verb> to ..." ("Move to py3", "Talk to nova"):
#: never a first name, even when a title capitalises the next word ("Move Forward").
_NOT_FIRST_NAMES = frozenset(
    """
    move go back due switch add talk reach respond reply need try plan want continue start
    return migrate upgrade convert link point send write post submit propose push port ask
    get have subscribe refer stick agree commit listen contribute apply wait look come
    """.split()
)


def named_first_name(item: str, text: str) -> str | None:
    """The lower-case first name of an item written "Name to <verb> ...", when ``text``
    also writes that person's full name ("Lars Kurth"), else ``None``.

    A capitalised word before "to" is as often an imperative ("Move to ...") as a
    name; the full name elsewhere in the document is what makes it a person.
    """
    m = _NAME_TO.match(item.strip())
    if m is None or m.group("name").lower() in _NOT_FIRST_NAMES:
        return None
    name = m.group("name")
    full = re.compile(rf"(?<![\w-]){name}\s(?!{_NOT_SURNAMES}\b)[A-Z][a-z]{{1,20}}\b")
    return name.lower() if full.search(text) else None


#: Words after a first name that make a team or a thing, not a surname.
_NOT_SURNAMES = (
    r"(?:Team|Teams|Group|Committee|Board|Project|Foundation|Cores?|Community|Users"
    r"|Operators|Members|Staff)"
)
