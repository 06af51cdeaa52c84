"""The team configuration file (TOML), read into a typed, validated model.

The model below is the schema: each section is a frozen :mod:`msgspec` struct
that refuses keys it does not declare, and each key's type (with its bounds)
is checked when the file is read. A file that does not fit fails with one
:class:`~syncsvc.errors.ConfigError` line naming the file, the section and the
key. Every default is defined once, by the constants below, which the engine,
the reconciler and the example config read too.

Precedence for the settings that have an override: command-line option, then
environment variable (``$SYNCSVC_DATABASE_URL`` for ``database``,
``$SYNCSVC_GERRIT_PASSWORD`` instead of ``[gerrit] password_file``), then the
config file, then the default. The file is found at ``--config PATH``, else
``$SYNCSVC_CONFIG``, else ``syncsvc.toml`` in the user config directory (only
if it exists).
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import urlsplit

import msgspec

from syncsvc.errors import ConfigError
from syncsvc.hosts import ARCHIVE_HOSTS, LAUNCHPAD_HOSTS, AllowedHosts, Origin

# --- defaults: each defined here only ---------------------------------------------------

SERVICE_ROOT = "production"  # Launchpad's API root, or its name in LAUNCHPAD_ROOTS
GERRIT_URL = "https://review.opendev.org"
OVERLAP_MINUTES = 10  # a sync asks again for what changed this long before its cursor
LOOKBACK_DAYS = 90  # how far back the first sync of a project looks
STALL_DAYS = 21  # linked open work idle longer than this is stalled
LOW_HANGING_TAG = "low-hanging-fruit"
# Launchpad accounts of the OpenStack infrastructure and its Gerrit hook, and Launchpad's
# own janitor, which expires old Incomplete bugs.
BOTS: tuple[str, ...] = ("hudson-openstack", "openstack-infra", "janitor")
# Gerrit accounts (username or full name) of CI systems: their messages and votes are
# no review. OpenDev's Zuul and its elastic-recheck bot; third-party CIs are per team.
GERRIT_CI_ACCOUNTS: tuple[str, ...] = ("zuul", "elastic-recheck")
SUGGEST_THRESHOLD = 0.5  # candidate links scoring at least this are suggested
MIN_INTERVAL_MS = 0  # milliseconds between two requests to one host (0: no wait)
DEFAULT_TEAM = "default"  # the team of a config without [teams] tables or `team`

_CI = ", ".join(f'"{name}"' for name in GERRIT_CI_ACCOUNTS)
EXAMPLE_CONFIG = f"""\
# syncsvc team configuration (TOML). Every key is optional.

# Defaults for `syncsvc import` when the summary does not say: uncomment and
# set them to your team and the current series, or pass --team/--cycle.
# team = "manila"
# cycle = "wallaby"

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
service_root = "{SERVICE_ROOT}"
projects = ["manila", "python-manilaclient", "manila-ui"]
# OAuth credentials written by launchpadlib's login_with(); anonymous if unset.
# credentials_file = "~/.config/syncsvc/launchpad-credentials"

[gerrit]
url = "{GERRIT_URL}"
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
# CI accounts (usernames or full names): their messages and votes are no review
# in `retro`'s time to first review. Add your third-party CIs.
ci_accounts = [{_CI}]

[sync]
# Only these hosts are ever contacted by `sync`, `drift --apply` and the like,
# redirects and page links included (default: Launchpad's API and web hosts,
# the service root and the Gerrit URL above). An entry is "host" (https),
# "host:port" or "http://host:port".
# allowed_hosts = ["review.opendev.org", "api.launchpad.net"]
overlap_minutes = {OVERLAP_MINUTES}
lookback_days = {LOOKBACK_DAYS}
# PostgreSQL only: several `sync` workers at once, each (source, scope) claimed
# by one of them, instead of one sync at a time per database.
# scope_locks = true

# Several teams in one database (OpenStack-wide): one table per team, each with
# its own projects; `syncsvc sync --team NAME` syncs one, `sync` all of them.
# The [launchpad]/[gerrit] projects above, if any, are the team named by `team`.
# [teams.cinder]
# launchpad_projects = ["cinder", "python-cinderclient"]
# gerrit_projects = ["openstack/cinder", "openstack/python-cinderclient"]
# cycle = "2025.1"

