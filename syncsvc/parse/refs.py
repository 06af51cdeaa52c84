"""Find explicit references (changes, bugs, blueprints, etherpads, URLs) in text."""

from __future__ import annotations

import re

from syncsvc.domain import Ref, RefKind

_TRAILING = ".,;:!?)]}>'\""

_CHANGE_URL = re.compile(
    r"https?://review\.(?:opendev|openstack)\.org/"
    r"(?:\#/)?(?:c/(?:[\w.\-/]+?/\+/)?)?(?P<num>\d+)(?:/\d+)?/?",
)
_BUG_URL = re.compile(r"https?://bugs\.launchpad\.net/(?:[\w.+\-]+/)?\+bug/(?P<num>\d+)/?")
_BLUEPRINT_URL = re.compile(
    r"https?://blueprints\.launchpad\.net/(?P<project>[\w.+\-]+)/\+spec/(?P<name>[\w.+\-]+)/?"
)
_ETHERPAD_URL = re.compile(
    r"https?://etherpad\.(?:opendev|openstack)\.org/p/(?P<name>[\w.%\-]+)/?",
)
_ANY_URL = re.compile(r"https?://[^\s<>\"']+")
_BUG_TEXT = re.compile(
    r"(?:\bLP\s*:?\s*#\s*(?P<lp>\d{4,})|\bbug\s*(?:#\s*)?(?P<bug>\d{5,})\b)", re.IGNORECASE
)


def _trim(url: str) -> str:
    """Drop sentence punctuation that a URL swallowed, keeping balanced parens."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def find_refs(text: str) -> tuple[Ref, ...]:
    """Return the references in ``text`` in order of appearance, without duplicates.

    Recognised: Gerrit review URLs (``review.opendev.org/758868/`` and
    ``review.opendev.org/c/openstack/manila/+/758868``), Launchpad bug URLs,
    ``LP #N`` and ``bug N`` (five digits or more), blueprint URLs, etherpad URLs
    and any other http(s) URL (kind ``url``).
    """
    # Substring tests first: most text has no URL and no bug number.
    found: list[tuple[int, Ref]] = []
    if "://" in text:
        for match in _ANY_URL.finditer(text):
            url = _trim(match.group(0))
            found.append((match.start(), _classify_url(url)))
    lowered = text.lower()
    if "bug" in lowered or "lp" in lowered:
        for match in _BUG_TEXT.finditer(text):
            if any(start <= match.start() < start + len(ref.url) for start, ref in found):
                continue
            num = match.group("lp") or match.group("bug")
            found.append(
                (match.start(), Ref(RefKind.BUG, num, f"https://bugs.launchpad.net/bugs/{num}"))
            )
        found.sort(key=lambda item: item[0])
    if not found:
        return ()
    seen: set[tuple[RefKind, str]] = set()
    refs: list[Ref] = []
    for _, ref in found:
        if (ref.kind, ref.id) not in seen:
            seen.add((ref.kind, ref.id))
            refs.append(ref)
    return tuple(refs)


def _classify_url(url: str) -> Ref:
    """Turn one URL into the most specific :class:`Ref` it denotes."""
    if m := _CHANGE_URL.fullmatch(url):
        return Ref(RefKind.CHANGE, m.group("num"), url)
    if m := _BUG_URL.fullmatch(url):
        return Ref(RefKind.BUG, m.group("num"), url)
    if m := _BLUEPRINT_URL.fullmatch(url):
        return Ref(RefKind.BLUEPRINT, f"{m.group('project')}/{m.group('name')}", url)
    if m := _ETHERPAD_URL.fullmatch(url):
        return Ref(RefKind.ETHERPAD, m.group("name"), url)
    return Ref(RefKind.URL, url, url)


def find_urls(text: str) -> tuple[str, ...]:
    """Return every http(s) URL in ``text``, trimmed of trailing punctuation."""
    return tuple(_trim(m.group(0)) for m in _ANY_URL.finditer(text))
