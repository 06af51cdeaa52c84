"""Every summary form in tests/data/summaries gives exactly the records a careful reader sees."""

from __future__ import annotations

import html
import textwrap
from datetime import date
from pathlib import Path

import pytest

from syncsvc.domain import Day, Event, Person
from syncsvc.parse.normalise import decode, normalise, strip_mail_chrome
from syncsvc.parse.summary import parse_summary

DATA = Path(__file__).resolve().parents[1] / "data" / "summaries"
EP = "https://etherpad.opendev.org/p/"
#: First days of the PTG weeks in the bundled release schedules: a summary that names no
#: day of its own is dated by its cycle's.
WALLABY_PTG, XENA_PTG, YOGA_PTG = date(2020, 10, 26), date(2021, 4, 19), date(2021, 10, 18)


def load(name: str, **kwargs) -> Event:
    """Parse one fixture from its bytes."""
    return parse_summary((DATA / name).read_bytes(), **kwargs)


def outline(event: Event) -> list[tuple]:
    """(title, day date, etherpads, [(action text, owners)], decisions) per topic."""
    return [
        (
            t.title,
            t.day.date if t.day else None,
            list(t.etherpads),
            [(a.text, a.owners) for a in t.actions],
            list(t.decisions),
        )
        for t in event.topics
    ]


class TestNormalisationForms:
    """HTML, Markdown, wrapped, quoted and encoded inputs read like the plain form."""

    def test_html_lists(self) -> None:
        """Headings, nested lists, <li><p> items, entities and hidden link targets are read."""
        event = load("html-lists.html")
        assert (event.team, event.cycle, [d.date for d in event.days]) == (
            "placement",
            "xena",
            [date(2021, 4, 19)],
        )
        assert outline(event) == [
            ("Consumer types", date(2021, 4, 19), [EP + "xena-ptg-placement-consumer-types"], [
                ("melwitt will finish the consumer types series by Xena-2", ("melwitt",)),
                ("gibi to review the microversion & the client", ()),
            ], []),
            ("Nested providers in the CLI", date(2021, 4, 19), [], [
                (("tetsuro will add a --tree option (patch <https://review.opendev.org/c/"
                 "openstack/osc-placement/+/787000>)"), ("tetsuro",)),
            ], []),
        ]  # fmt: skip
        assert event.topics[0].discussion == (
            "allocations need a type so quotas can count them",
            "the type must be optional for old clients",
            'default to "unknown"',
        )
        assert [r.id for r in event.topics[1].actions[0].refs] == ["787000"]

    def test_markdown(self) -> None:
        """A '#' title is not a topic; '###' topics, '**Actions:**' and task boxes are read."""
        event = load("markdown.md")
        assert (event.title, [d.label for d in event.days]) == (
            "Designate Yoga PTG",
            ["Day 1 - Oct 18, 2021"],
        )
        assert outline(event) == [
            ("Catalog zones", date(2021, 10, 18), [EP + "yoga-ptg-designate-catalog"], [
                ("johnsom will write the catalog zone spec by Yoga-1", ("johnsom",)),
                ("frickler to check the BIND version in the gate", ()),
            ], []),
            ("Shared zones", date(2021, 10, 18), [], [
                (("mugsie will draft the shared zones API (review <https://review.opendev.org/c/"
                 "openstack/designate-specs/+/812345>)"), ("mugsie",)),
                ("docs will be updated once the API merges", ()),
            ], []),
        ]  # fmt: skip
        assert event.topics[0].actions[0].due == date(2021, 11, 19)

    def test_hard_wrapped(self) -> None:
        """Continuation lines, at the margin or indented, join their bullet."""
        event = load("hard-wrapped.txt")
        topic = event.topics[0]
        assert topic.discussion == (
            (
                "keystone unified limits are ready for nova to consume, but the quota code still "
                "counts usage from the cell databases"
            ),
            "we need a migration path for operators that use the legacy quota driver today",
        )
        assert [(a.text, a.owners) for a in topic.actions] == [
            (
                (
                    "melwitt will post the remaining unified limits patches for review by Xena-2, "
                    "including the placement-based usage counting"
                ),
                ("melwitt",),
            ),
            (
                (
                    "gibi will review the series and check the upgrade notes; the notes must "
                    "mention the new config option"
                ),
                ("gibi",),
            ),
        ]
        assert topic.actions[0].milestone is not None
        assert topic.actions[0].milestone.key == "xena-2"

    def test_quoted_reply(self) -> None:
        """Quote levels, 'On … wrote:', signatures and the list footer are stripped."""
        event = load("quoted-reply.txt")
        assert (event.team, event.cycle) == ("qa", "yoga")
        assert outline(event) == [
            ("Tempest cleanup", YOGA_PTG, [EP + "qa-yoga-ptg-cleanup"], [
                ("kopecmartin will extend the cleanup tool to plugin resources", ("kopecmartin",)),
                ("tosky will review the cleanup changes", ("tosky",)),
            ], []),
            ("Stable branch jobs", YOGA_PTG, [], [
                ("gmann will drop the py36 jobs from the stable branches", ("gmann",)),
            ], []),
        ]  # fmt: skip
        assert event.warnings == ()

    def test_mixed_bullets(self) -> None:
        """'*', '+', '•', '1.', '2.)' and '-' bullets, tab-indented or not, are all bullets."""
        event = load("mixed-bullets.txt")
        topic = event.topics[0]
        assert topic.discussion == (
            "the angular panels are hard to maintain",
            "few people know angular",
            "the react prototype is promising",
        )
        assert [(a.text, a.owners) for a in topic.actions] == [
            ("vishalmanchanda will list the angular panels and their owners", ("vishalmanchanda",)),
            (
                (
                    "amotoki will propose a deprecation plan by Yoga-2; the plan covers the "
                    "translation tooling"
                ),
                ("amotoki",),
            ),
            ("e0ne will check the integration tests", ("e0ne",)),
        ]

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            (
                "latin1-crlf.txt",
                ("trove", "Datastore images",
                 "lxkong will publish the images for the new datastore versions"),
            ),
            (
                "utf8-bom-crlf.txt",
                ("zun", "Capsule API", "hongbin will document the capsule API \u2013 with examples"),
            ),
        ],
    )  # fmt: skip
    def test_encodings(self, name: str, expected: tuple[str, str, str]) -> None:
        """Latin-1 and UTF-8 with a BOM, both with CRLF endings, decode to the same records."""
        event = load(name)
        assert (event.team, event.topics[0].title, event.actions[0].text) == expected
        assert event.warnings == ()

    def test_latin1_text_is_decoded(self) -> None:
        """The Latin-1 'é' survives decoding (it is not replaced or dropped)."""
        data = (DATA / "latin1-crlf.txt").read_bytes()
        assert b"caf\xe9" in data
        assert "café-style" in normalise(decode(data))

    def test_wiki_page(self) -> None:
        """Wiki chrome lines and '[edit]' links are gone; the content stays."""
        event = load("wiki-page.txt")
        assert outline(event) == [
            ("Packages API", WALLABY_PTG, [], [
                ("zhurong will add paging to the packages API", ("zhurong",)),
            ], []),
        ]  # fmt: skip
        assert (event.cycle, event.warnings) == ("wallaby", ())


