"""Tests for the bundled release schedules and schedule loading."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from syncsvc.errors import ConfigError
from syncsvc.schedule.releases import (
    Schedules,
    SeriesSchedule,
    Week,
    load_schedules,
    parse_schedule,
)

EXTRA_XENA = """\
series: Xena
cycle:
- name: R-1
  start: '2021-09-27'
  end: '2021-10-01'
  x-project: [x-1]
"""

EXTRA_ZED = """\
start-week: 2022-04-04
cycle:
- end: '2022-03-30'
  start: '2022-03-28'
  x-project: [y-final]
- name: R-26
  start: '2022-04-04'
  end: '2022-04-08'
  x-project: [z-ptg]
- name: R-20
  start: '2022-05-16'
  end: '2022-05-20'
  x-project: [z-1]
"""


BUNDLED = (
    "ocata", "pike", "queens", "rocky", "stein", "train", "ussuri", "victoria", "wallaby", "xena", "yoga", "zed", "antelope", "bobcat", "caracal", "dalmatian",
    "epoxy", "flamingo", "gazpacho", "hibiscus", "indri",
)  # fmt: skip


@pytest.fixture(scope="module")
def schedules() -> Schedules:
    """The bundled schedules, loaded once."""
    return load_schedules()


class TestBundledWallaby:
    def test_ptg_week(self, schedules):
        """The Wallaby PTG is the week of 2020-10-26..30."""
        week = schedules["wallaby"].milestone_week("ptg")
        assert week == Week("R-24", date(2020, 10, 26), date(2020, 10, 30), ("w-ptg",))

    @pytest.mark.parametrize(
        ("name", "start", "end"),
        [
            ("1", date(2020, 11, 30), date(2020, 12, 4)),
            ("2", date(2021, 1, 18), date(2021, 1, 22)),
            ("3", date(2021, 3, 8), date(2021, 3, 12)),
            ("rc1", date(2021, 3, 22), date(2021, 3, 26)),
            ("final", date(2021, 4, 12), date(2021, 4, 16)),
            ("manila-spec-freeze", date(2020, 12, 21), date(2020, 12, 25)),
            ("ff", date(2021, 3, 8), date(2021, 3, 12)),
        ],
    )
    def test_milestone_weeks(self, schedules, name, start, end):
        """Each Wallaby milestone sits in the week openstack/releases gives."""
        week = schedules["wallaby"].milestone_week(name)
        assert week is not None
        assert (week.start, week.end) == (start, end)

    def test_marker_week_takes_full_marker(self, schedules):
        """marker_week looks markers up with their series prefix."""
        week = schedules["wallaby"].marker_week("W-RC1")
        assert week is not None
        assert week.name == "R-3"

    def test_unknown_marker(self, schedules):
        """An unknown marker or milestone has no week."""
        assert schedules["wallaby"].marker_week("w-9") is None
        assert schedules["wallaby"].milestone_week("cinder-spec-freeze") is None

    def test_top_level_weeks(self, schedules):
        """start-week and release-week are read from the top of the file."""
        wallaby = schedules["wallaby"]
        assert (wallaby.start_week, wallaby.release_week) == (date(2020, 10, 19), date(2021, 5, 3))


class TestBundledSeries:
    def test_names_in_cycle_order(self, schedules):
        """The bundled series, Ocata to 2027.1 Indri, are listed oldest first."""
        assert schedules.names() == BUNDLED
        assert list(schedules) == list(BUNDLED)
        assert len(schedules) == 21

    @pytest.mark.parametrize(
        ("series", "name", "end"),
        [
            ("victoria", "1", date(2020, 6, 19)),
            ("victoria", "manila-spec-freeze", date(2020, 7, 10)),
            ("victoria", "final", date(2020, 10, 16)),
            ("xena", "ptg", date(2021, 4, 23)),
            ("xena", "2", date(2021, 7, 16)),
            ("xena", "manila-spec-freeze", date(2021, 6, 25)),
            ("yoga", "ptg", date(2021, 10, 22)),
            ("yoga", "3", date(2022, 2, 25)),
            ("yoga", "final", date(2022, 3, 30)),
        ],
    )
    def test_other_series_milestones(self, schedules, series, name, end):
        """Victoria, Xena and Yoga milestones end on the expected dates."""
        week = schedules[series].milestone_week(name)
        assert week is not None
        assert week.end == end

    def test_lookup_is_case_insensitive(self, schedules):
        """Series names are looked up case-insensitively."""
        assert "Wallaby" in schedules
        assert schedules["WALLABY"].series == "wallaby"
        assert "Hibiscus" in schedules
        assert "newton" not in schedules

    def test_yoga_typo_corrected(self, schedules):
        """Upstream's R-13 end-date typo (2022-12-31) does not make Yoga span 2022."""
        assert schedules.series_for(date(2022, 6, 1)) == "zed"
        assert schedules["yoga"].weeks[-1].end == date(2022, 3, 30)


