"""Day labels and dates as PTG summaries write them.

"Day 2 - Tuesday", "Tuesday 19 October", "Oct 26, 2020", "26 October 2020" and
ISO dates: whether a heading names a day, whether a line is a standalone day line,
and the date a label gives (its year taken from the rest of the summary when it
has none).
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ORD = r"(?:st|nd|rd|th)?"
_DATE_MDY = re.compile(
    rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_DATE_DMY = re.compile(
    rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_DATE_NO_YEAR = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}}){_ORD}|(?P<d2>\d{{1,2}}){_ORD}\s+"
    rf"(?P<m2>{_MONTH}))\b",
    re.IGNORECASE,
)
_WEEKDAY_AT = re.compile(rf"\b(?P<w>{_WEEKDAY})\b", re.IGNORECASE)
_BARE_WEEKDAY = re.compile(rf"^{_WEEKDAY}:?$", re.IGNORECASE)
_DAYLIKE = re.compile(
    rf"^(?:Day\s*\d+\b|{_WEEKDAY}\b|(?:{_MONTH})\.?\s+\d{{1,2}}\b|\d{{1,2}}{_ORD}\s+(?:{_MONTH})\b"
    r"|\d{4}-\d{2}-\d{2}\b)",
    re.IGNORECASE,
)
#: A standalone day line ("Tuesday 19 October", "Day 2 - Tuesday", a date).
DAY_LINE = re.compile(
    rf"^(?:{_WEEKDAY},?(?:\s+(?:\d{{1,2}}{_ORD}\s+(?:{_MONTH})|(?:{_MONTH})\.?\s+\d{{1,2}}{_ORD})"
    rf"(?:,?\s+\d{{4}})?)?|(?:{_MONTH})\.?\s+\d{{1,2}}{_ORD},?\s+\d{{4}}"
    rf"|\d{{1,2}}{_ORD}\s+(?:{_MONTH})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    r"|Day\s+\d+(?:\s*[-\u2013:(,].{0,40})?)\s*:?$",
    re.IGNORECASE,
)


def parse_date(label: str) -> date | None:
    """The first full date in ``label`` ("Oct 26, 2020", "26 October 2020", ISO)."""
    for pattern in (_DATE_MDY, _DATE_DMY, _DATE_ISO):
        if m := pattern.search(label):
            month = m.group("m")
            month_num = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            try:
                return date(int(m.group("y")), month_num, int(m.group("d")))
            except ValueError:
                return None
    return None


def parse_day_date(label: str, year_hint: int | None, ptg_week: date | None = None) -> date | None:
    """The date of a day label, using what the rest of the summary says.

    "Tuesday 19 October" takes its year from ``year_hint`` (or the hint's
    neighbours, when only they agree with the weekday); a bare weekday ("Monday")
    falls in ``ptg_week`` (the Monday of the cycle's PTG week), when known.
    """
    if (full := parse_date(label)) is not None:
        return full
    weekday = _WEEKDAY_AT.search(label)
    m = _DATE_NO_YEAR.search(label)
    if m is None:
        if ptg_week is not None and weekday is not None and _BARE_WEEKDAY.match(label.strip()):
            return date.fromordinal(ptg_week.toordinal() + _weekday_index(weekday.group("w")))
        return None
    if year_hint is None:
        return None
    month = _MONTHS[(m.group("m1") or m.group("m2")).lower()]
    day = int(m.group("d1") or m.group("d2"))
    for year in (year_hint, year_hint + 1, year_hint - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if weekday is None:
            return found
        if _weekday_index(weekday.group("w")) == found.weekday():
            return found
    return None


def _weekday_index(word: str) -> int:
    return _WEEKDAYS.index(word[:3].lower())


def looks_like_day(label: str) -> bool:
    """Whether a heading label names a day ("Day 2 - …", "Tuesday", "Oct 26", a date)."""
    return bool(_DAYLIKE.match(label.strip()))
