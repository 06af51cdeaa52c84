"""What moved since the last meeting: group commitments by their movements.

Pure: the caller loads actions, links, states and artifact history, and this
module decides which group each commitment belongs to and renders the plain
formats (IRC lines, Markdown). ``resolve_since`` turns ``--since`` into a time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from operator import attrgetter
from typing import NamedTuple, Protocol

from syncsvc import escape
from syncsvc.domain import ArtifactKey, CommitmentState, LinkStatus
from syncsvc.domain.blueprints import blueprint_url
from syncsvc.domain.sync import HistoryEvent
from syncsvc.errors import ConfigError
from syncsvc.report.limits import IRC_MAX_BYTES, IRC_MAX_LINES

LINKS_PER_ITEM = 2
GERRIT_WEB = "https://review.opendev.org"
LAUNCHPAD_BUGS = "https://bugs.launchpad.net/bugs"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^(?P<n>\d{1,4})(?P<unit>[hdw])$")
#: An artifact key (``ArtifactKey.parse``'s grammar): ``change:N``, ``bug:N[/target]``.
_ARTIFACT_KEY = re.compile(r"(?P<kind>bug|change):(?P<number>[0-9]+)(?:/(?P<target>.+))?")


class Group(StrEnum):
    """Status groups, in the order they are shown."""

    COMPLETED = "completed"
    PROGRESSED = "progressed"
    NEWLY_LINKED = "newly_linked"
    STALLED = "stalled"
    NOT_STARTED = "not_started"


class ActionFacts(Protocol):
    """What :func:`build_status` reads of a commitment (a ``StoredAction`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def owners(self) -> tuple[str, ...]: ...
    @property
    def day(self) -> date | None: ...


class LinkFacts(Protocol):
    """What :func:`build_status` reads of a link (a ``Link`` has it)."""

    @property
    def action_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...  # a LinkStatus value


class Movement(NamedTuple):
    """One observed change of a linked artifact: ``change:745206`` became ``MERGED``.

    A named tuple, not a frozen dataclass: a report at 10,000 commitments makes one per
    history row in the window, and a tuple is three times quicker to build.
    """

    artifact: str
    what: str
    at: datetime

    def text(self) -> str:
        """ "change 745206 MERGED 2020-12-10"."""
        return f"{_label(self.artifact)} {self.what} {self.at:%Y-%m-%d}"


class StatusItem(NamedTuple):
    """One commitment in a status report.

    A named tuple, not a frozen dataclass: a report at 10,000 commitments builds one for
    each of thousands of commitments, and a tuple is several times quicker to build.
    """

    id: int
    topic: str
    text: str
    owners: tuple[str, ...]
    state: str
    previous_state: str | None
    movements: tuple[Movement, ...] = ()
    reason: str = ""
    day: date | None = None  #: the day it was committed, for "the oldest"
    links: tuple[str, ...] = ()  #: confirmed linked artifacts: ``change:745206``
    new_links: tuple[str, ...] = ()  #: those of ``links`` made in the window


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Commitments grouped by what moved between ``since`` and ``until``."""

    since: datetime
    until: datetime
    groups: dict[Group, tuple[StatusItem, ...]] = field(default_factory=dict)
    suggested: int = 0  #: links suggested in the window, waiting for review


@dataclass(frozen=True, slots=True)
class MeetingSlot:
    """A weekly meeting: weekday (0 = Monday) and start time in UTC."""

    weekday: int
    start: time

    @classmethod
    def parse(cls, weekday: str, start: str) -> MeetingSlot:
        """From config words: ``("thursday", "15:00")``."""
        day = weekday.strip().lower()
        if day not in _WEEKDAYS:
            raise ConfigError(f"[meeting] weekday must be one of {', '.join(_WEEKDAYS)}")
        try:
            hour, minute = (int(p) for p in start.split(":"))
            return cls(_WEEKDAYS.index(day), time(hour, minute, tzinfo=UTC))
        except ValueError as exc:
            raise ConfigError("[meeting] time must be HH:MM (UTC)") from exc

    def last_before(self, now: datetime) -> datetime:
        """Start of the most recent meeting at or before ``now``."""
        days_back = (now.weekday() - self.weekday) % 7
        candidate = datetime.combine(now.date() - timedelta(days=days_back), self.start)
        return candidate if candidate <= now else candidate - timedelta(days=7)


def resolve_since(
    spec: str, *, now: datetime, last_run: datetime | None, meeting: MeetingSlot | None
) -> datetime:
    """``7d``/``24h``/``2w``, an ISO date or time, ``last-run`` or ``last-meeting``.

    Raises :class:`ConfigError` (a usage error) for anything else, for
    ``last-run`` before any sync, and for ``last-meeting`` without a meeting slot.
    """
    spec = spec.strip().lower()
    if m := _RELATIVE.match(spec):
        unit = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
        return now - int(m["n"]) * unit[m["unit"]]
    if spec == "last-run":
        if last_run is None:
            raise ConfigError("--since last-run: no sync has run on this database yet")
        return last_run
    if spec == "last-meeting":
        if meeting is None:
            raise ConfigError("--since last-meeting needs [meeting] weekday and time in the config")
        return meeting.last_before(now)
    try:
        parsed = datetime.fromisoformat(spec)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(spec), time())
        except ValueError as exc:
            raise ConfigError(
                f"--since {spec!r}: use 7d, 24h, 2w, a date (2020-11-05), last-run or last-meeting"
            ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def describe(event: HistoryEvent) -> str | None:
    """What a history row means in a status line, or ``None`` when it is noise."""
    value = event.new_value or "unset"
    if event.field == "created":  # first seen; its value is the status at that time
        key = ArtifactKey.parse_or_none(event.key)
        return "proposed" if key is not None and key.kind == "change" else "reported"
    if event.field == "status":
        return value
    if event.field == "patch_set":
        return f"patch set {value}"
    if event.field.startswith("vote:"):
        sign = "+" if value.lstrip("-").isdigit() and not value.startswith("-") else ""
        return f"{event.field.removeprefix('vote:')} {sign}{value}"
    if event.field == "assignee":
        return f"assigned to {value}" if event.new_value else "unassigned"
    if event.field == "milestone":
        return f"targeted to {value}"
    return None


def artifact_of(key: str) -> str:
    """``bug:1855391/manila`` → ``bug:1855391``; change keys (and anything that is not
    an artifact key) as they are."""
    # what str(ArtifactKey.parse(key).whole) gives, without building two keys
    match = _ARTIFACT_KEY.fullmatch(key)
    if match is None or (match["kind"] == "change" and match["target"] is not None):
        return key
    return f"{match['kind']}:{int(match['number'])}"


def build_status(
    actions: Sequence[ActionFacts],
    links: Sequence[LinkFacts],
    states: Mapping[int, tuple[str, str]],
    previous: Mapping[int, str | None],
    history: Sequence[HistoryEvent],
    new_links: set[tuple[int, str, str]],
    *,
    since: datetime,
    until: datetime,
) -> StatusReport:
    """Group ``actions`` by what moved in ``[since, until]``.

    ``states`` maps action id → (current state, reason); ``previous`` the state at
    ``since`` (``None``: unknown); ``history`` artifact history rows; ``new_links``
    the (action id, kind, id) of links created in the window. Each action lands in
    at most one group: completed, progressed, newly linked, stalled, not started;
    dropped ones and ones with nothing to report are left out. Order: action id.
    """
    moves = _movements_by_artifact(history, since=since, until=until)
    linked: dict[int, list[str]] = {}
    status_of: dict[tuple[int, str, str], str] = {}
    confirmed = LinkStatus.CONFIRMED
    for link in links:  # suggestions are not the team's work until someone confirms them
        kind, status = str(link.kind), link.status
        status_of[(link.action_id, kind, link.id)] = status
        if status == confirmed:
            linked.setdefault(link.action_id, []).append(f"{kind}:{link.id}")
    new_by_action: dict[int, list[str]] = {}  # one pass, not a scan of new_links per action
    for action_id, kind, ident in sorted(new_links):
        if status_of.get((action_id, kind, ident)) == confirmed:
            new_by_action.setdefault(action_id, []).append(f"{kind}:{ident}")
    suggested = sum(1 for k in new_links if status_of.get(k) == LinkStatus.SUGGESTED)
    groups: dict[Group, list[StatusItem]] = {g: [] for g in Group}
    # a commitment's group: done (and not done at since) completed, else moved
    # progressed, else newly linked, stalled, not started; anything else has nothing to
    # report. Decided inline: this loop runs once per commitment.
    done, stalled = str(CommitmentState.DONE), str(CommitmentState.STALLED)
    dropped, not_started = str(CommitmentState.DROPPED), str(CommitmentState.NOT_STARTED)
    completed, progressed = groups[Group.COMPLETED], groups[Group.PROGRESSED]
    newly_linked, still = groups[Group.NEWLY_LINKED], groups[Group.STALLED]
    waiting = groups[Group.NOT_STARTED]
    no_state = (not_started, "")
    no_links: tuple[str, ...] = ()
    for action in sorted(actions, key=_BY_ID):
        action_id = action.id
        state, reason = states.get(action_id, no_state)
        if state == dropped:  # never reported
            continue
        before = previous.get(action_id)
        artifacts: Sequence[str] = linked.get(action_id, no_links)
        movements: tuple[Movement, ...] = ()
        if artifacts:
            moved = [m for artifact in artifacts if artifact in moves for m in moves[artifact]]
            if moved:
                movements = tuple(sorted(moved, key=_when)) if len(moved) > 1 else (moved[0],)
        new = new_by_action.get(action_id)
        if state == done:
            if before == done:
                continue
            into = completed
        elif movements:
            into = progressed
        elif new is not None:
            into = newly_linked
        elif state == stalled:
            into = still
        elif state == not_started:
            into = waiting
        else:  # nothing to report: no item to build
            continue
        into.append(
            StatusItem(
                action_id,
                action.topic,
                action.text,
                action.owners,
                state,
                before,
                movements,
                reason,
                action.day,
                tuple(artifacts),
                no_links if new is None else tuple(new),
            )
        )
    return StatusReport(since, until, {g: tuple(items) for g, items in groups.items()}, suggested)


_BY_ID = attrgetter("id")


def _movements_by_artifact(
    history: Sequence[HistoryEvent], *, since: datetime, until: datetime
) -> dict[str, list[Movement]]:
    """The movements of each artifact (``change:745206``, ``bug:1855391``) in ``[since,
    until]``, in ``history`` order; each row is parsed and described once, however
    many commitments link its artifact."""
    moves: dict[str, list[Movement]] = {}
    whole: dict[str, str] = {}  # history key → artifact, parsed once per key
    for event in history:
        if since <= event.changed_at <= until and (text := describe(event)) is not None:
            artifact = whole.get(event.key)
            if artifact is None:
                artifact = whole[event.key] = artifact_of(event.key)
            moves.setdefault(artifact, []).append(Movement(artifact, text, event.changed_at))
    return moves


def _when(movement: Movement) -> tuple[datetime, str]:
    return movement.at, movement.artifact


#: Groups shown in full by default: what moved. The others are counted, with the oldest.
MOVED = frozenset({Group.COMPLETED, Group.PROGRESSED, Group.NEWLY_LINKED, Group.STALLED})
OLDEST_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Section:
    """One non-empty group as shown: all its items, or only the oldest few."""

    group: Group
    items: tuple[StatusItem, ...]
    total: int
    label: str = ""  #: "newly stalled", "still stalled"; else the group's name

    @property
    def name(self) -> str:
        """``not started``, ``newly stalled``."""
        return self.label or self.group.replace("_", " ")

    @property
    def summarised(self) -> bool:
        """Whether only some of the items are shown."""
        return len(self.items) < self.total

    @property
    def title(self) -> str:
        """``Completed (3)``; ``Not started (39), oldest 3:`` when summarised."""
        name = f"{self.name.capitalize()} ({self.total})"
        return f"{name}, oldest {len(self.items)}:" if self.summarised else name


def sections(report: StatusReport, *, full: bool = False) -> list[Section]:
    """The non-empty groups; unless ``full``, what did not move (not started, stalled
    before the window) keeps only its :data:`OLDEST_SHOWN` oldest items (by day
    committed, then id)."""
    shown: list[Section] = []
    for group, items in report.groups.items():
        if not items:
            continue
        if full or group in MOVED:
            still = () if full or group is not Group.STALLED else _still_stalled(items)
            if not still:
                shown.append(Section(group, items, len(items)))
                continue
            still_ids = {i.id for i in still}
            newly = tuple(i for i in items if i.id not in still_ids)
            if newly:
                shown.append(Section(group, newly, len(newly), "newly stalled"))
            shown.append(_oldest(group, still, "still stalled"))
            continue
        shown.append(_oldest(group, items))
    return shown


def _still_stalled(items: tuple[StatusItem, ...]) -> tuple[StatusItem, ...]:
    return tuple(i for i in items if i.previous_state == CommitmentState.STALLED)


def _oldest(group: Group, items: tuple[StatusItem, ...], label: str = "") -> Section:
    oldest = sorted(items, key=lambda i: (i.day or date.max, i.id))[:OLDEST_SHOWN]
    return Section(group, tuple(sorted(oldest, key=lambda i: i.id)), len(items), label)


def item_line(item: StatusItem) -> str:
    """One plain line: ``#11 dviroel, carloss: review and merge … — change 745206 MERGED …``."""
    owners = ", ".join(item.owners) or "unassigned"
    moved = "; ".join(m.text() for m in item.movements[-3:])
    if not moved and item.new_links:
        moved = "linked " + ", ".join(_label(a) for a in item.new_links)
    tail = f" — {moved}" if moved else (f" — {item.reason}" if item.reason else "")
    return escape.one_line(f"#{item.id} {owners}: {item.text}{tail}")


@cache  # a report names the same few artifacts many times
def _label(artifact: str) -> str:
    key = ArtifactKey.parse_or_none(artifact)
    return artifact if key is None else key.label


def suggested_line(report: StatusReport) -> str | None:
    """``5 suggested links wait for review``, or ``None`` when there are none."""
    n = report.suggested
    if not n:
        return None
    return f"{n} suggested link{'s' if n != 1 else ''} wait{'' if n != 1 else 's'} for review"


def artifact_url(artifact: str) -> str | None:
    """Where a person opens a linked artifact: a Gerrit change, a Launchpad bug or a
    blueprint named with its project (``blueprint:manila/privsep-migration``); ``None``
    for anything else."""
    kind, _, ident = artifact.partition(":")
    if kind == "blueprint" and ident.count("/") == 1 and all(ident.split("/")):
        project, name = ident.split("/")
        return blueprint_url(project, name)
    key = ArtifactKey.parse_or_none(artifact)
    if key is None:
        return None
    if key.kind == "change":
        return f"{GERRIT_WEB}/c/{key.number}"
    if key.kind == "bug":
        return f"{LAUNCHPAD_BUGS}/{key.number}"
    return None


def item_urls(item: StatusItem, limit: int = LINKS_PER_ITEM) -> list[str]:
    """The URLs of up to ``limit`` artifacts of ``item``: the ones that moved, latest
    first, then its other confirmed links."""
    artifacts = [m.artifact for m in reversed(item.movements)] + list(item.links)
    urls = [url for artifact in artifacts if (url := artifact_url(artifact))]
    return list(dict.fromkeys(urls))[:limit]


def counts_line(report: StatusReport) -> str:
    """``completed 2 · progressed 1 · newly linked 3 · stalled 1 · not started 39``."""
    return " · ".join(
        f"{group.replace('_', ' ')} {len(items)}" for group, items in report.groups.items()
    )


def irc_lines(
    report: StatusReport, *, full: bool = False, max_lines: int | None = IRC_MAX_LINES
) -> list[str]:
    """MeetBot lines ≤ 400 bytes, no colour or control characters, ready to paste.

    ``#info`` for the headline and each item, then ``#link`` for the change or bug
    that moved (else its first linked one); unless ``full``, a group that did not
    move is one ``#info`` line with its oldest items. At most ``max_lines`` lines
    (``None``: no limit): whole items are kept in order, and the last line then
    counts, per group, what was left out.
    """
    window = f"{report.since:%Y-%m-%d %H:%M} .. {report.until:%Y-%m-%d %H:%M}"
    lines = [_clip(f"#info syncsvc status {window} UTC: {counts_line(report)}")]
    blocks: list[tuple[str, int, list[str]]] = []  # (section, items it stands for, lines)
    for section in sections(report, full=full):
        name = section.name
        if section.summarised:
            oldest = ", ".join(f"#{i.id}" for i in section.items)
            blocks.append((name, section.total, [f"#info {name} {section.total}, oldest {oldest}"]))
            continue
        for item in section.items:
            block = [_clip(f"#info {name}: {item_line(item)}")]
            block.extend(_clip(f"#link {url}") for url in item_urls(item, 1))
            blocks.append((name, 1, block))
    if waiting := suggested_line(report):
        blocks.append(
            (
                "suggested links",
                report.suggested,
                [f"#info {waiting} (syncsvc link confirm|reject)"],
            )
        )
    if max_lines is None or len(lines) + sum(len(b) for _, _, b in blocks) <= max_lines:
        return lines + [line for _, _, block in blocks for line in block]
    left: dict[str, int] = {}
    for label, count, block in blocks:
        if not left and len(lines) + len(block) <= max_lines - 1:
            lines.extend(block)
        else:
            left[label] = left.get(label, 0) + count
    more = ", ".join(f"{name} {n}" for name, n in left.items())
    return [*lines, f"#info not shown: {more} (syncsvc status --all)"][:max_lines]


def _clip(line: str, limit: int = IRC_MAX_BYTES) -> str:
    # The line is escaped already: clip whole characters and whole \uXXXX escapes.
    return escape.clip_bytes(line, limit)


def markdown_lines(report: StatusReport, *, full: bool = False) -> list[str]:
    """A Markdown section per group, for a wiki or docs."""
    lines = [f"# What moved {report.since:%Y-%m-%d} to {report.until:%Y-%m-%d}"]
    for section in sections(report, full=full):
        lines += ["", f"## {section.title}", ""]
        lines.extend(f"- {escape.markdown(item_line(i))}" for i in section.items)
    if waiting := suggested_line(report):
        lines += ["", f"{waiting}."]
    return lines


def etherpad_lines(report: StatusReport, *, full: bool = False) -> list[str]:
    """Plain text for an etherpad: ``*`` bullets, ``[x]``/``[ ]`` boxes, bare URLs.

    Etherpad renders no Markdown, so nothing is escaped but control characters
    (removed) and format characters (shown as ``\\u202e``) by :func:`item_line`.
    """
    lines = [f"What moved {report.since:%Y-%m-%d} to {report.until:%Y-%m-%d}"]
    for section in sections(report, full=full):
        lines.append(f"* {section.title}")
        for item in section.items:
            box = "x" if item.state == CommitmentState.DONE else " "
            lines.append(f"  * [{box}] {item_line(item)}")
            lines.extend(f"    {url}" for url in item_urls(item))
    if waiting := suggested_line(report):
        lines.append(f"* {waiting}")
    return lines
