"""The TOML team configuration."""

from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path

import pytest

from syncsvc.config import EXAMPLE_CONFIG, Config, config_path, load_config
from syncsvc.errors import ConfigError
from syncsvc.reconcile.diff import diff
from syncsvc.reconcile.state import assess
from syncsvc.sync.engine import SyncSettings
from syncsvc.sync.relink import relink


def write(tmp_path: Path, text: str) -> Path:
    """Write ``text`` as a config file and return its path."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(text)
    return path


class TestLoadConfig:
    """Reading and validating the config file."""

    def test_example_config(self, tmp_path) -> None:
        """The example `syncsvc init` writes loads with the Manila projects, no team or cycle."""
        cfg = load_config(write(tmp_path, EXAMPLE_CONFIG))
        assert (cfg.team, cfg.cycle) == (None, None)
        assert cfg.aliases["gouthamr"] == "Goutham Pacha Ravi"
        assert cfg.launchpad.service_root == "https://api.launchpad.net/"
        assert cfg.launchpad.projects == ("manila", "python-manilaclient", "manila-ui")
        assert cfg.gerrit.url == "https://review.opendev.org"
        assert "openstack/manila-specs" in cfg.gerrit.projects
        assert str(cfg.allowed_hosts()) == (
            "api.launchpad.net, bugs.launchpad.net, launchpad.net, review.opendev.org"
        )
        assert (cfg.sync.overlap_minutes, cfg.sync.lookback_days) == (10, 90)
        assert (cfg.meeting.weekday, cfg.meeting.time) == ("thursday", "15:00")
        assert (cfg.status.stall_days, cfg.status.suggest_threshold) == (21, 0.5)

    def test_defaults_without_file(self) -> None:
        """No file means anonymous production services and no projects."""
        cfg = load_config(None)
        assert cfg == Config()
        assert cfg.gerrit.projects == ()

    def test_allowed_hosts_are_enforced(self, tmp_path) -> None:
        """A host outside the allow-list is refused with a one-line error."""
        cfg = load_config(write(tmp_path, '[sync]\nallowed_hosts = ["review.opendev.org"]\n'))
        cfg.check_host("https://review.opendev.org/changes/")
        with pytest.raises(ConfigError, match=r"api\.launchpad\.net is not in"):
            cfg.check_host("https://api.launchpad.net/devel/")

    def test_default_sync_hosts_follow_the_configured_services(self, tmp_path) -> None:
        """Without [sync] allowed_hosts: Launchpad's hosts, the service root's and Gerrit's."""
        cfg = load_config(
            write(
                tmp_path,
                '[launchpad]\nservice_root = "staging"\n[gerrit]\nurl = "http://127.0.0.1:8080"\n',
            )
        )
        assert str(cfg.allowed_hosts()) == (
            "http://127.0.0.1:8080, api.launchpad.net, api.staging.launchpad.net, "
            "bugs.launchpad.net, bugs.staging.launchpad.net, launchpad.net, staging.launchpad.net"
        )
        assert not cfg.allowed_hosts().allows("http://127.0.0.1:8081/")

    def test_import_hosts_add_to_the_archives_only(self, tmp_path) -> None:
        """[import] allowed_hosts widens import's list; [sync] stays as it was, and back."""
        cfg = load_config(
            write(
                tmp_path,
                '[sync]\nallowed_hosts = ["review.opendev.org"]\n'
                '[import]\nallowed_hosts = ["http://127.0.0.1:8080"]\n',
            )
        )
        assert str(cfg.import_hosts()) == (
            "http://127.0.0.1:8080, http://lists.openinfra.dev, http://lists.openstack.org, "
            "lists.openinfra.dev, lists.openstack.org"
        )
        assert str(cfg.allowed_hosts()) == "review.opendev.org"
        assert str(Config().import_hosts()) == (
            "http://lists.openinfra.dev, http://lists.openstack.org, "
            "lists.openinfra.dev, lists.openstack.org"
        )

    @pytest.mark.parametrize("section", ["sync", "import"])
    def test_bad_host_entry_is_one_config_error(self, tmp_path, section) -> None:
        """An allowed_hosts entry that is not a host fails the load, naming file and section."""
        path = write(tmp_path, f'[{section}]\nallowed_hosts = ["https://example.org/path"]\n')
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        assert str(raised.value) == (
            f"config file {path} [{section}] allowed_hosts: "
            "'https://example.org/path' is not a host"
        )

    def test_password_never_in_config(self, tmp_path) -> None:
        """A password written in the config is refused; file and env are the ways."""
        with pytest.raises(ConfigError, match="password_file"):
            load_config(write(tmp_path, '[gerrit]\nusername = "a"\npassword = "s3cret"\n'))

    def test_password_sources(self, tmp_path, monkeypatch) -> None:
        """The env var wins over the password file; the file path is relative to the config."""
        (tmp_path / "pw").write_text("from-file\n")
        cfg = load_config(write(tmp_path, '[gerrit]\nusername = "a"\npassword_file = "pw"\n'))
        monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
        assert cfg.gerrit.password() == "from-file"
        monkeypatch.setenv("SYNCSVC_GERRIT_PASSWORD", "from-env")
        assert cfg.gerrit.password() == "from-env"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("team = 3\n", "'team' must be a string"),
            ("[gerrit]\nurl = 'ftp://x'\n", r"must be an http\(s\) URL"),
            ("[gerrit]\nurl = 'https://u:p@x'\n", "must not contain credentials"),
            ("[launchpad]\nprojects = 'manila'\n", "must be a list of strings"),
            ("[sync]\noverlap_minutes = -1\n", "non-negative integer"),
            ("launchpad = 1\n", "must be a table"),
            ("team = [", "is not valid TOML"),
            ("[meeting]\nweekday = 4\n", "'weekday' must be a string"),
            ("[status]\nstall_days = 0\n", "positive integer"),
            ("[status]\nsuggest_threshold = 2\n", "between 0 and 1"),
        ],
    )
    def test_invalid(self, tmp_path, text, message) -> None:
        """Each invalid value names the file and the key."""
        with pytest.raises(ConfigError, match=message):
            load_config(write(tmp_path, text))

    def test_missing_file(self, tmp_path) -> None:
        """A --config path that does not exist is an error."""
        with pytest.raises(ConfigError, match="does not exist"):
            load_config(tmp_path / "nope.toml")


