"""Recording and replaying source records (syncsvc.adapters.recording.replay) with in-memory sources."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from syncsvc.adapters.recording.replay import (
    FileBugSource,
    FileChangeSource,
    NotRecordedError,
    RecordFormatError,
    RecordingBugSource,
    RecordingChangeSource,
    bug_from_json,
    change_from_json,
    comments_from_json,
    read_manifest,
    record_to_json,
    start_recording,
    task_from_json,
)
from syncsvc.domain import (
    Account,
    Bug,
    BugComments,
    BugMessage,
    BugTask,
    Change,
    ChangeStatus,
    Footers,
    SourceName,
)
from syncsvc.errors import InputError, RemoteUnavailableError

T0 = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
CEST = timezone(timedelta(hours=2))

FULL_TASK = BugTask(
    bug_id=1855391,
    target="manila",
    status="Fix Released",
    importance="High",
    assignee="haixin",
    milestone="wallaby-rc1",
    date_created=datetime(2019, 12, 5, 8, 1, 2, 345678, tzinfo=UTC),
    date_closed=T0,
    date_fix_committed=T0 - timedelta(days=1),
    date_fix_released=T0,
    date_in_progress=T0 - timedelta(days=30),
    is_complete=True,
    url="https://bugs.launchpad.net/manila/+bug/1855391",
)
FULL_BUG = Bug(
    bug_id=1855391,
    title="Share extension bypasses the scheduler — «unicode»",
    tags=("low-hanging-fruit", "api"),
    tasks=(FULL_TASK, dataclasses.replace(FULL_TASK, target="manila/victoria", milestone=None)),
    date_last_updated=T0,
    url="https://bugs.launchpad.net/bugs/1855391",
    date_last_message=T0 - timedelta(hours=1),
    message_count=4,
)
FIX_PROPOSED = BugMessage(
    1855391,
    "hudson-openstack",
    T0 - timedelta(days=2),
    "Fix proposed to manila (master)",
    "Fix proposed to branch: master\nReview: https://review.opendev.org/702153",
    number=2,
)
TRIAGED = BugMessage(1855391, "gouthamr", T0 - timedelta(hours=1), "Re: extend", "Triaged.", 3)
FULL_COMMENTS = BugComments(1855391, T0 - timedelta(hours=1), (FIX_PROPOSED, TRIAGED), fetched=True)
GERRIT = re.compile(r"fix proposed to", re.IGNORECASE)
FULL_CHANGE = Change(
    number=745206,
    project="openstack/manila",
    branch="master",
    subject="Add share server migration",
    status=ChangeStatus.MERGED,
    owner=Account(28522, "dviroel", "Douglas Viroel", "dviroel@example.org"),
    created=datetime(2020, 10, 1, 9, 0, tzinfo=CEST),
    updated=T0,
    submitted=T0,
    topic="bp/share-server-migration",
    hashtags=("wallaby", "ptg"),
    change_id="I" + "a" * 40,
    current_patch_set=12,
    votes=(("Verified", 2), ("Code-Review", 2), ("Workflow", 1)),
    footers=Footers(("1855391",), ("1",), ("2", "3"), ("share-server-migration",), "I" + "a" * 40),
    url="https://review.opendev.org/c/openstack/manila/+/745206",
)


def change(number: int, project: str = "openstack/manila", updated: datetime = T0) -> Change:
    """A minimal change record."""
    return Change(
        number,
        project,
        "master",
        f"change {number}",
        ChangeStatus.NEW,
        Account(1),
        updated,
        updated,
    )


def task(bug_id: int, target: str = "manila", status: str = "New") -> BugTask:
    """A minimal task record."""
    return BugTask(bug_id, target, status, "Low")


def through_json(value: dict) -> object:
    """``value`` written and read back as JSON text."""
    return json.loads(json.dumps(value))


class Gerrit:
    """An in-memory ChangeSource."""

    def __init__(self, changes: Sequence[Change], *, fail: bool = False) -> None:
        self.changes = {c.number: c for c in changes}
        self.fail = fail

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[Change]:
        return iter([self.changes[n] for n in numbers if n in self.changes])

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        found = [c for c in self.changes.values() if c.project in projects and c.updated >= since]
        yield from sorted(found, key=lambda c: c.updated, reverse=True)
        if self.fail:
            raise RemoteUnavailableError("Gerrit returned 503")


class Launchpad:
    """An in-memory BugSource (``modified_since`` is compared with the bug's last update)."""

    def __init__(
        self, bugs: Sequence[Bug], comments: Mapping[int, Sequence[BugMessage]] | None = None
    ) -> None:
        self.bugs = {b.bug_id: b for b in bugs}
        self.comments = dict(comments or {})

    def get_bug_comments(
        self,
        ids: Iterable[int],
        *,
        known: Mapping[int, datetime],
        pattern: re.Pattern[str] | None = None,
    ) -> Iterator[BugComments]:
        for bug_id in dict.fromkeys(ids):
            bug = self.bugs.get(bug_id)
            last = None if bug is None else bug.date_last_message
            if bug is None:
                yield BugComments(bug_id, visible=False)
            elif last is None or (bug_id in known and last <= known[bug_id]):
                yield BugComments(bug_id, last)
            else:
                kept = [
                    m
                    for m in self.comments.get(bug_id, ())
                    if pattern is None or pattern.search(m.subject) or pattern.search(m.content)
                ]
                yield BugComments(bug_id, last, tuple(kept), fetched=True)

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        return iter([self.bugs.get(i, Bug(i, visible=False)) for i in ids])

    def search_tasks(
        self, project: str, *, modified_since: datetime | None, tags: Sequence[str] = ()
    ) -> Iterator[BugTask]:
        return iter(
            t
            for b in self.bugs.values()
            if modified_since is None or (b.date_last_updated or T0) > modified_since
            if not tags or set(tags) & set(b.tags)
            for t in b.tasks
            if t.target == project
        )


class TestRecordCodec:
    """Domain records survive a trip through JSON unchanged."""

    @pytest.mark.parametrize(
        ("record", "read"),
        [
            (FULL_BUG, bug_from_json),
            (Bug(42, visible=False), bug_from_json),
            (FULL_COMMENTS, comments_from_json),
            (BugComments(7, visible=False), comments_from_json),
            (FULL_TASK, task_from_json),
            (task(7), task_from_json),
            (FULL_CHANGE, change_from_json),
            (change(1), change_from_json),
        ],
    )
    def test_round_trip(self, record, read) -> None:
        """Every field, nested records included, reads back equal."""
        assert read(through_json(record_to_json(record))) == record

    def test_every_field_is_written(self) -> None:
        """The JSON has exactly the dataclass fields, nested ones as objects."""
        data = record_to_json(FULL_CHANGE)
        assert set(data) == {f.name for f in dataclasses.fields(Change)}
        assert data["owner"] == {
            "account_id": 28522,
            "username": "dviroel",
            "name": "Douglas Viroel",
            "email": "dviroel@example.org",
        }
        assert data["votes"] == [["Verified", 2], ["Code-Review", 2], ["Workflow", 1]]
        assert data["status"] == "MERGED"

    def test_datetimes_keep_their_offset(self) -> None:
        """Datetimes are ISO 8601 with the offset they had; they read back as the same instant in UTC."""
        data = record_to_json(FULL_CHANGE)
        assert data["created"] == "2020-10-01T09:00:00+02:00"
        assert record_to_json(FULL_TASK)["date_created"] == "2019-12-05T08:01:02.345678+00:00"
        read = change_from_json(through_json(data))
        assert read.created == datetime(2020, 10, 1, 7, 0, tzinfo=UTC)
        assert read.created.tzinfo == UTC

    def test_naive_datetime_is_refused(self) -> None:
        """A naive datetime cannot be recorded."""
        with pytest.raises(ValueError, match="naive datetime"):
            record_to_json(change(1, updated=datetime(2021, 1, 1)))  # noqa: DTZ001

    @pytest.mark.parametrize(
        ("edit", "message"),
        [
            ({"number": True}, r"change\.number: expected int: True"),
            ({"number": "1"}, r"change\.number: expected int: '1'"),
            ({"status": "DRAFT"}, r"change\.status: not a ChangeStatus: 'DRAFT'"),
            ({"updated": "2021-01-01T00:00:00"}, r"change\.updated: expected an ISO 8601 time"),
            ({"votes": [["Verified"]]}, r"change\.votes\[0\]: expected 2 items"),
            ({"hashtags": "wallaby"}, r"change\.hashtags: expected an array"),
            ({"owner": {"account_id": 1}}, r"change\.owner: missing username, name, email"),
            ({"extra": 1}, r"change: unknown extra"),
        ],
    )
    def test_wrong_shapes_name_the_field(self, edit, message) -> None:
        """A record of the wrong shape raises RecordFormatError naming the field."""
        data = {**record_to_json(FULL_CHANGE), **edit}
        with pytest.raises(RecordFormatError, match=message):
            change_from_json(through_json(data))

    def test_not_an_object(self) -> None:
        """A line that is not an object is refused."""
        with pytest.raises(RecordFormatError, match="bug: expected an object, got list"):
            bug_from_json([1])


class TestRecording:
    """The recording wrappers pass records through and write them with a manifest."""

    def test_records_pass_through_and_are_written(self, tmp_path) -> None:
        """Each call gets a JSON Lines file; the manifest lists it with its arguments."""
        start_recording(tmp_path)
        bugs = RecordingBugSource(Launchpad([FULL_BUG]), tmp_path)
        changes = RecordingChangeSource(Gerrit([FULL_CHANGE, change(2)]), tmp_path)
        assert list(changes.get_changes([745206, 9])) == [FULL_CHANGE]
        assert list(bugs.search_tasks("manila", modified_since=T0 - timedelta(1))) == [FULL_TASK]
        since = T0 - timedelta(days=2)
        assert list(changes.changes_updated_since(["openstack/manila"], since)) == [
            FULL_CHANGE,
            change(2),
        ]
        manifest = read_manifest(tmp_path)
        assert manifest.sources == (SourceName.GERRIT, SourceName.LAUNCHPAD)
        got = [
            (c.file, c.method, c.ids, c.projects, c.since, c.records, c.complete)
            for c in manifest.calls
        ]
        assert got == [
            ("001-gerrit-get_changes.jsonl", "get_changes", (745206, 9), (), None, 1, True),
            (
                "002-launchpad-search_tasks.jsonl",
                "search_tasks",
                (),
                ("manila",),
                T0 - timedelta(1),
                1,
                True,
            ),
            (
                "003-gerrit-changes_updated_since.jsonl",
                "changes_updated_since",
                (),
                ("openstack/manila",),
                since,
                2,
                True,
            ),
        ]
        lines = (tmp_path / "001-gerrit-get_changes.jsonl").read_text().splitlines()
        assert [json.loads(line) for line in lines] == [record_to_json(FULL_CHANGE)]

    def test_failed_call_is_incomplete(self, tmp_path) -> None:
        """A remote failure mid-call is re-raised and the call is marked incomplete."""
        changes = RecordingChangeSource(Gerrit([change(1)], fail=True), tmp_path)
        with pytest.raises(RemoteUnavailableError):
            list(changes.changes_updated_since(["openstack/manila"], T0))
        (call,) = read_manifest(tmp_path).calls
        assert (call.records, call.complete) == (1, False)
        assert call.error == "RemoteUnavailableError: Gerrit returned 503"

    def test_call_stopped_early_is_incomplete(self, tmp_path) -> None:
        """A call whose iterator is closed before the end is marked incomplete."""
        changes = RecordingChangeSource(Gerrit([change(1), change(2)]), tmp_path)
        found = changes.get_changes([1, 2])
        next(found)
        found.close()
        (call,) = read_manifest(tmp_path).calls
        assert (call.records, call.complete, call.error) == (1, False, "stopped before the end")

    def test_call_never_iterated_is_not_listed(self, tmp_path) -> None:
        """Asking without iterating records nothing."""
        RecordingChangeSource(Gerrit([change(1)]), tmp_path).get_changes([1])
        assert read_manifest(tmp_path).calls == ()

    def test_start_recording_replaces_only_recording_files(self, tmp_path) -> None:
        """A new recording removes the old one's files and keeps unrelated files."""
        (tmp_path / "notes.txt").write_text("mine")
        list(RecordingChangeSource(Gerrit([change(1)]), tmp_path).get_changes([1]))
        start_recording(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "notes.txt"]
        assert read_manifest(tmp_path).calls == ()

    def test_start_recording_refuses_a_foreign_manifest(self, tmp_path) -> None:
        """A manifest.json that is not a recording is not overwritten."""
        (tmp_path / "manifest.json").write_text('{"name": "something else"}')
        with pytest.raises(InputError, match="not a usable recording manifest"):
            start_recording(tmp_path)
        assert (tmp_path / "manifest.json").read_text() == '{"name": "something else"}'

    def test_unwritable_directory(self, tmp_path) -> None:
        """A path that cannot be a directory is an InputError."""
        (tmp_path / "file").write_text("")
        with pytest.raises(InputError, match="cannot write the recording"):
            start_recording(tmp_path / "file")


def record_bugs(tmp_path, bugs: Sequence[Bug], calls) -> FileBugSource:
    """Record ``calls(source)`` against in-memory ``bugs``; return the replay source."""
    calls(RecordingBugSource(Launchpad(bugs), tmp_path))
    return FileBugSource(tmp_path)


class TestFileBugSource:
    """Replayed Launchpad answers: bugs by id, searches by project and time."""

    def test_get_bugs_in_the_order_given(self, tmp_path) -> None:
        """Recorded bugs come back in the order asked, each once, invisible ones included."""
        bugs = [Bug(1, "one", tasks=(task(1),)), Bug(2, "two")]
        replay = record_bugs(tmp_path, bugs, lambda s: list(s.get_bugs([1, 2, 3])))
        assert list(replay.get_bugs([3, 2, 1, 2])) == [Bug(3, visible=False), bugs[1], bugs[0]]

    def test_unrecorded_bug(self, tmp_path) -> None:
        """A bug never fetched is a NotRecordedError that says how to record it."""
        replay = record_bugs(tmp_path, [Bug(1)], lambda s: list(s.get_bugs([1])))
        with pytest.raises(NotRecordedError, match=r"bug 4 is not in the recording .*--full"):
            list(replay.get_bugs([1, 4]))

    def test_search_by_project_and_tags(self, tmp_path) -> None:
        """Only the recorded search of that project (and tags) answers, ordered by bug id."""
        bugs = [
            Bug(2, tags=("ui",), tasks=(task(2), task(2, "manila-ui"))),
            Bug(1, tasks=(task(1),)),
        ]

        def calls(source) -> None:
            for project in ("manila", "manila-ui"):
                list(source.search_tasks(project, modified_since=None))
            list(source.search_tasks("manila", modified_since=None, tags=["ui"]))

        replay = record_bugs(tmp_path, bugs, calls)
        assert list(replay.search_tasks("manila", modified_since=T0)) == [task(1), task(2)]
        assert list(replay.search_tasks("manila-ui", modified_since=None)) == [task(2, "manila-ui")]
        assert list(replay.search_tasks("manila", modified_since=None, tags=["ui"])) == [task(2)]

    def test_search_must_reach_back(self, tmp_path) -> None:
        """A search asked from earlier than any recorded one cannot be answered."""
        replay = record_bugs(
            tmp_path,
            [Bug(1, tasks=(task(1),))],
            lambda s: list(s.search_tasks("manila", modified_since=T0)),
        )
        assert list(replay.search_tasks("manila", modified_since=T0 + timedelta(hours=1))) == []
        with pytest.raises(NotRecordedError, match="no search of Launchpad project manila"):
            list(replay.search_tasks("manila", modified_since=T0 - timedelta(hours=1)))
        with pytest.raises(NotRecordedError, match="reaches back to the start"):
            list(replay.search_tasks("manila", modified_since=None))
        with pytest.raises(NotRecordedError, match="project manila-ui"):
            list(replay.search_tasks("manila-ui", modified_since=T0))

    def test_latest_task_state_wins(self, tmp_path) -> None:
        """A task seen by two searches is answered once, as the later one saw it."""
        source = Launchpad([Bug(1, tasks=(task(1),))])
        recorder = RecordingBugSource(source, tmp_path)
        list(recorder.search_tasks("manila", modified_since=None))
        source.bugs[1] = Bug(1, tasks=(task(1, status="In Progress"),))
        list(recorder.search_tasks("manila", modified_since=T0 - timedelta(days=1)))
        assert list(FileBugSource(tmp_path).search_tasks("manila", modified_since=None)) == [
            task(1, status="In Progress")
        ]

    def test_searches_finished_before_since_are_left_out(self, tmp_path) -> None:
        """Bugs a search saw were updated before it finished, so a later since excludes them."""
        replay = record_bugs(
            tmp_path,
            [Bug(1, tasks=(task(1),))],
            lambda s: list(s.search_tasks("manila", modified_since=None)),
        )
        later = datetime.now(UTC) + timedelta(minutes=1)
        assert list(replay.search_tasks("manila", modified_since=later)) == []

    def test_comments_answer_by_known_date(self, tmp_path) -> None:
        """A recorded check answers in full, or unchanged for a caller who has its date."""
        bugs, comments = (
            [FULL_BUG, Bug(5, date_last_message=T0)],
            {1855391: [FIX_PROPOSED, TRIAGED]},
        )
        calls = RecordingBugSource(Launchpad(bugs, comments), tmp_path)
        assert list(calls.get_bug_comments([1855391, 6], known={})) == [
            FULL_COMMENTS,
            BugComments(6, visible=False),
        ]
        (call,) = read_manifest(tmp_path).calls
        assert (call.file, call.ids, call.records) == (
            "001-launchpad-get_bug_comments.jsonl",
            (1855391, 6),
            2,
        )
        replay = FileBugSource(tmp_path)
        assert list(replay.get_bug_comments([1855391], known={})) == [FULL_COMMENTS]
        last = FULL_COMMENTS.date_last_message
        assert last is not None
        assert list(replay.get_bug_comments([1855391, 6], known={1855391: last})) == [
            BugComments(1855391, last),
            BugComments(6, visible=False),
        ]
        [filtered] = replay.get_bug_comments([1855391], known={}, pattern=GERRIT)
        assert filtered.messages == (FIX_PROPOSED,)
        with pytest.raises(NotRecordedError, match="the comments of bug 5 are not in the"):
            list(replay.get_bug_comments([5], known={}))

    def test_comments_not_read_cannot_seed_a_fresher_database(self, tmp_path) -> None:
        """A check that found nothing new (not fetched) cannot answer a caller without them."""
        last = FULL_COMMENTS.date_last_message
        assert last is not None
        calls = RecordingBugSource(Launchpad([FULL_BUG]), tmp_path)
        assert list(calls.get_bug_comments([1855391], known={1855391: last})) == [
            BugComments(1855391, last)
        ]
        replay = FileBugSource(tmp_path)
        with pytest.raises(NotRecordedError, match=r"up to 2021-03-01 11:00:00.* were not read"):
            list(replay.get_bug_comments([1855391], known={}))

    def test_incomplete_calls_are_ignored(self, tmp_path) -> None:
        """Records of a call that did not finish do not answer."""
        recorder = RecordingBugSource(Launchpad([Bug(1), Bug(2)]), tmp_path)
        found = recorder.get_bugs([1, 2])
        next(found)
        found.close()
        with pytest.raises(NotRecordedError, match="bug 1 is not in the recording"):
            list(FileBugSource(tmp_path).get_bugs([1]))


class TestFileChangeSource:
    """Replayed Gerrit answers: changes by number, polls by project and time."""

    def test_get_changes(self, tmp_path) -> None:
        """Recorded changes in the order given; missing upstream skipped; never asked raises."""
        recorder = RecordingChangeSource(Gerrit([change(1), change(2)]), tmp_path)
        list(recorder.get_changes([1, 2, 3]))
        replay = FileChangeSource(tmp_path)
        assert list(replay.get_changes([3, 2, 1, 2])) == [change(2), change(1)]
        with pytest.raises(NotRecordedError, match="change 4 is not in the recording"):
            list(replay.get_changes([4]))
        with pytest.raises(ValueError, match="batch must be positive"):
            replay.get_changes([1], batch=0)

    def test_poll_filters_on_project_and_time(self, tmp_path) -> None:
        """Changes of the asked projects updated at or after since (to the second), newest first."""
        hour = timedelta(hours=1)
        changes = [
            change(1, updated=T0),
            change(2, updated=T0 + hour),
            change(3, "openstack/manila-ui", T0 + 2 * hour),
            change(4, "openstack/nova", T0 + 3 * hour),
        ]
        recorder = RecordingChangeSource(Gerrit(changes), tmp_path)
        polled = ["openstack/manila", "openstack/manila-ui"]
        list(recorder.changes_updated_since(polled, T0 - hour))
        list(recorder.get_changes([4]))
        replay = FileChangeSource(tmp_path)
        since = T0 + timedelta(microseconds=500)
        assert list(replay.changes_updated_since(polled, since)) == changes[2::-1]
        assert list(replay.changes_updated_since(["openstack/manila"], T0 + hour)) == [changes[1]]
        assert list(replay.changes_updated_since([], T0)) == []
        with pytest.raises(NotRecordedError, match=r"project\(s\) openstack/nova"):
            list(replay.changes_updated_since(["openstack/manila", "openstack/nova"], T0))
        with pytest.raises(NotRecordedError, match="reaches back to 2021-03-01 10:00:00"):
            list(replay.changes_updated_since(polled, T0 - 2 * hour))
        with pytest.raises(ValueError, match="timezone-aware"):
            replay.changes_updated_since(polled, datetime(2021, 3, 1))  # noqa: DTZ001

    def test_latest_record_wins(self, tmp_path) -> None:
        """A change seen twice is answered as last seen; one not found later is dropped."""
        source = Gerrit([change(1), change(2)])
        recorder = RecordingChangeSource(source, tmp_path)
        list(recorder.get_changes([1, 2]))
        moved = dataclasses.replace(change(1), status=ChangeStatus.MERGED)
        source.changes = {1: moved}
        list(recorder.get_changes([1, 2]))
        assert list(FileChangeSource(tmp_path).get_changes([1, 2])) == [moved]


class TestCorruptRecordings:
    """A recording that cannot be read is an InputError at construction."""

    def test_missing_directory(self, tmp_path) -> None:
        """The directory must exist."""
        with pytest.raises(InputError, match="no such recording directory"):
            FileChangeSource(tmp_path / "missing")

    def test_no_manifest(self, tmp_path) -> None:
        """The directory must hold a manifest."""
        with pytest.raises(InputError, match=r"not a syncsvc recording \(no manifest.json\)"):
            FileBugSource(tmp_path)

    def test_other_format_version(self, tmp_path) -> None:
        """A manifest of another format version is refused."""
        list(RecordingChangeSource(Gerrit([change(1)]), tmp_path).get_changes([1]))
        manifest = json.loads((tmp_path / "manifest.json").read_text())
        (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "version": 1}))
        with pytest.raises(InputError, match="not 'syncsvc-replay' version 2"):
            FileChangeSource(tmp_path)

    def test_file_outside_the_directory(self, tmp_path) -> None:
        """A manifest naming a path instead of a recording file name is refused."""
        list(RecordingChangeSource(Gerrit([change(1)]), tmp_path).get_changes([1]))
        text = (tmp_path / "manifest.json").read_text()
        (tmp_path / "manifest.json").write_text(
            text.replace("001-gerrit-get_changes.jsonl", "../../etc/passwd")
        )
        with pytest.raises(InputError, match=r"not a recording file name: '\.\./\.\./etc/passwd'"):
            FileChangeSource(tmp_path)

    def test_bad_record_names_file_and_line(self, tmp_path) -> None:
        """A record of the wrong shape is reported with its file and line."""
        list(RecordingChangeSource(Gerrit([change(1), change(2)]), tmp_path).get_changes([1, 2]))
        path = tmp_path / "001-gerrit-get_changes.jsonl"
        first, second = path.read_text().splitlines()
        path.write_text(first + "\n" + second.replace('"NEW"', '"DRAFT"') + "\n")
        with pytest.raises(InputError, match=r"get_changes.jsonl:2: record.status: not a"):
            FileChangeSource(tmp_path)
