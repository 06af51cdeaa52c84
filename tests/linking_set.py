"""The linking set: real commitments, real history, hand labels.

Plain JSON in, plain frozen records out: nothing here imports the project, so
the data can be read (and validated) whatever the project's modules look like.
``tests/linking_runs.py`` turns the records into domain objects.

The commitments, labels and identity map are in the repository
(tests/data/linking). The history (the change and bug records, extracted from
fetched git history) is not: it is read from :data:`HISTORY_DIR`, the
``SYNCSVC_LINKING_HISTORY`` environment variable or else ``shared/linking``
beside the repository, and rebuilt with the scripts in tests/data/linking.
See tests/data/linking/README.md for the sources, the fields and the rules.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "linking"
HISTORY_ENV = "SYNCSVC_LINKING_HISTORY"
#: The folder of the shared data, beside the repository (never inside it).
SHARED_HISTORY_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "linking"
TEAMS = ("manila", "cinder", "watcher", "glance")
HISTORY_FILES = (*(f"{team}-changes.json" for team in TEAMS), "bugs.json")
#: Synthetic Gerrit numbers start here, far above any real one (git has no numbers).
SYNTHETIC_BASE = 10_000_000
SYNTHETIC_SPAN = 80_000_000


@dataclass(frozen=True, slots=True)
class Commitment:
    """One action item: where it was said, its words and owners (IRC nicks)."""

    id: str
    team: str
    event: str
    day: str | None
    topic: str
    text: str
    owners: tuple[str, ...]
    due: str | None
    refs: tuple[tuple[str, str, str], ...]  # (kind, id, url) as the parser read them
    topic_refs: tuple[tuple[str, str, str], ...]
    source: str  # "summary", "summary-excerpt", "wiki-excerpt" or "reconstructed"


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One merged change as read from git; ``number`` is real only when ``real_number``."""

    change_id: str
    number: int
    real_number: bool
    team: str
    project: str
    branch: str
    status: str
    subject: str
    message: str
    author_name: str
    author_email: str
    authored: str
    merged: str
    files: tuple[str, ...]
    footers: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class BugRecord:
    """A bug named by a footer; ``title_source`` says whether the title is real."""

    bug_id: int
    team: str
    project: str
    title: str
    title_source: str
    status: str
    last_updated: str
    changes: tuple[tuple[str, str], ...]  # (change_id, relation)


@dataclass(frozen=True, slots=True)
class Label:
    """The hand label of one commitment."""

    positives: tuple[str, ...]
    hard_negatives: tuple[tuple[str, str], ...]  # (change_id, reason)
    note: str


@dataclass(frozen=True, slots=True)
class LabelSet:
    """What the repository holds: the commitments, their labels and the identity map."""

    commitments: tuple[Commitment, ...]
    labels: dict[str, Label]
    held_back: frozenset[str]
    identities: tuple[dict[str, str], ...]
    event_starts: dict[str, str]  # event name -> first day

    def split(self, commitment_id: str) -> str:
        """``held-back`` or ``tuning``."""
        return "held-back" if commitment_id in self.held_back else "tuning"


class HistoryMissingError(FileNotFoundError):
    """The change and bug records are not where :func:`history_dir` looks."""


def history_dir() -> Path:
    """Where the history is read from: ``$SYNCSVC_LINKING_HISTORY`` or ``shared/linking``
    beside the repository."""
    configured = os.environ.get(HISTORY_ENV)
    return Path(configured) if configured else SHARED_HISTORY_DIR


def history_available(folder: Path | None = None) -> bool:
    """Whether every history file is in ``folder`` (default :func:`history_dir`)."""
    where = folder or history_dir()
    return all((where / name).is_file() for name in HISTORY_FILES)


#: Read once at import; tests and the benchmark may pass another folder to :func:`load`.
HISTORY_DIR = history_dir()


@dataclass(frozen=True, slots=True)
class LinkingSet:
    """The labelled commitments with the history they are scored against."""

    commitments: tuple[Commitment, ...]
    changes: tuple[ChangeRecord, ...]
    bugs: tuple[BugRecord, ...]
    labels: dict[str, Label]
    held_back: frozenset[str]
    identities: tuple[dict[str, str], ...]
    event_starts: dict[str, str]  # event name -> first day
    team_projects: dict[str, tuple[str, ...]]

    def split(self, commitment_id: str) -> str:
        """``held-back`` or ``tuning``."""
        return "held-back" if commitment_id in self.held_back else "tuning"


