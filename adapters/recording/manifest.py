"""The table of contents of a sync recording (see :mod:`syncsvc.adapters.recording.replay`).

A recording's ``manifest.json`` names the format and version, the sources it
wraps and one :class:`RecordedCall` per source call. Reading it is strict: any
other shape is an InputError naming the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from syncsvc.adapters.recording.codec import (
    JSONObject,
    RecordFormatError,
    decode_as,
    fields_to_json,
)
from syncsvc.domain import SourceName
from syncsvc.errors import InputError, RemoteError

FORMAT: Final = "syncsvc-replay"
VERSION: Final = 2  # 2: bugs carry date_last_message and message_count; get_bug_comments
MANIFEST: Final = "manifest.json"
RECORD_HINT: Final = "record one with `syncsvc sync --full --save-to DIR`"
_CALL_FILE = re.compile(r"\d{3,}-(launchpad|gerrit)-[a-z_]+\.jsonl")


class CallMethod(StrEnum):
    """A protocol method whose results a recording keeps."""

    GET_BUGS = "get_bugs"
    GET_BUG_COMMENTS = "get_bug_comments"
    SEARCH_TASKS = "search_tasks"
    GET_CHANGES = "get_changes"
    CHANGES_UPDATED_SINCE = "changes_updated_since"


_SOURCE_OF = {
    CallMethod.GET_BUGS: SourceName.LAUNCHPAD,
    CallMethod.GET_BUG_COMMENTS: SourceName.LAUNCHPAD,
    CallMethod.SEARCH_TASKS: SourceName.LAUNCHPAD,
    CallMethod.GET_CHANGES: SourceName.GERRIT,
    CallMethod.CHANGES_UPDATED_SINCE: SourceName.GERRIT,
}


class NotRecordedError(RemoteError):
    """The recording holds no answer to what the engine asked (a replay gap).

    The advice is part of the message: the engine reports a scope's error text only.
    """

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}; {RECORD_HINT}")


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One source call as the manifest lists it.

    ``ids`` are the bug ids (also of a comment check) or change numbers asked for;
    ``projects`` the searched
    project (``search_tasks``) or polled projects; ``since`` the ``modified_since``
    or ``since`` argument; ``tags`` the search's tags.
    """

    file: str
    method: CallMethod
    started: datetime
    finished: datetime | None = None
    records: int = 0
    complete: bool = False
    error: str | None = None
    ids: tuple[int, ...] = ()
    projects: tuple[str, ...] = ()
    since: datetime | None = None
    tags: tuple[str, ...] = ()

    @property
    def source(self) -> SourceName:
        """The service the call went to."""
        return _SOURCE_OF[self.method]


@dataclass(frozen=True, slots=True)
class Manifest:
    """A recording's table of contents: when it began, which sources it wraps, its calls."""

    created: datetime
    sources: tuple[SourceName, ...] = ()
    calls: tuple[RecordedCall, ...] = ()

    def complete_calls(self, source: SourceName) -> list[RecordedCall]:
        """The calls to ``source`` that were read to the end, in recording order."""
        return [c for c in self.calls if c.source is source and c.complete]


# --- records <-> JSON -------------------------------------------------------------------


def _manifest_to_json(manifest: Manifest) -> JSONObject:
    return {"format": FORMAT, "version": VERSION, **fields_to_json(manifest)}


def _manifest_from_json(value: object) -> Manifest:
    if not isinstance(value, dict) or (value.get("format"), value.get("version")) != (
        FORMAT,
        VERSION,
    ):
        raise RecordFormatError(f"not {FORMAT!r} version {VERSION}")
    fields = {k: v for k, v in value.items() if k not in ("format", "version")}
    manifest = decode_as(Manifest, fields, "manifest")
    bad = [c.file for c in manifest.calls if not _CALL_FILE.fullmatch(c.file)]
    if bad:
        raise RecordFormatError(f"not a recording file name: {bad[0]!r}")
    return manifest


def read_manifest(directory: Path | str) -> Manifest:
    """The manifest of the recording in ``directory``.

    Raises InputError (one line) when the directory or its manifest is missing,
    unreadable, not JSON or not a recording this version reads.
    """
    path = Path(directory)
    if not path.is_dir():
        raise InputError(f"{path}: no such recording directory", hint=RECORD_HINT)
    file = path / MANIFEST
    if not file.is_file():
        raise InputError(f"{path}: not a syncsvc recording (no {MANIFEST})", hint=RECORD_HINT)
    try:
        return _manifest_from_json(json.loads(file.read_text(encoding="utf-8")))
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror}") from exc
    except (ValueError, RecordFormatError) as exc:  # JSONDecodeError is a ValueError
        raise InputError(f"{file}: not a usable recording manifest: {exc}") from exc


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically, so a reader never sees half of it."""
    data = _manifest_to_json(manifest)
    calls = data.pop("calls")
    assert isinstance(calls, list)
    # One call per line: readable, and diffable between two recordings.
    head = json.dumps(data, ensure_ascii=False)[:-1]
    lines = ",\n ".join(json.dumps(c, ensure_ascii=False) for c in calls)
    temporary = directory / f".{MANIFEST}.tmp"
    temporary.write_text(f'{head}, "calls": [\n {lines}\n]}}\n', "utf-8")
    temporary.replace(directory / MANIFEST)


def unwritable(directory: Path, exc: OSError) -> InputError:
    return InputError(f"{directory}: cannot write the recording: {exc.strerror or exc}")
