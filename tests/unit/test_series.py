"""The bundled list of OpenStack series names and numbers."""

from __future__ import annotations

import pytest

from syncsvc.errors import ConfigError
from syncsvc.schedule import series


class TestSeries:
    """Names, numbers and the nearest-name suggestion."""

    def test_list_runs_austin_to_indri(self) -> None:
        """The list starts at austin and ends at 2027.1 indri, in order."""
        names = [s.name for s in series.SERIES]
        assert names[0] == "austin"
        assert (series.SERIES[-1].name, series.SERIES[-1].number) == ("indri", "2027.1")
        assert names.index("wallaby") < names.index("antelope") < names.index("flamingo")
        assert len(names) == len(set(names)) == 35

    def test_numbers_start_at_antelope(self) -> None:
        """Only 2023.1 antelope onwards carry a number."""
        numbered = [(s.number, s.name) for s in series.SERIES if s.number]
        assert numbered[0] == ("2023.1", "antelope")
        assert [n for n, _ in numbered] == [
            "2023.1", "2023.2", "2024.1", "2024.2", "2025.1", "2025.2", "2026.1", "2026.2",
            "2027.1",
        ]  # fmt: skip

    @pytest.mark.parametrize(
        ("given", "name"),
        [("wallaby", "wallaby"), ("Wallaby", "wallaby"), ("2025.2", "flamingo"), (" zed ", "zed")],
    )
    def test_known(self, given: str, name: str) -> None:
        """A name in any case or a number resolves to the series name."""
        assert series.resolve(given) == name

    def test_unknown_suggests_nearest(self) -> None:
        """A misspelt name is a ConfigError whose hint names the nearest series."""
        with pytest.raises(ConfigError) as caught:
            series.resolve("walaby")
        assert str(caught.value) == "unknown release cycle 'walaby'"
        assert caught.value.hint == "did you mean wallaby?"

    def test_unknown_without_near_name(self) -> None:
        """Nothing close: the hint says where the names come from."""
        with pytest.raises(ConfigError) as caught:
            series.resolve("qqqqqqq")
        assert (
            caught.value.hint
            == "an OpenStack series name such as wallaby, or a number such as 2025.2"
        )
