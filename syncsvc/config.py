"""The team configuration file (TOML).

Precedence for every setting: command-line option, then environment variable,
then the config file, then the built-in default. The file is found at
``--config PATH``, else ``$SYNCSVC_CONFIG``, else ``syncsvc.toml`` in the user
config directory (only if it exists).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from syncsvc.errors import ConfigError
from syncsvc.hosts import ARCHIVE_HOSTS, LAUNCHPAD_HOSTS, AllowedHosts, Origin

EXAMPLE_CONFIG = """\
# syncsvc team configuration (TOML). Every key is optional.

# Defaults for `syncsvc import` when the summary does not say.
team = "manila"
cycle = "wallaby"

# Database URL; SYNCSVC_DATABASE_URL and --db take precedence.
# database = "postgresql+psycopg://syncsvc@localhost/syncsvc"

# Extra release schedules in openstack/releases' schedule.yaml shape,
# for series syncsvc does not ship (paths are relative to this file).
# schedules = ["schedules/zed.yaml"]

# IRC nick -> full name; known nicks also count as owners in weak forms
# such as "nick to follow up".
[aliases]
gouthamr = "Goutham Pacha Ravi"
vhari = "Vida Haririan"

[launchpad]
# "production", "staging" or an API root URL (without the version).
service_root = "production"
projects = ["manila", "python-manilaclient", "manila-ui"]
# OAuth credentials written by launchpadlib's login_with(); anonymous if unset.
# credentials_file = "~/.config/syncsvc/launchpad-credentials"

[gerrit]
url = "https://review.opendev.org"
projects = [
  "openstack/manila",
  "openstack/manila-specs",
  "openstack/python-manilaclient",
  "openstack/manila-ui",
  "openstack/manila-tempest-plugin",
]
# For the authenticated /a/ API: your username, and a file holding the HTTP
# password (or set SYNCSVC_GERRIT_PASSWORD). The password is never stored.
# username = "jdoe"
# password_file = "~/.config/syncsvc/gerrit-password"

[sync]
# Only these hosts are ever contacted by `sync`, `drift --apply` and the like,
# redirects and page links included (default: Launchpad's API and web hosts,
# the service root and the Gerrit URL above). An entry is "host" (https),
# "host:port" or "http://host:port".
# allowed_hosts = ["review.opendev.org", "api.launchpad.net"]
overlap_minutes = 10
lookback_days = 90

[import]
# Hosts `syncsvc import URL` may fetch from besides the OpenStack mailing-list
# archives (lists.openstack.org, lists.openinfra.dev); [sync] is not affected.
# allowed_hosts = ["lists.example.org"]

# The weekly IRC meeting, for `syncsvc status --since last-meeting` (UTC).
[meeting]
weekday = "thursday"
time = "15:00"

[status]
# Linked open work idle longer than this is stalled.
stall_days = 21
# Candidate links scoring at least this are suggested (never confirmed).
suggest_threshold = 0.5
"""

LAUNCHPAD_ROOTS = {
    "production": "https://api.launchpad.net/",
    "staging": "https://api.staging.launchpad.net/",
    "qastaging": "https://api.qastaging.launchpad.net/",
}
GERRIT_PASSWORD_ENV = "SYNCSVC_GERRIT_PASSWORD"  # noqa: S105 (a variable name, not a secret)


@dataclass(frozen=True, slots=True)
class LaunchpadSettings:
    """The [launchpad] section."""

    service_root: str = LAUNCHPAD_ROOTS["production"]
    projects: tuple[str, ...] = ()
    credentials_file: Path | None = None


@dataclass(frozen=True, slots=True)
class GerritSettings:
    """The [gerrit] section; the password itself is read only when connecting."""

    url: str = "https://review.opendev.org"
    projects: tuple[str, ...] = ()
    username: str | None = None
    password_file: Path | None = None

    def password(self) -> str | None:
        """The HTTP password from ``$SYNCSVC_GERRIT_PASSWORD`` or ``password_file``."""
        if env := os.environ.get(GERRIT_PASSWORD_ENV):
            return env
        if self.password_file is None:
            return None
        try:
            return self.password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read Gerrit password file {self.password_file}") from exc


@dataclass(frozen=True, slots=True)
class SyncSection:
    """The [sync] section."""

    allowed_hosts: tuple[str, ...] | None = None
    overlap_minutes: int = 10
    lookback_days: int = 90


@dataclass(frozen=True, slots=True)
class ImportSection:
    """The [import] section: hosts `import URL` may use besides the mail archives."""

    allowed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingSection:
    """The [meeting] section: weekly slot in UTC (weekday name, HH:MM)."""

    weekday: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class StatusSection:
    """The [status] section."""

    stall_days: int = 21
    suggest_threshold: float = 0.5


@dataclass(frozen=True, slots=True)
class Config:
    """Settings read from the config file; every field has a safe default."""

    team: str | None = None
    cycle: str | None = None
    database: str | None = None
    schedules: tuple[Path, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    launchpad: LaunchpadSettings = field(default_factory=LaunchpadSettings)
    gerrit: GerritSettings = field(default_factory=GerritSettings)
    sync: SyncSection = field(default_factory=SyncSection)
    imports: ImportSection = field(default_factory=ImportSection)
    meeting: MeetingSection = field(default_factory=MeetingSection)
    status: StatusSection = field(default_factory=StatusSection)
    path: Path | None = None

    def allowed_hosts(self) -> AllowedHosts:
        """What sync may contact: ``[sync] allowed_hosts`` if given, else Launchpad's
        API and web hosts, the service root's host (and its web hosts) and Gerrit's."""
        name = "[sync] allowed_hosts"
        if self.sync.allowed_hosts is not None:
            return AllowedHosts.of(self.sync.allowed_hosts, name)
        root = Origin.of(self.launchpad.service_root)
        web = root.host.removeprefix("api.")
        extra = (web, f"bugs.{web}") if web != root.host else ()
        gerrit = str(Origin.of(self.gerrit.url))
        return AllowedHosts.of((*LAUNCHPAD_HOSTS, str(root), *extra, gerrit), name)

    def import_hosts(self) -> AllowedHosts:
        """What `import URL` may fetch from: the mail archives and ``[import] allowed_hosts``."""
        hosts = (*ARCHIVE_HOSTS, *self.imports.allowed_hosts)
        return AllowedHosts.of(hosts, "[import] allowed_hosts")

    def check_host(self, url: str) -> None:
        """Raise :class:`ConfigError` unless sync may contact ``url``'s host."""
        self.allowed_hosts().check(url)


