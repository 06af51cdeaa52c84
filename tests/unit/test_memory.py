"""release_memory: collects garbage, trims glibc's free pages where it can (issue 14)."""

from __future__ import annotations

import gc
import weakref

import pytest

from syncsvc.sync import memory


class _Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


class TestReleaseMemory:
    def test_cyclic_garbage_is_collected(self) -> None:
        """An unreachable cycle is freed by release_memory with automatic collection off."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            cycle = _Cycle()
            ref = weakref.ref(cycle)
            del cycle
            assert ref() is not None
            memory.release_memory()
            assert ref() is None
        finally:
            if enabled:
                gc.enable()

    def test_trims_with_zero_padding_where_there_is_malloc_trim(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """glibc's malloc_trim is called once, asked to keep no padding."""
        calls: list[int] = []

        def trim(pad: int) -> int:
            calls.append(pad)
            return 1

        monkeypatch.setattr(memory, "_malloc_trim", lambda: trim)
        monkeypatch.setattr(memory, "_mallopt", lambda: None)
        memory.release_memory()
        assert calls == [0]

    def test_fixes_the_mmap_threshold_before_trimming(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """glibc's mmap threshold is set to 128 KiB (which stops its rise), then the trim runs."""
        calls: list[tuple[str, int, int]] = []

        def set_option(option: int, value: int) -> int:
            calls.append(("mallopt", option, value))
            return 1

        def trim(pad: int) -> int:
            calls.append(("trim", pad, 0))
            return 1

        monkeypatch.setattr(memory, "_malloc_trim", lambda: trim)
        monkeypatch.setattr(memory, "_mallopt", lambda: set_option)
        memory.release_memory()
        assert calls == [("mallopt", -3, 131072), ("trim", 0, 0)]

    def test_no_mallopt_without_glibc(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without glibc's malloc_trim (another C library) mallopt is not looked up either."""
        monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
        assert memory._mallopt.__wrapped__() is None

    def test_no_malloc_trim_off_linux(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """On another system there is nothing to trim: only the collection runs."""
        monkeypatch.setattr(memory.sys, "platform", "darwin")
        assert memory._malloc_trim.__wrapped__() is None
        monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
        monkeypatch.setattr(memory, "_mallopt", lambda: None)
        memory.release_memory()  # collects, calls nothing
        assert memory._malloc_trim() is None


class TestReleaseAfter:
    def test_only_after_a_large_fetch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A sync that fetched fewer records than the bound skips the collection; one that
        fetched as many releases once."""
        calls: list[None] = []
        monkeypatch.setattr(memory, "release_memory", lambda: calls.append(None))
        assert memory.release_after(memory.RELEASE_AFTER - 1) is False
        assert calls == []
        assert memory.release_after(memory.RELEASE_AFTER) is True
        assert calls == [None]
        assert memory.release_after(5, at_least=5) is True
        assert len(calls) == 2
