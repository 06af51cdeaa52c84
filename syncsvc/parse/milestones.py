"""Find milestone mentions in action-item text and turn them into dates.

Recognised forms (case-insensitive unless noted):

* ``Wallaby-1``, ``Wallaby-RC1``, ``Wallaby milestone 2``, ``Wallaby-M3``
* ``Wallaby PTG``, ``Wallaby feature freeze``, ``Wallaby spec freeze``,
  ``Wallaby release`` (-> ``final``), ``Wallaby cycle`` (the whole series)
* ``W-1``, ``w-rc1``: the series from its letter (the hint's letter, or a letter
  only one series has; ``M-`` and ``R-`` are never series letters)
* ``milestone-1``, ``M-2``, ``feature freeze``, ``spec freeze``: the hint's series
* ``2020.10 advisory``: an interop guideline, kept as written with no schedule
* ``in Wallaby``: a bare series name, only when written capitalised and after a
  relation word

The relation is the word before the phrase (``by``, ``after``, ``closer to``,
``to``, ``in``, ``before``), skipping ``the``, ``upcoming``, ``next``, ``end of``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from syncsvc.domain import Milestone
from syncsvc.schedule.releases import Schedules

# Release names in cycle order (public facts); later same-letter names come second.
KNOWN_SERIES: tuple[str, ...] = (
    "austin", "bexar", "cactus", "diablo", "essex", "folsom", "grizzly", "havana",
    "icehouse", "juno", "kilo", "liberty", "mitaka", "newton", "ocata", "pike",
    "queens", "rocky", "stein", "train", "ussuri", "victoria", "wallaby", "xena",
    "yoga", "zed", "antelope", "bobcat", "caracal", "dalmatian", "epoxy", "flamingo",
    "gazpacho", "hibiscus", "indri",
)  # fmt: skip

_NOT_SERIES_LETTERS = frozenset("mr")  # M-1 is "milestone 1"; R-1 is a countdown week
_SERIES = "|".join(sorted(KNOWN_SERIES, key=len, reverse=True))
_NUM = r"(?P<num>[123])"
_RC = r"(?P<rc>rc-?\d)"
_FLAGS = re.IGNORECASE

_NUMBERED = re.compile(
    rf"\b(?P<series>{_SERIES})(?:-(?:m-?|milestone-?)?{_NUM}|[- ](?:milestone|m)[- ]?"
    rf"(?P<num2>[123])|[- ]{_RC})\b",
    _FLAGS,
)
_SERIES_EVENT = re.compile(
    rf"\b(?P<series>{_SERIES})[- ]+(?P<what>feature[- ]freeze|spec[- ]freeze|ptg"
    r"|(?:final\s+)?release(?!\s+notes?\b)|cycle)\b",
    _FLAGS,
)
_SHORTHAND = re.compile(rf"\b(?P<letter>[a-z])-(?:{_NUM}|{_RC})\b", _FLAGS)
_GENERIC = re.compile(
    r"\b(?:milestone[- ]?(?P<ms>[123])|m-?(?P<m>[123])|(?P<ff>feature[- ]freeze)"
    r"|(?P<sf>spec[- ]freeze))\b",
    _FLAGS,
)
# The forms that name a series all start at a series name written as a word; every
# other form has a digit or "freeze" ("FREEZE" lower-cases to it, and no other
# character matches its letters case-insensitively).
_SERIES_WORD = re.compile(rf"\b(?:{_SERIES})\b", _FLAGS)
_SERIES_WORD_LOWER = re.compile(rf"\b(?:{_SERIES})\b")
_DIGIT = re.compile(r"\d")
_ADVISORY = re.compile(r"\b\d{4}\.\d{2}\s+(?:interop\s+)?(?:advisory|guideline)\b", _FLAGS)
_BARE = re.compile(rf"\b(?P<series>{_SERIES})\b(?!-\w)", _FLAGS)
_RELATION = re.compile(
    r"\b(?P<rel>closer\s+to|by|after|before|to|in)\s+(?:(?:the|upcoming|next|end\s+of)\s+)*$",
    _FLAGS,
)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", _FLAGS)

# (specificity, start, end, milestone); a milestone with series and name is specific.
_Candidate = tuple[int, int, int, Milestone]


def find_milestone(
    text: str, *, series_hint: str | None = None, team: str | None = None
) -> Milestone | None:
    """The most specific milestone mentioned in ``text`` (earliest on ties), or ``None``.

    ``series_hint`` is the cycle the text belongs to (for ``M-1``, ``spec freeze``);
    ``team`` names project-specific milestones (``manila`` -> ``manila-spec-freeze``).
    """
    masked = _URL.sub(lambda m: " " * len(m.group()), text) if "://" in text else text
    # Searching for a 35-name alternation is slow, so the series are found once and
    # the forms that start with one (_NUMBERED, _SERIES_EVENT, _BARE) are matched only
    # there. No such form has a second series name inside it, so this finds what a
    # search of the whole text with each form would.
    series_at = _series_starts(masked)
    digit = _DIGIT.search(masked) is not None
    freeze = "freeze" in masked.lower()
    if not series_at and not digit and not freeze:
        return None
    hint = series_hint.strip().lower() if series_hint and series_hint.strip() else None
    spec_freeze = f"{team.strip().lower()}-spec-freeze" if team and team.strip() else "spec-freeze"
    found: list[_Candidate] = []

    def add(
        match: re.Match[str], series: str | None, name: str | None, *, bare: bool = False
    ) -> None:
        relation = _relation(masked, match.start())
        if bare and not relation:
            return
        milestone = Milestone(match.group(), series, name if series else None, relation)
        specific = 1 if milestone.key is not None else 0
        found.append((specific, match.start(), match.end(), milestone))

    for m in _matches_at(_NUMBERED, masked, series_at):
        add(m, m["series"].lower(), _number(m["num"] or m["num2"], m["rc"]))
    for m in _matches_at(_SERIES_EVENT, masked, series_at):
        add(m, m["series"].lower(), _event_name(m["what"], spec_freeze))
    # Each search below runs only on text that has what its form needs ("W-1" a "-"
    # and a digit, "M-2" and "spec freeze" a digit or "freeze", "2020.10" a digit and a ".").
    for m in _SHORTHAND.finditer(masked) if digit and "-" in masked else ():
        series = _series_for_letter(m["letter"], hint)
        if series is not None:
            add(m, series, _number(m["num"], m["rc"]))
    for m in _GENERIC.finditer(masked) if digit or freeze else ():
        if m["m"] is not None and hint is None:
            continue  # a bare "M-1" without a cycle is too ambiguous to keep
        if m["ms"] or m["m"]:
            name = m["ms"] or m["m"]
        else:
            name = "ff" if m["ff"] else spec_freeze
        add(m, hint, name)
    for m in _ADVISORY.finditer(masked) if digit and "." in masked else ():
        add(m, None, None)
    for m in _matches_at(_BARE, masked, series_at):
        if m.group()[0].isupper():
            add(m, m["series"].lower(), None, bare=True)

    if len(found) == 1:  # the usual case: nothing to weigh it against
        return found[0][3]
    kept = [c for c in found if not any(_inside(c, other) for other in found)]
    if not kept:
        return None
    return max(kept, key=lambda c: (c[0], -c[1]))[3]


def resolve_dates(m: Milestone, schedules: Schedules) -> tuple[date | None, date | None]:
    """``(due, starts)`` for a milestone: the END date of its week.

    ``after`` gives ``starts``; every other relation gives ``due``. Unknown series,
    unknown milestone or no milestone name gives ``(None, None)``.
    """
    if m.series is None or m.name is None or m.series not in schedules:
        return (None, None)
    week = schedules[m.series].milestone_week(m.name)
    if week is None:
        return (None, None)
    if m.relation == "after":
        return (None, week.end)
    return (week.end, None)


def _series_starts(text: str) -> list[int]:
    """Where series names start in ``text`` as whole words, in order (any case).

    ASCII text is searched lower-cased and case-sensitively, which is several times
    faster (``re`` can rule out most names by their first letter). Other text keeps
    ``re.IGNORECASE``, which also matches the long s (U+017F), the Kelvin sign
    (U+212A) and the dotted and dotless I (U+0130, U+0131) for s, k and i.
    """
    if text.isascii():
        return [m.start() for m in _SERIES_WORD_LOWER.finditer(text.lower())]
    return [m.start() for m in _SERIES_WORD.finditer(text)]


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` that start at one of ``starts`` (in that order)."""
    for start in starts:
        if m := pattern.match(text, start):
            yield m


