"""Sample data sets for FakeGerrit and FakeLaunchpad: load them and apply them to a fake.

One JSON object per service; the bundled ones are ``syncsvc/data/sample/
gerrit-changes.json`` and ``launchpad.json`` (their README says what is real
and what is sample). Keys starting with ``_`` (``"_sample"``, ``"_note"``) are
comments at any level; datetimes are ISO 8601 with an offset; a multi-line
text (commit message, description, comment) may be a list of lines.

Gerrit: ``{"accounts": {username: {"account_id", "name", "email"}}, "changes":
[...]}``; a change holds :func:`~syncsvc.testing.fake_gerrit.make_change`'s
arguments (``owner`` a username, ``labels`` ``{label: [[username, value]]}``,
``messages`` ``[[username, text, date?, tag?]]``, undated ones at ``updated``) plus
``submitter`` (MERGED only). A JSON
list of stored ChangeInfo dicts (``tests/data/gerrit/*.json``) loads as is.

Launchpad: ``{"people", "projects", "milestones", "bugs"}``, lists of the
``Fake*`` records' fields; a bug's ``tasks``/``messages`` hold FakeTask/
FakeMessage fields. Every person, project and milestone a bug names must be
declared, so a typo fails the load. Movements: :mod:`syncsvc.testing.demo_servers`.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from syncsvc.domain import Account, BugTaskStatus, ChangeStatus
from syncsvc.domain.blueprints import DefinitionStatus, ImplementationStatus
from syncsvc.testing.fake_gerrit import (
    LABEL_RANGES,
    ChangeInfo,
    FakeGerrit,
    Message,
    make_change,
)
from syncsvc.testing.fake_launchpad import (
    FakeBug,
    FakeLaunchpad,
    FakeMessage,
    FakeMilestone,
    FakePerson,
    FakeProject,
    FakeSpecification,
    FakeTask,
)
from syncsvc.testing.fake_launchpad_data import (
    IMPORTANCES,
    SAMPLE_DATE,
    TASK_STATUSES,
    wadl_fields,
)

DEFINITION_STATUSES: tuple[str, ...] = tuple(DefinitionStatus)
IMPLEMENTATION_STATUSES: tuple[str, ...] = tuple(ImplementationStatus)

SAMPLE_PACKAGE = "syncsvc.data"
GERRIT_SAMPLE = "sample/gerrit-changes.json"
LAUNCHPAD_SAMPLE = "sample/launchpad.json"
CHANGE_STATUSES: tuple[str, ...] = tuple(ChangeStatus)

Source = str | os.PathLike[str] | Traversable | Mapping[str, Any] | list[Any]
JSON = dict[str, Any]
T = TypeVar("T")

_CHANGE_KEYS = frozenset(
    "number project branch subject status owner created updated commit_message labels topic"
    " hashtags change_id patch_sets messages submitter".split()
)
_CHANGE_ID_FOOTER = re.compile(r"^Change-Id:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_CHANGE_ID = re.compile(r"I[0-9a-f]{40}")


class DatasetError(ValueError):
    """A data set that cannot be loaded; the message names the file and the item."""


# --- reading ---------------------------------------------------------------------------


def sample_resource(name: str) -> Traversable:
    """A file of the bundled sample data set, e.g. ``sample_resource(GERRIT_SAMPLE)``."""
    return importlib.resources.files(SAMPLE_PACKAGE).joinpath(name)


def _read(source: Source) -> tuple[Any, str]:
    """The JSON document of ``source`` (a path, a resource or parsed data) and its label."""
    if isinstance(source, Mapping | list):
        return source, "<data>"
    path = Path(source) if isinstance(source, str | os.PathLike) else source
    try:
        return json.loads(path.read_text(encoding="utf-8")), str(path)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{source}: cannot read the data set: {exc}") from exc


def _fields(entry: Any, where: str, allowed: Iterable[str], required: Iterable[str]) -> JSON:
    """``entry`` without its ``_`` comment keys; DatasetError for unknown or missing keys."""
    if not isinstance(entry, Mapping):
        raise DatasetError(f"{where}: expected an object, got {type(entry).__name__}")
    fields = {str(k): v for k, v in entry.items() if not str(k).startswith("_")}
    if unknown := sorted(set(fields) - set(allowed)):
        raise DatasetError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if missing := sorted(set(required) - set(fields)):
        raise DatasetError(f"{where}: missing key(s) {', '.join(missing)}")
    return fields


def _when(value: Any, where: str) -> datetime:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise DatasetError(f"{where}: not an ISO 8601 datetime: {value!r}") from exc
    if when.tzinfo is None:
        raise DatasetError(f"{where}: {value!r} has no UTC offset")
    return when.astimezone(UTC)


def _text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(value)
    raise DatasetError(f"{where}: expected a string or a list of lines")


def _malformed(parse: Callable[[Any, Any, str], T], entry: Any, context: Any, where: str) -> T:
    """``parse(entry, context, where)``, with a wrongly shaped entry as DatasetError."""
    try:
        return parse(entry, context, where)
    except DatasetError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise DatasetError(f"{where}: malformed entry: {exc!r}") from exc


def _one_of(value: Any, allowed: Sequence[str], where: str) -> str:
    if value not in allowed:
        raise DatasetError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return str(value)


# --- Gerrit ----------------------------------------------------------------------------


def load_gerrit_dataset(source: Source) -> list[ChangeInfo]:
    """The stored ChangeInfo dicts of a Gerrit data set, for ``FakeGerrit(changes=...)``.

    Raises DatasetError for unreadable files, unknown keys, unknown accounts, bad
    statuses, votes or dates, a commit message whose first line is not the subject
    or whose last ``Change-Id:`` is not ``change_id``, and repeated numbers.
    """
    data, label = _read(source)
    if isinstance(data, list):  # rendered ChangeInfo, e.g. tests/data/gerrit/*.json
        return [_stored(info, f"{label}[{i}]") for i, info in enumerate(data)]
    doc = _fields(data, label, ("accounts", "changes"), ("accounts", "changes"))
    accounts = {
        name: _gerrit_account(name, acct, f"{label}: accounts.{name}")
        for name, acct in dict(doc["accounts"]).items()
        if not name.startswith("_")
    }
    changes: dict[int, ChangeInfo] = {}
    for i, entry in enumerate(doc["changes"]):
        info = _malformed(_gerrit_change, entry, accounts, f"{label}: changes[{i}]")
        if info["_number"] in changes:
            raise DatasetError(f"{label}: change {info['_number']} appears twice")
        changes[info["_number"]] = info
    return list(changes.values())


def sample_gerrit_dataset() -> list[ChangeInfo]:
    """The bundled sample Gerrit changes (``syncsvc.data`` / ``sample/gerrit-changes.json``)."""
    return load_gerrit_dataset(sample_resource(GERRIT_SAMPLE))


def apply_gerrit_dataset(fake: FakeGerrit, changes: Iterable[Mapping[str, Any]]) -> None:
    """Store ``changes`` (from :func:`load_gerrit_dataset`) in ``fake``; safe while serving."""
    for change in changes:
        fake.add_change(copy.deepcopy(dict(change)))


def accounts_in(changes: Iterable[Mapping[str, Any]]) -> dict[str, Account]:
    """Every account named by ``changes`` (owners, submitters, voters, authors) by username."""
    found: dict[str, Account] = {}

    def note(info: Mapping[str, Any]) -> None:
        if info.get("username"):
            found.setdefault(
                info["username"],
                Account(info["_account_id"], info["username"], info.get("name"), info.get("email")),
            )

    for change in changes:
        for key in ("owner", "submitter"):
            if key in change:
                note(change[key])
        for label in change.get("labels", {}).values():
            for vote in label.get("all", []):
                note(vote)
        for message in change.get("messages", []):
            note(message["author"])
    return found


def _stored(info: Any, where: str) -> ChangeInfo:
    if not isinstance(info, Mapping) or not isinstance(info.get("_number"), int):
        raise DatasetError(f"{where}: not a ChangeInfo with a _number")
    return copy.deepcopy(dict(info))


def _gerrit_account(name: str, acct: Any, where: str) -> Account:
    fields = _fields(acct, where, ("account_id", "name", "email"), ("account_id",))
    if not isinstance(fields["account_id"], int):
        raise DatasetError(f"{where}: account_id must be an integer")
    return Account(fields["account_id"], name, fields.get("name"), fields.get("email"))


def _gerrit_change(entry: Any, accounts: Mapping[str, Account], where: str) -> ChangeInfo:
    fields = _fields(entry, where, _CHANGE_KEYS, ("number", "subject", "owner", "created"))
    where = f"{where} (change {fields['number']})"

    def who(name: Any, what: str) -> Account:
        if name not in accounts:
            raise DatasetError(f"{where}: {what} {name!r} is not in accounts")
        return accounts[name]

    status = _one_of(fields.get("status", ChangeStatus.NEW), CHANGE_STATUSES, f"{where}: status")
    created = _when(fields["created"], f"{where}: created")
    updated = _when(fields.get("updated", fields["created"]), f"{where}: updated")
    if updated < created:
        raise DatasetError(f"{where}: updated is earlier than created")
    labels: dict[str, list[tuple[Account, int]]] = {}
    for name, votes in dict(fields.get("labels", {})).items():
        top = LABEL_RANGES.get(name)
        if top is None:
            raise DatasetError(f"{where}: unknown label {name!r}")
        labels[name] = []
        for voter, value in votes:
            if not isinstance(value, int) or not -top <= value <= top:
                raise DatasetError(f"{where}: {name} vote {value!r} is out of range")
            labels[name].append((who(voter, f"{name} voter"), value))
    change_id = fields.get("change_id")
    if change_id is not None and not _CHANGE_ID.fullmatch(str(change_id)):
        raise DatasetError(f"{where}: change_id {change_id!r} is not I + 40 hex digits")
    message = None
    if "commit_message" in fields:
        message = _text(fields["commit_message"], f"{where}: commit_message").rstrip("\n") + "\n"
        _check_commit_message(message, str(fields["subject"]), change_id, where)
    info = make_change(
        int(fields["number"]),
        project=str(fields.get("project", "openstack/manila")),
        branch=str(fields.get("branch", "master")),
        subject=str(fields["subject"]),
        status=status,
        owner=who(fields["owner"], "owner"),
        created=created,
        updated=updated,
        commit_message=message,
        labels=labels,
        topic=fields.get("topic"),
        hashtags=tuple(fields.get("hashtags", ())),
        change_id=change_id,
        patch_sets=int(fields.get("patch_sets", 1)),
        messages=[
            _gerrit_message(m, who, (created, updated), f"{where}: messages[{i}]")
            for i, m in enumerate(fields.get("messages", ()))
        ],
    )
    if "submitter" in fields:
        if status != ChangeStatus.MERGED:
            raise DatasetError(f"{where}: only a MERGED change has a submitter")
        info["submitter"] = account_info(who(fields["submitter"], "submitter"))
    return info


def _gerrit_message(
    entry: Any,
    who: Callable[[Any, str], Account],
    span: tuple[datetime, datetime],
    where: str,
) -> Message:
    """``[username, text]``, optionally ``+ [date]`` (within the change's created..updated)
    and ``+ [tag]``, as a :data:`~syncsvc.testing.fake_gerrit.Message`."""
    if not isinstance(entry, list) or not 2 <= len(entry) <= 4:
        raise DatasetError(f"{where}: expected [author, text, date?, tag?]")
    author, text = who(entry[0], "message author"), _text(entry[1], where)
    if len(entry) == 2:
        return (author, text)
    when = _when(entry[2], f"{where}: date")
    if not span[0] <= when <= span[1]:
        raise DatasetError(f"{where}: date is outside the change's created..updated")
    if len(entry) == 3:
        return (author, text, when)
    if entry[3] is not None and not isinstance(entry[3], str):
        raise DatasetError(f"{where}: tag must be a string")
    return (author, text, when, entry[3])


def _check_commit_message(message: str, subject: str, change_id: Any, where: str) -> None:
    if message.split("\n", 1)[0] != subject:
        raise DatasetError(f"{where}: the commit message does not start with the subject")
    footers = _CHANGE_ID_FOOTER.findall(message)
    if change_id is None or not footers or footers[-1] != change_id:
        raise DatasetError(f"{where}: the commit message must end with Change-Id: <change_id>")


def account_info(acct: Account) -> JSON:
    """An AccountInfo as the fake stores it (every detail that is known)."""
    info = {"_account_id": acct.account_id, "name": acct.name, "email": acct.email}
    return {k: v for k, v in {**info, "username": acct.username}.items() if v is not None}


# --- Launchpad -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LaunchpadDataset:
    """A loaded Launchpad data set; :func:`apply_launchpad_dataset` copies it into a fake."""

    people: tuple[FakePerson, ...] = ()
    projects: tuple[FakeProject, ...] = ()
    milestones: tuple[FakeMilestone, ...] = ()
    bugs: tuple[FakeBug, ...] = ()
    blueprints: tuple[FakeSpecification, ...] = ()

    def bug(self, bug_id: int) -> FakeBug:
        """The bug ``bug_id``; KeyError if the data set has none."""
        for bug in self.bugs:
            if bug.id == bug_id:
                return bug
        raise KeyError(bug_id)


def load_launchpad_dataset(source: Source) -> LaunchpadDataset:
    """A Launchpad data set: people, projects, milestones and bugs.

    Raises DatasetError for unreadable files, unknown keys, statuses or
    importances, dates without an offset, undeclared people, projects or
    milestones, repeated bug ids and duplicates of bugs not in the set.
    """
    data, label = _read(source)
    keys = ("people", "projects", "milestones", "bugs", "blueprints")
    doc = _fields(data, label, keys, ())
    people = [_person(p, f"{label}: people[{i}]") for i, p in enumerate(doc.get("people", ()))]
    projects = [
        _project(p, f"{label}: projects[{i}]") for i, p in enumerate(doc.get("projects", ()))
    ]
    milestones = [
        _milestone(m, f"{label}: milestones[{i}]") for i, m in enumerate(doc.get("milestones", ()))
    ]
    known = _Known(
        {p.name for p in people},
        {p.name for p in projects},
        {(m.project, m.name) for m in milestones},
    )
    bugs: dict[int, FakeBug] = {}
    for i, entry in enumerate(doc.get("bugs", ())):
        bug = _malformed(_bug, entry, known, f"{label}: bugs[{i}]")
        if bug.id in bugs:
            raise DatasetError(f"{label}: bug {bug.id} appears twice")
        bugs[bug.id] = bug
    for bug in bugs.values():
        if bug.duplicate_of is not None and bug.duplicate_of not in bugs:
            raise DatasetError(f"{label}: bug {bug.id} duplicates unknown bug {bug.duplicate_of}")
    blueprints = tuple(
        _malformed(_blueprint, entry, known, f"{label}: blueprints[{i}]")
        for i, entry in enumerate(doc.get("blueprints", ()))
    )
    return LaunchpadDataset(
        tuple(people), tuple(projects), tuple(milestones), tuple(bugs.values()), blueprints
    )


def sample_launchpad_dataset() -> LaunchpadDataset:
    """The bundled sample Launchpad data (``syncsvc.data`` / ``sample/launchpad.json``)."""
    return load_launchpad_dataset(sample_resource(LAUNCHPAD_SAMPLE))


def apply_launchpad_dataset(fake: FakeLaunchpad, dataset: LaunchpadDataset) -> None:
    """Store copies of the data set's people, projects, milestones and bugs in ``fake``."""
    for person in dataset.people:
        fake.add_person(person.name, person.display_name, is_team=person.is_team)
    for project in dataset.projects:
        fake.add_project(project.name)
        fake.projects[project.name] = copy.deepcopy(project)
    for milestone in dataset.milestones:
        fake.add_milestone(milestone.project, milestone.name)
        fake.milestones[(milestone.project, milestone.name)] = copy.deepcopy(milestone)
    for bug in dataset.bugs:
        fake.add_bug(
            bug.id,
            bug.title,
            bug.tags,
            tasks=copy.deepcopy(bug.tasks),
            private=bug.private,
            messages=copy.deepcopy(bug.messages),
            date_last_updated=bug.date_last_updated,
            date_created=bug.date_created,
            description=bug.description,
            owner=bug.owner,
            duplicate_of=bug.duplicate_of,
            subscribers=bug.subscribers,
            heat=bug.heat,
        )
    for blueprint in dataset.blueprints:
        fake.add_specification(copy.deepcopy(blueprint))


@dataclass(frozen=True, slots=True)
class _Known:
    people: set[str]
    projects: set[str]
    milestones: set[tuple[str, str]]

    def person(self, name: Any, where: str) -> str:
        if name not in self.people:
            raise DatasetError(f"{where}: person {name!r} is not declared in people")
        return str(name)


def _person(entry: Any, where: str) -> FakePerson:
    fields = _fields(entry, where, ("name", "display_name", "is_team"), ("name",))
    return FakePerson(
        str(fields["name"]), str(fields.get("display_name", "")), bool(fields.get("is_team"))
    )


def _project(entry: Any, where: str) -> FakeProject:
    allowed = ("name", "display_name", "summary", "official_bug_tags")
    fields = _fields(entry, where, allowed, ("name",))
    return FakeProject(
        str(fields["name"]),
        str(fields.get("display_name", "")),
        str(fields.get("summary", "")),
        tuple(str(t) for t in fields.get("official_bug_tags", ())),
    )


def _milestone(entry: Any, where: str) -> FakeMilestone:
    allowed = ("project", "name", "series", "date_targeted", "is_active", "code_name")
    fields = _fields(entry, where, allowed, ("project", "name"))
    targeted = fields.get("date_targeted")
    return FakeMilestone(
        str(fields["project"]),
        str(fields["name"]),
        str(fields.get("series", "trunk")),
        None if targeted is None else _when(targeted, f"{where}: date_targeted"),
        bool(fields.get("is_active", True)),
        fields.get("code_name"),
    )


def _blueprint(entry: Any, known: _Known, where: str) -> FakeSpecification:
    allowed = (
        "project name title definition_status implementation_status milestone assignee"
        " owner date_created date_started date_completed".split()
    )
    fields = _fields(entry, where, allowed, ("project", "name", "title"))
    project = str(fields["project"])
    if project not in known.projects:
        raise DatasetError(f"{where}: project {project!r} is not declared in projects")
    milestone = fields.get("milestone")
    if milestone is not None and (project, milestone) not in known.milestones:
        raise DatasetError(f"{where}: milestone {milestone!r} is not declared in milestones")

    def when(name: str) -> datetime | None:
        value = fields.get(name)
        return None if value is None else _when(value, f"{where}: {name}")

    return FakeSpecification(
        project,
        str(fields["name"]),
        _text(fields["title"], f"{where}: title"),
        _one_of(fields.get("definition_status", "New"), DEFINITION_STATUSES, where),
        _one_of(fields.get("implementation_status", "Unknown"), IMPLEMENTATION_STATUSES, where),
        None if milestone is None else str(milestone),
        None if fields.get("assignee") is None else known.person(fields["assignee"], where),
        known.person(fields.get("owner", "sample-reporter"), where),
        date_created=when("date_created") or SAMPLE_DATE,
        date_started=when("date_started"),
        date_completed=when("date_completed"),
    )


def _bug(entry: Any, known: _Known, where: str) -> FakeBug:
    allowed = (
        "id title description tags tasks messages private owner date_created"
        " date_last_updated duplicate_of heat subscribers".split()
    )
    fields = _fields(entry, where, allowed, ("id", "title", "tasks"))
    where = f"{where} (bug {fields['id']})"
    created = _when(fields.get("date_created", "2020-01-01T00:00:00Z"), f"{where}: date_created")
    private = bool(fields.get("private", False))
    return FakeBug(
        int(fields["id"]),
        str(fields["title"]),
        description=_text(fields.get("description", f"Sample bug {fields['id']}."), where),
        tags=tuple(str(t) for t in fields.get("tags", ())),
        tasks=[_task(t, known, f"{where}: tasks[{i}]") for i, t in enumerate(fields["tasks"])],
        messages=[
            _message(m, known, f"{where}: messages[{i}]")
            for i, m in enumerate(fields.get("messages", ()))
        ],
        private=private,
        information_type="Private" if private else "Public",
        owner=known.person(fields.get("owner", "sample-reporter"), f"{where}: owner"),
        date_created=created,
        date_last_updated=_when(
            fields.get("date_last_updated", created.isoformat()), f"{where}: date_last_updated"
        ),
        duplicate_of=None if fields.get("duplicate_of") is None else int(fields["duplicate_of"]),
        heat=int(fields.get("heat", 6)),
        subscribers=tuple(known.person(s, where) for s in fields.get("subscribers", ())),
    )


def _task(entry: Any, known: _Known, where: str) -> FakeTask:
    allowed = "target status importance assignee milestone owner date_created dates".split()
    fields = _fields(entry, where, allowed, ("target",))
    target = str(fields["target"])
    project = target.split("/", 1)[0]
    if project not in known.projects:
        raise DatasetError(f"{where}: project {project!r} is not declared in projects")
    milestone = fields.get("milestone")
    if milestone is not None and (project, milestone) not in known.milestones:
        raise DatasetError(f"{where}: milestone {project}/{milestone} is not declared")
    task_dates = {n for n in wadl_fields("bug_task-full") if n.startswith("date_")}
    dates: dict[str, datetime | None] = {}
    for key, value in dict(fields.get("dates", {})).items():
        if key not in task_dates or key == "date_created":
            raise DatasetError(f"{where}: {key!r} is not a bug task date")
        dates[key] = None if value is None else _when(value, f"{where}: {key}")
    assignee, owner = fields.get("assignee"), fields.get("owner")
    return FakeTask(
        target,
        _one_of(fields.get("status", BugTaskStatus.NEW), TASK_STATUSES, f"{where}: status"),
        _one_of(fields.get("importance", "Undecided"), IMPORTANCES, f"{where}: importance"),
        assignee=None if assignee is None else known.person(assignee, f"{where}: assignee"),
        milestone=None if milestone is None else str(milestone),
        owner=None if owner is None else known.person(owner, f"{where}: owner"),
        date_created=(
            None
            if fields.get("date_created") is None
            else _when(fields["date_created"], f"{where}: date_created")
        ),
        dates=dates,
    )


def _message(entry: Any, known: _Known, where: str) -> FakeMessage:
    fields = _fields(entry, where, ("content", "subject", "owner", "date_created"), ("content",))
    when = fields.get("date_created")
    return FakeMessage(
        _text(fields["content"], f"{where}: content"),
        None if fields.get("subject") is None else str(fields["subject"]),
        known.person(fields.get("owner", "sample-reporter"), f"{where}: owner"),
        None if when is None else _when(when, f"{where}: date_created"),
    )
