"""Where and how to reach Launchpad: the adapter's configuration and its defaults.

Kept apart from :mod:`syncsvc.adapters.launchpad` so that the configuration can be
built (and read by the CLI's wiring) without the adapter's own code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad_pool import DEFAULT_WORKERS
from syncsvc.domain.statuses import CLOSED_STATUSES as CLOSED
from syncsvc.domain.statuses import SEARCH_STATUSES

# Every status searchTasks accepts for a task (it rejects "Unknown"). Without an
# explicit ``status`` Launchpad returns unresolved tasks only.
ALL_STATUSES: tuple[str, ...] = SEARCH_STATUSES
CLOSED_STATUSES: tuple[str, ...] = tuple(s for s in SEARCH_STATUSES if s in CLOSED)
PAGE_SIZE = 75  # Launchpad's default batch size; pages are requested at this size
#: Three tries per read: launchpadlib already retries 502/503 six times below this.
DEFAULT_POLICY = HttpPolicy(retry=RetryPolicy(attempts=3))


@dataclass(frozen=True, slots=True)
class LaunchpadConfig:
    """Where and how to reach Launchpad.

    ``service_root`` is the API root without the version (``https://api.launchpad.net/``
    or an alias such as ``production``). ``cache_dir`` is launchpadlib's directory
    (WADL and HTTP cache). With ``credentials_file`` the adapter logs in with that
    OAuth token file and never prompts; without it, access is anonymous. The
    environment's ``http_proxy`` is ignored unless ``proxy_from_environment``.
    ``http`` is the timeout, retries, User-Agent and allowed hosts (``allowed``
    ``None``: the service root's origin). ``read_workers`` bounds the per-bug reads in
    flight at once (:mod:`~syncsvc.adapters.launchpad_pool`; 1: one after another).
    """

    service_root: str
    cache_dir: Path
    version: str = "devel"
    credentials_file: Path | None = None
    application_name: str = "syncsvc"
    proxy_from_environment: bool = False
    http: HttpPolicy = field(default_factory=lambda: DEFAULT_POLICY)
    read_workers: int = DEFAULT_WORKERS
