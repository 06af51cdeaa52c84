"""scripts/_venv.sh: the install step of ./scripts/demo and ./scripts/test stays quiet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

VENV_SH = Path(__file__).resolve().parents[2] / "scripts" / "_venv.sh"
# What setuptools emits on a strict editable install: a warning whose message starts
# "Editable installation." followed by a 10-line banner.
BANNER = "Editable installation.\\n!!\\n  Strict editable installation performed using ...\\n!!"
FAKE_PYTHON = f"""#!/bin/sh
# Stands in for .venv/bin/python: records pip's arguments; the editable install
# warns as setuptools does.
echo "$@" >> "$(dirname "$0")/calls"
case "$*" in
  *editable_mode=strict*) exec {sys.executable} -c 'import warnings; warnings.warn("{BANNER}")';;
esac
"""


@pytest.fixture
def fake_venv(tmp_path: Path) -> Path:
    """A project folder whose .venv/bin/python is FAKE_PYTHON (nothing is installed)."""
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return tmp_path


class TestEnsureVenv:
    """`ensure_venv` installs on every run, without setuptools' banner."""

    def test_install_hides_the_editable_banner(self, fake_venv: Path) -> None:
        """The editable install runs with the banner's warning filtered: stderr stays empty."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
        done = subprocess.run(
            ["bash", "-c", f". {VENV_SH}; ensure_venv '.[test,lint]'"],
            cwd=fake_venv, env={**env, "PYTHON": sys.executable},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        calls = (fake_venv / ".venv" / "bin" / "calls").read_text().splitlines()
        assert calls[-1].endswith("editable_mode=strict -e .[test,lint]")
