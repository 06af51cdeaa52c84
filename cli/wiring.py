"""Build the remote adapters from the configuration (only allowed hosts).

launchpadlib and gerritclient are imported when an adapter is built, not with this
module: `show` reads the relink settings without them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.config import GERRIT_PASSWORD_ENV, Config
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


def build_launchpad(cfg: Config, cache_dir: Path) -> LaunchpadAdapter:
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
            http=LAUNCHPAD_HTTP.replace(allowed=cfg.allowed_hosts()),
        )
    )


def build_gerrit(cfg: Config) -> GerritAdapter:
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
        policy=GERRIT_HTTP.replace(allowed=cfg.allowed_hosts()),
    )


def sync_settings(cfg: Config) -> SyncSettings:
    """Engine settings from the config's project lists and [sync] section."""
    return SyncSettings(
        launchpad_projects=cfg.launchpad.projects,
        gerrit_projects=cfg.gerrit.projects,
        overlap=timedelta(minutes=cfg.sync.overlap_minutes),
        lookback=timedelta(days=cfg.sync.lookback_days),
    )


def relink_settings(cfg: Config) -> RelinkSettings:
    """Reconciler settings: the team's Gerrit and Launchpad projects (candidates, and the
    bug tasks that judge a commitment) and the [status] thresholds."""
    return RelinkSettings(
        team_projects=(*cfg.gerrit.projects, *cfg.launchpad.projects),
        threshold=cfg.status.suggest_threshold,
        stall_days=cfg.status.stall_days,
    )
