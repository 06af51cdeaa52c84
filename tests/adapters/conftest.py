"""Fixtures for adapter tests: fake remote servers loaded with sample payloads.

Each remote has its own clearly separated block; blocks share nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncsvc.testing.fake_gerrit import FakeGerrit  # used by the Gerrit block only

# --- Gerrit: FakeGerrit with tests/data/gerrit/*.json ------------------------------------

GERRIT_DATA = Path(__file__).resolve().parent.parent / "data" / "gerrit"
GERRIT_USERS = {"syncsvc-bot": "gerrit-http-password-for-tests"}


def _gerrit_samples() -> dict[int, dict[str, Any]]:
    changes: dict[int, dict[str, Any]] = {}
    for path in sorted(GERRIT_DATA.glob("*.json")):
        for info in json.loads(path.read_text(encoding="utf-8")):
            changes[info["_number"]] = info
    return changes


@pytest.fixture
def gerrit_samples() -> dict[int, dict[str, Any]]:
    """The sample ChangeInfo payloads from tests/data/gerrit, keyed by change number."""
    return _gerrit_samples()


@pytest.fixture
def fake_gerrit(gerrit_samples: dict[int, dict[str, Any]]) -> Iterator[FakeGerrit]:
    """A running FakeGerrit holding the sample changes and one HTTP-password user."""
    with FakeGerrit(changes=gerrit_samples.values(), users=GERRIT_USERS) as gerrit:
        yield gerrit


# --- end of Gerrit block -------------------------------------------------------------------
