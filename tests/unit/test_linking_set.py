"""The linking set (tests/data/linking) is whole and consistent, and its scoring
(tests/linking_score.py) counts what it says it counts.

The commitments and labels are in the repository and always checked; the history
(changes, bugs) lives outside it, so the tests that need it skip without it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

import linking_runs  # noqa: E402
import linking_score  # noqa: E402
from linking_set import (  # noqa: E402
    DATA_DIR,
    HISTORY_DIR,
    HISTORY_ENV,
    SYNTHETIC_BASE,
    HistoryMissingError,
    load,
    load_labels,
)
from linking_set import history_available as _history_available  # noqa: E402

CHANGE_ID = re.compile(r"I[0-9a-f]{40}")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
#: Each team's history window: merged on or after the first day, before the second.
WINDOWS = {
    "manila": ("2020-10-01", "2021-08-01"),
    "cinder": ("2020-10-01", "2021-08-01"),
    "watcher": ("2025-03-01", "2026-09-01"),
    "glance": ("2023-10-01", "2026-08-01"),
}


needs_history = pytest.mark.skipif(
    not _history_available(HISTORY_DIR),
    reason=(
        f"linking set history (changes, bugs) not found: set {HISTORY_ENV} or put it in"
        " shared/linking beside the repository (tests/data/linking/README.md)"
    ),
)


@pytest.fixture(scope="module")
def labelled():
    return load_labels()


@pytest.fixture(scope="module")
def data():
    return load()


class TestLabels:
    """Commitments, labels and the split: in the repository, always checked."""

    def test_commitment_counts(self, labelled) -> None:
        """84 commitments over four teams, 29 of them with a named owner."""
        assert len(labelled.commitments) == 84
        teams = Counter(c.team for c in labelled.commitments)
        assert teams == {"manila": 47, "cinder": 18, "watcher": 11, "glance": 8}
        assert sum(bool(c.owners) for c in labelled.commitments) == 29

    def test_commitments_have_the_fields(self, labelled) -> None:
        """Ids are unique; text, topic and event are set; owners are nicks; dates are ISO."""
        ids = [c.id for c in labelled.commitments]
        assert len(set(ids)) == len(ids)
        for c in labelled.commitments:
            assert c.text.strip(), c.id
            assert c.topic.strip(), c.id
            assert c.event in labelled.event_starts, c.id
            assert all(re.fullmatch(r"[\w-]+", o) for o in c.owners), c.id
            assert c.day is None or re.fullmatch(r"\d{4}-\d\d-\d\d", c.day), c.id
            assert c.source in {"summary", "summary-excerpt", "wiki-excerpt", "reconstructed"}, c.id
            kinds = {"change", "bug", "blueprint", "etherpad", "url"}
            assert all(kind in kinds for kind, _, _ in (*c.refs, *c.topic_refs)), c.id

    def test_manila_commitments_are_the_reference_actions(self, labelled) -> None:
        """The 47 Manila items come from the summary, with its three explicit change refs."""
        manila = [c for c in labelled.commitments if c.team == "manila"]
        assert {c.source for c in manila} == {"summary"}
        refs = sorted(ident for c in manila for kind, ident, _ in c.refs if kind == "change")
        assert refs == ["729292", "745206", "758868"]
        assert sum(bool(c.owners) for c in manila) == 20

    def test_every_commitment_has_a_label(self, labelled) -> None:
        """Labels and commitments match one to one, each with a one-line note."""
        assert set(labelled.labels) == {c.id for c in labelled.commitments}
        notes = [label.note for label in labelled.labels.values()]
        assert all(note and "\n" not in note for note in notes)

    def test_label_schema(self, labelled) -> None:
        """Change-Ids are well formed, no change is both positive and negative, reasons given."""
        for key, label in labelled.labels.items():
            negatives = [n for n, _ in label.hard_negatives]
            assert all(CHANGE_ID.fullmatch(i) for i in (*label.positives, *negatives)), key
            assert not set(label.positives) & set(negatives), key
            assert len(set(label.positives)) == len(label.positives), key
            assert all(reason.strip() for _, reason in label.hard_negatives), key

    def test_label_counts(self, labelled) -> None:
        """54 commitments have no work; 177 positives in all, 5 of them Glance's."""
        empty = [k for k, v in labelled.labels.items() if not v.positives]
        assert len(empty) == 54
        assert sum(len(v.positives) for v in labelled.labels.values()) == 177
        glance = [v for k, v in labelled.labels.items() if k.startswith("glance-")]
        assert sum(len(v.positives) for v in glance) == 5

    def test_held_back_is_a_fifth_spread_over_teams(self, labelled) -> None:
        """A fifth of the first two teams' commitments (13 of 65) is held back, from both
        teams and many topics; so is every commitment of the third team, never tuned on."""
        held = [c for c in labelled.commitments if c.id in labelled.held_back]
        assert len(labelled.held_back) == len(held) == 24
        first_two = [c for c in held if c.team != "watcher"]
        assert len(first_two) == round(65 / 5)
        assert {c.team for c in first_two} == {"manila", "cinder"}
        watcher = {c.id for c in labelled.commitments if c.team == "watcher"}
        assert watcher <= labelled.held_back
        assert len({c.topic for c in held}) >= 10
        assert {bool(c.owners) for c in held} == {True, False}
        assert labelled.split(held[0].id) == "held-back"

    def test_fourth_team_is_tuning_material(self, labelled) -> None:
        """Glance, added after Watcher, is all tuning: the held-back split stays the same 24
        commitments, still more than a fifth of the whole set."""
        glance = [c for c in labelled.commitments if c.team == "glance"]
        assert len(glance) == 8
        assert not {c.id for c in glance} & labelled.held_back
        assert {c.source for c in glance} == {"summary-excerpt"}
        assert {c.event for c in glance} == {
            "Glance Caracal PTG",
            "Glance Dalmatian PTG",
            "Glance Epoxy PTG",
        }
        assert len(labelled.held_back) / len(labelled.commitments) >= 0.2

    def test_no_local_paths_in_the_data(self) -> None:
        """Nothing committed names a path of the machine it was made on."""
        roots = [f"/{name}/" for name in ("work", "tmp", "home", "root")]
        for path in DATA_DIR.iterdir():
            text = path.read_text(encoding="utf-8")
            assert not [root for root in roots if root in text], path.name
            if path.suffix == ".json":
                json.loads(text)

    def test_history_is_not_in_the_repository(self) -> None:
        """The extracted change and bug records stay outside the repository."""
        assert sorted(p.name for p in DATA_DIR.glob("*.json")) == [
            "cinder-commitments.json",
            "glance-commitments.json",
            "identities.json",
            "labels.json",
            "manila-commitments.json",
            "watcher-commitments.json",
        ]

    def test_load_without_history_says_where_to_put_it(self, tmp_path) -> None:
        """load() from an empty history folder raises an error naming the variable and files."""
        with pytest.raises(HistoryMissingError) as caught:
            load(history=tmp_path)
        message = str(caught.value)
        assert HISTORY_ENV in message
        assert "manila-changes.json" in message
        assert "bugs.json" in message


