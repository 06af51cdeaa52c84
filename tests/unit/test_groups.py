"""Grouped suggestions: a commitment's seed change brings the rest of its effort."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from test_reconcile import REJECTED, SUGGESTED, action, change, link, run

from syncsvc.domain import Account, Footers, LinkKind, LinkSource, Ref, RefKind
from syncsvc.reconcile import groups
from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.reconcile.groups import Grouper, common_runs, continues, group_keys, points_back
from syncsvc.reconcile.weights import stems

TOPIC = "Secure RBAC improvements"
_LETTERS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()
# Enough other team changes that "secure" and "rbac" are rare words of the team.
BACKGROUND = [
    change(800100 + i, f"Fix {a} handling in the {b} driver")
    for i, (a, b) in enumerate((a, b) for a in _LETTERS * 2 for b in _LETTERS[:3])
]
GOUTHAMR = Account(7, "gouthamr", "Goutham Pacha Ravi")
SEED = change(900001, "Introduce base personas for secure RBAC", owner=GOUTHAMR)
MEMBERS = [
    change(900002 + i, f"Implement secure RBAC for {what}")
    for i, what in enumerate(["shares", "quotas", "messages", "share networks"])
]
OLDER = change(
    900010, "Implement secure RBAC for services", updated=datetime(2020, 10, 10, tzinfo=UTC)
)
PASSING = change(900011, "Fix secure boot option of the service image")
CHANGES = [*BACKGROUND, SEED, *MEMBERS, OLDER, PASSING]
PROPOSE = action(
    10,
    "gouthamr will propose a spec for policy refresh using new role personas",
    owners=("gouthamr",),
    topic=TOPIC,
)
EFFORT = action(11, "we'll attempt to complete this effort, collaboration is welcome", topic=TOPIC)
JSON_POLICY = action(12, "deprecate the JSON policy file in wallaby", topic=TOPIC)
MEMBER_EVIDENCE = (
    "group of change 900001 (candidate 0.90): shares its subject phrase 'secure rbac';"
    " project manila, 10 days after the event; score 0.95"
)


def added(plan, action_id: int) -> dict[str, tuple[float, str]]:
    """An action's added links: change number → (confidence, evidence)."""
    return {v.id: (v.confidence, v.evidence) for v in plan.add if v.action_id == action_id}


class TestPhrases:
    def test_common_runs_are_maximal_and_two_words_long(self) -> None:
        """Runs of two or more stems in both, maximal; single shared words are no run."""
        mine = ("polici", "secur", "rbac", "persona", "yaml")
        theirs = ("introduc", "base", "persona", "secur", "rbac", "polici")
        assert common_runs(mine, theirs) == {("secur", "rbac")}
        assert common_runs(("remov", "six", "python"), ("remov", "six", "python", "code")) == {
            ("remov", "six", "python")
        }
        assert common_runs(("six",), ("six",)) == set()

    def test_a_phrase_may_have_one_word_between_its_words(self) -> None:
        """'Remove all usage of six library' holds 'remove six' (one word between), and is
        keyed so for the incremental relink; words two apart make no phrase key."""
        keys = group_keys(change(1, "Remove all usage of six library"))
        assert {k for k in keys if k[0] == "phrase"} == {
            ("phrase", "remov", "usag"), ("phrase", "remov", "six"),
            ("phrase", "usag", "six"), ("phrase", "usag", "librari"),
            ("phrase", "six", "librari"),
        }  # fmt: skip
        six = change(900030, "Remove all usage of six library")
        seed = change(900031, "Remove six", owner=GOUTHAMR)
        finish = action(13, "Finish removing six from the client", owners=("gouthamr",))
        found = added(run([finish], [*BACKGROUND, seed, six]), 13)
        assert found["900030"][1].startswith(
            "group of change 900031 (candidate 0.94): shares its subject phrase 'removing six'"
        )

    def test_pointing_back_and_continuing(self) -> None:
        """Demonstratives point back at the topic; 'finish'/'continue' carry an effort on."""
        assert [points_back(t) for t in ("complete this effort", "review these changes",
                                         "the work they're doing", "a spec")] == [
            True, True, False, False,
        ]  # fmt: skip
        assert [continues(t) for t in ("Finish removing six", "eharney will continue adding",
                                       "propose a spec")] == [True, True, False]  # fmt: skip


