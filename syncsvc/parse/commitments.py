"""Unmarked commitments in forms many teams write, and items that only look like them.

Summaries carry work in prose without any marker: a group as the subject ("The
two teams will collaborate on ...", "Cyborg contributors need to modify ..."), a
relative clause ("an issue with messaging that we need to investigate"), a
missing deliverable ("We also need developer documentation") or an assignment
in the past tense ("assigned it to Josh", read by :mod:`syncsvc.parse.owners`).
A list item may ask for a tracking
artefact ("Make at least a story for tracking this"). Other items read like
commitments and are not: questions, and agenda backlog entries that carry their
status in a closing parenthesis ("(deferred post-Barcelona)").

Pure regular expressions over one sentence or list item; the callers decide
where they apply (see :mod:`syncsvc.parse.assemble`).
"""

from __future__ import annotations

import re

from syncsvc.parse.agenda_forms import agenda_entry, coordinated_agreement, led_decision
from syncsvc.parse.owners import read_commitment
from syncsvc.parse.words import may_mention

#: A leading phrase before the subject ("After the organisations offered hardware, ...");
#: never a condition or a question ("If the group decided to ..." commits nobody).
_LEAD = (
    r"(?:(?!(?:if|whether|unless|once|until|when|what|how|why|where)\b)[^,;.?]{3,80},\s+"
    # "This week the work group will ...": a time phrase, often written without a comma.
    r"|(?i:(?:this|next|later\s+this|early\s+next)\s+(?:week|month|cycle|year|release)\s+)"
    # "3) Stabilization Branches A group of ... will": a numbered title run into its first
    # sentence, as a flattened mail writes its sections.
    r"|\d{1,2}\)\s+(?:[A-Z][\w/&'-]*\s+){1,6}(?=(?:An?|The)\s))?"
)
#: A group as the subject: "the group", "the two teams", "Cyborg contributors".
_GROUP = (
    r"(?:(?i:the\s+(?:two\s+|both\s+)?(?:group|groups|teams|sig|wg|work(?:ing)?\s+group|committee)"
    r"|both\s+teams)|[A-Z][\w-]+\s+(?i:contributors|developers|cores|maintainers)"
    # "A group comprised of some of the QA team and others will ...": a group formed for
    # the work, described after its noun.
    r"|(?i:an?\s+(?:small\s+|new\s+)?(?:group|team|sub-?team|task\s+force|work(?:ing)?\s+group)"
    r"\s+(?:of|comprised\s+of|made\s+up\s+of|consisting\s+of|composed\s+of)\s+[^,;.?]{3,120}?))"
)
#: A word every group of ``_GROUP`` has (keep the two in step): text without one names none.
_GROUP_WORDS = (
    "group", "teams", "sig", "wg", "committee", "contributors", "developers", "cores",
    "maintainers",
)  # fmt: skip
_GROUP_COMMITMENT = re.compile(
    rf"^(?i:(?:so|and|then|also|finally),?\s+)?{_LEAD}{_GROUP}\s+(?i:(?:also|then)\s+)?"
    r"(?i:(?:agreed|decided|volunteered|plan(?:s|ned)?)\s+to|will|needs?\s+to|must)\b"
    r"(?!\s+(?i:be|have|see|not|keep|continue|stay|remain)\b)"
)
#: "... an issue with messaging that we need to investigate": the team's work in a clause.
_RELATIVE_DUTY = re.compile(
    r"\b(?:that|which)\s+we\s+(?:still\s+|also\s+)?(?:need\s+to|have\s+to|must)\s+"
    r"(?!(?:ensure|make\s+sure|be|keep|think|understand|consider|remember|live)\b)[a-z]{3,}",
    re.IGNORECASE,
)
#: "We also need developer documentation and some clean ups": a missing deliverable.
_NEED_DELIVERABLE = re.compile(
    r"^(?:(?:next|then|also|finally|so),?\s+)?we\s+(?:also\s+|still\s+)?need\s+"
    r"(?!to\b)(?:[\w-]+\s+){0,3}?"
    r"(?:documentation|docs|tests|testing|specs?|jobs?|patch(?:es)?|fix(?:es)?"
    r"|clean[- ]?ups?|release\s+notes?)\b",
    re.IGNORECASE,
)
#: "Make at least a story for tracking this", "file a bug", "write a spec for it".
_TRACKING_ITEM = re.compile(
    r"^(?:please\s+)?(?:make|file|create|write|open|propose|draft|submit|raise)\s+"
    r"(?:at\s+least\s+)?(?:a|an|the|one)\s+(?:new\s+|separate\s+)?"
    r"(?:story|bug|bug\s+report|spec|blueprint|rfe|patch)\b",
    re.IGNORECASE,
)
#: "(deferred post-Barcelona)", "(WIP)", "(needs round 2)": an agenda entry's status.
_STATUS = re.compile(
    r"\((?:deferred|wip|pending|needs\s+round|on\s+hold|blocked|postponed|waiting)\b[^()]*\)"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)


def group_commitment(sentence: str) -> bool:
    """Whether a group commits itself ("The two teams will collaborate on ...")."""
    return may_mention(sentence, *_GROUP_WORDS) and bool(
        _GROUP_COMMITMENT.match(sentence.strip().lstrip("-*• "))
    )


def unmarked_duty(sentence: str) -> bool:
    """Whether a prose sentence carries the team's work without a marker.

    A group's commitment, "... that we need to <verb>", or "We also need <deliverable>".
    """
    text = sentence.strip()
    return (
        group_commitment(text)
        or (
            may_mention(text, "that", "which")
            and may_mention(text, "we")
            and bool(_RELATIVE_DUTY.search(text))
        )
        or bool(_NEED_DELIVERABLE.match(text))
        or led_decision(text)  # "During the workshop we decided to ..."
        or coordinated_agreement(text)  # "The Board ..., but agreed that X should be done"
    )


def tracking_item(text: str) -> bool:
    """Whether a list item asks for a tracking artefact ("Make at least a story for this")."""
    return bool(_TRACKING_ITEM.match(text.strip()))


def not_a_commitment(text: str) -> bool:
    """Whether an item only looks like a commitment: a question, a backlog entry's status
    or an agenda's fixed entry ("Open discussion")."""
    text = text.strip()
    return text.endswith("?") or bool(_STATUS.search(text)) or agenda_entry(text)


def decided_work(text: str) -> bool:
    """Whether a decision line names who does the work ("#agreed gmann will send the mail",
    "Outcome: slaweq to propose the patch"): then it is an action as well."""
    if " will " not in text and " to " not in text and "'ll " not in text:
        return False
    reading = read_commitment(text.strip())
    return reading is not None and bool(reading.owners)
