"""Link records and the evidence parsers: footers (jeepyb semantics), topics, bug comments."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from syncsvc.domain import (
    Account,
    BlueprintFooter,
    BugFooter,
    BugMessage,
    Change,
    ChangeStatus,
    Edge,
    Footers,
    Identity,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    Ref,
    RefKind,
    Relation,
    find_blueprint_footers,
    find_bug_footers,
    footers_from_message,
)
from syncsvc.reconcile.footers import (
    FixMessage,
    change_edges,
    collect_edges,
    linkable_refs,
    message_edge,
    parse_bug_message,
    parse_gerrit_topic,
)

CHANGE_ID = "I0123456789abcdef0123456789abcdef01234567"
T0 = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
REVIEW = "https://review.opendev.org/c/openstack/manila/+/745206"


def commit(*footer_lines: str, body: str = "Extend shares through the scheduler") -> str:
    """A commit message: subject, body paragraph, then the footer block."""
    return "\n".join(["Fix share extend", "", body, "", *footer_lines, f"Change-Id: {CHANGE_ID}"])


def change(
    number: int = 745206, *, footers: Footers | None = None, topic: str | None = None
) -> Change:
    """A minimal change record."""
    return Change(
        number=number, project="openstack/manila", branch="master", subject="Fix share extend",
        status=ChangeStatus.NEW, owner=Account(1, "haixin"), created=T0, updated=T0,
        topic=topic, footers=footers or Footers(),
    )  # fmt: skip


def comment(subject: str, content: str, bug_id: int = 1855391) -> BugMessage:
    """A Launchpad bug comment."""
    return BugMessage(
        bug_id=bug_id, author="hudson-openstack", date=T0, subject=subject, content=content
    )


class TestBugFooters:
    """Bug footer lines read as jeepyb's update_bug.py reads them."""

    @pytest.mark.parametrize(
        ("line", "relation"),
        [
            ("Closes-Bug: #123", Relation.CLOSES),
            ("closes-bug 123", Relation.CLOSES),
            ("Closes-Bug:#123", Relation.CLOSES),
            ("Fixes-Bug: #123", Relation.CLOSES),
            ("Resolves-Bug: 123", Relation.CLOSES),
            ("Fixes: bug # 123", Relation.CLOSES),
            ("Resolves: bug 123", Relation.CLOSES),
            ("Bug: #123", Relation.CLOSES),
            ("Bug #123", Relation.CLOSES),
            ("LP: #123", Relation.CLOSES),
            ("lp bug 123", Relation.CLOSES),
            ("   Closes-Bug: #123", Relation.CLOSES),
            ("Partial-Bug: #123", Relation.PARTIAL),
            ("Partial-Bug: lp bug # 123", Relation.PARTIAL),
            ("Related-Bug: #123", Relation.RELATED),
            ("Impacts: bug #123", Relation.RELATED),
            ("Impacts-Bug: 123", Relation.RELATED),
            ("Affects: bug 123", Relation.RELATED),
            ("See bug 123", Relation.MENTIONS),
        ],
    )
    def test_footer_form(self, line, relation):
        """Each footer form names bug 123 with the relation jeepyb gives its prefix."""
        assert find_bug_footers(commit(line)) == (BugFooter(123, relation, line.strip()),)

    @pytest.mark.parametrize(
        "line",
        [
            "Closes-Bug: #123, #456",
            "Closes-Bug: #123 #456",
            "Closes-Bug: 123, 456",
            "Closes-Bug: #123 and #456",
        ],
    )
    def test_several_ids_on_one_line(self, line):
        """Several ids on one footer line are all read, with the line's relation."""
        assert find_bug_footers(commit(line)) == (
            BugFooter(123, Relation.CLOSES, line),
            BugFooter(456, Relation.CLOSES, line),
        )

    @pytest.mark.parametrize(
        "body",
        [
            "This Closes-Bug: #123 which broke extend.",
            "It closes-bug 123 as discussed",
            "we hit this in bug 123 last week",
            "Closes-Bug: #123.",
            "Closes-Bug: #123 for real",
        ],
    )
    def test_prose_does_not_count(self, body):
        """A bug mentioned inside a sentence is not a footer: the whole line must be one."""
        assert find_bug_footers(commit(body=body)) == ()

    def test_first_line_naming_a_bug_wins(self):
        """A bug named twice keeps the relation of its first footer, as jeepyb does."""
        message = commit("Related-Bug: #123", "Closes-Bug: #123", "Partial-Bug: #456")
        assert find_bug_footers(message) == (
            BugFooter(123, Relation.RELATED, "Related-Bug: #123"),
            BugFooter(456, Relation.PARTIAL, "Partial-Bug: #456"),
        )

    @pytest.mark.parametrize(
        "line",
        [
            "Closes-Bug: " + "1   " * 5000 + "x",
            "Closes-Bug: " + "1" * 5000 + "x",
            "x-" * 5000 + "bug 1x",
        ],
    )
    def test_adversarial_line_does_not_backtrack(self, line):
        """A long near-miss line is rejected at once (the old pattern backtracked exponentially)."""
        assert find_bug_footers(line) == ()

    def test_crlf_lines(self):
        """Windows line endings do not hide a footer."""
        assert find_bug_footers("Fix\r\n\r\nCloses-Bug: #123\r\n") == (
            BugFooter(123, Relation.CLOSES, "Closes-Bug: #123"),
        )


