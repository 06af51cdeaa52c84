"""Named subjects of commitments written in prose, beyond "<Name> will ...".

Summaries that are mails with no headings carry their commitments in
sentences, and name people by first name more often than by nick. The
reading in :mod:`syncsvc.parse.owners` takes "Zane will write the spec" and
"Rico agreed to ..."; these forms, all seen in the corpus's mails, blogs and
logs, were left to nobody (issue 12, eleventh batch):

* other commitment verbs after a first name or a camel-case nick: "Rabi is
  going to investigate", "Julia plans to send", "Rico has volunteered to
  write", "Takashi said he will send";
* two or three first names: "Rabi and Zane will review the spec", "Iury,
  Riccardo and Julia are going to ...";
* a subject inside an agreement: "We agreed that Rico will write the spec",
  "It was agreed that Rabi will ...", "we decided that ..." (the agreement
  alone is a decision; the clause names who does the work);
* a project's team as the subject: "The Heat team will deprecate ...", which
  commits the team as a whole (no owner).

Pure functions over one sentence. The caller says which capitalised words
are names (``is_name``), so this module needs nothing from the owner reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: A first name ("Rabi") or a camel-case nick as written ("TheJulia").
_NAME = r"[A-Z][a-z]{1,20}(?:[A-Z][a-z]{1,20})?"
#: One to three names: "Rabi", "Rabi and Zane", "Iury, Riccardo and Julia".
_NAMES = rf"(?P<names>{_NAME}(?:\s*,\s*{_NAME}){{0,1}}(?:,?\s+(?:and|&)\s+{_NAME})?)"
#: "We agreed that", "It was agreed that", "the team decided that": an agreement's lead-in.
_AGREED_THAT = (
    r"(?i:(?:(?:so|and|then|also|finally),?\s+)?"
    r"(?:we|the\s+team|it\s+was)\s+(?:also\s+)?(?:agreed|decided)\s+that\s+)"
)
#: Commitment verbs after the names. Not "will be" (passive) unless "will be <verb>ing",
#: not "will not".
_VERB = (
    r"(?:will|[\u2019']ll)(?!\s+(?:be|been)\b(?!\s+\w+ing\b))(?!\s+not\b)"
    r"|(?:is|are)\s+going\s+to(?!\s+be\b)"
    r"|plans?\s+to|(?:has|have)\s+(?:volunteered|agreed|offered|signed\s+up|promised)\s+to"
    r"|said\s+(?:s?he|they)\s*(?:will|would|[\u2019']d|[\u2019']ll)\b"
    # "Rabi took the action to ...", "Rico has an action item to ...": an assigned action.
    r"|(?:took|has|had|got)\s+(?:an|the)\s+(?:action(?:\s+items?)?|AI)\s+to"
)
#: "After the call, Rabi is going to ...": up to four words of time or place, then a comma.
_SETTING = r"[A-Z][a-z]+\s+(?:[a-z]+\s+){0,2}[a-z]+,\s+"
_PROSE_SUBJECT = re.compile(
    rf"^(?:{_SETTING})?(?P<lead>{_AGREED_THAT})?{_NAMES}\s*(?:{_VERB})\s+(?P<rest>[a-z])",
)
#: Verbs of work after "to": "Thomas to follow up with infra", "I'm going to write ...".
WORK_VERBS = (
    r"(?:follow\s+up|write|send|review|update|fix|propose|investigate"
    r"|look\s+into|check|reach\s+out|ping|draft|prepare|submit|post|create|file|add|remove"
    r"|talk\s+to|ask|contact|coordinate|organi[sz]e|schedule|set\s+up|finish|test|document"
    r"|email|e-mail|sync|collect|summari[sz]e|share|raise|open|close|land|merge|publish"
    r"|announce|triage|backport|implement|evaluate|track|push|revisit|research|figure\s+out"
    r"|rework|rebase|start|clean\s+up|deprecate|retire|run|report|confirm|verify|dig\s+into)\b"
)
#: "Thomas to follow up with infra": a name, "to" and a verb of work (minutes' shorthand).
_TO_WORK = re.compile(rf"^{_NAMES}\s+to\s+{WORK_VERBS}")
#: "Thomas Herve to follow up with infra": the same shorthand under a full name; the
#: first name owns the work, as the corpus writes owners when the text gives no nick.
_FULL_NAME_TO_WORK = re.compile(
    rf"^(?P<names>{_NAME})\s+(?P<last>[A-Z](?:[a-z]{{1,20}}|['\u2019][A-Z][a-z]{{1,20}})"
    r"(?:-[A-Z][a-z]{1,20})?)"
    rf"\s+to\s+{WORK_VERBS}"
)

#: Capitalised words that open "X to <verb>" without naming anyone ("Need to write ...").
_NOT_DOERS = frozenset(
    """
    need needs time plan plans due up hard nice easy good able how what way ways ready happy
    going want decided agreed try like start continue hope expect proposal reply welcome back
    next step steps order move switch migration changes change patch patches work code docs
    tests test jobs job todo action actions volunteers remember note goal goals target idea
    ideas option options reminder request requests help attempt effort efforts question
    questions topic topics decision suggestion suggestions agreement outcome ok okay yes no
    also and but so then please thanks thank reason reasons where when why who which
    """.split()
)
#: A word of every form of ``_VERB``: a cheap test before the pattern.
_VERB_WORDS = (
    "will",
    "ll ",
    "going to",
    "plan",
    "volunteered",
    "agreed",
    "offered",
    "signed",
    "promised",
    "said",
    "action",
    "AI ",
)
_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
#: "The Heat team will ...", "The Ironic community is going to ...": a project's team.
_PROJECT_TEAM = re.compile(
    r"^(?i:(?:(?:so|and|then|also|finally),?\s+)?the\s+)[A-Z][\w.-]{1,30}\s+"
    r"(?:team|community|contributors|core\s+team|project)\s+"
    rf"(?:{_VERB})\s+[a-z]",
)


def prose_subjects(text: str, is_name: Callable[[str], bool]) -> tuple[str, ...] | None:
    """The people a prose commitment names as its subject, lower-case, or ``None``.

    ``text`` is one sentence; ``is_name`` tells a first name from a capitalised
    common word ("Documentation will ..."). Every name must pass it. A
    camel-case nick keeps its case ("TheJulia"); first names are lowered, as
    the corpus writes owners when the text gives no nick.
    """
    text = text.strip().lstrip("-*• ")
    m = _PROSE_SUBJECT.match(text) if any(v in text for v in _VERB_WORDS) else None
    if m is None and " to " in text[:60]:
        m = _TO_WORK.match(text)
        if m is None and (m := _FULL_NAME_TO_WORK.match(text)) is not None:
            last = m.group("last")
            if last.lower() in _NOT_DOERS or not is_name(last):
                return None
    if m is None:
        return None
    names = [n for n in _SPLIT.split(m.group("names")) if n]
    if not names or not all(is_name(n) and n.lower() not in _NOT_DOERS for n in names):
        return None
    return tuple(n if any(c.isupper() for c in n[1:-1]) else n.lower() for n in names)


def project_team_commitment(text: str) -> bool:
    """Whether ``text`` commits a project's team as a whole ("The Heat team will ...")."""
    if not any(w in text for w in ("team", "communit", "contributors", "project")):
        return False
    return _PROJECT_TEAM.match(text.strip().lstrip("-*• ")) is not None
