"""Explicit references in action and discussion text."""

from __future__ import annotations

import pytest

from syncsvc.domain import Ref, RefKind
from syncsvc.parse.actions import footnote_refs, refs_with_footnotes
from syncsvc.parse.refs import find_refs


class TestFindRefs:
    """Every ref form, with the id and the URL as written."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "get https://review.opendev.org/758868/ merged",
                [Ref(RefKind.CHANGE, "758868", "https://review.opendev.org/758868/")],
            ),
            (
                "see https://review.opendev.org/c/openstack/manila/+/758868.",
                [
                    Ref(
                        RefKind.CHANGE,
                        "758868",
                        "https://review.opendev.org/c/openstack/manila/+/758868",
                    )
                ],
            ),
            (
                "old style https://review.openstack.org/#/c/745206/3",
                [Ref(RefKind.CHANGE, "745206", "https://review.openstack.org/#/c/745206/3")],
            ),
            (
                "(https://bugs.launchpad.net/manila/+bug/1855391)",
                [Ref(RefKind.BUG, "1855391", "https://bugs.launchpad.net/manila/+bug/1855391")],
            ),
            (
                "fixes LP #1855391",
                [Ref(RefKind.BUG, "1855391", "https://bugs.launchpad.net/bugs/1855391")],
            ),
            (
                "see bug 1855391 for details",
                [Ref(RefKind.BUG, "1855391", "https://bugs.launchpad.net/bugs/1855391")],
            ),
            (
                "https://blueprints.launchpad.net/manila/+spec/share-metadata.",
                [
                    Ref(
                        RefKind.BLUEPRINT,
                        "manila/share-metadata",
                        "https://blueprints.launchpad.net/manila/+spec/share-metadata",
                    )
                ],
            ),
            (
                "words in https://etherpad.opendev.org/p/divisivelanguage",
                [
                    Ref(
                        RefKind.ETHERPAD,
                        "divisivelanguage",
                        "https://etherpad.opendev.org/p/divisivelanguage",
                    )
                ],
            ),
            (
                "spec: https://specs.openstack.org/a/b.html, ok",
                [
                    Ref(
                        RefKind.URL,
                        "https://specs.openstack.org/a/b.html",
                        "https://specs.openstack.org/a/b.html",
                    )
                ],
            ),
        ],
    )
    def test_forms(self, text: str, expected: list[Ref]) -> None:
        """Each form gives one ref with the natural id and trimmed URL."""
        assert list(find_refs(text)) == expected

    def test_duplicates_and_order(self) -> None:
        """The same bug written twice is one ref; refs keep their order in the text."""
        refs = find_refs("bug 1855391 then https://review.opendev.org/745206 and LP #1855391")
        assert [(r.kind, r.id) for r in refs] == [
            (RefKind.BUG, "1855391"),
            (RefKind.CHANGE, "745206"),
        ]

    def test_short_numbers_are_not_bugs(self) -> None:
        """'bug 2' or a year are not Launchpad bug numbers."""
        assert find_refs("fix bug 2 in 2020") == ()


class TestFootnoteRefs:
    """``[n]`` marks point at footnotes, each read once per summary."""

    def test_marks_add_their_footnotes_refs_once(self) -> None:
        """A mark adds its footnote's refs after the text's own, without repeats."""
        url = "https://etherpad.opendev.org/p/wallaby-ptg-manila"
        notes = footnote_refs({"1": "https://review.opendev.org/758868/", "2": url})
        assert notes["2"] == (Ref(RefKind.ETHERPAD, "wallaby-ptg-manila", url),)
        refs = refs_with_footnotes("see bug 1855391 [1], [3] and [1] again", notes)
        assert [(r.kind, r.id) for r in refs] == [
            (RefKind.BUG, "1855391"),
            (RefKind.CHANGE, "758868"),
        ]
