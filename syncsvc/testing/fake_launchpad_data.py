"""Data model, JSON rendering and bug-task search for :mod:`syncsvc.testing.fake_launchpad`.

Everything is rendered the way the Launchpad web service does it (lazr.restful):
entries carry ``self_link``, ``web_link``, ``resource_type_link`` and
``http_etag``; every field that the shipped WADL declares for the entry type is
present (``null`` when the fake has no value) and ``*_collection_link`` fields
point below the entry; dates are ISO 8601 with ``+00:00``. The search follows
Launchpad's ``searchTasks`` semantics: no ``status`` means unresolved tasks only,
``modified_since`` is a strict ``>`` on the bug's ``date_last_updated``, ``has_patch``
keeps bugs with an attachment of type Patch,
duplicates are omitted by default and private bugs are hidden from anonymous
callers.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from syncsvc import domain
from syncsvc.domain import BugTaskStatus

JSONDict = dict[str, Any]

WADL_BASE = "https://api.launchpad.test/1.0/"
# Every value searchTasks accepts for ``status`` (BugTaskStatusSearch): the task
# statuses minus "Unknown", plus the two stored forms of "Incomplete".
SEARCHABLE_STATUSES: tuple[str, ...] = (
    BugTaskStatus.NEW,
    BugTaskStatus.INCOMPLETE,
    *sorted(domain.INCOMPLETE_SEARCH_FORMS),
    *domain.SEARCH_STATUSES[2:],
)
TASK_STATUSES: tuple[str, ...] = domain.TASK_STATUSES
UNRESOLVED_STATUSES = tuple(s for s in TASK_STATUSES if s in domain.UNRESOLVED_STATUSES)
CLOSED_STATUSES = tuple(s for s in TASK_STATUSES if s in domain.CLOSED_STATUSES)
# The task date Launchpad sets when a task enters each status.
STATUS_DATES: dict[BugTaskStatus, str] = {
    BugTaskStatus.CONFIRMED: "date_confirmed",
    BugTaskStatus.TRIAGED: "date_triaged",
    BugTaskStatus.INCOMPLETE: "date_incomplete",
    BugTaskStatus.IN_PROGRESS: "date_in_progress",
    BugTaskStatus.FIX_COMMITTED: "date_fix_committed",
    BugTaskStatus.FIX_RELEASED: "date_fix_released",
}
# Most important first: the order of ``order_by=-importance`` (searchTasks' default).
IMPORTANCES = ("Critical", "High", "Medium", "Low", "Wishlist", "Undecided", "Unknown")
SAMPLE_DATE = datetime(2020, 1, 1, tzinfo=UTC)


class BadRequestError(ValueError):
    """A request the real service would answer with 400; the message is the body."""


@cache
def shipped_wadl() -> str:
    """The API 1.0 WADL that launchpadlib ships for its own tests."""
    resource = importlib.resources.files("launchpadlib.testing") / "launchpad-wadl.xml"
    return resource.read_text(encoding="utf-8")


@cache
def wadl_fields(representation_id: str) -> tuple[str, ...]:
    """Names of the JSON fields the WADL declares for ``representation_id`` (``bug-full``)."""
    wadl = shipped_wadl()
    start = wadl.index(
        f'<wadl:representation mediaType="application/json" id="{representation_id}">'
    )
    end = wadl.index("</wadl:representation>", start)
    return tuple(re.findall(r'<wadl:param style="plain"[^>]*? name="([^"]+)"', wadl[start:end]))


def lp_time(when: datetime | None) -> str | None:
    """Format a datetime as Launchpad does (UTC ISO 8601 with ``+00:00``)."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def etag_for(data: Mapping[str, Any]) -> str:
    """A quoted, content-derived entity tag in Launchpad's ``"<hash>-<hash>"`` form."""
    body = json.dumps(data, sort_keys=True).encode()
    digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()
    return f'"{digest[:20]}-{digest[20:]}"'


@dataclass
class FakePerson:
    """A Launchpad person (``~name``)."""

    name: str
    display_name: str = ""
    is_team: bool = False


@dataclass
class FakeProject:
    """A Launchpad project (product)."""

    name: str
    display_name: str = ""
    summary: str = ""
    official_bug_tags: tuple[str, ...] = ()