[http]
# At most this many requests per `sync` run (unset: no limit); a run that spends
# it stops cleanly (exit 8) and the next one continues from the cursors.
# max_requests_per_run = 500
# Milliseconds between two requests to the same host.
min_interval_ms = {MIN_INTERVAL_MS}

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
stall_days = {STALL_DAYS}
# Candidate links scoring at least this are suggested (never confirmed).
suggest_threshold = {SUGGEST_THRESHOLD}

[squash]
# Also keep every open bug of the [launchpad] projects for `syncsvc squash`: one
# request per open bug on the first sync, then only bugs modified since.
open_bugs = false
# The tag that marks easy bugs, and accounts whose changes never count as work.
low_hanging_tag = "{LOW_HANGING_TAG}"
bots = ["hudson-openstack", "openstack-infra", "janitor"]
"""


LAUNCHPAD_ROOTS = {
    "production": "https://api.launchpad.net/",
    "staging": "https://api.staging.launchpad.net/",
    "qastaging": "https://api.qastaging.launchpad.net/",
}
GERRIT_PASSWORD_ENV = "SYNCSVC_GERRIT_PASSWORD"  # noqa: S105 (a variable name, not a secret)
CONFIG_ENV = "SYNCSVC_CONFIG"

# --- value types: what a key must be, as its error message says it ----------------------


def _must(what: str, **bounds: Any) -> msgspec.Meta:
    """Bounds for msgspec, and what the key ``must`` be for the error message."""
    return msgspec.Meta(description=what, **bounds)


Text = Annotated[str, _must("be a string")]
Texts = Annotated[tuple[str, ...], _must("be a list of strings")]
FilePath = Annotated[Path, _must("be a path")]
Url = Annotated[str, _must("be an http(s) URL")]
NonNegative = Annotated[int, _must("be a non-negative integer", ge=0)]
Positive = Annotated[int, _must("be a positive integer", ge=1)]
Flag = Annotated[bool, _must("be true or false")]
Fraction = Annotated[float, _must("be between 0 and 1", ge=0, le=1)]


class _Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A config table: unknown keys are errors."""


class LaunchpadSettings(_Section, frozen=True):
    """The [launchpad] section."""

    service_root: Url = LAUNCHPAD_ROOTS[SERVICE_ROOT]
    projects: Texts = ()
    credentials_file: FilePath | None = None


class GerritSettings(_Section, frozen=True):
    """The [gerrit] section; the password itself is read only when connecting."""

    url: Url = GERRIT_URL
    projects: Texts = ()
    username: Text | None = None
    password_file: FilePath | None = None
    ci_accounts: Texts = GERRIT_CI_ACCOUNTS

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


class SyncSection(_Section, frozen=True):
    """The [sync] section."""

    allowed_hosts: Texts | None = None
    overlap_minutes: NonNegative = OVERLAP_MINUTES
    lookback_days: NonNegative = LOOKBACK_DAYS
    scope_locks: Flag = False


class TeamSettings(_Section, frozen=True):
    """A ``[teams.<name>]`` table: the team's projects and, optionally, its cycle."""

    launchpad_projects: Texts = ()
    gerrit_projects: Texts = ()
    cycle: Text | None = None


class HttpSection(_Section, frozen=True):
    """The [http] section: how much and how fast a sync run may ask."""

    max_requests_per_run: Positive | None = None
    min_interval_ms: NonNegative = MIN_INTERVAL_MS


class ImportSection(_Section, frozen=True):
    """The [import] section: hosts `import URL` may use besides the mail archives."""

    allowed_hosts: Texts = ()


class MeetingSection(_Section, frozen=True):
    """The [meeting] section: weekly slot in UTC (weekday name, HH:MM)."""

    weekday: Text | None = None
    time: Text | None = None


class StatusSection(_Section, frozen=True):
    """The [status] section."""

    stall_days: Positive = STALL_DAYS
    suggest_threshold: Fraction = SUGGEST_THRESHOLD


class SquashSection(_Section, frozen=True):
    """The [squash] section: the open-bug sync and what squash lists treat specially."""

    open_bugs: bool = False
    low_hanging_tag: Text = LOW_HANGING_TAG
    bots: Texts = BOTS


