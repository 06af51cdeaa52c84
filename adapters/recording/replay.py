"""Record what the sync sources yield, and replay it later with no network.

``syncsvc sync --save-to DIR`` wraps the real adapters in
:class:`RecordingBugSource`/:class:`RecordingChangeSource`: every record the
engine pulls through them is also written to DIR. ``--from-file DIR`` syncs from
:class:`FileBugSource`/:class:`FileChangeSource`, which answer the same
protocols from those files (github-to-sqlite's ``--load``, with typed records).

A recording directory holds one JSON Lines file per source call and a manifest::

    manifest.json                       format, version, sources, and the calls below
    001-gerrit-get_changes.jsonl        one Change per line
    002-gerrit-changes_updated_since.jsonl
    003-launchpad-get_bugs.jsonl        one Bug (with its tasks) per line
    004-launchpad-get_bug_comments.jsonl  one BugComments (with its messages) per line
    005-launchpad-search_tasks.jsonl    one BugTask per line

Each manifest call (:class:`~syncsvc.adapters.recording.manifest.RecordedCall`, see
:mod:`syncsvc.adapters.recording.manifest`) names its file, method, arguments
(``ids``, ``projects``, ``since``, ``tags``), start and finish time, record
count and whether it was read to the end (``complete``). Records
are the :mod:`syncsvc.domain` dataclasses with every field, nested ``Account``/
``Footers``/``BugTask``/``BugMessage`` as objects, tuples as arrays and datetimes as ISO 8601
with their offset. Incomplete calls (a remote failure, an iteration stopped
early) are kept for debugging and ignored on replay.

Replay answers a call from every complete recorded call of that source, the
latest record of an artifact winning. It refuses, with :class:`NotRecordedError`
(a RemoteError, so the engine fails that scope only), what the recording cannot
answer: a bug or change id that was never asked for, a poll that reaches
further back than any recorded poll of the project, or bug comments newer than
the database has that the recording did not read. A recording made into a
fresh database or with ``--full`` answers a first sync of a fresh database.
Not thread-safe: one process records into a directory at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from syncsvc.adapters.recording.codec import (
    JSONObject,
    RecordFormatError,
    T,
    bug_from_json,
    change_from_json,
    comments_from_json,
    record_to_json,
    task_from_json,
)
from syncsvc.adapters.recording.manifest import (
    MANIFEST,
    CallMethod,
    Manifest,
    NotRecordedError,
    RecordedCall,
    read_manifest,
    unwritable,
    write_manifest,
)
from syncsvc.domain import Bug, BugComments, BugTask, Change, SourceName
from syncsvc.errors import InputError
from syncsvc.sync.ports import BugSource, ChangeSource

__all__ = [
    "FileBugSource",
    "FileChangeSource",
    "NotRecordedError",
    "RecordFormatError",
    "RecordingBugSource",
    "RecordingChangeSource",
    "bug_from_json",
    "change_from_json",
    "comments_from_json",
    "read_manifest",
    "record_to_json",
    "start_recording",
    "task_from_json",
]


def start_recording(directory: Path | str) -> Path:
    """Make ``directory`` (created if needed) hold an empty recording and return it.

    The files of an earlier recording there are removed; other files are kept.
    Raises InputError when the directory cannot be written or holds a
    ``manifest.json`` that is not a recording (it is not overwritten).
    """
    path = Path(directory)
    old = read_manifest(path) if (path / MANIFEST).exists() else None
    try:
        path.mkdir(parents=True, exist_ok=True)
        for call in old.calls if old else ():
            (path / call.file).unlink(missing_ok=True)
        write_manifest(path, Manifest(datetime.now(UTC)))
    except OSError as exc:
        raise unwritable(path, exc) from exc
    return path


# --- recording --------------------------------------------------------------------------


class _Recorder:
    """Appends one source's calls to the recording in ``directory`` (shared with others)."""

    def __init__(self, directory: Path, source: SourceName) -> None:
        self.directory = directory
        try:
            directory.mkdir(parents=True, exist_ok=True)
            exists = (directory / MANIFEST).exists()
            manifest = read_manifest(directory) if exists else Manifest(datetime.now(UTC))
            manifest = replace(manifest, sources=tuple(sorted({*manifest.sources, source})))
            write_manifest(directory, manifest)
        except OSError as exc:
            raise unwritable(directory, exc) from exc

    def tee(
        self, call: RecordedCall, records: Iterator[T], encode: Callable[[T], JSONObject]
    ) -> Iterator[T]:
        """Yield ``records`` and write each to the call's file; list the call in the manifest.

        ``call.file`` is a placeholder: the name is chosen when iteration starts.
        """
        index, call = self._open(call)
        count, error = 0, "stopped before the end"
        try:
            with self._writer(call.file) as write:
                for record in records:
                    write(json.dumps(encode(record), ensure_ascii=False) + "\n")
                    count += 1
                    yield record
            error = ""
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):
                error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self._close(index, count, error)

    @contextmanager
    def _writer(self, name: str) -> Iterator[Callable[[str], object]]:
        """A line writer for ``name``; an OSError of the file (not of the caller) is InputError."""
        try:
            out = (self.directory / name).open("w", encoding="utf-8")
        except OSError as exc:
            raise unwritable(self.directory, exc) from exc

        def write(line: str) -> object:
            try:
                return out.write(line)
            except OSError as exc:
                raise unwritable(self.directory, exc) from exc

        with out:
            yield write

    def _update(self, change: Callable[[Manifest], Manifest]) -> Manifest:
        try:
            manifest = change(read_manifest(self.directory))
            write_manifest(self.directory, manifest)
        except OSError as exc:
            raise unwritable(self.directory, exc) from exc
        return manifest

    def _open(self, call: RecordedCall) -> tuple[int, RecordedCall]:
        opened: list[RecordedCall] = []

        def add(manifest: Manifest) -> Manifest:
            index = len(manifest.calls) + 1
            name = f"{index:03d}-{call.source}-{call.method}.jsonl"
            opened.append(replace(call, file=name, started=datetime.now(UTC)))
            return replace(manifest, calls=(*manifest.calls, opened[0]))

        manifest = self._update(add)
        return len(manifest.calls) - 1, opened[0]

    def _close(self, index: int, count: int, error: str) -> None:
        def finish(manifest: Manifest) -> Manifest:
            calls = list(manifest.calls)
            calls[index] = replace(
                calls[index],
                finished=datetime.now(UTC),
                records=count,
                complete=not error,
                error=error or None,
            )
            return replace(manifest, calls=tuple(calls))

        self._update(finish)