def synthetic_number(change_id: str, taken: set[int] | None = None) -> int:
    """A stable stand-in for the Gerrit number, from the Change-Id's first hex digits.

    With ``taken`` (the numbers given so far, updated here), a number already given
    moves to the next free one: a few real Change-Ids were written by hand and share
    their first digits. Records are read in a fixed order, so the result is stable.
    """
    digits = change_id[1:9] if change_id.startswith("I") else change_id[-8:]
    number = SYNTHETIC_BASE + int(digits, 16) % SYNTHETIC_SPAN
    if taken is not None:
        while number in taken:
            number += 1
        taken.add(number)
    return number


def _read(name: str, folder: Path) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _refs(items: list[dict[str, str]]) -> tuple[tuple[str, str, str], ...]:
    return tuple((r["kind"], r["id"], r["url"]) for r in items)


def load_labels(folder: Path = DATA_DIR) -> LabelSet:
    """Read the commitments, labels and identity map (all in the repository)."""
    commitments: list[Commitment] = []
    event_starts: dict[str, str] = {}
    for team in TEAMS:
        doc = _read(f"{team}-commitments.json", folder)
        if "events" in doc:
            event_starts.update(doc["events"])
        else:
            event_starts[doc["event"]] = doc["event_start"]
        commitments += [
            Commitment(
                id=c["id"],
                team=c["team"],
                event=c["event"],
                day=c["day"],
                topic=c["topic"],
                text=c["text"],
                owners=tuple(c["owners"]),
                due=c["due"],
                refs=_refs(c["refs"]),
                topic_refs=_refs(c["topic_refs"]),
                source=c["source"],
            )
            for c in doc["commitments"]
        ]
    raw = _read("labels.json", folder)
    labels = {
        key: Label(
            positives=tuple(v["positives"]),
            hard_negatives=tuple((n["change_id"], n["reason"]) for n in v["hard_negatives"]),
            note=v["note"],
        )
        for key, v in raw["labels"].items()
    }
    return LabelSet(
        commitments=tuple(commitments),
        labels=labels,
        held_back=frozenset(raw["held_back"]),
        identities=tuple(_read("identities.json", folder)["identities"]),
        event_starts=event_starts,
    )


def load(folder: Path = DATA_DIR, history: Path | None = None) -> LinkingSet:
    """Read the labels from ``folder`` and the history from ``history`` (default
    :data:`HISTORY_DIR`); :class:`HistoryMissingError` says how to get it when it is absent."""
    where = history or HISTORY_DIR
    if not history_available(where):
        missing = [name for name in HISTORY_FILES if not (where / name).is_file()]
        raise HistoryMissingError(
            f"linking set history not found in {where} (missing {', '.join(missing)}):"
            f" set {HISTORY_ENV} to the folder holding {', '.join(HISTORY_FILES)},"
            " or rebuild them with the scripts in tests/data/linking (see its README.md)"
        )
    labelled = load_labels(folder)
    changes: list[ChangeRecord] = []
    team_projects: dict[str, tuple[str, ...]] = {}
    numbers: set[int] = set()
    for team in TEAMS:
        history_doc = _read(f"{team}-changes.json", where)
        team_projects[team] = tuple(sorted({c["project"] for c in history_doc["changes"]}))
        changes += [
            ChangeRecord(
                change_id=c["change_id"],
                number=c.get("number") or synthetic_number(c["change_id"], numbers),
                real_number="number" in c,
                team=team,
                project=c["project"],
                branch=c["branch"],
                status=c["status"],
                subject=c["subject"],
                message=c["message"],
                author_name=c["author"]["name"],
                author_email=c["author"]["email"],
                authored=c["authored"],
                merged=c["merged"],
                files=tuple(c["files"]),
                footers={k: tuple(v) for k, v in c["footers"].items()},
            )
            for c in history_doc["changes"]
        ]
    bugs = tuple(
        BugRecord(
            bug_id=b["bug_id"],
            team=b["team"],
            project=b["project"],
            title=b["title"],
            title_source=b["title_source"],
            status=b["status"],
            last_updated=b["last_updated"],
            changes=tuple((c["change_id"], c["relation"]) for c in b["changes"]),
        )
        for b in _read("bugs.json", where)["bugs"]
    )
    return LinkingSet(
        commitments=labelled.commitments,
        changes=tuple(changes),
        bugs=bugs,
        labels=labelled.labels,
        held_back=labelled.held_back,
        identities=labelled.identities,
        event_starts=labelled.event_starts,
        team_projects=team_projects,
    )


def load_or_explain() -> LinkingSet | None:
    """The linking set, or ``None`` after saying on stderr how to get its history (the
    benchmarks then exit with status 2)."""
    try:
        return load()
    except HistoryMissingError as error:
        sys.stderr.write(f"{error}\n")
        return None