@needs_history
class TestData:
    """The history: schema, references between the files, the counts."""

    def test_counts_reach_the_targets(self, data) -> None:
        """At least 60 commitments, 400 changes and 100 bugs, over four teams."""
        assert len(data.commitments) == 84
        assert len(data.changes) >= 400
        assert len(data.bugs) >= 100
        assert {c.team for c in data.changes} == {"manila", "cinder", "watcher", "glance"}
        assert {c.team for c in data.bugs} == {"manila", "cinder", "watcher", "glance"}

    def test_changes_have_the_fields(self, data) -> None:
        """Change-Ids are unique and well formed; merged in the team's window on master."""
        ids = [c.change_id for c in data.changes]
        assert len(set(ids)) == len(ids)
        for c in data.changes:
            assert CHANGE_ID.fullmatch(c.change_id), c.change_id
            assert c.project.startswith("openstack/"), c.change_id
            assert (c.branch, c.status) == ("master", "MERGED"), c.change_id
            assert ISO.fullmatch(c.merged), c.change_id
            assert ISO.fullmatch(c.authored), c.change_id
            since, until = WINDOWS[c.team]
            assert since <= c.merged[:10] < until, c.change_id
            assert c.subject, c.change_id
            assert len(c.message) <= 1_210, c.change_id
            assert "@" in c.author_email, c.change_id

    def test_changes_carry_their_commit_bodies(self, data) -> None:
        """The domain changes carry the message's body as the Gerrit adapter reads it: no
        subject line, no footers; most real changes have one."""
        changes = [linking_runs.to_change(c) for c in data.changes]
        bodies = [linking_runs.message_body(c.message) for c in data.changes]
        assert [c.body for c in changes] == bodies
        assert not any("Change-Id:" in c.body or "Signed-off-by:" in c.body for c in changes)
        assert sum(bool(c.body) for c in changes) > 0.8 * len(changes)

    def test_numbers_are_unique_and_never_look_real(self, data) -> None:
        """Synthetic numbers do not collide with each other or with the real ones."""
        numbers = [c.number for c in data.changes]
        assert len(set(numbers)) == len(numbers)
        real = {c.change_id: c.number for c in data.changes if c.real_number}
        assert real == {"I148225926cd249a0dd8d1f8c02b22ed06487f405": 745206}
        assert all(c.number >= SYNTHETIC_BASE for c in data.changes if not c.real_number)

    def test_bugs_are_named_by_their_changes(self, data) -> None:
        """Every bug lists changes of the set whose footers name it, in its own team."""
        by_id = {c.change_id: c for c in data.changes}
        assert len({b.bug_id for b in data.bugs}) == len(data.bugs)
        for bug in data.bugs:
            assert bug.changes, bug.bug_id
            for change_id, relation in bug.changes:
                change = by_id[change_id]
                assert change.team == bug.team
                assert str(bug.bug_id) in change.footers[f"{relation}_bug"]
            assert bug.title_source == "launchpad" or bug.title_source.startswith("sample: ")

    def test_labels_name_changes_of_the_same_team(self, data) -> None:
        """Every labelled Change-Id exists, in the commitment's team; no change is both."""
        team_of = {c.change_id: c.team for c in data.changes}
        for c in data.commitments:
            label = data.labels[c.id]
            negatives = [n for n, _ in label.hard_negatives]
            for change_id in (*label.positives, *negatives):
                assert team_of.get(change_id) == c.team, (c.id, change_id)
            assert not set(label.positives) & set(negatives), c.id
            assert len(set(label.positives)) == len(label.positives), c.id
            assert all(reason.strip() for _, reason in label.hard_negatives), c.id

    def test_labels_cover_cross_repository_work(self, data) -> None:
        """Positives span several repositories, specs and os-brick among them."""
        project_of = {c.change_id: c.project for c in data.changes}
        projects = {project_of[p] for v in data.labels.values() for p in v.positives}
        assert {
            "openstack/manila-specs",
            "openstack/os-brick",
            "openstack/glance-specs",
        } <= projects


