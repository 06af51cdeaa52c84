"""The sentence-classifier fallback (issue 12): its features, its model and how the parser uses it."""

from __future__ import annotations

import math

import pytest

from syncsvc.errors import InputError
from syncsvc.parse import fallback, fallback_weights
from syncsvc.parse.fallback import Sentence, features, find_commitments, probability, sentences_of
from syncsvc.parse.summary import parse_summary

NOTES = (
    "Gate status\n"
    "\n"
    "We talked about the gate\n"
    "for a while.\n"
    "\n"
    "Next steps:\n"
    "- gibi to update the spec (gibi)\n"
    "- Did we file the bug? Jim will look.\n"
)

HEADLESS = (
    "Retro notes\n"
    "\n"
    "The gate was flaky all week.\n"
    "\n"
    "Cinder cores agreed: the docs job tests should get a spec and a bug filed for the release.\n"
)


def test_sentences_keep_lines_lists_and_the_action_heading() -> None:
    """Paragraphs join their wrapped lines; list items under "Next steps:" carry that heading."""
    found = [
        (s.line, s.text, s.bullet, s.first, s.under_action_heading) for s in sentences_of(NOTES)
    ]
    assert found == [
        (1, "Gate status", False, True, False),
        (3, "We talked about the gate for a while.", False, True, False),
        (7, "- gibi to update the spec (gibi)", True, True, True),
        (8, "- Did we file the bug?", True, True, True),
        (8, "Jim will look.", True, False, True),
    ]


def test_features_of_an_assignment_in_a_list() -> None:
    """A "nick to <verb>" list item under an action heading has the commitment features."""
    names = features(
        Sentence(
            7,
            "- gibi to update the spec (gibi)",
            bullet=True,
            first=True,
            under_action_heading=True,
        )
    )
    assert {"person_to", "bullet_start", "action_heading", "nick_parens", "to_verb"} <= set(names)
    assert "action_heading&bullet_start" in names
    assert "question" not in names
    assert "past" not in names


def test_features_of_a_question_and_of_past_discussion() -> None:
    """Questions and past-tense discussion are marked, and name nobody as a subject."""
    question = features(Sentence(1, "Did we file the bug?", first=True))
    past = features(Sentence(1, "We discussed the gate and it was flaky.", first=True))
    assert "question" in question
    assert "person_will" not in question
    assert "past" in past
    assert not {"person_will", "person_to"} & set(past)
    assert features(Sentence(1, "Add a job", bullet=True, first=True))[0] == "len:<4"


def test_probability_is_the_logistic_of_the_summed_weights() -> None:
    """The model adds the weights of the present features to the bias; unknown ones count 0."""
    weights = {"will": 1.0, "question": -2.0}
    assert probability(["will", "unknown"], weights, 0.5) == pytest.approx(1 / (1 + math.exp(-1.5)))
    assert probability(["question"], weights, -40.0) == 0.0


def test_shipped_model_ranks_a_commitment_above_discussion() -> None:
    """With the shipped weights an action-list assignment outscores a past-tense remark."""
    scores = {f.text: f.probability for f in fallback.scored(NOTES)}
    assert (
        scores["gibi to update the spec (gibi)"] > scores["We talked about the gate for a while."]
    )
    assert 0.0 < fallback_weights.THRESHOLD <= 1.0


def test_find_commitments_leaves_out_what_the_rules_took() -> None:
    """A sentence the rules already extracted (same first 30 characters) is not found again."""
    found = find_commitments(NOTES, threshold=0.0)
    assert "gibi to update the spec (gibi)" in [f.text for f in found]
    taken = find_commitments(NOTES, ["gibi to update the spec (gibi) today"], threshold=0.0)
    assert "gibi to update the spec (gibi)" not in [f.text for f in taken]
    assert len(taken) == len(found) - 1


def test_parser_keeps_a_document_whose_only_commitment_the_fallback_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A headless text the rules reject is read when the fallback finds a commitment: inferred, 0.4."""
    with pytest.raises(InputError):
        parse_summary(HEADLESS, fallback=False)
    monkeypatch.setattr(fallback_weights, "ACCEPTED", True)
    monkeypatch.setattr(fallback_weights, "THRESHOLD", 0.6)
    event = parse_summary(HEADLESS)
    assert [(a.text, a.inferred, a.confidence) for a in event.actions] == [
        (
            (
                "Cinder cores agreed: the docs job tests should get a spec and a bug filed "
                "for the release."
            ),
            True,
            fallback.FALLBACK_CONFIDENCE,
        )
    ]


def test_parser_adds_nothing_the_rules_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """With any threshold, items the rules read are kept once and stay explicit."""
    monkeypatch.setattr(fallback_weights, "ACCEPTED", True)
    monkeypatch.setattr(fallback_weights, "THRESHOLD", 0.0)
    text = "=== Gate ===\n\nActions:\n* Jim will review the time line and update the spec.\n"
    actions = parse_summary(text).actions
    assert [(a.text, a.inferred) for a in actions] == [
        ("Jim will review the time line and update the spec.", False)
    ]


def test_parser_adds_nothing_while_the_model_is_not_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ACCEPTED and RESCUE_ACCEPTED off the headless text stays rejected, whatever the threshold."""
    monkeypatch.setattr(fallback_weights, "ACCEPTED", False)
    monkeypatch.setattr(fallback_weights, "THRESHOLD", 0.0)
    monkeypatch.setattr(fallback_weights, "RESCUE_ACCEPTED", False)
    monkeypatch.setattr(fallback_weights, "RESCUE_THRESHOLD", 0.0)
    with pytest.raises(InputError):
        parse_summary(HEADLESS)


def test_rescue_reads_a_document_the_rules_would_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the fallback off but the rescue accepted, a headless text gets its surest sentence."""
    monkeypatch.setattr(fallback_weights, "ACCEPTED", False)
    monkeypatch.setattr(fallback_weights, "RESCUE_ACCEPTED", True)
    monkeypatch.setattr(fallback_weights, "RESCUE_THRESHOLD", 0.6)
    event = parse_summary(HEADLESS)
    assert [(a.inferred, a.confidence) for a in event.actions] == [
        (True, fallback.FALLBACK_CONFIDENCE)
    ]
    assert event.actions[0].text.startswith("Cinder cores agreed: the docs job tests")
    with pytest.raises(InputError):  # the caller can still turn it off
        parse_summary(HEADLESS, fallback=False)


def test_rescue_leaves_a_read_document_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rescue runs only when the rules found nothing: a read document gains nothing."""
    monkeypatch.setattr(fallback_weights, "ACCEPTED", False)
    monkeypatch.setattr(fallback_weights, "RESCUE_ACCEPTED", True)
    monkeypatch.setattr(fallback_weights, "RESCUE_THRESHOLD", 0.0)
    text = "=== Gate ===\n\nActions:\n* Jim will review the time line.\n\nThe gate was flaky.\n"
    assert [a.text for a in parse_summary(text).actions] == ["Jim will review the time line."]


def test_rescue_threshold_is_recorded() -> None:
    """The shipped weights record the rescue's threshold and verdict."""
    assert 0.0 < fallback_weights.RESCUE_THRESHOLD <= 1.0
    assert isinstance(fallback_weights.RESCUE_ACCEPTED, bool)
