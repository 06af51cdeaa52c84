"""Kept word statistics: a pool scores with them exactly as with its own (issues 13, 14)."""

from __future__ import annotations

from syncsvc.reconcile import weights
from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.reconcile.weights import WordStats, word_stats, words
from syncsvc.testing.reconcile_baseline import EVENT_START, generate


class TestWordStats:
    def test_a_pool_given_its_own_statistics_scores_alike(self) -> None:
        """Statistics computed over the pool's records (and read back from JSON) give every
        action the candidates, scores and evidence the pool computes by itself."""
        data = generate(40, 400, seed=7)
        args = (data.changes, data.bugs, data.identities, data.team_projects)
        stats = WordStats.from_json(word_stats(*args).to_json())
        assert stats == word_stats(*args)
        own, kept = CandidatePool(*args), CandidatePool(*args, stats)
        scored = [own.score(a, EVENT_START, limit=4) for a in data.actions]
        assert sum(map(len, scored)) > 40
        assert scored == [kept.score(a, EVENT_START, limit=4) for a in data.actions]

    def test_kept_statistics_do_not_move_with_new_records(self) -> None:
        """A pool given older statistics weighs words by them, not by its own records."""
        data = generate(10, 200, seed=7)
        old = word_stats(data.changes[:100], data.bugs, data.identities, data.team_projects)
        pool = CandidatePool(data.changes, data.bugs, data.identities, data.team_projects, old)
        fresh = CandidatePool(data.changes, data.bugs, data.identities, data.team_projects)
        action = data.actions[0]
        kept, own = pool.score(action, EVENT_START), fresh.score(action, EVENT_START)
        assert kept
        assert [c.score for c in kept] != [c.score for c in own]
        everything = word_stats(data.changes, data.bugs, data.identities, data.team_projects)
        assert old.records < everything.records


class TestStemMemo:
    def test_numbers_are_not_memoised(self) -> None:
        """A number in a title is no word and takes no place in the stem memo (issue 14)."""
        found = words("Synthetic change 8765432 (sample data)")
        assert found == frozenset({"synthet", "sampl", "data"})
        assert "8765432" not in weights._STEMS
        assert weights._STEMS["synthetic"] == "synthet"