class TestScoring:
    """evaluate() on a hand-made example."""

    def test_precision_recall_and_bands(self) -> None:
        """Two commitments with work, one without: counts, rates and bands as computed by hand."""
        s, t = linking_score.Suggestion, linking_score.Truth
        truths = {
            "a": t(positives=frozenset({"Ia", "Ib", "Ic"}), bugs=frozenset({"7"}), owned=True),
            "b": t(positives=frozenset({"Id"}), hard_negatives=frozenset({"Ix"})),
            "c": t(positives=frozenset()),
        }
        suggestions = [
            s("a", "change", "Ia", 0.72, "candidate"),
            s("a", "bug", "7", 0.55, "candidate"),
            s("a", "change", "Iz", 0.51, "candidate"),
            s("b", "change", "Ix", 0.58, "candidate"),
            s("c", "change", "Iq", 0.66, "candidate"),
            s("b", "change", "Id", 1.0, "explicit"),  # explicit: not a candidate
            s("other", "change", "Ia", 0.9, "candidate"),  # not in truths
        ]
        m = linking_score.evaluate(suggestions, truths)
        assert (m.suggestions, m.right, m.hard_negatives_hit) == (5, 2, 1)
        assert m.precision == pytest.approx(0.4)
        assert (m.found, m.positives) == (1, 4)
        assert m.recall == pytest.approx(0.25)
        assert (m.hit, m.with_work, m.silent, m.without_work) == (1, 2, 0, 1)
        assert [(b.low, b.suggestions, b.right) for b in m.bands] == [
            (0.5, 3, 1),
            (0.6, 1, 0),
            (0.7, 1, 1),
        ]
        assert linking_score.explicit_summary(suggestions, truths) == {
            "links": 1,
            "right": 1,
            "outside_the_set": 0,
            "commitments": 1,
        }

    def test_no_suggestions_gives_no_precision(self) -> None:
        """Without suggestions precision is undefined and every empty commitment is silent."""
        m = linking_score.evaluate([], {"c": linking_score.Truth(positives=frozenset())})
        assert (m.precision, m.recall, m.silent_rate) == (None, None, 1.0)

    def test_seed_ranks_and_counts(self) -> None:
        """The first right candidate's rank and score per commitment with work, and the counts."""
        s, t = linking_score.Suggestion, linking_score.Truth
        truths = {
            "a": t(positives=frozenset({"Ia"})),
            "b": t(positives=frozenset({"Ib"})),
            "c": t(positives=frozenset({"Ic"})),
            "d": t(positives=frozenset()),  # no work: not ranked
        }
        candidates = [
            s("a", "change", "Iz", 0.3, "candidate"),
            s("a", "change", "Ia", 0.7, "candidate"),
            s("b", "change", "Iz", 0.6, "candidate"),
            s("b", "change", "Iy", 0.5, "candidate"),
            s("b", "change", "Ib", 0.2, "candidate"),
            s("d", "change", "Iz", 0.9, "candidate"),
        ]
        ranks = linking_score.seed_ranks(candidates, truths)
        assert ranks == {
            "a": linking_score.SeedRank(1, 0.7),
            "b": linking_score.SeedRank(3, 0.2),
            "c": linking_score.SeedRank(None, None),
        }
        assert linking_score.rank_counts(ranks.values(), 0.8) == {
            "1, suggested": 0,
            "1, under": 1,
            "2": 0,
            "3": 1,
            "4+": 0,
            "none": 1,
        }

    def test_misses_give_rank_score_and_cause(self) -> None:
        """Each positive not suggested, ranked among every candidate, with the cause."""
        s, t = linking_score.Suggestion, linking_score.Truth
        truths = {
            "a": t(positives=frozenset({"Ia", "Ib", "Ic", "Id"})),
            "b": t(positives=frozenset({"Ie"})),
            "c": t(positives=frozenset()),  # no work: nothing to miss
        }
        suggestions = [
            s("a", "change", "Ia", 0.9, "candidate"),
            s("a", "change", "Iz", 0.8, "candidate"),
            s("b", "change", "Iq", 1.0, "explicit"),
        ]
        candidates = [
            s("a", "change", "Ia", 0.9, "candidate"),
            s("a", "change", "Iz", 0.8, "candidate"),
            s("a", "bug", "7", 0.7, "candidate"),
            s("a", "change", "Ib", 0.6, "candidate"),
            s("a", "change", "Ic", 0.2, "candidate"),
            s("b", "change", "Ie", 0.3, "candidate"),
        ]
        m = linking_score.Miss
        assert linking_score.misses(suggestions, candidates, truths, 0.5) == [
            m("a", "Ib", 4, 0.6, linking_score.CAPPED),
            m("a", "Ic", 5, 0.2, linking_score.UNDER),
            m("a", "Id", None, None, linking_score.NO_WORD),
            m("b", "Ie", 1, 0.3, linking_score.LINKED),
        ]


