"""A poll's records put aside in a temporary file and read back in time order.

Gerrit answers a poll newest first, and the engine saves it oldest first, so that
each committed batch can carry its cursor (see :mod:`syncsvc.sync.engine`). Held
in a list, 200,000 changes take hundreds of MB; put aside, a poll costs its
records on disk (about 1 KB each, in the system's temporary directory) plus
16 bytes each in memory for their times and places in the file.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Generic, Self, TypeVar

import numpy as np

T = TypeVar("T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class Spilled(Generic[T]):
    """``items`` written to a temporary file as they come, read back ordered by ``key``.

    Iterating yields them in ascending ``key`` order, ties in the order they came,
    exactly as ``sorted(items, key=key)`` would; each iteration reads the file
    again. ``key`` must return timezone-aware datetimes. Use as a context manager
    (or call :meth:`close`) to delete the file.
    """

    def __init__(self, items: Iterable[T], key: Callable[[T], datetime]) -> None:
        self._file = tempfile.TemporaryFile(prefix="syncsvc-poll-")  # noqa: SIM115 (closed by close())
        self._ends = array("q")
        times = array("q")
        try:
            for item in items:
                self._file.write(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
                self._ends.append(self._file.tell())
                times.append((key(item) - _EPOCH) // _MICROSECOND)
        except BaseException:
            self.close()
            raise
        self._order = np.argsort(np.frombuffer(times, dtype=np.int64), kind="stable")

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[T]:
        for i in self._order.tolist():
            start = self._ends[i - 1] if i else 0
            self._file.seek(start)
            yield pickle.loads(self._file.read(self._ends[i] - start))  # noqa: S301 (our own file)

    def close(self) -> None:
        """Delete the file."""
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
