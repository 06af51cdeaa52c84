"""Build the remote adapters from the configuration (only allowed hosts).

launchpadlib and gerritclient are imported when an adapter is built, not with this
module: `show` reads the relink settings without them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from syncsvc.adapters.budget import RequestBudget
from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.config import GERRIT_PASSWORD_ENV, Config, TeamSettings
from syncsvc.secret_files import warn_if_too_open
from syncsvc.sync.engine import SyncSettings
from syncsvc.sync.service import RelinkSettings

if TYPE_CHECKING:
    from syncsvc.adapters.gerrit import GerritAdapter
    from syncsvc.adapters.launchpad import LaunchpadAdapter

# How commands talk to each service (tests swap in policies that never wait); the
# Launchpad one is the adapter's DEFAULT_POLICY, which a test keeps equal.
LAUNCHPAD_HTTP = HttpPolicy(retry=RetryPolicy(attempts=3))
GERRIT_HTTP = HttpPolicy()


def request_budget(cfg: Config) -> RequestBudget:
    """A run's request budget and per-host interval from ``[http]``; it waits with the
    commands' policy's sleep (tests swap in one that never waits)."""
    return RequestBudget(
        cfg.http.max_requests_per_run,
        min_interval=cfg.http.min_interval_ms / 1000,
        sleep=GERRIT_HTTP.sleep,
    )


def build_launchpad(
    cfg: Config, cache_dir: Path, budget: RequestBudget | None = None
) -> LaunchpadAdapter:
    """A Launchpad adapter for the configured service root; it sends no request outside
    ``[sync] allowed_hosts`` (ConfigError here when the service root itself is outside)."""
    from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig

    cfg.check_host(cfg.launchpad.service_root)
    if cfg.launchpad.credentials_file is not None:
        warn_if_too_open(cfg.launchpad.credentials_file)
    return LaunchpadAdapter(
        LaunchpadConfig(
            service_root=cfg.launchpad.service_root,
            cache_dir=cache_dir / "launchpadlib",
            credentials_file=cfg.launchpad.credentials_file,
            http=LAUNCHPAD_HTTP.replace(allowed=cfg.allowed_hosts(), budget=budget),
        )
    )


def build_gerrit(cfg: Config, budget: RequestBudget | None = None) -> GerritAdapter:
    """A Gerrit adapter for the configured URL, authenticated when a username is set,
    that sends no request outside ``[sync] allowed_hosts``."""
    from syncsvc.adapters.gerrit import GerritAdapter

    cfg.check_host(cfg.gerrit.url)
    username = cfg.gerrit.username
    password_file = cfg.gerrit.password_file
    if username and password_file is not None and not os.environ.get(GERRIT_PASSWORD_ENV):
        warn_if_too_open(password_file)
    password = cfg.gerrit.password() if username else None
    return GerritAdapter(
        cfg.gerrit.url,
        username=username,
        password=password,
        policy=GERRIT_HTTP.replace(allowed=cfg.allowed_hosts(), budget=budget),
    )


def sync_settings(cfg: Config, teams: Mapping[str, TeamSettings] | None = None) -> SyncSettings:
    """Engine settings for ``teams`` (default: every team of the config) and the [sync]
    section: every team's Launchpad projects, and one Gerrit poll scope per team; the
    other teams' projects are polled elsewhere (referenced items there are left to them)."""
    every = cfg.all_teams()
    chosen = every if teams is None else teams
    groups = tuple(t.gerrit_projects for t in chosen.values() if t.gerrit_projects)
    launchpad_projects = _union(t.launchpad_projects for t in chosen.values())
    others = [t for name, t in every.items() if name not in chosen]
    elsewhere = _union((*t.launchpad_projects, *t.gerrit_projects) for t in others)
    return SyncSettings(
        launchpad_projects=launchpad_projects,
        gerrit_projects=_union(groups),
        gerrit_groups=groups,
        polled_elsewhere=elsewhere,
        overlap=timedelta(minutes=cfg.sync.overlap_minutes),
        lookback=timedelta(days=cfg.sync.lookback_days),
        open_bugs=cfg.squash.open_bugs,
    )


def relink_settings(cfg: Config) -> RelinkSettings:
    """Reconciler settings: the team's Gerrit and Launchpad projects (candidates, and the
    bug tasks that judge a commitment) and the [status] thresholds."""
    teams = cfg.all_teams().values()
    return RelinkSettings(
        team_projects=(
            *_union(t.gerrit_projects for t in teams),
            *_union(t.launchpad_projects for t in teams),
        ),
        threshold=cfg.status.suggest_threshold,
        stall_days=cfg.status.stall_days,
    )


def _union(lists: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for projects in lists for p in projects))
