"""Forms the eleventh corpus batch showed: prose subjects, project teams, candidacies, next steps."""

from __future__ import annotations

import pytest

from syncsvc.errors import InputError
from syncsvc.parse.actions import team_commitment
from syncsvc.parse.candidacy import announces_candidacy
from syncsvc.parse.owners import read_commitment, read_owners
from syncsvc.parse.prose_subjects import project_team_commitment, prose_subjects
from syncsvc.parse.summary import parse_summary


def _is_name(word: str) -> bool:
    """A stand-in for the owner reader's first-name test: not a pronoun or a project."""
    return word.lower() not in {"this", "it", "there", "nova", "heat", "documentation"}


def _mail(body: str) -> str:
    """``body`` inside a heading-less mail, as a team member would send it."""
    return f"Hi all,\n\nHere is what we discussed at the meeting today.\n\n{body}\n\nThanks,\nBob\n"


def _actions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(text, owners) of every action ``parse_summary`` reads in ``text``."""
    event = parse_summary(text)
    return [(a.text, tuple(a.owners)) for t in event.topics for a in t.actions]


class TestProseSubjects:
    """A first name or camel-case nick with a commitment verb other than "will" names its owner."""

    @pytest.mark.parametrize(
        ("sentence", "names"),
        [
            ("Rabi is going to investigate the memory usage.", ("rabi",)),
            ("Julia plans to send an email to the list.", ("julia",)),
            ("Rico has volunteered to write the docs.", ("rico",)),
            ("Rabi has agreed to write the spec.", ("rabi",)),
            ("Takashi said he will send the patch.", ("takashi",)),
            ("Takashi said he'd send the patch.", ("takashi",)),
            ("Rabi and Zane will review the spec.", ("rabi", "zane")),
            ("Iury, Riccardo and Julia are going to review it.", ("iury", "riccardo", "julia")),
            ("TheJulia is going to revise the patch.", ("TheJulia",)),
            ("We agreed that Rico will write the spec.", ("rico",)),
            ("It was agreed that Rabi will write the spec.", ("rabi",)),
            ("we decided that Zane will own the release.", ("zane",)),
            ("Thomas will be working on the upgrade checks.", ("thomas",)),
            ("After the call, Rabi is going to investigate.", ("rabi",)),
            ("Thomas to follow up with infra.", ("thomas",)),
            ("Rabi and Zane to review the spec.", ("rabi", "zane")),
        ],
    )
    def test_named(self, sentence: str, names: tuple[str, ...]) -> None:
        """Each form gives its people, first names lowered, a camel-case nick as written."""
        assert prose_subjects(sentence, _is_name) == names

    @pytest.mark.parametrize(
        "sentence",
        [
            "This is going to be hard.",
            "Documentation will be updated.",
            "Rabi will not attend the meeting.",
            "Nova is going to drop the API.",
            "Rabi will be there.",
            "We agreed that this will help.",
            "Rabi said the gate will recover.",
            "rabi is going to investigate",
            "Need to write the docs.",
            "Time to review the spec.",
            "Thomas to be contacted by the team.",
            "Thomas to the rescue.",
        ],
    )
    def test_not_named(self, sentence: str) -> None:
        """Pronouns, projects, passives, negations and reports name nobody; a nick is left to nicks."""
        assert prose_subjects(sentence, _is_name) is None

    def test_marked_item_owner(self) -> None:
        """An explicit "Action: <Name> to <verb>" names its owner by first name."""
        [(text, owners)] = _actions(_mail("Action: Colleen to draft the resolution."))
        assert (text, [o.lower() for o in owners]) == (
            "Colleen to draft the resolution.",
            ["colleen"],
        )

    def test_owner_reader_uses_them(self) -> None:
        """The owner reader and the commitment reader both take the prose subject."""
        sentence = "Rabi and Zane are going to review the spec."
        assert read_owners(sentence).owners == ("rabi", "zane")
        reading = read_commitment(sentence)
        assert reading is not None
        assert reading.owners == ("rabi", "zane")

    def test_heading_less_mail(self) -> None:
        """A mail with no heading whose only commitment is in prose is read, not rejected."""
        found = _actions(_mail("After the call, Rabi is going to investigate the memory usage."))
        assert found == [
            ("After the call, Rabi is going to investigate the memory usage.", ("rabi",))
        ]
        agreed = _actions(_mail("We agreed that Rico will write the spec for the new resource."))
        assert agreed == [
            ("We agreed that Rico will write the spec for the new resource.", ("rico",))
        ]


class TestProjectTeam:
    """ "The <Project> team will ..." commits the team as a whole."""

    @pytest.mark.parametrize(
        ("sentence", "commits"),
        [
            ("The Heat team will deprecate the old resources.", True),
            ("So the Ironic community is going to write the docs.", True),
            ("The Watcher contributors plan to remove the datasource.", True),
            ("The Heat team will be happy to help.", False),
            ("The Heat team discussed the resources.", False),
            ("The Heat templates will be deprecated.", False),
        ],
    )
    def test_commits(self, sentence: str, commits: bool) -> None:
        """A team, community or contributors with a commitment verb; not a passive or a report."""
        assert project_team_commitment(sentence) is commits
        assert team_commitment(sentence) is commits

    def test_in_a_mail(self) -> None:
        """The team's commitment is an action with no owner."""
        found = _actions(_mail("The Heat team will deprecate the old resources."))
        assert found == [("The Heat team will deprecate the old resources.", ())]


