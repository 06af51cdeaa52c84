"""The lazy ``syncsvc.domain`` package: every name resolves, and only on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from syncsvc import domain


class TestLazyDomain:
    """``syncsvc.domain`` imports a submodule when one of its names is first used."""

    def test_every_exported_name_resolves_to_its_submodule(self) -> None:
        """Each name of ``__all__`` is the object its submodule defines."""
        assert set(domain.__all__) == set(domain._WHERE)
        for name in domain.__all__:
            value = getattr(domain, name)
            module = sys.modules[f"syncsvc.domain.{domain._WHERE[name]}"]
            assert value is getattr(module, name), name

    def test_unknown_name_raises_attribute_error(self) -> None:
        """An unknown name raises AttributeError naming it, as a module would."""
        with pytest.raises(AttributeError, match="no_such_record"):
            _ = domain.no_such_record
        assert "Link" in dir(domain)

    def test_a_status_enum_loads_no_record_class(self) -> None:
        """Importing the package and a status enum leaves the record modules unloaded."""
        code = (
            "import sys\n"
            "from syncsvc.domain import LinkStatus, ArtifactKey\n"
            "print(sorted(m for m in sys.modules if m.startswith('syncsvc.domain')))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == str(
            ["syncsvc.domain", "syncsvc.domain.keys", "syncsvc.domain.statuses"]
        )