class TestBlueprintFooters:
    """Implements / Partially-Implements footers."""

    @pytest.mark.parametrize(
        ("line", "name", "relation"),
        [
            ("Implements: blueprint share-affinity", "share-affinity", Relation.CLOSES),
            ("Implements: bp share-affinity", "share-affinity", Relation.CLOSES),
            ("Implements: bp:share-affinity", "share-affinity", Relation.CLOSES),
            ("implements: share-affinity", "share-affinity", Relation.CLOSES),
            ("Partially-Implements: blueprint share-affinity", "share-affinity", Relation.PARTIAL),
            ("Partial-Implements: bp share-affinity", "share-affinity", Relation.PARTIAL),
        ],
    )
    def test_blueprint_form(self, line, name, relation):
        """Each form names the blueprint; the Partially- forms are partial."""
        assert find_blueprint_footers(commit(line)) == (BlueprintFooter(name, relation, line),)

    def test_comma_separated_names(self):
        """Several blueprints on one line are all read."""
        line = "Implements: blueprint a-b, bp c-d"
        assert find_blueprint_footers(commit(line)) == (
            BlueprintFooter("a-b", Relation.CLOSES, line),
            BlueprintFooter("c-d", Relation.CLOSES, line),
        )

    def test_prose_does_not_count(self):
        """'implements blueprint x' inside a sentence is not a footer."""
        assert find_blueprint_footers(commit(body="This implements blueprint x partly.")) == ()


class TestFootersFromMessage:
    """The domain Footers of a commit message, with jeepyb's semantics."""

    def test_every_kind(self):
        """Closes/partial/related (mentions count as related), blueprints and the last Change-Id."""
        message = commit(
            "Bug: #1",
            "Fixes-Bug: #2",
            "Partial-Bug: #3",
            "Impacts: bug 4",
            "See bug 5",
            "Implements: blueprint bp-one",
            "Change-Id: I1111111111111111111111111111111111111111",
        )
        assert footers_from_message(message) == Footers(
            closes_bug=("1", "2"),
            partial_bug=("3",),
            related_bug=("4", "5"),
            blueprints=("bp-one",),
            change_id=CHANGE_ID,
        )

    def test_no_footers(self):
        """A message without footers gives empty Footers."""
        assert footers_from_message("Fix typo") == Footers()

    def test_either_grammar_is_enough(self):
        """Lines only Gerrit's keyed form accepts and lines only jeepyb's accepts both count."""
        message = commit(
            "Closes-Bug: #10 for real",  # keyed form only: jeepyb wants the whole line
            "Fixes: bug 11",  # jeepyb only: no Closes-Bug key
            "Related-Bug: #12, see also 13",  # keyed form only
            "Partial-Implements: bp half-done",  # jeepyb only
            "Implements: blueprint whole-thing",
        )
        assert footers_from_message(message) == Footers(
            closes_bug=("10", "11"),
            related_bug=("12", "13"),
            blueprints=("whole-thing", "half-done"),
            change_id=CHANGE_ID,
        )

    def test_keyed_relation_and_jeepyb_first_line_both_hold(self):
        """A bug in a Closes-Bug line after a Related-Bug line is listed under both."""
        message = commit("Related-Bug: #123", "Closes-Bug: #123")
        assert footers_from_message(message) == Footers(
            closes_bug=("123",), related_bug=("123",), change_id=CHANGE_ID
        )