class TestCandidacy:
    """A candidacy's platform is not work: its inferred items are dropped."""

    @pytest.mark.parametrize(
        ("opening", "announces"),
        [
            ("I am announcing my candidacy for PTL for the Ironic team.", True),
            ("Hi friends, I'd like to throw in my hats for the Ironic PTL election.", True),
            ("I'm once again nominating myself to be your representative on the TC.", True),
            ("I would like to nominate myself to be Cinder PTL during Bobcat.", True),
            ("I nominated myself to be a candidate of Zun PTL for Queens.", True),
            ("[openstack-dev] [mistral][ptl] PTL candidacy\nI'm Renat.", True),
            ("[openstack-dev] [all][election] PTL nominations are now closed", False),
            ("As I argued in my Juno PTL candidacy email, we need reviews.", False),
        ],
    )
    def test_announces(self, opening: str, announces: bool) -> None:
        """The writer's own announcement near the start; a mail about an election is not one."""
        assert announces_candidacy(opening) is announces

    def test_platform_dropped(self) -> None:
        """A candidacy whose only items are its platform has no commitment to read."""
        text = (
            "I am announcing my candidacy for PTL of Ironic.\n\n"
            "We need to improve the docs and tools around that. Jim will write the guide.\n"
        )
        with pytest.raises(InputError):
            parse_summary(text)

    def test_explicit_action_kept(self) -> None:
        """An explicit action in a candidacy is still read."""
        text = (
            "I am announcing my candidacy for PTL of Ironic.\n\nAction: jroll to email the list\n"
        )
        assert [a for a, _ in _actions(text)] == ["jroll to email the list"]

    def test_other_mail_unchanged(self) -> None:
        """The same platform sentence in an ordinary mail is still the team's duty."""
        found = _actions(_mail("We need to improve the docs and tools around that."))
        assert found == [("We need to improve the docs and tools around that.", ())]


class TestNextStepInAStatusBullet:
    """A status bullet whose later sentence is "We need to <verb>" holds the team's next step."""

    def test_next_step(self) -> None:
        """The later sentence is the action, not the status before it."""
        text = "Gerrit upgrade\n\n* Zuul should now support these properly. We need to retest.\n"
        assert _actions(_mail(text)) == [("We need to retest.", ())]

    def test_clause_is_not_a_step(self) -> None:
        """A "; " clause inside an example ("... approaches; we need to reach a consensus") is not."""
        text = (
            "Topics\n\n* My spec has been stalled because we can't decide among N different"
            " approaches; we need to reach a consensus.\n* Another point for the list.\n"
        )
        with pytest.raises(InputError):
            parse_summary(_mail(text))


class TestMarkerVariants:
    """A dash for the colon or a bracketed marker still marks one action; outcomes are decisions."""

    @pytest.mark.parametrize(
        ("line", "action"),
        [
            ("Action item - update the docs", "update the docs"),
            ("Action - jroll to update the docs", "jroll to update the docs"),
            ("TODO - update the docs", "update the docs"),
            ("[action] update the docs", "update the docs"),
            ("[AI] update the docs", "update the docs"),
        ],
    )
    def test_action(self, line: str, action: str) -> None:
        """Each variant gives one explicit action with the marker stripped."""
        event = parse_summary(_mail(line))
        assert [(a.text, a.inferred) for t in event.topics for a in t.actions] == [(action, False)]

    @pytest.mark.parametrize("line", ["AI - the policy on generated code", "Action - "])
    def test_not_action(self, line: str) -> None:
        """ "AI - " may open a topic about AI; an empty marker marks nothing."""
        with pytest.raises(InputError):
            parse_summary(_mail(line))

    @pytest.mark.parametrize(
        "line", ["Outcome: keep the old API.", "Conclusion: keep the old API."]
    )
    def test_decision(self, line: str) -> None:
        """An outcome or a conclusion is a decision, not an action."""
        event = parse_summary(_mail(line))
        assert [d for t in event.topics for d in t.decisions] == ["keep the old API."]
        assert not any(t.actions for t in event.topics)
