"""The one parser of commit-message footers: bugs, blueprints and the Change-Id.

Two grammars are read, and a footer either of them accepts counts:

* jeepyb's (the ``update_bug.py`` Gerrit hook that updates Launchpad): a whole
  line ``[prefix] bug|lp N``, where the prefix's first word decides what the
  change does to the bug (:func:`find_bug_footers`), and ``Implements:`` /
  ``Partially-Implements:`` lines naming blueprints (:func:`find_blueprint_footers`);
* Gerrit's keyed footers as OpenStack writes them: a line starting with
  ``Closes-Bug:``, ``Partial-Bug:``, ``Related-Bug:``, ``Implements:`` or
  ``Partially-Implements:``, whose value may hold several bug
  numbers (``#1, 2 3``, ``LP#4``) or ``blueprint x``/``bp x``/``bp:x``/a bare name;
* ``Change-Id: I<40 hex digits>`` (the last one wins, as in Gerrit).

:func:`footers_from_message` gives the domain :class:`Footers` of a message, and
:func:`message_body` the rest of its body, as text evidence for candidate links.
Pure functions only: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syncsvc.domain.links import Relation
from syncsvc.domain.records import Footers

_PREFIX_RELATION = {
    **dict.fromkeys(("closes", "fixes", "resolves"), Relation.CLOSES),
    "partial": Relation.PARTIAL,
    **dict.fromkeys(("related", "impacts", "affects"), Relation.RELATED),
}

# --- jeepyb's grammar ----------------------------------------------------------------

# jeepyb matches a whole line: an optional one-word prefix, "bug"/"lp" (with "#"
# or ":"), and the number at the end of the line; prose never matches because the
# prefix is a single word. Deviations: several ids on one line are accepted, the
# match never spans lines, and "lp bug N" counts as no prefix (jeepyb reads "lp").
# Every separator is mandatory and unambiguous, so a long line cannot backtrack
# exponentially (commit messages are untrusted input).
_BUG_WORDS = r"(?:\b(?:bug|lp)\b[ \t#:]*)"
_BUG_FOOTER = re.compile(
    r"[ \t]*(?:(?P<prefix>\w+(?:-\w+)*?)(?:[ \t]*[-:][ \t]*|[ \t]+))??"
    rf"{_BUG_WORDS}+"
    rf"(?P<ids>\d+(?:(?:[ \t]*[,&][ \t]*|[ \t]+(?:and[ \t]+)?){_BUG_WORDS}?#?\d+)*)[ \t]*",
    re.IGNORECASE,
)
_BLUEPRINT_FOOTER = re.compile(
    r"[ \t]*(?P<key>implements|partially-implements|partial-implements)[ \t]*:?[ \t]*(?P<rest>.+?)"
    r"[ \t]*",
    re.IGNORECASE,
)
_BLUEPRINT_ITEM = re.compile(
    r"(?:\b(?:blueprint|bp)\b[ \t]*[#:]?[ \t]*)?(?P<name>[a-z0-9][\w.+-]*)", re.IGNORECASE
)
_CHANGE_ID_FOOTER = re.compile(
    r"[ \t]*change-id[ \t]*:[ \t]*(?P<id>I[0-9a-f]{40})[ \t]*", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")

# --- Gerrit's keyed footers ----------------------------------------------------------

_KEYED_FOOTER = re.compile(
    r"^[ \t]*(closes-bug|partial-bug|related-bug|implements|partially-implements)"
    r"[ \t]*:[ \t]*(.*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_KEYED_BUG_NUMBER = re.compile(r"(?<![\w-])#?(\d+)\b")
_KEYED_BLUEPRINT = re.compile(r"\b(?:blueprint|bp)\b[ \t:]*([A-Za-z0-9][\w.+-]*)", re.IGNORECASE)
_KEYED_BARE_NAME = re.compile(r"[a-z0-9][a-z0-9.+-]*")


@dataclass(frozen=True, slots=True)
class BugFooter:
    """A bug footer line: the bug, what the change does to it, and the line as written."""

    bug_id: int
    relation: Relation
    line: str


@dataclass(frozen=True, slots=True)
class BlueprintFooter:
    """An ``Implements:``/``Partially-Implements:`` footer naming one blueprint."""

    name: str
    relation: Relation
    line: str


def find_bug_footers(message: str) -> tuple[BugFooter, ...]:
    """Bug footers of a commit message in order (jeepyb's grammar); the first line naming
    a bug wins.

    Relations follow jeepyb: ``Closes``/``Fixes``/``Resolves`` and no prefix
    (``Bug: #N``, ``LP: #N``) close; ``Partial`` is partial; ``Related``,
    ``Impacts``, ``Affects`` relate; any other word mentions.
    """
    found: dict[int, BugFooter] = {}
    for line in message.splitlines():
        match = _BUG_FOOTER.fullmatch(line)
        if match is None:
            continue
        prefix = (match.group("prefix") or "").split("-")[0].lower()
        if prefix in ("", "bug", "lp"):
            relation = Relation.CLOSES
        else:
            relation = _PREFIX_RELATION.get(prefix, Relation.MENTIONS)
        for digits in _DIGITS.findall(match.group("ids")):
            found.setdefault(int(digits), BugFooter(int(digits), relation, line.strip()))
    return tuple(found.values())


def find_blueprint_footers(message: str) -> tuple[BlueprintFooter, ...]:
    """``Implements: blueprint x`` / ``bp x`` / ``bp:x`` / ``x`` and ``Partially-Implements``
    footer lines (comma-separated names allowed), in order, without duplicates."""
    found: dict[str, BlueprintFooter] = {}
    for line in message.splitlines():
        match = _BLUEPRINT_FOOTER.fullmatch(line)
        if match is None:
            continue
        partial = match.group("key").lower().startswith("partial")
        relation = Relation.PARTIAL if partial else Relation.CLOSES
        items = [_BLUEPRINT_ITEM.fullmatch(part.strip()) for part in match.group("rest").split(",")]
        if all(items):
            for item in items:
                assert item is not None
                name = item.group("name")
                found.setdefault(name, BlueprintFooter(name, relation, line.strip()))
    return tuple(found.values())


@dataclass(slots=True)
class _Keyed:
    """What Gerrit's keyed footer lines of a message say, in first-seen order."""

    bugs: dict[str, list[str]]
    blueprints: list[str]


def _keyed_footers(message: str) -> _Keyed:
    """Read ``Closes-Bug:``/``Partial-Bug:``/``Related-Bug:`` (any numbers in the value),
    ``Implements:`` and ``Partially-Implements:`` lines."""
    keyed = _Keyed({"closes-bug": [], "partial-bug": [], "related-bug": []}, [])
    for key, value in _KEYED_FOOTER.findall(message.replace("\r\n", "\n")):
        key = key.lower()  # noqa: PLW2901  # normalised in place
        if key in keyed.bugs:
            keyed.bugs[key].extend(_KEYED_BUG_NUMBER.findall(value))
        elif names := _KEYED_BLUEPRINT.findall(value):
            keyed.blueprints.extend(names)
        elif _KEYED_BARE_NAME.fullmatch(value):
            keyed.blueprints.append(value)
    return keyed


def footers_from_message(message: str) -> Footers:
    """The domain :class:`Footers` of a commit message: what either grammar accepts.

    Each list keeps first-seen order without duplicates, Gerrit's keyed footers
    first, then jeepyb's; jeepyb's mentions (an unknown prefix) count as related.
    Blueprints of both kinds of ``Implements`` are listed together, and the last
    ``Change-Id`` wins.
    """
    keyed = _keyed_footers(message)
    bugs = find_bug_footers(message)
    change_ids = [
        m.group("id") for m in map(_CHANGE_ID_FOOTER.fullmatch, message.splitlines()) if m
    ]

    def ids(key: str, *relations: Relation) -> tuple[str, ...]:
        jeepyb = [str(b.bug_id) for b in bugs if b.relation in relations]
        return tuple(dict.fromkeys([*keyed.bugs[key], *jeepyb]))

    blueprints = [b.name for b in find_blueprint_footers(message)]
    return Footers(
        closes_bug=ids("closes-bug", Relation.CLOSES),
        partial_bug=ids("partial-bug", Relation.PARTIAL),
        related_bug=ids("related-bug", Relation.RELATED, Relation.MENTIONS),
        blueprints=tuple(dict.fromkeys([*keyed.blueprints, *blueprints])),
        change_id=change_ids[-1] if change_ids else None,
    )


#: The most of a commit message's body kept as text evidence, in characters. The first
#: paragraphs say what a change does; what runs past 2 KB is mostly tracebacks, test output
#: and lists. Bodies are read at every relink, with every change in memory at once, so each
#: is bounded (real ones average under 400 characters, footers left out).
BODY_LIMIT = 2048
_FOOTER_LINE = re.compile(r"[ \t]*[A-Za-z][\w-]*:\s")  # "Change-Id: ...", "Signed-off-by: ..."


def message_body(message: str) -> str:
    """A commit message's body as text evidence: the lines after the subject line without
    footer lines ("Closes-Bug: ...", "Change-Id: ...") and lines holding a URL, joined by
    single spaces and cut to :data:`BODY_LIMIT` characters."""
    lines = message.splitlines()[1:]
    kept = " ".join(
        text
        for line in lines
        if (text := line.strip()) and "://" not in text and not _FOOTER_LINE.match(text)
    )
    if len(kept) <= BODY_LIMIT:
        return kept
    cut = kept[:BODY_LIMIT]
    # do not end in the middle of a word: a cut word is another word
    return cut.rsplit(" ", 1)[0] if " " in cut and not kept[BODY_LIMIT].isspace() else cut
