"""Re-import matching: which stored topics and actions a new version of a summary updates.

The action texts paraphrase a Cinder PTG summary's action items; no database.
"""

from __future__ import annotations

from syncsvc.domain import ActionSlot
from syncsvc.parse.reimport import REIMPORT, match_actions, match_texts, shares_content

REVIEW = "review the os-brick patches for NVMe-oF"
REVIEW_EDITED = "review the os-brick patches for NVMe-oF multipath"
SPEC = "write the spec for volume re-image"
DOCS = "update the docs for the new default volume type"


def slots(*texts: str, withdrawn: tuple[int, ...] = ()) -> list[ActionSlot]:
    """Stored actions at positions 0, 1, …; those in ``withdrawn`` are withdrawn."""
    return [ActionSlot(text, i, i in withdrawn) for i, text in enumerate(texts)]


class TestMatchTexts:
    def test_equal_texts_pair_first_in_order(self):
        """Equal texts pair even when they moved; duplicates pair in order."""
        assert match_texts([SPEC, REVIEW, REVIEW], [REVIEW, SPEC, REVIEW], 0.6) == {
            0: 1,
            1: 0,
            2: 2,
        }

    def test_light_edits_pair_and_strangers_do_not(self):
        """A lightly edited text pairs over the threshold; an unrelated one does not."""
        assert match_texts([REVIEW_EDITED, "plan the bug squash"], [REVIEW, SPEC], 0.6) == {0: 0}

    def test_the_best_ratio_wins(self):
        """Two old texts near one new one: the closer one is taken."""
        assert match_texts([REVIEW_EDITED], [REVIEW[:-3], REVIEW], 0.6) == {0: 1}


class TestMatchActions:
    def test_unmatched_actions_pair_by_position_when_the_count_is_kept(self):
        """A rewritten action keeps its id at the same position if the topic kept its size."""
        old = slots(REVIEW, SPEC)
        assert match_actions([REVIEW, DOCS], old) == {0: 0, 1: 1}

    def test_no_position_pairing_when_the_count_changes(self):
        """With an action added, only text pairs count."""
        assert match_actions([REVIEW, DOCS, "plan the bug squash"], slots(REVIEW, SPEC)) == {0: 0}

    def test_withdrawn_actions_pair_by_text_only(self):
        """A withdrawn action comes back by its text, never by position."""
        old = slots(REVIEW, SPEC, withdrawn=(1,))
        assert match_actions([REVIEW, SPEC], old) == {0: 0, 1: 1}
        withdrawn_first = [
            ActionSlot(SPEC, 0, withdrawn=True),
            ActionSlot(REVIEW, 1, withdrawn=False),
        ]
        assert match_actions([DOCS], withdrawn_first) == {}


class TestSharesContent:
    def test_half_of_the_smaller_set_must_pair(self):
        """One of two actions kept is enough; none kept is another summary."""
        assert shares_content([REVIEW_EDITED, DOCS], [REVIEW, SPEC]) is True
        assert shares_content([DOCS, "plan the bug squash"], [REVIEW, SPEC]) is False

    def test_empty_sides(self):
        """A source without current actions takes anything; an empty summary matches nothing."""
        assert shares_content([DOCS], []) is True
        assert shares_content([], [REVIEW]) is False

    def test_the_rules_value_delegates(self):
        """REIMPORT, what the storage is given, answers as the functions do."""
        assert REIMPORT.match_topics(["Cinder: NVMe-oF"], ["Cinder: NVMe-oF"]) == {0: 0}
        assert REIMPORT.match_actions([SPEC], slots(SPEC)) == {0: 0}
        assert REIMPORT.shares_content([SPEC], [SPEC]) is True
