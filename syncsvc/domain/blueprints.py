"""Launchpad blueprints (specifications): the record a sync stores and the retro counts.

Launchpad's vocabulary (``lp.blueprints.enums``): a blueprint's *definition status*
says whether its design was approved, its *implementation status* how far the
work got. Both are kept as the strings Launchpad sends, so a value added later
is stored rather than refused; the enums name the ones the rules use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class DefinitionStatus(StrEnum):
    """``definition_status``: how far the blueprint's definition got."""

    NEW = "New"
    DISCUSSION = "Discussion"
    DRAFTING = "Drafting"
    PENDING_APPROVAL = "Pending Approval"
    REVIEW = "Review"
    APPROVED = "Approved"
    OBSOLETE = "Obsolete"
    SUPERSEDED = "Superseded"


class ImplementationStatus(StrEnum):
    """``implementation_status``: how far the work got."""

    UNKNOWN = "Unknown"
    NOT_STARTED = "Not started"
    DEFERRED = "Deferred"
    NEEDS_INFRASTRUCTURE = "Needs Infrastructure"
    BLOCKED = "Blocked"
    STARTED = "Started"
    SLOW_PROGRESS = "Slow progress"
    GOOD_PROGRESS = "Good progress"
    BETA_AVAILABLE = "Beta Available"
    NEEDS_CODE_REVIEW = "Needs Code Review"
    DEPLOYMENT = "Deployment"
    IMPLEMENTED = "Implemented"
    INFORMATIONAL = "Informational"


@dataclass(frozen=True, slots=True)
class Blueprint:
    """One blueprint of a Launchpad project, keyed by (``project``, ``name``).

    ``milestone`` and ``assignee`` are names (``wallaby-2``, ``carloss``) or
    ``None``; ``date_completed`` is when Launchpad marked it complete (implemented,
    informational, obsolete or superseded); ``url`` is its web page. Dates are aware.
    """

    project: str
    name: str
    title: str
    definition_status: str
    implementation_status: str
    lifecycle_status: str | None = None
    milestone: str | None = None
    assignee: str | None = None
    date_created: datetime | None = None
    date_completed: datetime | None = None
    is_complete: bool = False
    url: str = ""

    @property
    def key(self) -> str:
        """The artifact key of its links: ``blueprint:<project>/<name>``."""
        return f"blueprint:{self.project}/{self.name}"

    @property
    def state(self) -> str:
        """How ``show`` and ``status`` print it: ``Approved / Implemented``."""
        return f"{self.definition_status} / {self.implementation_status}"


def blueprint_url(project: str, name: str) -> str:
    """The blueprint's web page on Launchpad."""
    return f"https://blueprints.launchpad.net/{project}/+spec/{name}"


#: The fields whose changes a sync records (:class:`BlueprintChange`): what decides
#: whether a blueprint is targeted, approved and implemented as of a past day.
TRACKED_FIELDS = ("definition_status", "implementation_status", "milestone")


@dataclass(frozen=True, slots=True)
class BlueprintChange:
    """A tracked field of a blueprint seen changed by a sync, dated when it was seen
    (Launchpad keeps no date for a definition status or a milestone)."""

    project: str
    name: str
    field: str  #: one of :data:`TRACKED_FIELDS`
    old_value: str | None
    new_value: str | None
    observed_at: datetime


def as_of(blueprint: Blueprint, changes: Sequence[BlueprintChange], when: datetime) -> Blueprint:
    """``blueprint`` with its tracked fields as they were at ``when``: the stored values
    with the ``changes`` seen after ``when`` undone (``changes``: its own, any order).
    Before the first sync that saw it, that is its first seen state."""
    later = sorted(
        (c for c in changes if c.observed_at > when and c.field in TRACKED_FIELDS),
        key=lambda c: c.observed_at,
        reverse=True,
    )
    values: dict[str, str | None] = {f: getattr(blueprint, f) for f in TRACKED_FIELDS}
    for change in later:
        values[change.field] = change.old_value
    definition, implementation = values["definition_status"], values["implementation_status"]
    if definition is None or implementation is None:
        return blueprint  # a change row without an old status: keep what is known
    return replace(
        blueprint,
        definition_status=definition,
        implementation_status=implementation,
        milestone=values["milestone"],
    )