@dataclass
class FakeMilestone:
    """A project milestone (``<project>/+milestone/<name>``)."""

    project: str
    name: str
    series: str = "trunk"
    date_targeted: datetime | None = None
    is_active: bool = True
    code_name: str | None = None


@dataclass
class FakeTask:
    """One bug task: the bug's state in ``target`` (``manila`` or ``manila/train``)."""

    target: str
    status: str = BugTaskStatus.NEW
    importance: str = "Undecided"
    assignee: str | None = None
    milestone: str | None = None
    owner: str | None = None
    date_created: datetime | None = None
    dates: Mapping[str, datetime | None] = field(default_factory=dict)  # overrides derived dates

    @property
    def project(self) -> str:
        """The project (pillar) part of the target."""
        return self.target.split("/", 1)[0]


@dataclass
class FakeMessage:
    """A bug comment; ``owner`` is a person name."""

    content: str
    subject: str | None = None
    owner: str = "sample-reporter"
    date_created: datetime | None = None


@dataclass
class FakeAttachment:
    """A file attached to a bug; ``is_patch`` is Launchpad's attachment type Patch (else
    Unspecified). Only its type and date matter to the fake."""

    title: str
    is_patch: bool = True
    owner: str = "sample-reporter"
    date_created: datetime = SAMPLE_DATE


@dataclass(frozen=True)
class FakeActivity:
    """One line of a bug's activity log (``bug_activity``): ``what`` is Launchpad's
    ``whatchanged`` (``manila: status``); ``person`` made the change."""

    date_changed: datetime
    person: str
    what: str
    old_value: str | None = None
    new_value: str | None = None
    message: str | None = None


def shown_person(name: str | None) -> str | None:
    """How an activity value names a person: Launchpad's ``Display Name (name)``."""
    return None if name is None else f"{name.replace('-', ' ').title()} ({name})"


def task_activity(
    before: FakeTask, after: FakeTask, *, person: str, when: datetime
) -> list[FakeActivity]:
    """The activity lines Launchpad records when ``person`` changes a task from
    ``before`` to ``after`` at ``when``: one per changed status, importance, assignee."""
    found = []
    for field_name, old, new in (
        ("status", before.status, after.status),
        ("importance", before.importance, after.importance),
        ("assignee", shown_person(before.assignee), shown_person(after.assignee)),
    ):
        if old != new:
            found.append(FakeActivity(when, person, f"{after.target}: {field_name}", old, new))
    return found


@dataclass
class FakeBug:
    """A bug with its tasks and comments (message 0 is the description)."""

    id: int
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    tasks: list[FakeTask] = field(default_factory=list)
    messages: list[FakeMessage] = field(default_factory=list)
    private: bool = False
    information_type: str = "Public"
    owner: str = "sample-reporter"
    date_created: datetime = SAMPLE_DATE
    date_last_updated: datetime = SAMPLE_DATE
    duplicate_of: int | None = None
    heat: int = 6
    subscribers: tuple[str, ...] = ()  # people who may see it when private
    attachments: list[FakeAttachment] = field(default_factory=list)
    activity: list[FakeActivity] = field(default_factory=list)  # oldest first

    @property
    def latest_patch_uploaded(self) -> datetime | None:
        """When the newest patch was attached (Launchpad keeps this on the bug, and its
        ``has_patch`` search matches the bugs where it is set), or ``None``."""
        return max((a.date_created for a in self.attachments if a.is_patch), default=None)

    def visible_to(self, person: str | None) -> bool:
        """Whether ``person`` (``None``: anonymous) may see this bug."""
        return not self.private or (person is not None and person in self.subscribers)