def _planned(
    method: CallMethod,
    *,
    ids: tuple[int, ...] = (),
    projects: tuple[str, ...] = (),
    since: datetime | None = None,
    tags: tuple[str, ...] = (),
) -> RecordedCall:
    """A call about to be made; its file name and start time are set when it starts."""
    return RecordedCall(
        "", method, datetime.now(UTC), ids=ids, projects=projects, since=since, tags=tags
    )


class RecordingBugSource:
    """A :class:`BugSource` that yields ``inner``'s records and writes them to ``directory``.

    Errors are ``inner``'s, plus InputError when the recording cannot be written.
    """

    def __init__(self, inner: BugSource, directory: Path | str) -> None:
        self._inner = inner
        self._recorder = _Recorder(Path(directory), SourceName.LAUNCHPAD)

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        """``inner.get_bugs(ids)``, recorded with the ids asked for."""
        wanted = tuple(ids)
        call = _planned(CallMethod.GET_BUGS, ids=wanted)
        return self._recorder.tee(call, self._inner.get_bugs(wanted), record_to_json)

    def search_tasks(
        self, project: str, *, modified_since: datetime | None, tags: Sequence[str] = ()
    ) -> Iterator[BugTask]:
        """``inner.search_tasks(...)``, recorded with its project, time and tags."""
        found = self._inner.search_tasks(project, modified_since=modified_since, tags=tags)
        call = _planned(
            CallMethod.SEARCH_TASKS, projects=(project,), since=modified_since, tags=tuple(tags)
        )
        return self._recorder.tee(call, found, record_to_json)

    def get_bug_comments(
        self,
        ids: Iterable[int],
        *,
        known: Mapping[int, datetime],
        pattern: re.Pattern[str] | None = None,
    ) -> Iterator[BugComments]:
        """``inner.get_bug_comments(...)``, recorded with the ids asked for."""
        wanted = tuple(ids)
        found = self._inner.get_bug_comments(wanted, known=known, pattern=pattern)
        call = _planned(CallMethod.GET_BUG_COMMENTS, ids=wanted)
        return self._recorder.tee(call, found, record_to_json)


class RecordingChangeSource:
    """A :class:`ChangeSource` that yields ``inner``'s records and writes them to ``directory``."""

    def __init__(self, inner: ChangeSource, directory: Path | str) -> None:
        self._inner = inner
        self._recorder = _Recorder(Path(directory), SourceName.GERRIT)

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[Change]:
        """``inner.get_changes(...)``, recorded with the numbers asked for."""
        wanted = tuple(numbers)
        call = _planned(CallMethod.GET_CHANGES, ids=wanted)
        found = self._inner.get_changes(wanted, batch=batch)
        return self._recorder.tee(call, found, record_to_json)

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        """``inner.changes_updated_since(...)``, recorded with its projects and time."""
        found = self._inner.changes_updated_since(projects, since)
        call = _planned(CallMethod.CHANGES_UPDATED_SINCE, projects=tuple(projects), since=since)
        return self._recorder.tee(call, found, record_to_json)


