"""Helpers of the reliability suite: what users see, database dumps, frozen and killed runs.

The CLI, the config for the fakes and the example import are in tests/helpers.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import time_machine
from helpers import cli, import_example, upgrade_postgresql
from sqlalchemy import select

from syncsvc.models.base import Base
from syncsvc.models.db import open_engine
from syncsvc.testing.demo_servers import SampleServers
from syncsvc.testing.fake_gerrit import make_change
from syncsvc.testing.fake_launchpad import FakeTask


def views(db_url: str, cfg: Path) -> Any:
    """What users see, as JSON: `actions`, `show` of every action, `status` since the PTG.

    Keys in :data:`CLOCK_KEYS` (when a row was observed, when the report was made) are left out.
    """
    actions = json.loads(cli(db_url, cfg, "actions", "--format", "json").stdout)
    shown = {
        action["id"]: json.loads(
            cli(db_url, cfg, "show", str(action["id"]), "--format", "json").stdout
        )
        for action in actions
    }
    status = json.loads(
        cli(db_url, cfg, "status", "--since", "2020-11-05", "--format", "json").stdout
    )
    return _without_clock({"actions": actions, "show": shown, "status": status})


# When a row was observed or a report made: they name the run, not what it found.
CLOCK_KEYS = frozenset({"observed_at", "generated_at", "until"})


def _without_clock(value: Any) -> Any:
    """``value`` without the keys in :data:`CLOCK_KEYS`, at any depth."""
    if isinstance(value, dict):
        return {k: _without_clock(v) for k, v in value.items() if k not in CLOCK_KEYS}
    if isinstance(value, list):
        return [_without_clock(v) for v in value]
    return value


def differences(left: object, right: object, path: str = "") -> list[str]:
    """Where two JSON values differ, as ``path: left != right`` lines (empty when equal)."""
    if isinstance(left, dict) and isinstance(right, dict):
        keys = sorted(set(left) | set(right), key=str)
        return [d for k in keys for d in differences(left.get(k), right.get(k), f"{path}/{k}")]
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in differences(a, b, f"{path}/{i}")
        ]
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


def dump(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table of ``db_url`` as a sorted list of rows, for comparing two databases.

    A surrogate key that no foreign key points at (e.g. ``artifact_history.id``) only
    says in which order rows were inserted, so it is left out and rows are sorted;
    every other column is kept. ``relink_pending`` is left out: it is the next
    relink's work queue (a relink notes the commitments whose links it changed, to
    judge them once more), not a result; the links and states it leads to are kept.
    """
    referenced = {
        (fk.column.table.name, fk.column.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
    }
    engine = open_engine(db_url)
    tables: dict[str, list[tuple[object, ...]]] = {}
    try:
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                if table.name == "relink_pending":
                    continue
                kept = [
                    c
                    for c in table.columns
                    if not (c.name == "id" and (table.name, "id") not in referenced)
                ]
                rows = connection.execute(select(*kept))
                tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    finally:
        engine.dispose()
    return tables


def _replace_hosts(value: object, hosts: dict[str, str]) -> object:
    """``value`` with each host:port in ``hosts`` replaced by its name, at any depth."""
    if isinstance(value, str):
        for netloc, name in hosts.items():
            value = value.replace(netloc, name)
        return value
    if isinstance(value, list | tuple):
        return type(value)(_replace_hosts(v, hosts) for v in value)
    if isinstance(value, dict):
        return {k: _replace_hosts(v, hosts) for k, v in value.items()}
    return value


def portable_dump(db_url: str, servers: SampleServers) -> dict[str, list[tuple[object, ...]]]:
    """:func:`dump` with the fakes' host:port (a new pair per test) named ``<gerrit>`` and
    ``<launchpad>``, so dumps made against different fake servers compare."""
    hosts = {
        urlsplit(servers.gerrit_url).netloc: "<gerrit>",
        urlsplit(servers.launchpad_service_root).netloc: "<launchpad>",
    }
    return {
        table: sorted((tuple(_replace_hosts(v, hosts) for v in row) for row in rows), key=repr)
        for table, rows in dump(db_url).items()
    }


_FAULT_FREE: dict[str, dict[str, list[tuple[object, ...]]]] = {}


def fault_free_dump(
    twin_db_url: str, cfg: Path, busy: SampleServers, directory: Path
) -> dict[str, list[tuple[object, ...]]]:
    """What a fault-free import and sync of the busy fakes leave, as a :func:`portable_dump`.

    The clock is frozen and the busy data fixed, so every test would get the same
    result: it is made once per test process and backend, on ``twin_db_url``.
    """
    backend = twin_db_url.split(":", 1)[0]
    if backend not in _FAULT_FREE:
        clean = prepared(twin_db_url, directory)
        code, stderr = frozen(clean, cfg, "sync")
        assert code == 0, stderr
        _FAULT_FREE[backend] = portable_dump(clean, busy)
    return _FAULT_FREE[backend]


FROZEN = datetime(2021, 7, 1, 12, 0, tzinfo=UTC)  # the one instant of every compared run
EXTRA = 160  # more changes and tasks than one page holds (Gerrit 100, Launchpad 75)


def add_busy_data(servers: SampleServers) -> None:
    """Give the fakes enough changes and tasks to need several pages and batches."""
    start = datetime(2021, 1, 4, tzinfo=UTC)
    for i in range(EXTRA):
        when = start + timedelta(hours=i)
        servers.gerrit.add_change(make_change(790000 + i, created=when, updated=when))
        servers.launchpad.add_bug(
            1950000 + i, f"sample bug {i}", tasks=[FakeTask("manila")], date_last_updated=when
        )


def frozen(db_url: str, cfg: Path, *args: str) -> tuple[int, str]:
    """Run syncsvc at :data:`FROZEN`; return its exit code and stderr."""
    with time_machine.travel(FROZEN, tick=False):
        result = cli(db_url, cfg, *args)
    return result.exit_code, result.stderr


def prepared(db_url: str, directory: Path) -> str:
    """``db_url`` with its schema and the example imported at :data:`FROZEN`."""
    upgrade_postgresql(db_url)
    directory.mkdir(exist_ok=True)
    with time_machine.travel(FROZEN, tick=False):
        import_example(db_url, directory)
    return db_url


RUNNER = Path(__file__).with_name("frozen_syncsvc.py")
LATENCY = 0.05  # seconds per request, in both fakes


def requests_seen(servers: SampleServers) -> int:
    """Requests both fakes have received so far."""
    return len(servers.gerrit.requests) + len(servers.launchpad.requests)


def start_sync(
    db_url: str, cfg: Path, servers: SampleServers, tmp_path: Path, *args: str
) -> subprocess.Popen[str]:
    """Start `syncsvc sync ARGS` in a child with its clock frozen at :data:`FROZEN`; both
    fakes hold each request ``LATENCY`` seconds."""
    servers.gerrit.add_fault(delay=LATENCY, times=None)
    servers.launchpad.delay(LATENCY, times=None)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "child-cache")}
    command = [sys.executable, str(RUNNER), FROZEN.isoformat(), "--db", db_url]
    return subprocess.Popen(  # our own interpreter and script
        [*command, "--config", str(cfg), "sync", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_requests(
    servers: SampleServers, count: int, child: subprocess.Popen[str], *, gerrit_only: bool = False
) -> None:
    """Return once the fakes (or Gerrit alone) have seen ``count`` requests, or the child ended.

    A sync logs in to Launchpad before it takes the lock; its Gerrit requests come after.
    """

    def seen() -> int:
        return len(servers.gerrit.requests) if gerrit_only else requests_seen(servers)

    while seen() < count and child.poll() is None:
        time.sleep(0.002)  # polling a counter, not waiting for a result


def sync_and_signal(
    db_url: str,
    cfg: Path,
    servers: SampleServers,
    tmp_path: Path,
    *,
    after: int,
    signum: int,
    gerrit_only: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `syncsvc sync` in a child (clock frozen) and send it ``signum`` as its request
    number ``after`` (counting Gerrit's alone with ``gerrit_only``) arrives (the fakes
    hold each request ``LATENCY`` seconds)."""
    child = start_sync(db_url, cfg, servers, tmp_path)
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() and child.poll() is None:
            seen = len(servers.gerrit.requests) if gerrit_only else requests_seen(servers)
            if seen >= after:
                child.send_signal(signum)
                return
            time.sleep(0.002)  # polling a counter, not waiting for a result

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        out, err = child.communicate(timeout=120)
    finally:
        done.set()
        watcher.join()
    servers.gerrit.faults.clear()
    servers.launchpad.clear_faults()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)
