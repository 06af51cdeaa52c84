"""Commitment forms seen in the tuned corpus documents (issue 12), on short real-shaped snippets."""

from __future__ import annotations

from syncsvc.parse.summary import parse_summary


def actions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(text, owners) of each action the parser reads from ``text``."""
    return [(a.text, tuple(a.owners)) for a in parse_summary(text).actions]


def texts(text: str) -> list[str]:
    """The action texts the parser reads from ``text``."""
    return [t for t, _ in actions(text)]


PIPERMAIL_PROSE = """\
[openstack-dev] [Manila] PTG summary

v1 API
Everyone is in favor of removing the v1 API. I've sent a notice to the
operators list about the removal plans and we will proceed with deletion
during pike.

There are some unsolved problems related to testing but we are committed
to solving these and adding IPv6 support during Pike.
"""

LEADING_PHRASE = """\
[openstack-dev] [glance] Barcelona summary

1. glance_store refactoring (Fishbowl)

The current interface is very image-centric.

Short term, we'll patch the README in the repository to provide some
context to people looking at glance_store.
"""

WE_ARE_GOING_TO = """\
[keystone] PTG recap

Cycle Retrospective
-------------------

We decided to hold monthly bug squash meetings. We're also going to
experiment with having a weekly rotation of team members.
"""

ACTION_ITEM_PHRASE = """\
[nova] Stein PTG summary

Rocky retrospective
We discussed the spec freeze. I have an action item to dig
into whether the late regressions were related to it.

Some of the operators present took the action item to propose a user story
to the Product Working Group's repository.
"""

OTHER_VERBS = """\
# Oslo cross-project discussion with Nova
gmann agreed on providing a new flag for oslopolicy-sample-generator.

# Neutron cross-project discussion with Nova
ralonso accepted to provide a documentation explaining what backends sends which events.

# Routed networks
vsaienko, armando and kevinbenton are looking into the Neutron part of the configdrive problem.
"""

WHILE_CLAUSE = """\
Atlanta PTG Summary: Ironic

Boot from volume

mgoddard and dtantsur volunteered to help with testing, while mjturek, hsiina and crushil volunteered to do some coding.
"""

PLAN_FOR_SERIES = """\
Atlanta PTG Summary: Ironic (part 3)

Deprecating the standalone ironic CLI

We do not want to maintain two CLI in the long run.

Plan for Pike
  • Ensure complete feature parity between two clients.
  • Only use openstack baremetal commands in the documentation.
"""

BRACKETED_HEADER = """\
# Standalone Ansible Roles Status Update

James provided an update on the current status of the roles.

[Action Items]
     - Prioritize review/merge of proposed patches[2] on this topic [tripleo-core]
     - Finish the CI jobs for testing standalone roles and make them voting [Chandan/tripleo-ci-core]
"""

CAMEL_CASE_NICK = """\
Improvement in project governance:
===========================

We discussed a few high-level criteria to monitor inactive projects. JayF will be working on this to list the
exact criteria TC can monitor.
"""

OWNER_AFTER_COMMA = """\
Rolling (online) upgrades between releases

We also discussed fast-forward upgrades. We may need an explicit migration
for VIFs from port.extra to port.internal_info, **rloo** will track this.
"""


def test_clause_after_and_we_is_a_team_commitment() -> None:
    """'..., and we will proceed ...' and '... but we are committed to ...' are team actions."""
    found = texts(PIPERMAIL_PROSE)
    assert any(t.startswith("we will proceed with deletion during pike") for t in found)
    assert any(t.startswith("we are committed to solving these") for t in found)
    assert len(found) == 2


def test_we_will_after_a_leading_phrase() -> None:
    """'Short term, we'll patch the README ...' is the team's action."""
    assert actions(LEADING_PHRASE) == [
        (
            (
                "Short term, we'll patch the README in the repository to provide some context "
                "to people looking at glance_store."
            ),
            (),
        )
    ]


def test_we_are_going_to() -> None:
    """ "We're also going to experiment with ..." is the team's action."""
    found = texts(WE_ARE_GOING_TO)
    assert any(t.startswith("We're also going to experiment") for t in found)


def test_action_item_phrase_in_prose() -> None:
    """'I have an action item to ...' and '... took the action item to ...' are actions."""
    found = texts(ACTION_ITEM_PHRASE)
    assert [t[:40] for t in found] == [
        "I have an action item to dig into whethe",
        "Some of the operators present took the a",
    ]


def test_more_commitment_verbs_name_their_owners() -> None:
    """'agreed on providing', 'accepted to provide' and 'are looking into' commit their subjects."""
    assert [owners for _, owners in actions(OTHER_VERBS)] == [
        ("gmann",),
        ("ralonso",),
        ("vsaienko", "armando", "kevinbenton"),
    ]