class TestGerritTopic:
    """Topics bug/N and bp/name."""

    @pytest.mark.parametrize(
        ("topic", "expected"),
        [
            ("bug/1855391", (LinkKind.BUG, "1855391")),
            ("Bug/1855391", (LinkKind.BUG, "1855391")),
            ("bp/share-affinity", (LinkKind.BLUEPRINT, "share-affinity")),
            ("blueprint/share-affinity", (LinkKind.BLUEPRINT, "share-affinity")),
            ("share-affinity", None),
            ("bug/abc", None),
            ("", None),
            (None, None),
        ],
    )
    def test_topic(self, topic, expected):
        """Only the two conventional forms name a bug or blueprint."""
        assert parse_gerrit_topic(topic) == expected


class TestBugMessages:
    """jeepyb's comments on bugs."""

    def test_fix_proposed(self):
        """'Fix proposed to manila (master)' with a Review URL closes."""
        message = comment(
            "Fix proposed to manila (master)", f"Fix proposed to branch: master\nReview: {REVIEW}"
        )
        assert parse_bug_message(message) == FixMessage(
            1855391, 745206, Relation.CLOSES, "proposed", "manila", "master", REVIEW
        )

    def test_old_style_review_url(self):
        """The pre-2020 URL form names the change too."""
        url = "https://review.openstack.org/745206"
        message = comment(
            "Fix proposed to manila (master)", f"Fix proposed to branch: master\nReview: {url}"
        )
        assert parse_bug_message(message) == FixMessage(
            1855391, 745206, Relation.CLOSES, "proposed", "manila", "master", url
        )

    def test_related_fix_on_a_stable_branch(self):
        """A related fix relates only, and keeps its branch."""
        message = comment(
            "Related fix proposed to manila (stable/victoria)",
            f"Related fix proposed to branch: stable/victoria\nReview: {REVIEW}",
        )
        assert parse_bug_message(message) == FixMessage(
            1855391, 745206, Relation.RELATED, "proposed", "manila", "stable/victoria", REVIEW
        )

    def test_fix_merged(self):
        """'Fix merged' reads the Reviewed: line."""
        content = f"Reviewed:  {REVIEW}\nCommitted: https://opendev.org/x\nBranch:    master\n"
        message = comment("Fix merged to manila (master)", content)
        assert parse_bug_message(message) == FixMessage(
            1855391, 745206, Relation.CLOSES, "merged", "manila", "master", REVIEW
        )

    def test_change_abandoned(self):
        """An abandoned change only relates: jeepyb does not say if it was a fix."""
        content = f"Change abandoned by Haixin on branch: master\nReview: {REVIEW}"
        message = comment("Change abandoned on manila (master)", content)
        assert parse_bug_message(message) == FixMessage(
            1855391, 745206, Relation.RELATED, "abandoned", "manila", "master", REVIEW
        )

    def test_body_only(self):
        """Without the subject the body's first line is enough (project unknown)."""
        message = comment(
            "Re: extend skips the scheduler", f"Fix proposed to branch: master\nReview: {REVIEW}"
        )
        assert parse_bug_message(message) == FixMessage(
            1855391, 745206, Relation.CLOSES, "proposed", "", "master", REVIEW
        )

    @pytest.mark.parametrize(
        ("subject", "content"),
        [
            ("Re: extend", "I can reproduce this on master."),
            ("Fix proposed to manila (master)", "Fix proposed to branch: master"),
            ("Fix proposed to manila (master)", "Review: https://example.org/745206"),
        ],
    )
    def test_other_comments(self, subject, content):
        """Ordinary comments and comments without a Gerrit review URL are not evidence."""
        assert parse_bug_message(comment(subject, content)) is None


