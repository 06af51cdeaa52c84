"""Hand memory a finished phase freed back to the operating system (issue 14's peak RSS).

A first sync reads and writes every record on several threads before its relink.
What those reads leave may be garbage not yet collected, or free memory that glibc
keeps (in the threads' own arenas the relink on the calling thread does not allocate
from): either sits under the relink's peak. :func:`release_memory` collects the garbage
and asks glibc to return its free pages (``malloc_trim``); where there is no glibc it
only collects. At 4k bugs + 40k changes it took the RSS at the relink's start from 141
to 132 MB.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` from the running process, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # noqa: PLC0415  # only here: commands that never sync need not import it

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # another C library (musl has no malloc_trim)
        return None
    return trim


@cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt`` from the running process, or None where there is none."""
    if _malloc_trim() is None:  # not glibc
        return None
    import ctypes  # noqa: PLC0415  # as in _malloc_trim

    try:
        set_option: Callable[[int, int], int] = ctypes.CDLL(None).mallopt
    except AttributeError:
        return None
    return set_option


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
#: Blocks of this size or more get pages of their own, returned to the system when freed.
MMAP_THRESHOLD = 128 * 1024


def release_memory() -> None:
    """Collect cyclic garbage, then give glibc's free pages back (a no-op without glibc).

    glibc also stops raising its mmap threshold from here on. Its default threshold
    (128 KiB) rises to the size of each large block freed (up to 32 MiB), after which
    blocks that large, such as the relink's NumPy arrays, are carved from the heap,
    whose freed space stays in RSS under later peaks; set explicitly, the threshold stays
    put, so a large block gets pages of its own and gives them back when freed.
    """
    gc.collect()
    if (set_option := _mallopt()) is not None:
        set_option(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    if (trim := _malloc_trim()) is not None:
        trim(0)


#: Records a sync must have fetched before its memory is handed back ahead of the relink.
#: A full collection walks every live object (0.1-0.3 s in a large process); after a
#: first sync of tens of thousands of records that is nothing beside the memory it
#: returns, while a cron run's few records leave nothing worth it.
RELEASE_AFTER = 10_000


def release_after(fetched: int, *, at_least: int = RELEASE_AFTER) -> bool:
    """:func:`release_memory` when a phase ``fetched`` at least ``at_least`` records;
    whether it did."""
    if fetched < at_least:
        return False
    release_memory()
    return True