class TestLaterSeries:
    """Zed (2022.2) to Gazpacho (2026.1), written from openstack/releases' schedule.yaml."""

    @pytest.mark.parametrize(
        ("series", "name", "start", "end"),
        [
            ("zed", "ptg", date(2022, 4, 4), date(2022, 4, 8)),
            ("zed", "2", date(2022, 7, 11), date(2022, 7, 15)),
            ("antelope", "1", date(2022, 11, 14), date(2022, 11, 18)),
            ("antelope", "final", date(2023, 3, 20), date(2023, 3, 24)),
            ("bobcat", "ptg", date(2023, 3, 27), date(2023, 3, 31)),
            ("bobcat", "2", date(2023, 7, 3), date(2023, 7, 7)),
            ("caracal", "ptg", date(2023, 10, 23), date(2023, 10, 27)),
            ("caracal", "rc1", date(2024, 3, 11), date(2024, 3, 15)),
            ("dalmatian", "1", date(2024, 5, 13), date(2024, 5, 17)),
            ("dalmatian", "2", date(2024, 7, 1), date(2024, 7, 5)),
            ("dalmatian", "3", date(2024, 8, 26), date(2024, 8, 30)),
            ("dalmatian", "ff", date(2024, 8, 26), date(2024, 8, 30)),
            ("epoxy", "ptg", date(2024, 10, 21), date(2024, 10, 25)),
            ("epoxy", "2", date(2025, 1, 6), date(2025, 1, 10)),
            ("flamingo", "3", date(2025, 8, 25), date(2025, 8, 29)),
            ("flamingo", "final", date(2025, 9, 29), date(2025, 10, 3)),
            ("gazpacho", "ptg", date(2025, 10, 27), date(2025, 10, 31)),
            ("gazpacho", "rc1", date(2026, 3, 9), date(2026, 3, 13)),
            ("hibiscus", "ptg", date(2026, 4, 20), date(2026, 4, 24)),
            ("hibiscus", "1", date(2026, 5, 11), date(2026, 5, 15)),
            ("hibiscus", "3", date(2026, 8, 24), date(2026, 8, 28)),
            ("hibiscus", "final", date(2026, 9, 28), date(2026, 10, 2)),
            ("indri", "ptg", date(2026, 10, 12), date(2026, 10, 16)),
            ("indri", "2", date(2027, 1, 11), date(2027, 1, 15)),
            ("indri", "rc1", date(2027, 3, 1), date(2027, 3, 5)),
        ],
    )
    def test_milestone_weeks(self, schedules, series, name, start, end):
        """Each later series has its PTG, milestone, feature-freeze, RC1 and release weeks."""
        week = schedules[series].milestone_week(name)
        assert week is not None
        assert (week.start, week.end) == (start, end)

    def test_countdown_weeks_are_contiguous(self, schedules):
        """Every later series counts R-n down to R+0 in consecutive Monday-to-Friday weeks."""
        for series in BUNDLED[BUNDLED.index("zed") :]:
            weeks = schedules[series].weeks
            assert weeks[-1].name == "R+0"
            assert weeks[-1].start == schedules[series].release_week
            assert [w.name for w in weeks] == [f"R-{n}" for n in range(len(weeks) - 1, 0, -1)] + [
                "R+0"
            ]
            for before, after in itertools.pairwise(weeks):
                assert (after.start - before.start).days == 7
                assert (before.end - before.start).days == 4

    @pytest.mark.parametrize(
        ("day", "series"),
        [
            (date(2022, 4, 6), "zed"),
            (date(2023, 1, 10), "antelope"),
            (date(2023, 3, 29), "bobcat"),
            (date(2024, 1, 15), "caracal"),
            (date(2024, 6, 12), "dalmatian"),
            (date(2025, 2, 3), "epoxy"),
            (date(2025, 7, 1), "flamingo"),
            (date(2026, 1, 20), "gazpacho"),
            (date(2026, 7, 1), "hibiscus"),
            (date(2026, 12, 4), "indri"),
        ],
    )
    def test_dates_of_later_cycles(self, schedules, day, series):
        """Dates of 2022-2027 fall in the series whose countdown weeks hold them."""
        assert schedules.series_for(day) == series