class TestEdges:
    """Change ↔ bug/blueprint edges from footers, topics and comments."""

    def test_change_edges(self):
        """Footers give bug and blueprint edges with their confidence; the topic adds one more."""
        footers = Footers(
            closes_bug=("1855391",), partial_bug=("2",), related_bug=("3",), blueprints=("x",)
        )
        assert change_edges(change(footers=footers, topic="bug/4")) == (
            Edge(745206, LinkKind.BUG, "1855391", LinkSource.FOOTER, Relation.CLOSES, 0.95,
                 "change 745206 footer Closes-Bug: #1855391"),
            Edge(745206, LinkKind.BUG, "2", LinkSource.FOOTER, Relation.PARTIAL, 0.8,
                 "change 745206 footer Partial-Bug: #2"),
            Edge(745206, LinkKind.BUG, "3", LinkSource.FOOTER, Relation.RELATED, 0.5,
                 "change 745206 footer Related-Bug: #3"),
            Edge(745206, LinkKind.BLUEPRINT, "x", LinkSource.FOOTER, Relation.CLOSES, 0.95,
                 "change 745206 footer Implements: blueprint x"),
            Edge(745206, LinkKind.BUG, "4", LinkSource.TOPIC, Relation.CLOSES, 0.8,
                 "change 745206 topic bug/4"),
        )  # fmt: skip

    def test_footer_edge_text_is_made_when_read(self):
        """A footer edge keeps no text: it reads, compares, hashes and prints as written out."""
        bare = change_edges(change(footers=Footers(closes_bug=("1855391",))))[0]
        written = Edge(745206, LinkKind.BUG, "1855391", LinkSource.FOOTER, Relation.CLOSES, 0.95,
                       "change 745206 footer Closes-Bug: #1855391")  # fmt: skip
        assert (bare.note, bare.evidence, bare, hash(bare), repr(bare)) == (
            None, written.evidence, written, hash(written), repr(written),
        )  # fmt: skip
        assert repr(bare).endswith("evidence='change 745206 footer Closes-Bug: #1855391')")
        assert bare != Edge(
            745206, LinkKind.BUG, "1855391", LinkSource.FOOTER, Relation.CLOSES, 0.95, "other"
        )

    def test_only_a_footer_edge_may_leave_its_text_out(self):
        """A topic or comment edge without its text is refused."""
        with pytest.raises(ValueError, match="topic edge needs its evidence text"):
            Edge(1, LinkKind.BUG, "2", LinkSource.TOPIC, Relation.CLOSES, 0.8)

    def test_message_edge(self):
        """A 'Fix proposed' comment is a 0.9 edge; a related one 0.5."""
        fix = comment("Fix proposed to manila (master)", f"Review: {REVIEW}")
        related = comment("Related fix proposed to manila (master)", f"Review: {REVIEW}")
        evidence = "bug 1855391 comment 2020-11-02 {!r}: " + REVIEW
        assert message_edge(fix) == Edge(
            745206, LinkKind.BUG, "1855391", LinkSource.LP_MESSAGE, Relation.CLOSES, 0.9,
            evidence.format("Fix proposed to manila (master)"),
        )  # fmt: skip
        assert message_edge(related) == Edge(
            745206, LinkKind.BUG, "1855391", LinkSource.LP_MESSAGE, Relation.RELATED, 0.5,
            evidence.format("Related fix proposed to manila (master)"),
        )  # fmt: skip

    def test_collect_edges_dedupes_and_sorts(self):
        """One edge per (change, kind, id, source), most confident kept, sorted by change."""
        first = change(9, footers=Footers(closes_bug=("7",), related_bug=("7",)))
        second = change(3, topic="bug/7")
        edges = collect_edges([first, second], [comment("Re: x", "no review here")])
        assert [(e.change, e.id, e.source, e.relation) for e in edges] == [
            (3, "7", LinkSource.TOPIC, Relation.CLOSES),
            (9, "7", LinkSource.FOOTER, Relation.CLOSES),
        ]

    def test_collect_edges_reads_any_order_as_one_key_and_sort(self):
        """Changes ascending, shuffled or repeated, with comments, give the edges (and the
        first of equally confident ones) that keying and sorting every edge at once gives."""
        rng = random.Random(14)
        review = "https://review.opendev.org/c/openstack/manila/+/{}"
        changes, messages = [], []
        for n in range(1, 60):
            bugs = tuple(str(rng.randint(1, 6)) for _ in range(rng.randint(0, 3)))
            footers = Footers(
                closes_bug=bugs, related_bug=bugs[:1], blueprints=("manila/x",) * (n % 4 == 0)
            )
            changes.append(change(n, footers=footers, topic=rng.choice([None, "bug/3", "t"])))
            subjects = ["Fix proposed to manila (master)", "Related fix proposed to x (y)"]
            messages.extend(  # two: one key, the more confident kept
                comment(subject, f"Review: {review.format(n)}", bug_id=n % 5)
                for subject in rng.sample(subjects, rng.randint(1, 2))
            )

        def every_at_once(changes, messages):
            best = {}
            found = [e for c in changes for e in change_edges(c)]
            found += [e for m in messages if (e := message_edge(m)) is not None]
            for edge in found:
                key = (edge.change, edge.kind, edge.id, edge.source)
                if key not in best or edge.confidence > best[key].confidence:
                    best[key] = edge
            order = sorted(best, key=lambda k: (k[0], k[1].value, k[2], k[3].value))
            return [(best[k], best[k].relation) for k in order]

        shuffled = rng.sample(changes, len(changes))
        repeated = [*changes, *changes[:9]]
        for read in (changes, shuffled, repeated):
            edges = collect_edges(read, messages)
            assert [(e, e.relation) for e in edges] == every_at_once(read, messages)
        edges = collect_edges(changes, messages)
        assert len(edges) > 100
        assert sum(e.source is LinkSource.LP_MESSAGE for e in edges) > 30