class TestMailChrome:
    """The mail-chrome stage on its own."""

    def test_lines_are_kept_in_place(self) -> None:
        """Removed chrome lines become blank lines, so line numbers still match the source."""
        lines = ["hi", "On Mon, Oct 25 Someone wrote:", "> - a", "> > - b", "", "-- ", "Me"]
        assert strip_mail_chrome(lines) == ["hi", "", "- a", "- b", "", "", ""]

    def test_long_dash_block_is_not_a_signature(self) -> None:
        """A '--' separator followed by a long block is content, not a signature."""
        lines = ["--", *[f"- item {n}" for n in range(12)]]
        assert strip_mail_chrome(lines) == lines

    def test_quote_without_space_is_text(self) -> None:
        """'>80%' is text, not a quote mark."""
        assert strip_mail_chrome([">80% of the jobs pass"]) == [">80% of the jobs pass"]

    def test_outlook_forward_header(self) -> None:
        """An '-----Original Message-----' block and its header fields are removed."""
        lines = ["-----Original Message-----", "From: a", "Sent: today", "Subject: x", "body"]
        assert strip_mail_chrome(lines) == ["", "", "", "", "body"]


class TestStructureForms:
    """Day and topic headings in every form, etherpads and footnotes."""

    def test_weekday_days_and_dashed_topics(self) -> None:
        """'Tuesday 19 October' is a day dated with the intro's year; '--- T ---' is a topic."""
        event = load("weekday-days.txt")
        assert [(d.label, d.date) for d in event.days] == [
            ("Tuesday 19 October", date(2021, 10, 19)),
            ("Wednesday 20 October", date(2021, 10, 20)),
        ]
        assert outline(event) == [
            ("Cache API cleanup", date(2021, 10, 19), [EP + "yoga-ptg-glance-cache"], [
                ("abhishekk will move the cache API to the stable path by Yoga-2", ("abhishekk",)),
                ("jokke_ to review the client changes", ()),
            ], []),
            ("Image import plugins", date(2021, 10, 20), [], [
                ("docs will be updated before the release", ()),
                ("pdeore will write a plugin guide", ("pdeore",)),
            ], []),
        ]  # fmt: skip

    def test_wiki_topics_without_days(self) -> None:
        """With no day level, '== T ==' headings are topics, dated by the cycle's PTG week."""
        event = load("no-days-wiki.txt")
        assert (event.days, event.title) == ((Day("Xena PTG week", XENA_PTG),), "Octavia Xena PTG")
        assert outline(event) == [
            ("Amphora image builds", XENA_PTG, [EP + "xena-ptg-octavia-images"], [
                ("johnsom will split the image build into its own job", ("johnsom",)),
            ], []),
            ("Provider drivers", XENA_PTG, [], [
                ("gthiemonge will email the driver maintainers", ("gthiemonge",)),
                ("retire the drivers whose CI stays silent by Xena-3", ()),
            ], []),
        ]  # fmt: skip

    def test_date_lines_and_emphasised_headings(self) -> None:
        """Date lines are days; '*== T ==*' is a topic; an alias makes 'TheJulia' a nick."""
        event = load("date-lines.txt", aliases={"TheJulia": "Julia Kreger"})
        assert (event.team, event.cycle) == ("ironic", "zed")
        assert outline(event) == [
            ("Deploy steps", date(2022, 4, 5), [EP + "zed-ptg-ironic-steps"], [
                ("dtantsur will draft a spec for step arguments", ("dtantsur",)),
            ], []),
            ("Fast track", date(2022, 4, 6), [], [
                ("TheJulia will add a retry to the heartbeat handler", ("TheJulia",)),
            ], []),
        ]  # fmt: skip
        assert event.people == (Person("TheJulia", "Julia Kreger"),)

    def test_underlined_headings(self) -> None:
        """An underlined title is the title; '====' days and '----' topics are read."""
        event = load("underlined.txt")
        assert [(d.label, d.date) for d in event.days] == [
            ("Monday", date(2021, 10, 18)),
            ("Tuesday", date(2021, 10, 19)),
        ]
        assert outline(event) == [
            ("OVN migration", date(2021, 10, 18), [EP + "neutron-yoga-ovn"], [
                ("ralonsoh will add a rollback step to the migration tool", ("ralonsoh",)),
            ], []),
            ("Stateless security groups", date(2021, 10, 19), [], [
                ("slaweq will open a bug for the OVS driver gap", ("slaweq",)),
            ], []),
        ]  # fmt: skip

    def test_numbered_topics(self) -> None:
        """'1. Title' heads a topic; numbered items inside an Actions list stay actions."""
        event = load("numbered-topics.txt")
        assert outline(event) == [
            ("Sharding improvements", YOGA_PTG, [EP + "swift-yoga-sharding"], [
                ("timburke will add a periodic recount", ("timburke",)),
            ], []),
            ("Per-policy quotas", YOGA_PTG, [], [
                ("clayg to sketch the middleware config", ()),
                ("acoles will review the sketch", ("acoles",)),
            ], []),
        ]  # fmt: skip

    def test_topic_and_summary_lines(self) -> None:
        """'Topic: T' opens a topic; 'Summary:' is its discussion, inline or as a list."""
        event = load("topic-summary.txt", known_nicks=["rosmaita"])
        assert [t.discussion for t in event.topics] == [
            (
                (
                    "The re-image API needs a microversion and a new policy. We agreed the "
                    "attachment must be detached first."
                ),
            ),
            ("quotas drift when deletes fail", "a unified limits driver is the long-term answer"),
        ]
        assert outline(event) == [
            ("Volume re-image", YOGA_PTG, [], [
                ("whoami-rajat will propose the API change by Yoga-1", ("whoami-rajat",)),
                ("rosmaita to update the policy docs", ("rosmaita",)),
            ], []),
            ("Quota rework", YOGA_PTG, [], [
                ("geguileo will write a spec for counting quotas from the database",
                 ("geguileo",)),
            ], []),
        ]  # fmt: skip

    def test_etherpads_and_footnotes(self) -> None:
        """Footnote marks in etherpad lines and items resolve to the URLs listed at the end."""
        event = load("etherpads-footnotes.txt")
        assert [list(t.etherpads) for t in event.topics] == [
            [EP + "wallaby-ptg-keystone-appcreds", EP + "wallaby-ptg-keystone-appcreds-2"],
            [EP + "wallaby-ptg-keystone-federation",
             "https://docs.example.org/keystone/federation-notes"],
        ]  # fmt: skip
        refs = [[(str(r.kind), r.id) for r in a.refs] for a in event.actions]
        assert refs == [[("change", "760000")], [("bug", "1900001")]]
        assert [(str(r.kind), r.id) for r in event.topics[0].refs] == [("change", "760000")]
        assert (len(event.footnotes), event.warnings) == (5, ())

    def test_glued_headings(self) -> None:
        """A heading glued to the next line or to the previous item still opens a topic."""
        event = load("glued-headings.txt")
        assert outline(event) == [
            ("Share transfers", date(2021, 4, 20), [EP + "xena-ptg-manila-transfers"], [
                ("haixin will write the transfer spec.", ("haixin",)),
            ], []),
            ("Replica quotas", date(2021, 4, 20), [EP + "xena-ptg-manila-replica-quotas"], [
                ("kpdev will add replica quotas to the quota API", ("kpdev",)),
            ], []),
        ]  # fmt: skip