class Config(_Section, frozen=True):
    """Settings read from the config file; every field has a safe default."""

    team: Text | None = None
    cycle: Text | None = None
    database: Text | None = None
    schedules: Annotated[tuple[Path, ...], _must("be a list of paths")] = ()
    aliases: Annotated[dict[str, str], _must("map nicks to names")] = {}
    launchpad: LaunchpadSettings = msgspec.field(default_factory=LaunchpadSettings)
    gerrit: GerritSettings = msgspec.field(default_factory=GerritSettings)
    sync: SyncSection = msgspec.field(default_factory=SyncSection)
    http: HttpSection = msgspec.field(default_factory=HttpSection)
    teams: Annotated[dict[str, TeamSettings], _must("be tables of teams")] = {}
    imports: ImportSection = msgspec.field(default_factory=ImportSection, name="import")
    meeting: MeetingSection = msgspec.field(default_factory=MeetingSection)
    status: StatusSection = msgspec.field(default_factory=StatusSection)
    squash: SquashSection = msgspec.field(default_factory=SquashSection)

    def all_teams(self) -> dict[str, TeamSettings]:
        """Every team, by name: the ``[teams.*]`` tables, plus the single-team form
        (``[launchpad]``/``[gerrit]`` projects, named by ``team`` or "default") when
        it lists any project. A ``[teams.*]`` table of that name adds its projects."""
        teams = dict(self.teams)
        if self.launchpad.projects or self.gerrit.projects:
            name = self.team or DEFAULT_TEAM
            extra = teams.get(name, TeamSettings(cycle=self.cycle))
            teams[name] = msgspec.structs.replace(
                extra,
                launchpad_projects=_merged(self.launchpad.projects, extra.launchpad_projects),
                gerrit_projects=_merged(self.gerrit.projects, extra.gerrit_projects),
            )
        return dict(sorted(teams.items()))

    def default_cycle(self, team: str | None) -> str | None:
        """The cycle for an import of ``team`` (else the config's ``team``): its
        ``[teams.NAME] cycle`` when set, else the config's ``cycle``."""
        settings = self.teams.get(team or self.team or "")
        if settings is not None and settings.cycle is not None:
            return settings.cycle
        return self.cycle

    def teams_named(self, name: str | None) -> dict[str, TeamSettings]:
        """The team ``name`` (all of them for ``None``); ConfigError for an unknown one."""
        teams = self.all_teams()
        if name is None:
            return teams
        if name not in teams:
            known = ", ".join(teams) or "none"
            raise ConfigError(
                f"unknown team '{name}' (configured teams: {known})",
                hint="add a [teams.NAME] table to the config, or check --team",
            )
        return {name: teams[name]}

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


