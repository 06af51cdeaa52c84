"""Warn about credential files that other users can read, as ssh does for keys."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)


def warn_if_too_open(path: Path) -> bool:
    """Log a warning when ``path`` is readable or writable by group or others.

    The file is still used (ssh refuses a private key; a token file in a shared
    home is worth a warning, not a failed cron run). Returns whether it warned.
    A missing file, or a platform without POSIX modes, gives no warning.
    """
    if os.name != "posix":
        return False
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return False
    if not mode & 0o077:
        return False
    log.warning(
        "permissions %04o for '%s' are too open; "
        "it should be readable by you only (chmod 600 '%s')",
        mode,
        path,
        path,
    )
    return True
