"""Several teams in one config, and the request budget with its per-host interval (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncsvc.adapters.budget import RequestBudget
from syncsvc.cli.wiring import relink_settings, request_budget, sync_settings
from syncsvc.config import Config, load_config
from syncsvc.errors import BudgetExhaustedError, ConfigError, ErrorKind


def _config(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "syncsvc.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


TWO_TEAMS = """\
[teams.cinder]
launchpad_projects = ["cinder", "python-cinderclient"]
gerrit_projects = ["openstack/cinder", "openstack/python-cinderclient"]
cycle = "2025.1"

[teams.manila]
launchpad_projects = ["manila"]
gerrit_projects = ["openstack/manila"]
"""


class TestTeams:
    def test_teams_tables_are_read_with_their_projects(self, tmp_path: Path) -> None:
        """Each [teams.NAME] table gives that team's projects and cycle."""
        teams = _config(tmp_path, TWO_TEAMS).all_teams()
        assert list(teams) == ["cinder", "manila"]
        assert teams["cinder"].launchpad_projects == ("cinder", "python-cinderclient")
        assert teams["cinder"].cycle == "2025.1"
        assert teams["manila"].gerrit_projects == ("openstack/manila",)

    def test_single_team_form_is_one_team(self, tmp_path: Path) -> None:
        """[launchpad]/[gerrit] projects are the team named by `team` (cycle included)."""
        cfg = _config(
            tmp_path,
            'team = "manila"\ncycle = "wallaby"\n[launchpad]\nprojects = ["manila"]\n'
            '[gerrit]\nprojects = ["openstack/manila", "openstack/manila-ui"]\n',
        )
        team = cfg.all_teams()["manila"]
        assert (team.launchpad_projects, team.gerrit_projects, team.cycle) == (
            ("manila",),
            ("openstack/manila", "openstack/manila-ui"),
            "wallaby",
        )

    def test_single_team_without_a_name_is_default(self, tmp_path: Path) -> None:
        """Without `team`, the single-team form is the team "default"."""
        cfg = _config(tmp_path, '[launchpad]\nprojects = ["manila"]\n')
        assert list(cfg.all_teams()) == ["default"]

    def test_single_team_settings_keep_their_scopes(self, tmp_path: Path) -> None:
        """The single-team form polls as before: one Gerrit scope of all its projects."""
        cfg = _config(
            tmp_path,
            '[launchpad]\nprojects = ["manila"]\n[gerrit]\nprojects = ["openstack/b", "openstack/a"]\n',
        )
        settings = sync_settings(cfg)
        assert settings.launchpad_projects == ("manila",)
        assert settings.gerrit_groups == (("openstack/b", "openstack/a"),)
        assert relink_settings(cfg).team_projects == ("openstack/b", "openstack/a", "manila")

    def test_every_team_gets_its_own_gerrit_scope(self, tmp_path: Path) -> None:
        """All teams: every Launchpad project, and one Gerrit group per team."""
        settings = sync_settings(_config(tmp_path, TWO_TEAMS))
        assert settings.launchpad_projects == ("cinder", "python-cinderclient", "manila")
        assert settings.gerrit_groups == (
            ("openstack/cinder", "openstack/python-cinderclient"),
            ("openstack/manila",),
        )

    def test_one_team_is_chosen_by_name(self, tmp_path: Path) -> None:
        """`--team manila` keeps manila's projects only."""
        cfg = _config(tmp_path, TWO_TEAMS)
        settings = sync_settings(cfg, cfg.teams_named("manila"))
        assert (settings.launchpad_projects, settings.gerrit_groups) == (
            ("manila",),
            (("openstack/manila",),),
        )
        assert settings.polled_elsewhere == (
            "cinder",
            "python-cinderclient",
            "openstack/cinder",
            "openstack/python-cinderclient",
        )
        assert sync_settings(cfg).polled_elsewhere == ()

    def test_a_teams_cycle_is_its_imports_default(self, tmp_path: Path) -> None:
        """An import for cinder defaults to [teams.cinder] cycle; other teams to `cycle`."""
        cfg = _config(tmp_path, 'cycle = "wallaby"\n' + TWO_TEAMS)
        assert [cfg.default_cycle(t) for t in ("cinder", "manila", None)] == [
            "2025.1",
            "wallaby",
            "wallaby",
        ]

    def test_unknown_team_is_a_config_error(self, tmp_path: Path) -> None:
        """An unknown team name is a ConfigError naming the configured teams."""
        cfg = _config(tmp_path, TWO_TEAMS)
        with pytest.raises(ConfigError) as caught:
            cfg.teams_named("nova")
        assert str(caught.value) == "unknown team 'nova' (configured teams: cinder, manila)"

    def test_unknown_team_key_is_refused(self, tmp_path: Path) -> None:
        """A misspelt key in a team table is an error naming the key."""
        with pytest.raises(ConfigError, match="unknown key 'gerrit_project'"):
            _config(tmp_path, '[teams.nova]\ngerrit_project = ["openstack/nova"]\n')

    def test_http_section_bounds(self, tmp_path: Path) -> None:
        """[http] max_requests_per_run must be positive, min_interval_ms non-negative."""
        cfg = _config(tmp_path, "[http]\nmax_requests_per_run = 40\nmin_interval_ms = 250\n")
        assert (cfg.http.max_requests_per_run, cfg.http.min_interval_ms) == (40, 250)
        with pytest.raises(ConfigError, match="'max_requests_per_run' must be a positive"):
            _config(tmp_path, "[http]\nmax_requests_per_run = 0\n")