def load_error(path: Path) -> str:
    """The message of the ConfigError that loading ``path`` raises."""
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return str(raised.value)


class TestUnknownKeysAndTypes:
    """Keys the schema does not declare and values of the wrong type fail in one line."""

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            (
                "[statuss]\nstall_days = 30\n",
                ": unknown section [statuss] (did you mean [status]?)",
            ),
            (
                "[sync]\noverlap_minute = 5\n",
                " [sync]: unknown key 'overlap_minute' (did you mean 'overlap_minutes'?)",
            ),
            (
                "[meeting]\nday = 'thursday'\n",
                " [meeting]: unknown key 'day' (did you mean 'weekday'?)",
            ),
            ("overlap_minutes = 5\n", ": unknown key 'overlap_minutes'"),
            ("[import]\nhosts = []\n", " [import]: unknown key 'hosts'"),
        ],
    )
    def test_unknown_key_is_an_error(self, tmp_path, text, problem) -> None:
        """An unknown section or key fails the load with one line naming file and key."""
        path = write(tmp_path, text)
        message = load_error(path)
        assert message == f"config file {path}{problem}"
        assert "\n" not in message

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("team = 3\n", ": 'team' must be a string"),
            (
                "[sync]\noverlap_minutes = '10'\n",
                " [sync]: 'overlap_minutes' must be a non-negative integer",
            ),
            (
                "[sync]\nlookback_days = 1.5\n",
                " [sync]: 'lookback_days' must be a non-negative integer",
            ),
            ("[status]\nstall_days = true\n", " [status]: 'stall_days' must be a positive integer"),
            (
                "[status]\nsuggest_threshold = 'high'\n",
                " [status]: 'suggest_threshold' must be between 0 and 1",
            ),
            (
                "[launchpad]\nprojects = ['manila', 3]\n",
                " [launchpad]: 'projects' must be a list of strings",
            ),
            ("[gerrit]\npassword_file = 3\n", " [gerrit]: 'password_file' must be a path"),
            ("[gerrit]\nurl = 3\n", " [gerrit]: 'url' must be an http(s) URL"),
            (
                "[sync]\nallowed_hosts = 'review.opendev.org'\n",
                " [sync]: 'allowed_hosts' must be a list of strings",
            ),
            ("schedules = ['zed.yaml', 2]\n", ": 'schedules' must be a list of paths"),
            ("[aliases]\ngouthamr = 1\n", ": [aliases] must map nicks to names"),
            ("status = 'on'\n", ": [status] must be a table"),
        ],
    )
    def test_wrong_type_is_an_error(self, tmp_path, text, problem) -> None:
        """A value of the wrong type fails the load with one line naming file, section and key."""
        path = write(tmp_path, text)
        message = load_error(path)
        assert message == f"config file {path}{problem}"
        assert "\n" not in message

    def test_valid_values_of_every_type_load(self, tmp_path) -> None:
        """Integers where a float is asked, paths beside the file and named roots load."""
        path = write(
            tmp_path,
            'schedules = ["zed.yaml"]\n[status]\nsuggest_threshold = 1\n'
            '[launchpad]\nservice_root = "qastaging"\ncredentials_file = "lp"\n',
        )
        cfg = load_config(path)
        assert cfg.schedules == (tmp_path / "zed.yaml",)
        assert cfg.status.suggest_threshold == 1.0
        assert cfg.launchpad.service_root == "https://api.qastaging.launchpad.net/"
        assert cfg.launchpad.credentials_file == tmp_path / "lp"


