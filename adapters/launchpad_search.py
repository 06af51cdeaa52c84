"""A project's ``searchTasks`` as a lazy collection read in pages of :data:`PAGE_SIZE`.

launchpadlib sends a named operation without ``ws.size``, so its first page has
Launchpad's default size (75), and a slice of the collection follows the next
links at that size. lazr.restful serves up to its ``max_batch_size`` per page
(300 on Launchpad: a larger ``ws.size`` is a 400, see ``shared/recipes/launchpad.md``),
so the search URL is built here as launchpadlib builds it (the WADL method checks
and encodes every parameter, JSON for all but option-typed ones) with
``ws.size`` added; the next links keep it. The collection is lazy: nothing is
requested until it is read (:meth:`~syncsvc.adapters.launchpad.LaunchpadAdapter._entries`).
"""

from __future__ import annotations

from collections.abc import Mapping
from json import dumps
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from lazr.restfulclient._json import DatetimeJSONEncoder
from lazr.restfulclient.resource import Collection
from wadllib.application import Resource as WadlResource

from syncsvc.adapters.launchpad_values import unexpected

#: lazr.restful's max_batch_size on Launchpad: the most entries one page may hold.
PAGE_SIZE = 300
PAGE_TYPE = "bug_task-page-resource"


def search_collection(
    target: Any, api_root: str, params: Mapping[str, Any], *, page_size: int = PAGE_SIZE
) -> Any:
    """The collection ``target.searchTasks(**params)`` would return, read ``page_size``
    entries a page, typed as a page of bug tasks (``<api_root>#bug_task-page-resource``,
    as a bug's ``bug_tasks`` is). ``target`` is a launchpadlib entry (a project; lazy is
    fine). No request is made here: ``lp_refresh()`` reads the first page. Raises
    ValueError for a parameter the WADL does not accept, as launchpadlib would."""
    method = target.searchTasks.wadl_method
    as_is = {p.name for p in method.request.query_params if p.type == "binary" or p.options}
    encoded = {
        key: value if key in as_is else dumps(value, cls=DatetimeJSONEncoder)
        for key, value in params.items()
    }
    url = _with_size(method.build_request_url(**encoded), page_size)
    root = target.searchTasks.root
    wadl = getattr(root, "_wadl", None)
    if wadl is None:
        raise unexpected("a Launchpad session without its WADL description")
    resource_type = wadl.get_resource_type(f"{api_root}#{PAGE_TYPE}")
    return Collection(root, WadlResource(wadl, url, resource_type.tag))


def _with_size(url: str, size: int) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"ws.size": size})))
