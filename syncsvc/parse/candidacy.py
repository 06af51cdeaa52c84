"""A candidacy's platform is not a set of commitments.

PTL and TC candidacies (election repository files, list mails, HyperKitty
pages) open by announcing the writer's candidacy and then list what the
candidate would do: "We need to improve the docs", "we will need to make
sure ...", "my long-term commitment which I finally plan to fulfill this
cycle". Every such sentence hangs on the election ("if you happen to choose
me"), and the corpus annotates them as optional; read as commitments they
were the parser's false items on the tuned split (issue 12, eleventh batch:
two Ironic PTL candidacies).

So a document that announces its writer's own candidacy near its start keeps
only explicit actions (under a marker); the inferred ones are dropped. A mail
*about* an election ("PTL nominations are now closed", a blog that recalls
"my Juno PTL candidacy email") announces no candidacy and is read as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from syncsvc.parse.assemble import RawTopic

#: How far into the document the announcement must come.
HEAD = 600
#: "I am announcing my candidacy", "I'd like to throw in my hats ... for the Ironic PTL
#: election", "I'm once again nominating myself", "I nominated myself to be a candidate",
#: a "... PTL candidacy" subject line.
_ANNOUNCES = re.compile(
    r"\bI(?:[\u2019']d|\s+would|\s+am|[\u2019']m)?\s+(?:(?:like|want)\s+to\s+)?"
    r"(?:once\s+again\s+|hereby\s+|formally\s+)?"
    r"(?:announc(?:e|ing)|submit(?:ting)?|put(?:ting)?\s+forward|throw(?:ing)?\s+in)"
    r"\s+my\s+(?:candidacy|nomination|hats?|name)\b"
    r"|\bI(?:[\u2019']m|\s+am|[\u2019']d\s+like\s+to|\s+would\s+like\s+to)?\s+"
    r"(?:once\s+again\s+|hereby\s+)?nominat(?:e|ing|ed)\s+myself\b"
    r"|^\S.{0,120}\b(?:PTL|TC)\s+candidacy\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def announces_candidacy(text: str) -> bool:
    """Whether ``text`` opens by announcing its writer's own candidacy."""
    return _ANNOUNCES.search(text[:HEAD]) is not None


def drop_platform(text: str, topics: Iterable[RawTopic]) -> None:
    """In a candidacy, drop the inferred actions of ``topics`` (their platform)."""
    if not announces_candidacy(text):
        return
    for topic in topics:
        topic.actions = [item for item in topic.actions if not item.inferred]