class TestGroups:
    def test_a_seed_brings_its_phrase_neighbours(self) -> None:
        """The owner's personas change (0.90) brings the four 'secure RBAC' changes of the
        window at 0.95, each naming the seed and the phrase; not the older one, nor a change
        sharing only the word 'secure'."""
        found = added(run([PROPOSE], CHANGES), 10)
        assert sorted(found) == ["900001", "900002", "900003", "900004", "900005"]
        assert found["900001"][0] == 0.902
        assert found["900003"] == (0.95, MEMBER_EVIDENCE)

    def test_a_continuing_commitment_reaches_before_the_event(self) -> None:
        """'continue' takes in the same effort's change from 16 days before the event."""
        going_on = replace(PROPOSE, text="gouthamr will continue the policy refresh with personas")
        found = added(run([going_on], CHANGES), 10)
        assert sorted(found) == ["900001", "900002", "900003", "900004", "900005", "900010"]
        assert found["900010"][1].endswith("16 days before the event; score 0.95")

    def test_the_effort_people_bring_their_other_work_on_its_words(self) -> None:
        """The owner wrote the seed: their 'policy' clean-up (a rare word of the action) joins
        the group, naming who and which word; not their change sharing no rare word, nor
        someone else's 'policy' change."""
        cleanup = change(900020, "Clean up some policy code", owner=GOUTHAMR)
        typo = change(900021, "Fix a typo in the admin guide", owner=GOUTHAMR)
        other = change(900022, "Clean up old policy code", owner=Account(8, "bob", "Bob"))
        found = added(run([PROPOSE], [*CHANGES, cleanup, typo, other]), 10)
        assert sorted(found) == ["900001", "900002", "900003", "900004", "900005", "900020"]
        assert found["900020"] == (
            0.95,
            (
                "group of change 900001 (candidate 0.90): by Goutham Pacha Ravi, who wrote 1 of"
                " its changes; shares 'policy' with the action; project manila, 10 days after"
                " the event; score 0.95"
            ),
        )

    def test_a_sibling_pointing_back_takes_the_topic_group(self) -> None:
        """'this effort' with nothing of its own takes action 10's seed and group, a little
        lower; a sibling that names its own work ('JSON policy file') takes nothing."""
        plan = run([PROPOSE, EFFORT, JSON_POLICY], CHANGES)
        taken = added(plan, 11)
        assert sorted(taken) == sorted(added(plan, 10))
        assert taken["900001"] == (
            0.902,
            (
                "from action 10 of the same topic: its change 900001 (candidate 0.90, with 4"
                " neighbours)"
            ),
        )  # fmt: skip
        assert taken["900002"] == (
            0.902, f"from action 10 of the same topic: {MEMBER_EVIDENCE.replace('900003', '900002')}"
        )  # fmt: skip
        assert added(plan, 12) == {}

    def test_footers_group_around_a_confirmed_change(self) -> None:
        """A change the action names is a seed: the changes implementing its blueprint or
        sharing its Gerrit topic are suggested, never confirmed."""
        bp = Footers(blueprints=("share-metadata",))
        named = change(900020, "Add metadata API", footers=bp)
        same_bp = change(900021, "Add metadata to the client", project="openstack/python-manilaclient",
                         footers=bp)  # fmt: skip
        same_topic = change(900022, "Document metadata", topic="share-metadata-docs")
        named = replace(named, topic="share-metadata-docs")
        url = "https://review.opendev.org/900020"
        act = action(20, f"review {url}", refs=(Ref(RefKind.CHANGE, "900020", url),))
        plan = run([act], [*BACKGROUND, named, same_bp, same_topic])
        by_id = {v.id: v for v in plan.add}
        assert by_id["900020"].source is LinkSource.EXPLICIT
        assert {(k, v.status, v.evidence.split(";")[0]) for k, v in by_id.items() if k != "900020"} == {
            ("900021", SUGGESTED, "group of change 900020 (confirmed explicit): shares its blueprint share-metadata"),
            ("900022", SUGGESTED, "group of change 900020 (confirmed explicit): shares its Gerrit topic share-metadata-docs"),
        }  # fmt: skip

    def test_stored_suggestions_are_no_seeds_and_rejections_hold(self) -> None:
        """A second run over the first run's suggestions changes nothing (a stored member is no
        seed of its own), and a member a person rejected is not suggested again."""
        first = run([PROPOSE], CHANGES)
        stored = [replace(v, status=REJECTED) if v.id == "900003" else v for v in first.add]
        again = run([PROPOSE], CHANGES, existing=stored)
        assert (again.add, again.update, again.stale) == ((), (), ())
        assert link(
            10, LinkKind.CHANGE, "900003", LinkSource.CANDIDATE, 0.95, REJECTED, MEMBER_EVIDENCE
        ) in (again.unchanged)
        assert "action 10: rejected, not re-added: change 900003 (candidate, 0.95, suggested)" in (
            again.reasons
        )


class TestSubjectStems:
    def test_memo_stays_bounded_and_right(self, monkeypatch) -> None:
        """The subject stems memo is emptied when full, and every answer is the subject's stems."""
        monkeypatch.setattr(groups, "_STEMS_KEPT", 3)
        subjects = [f"Fix quota {word} handling" for word in ("share", "snapshot", "replica")]
        subjects += ["Add share network API", "Remove six"]
        changes = [change(100 + i, subject) for i, subject in enumerate(subjects)]
        grouper = Grouper(CandidatePool(changes, []), [])
        for _ in range(2):
            for i, subject in enumerate(subjects):
                assert grouper._subject(i) == stems(subject)
                assert len(grouper._stems) <= 3