class TestSummaryHeading:
    """A bare 'Summary' heading over the introduction."""

    def test_summary_heading_is_not_unplaced(self) -> None:
        """'## Summary' before the first topic is part of the introduction, not a warning."""
        text = "## Summary\n\nNotes from the Nova Yoga PTG.\n\n1. Quotas\n- limits are close\n"
        event = parse_summary(text)
        assert (event.title, [t.title for t in event.topics], event.warnings) == (
            "Nova Yoga PTG",
            ["Quotas"],
            (),
        )


class TestActionForms:
    """Action and decision markers, and inferred actions kept apart."""

    def test_action_and_decision_markers(self) -> None:
        """Every action marker yields an action; '#agreed', 'Agreed:' and 'Decisions:' do not."""
        event = load("action-forms.txt", known_nicks=["hrw", "mgoddard"])
        assert outline(event) == [
            ("Image builds", YOGA_PTG, [], [
                ("mnasiadka will cache the base layers in the gate", ("mnasiadka",)),
                ("hrw to measure the build time after the change", ("hrw",)),
            ], []),
            ("Release process", YOGA_PTG, [], [
                ("yoctozepto will write the release checklist", ("yoctozepto",)),
                ("priteau will automate the tag script", ("priteau",)),
            ], [
                "we tag all deliverables together",
                "stable branches are cut one week after the coordinated release",
            ]),
            ("Deprecations", YOGA_PTG, [], [
                ("mgoddard to announce the deprecations on the mailing list", ("mgoddard",)),
            ], ["drop the CentOS 8 images in Yoga", "keep the Debian images"]),
        ]  # fmt: skip
        assert event.topics[1].discussion == ("the stable branches lag by a month",)
        assert len(event.decisions) == 4
        assert all(not a.inferred and a.confidence == 1.0 for a in event.actions)

    def test_inferred_actions(self) -> None:
        """A lost-header list and a prose commitment are inferred, with lower confidence."""
        event = load("inferred.txt")
        got = [
            (t.title, [(a.text, a.owners, a.inferred, a.confidence) for a in t.actions])
            for t in event.topics
        ]
        assert got == [
            ("Secret consumers", [
                ("dmendiza will finish the secret consumers API", ("dmendiza",), True, 0.7),
                ("add client support for consumers", (), True, 0.7),
            ]),
            ("HSM backends", [
                ("xek will put up a patch to load sessions lazily.", ("xek",), True, 0.5),
            ]),
            ("Key rotation", [
                ("redrobot will write the rotation spec", ("redrobot",), False, 1.0),
            ]),
        ]  # fmt: skip
        assert event.topics[0].discussion == (
            "the consumer API needs a policy review",
            "operators want to list consumers per secret",
        )
        assert "hrybacki will check what castellan expects here" in event.topics[2].discussion

    def test_explicit_list_suppresses_inference(self) -> None:
        """A bullet group after a blank line is discussion when the topic has explicit actions."""
        text = (
            "=== T ===\nDiscussion Items:\n- a point\n\n- gouthamr will write it\n"
            "Actions:\n- vkmc will review it\n"
        )
        event = parse_summary(text)
        assert [(a.text, a.inferred) for a in event.actions] == [("vkmc will review it", False)]
        assert event.topics[0].discussion == ("a point", "gouthamr will write it")

    def test_discussion_only_list_is_not_inferred(self) -> None:
        """A last group of plain observations is not a lost action list."""
        text = "=== T ===\n- a point\n\n- the gate is slow\n- reviews are late\n"
        event = parse_summary(text)
        assert (event.actions, len(event.topics[0].discussion)) == ((), 3)


