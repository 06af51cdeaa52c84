"""A fake Launchpad web service for tests: stdlib only, 127.0.0.1, port 0.

The real launchpadlib talks to it unchanged. ``GET /<version>/`` answers the
WADL that launchpadlib ships (API 1.0, its base rewritten to this server) when
``Accept`` asks for ``application/vnd.sun.wadl+xml`` and the service-root JSON
otherwise, both cacheable (``Cache-Control: max-age``) so a second login from the
same ``launchpadlib_dir`` costs no request. ``devel`` is served with the same
1.0 WADL: fields that exist only in devel are invisible to clients of the fake.

Served below ``/<version>/``: ``bugs/<id>``, ``bugs/<id>/bug_tasks``,
``bugs/<id>/messages``, ``bugs/<id>/comments/<n>``, ``bugs/<id>/activity``,
``~<person>``, ``<project>``, ``<project>?ws.op=searchTasks``, ``<project>/+milestone/<name>``,
``<target>/+bug/<id>``, and a project's blueprints (devel fields, see
:mod:`~syncsvc.testing.fake_launchpad_specs`): ``<project>/all_specifications``,
``<project>/valid_specifications`` and ``<project>/+spec/<name>``. Entries carry an
``ETag`` (their ``http_etag``) and answer ``If-None-Match`` with 304; pages carry
``total_size``, ``start``, ``entries`` and ``next_collection_link``/
``prev_collection_link`` that keep the other query parameters. Private bugs answer
404 (or ``private_status``) to anonymous callers. A caller whose OAuth token was accepted with
:meth:`FakeLaunchpad.add_token` may ``PATCH`` a task's ``status``, ``importance``,
``assignee_link`` or ``milestone_link`` as ``lp_save()`` sends it (see
:mod:`~syncsvc.testing.fake_launchpad_write`); anonymous writes answer 401, other
writes 405; a write appends the lines Launchpad would log to the bug's activity.
Every request (a write with its body) is recorded in
:attr:`FakeLaunchpad.requests`, writes also in :attr:`~FakeLaunchpad.writes`;
:meth:`FakeLaunchpad.fail`, :meth:`~FakeLaunchpad.delay`, :meth:`~FakeLaunchpad.reset`,
:meth:`~FakeLaunchpad.redirect` and :meth:`~FakeLaunchpad.corrupt` inject faults;
:attr:`~FakeLaunchpad.link_root` makes pages link to another server.

Usage::

    with FakeLaunchpad() as lp:
        lp.add_bug(1855391, "Share extension bypasses the scheduler",
                   tasks=[FakeTask("manila", "In Progress", assignee="haixin")])
        Launchpad.login_anonymously("t", service_root=lp.service_root, version="devel", ...)
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit

from syncsvc.testing.fake_launchpad_data import (
    WADL_BASE,
    BadRequestError,
    FakeActivity,
    FakeAttachment,
    FakeBug,
    FakeMessage,
    FakeMilestone,
    FakePerson,
    FakeProject,
    FakeTask,
    JSONDict,
    Renderer,
    etag_for,
    search_tasks,
    shipped_wadl,
    task_activity,
)
from syncsvc.testing.fake_launchpad_http import (
    FakeHTTPServer,
    Fault,
    FaultQueue,
    RecordedRequest,
    RequestLog,
    Response,
    ServedError,
    page,
)
from syncsvc.testing.fake_launchpad_specs import FakeSpecification, render_specification
from syncsvc.testing.fake_launchpad_write import write_task

__all__ = [
    "FakeActivity",
    "FakeAttachment",
    "FakeBug",
    "FakeLaunchpad",
    "FakeMessage",
    "FakeMilestone",
    "FakePerson",
    "FakeProject",
    "FakeSpecification",
    "FakeTask",
    "RecordedRequest",
]

WADL_TYPE = "application/vnd.sun.wadl+xml"
_OAUTH_TOKEN = re.compile(r'oauth_token="([^"]*)"')
_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("bug", r"bugs/(\d+)"),
        ("bug_tasks", r"bugs/(\d+)/bug_tasks"),
        ("messages", r"bugs/(\d+)/messages"),
        ("activity", r"bugs/(\d+)/activity"),
        ("comment", r"bugs/(\d+)/comments/(\d+)"),
        ("person", r"~([^/]+)"),
        ("milestone", r"([^/~+][^/]*)/\+milestone/([^/]+)"),
        ("specs", r"([^/~+][^/]*)/(all|valid)_specifications"),
        ("spec", r"([^/~+][^/]*)/\+spec/([^/]+)"),
        ("task", r"([^/~+][^/]*(?:/[^/+]+)?)/\+bug/(\d+)"),
        ("project", r"([^/~+][^/]*)"),
    )
)


class FakeLaunchpad:
    """An in-process Launchpad web service; use as a context manager."""

    def __init__(
        self,
        *,
        versions: Sequence[str] = ("devel", "1.0", "beta"),
        page_size: int = 75,
        max_age: int = 3600,
        private_status: int = 404,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.versions = tuple(versions)
        self.page_size = page_size
        self.max_age = max_age
        self.private_status = private_status
        self.people: dict[str, FakePerson] = {}
        self.projects: dict[str, FakeProject] = {}
        self.milestones: dict[tuple[str, str], FakeMilestone] = {}
        self.bugs: dict[int, FakeBug] = {}
        self.specifications: dict[tuple[str, str], FakeSpecification] = {}
        self.tokens: dict[str, str] = {}
        # Where next/prev_collection_link point (None: this server); e.g. a foreign host.
        self.link_root: str | None = None
        self._hooks: list[Callable[[str, str], None]] = []
        self._faults = FaultQueue()
        self._log = RequestLog()
        self.clock = clock or (lambda: datetime.now(UTC))  # stamps writes
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()  # one read-modify-write at a time
        self._wadl: dict[str, bytes] = {}
        self._server: FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        self._server = FakeHTTPServer(self._respond, self._log, self._faults)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close every open connection, idle keep-alive ones included."""
        if self._server is None:
            return
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def service_root(self) -> str:
        """What to pass as launchpadlib's ``service_root`` (no version): ``http://127.0.0.1:N/``."""
        if self._server is None:
            raise RuntimeError("FakeLaunchpad is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def api_root(self, version: str = "devel") -> str:
        """The API root for ``version``, the prefix of every link it serves."""
        return f"{self.service_root}{version}/"

    # --- recorded requests -------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, in arrival order."""
        return self._log.snapshot()

    @property
    def writes(self) -> list[RecordedRequest]:
        """The recorded write requests (anything but GET), in arrival order."""
        return [r for r in self.requests if r.method != "GET"]

    def clear_requests(self) -> None:
        """Forget the recorded requests (e.g. after a login)."""
        self._log.clear()

    def count(self, path_prefix: str = "") -> int:
        """Number of requests whose path (after ``/<version>/``) starts with ``path_prefix``."""
        return sum(1 for r in self.requests if r.path.split("/", 2)[-1].startswith(path_prefix))

    # --- fault injection ---------------------------------------------------------

    def fail(self, status: int = 503, *, times: int | None = 1, match: str | None = None) -> None:
        """Answer the next ``times`` matching requests (``None``: all) with ``status``.

        ``match`` is a substring of the request path and query; ``None`` matches all.
        """
        self._faults.add(Fault("status", match, times, status=status))

    def delay(self, seconds: float, *, times: int | None = 1, match: str | None = None) -> None:
        """Wait ``seconds`` before answering the next ``times`` matching requests."""
        self._faults.add(Fault("delay", match, times, seconds=seconds))

    def reset(self, *, times: int | None = 1, match: str | None = None) -> None:
        """Reset the connection (TCP RST, no response) on the next ``times`` matching requests."""
        self._faults.add(Fault("reset", match, times))

    def redirect(
        self, to: str, *, status: int = 302, times: int | None = 1, match: str | None = None
    ) -> None:
        """Redirect the next ``times`` matching requests to the same path under root ``to``."""
        self._faults.add(Fault("redirect", match, times, status=status, location=to))

    def corrupt(self, *, times: int | None = 1, match: str | None = None) -> None:
        """Send the next ``times`` matching answers with their body cut in half (invalid
        JSON under the real status, ETag and Content-Type, as a broken proxy would)."""
        self._faults.add(Fault("corrupt", match, times))

    def on_request(self, hook: Callable[[str, str], None]) -> None:
        """Call ``hook(method, target)`` before each request is answered (e.g. to change data
        between two pages)."""
        self._hooks.append(hook)

    def clear_faults(self) -> None:
        """Remove every pending fault."""
        self._faults.clear()

    # --- data builders -----------------------------------------------------------

    def add_person(self, name: str, display_name: str = "", *, is_team: bool = False) -> FakePerson:
        """Register (or return) the person ``~name``."""
        with self._lock:
            if name not in self.people or display_name:
                self.people[name] = FakePerson(name, display_name, is_team)
            return self.people[name]

    def add_project(
        self, name: str, display_name: str = "", *, official_bug_tags: Iterable[str] = ()
    ) -> FakeProject:
        """Register (or return) a project."""
        with self._lock:
            if name not in self.projects or display_name:
                self.projects[name] = FakeProject(
                    name, display_name, official_bug_tags=tuple(official_bug_tags)
                )
            return self.projects[name]

    def add_milestone(
        self,
        project: str,
        name: str,
        *,
        series: str = "trunk",
        date_targeted: datetime | None = None,
    ) -> FakeMilestone:
        """Register (or return) ``<project>/+milestone/<name>``; the project is created too."""
        self.add_project(project)
        with self._lock:
            key = (project, name)
            if key not in self.milestones or date_targeted is not None:
                self.milestones[key] = FakeMilestone(project, name, series, date_targeted)
            return self.milestones[key]

    def add_bug(
        self,
        bug_id: int,
        title: str,
        tags: Iterable[str] = (),
        *,
        tasks: Iterable[FakeTask] = (),
        private: bool = False,
        messages: Iterable[FakeMessage] = (),
        date_last_updated: datetime | None = None,
        date_created: datetime | None = None,
        description: str = "",
        owner: str = "sample-reporter",
        duplicate_of: int | None = None,
        subscribers: Iterable[str] = (),
        heat: int = 6,
        attachments: Iterable[FakeAttachment] = (),
    ) -> FakeBug:
        """Store a bug; people, projects and milestones it names are registered as needed."""
        bug = FakeBug(
            bug_id,
            title,
            description=description or f"Sample description of bug {bug_id}.",
            tags=tuple(tags),
            tasks=list(tasks),
            messages=list(messages),
            private=private,
            information_type="Private" if private else "Public",
            owner=owner,
            duplicate_of=duplicate_of,
            subscribers=tuple(subscribers),
            heat=heat,
            attachments=list(attachments),
        )
        if date_created is not None:
            bug.date_created = date_created
        bug.date_last_updated = date_last_updated or bug.date_created
        for name in {owner, *(m.owner for m in bug.messages), *(a.owner for a in bug.attachments)}:
            self.add_person(name)
        for task in bug.tasks:
            self.add_project(task.project)
            for person in (task.assignee, task.owner):
                if person is not None:
                    self.add_person(person)
            if task.milestone is not None:
                self.add_milestone(task.project, task.milestone)
        with self._lock:
            self.bugs[bug_id] = bug
        return bug

    def add_specification(self, spec: FakeSpecification) -> FakeSpecification:
        """Store (or replace) a blueprint; its project, milestone and people are registered."""
        self.add_project(spec.project)
        if spec.milestone is not None:
            self.add_milestone(spec.project, spec.milestone)
        for person in (spec.assignee, spec.owner):
            if person is not None:
                self.add_person(person)
        with self._lock:
            self.specifications[(spec.project, spec.name)] = spec
        return spec

    def add_token(self, token: str, person: str) -> None:
        """Accept OAuth access token ``token`` as ``person`` (who may see private bugs)."""
        self.add_person(person)
        with self._lock:
            self.tokens[token] = person

    # --- request handling (called from server threads) ---------------------------

    def _wadl_for(self, api: str) -> bytes:
        with self._lock:
            if api not in self._wadl:
                self._wadl[api] = shipped_wadl().replace(WADL_BASE, api).encode()
            return self._wadl[api]

    def _viewer(self, headers: Mapping[str, str]) -> str | None:
        match = _OAUTH_TOKEN.search(headers.get("authorization", ""))
        token = match.group(1) if match else ""
        if not token:
            return None
        with self._lock:
            person = self.tokens.get(token)
        if person is None:
            raise ServedError(401, f"Unknown access token ({token[:4]}...).")
        return person

    def _respond(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        for hook in list(self._hooks):
            hook(method, target)
        parts = urlsplit(target)
        version, _, rest = unquote(parts.path).lstrip("/").partition("/")
        if method not in ("GET", "PATCH") or (method == "PATCH" and parts.query):
            raise ServedError(405, "The fake Launchpad accepts GET, and PATCH of bug tasks.")
        if version not in self.versions:
            raise ServedError(404, f"No such web service version: {version!r}")
        api = self.api_root(version)
        viewer = self._viewer(headers)
        renderer = Renderer(api, project_names=self._display_name)
        if method == "PATCH":
            return self._patch(renderer, rest, viewer, headers, body)
        if rest == "":
            if WADL_TYPE in headers.get("accept", ""):
                return self._cacheable(self._wadl_for(api), WADL_TYPE)
            root = renderer.root()
            return self._cacheable(json.dumps(root).encode(), "application/json")
        query = parse_qs(parts.query, keep_blank_values=True)
        op = query.get("ws.op", [None])[0]
        route = _route(rest)
        if op is not None:
            if route[0] != "project" or op != "searchTasks":
                raise ServedError(400, f"No such operation: {op}")
            return self._search(renderer, route[1][0], parts.path, query, viewer)
        return self._resource(
            renderer, route=route, path=parts.path, query=query, viewer=viewer, headers=headers
        )

    def _display_name(self, project: str) -> str:
        known = self.projects.get(project)
        return (known.display_name if known else "") or project.title()

    def _cacheable(self, body: bytes, content_type: str) -> Response:
        headers = {
            "Cache-Control": f"max-age={self.max_age}",
            "ETag": etag_for({"body": body.decode()}),
            "Vary": "Accept",
        }
        return Response(200, body, content_type, headers)

    def _bug(self, bug_id: str, viewer: str | None) -> FakeBug:
        with self._lock:
            bug = self.bugs.get(int(bug_id))
        if bug is None:
            raise ServedError(404, f"Object: <Bug set>, name: '{bug_id}'")
        if not bug.visible_to(viewer):
            if self.private_status == 401:
                raise ServedError(401, "(<Bug at 0x...>, 'id', 'launchpad.View')")
            raise ServedError(404, f"Object: <Bug set>, name: '{bug_id}'")
        return bug

    def _resource(
        self,
        renderer: Renderer,
        *,
        route: tuple[str, tuple[str, ...]],
        path: str,
        query: Mapping[str, list[str]],
        viewer: str | None,
        headers: Mapping[str, str],
    ) -> Response:
        kind, args = route
        if kind == "bug_tasks":
            bug = self._bug(args[0], viewer)
            tasks = [renderer.task(bug, t) for t in bug.tasks]
            return self._page(tasks, path, query, f"{renderer.api}#bug_task-page-resource")
        if kind == "messages":
            bug = self._bug(args[0], viewer)
            messages = [renderer.message(bug, i) for i in range(len(bug.messages) + 1)]
            return self._page(messages, path, query, f"{renderer.api}#message-page-resource")
        if kind == "specs":
            with self._lock:
                if args[0] not in self.projects:
                    raise ServedError(404, f"Object: <Launchpad>, name: {args[0]!r}")
                specs = [s for s in self.specifications.values() if s.project == args[0]]
            wanted = [s for s in specs if args[1] == "all" or s.valid]
            entries = [render_specification(renderer, s) for s in wanted]
            return self._page(entries, path, query, f"{renderer.api}#specification-page-resource")
        if kind == "activity":
            bug = self._bug(args[0], viewer)
            lines = [renderer.activity(bug, i) for i in range(len(bug.activity))]
            return self._page(lines, path, query, f"{renderer.api}#bug_activity-page-resource")
        entry = self._entry(renderer, kind, args, viewer)
        if entry["http_etag"] in headers.get("if-none-match", ""):
            return Response(304, headers={"ETag": entry["http_etag"]})
        body = json.dumps(entry).encode()
        return Response(200, body, "application/json", {"ETag": entry["http_etag"]})

    def _entry(
        self, renderer: Renderer, kind: str, args: tuple[str, ...], viewer: str | None
    ) -> JSONDict:
        not_found = ServedError(404, f"Object: <Launchpad>, name: {'/'.join(args)!r}")
        if kind == "bug":
            return renderer.bug(self._bug(args[0], viewer))
        if kind == "comment":
            bug = self._bug(args[0], viewer)
            if int(args[1]) > len(bug.messages):
                raise not_found
            return renderer.message(bug, int(args[1]))
        if kind == "task":
            bug = self._bug(args[1], viewer)
            for task in bug.tasks:
                if task.target == args[0]:
                    return renderer.task(bug, task)
            raise not_found
        with self._lock:
            if kind == "person" and args[0] in self.people:
                return renderer.person(self.people[args[0]])
            if kind == "project" and args[0] in self.projects:
                return renderer.project(self.projects[args[0]])
            if kind == "milestone" and (args[0], args[1]) in self.milestones:
                return renderer.milestone(self.milestones[(args[0], args[1])])
            if kind == "spec" and (args[0], args[1]) in self.specifications:
                return render_specification(renderer, self.specifications[(args[0], args[1])])
        raise not_found

    def _patch(
        self,
        renderer: Renderer,
        rest: str,
        viewer: str | None,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Response:
        """Change a bug task as lazr.restful does; answer 209 with the new entry."""
        kind, (target, bug_id) = _route(rest) if rest else ("root", ("", ""))
        if viewer is None:
            raise ServedError(401, "You are not authorized to modify this object anonymously.")
        if kind != "task":
            raise ServedError(405, "The fake Launchpad accepts writes to bug tasks only.")
        with self._write_lock:
            bug = self._bug(bug_id, viewer)
            with self._lock:
                people, milestones = set(self.people), set(self.milestones)
            now = self.clock()
            moved, entry = write_task(
                renderer, bug, target, headers, body, now=now, known=(people, milestones)
            )
            before, after = (next(t for t in b.tasks if t.target == target) for b in (bug, moved))
            lines = task_activity(before, after, person=viewer, when=now)
            moved = replace(moved, activity=[*bug.activity, *lines])
            with self._lock:
                self.bugs[bug.id] = moved  # one assignment: readers see old or new
        return Response(
            209, json.dumps(entry).encode(), "application/json", {"ETag": entry["http_etag"]}
        )

    def _search(
        self,
        renderer: Renderer,
        project: str,
        path: str,
        query: Mapping[str, list[str]],
        viewer: str | None,
    ) -> Response:
        with self._lock:
            known = project in self.projects
            bugs = list(self.bugs.values())
        if not known:
            raise ServedError(404, f"Object: <Launchpad>, name: {project!r}")
        try:
            found = search_tasks(bugs, project, query, viewer)
        except BadRequestError as exc:
            raise ServedError(400, str(exc)) from exc
        # A named operation's result is an ad hoc collection: no resource_type_link.
        return self._page([renderer.task(b, t) for b, t in found], path, query, None)

    def _page(
        self,
        entries: list[JSONDict],
        path: str,
        query: Mapping[str, list[str]],
        type_link: str | None,
    ) -> Response:
        url = f"{(self.link_root or self.service_root).rstrip('/')}{path}"
        return page(entries, url=url, query=query, default_size=self.page_size, type_link=type_link)


def _route(rest: str) -> tuple[str, tuple[str, ...]]:
    for kind, pattern in _ROUTES:
        match = pattern.fullmatch(rest)
        if match:
            return kind, match.groups()
    raise ServedError(404, f"Object: <Launchpad>, name: {rest!r}")
