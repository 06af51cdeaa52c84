"""The TOML team configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncsvc.config import EXAMPLE_CONFIG, Config, load_config
from syncsvc.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    """Write ``text`` as a config file and return its path."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(text)
    return path


class TestLoadConfig:
    """Reading and validating the config file."""

    def test_example_config(self, tmp_path) -> None:
        """The example `syncsvc init` writes loads with the Manila defaults."""
        cfg = load_config(write(tmp_path, EXAMPLE_CONFIG))
        assert (cfg.team, cfg.cycle) == ("manila", "wallaby")
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