def test_budget_from_the_http_section(tmp_path: Path) -> None:
    """[http] gives the run's budget: its request limit and the interval in seconds."""
    cfg = _config(tmp_path, "[http]\nmax_requests_per_run = 40\nmin_interval_ms = 250\n")
    budget = request_budget(cfg)
    assert (budget.max_requests, budget.min_interval) == (40, 0.25)
    assert request_budget(_config(tmp_path, "")).max_requests is None


class _Clock:
    """A monotonic clock that moves only when the fake sleep sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


class TestBudget:
    def test_counts_requests_per_host(self) -> None:
        """Every request is counted against its scheme, host and port."""
        budget = RequestBudget()
        for url in ("https://api.launchpad.net/devel/manila", "https://a:b@review.opendev.org/x"):
            budget.spend(url)
        budget.spend("https://API.launchpad.net/devel/bugs/1")
        assert dict(budget.per_host) == {
            "https://api.launchpad.net": 2,
            "https://review.opendev.org": 1,
        }
        assert budget.sent == 3

    def test_spent_budget_refuses_and_counts_nothing(self) -> None:
        """Past max_requests, spend raises BudgetExhaustedError (exit kind "budget")."""
        budget = RequestBudget(2)
        budget.spend("https://h/1")
        budget.spend("https://h/2")
        with pytest.raises(BudgetExhaustedError) as caught:
            budget.spend("https://h/3")
        assert caught.value.kind is ErrorKind.BUDGET
        assert str(caught.value) == "request budget of 2 requests spent"
        assert (budget.sent, budget.exhausted) == (2, True)

    def test_waits_the_interval_per_host_only(self) -> None:
        """A second request to one host waits what is left of the interval; another host
        does not wait."""
        clock = _Clock()
        budget = RequestBudget(min_interval=0.5, clock=clock, sleep=clock.sleep)
        budget.spend("https://a/1")
        budget.spend("https://b/1")
        clock.now += 0.2
        budget.spend("https://a/2")
        clock.now += 1.0
        budget.spend("https://a/3")
        assert clock.slept == [0.3]
        assert budget.waited == pytest.approx(0.3)

    def test_back_to_back_requests_are_spaced(self) -> None:
        """Three immediate requests to one host are spaced by the interval."""
        clock = _Clock()
        budget = RequestBudget(min_interval=0.25, clock=clock, sleep=clock.sleep)
        for n in range(3):
            budget.spend(f"https://a/{n}")
        assert clock.slept == [0.25, 0.25]
