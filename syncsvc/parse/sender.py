"""Who sent a mail, and first-person commitments that the sender owns ("I will ...").

In an IRC log the speaker is the writer: "jorgem, no. I'll follow up with
blogan" commits the nick that said it, and "dhellmann said he'd do it post
meeting" reports a commitment of another speaker (see :func:`spoken_commitments`).

A summary mail says "I'll see with infra if we can get a periodic job": the
commitment is the sender's. The archive copy names the sender in its header
line (pipermail: "Thomas Herve therve at redhat.com") or the mail signs off
("Thanks, Mark"). The owner is the address's local part when it reads as the
sender's nick (it holds their first name or surname: "therve" for Thomas
Herve), else the name as written.
"""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime

from syncsvc.parse.days import parse_date
from syncsvc.parse.prose_subjects import WORK_VERBS

#: Lines from the top in which an archive page shows its "Name address" header line.
_HEADER_LINES = 8
#: pipermail's obfuscated From line: "Thomas Herve therve at redhat.com".
_FROM = re.compile(
    r"^(?P<name>[A-Za-z][\w'\u2019.-]*(?:\s+[A-Za-z][\w'\u2019.-]*){0,3})"
    r"\s+(?P<local>[\w.%+-]+)\s+at\s+[\w-]+(?:\.[\w-]+)+\s*$"
)
_NICK_SHAPED = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
#: A one-line sign-off: "Thanks, Mark", "Cheers, Jay".
_SIGN_OFF = re.compile(
    r"^(?i:thanks|thank\s+you|cheers|regards|best\s+regards|kind\s+regards|best)\s*,?\s+"
    r"(?P<name>[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?)\s*[.!]?$"
)
#: "I will ...", "I'll gladly ...": the writer commits. Not the mail talking about
#: itself ("I'll try to summarize", "I will do my best", "I'm going to give a summary"),
#: nor a state ("I will be out", "I'll have ...") or a hope.
_FIRST_PERSON = re.compile(
    r"^(?:(?:so|and|then|also|next|meanwhile),?\s+)?I(?:\s+will|\s*['\u2019]ll)\s+"
    r"(?:(?:also|then|gladly|happily|personally|now)\s+)?"
    r"(?!(?:try|attempt|do\s+my\s+best|give|summari[sz]e|cover|have|not|probably|need"
    r"|let|keep|continue|stay|remain|hope|leave\s+it\s+(?:at|there)|see\s+you|miss"
    # Remarks on the text itself: "I will note that ...", "I'll say this ...",
    # "I'll start at the end" (where the mail begins, not a piece of work).
    r"|note|say|admit|confess"
    r"|(?:start|begin|end|finish)\s+(?:at|from|with)\s+the\s+(?:end|beginning|start|top|bottom)"
    r")\b)"
    r"(?!be\s+(?!\w+ing\b))[a-z]+\b"
    # "I have an action item to dig into ...": the writer's own action item.
    r"|^I\s+(?:have|had|took|got)\s+(?:an|the)\s+action\s+items?\s+to\b"
)
#: "I'm going to write the spec", "I plan to send a patch": the writer's plan, read as a
#: commitment only with a verb of work (not "I'm going to give a summary", "I intend to
#: be bolder", "I'm going to attempt to distill ...").
_PLAN_LEAD = r"^(?:(?i:so|and|then|also|next|meanwhile),?\s+)?I"
_FIRST_PERSON_PLAN = re.compile(
    rf"{_PLAN_LEAD}(?:(?:\s+am|\s*['\u2019]m)\s+(?:going|planning)|\s+(?:plan|intend))"
    rf"\s+to\s+(?:also\s+)?{WORK_VERBS}"
)
#: "knikolla and I will ...": the writer commits together with the others named.
_WITH_WRITER = re.compile(
    r"^[\w-]+(?:,\s*[\w-]+)*,?\s+and\s+I(?:\s+will|\s*['\u2019]ll|\s+am\s+going\s+to)\b"
)


def find_sender(lines: list[str]) -> str | None:
    """The sender of a mail, from its archive header line or else its last sign-off."""
    for line in lines[:_HEADER_LINES]:
        if m := _FROM.match(line.strip()):
            return _owner_name(m.group("name"), m.group("local"))
    sign_off = None
    for line in lines:
        if m := _SIGN_OFF.match(line.strip()):
            sign_off = m.group("name")
    return sign_off


#: "Date: Tue, 28 Apr 2026 10:00:00 +0000" (a saved mail's header).
_DATE_HEADER = re.compile(r"^Date:\s*(?P<value>.+)$", re.IGNORECASE)
#: "Fri Mar  3 18:11:51 UTC 2017" (the date line of a pipermail message page).
_PIPERMAIL_DATE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?P<m>[A-Z][a-z]{2})\s+(?P<d>\d{1,2})"
    r"\s+\d{2}:\d{2}:\d{2}\s+[A-Z]{2,5}\s+(?P<y>\d{4})$"
)


