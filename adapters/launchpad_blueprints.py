"""A Launchpad project's blueprints as :class:`~syncsvc.domain.blueprints.Blueprint` records.

Blueprints are exported by the web service as of ``devel`` only: the project's
``all_specifications`` collection (``<api>/<project>/all_specifications``, every
blueprint whatever its status, obsolete ones included; ``valid_specifications``
leaves those out) and every field of a specification entry but ``information_type``.
The API 1.0 WADL launchpadlib ships knows the ``#specification-page-resource`` and
``#specification`` types but none of those fields, so the collection is built from
its URL (no project request) and each blueprint is read from the JSON its page
already holds, as bug tasks are. Paging, retries and the allowed hosts are the
adapter's (:meth:`~syncsvc.adapters.launchpad.LaunchpadAdapter.get_blueprints`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from lazr.restfulclient.resource import Collection
from wadllib.application import Resource as WadlResource

from syncsvc.adapters.launchpad_values import as_datetime, unexpected
from syncsvc.domain.blueprints import Blueprint

#: The scoped collection read: every blueprint, so an obsolete one is seen turning so.
COLLECTION = "all_specifications"
PAGE_TYPE = "specification-page-resource"

NameOf = Callable[[str | None, str], str | None]


def specifications(launchpad: Any, api_root: str, project: str) -> Any:
    """The lazy collection of ``project``'s blueprints: no request until it is read."""
    wadl = getattr(launchpad, "_wadl", None)
    if wadl is None:
        raise unexpected("a Launchpad session without its WADL description")
    resource_type = wadl.get_resource_type(f"{api_root}#{PAGE_TYPE}")
    url = f"{api_root}{quote(project)}/{COLLECTION}"
    return Collection(launchpad, WadlResource(wadl, url, resource_type.tag))


def to_blueprint(project: str, data: Mapping[str, Any], name_of: NameOf) -> Blueprint:
    """The blueprint of one collection entry's JSON; ``name_of(link, marker)`` turns a
    person or milestone link into its name. Raises KeyError for a missing field."""
    return Blueprint(
        project=project,
        name=str(data["name"]),
        title=str(data["title"] or ""),
        definition_status=str(data["definition_status"]),
        implementation_status=str(data["implementation_status"]),
        lifecycle_status=_text(data.get("lifecycle_status")),
        milestone=name_of(data.get("milestone_link"), "+milestone/"),
        assignee=name_of(data.get("assignee_link"), "~"),
        date_created=as_datetime(data.get("date_created")),
        date_completed=as_datetime(data.get("date_completed")),
        is_complete=bool(data.get("is_complete")),
        url=str(data.get("web_link") or ""),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
