"""Launchpad blueprints (specifications): the record a sync stores and the retro counts.

Launchpad's vocabulary (``lp.blueprints.enums``): a blueprint's *definition status*
says whether its design was approved, its *implementation status* how far the
work got. Both are kept as the strings Launchpad sends, so a value added later
is stored rather than refused; the enums name the ones the rules use.
"""

from __future__ import annotations

from dataclasses import dataclass
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
