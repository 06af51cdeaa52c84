"""Blueprints (specifications) for :mod:`syncsvc.testing.fake_launchpad`.

Launchpad exports blueprints as of ``devel`` only (``lp.blueprints.interfaces``):
a project's ``all_specifications`` and ``valid_specifications`` collections and
the entry fields below, all absent from the API 1.0 WADL the fake serves (which
declares ``information_type`` alone for ``#specification``). So the entries are
rendered with the devel field names and Launchpad's values: the statuses of
``lp.blueprints.enums``, ``is_complete`` true for implemented, informational,
obsolete and superseded blueprints, ``lifecycle_status`` ``Not started`` /
``Started`` / ``Complete``, and ``date_completed`` set when it completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from syncsvc.domain.blueprints import DefinitionStatus, ImplementationStatus
from syncsvc.testing.fake_launchpad_data import SAMPLE_DATE, JSONDict, Renderer, etag_for, lp_time

_NOT_STARTED = frozenset(
    {
        ImplementationStatus.UNKNOWN,
        ImplementationStatus.NOT_STARTED,
        ImplementationStatus.DEFERRED,
        ImplementationStatus.NEEDS_INFRASTRUCTURE,
        ImplementationStatus.BLOCKED,
    }
)


@dataclass
class FakeSpecification:
    """A blueprint of ``project``: ``milestone`` and the people are names."""

    project: str
    name: str
    title: str = ""
    definition_status: str = DefinitionStatus.NEW
    implementation_status: str = ImplementationStatus.UNKNOWN
    milestone: str | None = None
    assignee: str | None = None
    owner: str = "sample-reporter"
    priority: str = "Undefined"
    date_created: datetime = SAMPLE_DATE
    date_started: datetime | None = None
    date_completed: datetime | None = None
    summary: str = ""

    @property
    def is_complete(self) -> bool:
        """Launchpad's rule: implemented or informational work, or a dead definition."""
        return self.implementation_status in (
            ImplementationStatus.IMPLEMENTED,
            ImplementationStatus.INFORMATIONAL,
        ) or self.definition_status in (DefinitionStatus.OBSOLETE, DefinitionStatus.SUPERSEDED)

    @property
    def valid(self) -> bool:
        """Whether ``valid_specifications`` lists it (not obsolete)."""
        return self.definition_status != DefinitionStatus.OBSOLETE


def render_specification(renderer: Renderer, spec: FakeSpecification) -> JSONDict:
    """A ``#specification`` entry as the devel web service renders it."""
    api = renderer.api
    self_link = f"{api}{spec.project}/+spec/{spec.name}"
    if spec.is_complete:
        lifecycle = "Complete"
    elif spec.implementation_status in _NOT_STARTED:
        lifecycle = "Not started"
    else:
        lifecycle = "Started"
    data: JSONDict = {
        "self_link": self_link,
        "web_link": f"https://blueprints.launchpad.net/{spec.project}/+spec/{spec.name}",
        "resource_type_link": f"{api}#specification",
        "name": spec.name,
        "title": spec.title or spec.name.replace("-", " ").capitalize(),
        "summary": spec.summary or f"Sample summary of {spec.name}.",
        "specification_url": None,
        "definition_status": spec.definition_status,
        "implementation_status": spec.implementation_status,
        "lifecycle_status": lifecycle,
        "priority": spec.priority,
        "information_type": "Public",
        "direction_approved": spec.definition_status == DefinitionStatus.APPROVED,
        "whiteboard": None,
        "workitems_text": "",
        "is_complete": spec.is_complete,
        "is_started": lifecycle != "Not started",
        "has_accepted_goal": False,
        "date_created": lp_time(spec.date_created),
        "date_started": lp_time(spec.date_started),
        "date_completed": lp_time(spec.date_completed if spec.is_complete else None),
        "target_link": f"{api}{spec.project}",
        "milestone_link": (
            None if spec.milestone is None else f"{api}{spec.project}/+milestone/{spec.milestone}"
        ),
        "assignee_link": renderer.person_link(spec.assignee),
        "owner_link": renderer.person_link(spec.owner),
        "drafter_link": None,
        "approver_link": None,
        "starter_link": None,
        "completer_link": None,
        "dependencies_collection_link": f"{self_link}/dependencies",
        "linked_branches_collection_link": f"{self_link}/linked_branches",
        "bugs_collection_link": f"{self_link}/bugs",
    }
    data["http_etag"] = etag_for(data)
    return data
