"""OpenStack release schedules: which week each milestone falls in.

The data is in the shape of openstack/releases' ``doc/source/<series>/schedule.yaml``:
top-level ``start-week`` and ``release-week`` and a ``cycle`` list of weeks, each
with ``name`` (``R-24``), ``start``, ``end`` and optional marker lists
``x-project`` and ``project-specific`` (``w-1``, ``w-rc1``, ``w-manila-spec-freeze``).
A marker is the series' prefix letter, a dash and the milestone name.

Schedules for a few series are bundled in ``syncsvc/data/schedules``; a config file
can add more (or replace a bundled one) by naming extra YAML files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from syncsvc.errors import ConfigError

# libyaml's loader when PyYAML was built with it (the wheels are): about 9x faster
# on the bundled schedules, which every import reads.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MARKER_KEYS = ("x-project", "project-specific")
_CYCLE_WEEK = re.compile(r"R-\d+|R\+0")
#: Other names upstream gives a milestone: Ocata to Stein mark the release week
#: ``<x>-release``, not ``<x>-final``.
_ALIASES: Mapping[str, tuple[str, ...]] = {"final": ("release",)}


@dataclass(frozen=True, slots=True)
class Week:
    """One week of a cycle; ``name`` is ``R-<n>`` (``None`` for unnamed weeks)."""

    name: str | None
    start: date
    end: date
    markers: tuple[str, ...] = ()

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls between ``start`` and ``end`` (inclusive)."""
        return self.start <= day <= self.end

    @property
    def in_cycle(self) -> bool:
        """Whether the week counts down to the release (``R-<n>`` or ``R+0``)."""
        return self.name is not None and _CYCLE_WEEK.fullmatch(self.name) is not None


@dataclass(frozen=True, slots=True)
class SeriesSchedule:
    """The weeks of one series, in file order."""

    series: str
    weeks: tuple[Week, ...]
    start_week: date | None = None
    release_week: date | None = None

    @property
    def prefix(self) -> str:
        """The marker prefix letter: the series' first letter (``w`` for wallaby)."""
        return self.series[:1]

    def marker_week(self, marker: str) -> Week | None:
        """The first week carrying ``marker`` (``w-1``), or ``None``."""
        wanted = marker.strip().lower()
        for week in self.weeks:
            if wanted in week.markers:
                return week
        return None

    def milestone_week(self, name: str) -> Week | None:
        """The week of milestone ``name`` (``1``, ``rc1``, ``manila-spec-freeze``).

        ``final`` is also found as ``<x>-release``, the marker of Ocata to Stein.
        """
        found = self.milestone(name)
        return found[1] if found is not None else None

    def milestone(self, name: str) -> tuple[str, Week] | None:
        """The marker ``name`` is found under (``r-release`` for ``final``) and its week."""
        wanted = name.strip().lower()
        for candidate in (wanted, *_ALIASES.get(wanted, ())):
            marker = f"{self.prefix}-{candidate}"
            week = self.marker_week(marker)
            if week is not None:
                return (marker, week)
        return None

    def contains(self, day: date, *, cycle_only: bool = True) -> bool:
        """Whether ``day`` falls in one of the weeks (only ``R-<n>`` weeks by default)."""
        return any(w.contains(day) for w in self.weeks if w.in_cycle or not cycle_only)


