"""Constants the browser tests share: viewports and where screenshots go.

Kept out of ``conftest.py`` so tests can import them by a name no other test
folder uses (several folders have a ``conftest`` module).
"""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "browser"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def artifact(name: str) -> Path:
    """Where a test saves the file NAME it leaves for people to look at (the folder is made)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
