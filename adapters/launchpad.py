"""Read bugs, bug tasks and bug comments from Launchpad through launchpadlib; set task statuses.

The adapter turns launchpadlib entries into :mod:`syncsvc.domain` records and
owns the failure policy:

* 502/503 are retried per request up to six times, as launchpadlib would
  (after 0, 1, 2, 4, 8, 16 s, or as long as ``Retry-After`` asks), waiting with
  the policy's ``sleep`` (:mod:`~syncsvc.adapters.launchpad_http`). A 502/503
  that survives that is final here.
* Timeouts, refused or reset connections, 429, 500, 504 and a 2xx reply that is
  not valid JSON (never kept in the cache) are retried by this adapter per the
  :class:`~syncsvc.adapters.http.HttpPolicy` (exponential backoff), one page or
  one entry at a time, and logged on every retry.
* Failures leave as :class:`~syncsvc.errors.RemoteNotFoundError` (404),
  :class:`~syncsvc.errors.RemoteAuthError` (401/403, bad or missing credentials),
  :class:`~syncsvc.errors.RemoteUnavailableError` (retries exhausted) or
  :class:`~syncsvc.errors.RemoteError` (anything else).

Cost model (requests): login 2 with a cold ``cache_dir``, 0 with a warm one;
:meth:`LaunchpadAdapter.search_tasks` ``ceil(N / 300)`` (at least 1);
:meth:`LaunchpadAdapter.get_bugs` 2 per bug (the bug, its tasks);
:meth:`LaunchpadAdapter.get_bug_entries` 1 per bug (the bug alone);
:meth:`LaunchpadAdapter.get_bug_comments` 1 per bug (the bug), plus one page per 75
messages for a bug with comments newer than the caller has;
:meth:`LaunchpadAdapter.get_blueprints` ``ceil(N / 75)`` (at least 1);
:meth:`LaunchpadAdapter.get_bug_activity` 1 per bug (one page per 75 log lines);
:meth:`LaunchpadAdapter.set_task_status` 2 (the task, the PATCH; 1 if already set),
the only write, which needs ``credentials_file``.
Bug ids come from ``bug_link`` and person/milestone names from the ``~name`` and
``+milestone/<name>`` parts of their links, so no per-task request is made.

One adapter (one launchpadlib ``Launchpad``, which is not thread-safe) per thread;
the per-bug reads of one call run on the adapter's own pool of ``read_workers``
threads, each with a copy of the session (:mod:`~syncsvc.adapters.launchpad_pool`),
and come back in the order asked; a later scope's search or blueprint read can start
there ahead of its turn (:meth:`LaunchpadAdapter.search_tasks_ahead`). No request
leaves ``allowed_hosts`` (default: the service root's own scheme, host and port),
whatever Launchpad links or redirects to (see :mod:`~syncsvc.adapters.launchpad_http`);
a page that ends short of the collection's ``total_size`` fails the read instead of
ending it.
"""

from __future__ import annotations

import http.client
import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from functools import partial
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import httplib2
from launchpadlib import uris
from lazr.restfulclient.errors import HTTPError

from syncsvc.adapters.background import in_background
from syncsvc.adapters.http import TransientError
from syncsvc.adapters.launchpad_activity import read_activity
from syncsvc.adapters.launchpad_blueprints import specifications, to_blueprint
from syncsvc.adapters.launchpad_config import (
    ALL_STATUSES,
    DEFAULT_POLICY,
    PAGE_SIZE,
    LaunchpadConfig,
)
from syncsvc.adapters.launchpad_http import BadReplyError, log_in
from syncsvc.adapters.launchpad_pool import ReadPool, twin_session
from syncsvc.adapters.launchpad_search import PAGE_SIZE as SEARCH_PAGE_SIZE
from syncsvc.adapters.launchpad_search import entries_in_pages, search_collection
from syncsvc.adapters.launchpad_values import (
    as_count,
    as_datetime,
    bug_from_json,
    convert,
    name_from_link,
    raise_for_status,
    representation,
    task_from_json,
    unexpected,
)
from syncsvc.domain import (
    INCOMPLETE_SEARCH_FORMS,
    Bug,
    BugActivityLog,
    BugComments,
    BugMessage,
    BugTask,
)
from syncsvc.domain.blueprints import Blueprint
from syncsvc.errors import (
    ConfigError,
    RemoteAuthError,
    RemoteNotFoundError,
)
from syncsvc.hosts import AllowedHosts, ForeignHostError