def _relation(text: str, start: int) -> str:
    match = _RELATION.search(text, 0, start)
    return " ".join(match["rel"].lower().split()) if match else ""


def _inside(inner: _Candidate, outer: _Candidate) -> bool:
    """Whether ``inner`` lies within ``outer``'s span and is not the same candidate."""
    if inner is outer:
        return False
    within = outer[1] <= inner[1] and inner[2] <= outer[2]
    return within and (outer[2] - outer[1] > inner[2] - inner[1] or outer[0] > inner[0])


def _number(num: str | None, rc: str | None) -> str:
    if rc is not None:
        return rc.lower().replace("-", "")
    assert num is not None
    return num


def _event_name(what: str, spec_freeze: str) -> str | None:
    words = what.lower().replace("-", " ").split()
    if words[0] == "feature":
        return "ff"
    if words[0] == "spec":
        return spec_freeze
    if words[0] == "ptg":
        return "ptg"
    if words[-1] == "release":
        return "final"
    return None  # "<series> cycle": the whole series


def _series_for_letter(letter: str, hint: str | None) -> str | None:
    letter = letter.lower()
    if letter in _NOT_SERIES_LETTERS:
        return None
    if hint is not None and hint.startswith(letter):
        return hint
    candidates = [s for s in KNOWN_SERIES if s.startswith(letter)]
    return candidates[0] if len(candidates) == 1 else None