class TestOlderSeries:
    """Ocata to Ussuri (2017-2020), written from openstack/releases' schedule.yaml."""

    @pytest.mark.parametrize(
        ("series", "start", "end"),
        [
            ("pike", date(2017, 2, 20), date(2017, 2, 24)),  # Atlanta, Feb 20-24
            ("queens", date(2017, 9, 11), date(2017, 9, 15)),  # Denver, Sep 11-15
            ("rocky", date(2018, 2, 26), date(2018, 3, 2)),  # Dublin, Feb 26 - Mar 2
            ("stein", date(2018, 9, 10), date(2018, 9, 14)),  # Denver, Sep 10-14
            ("train", date(2019, 4, 29), date(2019, 5, 3)),  # Denver, May 2-4 (after the summit)
            ("ussuri", date(2019, 11, 4), date(2019, 11, 8)),  # Shanghai, Nov 6-8
        ],
    )
    def test_ptg_week(self, schedules, series, start, end):
        """Each series' PTG week is the week its team PTG was held in."""
        week = schedules[series].milestone_week("ptg")
        assert week is not None
        assert (week.start, week.end) == (start, end)

    def test_ocata_had_no_ptg(self, schedules):
        """Ocata (planned at the Barcelona design summit) has no PTG week."""
        assert schedules["ocata"].milestone_week("ptg") is None

    @pytest.mark.parametrize(
        ("series", "name", "start", "end"),
        [
            ("ocata", "1", date(2016, 11, 14), date(2016, 11, 18)),
            ("ocata", "final", date(2017, 2, 20), date(2017, 2, 24)),
            ("pike", "2", date(2017, 6, 5), date(2017, 6, 9)),
            ("pike", "manila-spec-freeze", date(2017, 4, 10), date(2017, 4, 14)),
            ("queens", "rc1", date(2018, 2, 5), date(2018, 2, 9)),
            ("rocky", "2", date(2018, 6, 4), date(2018, 6, 8)),
            ("rocky", "final", date(2018, 8, 27), date(2018, 8, 31)),
            ("stein", "ff", date(2019, 3, 4), date(2019, 3, 8)),
            ("stein", "final", date(2019, 4, 8), date(2019, 4, 12)),
            ("train", "3", date(2019, 9, 9), date(2019, 9, 13)),
            ("train", "final", date(2019, 10, 14), date(2019, 10, 18)),
            ("ussuri", "1", date(2019, 12, 9), date(2019, 12, 13)),
            ("ussuri", "final", date(2020, 5, 11), date(2020, 5, 15)),
        ],
    )
    def test_milestone_weeks(self, schedules, series, name, start, end):
        """Milestones, feature freeze, RC1 and the release ("<x>-release" before Train) resolve."""
        week = schedules[series].milestone_week(name)
        assert week is not None
        assert (week.start, week.end) == (start, end)

    @pytest.mark.parametrize(
        ("day", "series"),
        [
            (date(2017, 2, 21), "ocata"),  # the Pike PTG week is Ocata's R+0
            (date(2017, 3, 1), "pike"),
            (date(2018, 2, 27), "queens"),  # the Rocky PTG week is Queens' R+0
            (date(2018, 9, 12), "stein"),
            (date(2019, 5, 2), "train"),
            (date(2020, 5, 12), "ussuri"),
        ],
    )
    def test_dates_of_older_cycles(self, schedules, day, series):
        """A kept unnamed PTG week does not take its dates from the previous cycle."""
        assert schedules.series_for(day) == series


class TestSeriesFor:
    @pytest.mark.parametrize(
        ("day", "series"),
        [
            (date(2020, 11, 5), "wallaby"),
            (date(2020, 10, 14), "victoria"),
            (date(2020, 10, 19), "wallaby"),
            (date(2021, 4, 16), "wallaby"),
            (date(2021, 4, 19), "xena"),
            (date(2021, 12, 29), "yoga"),
            (date(2020, 5, 18), "victoria"),
        ],
    )
    def test_date_in_cycle(self, schedules, day, series):
        """A date maps to the series whose countdown weeks contain it."""
        assert schedules.series_for(day) == series

    def test_date_outside_all_cycles(self, schedules):
        """A date before every bundled cycle maps to no series."""
        assert schedules.series_for(date(2016, 1, 1)) is None

    def test_countdown_weeks_win_over_unnamed_weeks(self):
        """An unnamed leading week (the previous final) does not claim the date."""
        old = SeriesSchedule("old", (Week("R-0", date(2022, 3, 28), date(2022, 4, 1)),))
        new = SeriesSchedule("new", (Week(None, date(2022, 3, 28), date(2022, 4, 1)),))
        assert Schedules([old, new]).series_for(date(2022, 3, 30)) == "old"
        assert Schedules([new]).series_for(date(2022, 3, 30)) == "new"


