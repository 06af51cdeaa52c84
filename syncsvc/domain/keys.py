"""Natural keys of artifacts: artifact keys, ordering ids, repository and project names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ArtifactKind = Literal["bug", "change"]
_KEY = re.compile(r"(?P<kind>bug|change):(?P<number>[0-9]+)(?:/(?P<target>.+))?")


@dataclass(frozen=True, slots=True)
class ArtifactKey:
    """A tracked remote object: ``change:745206`` for a Gerrit change,
    ``bug:1855391/manila`` for one task of a Launchpad bug and ``bug:1855391``
    for the bug as a whole. ``target`` is only set for bug task keys;
    ``str(key)`` spells it back."""

    kind: ArtifactKind
    number: int
    target: str | None = None

    @classmethod
    def change(cls, number: int) -> ArtifactKey:
        """``change:<number>``."""
        return cls("change", number)

    @classmethod
    def bug(cls, bug_id: int, target: str | None = None) -> ArtifactKey:
        """``bug:<id>`` for the bug, ``bug:<id>/<target>`` for one of its tasks."""
        return cls("bug", bug_id, target)

    @classmethod
    def parse(cls, key: str) -> ArtifactKey:
        """Parse ``change:N``, ``bug:N`` or ``bug:N/target``; raise ``ValueError`` otherwise."""
        match = _KEY.fullmatch(key)
        if match is None or (match["kind"] == "change" and match["target"] is not None):
            raise ValueError(f"not an artifact key: {key!r}")
        kind: ArtifactKind = "bug" if match["kind"] == "bug" else "change"
        return cls(kind, int(match["number"]), match["target"])

    @classmethod
    def parse_or_none(cls, key: str) -> ArtifactKey | None:
        """:meth:`parse`, or ``None`` for anything that is not an artifact key."""
        try:
            return cls.parse(key)
        except ValueError:
            return None

    @property
    def whole(self) -> ArtifactKey:
        """The key of the whole artifact: ``bug:N`` for a task key, else itself."""
        return ArtifactKey(self.kind, self.number)

    @property
    def label(self) -> str:
        """How a person reads it: ``change 745206``, ``bug 1855391/manila``."""
        return str(self).replace(":", " ", 1)

    def __str__(self) -> str:
        tail = "" if self.target is None else f"/{self.target}"
        return f"{self.kind}:{self.number}{tail}"


def id_order(ident: str) -> tuple[int, str]:
    """Sort key for link ids: numbers numerically, names after them alphabetically."""
    return (int(ident), "") if ident.isdigit() else (-1, ident)


def repo_name(project: str) -> str:
    """A Gerrit project's repository name (``openstack/manila-specs`` → ``manila-specs``);
    a bare name (a Launchpad project in the configuration) stays as it is."""
    return project.lower().rsplit("/", 1)[-1]


def lp_project(target: str) -> str:
    """The Launchpad project of a bug task target (``manila/victoria`` → ``manila``)."""
    return target.lower().split("/", 1)[0]