def _merged(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def config_target(explicit: Path | None, default_dir: Path) -> Path:
    """Where the config file is: ``explicit``, else ``$SYNCSVC_CONFIG``, else
    ``syncsvc.toml`` in ``default_dir`` (whether or not it exists yet)."""
    if explicit is not None:
        return explicit
    if env := os.environ.get(CONFIG_ENV):
        return Path(env)
    return default_dir / "syncsvc.toml"


def config_path(explicit: Path | None, default_dir: Path) -> Path | None:
    """The config file to read, or ``None`` when none is given and none exists."""
    target = config_target(explicit, default_dir)
    if explicit is not None or os.environ.get(CONFIG_ENV):
        return target
    return target if target.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and validate the TOML config at ``path`` (``None`` → defaults).

    Raises :class:`ConfigError` naming the file for a missing file, bad TOML, an
    unknown key or section, or a value of the wrong type; the error names the key.
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
    gerrit = data.get("gerrit")
    if isinstance(gerrit, dict) and "password" in gerrit:
        raise ConfigError(
            f"config file {path} [gerrit]: put the password in password_file or "
            f"${GERRIT_PASSWORD_ENV}, not in the config"
        )
    try:
        cfg = msgspec.convert(data, Config, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        raise _explain(exc, path, data) from None
    return _resolve(cfg, path)


def _decode_path(kind: type, value: Any) -> Any:
    """msgspec hook: a TOML string → :class:`Path` (relative ones are resolved later)."""
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise ValueError  # msgspec reports it as a type error at the key


def _resolve(cfg: Config, path: Path) -> Config:
    """Paths made relative to the config file, named service roots expanded, URLs and
    allowed hosts checked (a bad entry fails at load time, not on first use)."""
    where = f"config file {path}"
    launchpad, gerrit = cfg.launchpad, cfg.gerrit
    root = LAUNCHPAD_ROOTS.get(launchpad.service_root, launchpad.service_root)
    if cfg.sync.allowed_hosts is not None:
        AllowedHosts.of(cfg.sync.allowed_hosts, f"{where} [sync] allowed_hosts")
    AllowedHosts.of(cfg.imports.allowed_hosts, f"{where} [import] allowed_hosts")
    return msgspec.structs.replace(
        cfg,
        schedules=tuple(path.parent / s for s in cfg.schedules),
        launchpad=msgspec.structs.replace(
            launchpad,
            service_root=_url(root, "service_root", f"{where} [launchpad]"),
            credentials_file=_beside(path, launchpad.credentials_file),
        ),
        gerrit=msgspec.structs.replace(
            gerrit,
            url=_url(gerrit.url, "url", f"{where} [gerrit]").rstrip("/"),
            password_file=_beside(path, gerrit.password_file),
        ),
    )


def _beside(config: Path, value: Path | None) -> Path | None:
    return None if value is None else config.parent / value.expanduser()


def _url(value: str, key: str, where: str) -> str:
    if urlsplit(value).scheme not in {"http", "https"}:
        raise ConfigError(f"{where}: '{key}' must be an http(s) URL")
    if urlsplit(value).username or urlsplit(value).password:
        raise ConfigError(f"{where}: '{key}' must not contain credentials")
    return value


# --- msgspec's validation errors as one line naming the file, section and key ------------

_ERROR = re.compile(r"(?P<what>.*?)(?: - at `\$(?P<at>[^`]*)`)?")
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<key>.*)`")


def _explain(error: msgspec.ValidationError, path: Path, data: dict[str, Any]) -> ConfigError:
    """``error`` as a :class:`ConfigError`: "config file F [section]: 'key' must be …" or
    "… unknown key 'key'" (with the closest known key, if one is close)."""
    parsed = _ERROR.fullmatch(str(error))
    assert parsed is not None  # the pattern matches any text
    at = re.sub(r"\[[^\]]*\]", "", parsed["at"] or "")  # "$.sync.hosts[1]": the key is hosts
    keys = at.split(".")[1:]
    kinds = _field_types(Config, keys)
    if unknown := _UNKNOWN.fullmatch(parsed["what"]):
        key = unknown["key"]
        where = f"config file {path}" + "".join(f" [{k}]" for k in keys)
        known = [f.encode_name for f in msgspec.structs.fields(_struct_in(kinds[-1]))]
        is_section = not keys and isinstance(data.get(key), dict)
        name = f"section [{key}]" if is_section else f"key '{key}'"
        return ConfigError(f"{where}: unknown {name}{_did_you_mean(key, known, is_section)}")
    where = f"config file {path}" + "".join(f" [{k}]" for k in keys[:-1])
    must = _must_of(kinds[-1])
    if len(keys) == 1 and _is_table(kinds[-1]):  # a section, or [aliases]
        return ConfigError(f"{where}: [{keys[0]}] must {must or 'be a table'}")
    if not keys or must is None:  # not expected: every key declares what it must be
        return ConfigError(f"{where}: {parsed['what']}")
    return ConfigError(f"{where}: '{keys[-1]}' must {must}")


def _field_types(root: type[msgspec.Struct], keys: list[str]) -> list[Any]:
    """The struct ``root`` and the declared type at each key of ``keys`` under it."""
    types: list[Any] = [root]
    for key in keys:
        fields = {f.encode_name: f.type for f in msgspec.structs.fields(_struct_in(types[-1]))}
        types.append(fields[key])
    return types


def _struct_in(kind: Any) -> Any:
    """The struct a declared type holds: itself, or inside Annotated, ``| None`` or a
    table of structs (``dict[str, S]``, whose errors are at ``$.table[...].key``)."""
    while not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
        args = [a for a in get_args(kind) if a is not type(None)]
        kind = args[-1] if get_origin(kind) is dict else args[0]
    return kind


def _must_of(kind: Any) -> str | None:
    """What a value of the declared type ``kind`` must be (its msgspec.Meta description)."""
    if get_origin(kind) is Annotated:
        return next(
            (m.description for m in get_args(kind)[1:] if isinstance(m, msgspec.Meta)), None
        )
    if get_origin(kind) in {Union, UnionType}:
        return next(filter(None, map(_must_of, get_args(kind))), None)
    return None


def _is_table(kind: Any) -> bool:
    base = get_args(kind)[0] if get_origin(kind) is Annotated else kind
    return get_origin(base) is dict or (isinstance(base, type) and issubclass(base, msgspec.Struct))


def _did_you_mean(key: str, known: list[str], is_section: bool) -> str:
    import difflib  # noqa: PLC0415  # only when a key is wrong

    close = difflib.get_close_matches(key, known, n=1)
    if not close:
        return ""
    return f" (did you mean [{close[0]}]?)" if is_section else f" (did you mean '{close[0]}'?)"