class TestExtraFiles:
    def test_extra_file_adds_series(self, tmp_path: Path):
        """An extra file named zed.yaml replaces the bundled 'zed' series; unnamed weeks load too."""
        path = tmp_path / "zed.yaml"
        path.write_text(EXTRA_ZED, encoding="utf-8")
        schedules = load_schedules([path])
        assert schedules.names() == BUNDLED
        zed = schedules["zed"]
        assert zed.weeks[0] == Week(None, date(2022, 3, 28), date(2022, 3, 30), ("y-final",))
        assert zed.milestone_week("1") == Week(
            "R-20", date(2022, 5, 16), date(2022, 5, 20), ("z-1",)
        )
        assert zed.start_week == date(2022, 4, 4)
        assert schedules.series_for(date(2022, 4, 6)) == "zed"
        assert schedules.series_for(date(2022, 3, 29)) == "yoga"

    def test_series_key_overrides_bundled(self, tmp_path: Path):
        """A top-level 'series: Xena' replaces the bundled Xena whatever the file name."""
        path = tmp_path / "custom.yaml"
        path.write_text(EXTRA_XENA, encoding="utf-8")
        schedules = load_schedules([path])
        assert "custom" not in schedules
        week = schedules["xena"].milestone_week("1")
        assert week is not None
        assert week.start == date(2021, 9, 27)
        assert schedules["xena"].milestone_week("ptg") is None

    def test_later_extra_file_wins(self, tmp_path: Path):
        """Of two extra files for the same series, the later one wins."""
        first = tmp_path / "first.yaml"
        first.write_text(EXTRA_XENA, encoding="utf-8")
        second = tmp_path / "xena.yaml"
        second.write_text(
            "cycle:\n- name: R-2\n  start: '2021-09-20'\n  end: '2021-09-24'\n  x-project: [x-1]\n",
            encoding="utf-8",
        )
        week = load_schedules([first, second])["xena"].milestone_week("1")
        assert week is not None
        assert week.name == "R-2"


class TestErrors:
    def test_bad_yaml_names_file(self, tmp_path: Path):
        """Unparseable YAML raises a one-line ConfigError naming the file."""
        path = tmp_path / "broken.yaml"
        path.write_text("cycle:\n  - name: R-1\n   start: [oops\n", encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_schedules([path])
        message = str(info.value)
        assert str(path) in message
        assert "invalid YAML" in message
        assert "\n" not in message

    def test_missing_file(self, tmp_path: Path):
        """A missing extra file raises ConfigError naming it."""
        path = tmp_path / "absent.yaml"
        with pytest.raises(ConfigError, match=r"absent\.yaml"):
            load_schedules([path])

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("- just\n- a list\n", "expected a mapping at the top level"),
            ("series: zed\n", "'cycle' must be a list of weeks"),
            ("cycle:\n- name: R-1\n  start: soon\n  end: '2021-01-01'\n", "cycle[0].start"),
            ("cycle:\n- start: '2021-01-08'\n  end: '2021-01-04'\n", "is before start"),
            (
                "cycle:\n- start: '2021-01-04'\n  end: '2021-01-08'\n  x-project: w-1\n",
                "'x-project'",
            ),
            ("series: 7\ncycle: []\n", "'series' must be a non-empty string"),
        ],
    )
    def test_bad_shape(self, text, fragment):
        """Structurally wrong files raise ConfigError naming the source and the problem."""
        with pytest.raises(ConfigError) as info:
            parse_schedule(text, source="bad.yaml", default_series="bad")
        assert "bad.yaml" in str(info.value)
        assert fragment in str(info.value)


class TestReleaseMarker:
    def test_final_is_found_as_release(self):
        """A schedule marking its release week '<x>-release' (Ocata to Stein) has a final week."""
        text = (
            "series: stein\ncycle:\n"
            "- name: R+0\n  start: '2019-04-08'\n  end: '2019-04-12'\n  x-project: [s-release]\n"
        )
        week = parse_schedule(text, source="stein.yaml", default_series="stein").milestone_week(
            "final"
        )
        assert week is not None
        assert (week.start, week.end) == (date(2019, 4, 8), date(2019, 4, 12))

    def test_milestone_names_the_marker_found(self, schedules):
        """milestone() names the marker found: r-release for Rocky's final, w-final for Wallaby's."""
        rocky = schedules["rocky"].milestone("final")
        wallaby = schedules["wallaby"].milestone("final")
        assert (rocky[0] if rocky else None, wallaby[0] if wallaby else None) == (
            "r-release",
            "w-final",
        )

    def test_final_marker_wins_over_release(self):
        """Where both exist, '<x>-final' is the final week."""
        text = (
            "series: train\ncycle:\n"
            "- name: R-1\n  start: '2019-10-07'\n  end: '2019-10-11'\n  x-project: [t-release]\n"
            "- name: R+0\n  start: '2019-10-14'\n  end: '2019-10-18'\n  x-project: [t-final]\n"
        )
        week = parse_schedule(text, source="train.yaml", default_series="train").milestone_week(
            "final"
        )
        assert week is not None
        assert week.name == "R+0"
