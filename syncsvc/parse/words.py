"""A cheap test that rules out a regular expression before it runs.

Most sentences of a summary commit nobody, and each test for a commitment form
scans the whole sentence. A form that needs a word ("the following ... steps"
needs "following") cannot match a sentence without it; a substring test says so
far faster than the pattern's search.
"""

from __future__ import annotations


def may_mention(text: str, *words: str) -> bool:
    """Whether ``text`` may contain one of the lower-case ASCII ``words``, in any case.

    Exact for ASCII text (where a case-insensitive pattern's ASCII letters match
    only their two cases). Text with other characters always may: there
    ``re.IGNORECASE`` matches more (the dotless i and the long s match "i" and "s").
    """
    if not text.isascii():
        return True
    # map() over the bound method runs in C: a generator costs more than these tests.
    return any(map(text.lower().__contains__, words))