def sent_date(lines: list[str]) -> date | None:
    """The day a mail was sent, from its ``Date:`` header or an archive's date line."""
    for line in lines[:_HEADER_LINES]:
        stripped = line.strip()
        if m := _DATE_HEADER.match(stripped):
            try:
                return parsedate_to_datetime(m.group("value")).date()
            except (TypeError, ValueError):
                continue
        if (m := _PIPERMAIL_DATE.match(stripped)) and (
            found := parse_date(f"{m['d']} {m['m']} {m['y']}")
        ):
            return found
    return None


def _owner_name(name: str, local: str) -> str:
    """The local part when it is the sender's nick ("therve"), else the name as written."""
    nick = local.lower()
    if _NICK_SHAPED.match(nick) and any(
        len(part) > 2 and part.lower() in nick for part in name.split()
    ):
        return nick
    return name


def first_person_commitment(sentence: str) -> bool:
    """Whether ``sentence`` commits its writer ("I will leave this open for a week")."""
    text = sentence.strip()
    return bool(_FIRST_PERSON.match(text)) or (
        "I" in text[:12] and bool(_FIRST_PERSON_PLAN.match(text))
    )


def with_writer(sentence: str) -> bool:
    """Whether ``sentence`` commits the writer together with others ("knikolla and I will")."""
    return bool(_WITH_WRITER.match(sentence.strip()))


#: Where a speaker's own "I will ..." starts in an IRC message: at its start, or after a
#: sentence end or a comma ("jorgem, no. I'll follow up", "if nobody objects, I'll rev it").
_SPOKEN_START = re.compile(r"(?:^|(?<=[.!?;,])\s+)(?=I(?:\s+will|\s*['\u2019]ll)\b)")
_SPOKEN_END = re.compile(r"(?<=[.!?])\s+")
#: "dhellmann said he'd do it post meeting": a commitment reported for a named person.
_REPORTED = re.compile(
    r"(?:^|(?<=[.!?;])\s+)(?P<nick>[A-Za-z][\w-]*)\s+said\s+(?:he|she|they)"
    r"(?:['\u2019]d|\s+would|\s+will)\s+(?!(?:not|be|have|try|like|love|prefer)\b)[a-z]+\b[^.!?]*"
)
#: "JayF has signed up to represent the TC at ...": a named person took the work on.
_VOLUNTEERED = re.compile(
    r"(?:^|(?<=[.!?;])\s+)(?P<nick>[A-Za-z][\w-]*)\s+(?:has\s+|have\s+)?"
    r"(?:signed\s+up|volunteered|offered|agreed)\s+to\s+"
    # a verb, not "agreed to that", "signed up to the list"
    r"(?!(?:be|have|that|this|it|the|a|an|my|his|her|their|our|these|those)\b)[a-z]+\b[^.!?]*"
)


#: "will fix up other things": chat drops the "I"; a message opening with "will" + a verb.
#: Not a question ("will that work?"), nor a bare acknowledgement ("will do", "will do
#: for sure"), nor a word that is no verb ("will this ...", "will you ...").
_SUBJECTLESS = re.compile(
    r"^(?:(?:and|also|then|ok|okay|sure),?\s+)?will\s+"
    r"(?!(?:this|that|it|you|we|they|there|he|she|the|a|an|someone|anyone|people)\b)"
    r"(?!do\b(?!\s+(?:the|a|an|some|that|this|it)\b))"
    r"(?P<rest>[a-z][^.!?]*)[.!]?$"
)


def spoken_commitments(message: str) -> list[tuple[str, str | None]]:
    """``(text, owner)`` of the commitments in one IRC message.

    ``owner`` is ``None`` for the speaker's own "I will ..." (also written
    without its "I": "will fix up other things") and the nick for a reported
    one ("dhellmann said he'd do it"); the caller checks that nick spoke.
    """
    found: list[tuple[str, str | None]] = []
    first = _SPOKEN_END.split(message.strip(), maxsplit=1)[0].strip()
    if (m := _SUBJECTLESS.match(first)) and first_person_commitment("I will " + m.group("rest")):
        found.append((first, None))
    for m in _SPOKEN_START.finditer(message):
        clause = _SPOKEN_END.split(message[m.end() :], maxsplit=1)[0].strip()
        if first_person_commitment(clause):
            found.append((clause, None))
    found.extend(reported_commitments(message))
    return found


def reported_commitments(message: str) -> list[tuple[str, str]]:
    """``(text, nick)`` of the commitments ``message`` reports for a named person.

    "dhellmann said he'd do it post meeting", "JayF has signed up to represent
    the TC at ...": the caller checks that the nick is an attendee.
    """
    found = [(m.group(0).strip(), m.group("nick")) for m in _REPORTED.finditer(message)]
    found.extend((m.group(0).strip(), m.group("nick")) for m in _VOLUNTEERED.finditer(message))
    return found