def config_path(explicit: Path | None, default_dir: Path) -> Path | None:
    """The config file to read, or ``None`` when none is given and none exists."""
    if explicit is not None:
        return explicit
    if env := os.environ.get("SYNCSVC_CONFIG"):
        return Path(env)
    candidate = default_dir / "syncsvc.toml"
    return candidate if candidate.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and validate the TOML config at ``path`` (``None`` → defaults).

    Raises :class:`ConfigError` naming the file for a missing file, bad TOML or
    a value of the wrong type.
    """
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"config file {path}: '{key}' must be a string")
        return value

    schedules = data.get("schedules", [])
    if not isinstance(schedules, list) or not all(isinstance(s, str) for s in schedules):
        raise ConfigError(f"config file {path}: 'schedules' must be a list of paths")
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise ConfigError(f"config file {path}: [aliases] must map nicks to names")
    return Config(
        team=text("team"),
        cycle=text("cycle"),
        database=text("database"),
        schedules=tuple(path.parent / s for s in schedules),
        aliases=dict(aliases),
        launchpad=_launchpad(_table(data, "launchpad", path), path),
        gerrit=_gerrit(_table(data, "gerrit", path), path),
        sync=_sync(_table(data, "sync", path), path),
        imports=_import(_table(data, "import", path), path),
        meeting=_meeting(_table(data, "meeting", path), path),
        status=_status(_table(data, "status", path), path),
        path=path,
    )


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"config file {path}: [{key}] must be a table")
    return value


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _optional_path(table: dict[str, Any], key: str, path: Path) -> Path | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"config file {path}: '{key}' must be a path")
    return path.parent / Path(value).expanduser()


def _url(value: object, key: str, where: str) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in {"http", "https"}:
        raise ConfigError(f"{where}: '{key}' must be an http(s) URL")
    if urlsplit(value).username or urlsplit(value).password:
        raise ConfigError(f"{where}: '{key}' must not contain credentials")
    return value


def _launchpad(table: dict[str, Any], path: Path) -> LaunchpadSettings:
    where = f"config file {path} [launchpad]"
    root = table.get("service_root", "production")
    root = LAUNCHPAD_ROOTS.get(root, root) if isinstance(root, str) else root
    return LaunchpadSettings(
        service_root=_url(root, "service_root", where),
        projects=_strings(table, "projects", where),
        credentials_file=_optional_path(table, "credentials_file", path),
    )


def _gerrit(table: dict[str, Any], path: Path) -> GerritSettings:
    where = f"config file {path} [gerrit]"
    username = table.get("username")
    if username is not None and not isinstance(username, str):
        raise ConfigError(f"{where}: 'username' must be a string")
    if "password" in table:
        raise ConfigError(
            f"{where}: put the password in password_file or ${GERRIT_PASSWORD_ENV}, "
            "not in the config"
        )
    return GerritSettings(
        url=_url(table.get("url", "https://review.opendev.org"), "url", where).rstrip("/"),
        projects=_strings(table, "projects", where),
        username=username,
        password_file=_optional_path(table, "password_file", path),
    )


def _hosts(table: dict[str, Any], where: str) -> tuple[str, ...]:
    hosts = _strings(table, "allowed_hosts", where)
    AllowedHosts.of(hosts, f"{where} allowed_hosts")  # a bad entry fails at load time
    return hosts


def _sync(table: dict[str, Any], path: Path) -> SyncSection:
    where = f"config file {path} [sync]"
    hosts = _hosts(table, where) if "allowed_hosts" in table else None
    numbers = {}
    for key, default in (("overlap_minutes", 10), ("lookback_days", 90)):
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: '{key}' must be a non-negative integer")
        numbers[key] = value
    return SyncSection(hosts, numbers["overlap_minutes"], numbers["lookback_days"])


def _import(table: dict[str, Any], path: Path) -> ImportSection:
    return ImportSection(_hosts(table, f"config file {path} [import]"))


def _meeting(table: dict[str, Any], path: Path) -> MeetingSection:
    where = f"config file {path} [meeting]"
    values = {k: table.get(k) for k in ("weekday", "time")}
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{where}: '{key}' must be a string")
    return MeetingSection(values["weekday"], values["time"])


def _status(table: dict[str, Any], path: Path) -> StatusSection:
    where = f"config file {path} [status]"
    stall = table.get("stall_days", 21)
    threshold = table.get("suggest_threshold", 0.5)
    if not isinstance(stall, int) or isinstance(stall, bool) or stall < 1:
        raise ConfigError(f"{where}: 'stall_days' must be a positive integer")
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise ConfigError(f"{where}: 'suggest_threshold' must be between 0 and 1")
    return StatusSection(stall, float(threshold))