@dataclass(frozen=True)
class Renderer:
    """Turns fake records into JSON for one API root (``http://host:port/devel/``)."""

    api: str
    web_root: str = "https://launchpad.net/"
    bugs_root: str = "https://bugs.launchpad.net/"
    project_names: Callable[[str], str] = field(default=str.title)

    def _entry(self, type_id: str, self_link: str, web_link: str, values: JSONDict) -> JSONDict:
        data: JSONDict = {
            "self_link": self_link,
            "web_link": web_link,
            "resource_type_link": f"{self.api}#{type_id}",
        }
        for name in wadl_fields(f"{type_id}-full"):
            if name in values:
                data[name] = values[name]
            elif name.endswith("_collection_link"):
                data[name] = f"{self_link}/{name.removesuffix('_collection_link')}"
            elif name not in data and name != "http_etag":
                data[name] = None
        data["http_etag"] = etag_for(data)
        return data

    def person_link(self, name: str | None) -> str | None:
        """API link of a person, or ``None``."""
        return None if name is None else f"{self.api}~{name}"

    def root(self) -> JSONDict:
        """The service root document (``GET /<version>/`` as JSON)."""
        special = {
            "me_link": "people/+me",
            "project_groups_collection_link": "projectgroups",
            "bug_trackers_collection_link": "bugs/bugtrackers",
            "git_repositories_collection_link": "+git",
        }
        data: JSONDict = {}
        for name in wadl_fields("service-root-json"):
            if name != "resource_type_link":
                default = name.removesuffix("_link").removesuffix("_collection")
                data[name] = self.api + special.get(name, default)
        data["resource_type_link"] = f"{self.api}#service-root"
        return data

    def person(self, person: FakePerson) -> JSONDict:
        """A ``#person`` entry."""
        values: JSONDict = {
            "name": person.name,
            "display_name": person.display_name or person.name.replace("-", " ").title(),
            "is_team": person.is_team,
            "is_valid": True,
            "is_probationary": False,
            "hide_email_addresses": True,
            "private": False,
            "visibility": "Public",
            "karma": 0,
            "date_created": lp_time(SAMPLE_DATE),
            "time_zone": "UTC",
        }
        return self._entry(
            "person", f"{self.api}~{person.name}", f"{self.web_root}~{person.name}", values
        )

    def project(self, project: FakeProject) -> JSONDict:
        """A ``#project`` entry."""
        display = project.display_name or self.project_names(project.name)
        values: JSONDict = {
            "name": project.name,
            "display_name": display,
            "title": display,
            "summary": project.summary,
            "active": True,
            "official_bugs": True,
            "official_bug_tags": list(project.official_bug_tags),
            "information_type": "Public",
            "private": False,
            "licenses": ["Apache Licence"],
            "date_created": lp_time(SAMPLE_DATE),
            "owner_link": self.person_link(f"{project.name}-drivers"),
            "development_focus_link": f"{self.api}{project.name}/trunk",
        }
        return self._entry(
            "project", f"{self.api}{project.name}", f"{self.web_root}{project.name}", values
        )

    def milestone(self, milestone: FakeMilestone) -> JSONDict:
        """A ``#milestone`` entry."""
        path = f"{milestone.project}/+milestone/{milestone.name}"
        values: JSONDict = {
            "name": milestone.name,
            "code_name": milestone.code_name,
            "title": f"{milestone.project} {milestone.name}",
            "date_targeted": lp_time(milestone.date_targeted),
            "is_active": milestone.is_active,
            "summary": None,
            "official_bug_tags": [],
            "target_link": f"{self.api}{milestone.project}",
            "series_target_link": f"{self.api}{milestone.project}/{milestone.series}",
            "release_link": None,
        }
        return self._entry("milestone", f"{self.api}{path}", f"{self.web_root}{path}", values)

    def bug(self, bug: FakeBug) -> JSONDict:
        """A ``#bug`` entry."""
        dates = [bug.date_created, *(m.date_created or bug.date_created for m in bug.messages)]
        values: JSONDict = {
            "id": bug.id,
            "title": bug.title,
            "description": bug.description,
            "tags": list(bug.tags),
            "private": bug.private,
            "information_type": bug.information_type,
            "security_related": "Security" in bug.information_type,
            "date_created": lp_time(bug.date_created),
            "date_last_updated": lp_time(bug.date_last_updated),
            "date_last_message": lp_time(max(dates)),
            "heat": bug.heat,
            "message_count": 1 + len(bug.messages),
            "number_of_duplicates": 0,
            "can_expire": False,
            "users_affected_count": 1,
            "users_unaffected_count": 0,
            "users_affected_count_with_dupes": 1,
            "other_users_affected_count_with_dupes": 0,
            "owner_link": self.person_link(bug.owner),
            "duplicate_of_link": None
            if bug.duplicate_of is None
            else self.bug_link(bug.duplicate_of),
            "latest_patch_uploaded": lp_time(bug.latest_patch_uploaded),
        }
        return self._entry("bug", self.bug_link(bug.id), f"{self.bugs_root}bugs/{bug.id}", values)

    def bug_link(self, bug_id: int) -> str:
        """API link of a bug."""
        return f"{self.api}bugs/{bug_id}"

    def task(self, bug: FakeBug, task: FakeTask) -> JSONDict:
        """A ``#bug_task`` entry; its self link is ``<target>/+bug/<id>``."""
        display = self.project_names(task.project)
        if "/" in task.target:
            display = f"{display} {task.target.split('/', 1)[1]}"
        created = task.date_created or bug.date_created
        values: JSONDict = {name: None for name in wadl_fields("bug_task-full") if "date_" in name}
        values |= {
            "bug_link": self.bug_link(bug.id),
            "target_link": f"{self.api}{task.target}",
            "bug_target_name": task.target,
            "bug_target_display_name": display,
            "title": f'Bug #{bug.id} in {display}: "{bug.title}"',
            "status": task.status,
            "importance": task.importance,
            "is_complete": task.status in CLOSED_STATUSES,
            "assignee_link": self.person_link(task.assignee),
            "owner_link": self.person_link(task.owner or bug.owner),
            "milestone_link": (
                None
                if task.milestone is None
                else f"{self.api}{task.project}/+milestone/{task.milestone}"
            ),
            "bug_watch_link": None,
            "date_created": lp_time(created),
        }
        values |= _derived_task_dates(task, bug.date_last_updated)
        values |= {key: lp_time(when) for key, when in task.dates.items()}
        path = f"{task.target}/+bug/{bug.id}"
        return self._entry("bug_task", f"{self.api}{path}", f"{self.bugs_root}{path}", values)

    def activity(self, bug: FakeBug, index: int) -> JSONDict:
        """A ``#bug_activity`` entry (line ``index`` of the bug's log). Launchpad has no
        page per line: both links point at the bug's activity."""
        line = bug.activity[index]
        values: JSONDict = {
            "bug_link": self.bug_link(bug.id),
            "datechanged": lp_time(line.date_changed),
            "person_link": self.person_link(line.person),
            "whatchanged": line.what,
            "oldvalue": line.old_value,
            "newvalue": line.new_value,
            "message": line.message,
        }
        self_link = f"{self.bug_link(bug.id)}/activity"
        web_link = f"{self.bugs_root}bugs/{bug.id}/+activity"
        return self._entry("bug_activity", self_link, web_link, values)

    def message(self, bug: FakeBug, index: int) -> JSONDict:
        """A ``#message`` entry; index 0 is the bug description."""
        if index == 0:
            msg = FakeMessage(bug.description, bug.title, bug.owner, bug.date_created)
        else:
            msg = bug.messages[index - 1]
        target = bug.tasks[0].target if bug.tasks else "bugs"
        values: JSONDict = {
            "content": msg.content,
            "subject": msg.subject if msg.subject is not None else f"Re: {bug.title}",
            "date_created": lp_time(msg.date_created or bug.date_created),
            "date_deleted": None,
            "date_last_edited": None,
            "owner_link": self.person_link(msg.owner),
            "parent_link": None,
        }
        self_link = f"{self.bug_link(bug.id)}/comments/{index}"
        web_link = f"{self.bugs_root}{target}/+bug/{bug.id}/comments/{index}"
        return self._entry("message", self_link, web_link, values)