class TestOwnerForms:
    """Owners in context: aliases, Name/nick, organisations, praise, whole words."""

    def test_owner_forms(self) -> None:
        """Each line of owners.txt has exactly the owners and organisations a reader sees."""
        event = load(
            "owners.txt",
            known_nicks=["tamito"],
            aliases={"gouthamr": "Goutham Pacha Ravi", "vhari": "Vida Haririan"},
        )
        got = [(a.owners, a.organisations) for a in event.actions]
        assert got == [
            (("gouthamr",), ()),
            (("carloss",), ()),
            ((), ("NetApp", "SAP")),
            ((), ()),
            (("vhari",), ()),
            (("amito",), ()),
            (("vkmc",), ("NetApp",)),
        ]
        assert set(event.people) == {
            Person("gouthamr", "Goutham Pacha Ravi"),
            Person("carloss", "Carlos"),
            Person("vhari", "Vida Haririan"),
        }

    def test_without_aliases_names_are_not_guessed(self) -> None:
        """Without the alias map, a full name and 'vhari to …' name nobody."""
        event = load("owners.txt")
        assert [a.owners for a in event.actions][:5] == [(), ("carloss",), (), (), ()]

    def test_mapping_as_known_nicks_is_the_alias_map(self) -> None:
        """A mapping passed as known_nicks (the CLI passes the config's aliases) acts as aliases."""
        event = load("owners.txt", known_nicks={"gouthamr": "Goutham Pacha Ravi"})
        assert event.actions[0].owners == ("gouthamr",)