class TestEnvironment:
    """The documented SYNCSVC_* variables still override the file."""

    def test_config_file_from_the_environment(self, tmp_path, monkeypatch) -> None:
        """--config wins over $SYNCSVC_CONFIG, which wins over the user config directory."""
        home = tmp_path / "home"
        home.mkdir()
        (home / "syncsvc.toml").write_text('team = "home"\n')
        named = write(tmp_path, 'team = "named"\n')
        monkeypatch.delenv("SYNCSVC_CONFIG", raising=False)
        assert config_path(None, home) == home / "syncsvc.toml"
        assert config_path(None, tmp_path / "nowhere") is None
        monkeypatch.setenv("SYNCSVC_CONFIG", str(named))
        assert load_config(config_path(None, home)).team == "named"
        assert config_path(tmp_path / "explicit.toml", home) == tmp_path / "explicit.toml"

    def test_password_from_the_environment_beats_the_file(self, tmp_path, monkeypatch) -> None:
        """$SYNCSVC_GERRIT_PASSWORD is used even when password_file cannot be read."""
        cfg = load_config(write(tmp_path, '[gerrit]\nusername = "a"\npassword_file = "nope"\n'))
        monkeypatch.setenv("SYNCSVC_GERRIT_PASSWORD", "from-env")
        assert cfg.gerrit.password() == "from-env"
        monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD")
        with pytest.raises(ConfigError, match="cannot read Gerrit password file"):
            cfg.gerrit.password()


class TestDefaultsDefinedOnce:
    """The engine and the reconciler default to the config's own defaults."""

    def test_engine_and_reconciler_defaults_are_the_configs(self) -> None:
        """SyncSettings, relink, diff and assess use the defaults the config declares."""
        cfg = Config()
        settings = SyncSettings()
        assert settings.overlap == timedelta(minutes=cfg.sync.overlap_minutes)
        assert settings.lookback == timedelta(days=cfg.sync.lookback_days)
        assert inspect.signature(relink).parameters["stall_days"].default == cfg.status.stall_days
        assert inspect.signature(assess).parameters["stall_days"].default == cfg.status.stall_days
        thresholds = {inspect.signature(f).parameters["threshold"].default for f in (relink, diff)}
        assert thresholds == {cfg.status.suggest_threshold}

    def test_example_config_shows_the_defaults(self, tmp_path) -> None:
        """The example `syncsvc init` writes states each default as the model has it."""
        example = load_config(write(tmp_path, EXAMPLE_CONFIG))
        defaults = Config()
        assert example.sync.overlap_minutes == defaults.sync.overlap_minutes
        assert example.sync.lookback_days == defaults.sync.lookback_days
        assert example.status == defaults.status
        assert example.squash == defaults.squash
        assert example.gerrit.url == defaults.gerrit.url
        assert (
            example.gerrit.ci_accounts == defaults.gerrit.ci_accounts == ("zuul", "elastic-recheck")
        )
        assert example.launchpad.service_root == defaults.launchpad.service_root