# --- replay -----------------------------------------------------------------------------


def _load(directory: Path, source: SourceName) -> list[tuple[RecordedCall, list[object]]]:
    """The parsed JSON lines of each complete recorded call to ``source``."""
    manifest = read_manifest(directory)
    if source not in manifest.sources:
        raise InputError(
            f"{directory}: the recording has no {source} data",
            hint="record with --source all, or replay with --source naming a recorded one",
        )
    loaded = []
    for call in manifest.complete_calls(source):
        file = directory / call.file
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"{file}: cannot read the recording: {exc.strerror}") from exc
        if len(lines) != call.records:
            raise InputError(f"{file}: {len(lines)} records, the manifest says {call.records}")
        values: list[object] = []
        for number, line in enumerate(lines, 1):
            try:
                values.append(json.loads(line))
            except ValueError as exc:
                raise InputError(f"{file}:{number}: not JSON: {exc}") from exc
        loaded.append((call, values))
    return loaded


def _decoded(
    directory: Path, call: RecordedCall, values: list[object], decode: Callable[[object, str], T]
) -> list[T]:
    records = []
    for number, value in enumerate(values, 1):
        try:
            records.append(decode(value, "record"))
        except RecordFormatError as exc:
            raise InputError(f"{directory / call.file}:{number}: {exc}") from exc
    return records


def _reaches(recorded: datetime | None, asked: datetime | None) -> bool:
    """Whether a search from ``recorded`` returned all a search from ``asked`` would."""
    return recorded is None or (asked is not None and recorded <= asked)


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


class FileBugSource:
    """A :class:`BugSource` answering from a recording; contacts no host.

    ``get_bugs`` yields the latest recorded bug per id, in the order given.
    ``search_tasks`` needs a recorded search of the same project and tags whose
    ``modified_since`` is the same or earlier (``None`` reaches back to the
    start); it yields the latest recorded state of each task of those searches,
    ordered by bug id. Task records carry no bug modification time, so searches
    that finished at or before ``modified_since`` (whose bugs were all last
    updated before it) are left out and the rest is answered whole; the engine
    upserts, so a task that did not change is counted unchanged.
    ``get_bug_comments`` answers from the latest recorded check of each bug:
    not ``fetched`` when its ``date_last_message`` is not later than ``known``,
    else the recorded comments read at that date (``pattern`` applied again).
    Raises InputError at construction for a missing or corrupt recording, and
    NotRecordedError while iterating for what the recording cannot answer.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._bugs: dict[int, Bug] = {}
        self._checks: dict[int, BugComments] = {}
        self._read: dict[int, BugComments] = {}
        self._searches: list[tuple[RecordedCall, list[BugTask]]] = []
        for call, values in _load(self.directory, SourceName.LAUNCHPAD):
            if call.method is CallMethod.GET_BUGS:
                for bug in _decoded(self.directory, call, values, bug_from_json):
                    self._bugs[bug.bug_id] = bug
            elif call.method is CallMethod.GET_BUG_COMMENTS:
                for check in _decoded(self.directory, call, values, comments_from_json):
                    self._checks[check.bug_id] = check
                    if check.fetched:
                        self._read[check.bug_id] = check
            else:
                tasks = _decoded(self.directory, call, values, task_from_json)
                self._searches.append((call, tasks))

    def __repr__(self) -> str:
        return f"FileBugSource({str(self.directory)!r})"

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        """Yield each recorded bug, duplicates skipped; NotRecordedError for one never fetched."""
        return self._get_bugs(_unique(ids))

    def _get_bugs(self, ids: list[int]) -> Iterator[Bug]:
        for bug_id in ids:
            if bug_id not in self._bugs:
                raise NotRecordedError(f"bug {bug_id} is not in the recording {self.directory}")
            yield self._bugs[bug_id]

    def get_bug_comments(
        self,
        ids: Iterable[int],
        *,
        known: Mapping[int, datetime],
        pattern: re.Pattern[str] | None = None,
    ) -> Iterator[BugComments]:
        """Yield each bug's recorded comment check (see the class docstring)."""
        return self._get_comments(_unique(ids), dict(known), pattern)

    def _get_comments(
        self, ids: list[int], known: dict[int, datetime], pattern: re.Pattern[str] | None
    ) -> Iterator[BugComments]:
        for bug_id in ids:
            check = self._checks.get(bug_id)
            if check is None:
                raise NotRecordedError(
                    f"the comments of bug {bug_id} are not in the recording {self.directory}"
                )
            last, synced = check.date_last_message, known.get(bug_id)
            if not check.visible or last is None or (synced is not None and last <= synced):
                yield replace(check, messages=(), fetched=False)
                continue
            read = self._read.get(bug_id)
            if read is None or read.date_last_message != last:
                raise NotRecordedError(
                    f"the comments of bug {bug_id} up to {last:%Y-%m-%d %H:%M:%S%z} were not "
                    f"read in the recording {self.directory}"
                )
            yield replace(
                read,
                messages=tuple(
                    m
                    for m in read.messages
                    if pattern is None or pattern.search(m.subject) or pattern.search(m.content)
                ),
            )

    def search_tasks(
        self, project: str, *, modified_since: datetime | None, tags: Sequence[str] = ()
    ) -> Iterator[BugTask]:
        """Yield the recorded tasks of ``project`` (see the class docstring)."""
        return self._search(project, modified_since, tuple(tags))

    def _search(
        self, project: str, since: datetime | None, tags: tuple[str, ...]
    ) -> Iterator[BugTask]:
        searches = [
            (c, t) for c, t in self._searches if c.projects == (project,) and c.tags == tags
        ]
        if not any(_reaches(call.since, since) for call, _ in searches):
            when = "the start" if since is None else f"{since:%Y-%m-%d %H:%M:%S%z}"
            raise NotRecordedError(
                f"no search of Launchpad project {project} in the recording {self.directory} "
                f"reaches back to {when}"
            )
        latest: dict[tuple[int, str], BugTask] = {}
        for call, tasks in searches:
            if since is not None and call.finished is not None and call.finished <= since:
                continue
            for task in tasks:
                latest[(task.bug_id, task.target)] = task
        yield from sorted(latest.values(), key=lambda t: (t.bug_id, t.target))