@needs_history
class TestRunsOnTheSet:
    """The reconciler runs on the real set as the benchmark runs it."""

    def test_explicit_ref_reaches_the_labelled_change(self, data) -> None:
        """The summary's review 745206 links to its Change-Id, explicitly and rightly."""
        found = [s for r in linking_runs.build_runs(data) for s in linking_runs.suggest(r, 0.5)]
        explicit = {(s.commitment, s.ident) for s in found if s.source != "candidate"}
        assert ("manila-wallaby-24", "I148225926cd249a0dd8d1f8c02b22ed06487f405") in explicit
        assert ("manila-wallaby-15", "1855391") in explicit
        assert ("manila-wallaby-11", "gerrit:758868") in explicit
        assert all(s.commitment in data.labels for s in found)

    def test_model_weights_are_the_tuning_fit(self, data) -> None:
        """The candidate model's weights are fit_linking's fit on the tuning split (Glance
        included, nothing held back), to the two decimals they are written with."""
        sys.path.insert(0, str(TESTS.parent / "benchmarks"))
        import fit_linking  # noqa: PLC0415

        from syncsvc.reconcile import weights  # noqa: PLC0415

        all_truths = linking_score.truths(data)
        features, labels = [], []
        for run in linking_runs.build_runs(data):
            for found, row in linking_runs.candidate_rows(run):
                truth = all_truths[found.commitment]
                if truth.split == "tuning":
                    features.append(row)
                    labels.append(float(linking_score.is_right(found, truth)))
        assert {c.team for c in data.commitments if c.id not in data.held_back} >= {"glance"}
        fitted = fit_linking.fit(np.array(features), np.array(labels), 1.0)
        shipped = [
            weights.BIAS,
            weights.COVER_WEIGHT,
            weights.FIT_WEIGHT,
            weights.RARE_WEIGHT,
            weights.OWNER_WEIGHT,
            weights.HINT_WEIGHT,
            weights.BODY_WEIGHT,
        ]
        assert [round(float(w), 2) for w in fitted] == pytest.approx(shipped, abs=0.006)

    def test_bench_tuning_only_holds_no_held_back_commitment(self, data) -> None:
        """bench_linking --tuning-only scores, shows and writes tuning commitments only."""
        sys.path.insert(0, str(TESTS.parent / "benchmarks"))
        import bench_linking  # noqa: PLC0415

        result = bench_linking.run(data, 0.5, tuning_only=True)
        names = [name for name, _ in result["rows"]]
        assert "tuning" in names
        assert not any(name.startswith("held-back") or "watcher" in name for name in names)
        assert result["suggestions"]
        assert not {s.commitment for s in result["suggestions"]} & data.held_back
        rows = dict(result["rows"])
        assert rows["all"] == rows["tuning"]
        written = bench_linking._json(result, data, tuning_only=True)
        assert not {s["commitment"] for s in written["suggestions"]} & data.held_back

    def test_leave_one_team_out_scores_each_tuning_team_apart(self, data) -> None:
        """fit_linking's leave-one-team-out table has a row per tuning team and pooled rows,
        and never names a held-back-only team."""
        sys.path.insert(0, str(TESTS.parent / "benchmarks"))
        import fit_linking  # noqa: PLC0415

        x, y, teams = fit_linking.tuning_examples(data, linking_runs.build_runs(data))
        assert set(teams.tolist()) == {"cinder", "glance", "manila"}
        table = fit_linking.leave_one_team_out(data, x, y, teams, 1.0)
        rows = [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()[4:]]
        assert [r.split(" (")[0] for r in rows[:3]] == ["cinder", "glance", "manila"]
        assert "**pooled, left out**" in rows
        assert "pooled, shipped weights" in rows
        assert not any("watcher" in line for line in table.splitlines())


