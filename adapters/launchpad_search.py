"""A project's ``searchTasks`` as a lazy collection read in pages of :data:`PAGE_SIZE`.

launchpadlib sends a named operation without ``ws.size``, so its first page has
Launchpad's default size (75), and a slice of the collection follows the next
links at that size. lazr.restful serves up to its ``max_batch_size`` per page
(300 on Launchpad: a larger ``ws.size`` is a 400, see ``shared/recipes/launchpad.md``),
so the search URL is built here as launchpadlib builds it (the WADL method checks
and encodes every parameter, JSON for all but option-typed ones) with
``ws.size`` added; the next links keep it. The collection is lazy: nothing is
requested until it is read (:func:`entries_in_pages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from json import dumps
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from lazr.restfulclient._json import DatetimeJSONEncoder
from lazr.restfulclient.resource import Collection
from wadllib.application import Resource as WadlResource

from syncsvc.adapters.launchpad_values import slice_of, unexpected
from syncsvc.errors import RemoteError

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


def entries_in_pages(
    collection: Any, what: str, size: int, call: Callable[[Callable[[], Any], str], Any]
) -> Iterator[Any]:
    """Yield a collection's entries page by page, each page read through ``call`` (the
    adapter's retry policy and error mapping) on its own.

    Pages are read as slices of ``size`` so that a page that fails can be
    fetched again without restarting the collection; this costs the same
    requests as iterating it. With a known ``total_size`` a short page is not
    the end: reading goes on from there, and an empty page before the total
    is a RemoteError (entries vanished while paging, so offsets shifted).
    """
    total_size = call(partial(getattr, collection, "total_size", None), what)
    total = total_size if isinstance(total_size, int) else None  # not a total_size_link
    start = 0
    while total is None or start < total:
        page = call(partial(slice_of, collection, start, size), f"{what} from {start}")
        yield from page
        start += len(page)
        if total is None and len(page) < size:
            break
        if not page:
            raise RemoteError(
                f"{what}: incomplete: {start} of {total} entries before an empty page",
                hint="entries changed while the pages were read; the next run reads again",
            )