class FileChangeSource:
    """A :class:`ChangeSource` answering from a recording; contacts no host.

    Every complete recorded call contributes its changes, the latest record of a
    number winning (a number asked for later and not found drops it).
    ``get_changes`` yields them in the order given; a number asked for in the
    recording and not found is skipped, one never asked for raises
    NotRecordedError. ``changes_updated_since`` needs, for each project, a
    recorded poll of it from ``since`` or earlier; it yields the known changes of
    those projects updated at or after ``since`` (to the second, like Gerrit's
    ``after:``), newest first. Raises InputError at construction for a missing
    or corrupt recording.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._latest: dict[int, Change] = {}
        self._asked: set[int] = set()
        self._polls: list[RecordedCall] = []
        for call, values in _load(self.directory, SourceName.GERRIT):
            changes = _decoded(self.directory, call, values, change_from_json)
            self._latest.update((c.number, c) for c in changes)
            if call.method is CallMethod.GET_CHANGES:
                self._asked.update(call.ids)
                for gone in set(call.ids) - {c.number for c in changes}:
                    self._latest.pop(gone, None)
            else:
                self._polls.append(call)

    def __repr__(self) -> str:
        return f"FileChangeSource({str(self.directory)!r})"

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[Change]:
        """Yield the recorded changes with these numbers, each once (see the class docstring)."""
        if batch < 1:
            raise ValueError("batch must be positive")
        return self._get_changes(_unique(numbers))

    def _get_changes(self, numbers: list[int]) -> Iterator[Change]:
        for number in numbers:
            if number in self._latest:
                yield self._latest[number]
            elif number not in self._asked:
                raise NotRecordedError(f"change {number} is not in the recording {self.directory}")

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        """Yield recorded changes of ``projects`` updated at or after ``since``, newest first."""
        if since.tzinfo is None or since.utcoffset() is None:
            raise ValueError("since must be a timezone-aware datetime")
        return self._poll(tuple(projects), since.replace(microsecond=0))

    def _poll(self, projects: tuple[str, ...], since: datetime) -> Iterator[Change]:
        missing = [
            p
            for p in projects
            if not any(p in c.projects and _reaches(c.since, since) for c in self._polls)
        ]
        if missing:
            raise NotRecordedError(
                f"no poll of Gerrit project(s) {', '.join(missing)} in the recording "
                f"{self.directory} reaches back to {since:%Y-%m-%d %H:%M:%S%z}"
            )
        wanted = set(projects)
        found = [c for c in self._latest.values() if c.project in wanted and c.updated >= since]
        yield from sorted(found, key=lambda c: (c.updated, c.number), reverse=True)