def test_while_clause_adds_its_subjects() -> None:
    """'X and Y volunteered to ..., while Z volunteered to ...': all five own the item."""
    assert [owners for _, owners in actions(WHILE_CLAUSE)] == [
        ("mgoddard", "dtantsur", "mjturek", "hsiina", "crushil")
    ]


def test_plan_for_a_series_heads_an_action_list() -> None:
    """The items under 'Plan for Pike' are actions."""
    assert texts(PLAN_FOR_SERIES) == [
        "Ensure complete feature parity between two clients.",
        "Only use openstack baremetal commands in the documentation.",
    ]


def test_bracketed_action_items_header() -> None:
    """'[Action Items]' heads an action list; a group in the trailing brackets is the team."""
    assert actions(BRACKETED_HEADER) == [
        ("Prioritize review/merge of proposed patches[2] on this topic [tripleo-core]", ()),
        (
            (
                "Finish the CI jobs for testing standalone roles and make them voting "
                "[Chandan/tripleo-ci-core]"
            ),
            ("chandan",),
        ),
    ]


def test_camel_case_nick_will() -> None:
    """'JayF will be working on this ...' is owned by jayf."""
    assert [(t[:25], o) for t, o in actions(CAMEL_CASE_NICK)] == [
        ("JayF will be working on t", ("jayf",))
    ]


def test_owner_after_a_comma() -> None:
    """'We may need X, **rloo** will track this.' is an action owned by rloo."""
    found = actions(OWNER_AFTER_COMMA)
    assert [o for _, o in found] == [("rloo",)]
    assert found[0][0].startswith("We may need an explicit migration for VIFs")


NAMED_BESIDE_EXPLICIT = """\
Atlanta PTG Summary: Ironic

We spent the first half of Wednesday on this.

vsaienko, armando and kevinbenton are looking into the Neutron part of the configdrive problem.

Plan for Pike
  • model physical networks on Ironic ports,
"""

DUTY_AND_CAUTION = """\
[openstack-dev] [Heat] Summit recap

Convergence improvements

That fix is in good progress. We need to measure more to be able detect
regressions early. We need to ensure that old templates keep working.
We'll keep the current implementation. That means we'll only push patches for bugs.
"""


def test_named_commitment_beside_an_explicit_list() -> None:
    """A named volunteer in prose stays an action when the topic also has an action list."""
    assert actions(NAMED_BESIDE_EXPLICIT) == [
        (
            (
                "vsaienko, armando and kevinbenton are looking into the Neutron part of the "
                "configdrive problem."
            ),
            ("vsaienko", "armando", "kevinbenton"),
        ),
        ("model physical networks on Ironic ports,", ()),
    ]


def test_prose_duty_but_not_caution_or_status_quo() -> None:
    """'We need to measure' is work; 'to ensure', "We'll keep" and 'that means we'll' are not."""
    assert texts(DUTY_AND_CAUTION) == [
        "We need to measure more to be able detect regressions early.",
    ]


LATER_CLAUSES = """\
[openstack-dev] [Manila] PTG summary

Incompatible Features
While no specific incompatibilities are known, we need to comprehensively test the
combinations. Next, we need to update cinder to support FCoE. We are planning to
announce the change this cycle. About specific events related to Neutron backends,
ralonso accepted to provide a documentation. Sadly, attendance has fallen.
"""

PARAGRAPH_UNDER_GOALS = """\
Atlanta PTG Summary: Ironic

Boot from volume

Goals for Pike

finish the first (iSCSI using iPXE) case and the Nova part.
"""


def test_later_clauses_and_leading_adverbs() -> None:
    """Clauses after a comma commit the team or a named person; a fact ('has fallen') does not."""
    assert actions(LATER_CLAUSES) == [
        ("we need to comprehensively test the combinations.", ()),
        ("Next, we need to update cinder to support FCoE.", ()),
        ("We are planning to announce the change this cycle.", ()),
        ("ralonso accepted to provide a documentation.", ("ralonso",)),
    ]


def test_paragraph_right_under_an_action_header() -> None:
    """The paragraph right under 'Goals for Pike' (after a blank line) is its action."""
    assert texts(PARAGRAPH_UNDER_GOALS) == [
        "finish the first (iSCSI using iPXE) case and the Nova part."
    ]


PROSE_AFTER_A_PLAN = """\
Atlanta PTG Summary: Ironic

Routed networks

Goals for Pike
  • model physical networks on Ironic ports,

vsaienko, armando and kevinbenton are looking into the Neutron part of the configdrive problem.
"""


def test_prose_goes_on_after_a_series_plan() -> None:
    """'Plan/Goals for <series>' does not end the topic: a later volunteer is still read."""
    assert actions(PROSE_AFTER_A_PLAN) == [
        ("model physical networks on Ironic ports,", ()),
        (
            (
                "vsaienko, armando and kevinbenton are looking into the Neutron part of the "
                "configdrive problem."
            ),
            ("vsaienko", "armando", "kevinbenton"),
        ),
    ]