def rewrap(text: str, width: int) -> str:
    """Hard-wrap every long line except headings, continuation lines at the margin."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) > width and not line.startswith("="):
            out += textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
        else:
            out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def seed(reference_summary: Path) -> tuple[str, list[tuple]]:
    """The reference input as normalised text, and its outline."""
    data = reference_summary.read_bytes()
    return normalise(decode(data)), outline(parse_summary(data))


class TestReferenceLayouts:
    """The reference input laid out as other mail clients and archives would show it."""

    @pytest.mark.parametrize(
        "layout",
        ["plain", "wrapped-72", "wrapped-60", "quoted", "pipermail-pre", "markdown"],
    )
    def test_same_records(self, seed: tuple[str, list[tuple]], layout: str) -> None:
        """Each layout gives the 18 topics and 47 actions, with the same owners and etherpads."""
        text, expected = seed
        source = {
            "plain": lambda: text,
            "wrapped-72": lambda: rewrap(text, 72),
            "wrapped-60": lambda: rewrap(text, 60),
            "quoted": lambda: (
                "On Mon, someone wrote:\n"
                + "\n".join(f"> {line}" for line in rewrap(text, 72).split("\n"))
                + "\n-- \nme\n"
            ),
            "pipermail-pre": lambda: f"<html><body><pre>{html.escape(text)}</pre></body></html>",
            "markdown": lambda: (
                text.replace("=== ", "### ")
                .replace(" ===", "")
                .replace("== ", "## ")
                .replace(" ==\n", "\n")
            ),
        }[layout]()
        event = parse_summary(source)
        assert outline(event) == expected
        assert (len(event.actions), sum(1 for a in event.actions if a.owners)) == (47, 20)
        assert event.warnings == ()
