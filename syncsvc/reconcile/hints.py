"""Type hints in a commitment's wording: which kind of artifact it asks for.

"spec" points at ``*-specs`` repositories ("nova spec": only ``nova-specs``),
"tempest" and a client's name at those repositories, and an e-mail to a mailing
list at nothing Gerrit or Launchpad holds. A negated mention ("no spec is
necessary") is no hint. Used by :mod:`syncsvc.reconcile.candidates` as evidence
and, for a named project's spec, as a filter. Pure functions only.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

_SPEC = re.compile(r"\b(?:(?P<project>[a-z][\w-]*)\s+)?spec(?:s|ifications?)?\b", re.IGNORECASE)
_TEMPEST = re.compile(r"\btempest\b", re.IGNORECASE)
# A client repository ("python-manilaclient", "cinderclient"), not a library's name
# that ends in "-client" ("ceph-volume-client").
_CLIENT = re.compile(r"(?<![\w-])(?:python-)?[a-z]*client\b|\b(?:osc|sdk)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:no|not|without|never)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_EMAIL = re.compile(r"(?i:\be-?mails?\b|\bmailing[ -]lists?\b|\bopenstack-discuss\b)|\bML\b")


class HintKind(StrEnum):
    """What kind of artifact an action's wording points at."""

    NOTHING = "nothing"  # an e-mail: nothing to find in Gerrit or Launchpad
    SPEC = "spec"
    TEMPEST = "tempest"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class TypeHint:
    """A hint from the wording: ``spec`` → ``*-specs`` repos, ``nova spec`` → ``nova-specs``."""

    kind: HintKind
    project: str | None = None

    @property
    def label(self) -> str:
        """How the hint reads in evidence (``spec→nova-specs``)."""
        if self.kind is HintKind.SPEC:
            return f"spec→{self.project or '*'}-specs"
        return {HintKind.NOTHING: "email→nothing to find"}.get(
            self.kind, f"{self.kind}→*{self.kind}*"
        )

    @property
    def filters(self) -> bool:
        """Whether only records that fit the hint are candidates ("nova spec": only
        nova-specs). Other hints are evidence, not a filter: a spec's implementation
        is the commitment's work too."""
        return self.kind is HintKind.SPEC and self.project is not None

    def accepts(self, project: str) -> bool:
        """Whether a repository/Launchpad project (short name) fits the hint."""
        if self.kind is HintKind.SPEC:
            return (
                project == f"{self.project}-specs" if self.project else project.endswith("-specs")
            )
        return self.kind is not HintKind.NOTHING and self.kind.value in project


def type_hint(text: str, known_projects: Collection[str] = ()) -> TypeHint | None:
    """The hint in an action's text. ``<word> spec`` names a project only when ``word``
    (or ``word-specs``) is a known project; a negated spec ("no spec is necessary") is
    no hint. An e-mail wins over every hint but a spec's."""
    specs = [
        m
        for m in _SPEC.finditer(text)
        if not _NEGATED.search(f"{text[: m.start()]}{m.group('project') or ''} ")
    ]
    for match in specs:
        name = (match.group("project") or "").lower().removesuffix("-specs")
        if name and name in known_projects:
            return TypeHint(HintKind.SPEC, name)
    if specs:
        return TypeHint(HintKind.SPEC)
    if _EMAIL.search(text):
        return TypeHint(HintKind.NOTHING)
    for kind, pattern in ((HintKind.TEMPEST, _TEMPEST), (HintKind.CLIENT, _CLIENT)):
        if pattern.search(text):
            return TypeHint(kind)
    return None
