"""Each fault, then a clean rerun: the database equals a fault-free run's, row for row.

The clock is frozen for every import and sync (the same instant in both databases),
so the comparison covers every column that says something; only surrogate keys that
nothing refers to (insertion order) are left out, see ``reliability_kit.dump``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_kit import fault_free_dump, frozen, portable_dump, prepared

from syncsvc.testing.demo_servers import SampleServers
from syncsvc.testing.fake_gerrit import RecordedRequest
from syncsvc.testing.foreign_host import ForeignHost


def gerrit_middle_page_500(servers: SampleServers) -> None:
    """The poll's first page answers; its second page gets a 500."""

    def hook(request: RecordedRequest) -> None:
        if "S" not in request.params and any("project:" in q for q in request.params.get("q", [])):
            servers.gerrit.add_fault(status=500, times=1, body="Internal Server Error")

    servers.gerrit.on_request(hook)


Fault = Callable[[SampleServers, str], None]  # (the fakes, a foreign host's URL)
FAULTS: dict[str, tuple[Fault, int]] = {  # name: (inject, exit code of the faulted run)
    "gerrit 503 burst": (lambda s, _f: s.gerrit.add_fault(status=503, times=2), 0),
    "gerrit 429 Retry-After": (lambda s, _f: s.gerrit.add_fault(status=429, retry_after="7"), 0),
    "gerrit read timeout": (lambda s, _f: s.gerrit.add_fault(delay=0.6, times=None), 3),
    "gerrit reset": (lambda s, _f: s.gerrit.add_fault(reset=True, times=None), 3),
    "gerrit truncated body": (lambda s, _f: s.gerrit.add_fault(truncate=True, times=None), 3),
    "gerrit invalid JSON": (
        lambda s, _f: s.gerrit.add_fault(status=200, body="<html>oops</html>", times=None),
        3,
    ),
    "gerrit 500 on a middle page": (lambda s, _f: gerrit_middle_page_500(s), 3),
    "gerrit redirect to a foreign host": (
        lambda s, f: s.gerrit.add_fault(status=302, location=f, times=None),
        3,
    ),
    "launchpad 503 burst": (lambda s, _f: s.launchpad.fail(503, times=2), 0),
    "launchpad 500 on one project": (
        lambda s, _f: s.launchpad.fail(500, times=None, match="ui"),
        3,
    ),
    "launchpad invalid JSON": (
        lambda s, _f: s.launchpad.corrupt(times=None, match="searchTasks"),
        3,
    ),
    "launchpad truncated WADL": (lambda s, _f: s.launchpad.corrupt(times=None), 3),
    "launchpad redirect to a foreign host": (
        lambda s, f: s.launchpad.redirect(f, times=None, match="searchTasks"),
        3,
    ),
    # The task search reads its pages by offset, so a foreign next link is never followed.
    "launchpad next link to a foreign host": (lambda s, f: setattr(s.launchpad, "link_root", f), 0),
    "launchpad reset": (lambda s, _f: s.launchpad.reset(times=None, match="searchTasks"), 3),
    "launchpad 500 on a middle page": (
        lambda s, _f: s.launchpad.fail(500, times=None, match="ws.start=75"),
        3,
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
@pytest.mark.usefixtures("quick_adapters", "small_pages")
def test_fault_then_clean_rerun_equals_a_fault_free_run(
    name: str, db_url: str, twin_db_url: str, busy: SampleServers, cfg: Path, tmp_path: Path
) -> None:
    """Sync with the fault, then without it: every table equals a fault-free sync's."""
    faulty = prepared(db_url, tmp_path / "a")
    inject, expected = FAULTS[name]
    with ForeignHost() as foreign:
        inject(busy, foreign.url)
        code, stderr = frozen(faulty, cfg, "sync")
        assert foreign.requests == []  # not one byte sent to a host outside the list
    assert code == expected, stderr
    busy.gerrit.hooks.clear()
    busy.gerrit.faults.clear()
    busy.launchpad.clear_faults()
    busy.launchpad.link_root = None
    assert frozen(faulty, cfg, "sync")[0] == 0
    after_fault = portable_dump(faulty, busy)
    fault_free = fault_free_dump(twin_db_url, cfg, busy, tmp_path / "b")
    assert {t: len(rows) for t, rows in after_fault.items()} == {
        t: len(rows) for t, rows in fault_free.items()
    }
    assert after_fault == fault_free
