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

from syncsvc.errors import ConfigError

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
"""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings read from the config file; every field has a safe default."""

    team: str | None = None
    cycle: str | None = None
    database: str | None = None
    schedules: tuple[Path, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


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
        path=path,
    )