# The configuration lives in launchpad_config; callers import it from here too.
__all__ = ["ALL_STATUSES", "DEFAULT_POLICY", "PAGE_SIZE", "LaunchpadAdapter", "LaunchpadConfig"]

T = TypeVar("T")
K = TypeVar("K")

_log = logging.getLogger(__name__)

_SEARCHABLE = frozenset((*ALL_STATUSES, *INCOMPLETE_SEARCH_FORMS))
_RETRIED_STATUSES = frozenset({408, 429, 500, 504})


class LaunchpadAdapter:
    """Fetches Launchpad bugs, tasks and comments as domain records.

    The login happens on first use (or :meth:`connect`); constructing the adapter
    makes no request. Every wait between retries goes through ``config.http.sleep``.
    """

    def __init__(self, config: LaunchpadConfig) -> None:
        self._config = config
        self._policy = config.http
        self._lp: Any = None
        self._names: dict[str, str | None] = {}
        self._pool: ReadPool[LaunchpadAdapter] | None = None
        self._login: Future[Any] | None = None
        self._started: Future[Any] | None = None  # the background login, kept for the pool
        try:
            root = uris.lookup_service_root(config.service_root)
        except ValueError as exc:
            raise ConfigError(
                f"unknown Launchpad service root {config.service_root!r}",
                hint="give a URL such as https://api.launchpad.net/ or an alias such as production",
            ) from exc
        self.api_root = f"{root.rstrip('/')}/{config.version}/"
        self._allowed = config.http.allowed or AllowedHosts.only(root)
        self._allowed.check(root)

    # --- session -----------------------------------------------------------------

    def connect(self) -> None:
        """Log in now (2 requests with a cold cache, 0 with a warm one).

        Raises ConfigError for an unusable service root, RemoteAuthError for
        missing or rejected credentials and other RemoteError subclasses as usual.
        """
        if self._login is not None:  # started by connect_soon: its session or its error
            login, self._login = self._login, None
            self._lp = login.result()
        if self._lp is None:
            self._lp = self._call(self._log_in, "Launchpad login")

    def connect_soon(self) -> None:
        """Start the login on a thread of its own; the next call waits for it (and raises
        what it raised). Not with a request budget, whose requests stay in call order."""
        if self._lp is None and self._login is None and not self._in_call_order():
            self._login = in_background(
                partial(self._call, self._log_in, "Launchpad login"), name="launchpad-login"
            )
            self._started = self._login

    def close(self) -> None:
        """Close pooled connections; a later call logs in again (from the warm cache)."""
        login, self._login = self._login, None
        if login is not None and login.exception() is None:  # noqa: LOG004  # waits for it
            self._lp = login.result()
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._started = None
        if self._lp is not None:
            # launchpadlib has no close(); its httplib2.Http keeps keep-alive sockets.
            http = getattr(getattr(self._lp, "_browser", None), "_connection", None)
            if http is not None:
                http.close()
            self._lp = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def _root(self) -> Any:
        self.connect()
        return self._lp

    def _log_in(self) -> Any:
        return log_in(self._config, self._allowed)

    # --- public API --------------------------------------------------------------

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        """Yield each bug (title, tags, tasks) in the order given, duplicates skipped.

        A bug that does not exist or is private to us (404/401/403) is yielded as
        ``Bug(bug_id, visible=False)`` and does not stop the run. Costs 2 requests
        per visible bug, 1 per invisible one. Raises RemoteUnavailableError when
        retries run out, RemoteAuthError for bad credentials.
        """
        return self._each(ids, LaunchpadAdapter._get_bug)

    def get_bug_entries(self, ids: Iterable[int]) -> Iterator[Bug]:
        """Yield each bug's own fields (no tasks) in the order given, duplicates skipped.

        Tags, message count, dates and duplicate-ness live on the bug, not on the
        tasks searchTasks returns. Costs 1 request per bug; a missing or private
        bug is yielded with ``visible=False``. Raises RemoteError subclasses.
        """
        return self._each(ids, LaunchpadAdapter._get_entry)

    def _get_entry(self, bug_id: int) -> Bug:
        what = f"Launchpad bug {bug_id}"
        entry = self._call(partial(self._load_bug, bug_id), what)
        if entry is None:
            return Bug(bug_id, visible=False)
        return convert(partial(bug_from_json, representation(entry)), what)

    def get_bug_comments(
        self,
        ids: Iterable[int],
        *,
        known: Mapping[int, datetime],
        pattern: re.Pattern[str] | None = None,
    ) -> Iterator[BugComments]:
        """Yield one :class:`BugComments` per bug, in the order given, duplicates skipped.

        Reads each bug (1 request) for its ``date_last_message``; only when that is
        later than ``known[bug_id]`` (or the bug is not in ``known``) are its
        comments read: none when ``message_count`` says there is only the
        description, else one page per 75 messages. The description (message 0)
        is never yielded as a comment; with ``pattern`` only comments whose
        subject or content matches are. A bug that does not exist or is private to
        us (404/401/403, also between the two requests) is yielded with
        ``visible=False``. Raises RemoteUnavailableError when retries run out,
        RemoteAuthError for bad credentials.
        """

        def read(adapter: LaunchpadAdapter, bug_id: int) -> BugComments:
            return adapter._get_comments(bug_id, known.get(bug_id), pattern)

        return self._each(ids, read)

    def _each(self, ids: Iterable[int], read: Callable[[LaunchpadAdapter, int], T]) -> Iterator[T]:
        """``read(adapter, id)`` for each id in order, duplicates skipped; with more than
        one id, on the read pool's threads, each with its own session (see
        :mod:`~syncsvc.adapters.launchpad_pool`). Nothing is requested until iterated."""
        unique = list(dict.fromkeys(ids))
        if len(unique) <= 1 or self._config.read_workers <= 1:
            for bug_id in unique:
                yield read(self, bug_id)
            return
        self.connect()  # the twins copy this session
        yield from self._reads().map(read, unique)

    def search_tasks_ahead(
        self,
        project: str,
        *,
        modified_since: datetime | None,
        then: Callable[[list[BugTask]], object] | None = None,
    ) -> Future[list[BugTask]] | None:
        """Start :meth:`search_tasks` of ``project`` (every status) on the read pool and
        return its future, or ``None`` when reads must stay in call order (a request
        budget, or one read worker): the caller then searches in its turn. Starts the
        login in the background if nothing has logged in yet. ``then(tasks)`` runs on the
        pool's thread before the future holds the tasks (to start the reads they call for)."""

        def search(adapter: LaunchpadAdapter) -> list[BugTask]:
            found = list(adapter.search_tasks(project, modified_since=modified_since))
            if then is not None:
                then(found)
            return found

        return self._ahead(search)

    def blueprints_ahead(self, project: str) -> Future[list[Blueprint]] | None:
        """Start :meth:`get_blueprints` of ``project`` on the read pool, as
        :meth:`search_tasks_ahead` does."""

        def read(adapter: LaunchpadAdapter) -> list[Blueprint]:
            return list(adapter.get_blueprints(project))

        return self._ahead(read)

    def comments_ahead(
        self, ids: Iterable[int], *, pattern: re.Pattern[str] | None = None
    ) -> dict[int, Future[BugComments]] | None:
        """Start each bug's :meth:`get_bug_comments` check (with no ``known`` date) on the
        read pool as a background read: it waits while any other read of this adapter is
        under way (:meth:`.ReadPool.submit`). ``None`` as :meth:`search_tasks_ahead`."""

        def check(bug_id: int, adapter: LaunchpadAdapter) -> BugComments:
            return adapter._get_comments(bug_id, None, pattern)

        return self._each_ahead(ids, check, background=True)

    def entries_ahead(self, ids: Iterable[int]) -> dict[int, Future[Bug]] | None:
        """Start each bug's :meth:`get_bug_entries` read on the read pool; ``None`` as
        :meth:`search_tasks_ahead`."""

        def entry(bug_id: int, adapter: LaunchpadAdapter) -> Bug:
            return adapter._get_entry(bug_id)

        return self._each_ahead(ids, entry, background=False)

    def _each_ahead(
        self, ids: Iterable[int], read: Callable[[int, LaunchpadAdapter], T], *, background: bool
    ) -> dict[int, Future[T]] | None:
        if self._in_call_order() or self._config.read_workers <= 1:
            return None
        self.connect_soon()
        pool = self._reads()
        return {b: pool.submit(partial(read, b), background=background) for b in dict.fromkeys(ids)}

    def _ahead(self, read: Callable[[LaunchpadAdapter], T]) -> Future[T] | None:
        if self._in_call_order() or self._config.read_workers <= 1:
            return None
        self.connect_soon()
        return self._reads().submit(read)

    def _in_call_order(self) -> bool:
        """Whether requests must be sent in call order: with a limited request budget, a
        read started early could spend what an earlier scope needs. A per-host interval
        alone does not: concurrent requests queue for their slots (``RequestBudget.spend``)."""
        budget = self._policy.budget
        return budget is not None and budget.max_requests is not None

    def _reads(self) -> ReadPool[LaunchpadAdapter]:
        if self._pool is None:
            self._pool = ReadPool(self._twin, workers=self._config.read_workers)
        return self._pool

    def _twin(self) -> LaunchpadAdapter:
        """An adapter for one pool thread: this one's settings, a copy of its session
        (waiting for the background login, if one is under way), its name cache."""
        twin = LaunchpadAdapter(self._config)
        session = self._lp
        if session is None and self._started is not None:
            session = self._started.result()  # its error, if it failed, fails the read
        twin._lp = twin_session(session)
        twin._names = self._names
        return twin

    def _get_comments(
        self, bug_id: int, known: datetime | None, pattern: re.Pattern[str] | None
    ) -> BugComments:
        what = f"Launchpad bug {bug_id} comments"
        entry = self._call(partial(self._load_bug, bug_id), what)
        if entry is None:
            return BugComments(bug_id, visible=False)
        data = representation(entry)
        last, count = convert(
            lambda: (as_datetime(data["date_last_message"]), as_count(data["message_count"])),
            what,
        )
        if last is None or (known is not None and last <= known):
            return BugComments(bug_id, last)
        if count is not None and count <= 1:  # the description alone: nothing to read
            return BugComments(bug_id, last, fetched=True)
        try:
            collection = self._call(lambda: entry.messages, what)
            found = tuple(m for m in self._messages(bug_id, collection, pattern) if m.number)
        except RemoteNotFoundError:  # made private between the two requests
            return BugComments(bug_id, visible=False)
        return BugComments(bug_id, last, found, fetched=True)

    def _messages(
        self, bug_id: int, collection: Any, pattern: re.Pattern[str] | None
    ) -> Iterator[BugMessage]:
        """The collection's messages, numbered in order, that match ``pattern`` (if any)."""
        what = f"Launchpad bug {bug_id} comments"
        for number, entry in enumerate(self._entries(collection, what)):
            message = convert(partial(self._to_message, bug_id, number, entry), what)
            if (
                pattern is None
                or pattern.search(message.subject)
                or pattern.search(message.content)
            ):
                yield message

    def get_bug_activity(
        self, ids: Iterable[int], *, comments: Collection[int] = ()
    ) -> Iterator[BugActivityLog]:
        """Yield each bug's whole activity log, oldest first, in the order given,
        duplicates skipped; for the bugs in ``comments``, a comment line per comment
        after it (:func:`.launchpad_activity.activity_log`).

        The log is read straight from ``bugs/<id>/activity``: 1 request per bug (one
        per 75 lines), and as much for ``bugs/<id>/messages``. A bug that does not
        exist or is private to us (404/401/403) is yielded with ``visible=False``; a log
        that ends short of its ``total_size`` is a RemoteError. Raises RemoteError
        subclasses as usual.
        """
        seen: set[int] = set()
        for bug_id in ids:
            if bug_id not in seen:
                seen.add(bug_id)
                yield read_activity(
                    self._call_load_page, self.api_root, bug_id, comments=bug_id in comments
                )

    def _call_load_page(self, link: str, what: str) -> Mapping[str, Any] | None:
        return self._call(partial(self._load_page, link), what)

    def _load_page(self, link: str) -> Mapping[str, Any] | None:
        """The JSON of a collection page loaded by its URL (1 request), or ``None`` when
        it is missing or private to us. launchpadlib's ``load`` wraps a page as an
        entry, whose representation is the page as served."""
        try:
            return representation(self._root.load(link))
        except HTTPError as exc:
            if exc.response.status in (401, 403, 404):
                return None
            raise

    def search_tasks(
        self,
        project: str,
        *,
        modified_since: datetime | None,
        tags: Sequence[str] = (),
        statuses: Sequence[str] = ALL_STATUSES,
        match_all_tags: bool = False,
        assignee: str | None = None,
        omit_duplicates: bool = True,
    ) -> Iterator[BugTask]:
        """Yield the project's bug tasks, ordered by bug number, duplicates of other bugs omitted.

        ``modified_since`` keeps bugs whose ``date_last_updated`` is strictly later
        (naive datetimes are taken as UTC); Launchpad bumps that date for many
        unrelated edits, so callers should query with an overlap and upsert.
        ``tags`` match any of them (all with ``match_all_tags``; ``-tag`` excludes).
        Every status in ``statuses`` is sent, since Launchpad otherwise returns
        unresolved tasks only; ``omit_duplicates=False`` keeps duplicates too. Costs
        ``ceil(N / 300)`` requests (at least 1). Raises ValueError at once for an
        unknown status; while iterating, RemoteNotFoundError for an unknown project
        and the other RemoteError subclasses.
        """
        unknown = [s for s in statuses if s not in _SEARCHABLE]
        if unknown or not statuses:
            raise ValueError(f"not searchable Launchpad statuses: {unknown or 'none given'}")
        params: dict[str, Any] = {
            "status": list(statuses),
            "omit_duplicates": omit_duplicates,
            # Bug order does not change when bugs are edited during the poll, so
            # offset paging neither skips nor repeats tasks.
            "order_by": ["id"],
        }
        if modified_since is not None:
            if modified_since.tzinfo is None:
                modified_since = modified_since.replace(tzinfo=UTC)
            params["modified_since"] = modified_since
        if tags:
            params["tags"] = list(tags)
            params["tags_combinator"] = "All" if match_all_tags else "Any"
        if assignee is not None:
            params["assignee"] = f"{self.api_root}~{assignee}"
        return self._search(project, params)

    def _search(self, project: str, params: dict[str, Any]) -> Iterator[BugTask]:
        what = f"Launchpad searchTasks on {project}"
        target = self._root.projects(project)  # lazy: lp_refresh is the first request
        pages = search_collection(target, self.api_root, params, page_size=SEARCH_PAGE_SIZE)
        self._call(pages.lp_refresh, what)
        for entry in self._entries(pages, what, SEARCH_PAGE_SIZE):
            yield convert(partial(task_from_json, representation(entry), self._name), what)

    def get_blueprints(self, project: str) -> Iterator[Blueprint]:
        """Yield every blueprint of ``project`` (``all_specifications``, obsolete ones too),
        in Launchpad's order. Costs ``ceil(N / 75)`` requests (at least 1). Raises, while
        iterating, RemoteNotFoundError for an unknown project and the other RemoteError
        subclasses; see :mod:`~syncsvc.adapters.launchpad_blueprints`."""
        what = f"Launchpad blueprints of {project}"
        collection = specifications(self._root, self.api_root, project)
        for entry in self._entries(collection, what):
            data = representation(entry)
            yield convert(partial(to_blueprint, project, data, self._name), what)

    def set_task_status(self, bug_id: int, target: str, status: str) -> bool:
        """Set bug ``bug_id``'s task on ``target`` (``manila``, ``manila/wallaby``) to ``status``.

        Loads the task (1 request, ``<target>/+bug/<id>``) and, unless it already has
        that status, saves it (1 PATCH, sent with the task's ETag as ``If-Match``);
        a retry (also after 412, the task changed meanwhile) loads the task again,
        so a repeated write is harmless. Returns whether it wrote (False: the
        task already had ``status``). Raises
        ValueError for a status not in :data:`ALL_STATUSES` and RemoteAuthError
        without a credentials file, both before any request; RemoteNotFoundError
        for an unknown bug or task (or one private to us), RemoteAuthError when
        Launchpad refuses the write, other RemoteError subclasses as usual.
        """
        if status not in ALL_STATUSES:
            raise ValueError(f"not a Launchpad task status: {status!r}")
        what = f"Launchpad bug {bug_id} task {target}: set status {status}"
        if self._config.credentials_file is None:
            raise RemoteAuthError(
                f"{what}: refused, anonymous access cannot write to Launchpad",
                hint="set [launchpad] credentials_file to an OAuth token file",
            )
        link = f"{self.api_root}{target}/+bug/{bug_id}"

        def write() -> bool:
            task = self._root.load(link)
            if task.status == status:
                return False
            task.status = status
            try:
                task.lp_save()
            except HTTPError as exc:
                if int(exc.response.status) == 412:  # changed since our load: load again
                    raise TransientError("HTTP 412, the task changed meanwhile") from exc
                raise
            return True

        written = self._call(write, what)
        _log.info("%s: %s", what, "done" if written else "already so, nothing written")
        return written

    # --- records -----------------------------------------------------------------

    def _load_bug(self, bug_id: int) -> Any:
        """The bug's entry (1 request), or ``None`` when it is missing or private to us."""
        try:
            return self._root.bugs[bug_id]
        except KeyError:  # launchpadlib's spelling of 404 for bugs[N]
            return None
        except HTTPError as exc:
            if exc.response.status in (401, 403, 404):
                return None
            raise

    def _get_bug(self, bug_id: int) -> Bug:
        what = f"Launchpad bug {bug_id}"
        entry = self._call(partial(self._load_bug, bug_id), what)
        if entry is None:
            return Bug(bug_id, visible=False)
        try:
            tasks = tuple(
                convert(partial(task_from_json, representation(task), self._name), what)
                for task in self._entries(self._call(lambda: entry.bug_tasks, what), what)
            )
        except RemoteNotFoundError:  # made private between the two requests
            return Bug(bug_id, visible=False)
        return convert(partial(bug_from_json, representation(entry), tasks), what)

    def _to_message(self, bug_id: int, number: int, entry: Any) -> BugMessage:
        created = as_datetime(entry.date_created)
        if created is None:
            raise unexpected(f"bug {bug_id} comment without date_created")
        return BugMessage(
            bug_id=bug_id,
            author=self._name(entry.owner_link, "~"),
            date=created,
            subject=str(entry.subject or ""),
            content=str(entry.content or ""),
            number=number,
        )

    def _name(self, link: str | None, marker: str) -> str | None:
        """Name of the person/milestone at ``link``: parsed from it, else loaded once."""
        if link is None:
            return None
        if link not in self._names:
            self._names[link] = name_from_link(link, marker) or self._load_name(link)
        return self._names[link]

    def _load_name(self, link: str) -> str | None:
        if urlsplit(link).netloc != urlsplit(self.api_root).netloc:
            _log.warning("not following %s: outside the configured Launchpad", link)
            return None
        return str(self._call(lambda: self._root.load(link).name, f"Launchpad {link}"))

    # --- paging and errors -------------------------------------------------------

    def _entries(self, collection: Any, what: str, size: int = PAGE_SIZE) -> Iterator[Any]:
        """A collection's entries, page by page, each page retried on its own."""
        return entries_in_pages(collection, what, size, self._call)

    def _call(self, func: Callable[[], T], what: str) -> T:
        """Run ``func`` with the retry policy; map launchpadlib failures to domain errors."""

        def attempt() -> T:
            try:
                return func()
            except HTTPError as exc:
                status = int(exc.response.status)
                if status in _RETRIED_STATUSES:
                    raise TransientError(f"HTTP {status}") from exc
                raise_for_status(status, what, exc)
            except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
                raise TransientError(type(exc).__name__) from exc
            except httplib2.ServerNotFoundError as exc:
                raise TransientError("host not found") from exc
            except ForeignHostError as exc:  # a link or redirect off the list: not retried
                raise ForeignHostError(f"{what}: {exc}") from exc
            except BadReplyError as exc:  # already dropped from the cache: ask afresh
                raise TransientError(str(exc)) from exc

        return self._policy.call(attempt, what=what, logger=_log)
