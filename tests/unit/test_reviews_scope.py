"""run_reviews takes a read started ahead (start_reviews) and reads only what it missed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

from syncsvc.domain import ChangeStatus, SaveCounts
from syncsvc.domain.reviews import ChangeReviews
from syncsvc.errors import RemoteError
from syncsvc.sync.engine import SyncSettings
from syncsvc.sync.reviews import StartedReviews, run_reviews, start_reviews

T0 = datetime(2020, 11, 2, 9, 0, tzinfo=UTC)


class Store:
    """The few SyncStore methods the reviews scope uses, recording what it saved."""

    def __init__(self, due: dict[int, tuple[datetime, str]]) -> None:
        self.due = due
        self.saved: list[list[int]] = []
        self.commits = 0

    def reviews_due(self) -> dict[int, tuple[datetime, str]]:
        return dict(self.due)

    def save_reviews(self, found: Sequence[ChangeReviews], *, observed_at: datetime) -> SaveCounts:
        self.saved.append(sorted(r.number for r in found))
        return SaveCounts(inserted=len(found))

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        pass


class Source:
    """A review source whose in-turn reads are recorded; ahead reads are futures it made."""

    def __init__(self, *, ahead: bool = True) -> None:
        self.asked: list[list[int]] = []
        self.ahead_asked: list[list[int]] = []
        self.ahead = ahead

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[object]:
        return iter(())

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[object]:
        return iter(())

    def get_reviews(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[ChangeReviews]:
        wanted = list(numbers)
        self.asked.append(wanted)
        return iter([reviews(n) for n in wanted])

    def reviews_ahead(self, numbers: Sequence[int]) -> Future[list[ChangeReviews]] | None:
        if not self.ahead:
            return None
        self.ahead_asked.append(list(numbers))
        return done([reviews(n) for n in numbers])


def reviews(number: int) -> ChangeReviews:
    """A merged change's (empty) review record."""
    return ChangeReviews(number, T0 + timedelta(days=number % 7), ChangeStatus.MERGED)


def done(result: list[ChangeReviews] | BaseException) -> Future[list[ChangeReviews]]:
    """A finished future holding ``result`` (or raising it)."""
    future: Future[list[ChangeReviews]] = Future()
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
    return future


def due(*numbers: int) -> dict[int, tuple[datetime, str]]:
    """Due entries for ``numbers`` (stored updated, status NEW)."""
    return dict.fromkeys(numbers, (T0, "NEW"))


class TestStartedReviews:
    """The scope reads in its turn only the due changes the started read did not ask for."""

    def test_started_read_is_taken_and_nothing_is_asked_again(self) -> None:
        """All due changes were asked ahead: no request in turn, all of them saved."""
        store, source = Store(due(11, 12)), Source()
        started = start_reviews(store, source, limit=100)  # type: ignore[arg-type]
        assert started is not None
        assert source.ahead_asked == [[11, 12]]
        report = run_reviews(store, source, settings=SyncSettings(), started=started)  # type: ignore[arg-type]
        assert (report.fetched, report.counts.inserted, report.error) == (2, 2, None)
        assert source.asked == []
        assert store.saved == [[11, 12]]

    def test_changes_due_later_are_read_in_turn(self) -> None:
        """A change linked after the read started (a second relink) is read in turn, alone;
        one no longer due is not saved."""
        store, source = Store(due(11, 12)), Source()
        started = start_reviews(store, source, limit=100)  # type: ignore[arg-type]
        store.due = due(12, 13)
        report = run_reviews(store, source, settings=SyncSettings(), started=started)  # type: ignore[arg-type]
        assert source.asked == [[13]]
        assert store.saved == [[12], [13]]
        assert report.fetched == 2

    def test_a_failed_started_read_is_the_scope_error(self) -> None:
        """What the started read raised is the scope's error, in its turn; nothing saved."""
        store, source = Store(due(11)), Source()
        started = StartedReviews(frozenset({11}), done(RemoteError("Gerrit said 500")))
        report = run_reviews(store, source, settings=SyncSettings(), started=started)  # type: ignore[arg-type]
        assert report.error is not None
        assert "Gerrit said 500" in report.error
        assert (source.asked, store.saved) == ([], [])

    def test_a_started_read_holds_one_batch_at_most(self) -> None:
        """Only the first ``limit`` due changes are asked ahead; the rest in turn, by batch."""
        store, source = Store(due(11, 12, 13, 14, 15)), Source()
        started = start_reviews(store, source, limit=2)  # type: ignore[arg-type]
        settings = SyncSettings(batch_size=2)
        report = run_reviews(store, source, settings=settings, started=started)  # type: ignore[arg-type]
        assert source.ahead_asked == [[11, 12]]
        assert source.asked == [[13, 14], [15]]
        assert store.saved == [[11, 12], [13, 14], [15]]
        assert report.fetched == 5

    def test_nothing_due_or_no_ahead_starts_nothing(self) -> None:
        """No due change, or a source that declines (a request budget): no read started."""
        assert start_reviews(Store({}), Source(), limit=100) is None  # type: ignore[arg-type]
        declining = Source(ahead=False)
        assert start_reviews(Store(due(11)), declining, limit=100) is None  # type: ignore[arg-type]
        assert declining.ahead_asked == []