def _derived_task_dates(task: FakeTask, when: datetime) -> JSONDict:
    """Dates Launchpad stamps on a status change, taken as the bug's last update."""
    stamp = lp_time(when)
    dates: JSONDict = {}
    if task.status != BugTaskStatus.NEW:
        dates["date_left_new"] = stamp
    if task.assignee is not None:
        dates["date_assigned"] = stamp
    if task.status in STATUS_DATES:
        dates[STATUS_DATES[BugTaskStatus(task.status)]] = stamp
    if task.status in CLOSED_STATUSES:
        dates["date_closed"] = stamp
    return dates


# --- searchTasks ---------------------------------------------------------------------


def decode_param(values: Sequence[str]) -> list[Any]:
    """Decode one query parameter as launchpadlib sends it (JSON, else the raw string)."""
    decoded: list[Any] = []
    for raw in values:
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        decoded.extend(value if isinstance(value, list) else [value])
    return decoded


def _parse_date(name: str, raw: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise BadRequestError(f"{name}: Value doesn't look like a date.") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _person_name(raw: Any) -> str:
    text = str(raw)
    return text.rsplit("~", 1)[1] if "~" in text else text


def _status_filter(params: Mapping[str, list[Any]]) -> set[str]:
    """The statuses asked for; the two search-only Incomplete forms are kept as given."""
    if "status" not in params:
        return set(UNRESOLVED_STATUSES)
    wanted: set[str] = set()
    for status in params["status"]:
        if status not in SEARCHABLE_STATUSES:
            raise BadRequestError(f'status: Invalid value "{status}". Acceptable values are: ...')
        wanted.add(str(status))
    return wanted


def _status_matches(bug: FakeBug, task: FakeTask, wanted: set[str]) -> bool:
    """Launchpad's rule: an Incomplete task has a response when a message on the bug is
    newer than the task's ``date_incomplete``."""
    if task.status in wanted:
        return True
    if task.status != BugTaskStatus.INCOMPLETE:
        return False
    since = task.dates.get("date_incomplete") or bug.date_last_updated
    answered = any((m.date_created or bug.date_created) > since for m in bug.messages)
    form = (
        BugTaskStatus.INCOMPLETE_WITH_RESPONSE
        if answered
        else (BugTaskStatus.INCOMPLETE_WITHOUT_RESPONSE)
    )
    return str(form) in wanted


def _tags_match(bug: FakeBug, tags: Sequence[Any], combinator: str) -> bool:
    wanted = [str(t) for t in tags if not str(t).startswith("-")]
    unwanted = [str(t)[1:] for t in tags if str(t).startswith("-")]
    tests = [t in bug.tags for t in wanted] + [t not in bug.tags for t in unwanted]
    if not tests:
        return True
    return all(tests) if combinator == "All" else any(tests)


_SORT_KEYS: dict[str, Callable[[tuple[FakeBug, FakeTask]], Any]] = {
    "importance": lambda pair: -IMPORTANCES.index(pair[1].importance),
    "status": lambda pair: TASK_STATUSES.index(pair[1].status),
    "id": lambda pair: pair[0].id,
    "date_last_updated": lambda pair: pair[0].date_last_updated,
    "datecreated": lambda pair: pair[0].date_created,
    "targetname": lambda pair: pair[1].target,
    "title": lambda pair: pair[0].title,
}


def search_tasks(
    bugs: Sequence[FakeBug],
    project: str,
    query: Mapping[str, Sequence[str]],
    viewer: str | None,
) -> list[tuple[FakeBug, FakeTask]]:
    """Evaluate ``<project>?ws.op=searchTasks`` like Launchpad; raise BadRequestError."""
    params = {k: decode_param(v) for k, v in query.items() if not k.startswith("ws.")}
    statuses = _status_filter(params)
    since = (
        _parse_date("modified_since", params["modified_since"][0])
        if "modified_since" in params
        else None
    )
    combinator = str(params.get("tags_combinator", ["Any"])[0])
    if combinator not in ("Any", "All"):
        raise BadRequestError(f'tags_combinator: Invalid value "{combinator}".')
    omit_duplicates = params.get("omit_duplicates", [True])[0] not in (False, "false")
    assignees = {_person_name(a) for a in params.get("assignee", [])}
    # Launchpad turns has_patch into "an attachment of type Patch", i.e. the bug's
    # latest_patch_uploaded is set; has_patch=false filters nothing.
    has_patch = params.get("has_patch", [False])[0] in (True, "true")
    order_by = [str(o) for o in params.get("order_by", ["-importance"])]
    for key in order_by:
        if key.lstrip("-") not in _SORT_KEYS:
            raise BadRequestError(f"Unknown sort key: {key}")
    found = [
        (bug, task)
        for bug in bugs
        if bug.visible_to(viewer)
        and (since is None or bug.date_last_updated > since)
        and not (omit_duplicates and bug.duplicate_of is not None)
        and not (has_patch and bug.latest_patch_uploaded is None)
        and _tags_match(bug, params.get("tags", []), combinator)
        for task in bug.tasks
        if task.target == project
        and _status_matches(bug, task, statuses)
        and (not assignees or task.assignee in assignees)
    ]
    # Stable sorts from the last key to the first; bug id breaks ties like Launchpad.
    found.sort(key=lambda pair: -pair[0].id)
    for key in reversed(order_by):
        found.sort(key=_SORT_KEYS[key.lstrip("-")], reverse=key.startswith("-"))
    return found