class TestLinkableRefs:
    """Explicit change/bug/blueprint refs of an action."""

    def test_stored_refs_then_text(self):
        """Stored refs come first, then text forms (URL, bug N, change N); others are dropped."""
        stored = (
            Ref(RefKind.CHANGE, "745206", "https://review.opendev.org/745206/"),
            Ref(RefKind.ETHERPAD, "wallaby-ptg-manila", "https://etherpad.opendev.org/p/x"),
        )
        text = "merge https://review.opendev.org/745206/ and change 758868 for bug 1855391"
        assert linkable_refs(text, stored) == (
            Ref(RefKind.CHANGE, "745206", "https://review.opendev.org/745206/"),
            Ref(RefKind.BUG, "1855391", "https://bugs.launchpad.net/bugs/1855391"),
            Ref(RefKind.CHANGE, "758868", "change 758868"),
        )

    def test_blueprint_url(self):
        """A blueprint URL gives a project/name blueprint ref."""
        url = "https://blueprints.launchpad.net/manila/+spec/share-affinity"
        assert linkable_refs(f"see {url}") == (
            Ref(RefKind.BLUEPRINT, "manila/share-affinity", url),
        )


class TestRecords:
    """Link and Identity records."""

    def test_link_json(self):
        """A link serialises to the documented JSON fields."""
        link = Link(
            1, LinkKind.CHANGE, "745206", LinkSource.EXPLICIT, 1.0, LinkStatus.CONFIRMED, "e"
        )
        assert link.as_json() == {
            "action_id": 1, "kind": "change", "id": "745206", "source": "explicit",
            "confidence": 1.0, "status": "confirmed", "evidence": "e",
        }  # fmt: skip
        assert link.key == (1, LinkKind.CHANGE, "745206")

    @pytest.mark.parametrize(
        ("status", "decision"),
        [(LinkStatus.CONFIRMED, True), (LinkStatus.REJECTED, True), (LinkStatus.SUGGESTED, False)],
    )
    def test_is_decision(self, status, decision):
        """Confirmed and rejected links are decisions a sync keeps."""
        link = Link(1, LinkKind.BUG, "1", LinkSource.MANUAL, 1.0, status)
        assert link.is_decision is decision

    @pytest.mark.parametrize(
        ("account", "field"),
        [
            (Account(7, username="CARTHACA"), "username"),
            (Account(7, email="Maurice.Escher@sap.com"), "email"),
            (Account(7, name="maurice escher"), "name"),
            (Account(7, username="someone", email="other@example.org"), None),
            (Account(7), None),
        ],
    )
    def test_identity_matches_account(self, account, field):
        """Username, e-mail and name match case-insensitively; nothing else does."""
        identity = Identity(
            "carthaca",
            gerrit_username="carthaca",
            name="Maurice Escher",
            email="maurice.escher@sap.com",
        )
        assert identity.matches_account(account) == field