class Schedules(Mapping[str, SeriesSchedule]):
    """Series name -> schedule; a later schedule for the same series replaces it."""

    __slots__ = ("_by_series", "_names")

    def __init__(self, schedules: Iterable[SeriesSchedule] = ()) -> None:
        self._by_series: dict[str, SeriesSchedule] = {}
        for schedule in schedules:
            self._by_series[schedule.series] = schedule
        # Sorted once: every summary parsed looks its cycle up among the names.
        self._names = tuple(sorted(self._by_series, key=lambda s: _sort_key(self._by_series[s])))

    def __getitem__(self, series: str) -> SeriesSchedule:
        return self._by_series[series.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._by_series)

    def __contains__(self, series: object) -> bool:
        return isinstance(series, str) and series.lower() in self._by_series

    def names(self) -> tuple[str, ...]:
        """Series names, oldest cycle first (series without weeks last)."""
        return self._names

    def series_for(self, day: date) -> str | None:
        """The series whose cycle ``day`` falls in, or ``None``.

        Only countdown weeks (``R-<n>``, ``R+0``) count, so the previous series'
        final week repeated at the top of a file does not claim the date; if no
        countdown week matches, any week does. When cycles overlap, the newer wins.
        """
        for cycle_only in (True, False):
            hits = [s for s in self._by_series.values() if s.contains(day, cycle_only=cycle_only)]
            if hits:
                return max(hits, key=_sort_key).series
        return None


def _sort_key(schedule: SeriesSchedule) -> tuple[int, date, str]:
    starts = [w.start for w in schedule.weeks]
    if not starts:
        return (1, date.max, schedule.series)
    return (0, min(starts), schedule.series)


def load_schedules(extra: Sequence[Path] = ()) -> Schedules:
    """Load the bundled schedules, then ``extra`` files (later ones win by series)."""
    loaded: list[SeriesSchedule] = []
    folder = resources.files("syncsvc.data").joinpath("schedules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            loaded.append(parse_schedule(text, source=entry.name, default_series=entry.name[:-5]))
    for path in extra:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read schedule file {path}: {_one_line(exc)}") from exc
        loaded.append(parse_schedule(text, source=str(path), default_series=path.stem))
    return Schedules(loaded)


def parse_schedule(text: str, *, source: str, default_series: str) -> SeriesSchedule:
    """Parse one schedule file; ``source`` names it in errors.

    The series is the top-level ``series:`` value if present, else ``default_series``.
    Raises :class:`ConfigError` (one line, naming ``source``) on bad YAML or shape.
    """
    try:
        doc = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506  # a safe loader
    except yaml.YAMLError as exc:
        raise ConfigError(f"schedule file {source}: invalid YAML: {_yaml_problem(exc)}") from exc
    if not isinstance(doc, dict):
        raise ConfigError(f"schedule file {source}: expected a mapping at the top level")
    series = doc.get("series", default_series)
    if not isinstance(series, str) or not series.strip():
        raise ConfigError(f"schedule file {source}: 'series' must be a non-empty string")
    cycle = doc.get("cycle")
    if not isinstance(cycle, list):
        raise ConfigError(f"schedule file {source}: 'cycle' must be a list of weeks")
    weeks = tuple(_week(item, f"{source}: cycle[{i}]") for i, item in enumerate(cycle))
    return SeriesSchedule(
        series=series.strip().lower(),
        weeks=weeks,
        start_week=_optional_date(doc.get("start-week"), f"{source}: start-week"),
        release_week=_optional_date(doc.get("release-week"), f"{source}: release-week"),
    )


def _week(item: Any, where: str) -> Week:
    if not isinstance(item, dict):
        raise ConfigError(f"schedule file {where}: expected a mapping")
    name = item.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"schedule file {where}: 'name' must be a string")
    start = _date(item.get("start"), f"{where}.start")
    end = _date(item.get("end"), f"{where}.end")
    if end < start:
        raise ConfigError(f"schedule file {where}: end {end} is before start {start}")
    markers: list[str] = []
    for key in _MARKER_KEYS:
        values = item.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f"schedule file {where}: '{key}' must be a list of strings")
        markers.extend(v.strip().lower() for v in values)
    return Week(name=name, start=start, end=end, markers=tuple(markers))


def _optional_date(value: Any, where: str) -> date | None:
    return None if value is None else _date(value, where)


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"schedule file {where}: expected a YYYY-MM-DD date, got {value!r}")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem or 'syntax error'} (line {mark.line + 1}, column {mark.column + 1})"
    return _one_line(exc)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