def test_model_weights_are_swapped_for_a_block_and_put_back() -> None:
    """model_weights runs the scorer with other weights inside its block only."""
    from syncsvc.reconcile import evidence, weights  # noqa: PLC0415

    shipped = linking_runs.shipped_weights()
    before = weights.probability(0.5, 0.5, 0.5, owner=False, hint=False)
    with linking_runs.model_weights([10.0, 0, 0, 0, 0, 0, 0]):
        assert weights.probability(0.5, 0.5, 0.5, owner=False, hint=False) == 1.0
        assert evidence.BIAS == 10.0
        assert linking_runs.shipped_weights()[0] == 10.0
    assert linking_runs.shipped_weights() == shipped
    assert evidence.BIAS == weights.BIAS == shipped[0]
    assert weights.probability(0.5, 0.5, 0.5, owner=False, hint=False) == before


def test_fit_holds_a_fixed_weight_and_fits_the_others() -> None:
    """fit_linking.fit keeps a weight named in ``fixed`` and fits the rest around it."""
    sys.path.insert(0, str(TESTS.parent / "benchmarks"))
    import fit_linking  # noqa: PLC0415

    rng = np.random.default_rng(7)
    x = rng.random((400, 6))
    y = (x[:, 1] + 0.5 * x[:, 5] > 0.9).astype(float)
    free = fit_linking.fit(x, y, 1.0)
    held = fit_linking.fit(x, y, 1.0, fixed={"body": 3.0})
    assert held[6] == 3.0
    assert free[6] != pytest.approx(3.0)
    assert held[2] > 0
    assert free[2] > 0
    assert fit_linking.log_loss(x, y, held)[0] >= fit_linking.log_loss(x, y, free)[0] - 1e-9


@needs_history
def test_bench_learning_without_decisions_is_the_plain_plan(data) -> None:
    """With no decision, the relink's statistics plan exactly what bench_linking plans;
    the reviewer's decisions teach each team from its own suggestions only."""
    sys.path.insert(0, str(TESTS.parent / "benchmarks"))
    import bench_learning  # noqa: PLC0415

    runs = linking_runs.build_runs(data)
    for run in runs[:2]:
        plain = linking_runs.suggest(run, 0.5)
        planned = [linking_runs.as_suggestion(x, run) for x in linking_runs.plan_links(run, 0.5)]
        assert planned == plain
    all_truths = linking_score.truths(data)
    tuning = [c for c, t in all_truths.items() if t.split == "tuning"]
    before, after, learned = bench_learning.measure(
        runs, all_truths, 0.5, teach=tuning, measured=tuning
    )
    assert before.suggestions >= after.suggestions
    assert set(learned) <= {"cinder", "glance", "manila"}
