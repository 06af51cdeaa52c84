"""The OpenStack release series: names, oldest first, and numbers from 2023.1 on.

Used to check a cycle given by hand (``import --cycle``) before anything is stored,
and to suggest the nearest name for a typo. Schedules (milestone weeks) are a
separate, smaller set: see :mod:`syncsvc.schedule`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from syncsvc.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Series:
    """One release series; ``number`` is ``2023.1``-style, ``None`` before antelope."""

    name: str
    number: str | None = None


_UNNUMBERED = (
    "austin", "bexar", "cactus", "diablo", "essex", "folsom", "grizzly", "havana",
    "icehouse", "juno", "kilo", "liberty", "mitaka", "newton", "ocata", "pike",
    "queens", "rocky", "stein", "train", "ussuri", "victoria", "wallaby", "xena",
    "yoga", "zed",
)  # fmt: skip
SERIES: tuple[Series, ...] = (
    *(Series(name) for name in _UNNUMBERED),
    Series("antelope", "2023.1"),
    Series("bobcat", "2023.2"),
    Series("caracal", "2024.1"),
    Series("dalmatian", "2024.2"),
    Series("epoxy", "2025.1"),
    Series("flamingo", "2025.2"),
    Series("gazpacho", "2026.1"),
    Series("hibiscus", "2026.2"),
    Series("indri", "2027.1"),
)
_BY_KEY = {key: s.name for s in SERIES for key in (s.name, s.number) if key}
_HINT = "an OpenStack series name such as wallaby, or a number such as 2025.2"


def resolve(value: str) -> str:
    """The series name for ``value`` (a name in any case, or a number such as 2025.2).

    Raises :class:`ConfigError` for anything else, hinting at the nearest name.
    """
    key = value.strip().lower()
    if key in _BY_KEY:
        return _BY_KEY[key]
    near = difflib.get_close_matches(key, [s.name for s in SERIES], n=1, cutoff=0.6)
    hint = f"did you mean {near[0]}?" if near else _HINT
    raise ConfigError(f"unknown release cycle {value.strip()!r}", hint=hint)
