"""The WADL description reaches wadllib without its documentation, and means the same."""

from __future__ import annotations

import pytest
from wadllib.application import Application

from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.adapters.launchpad_http import without_docs
from syncsvc.testing.fake_launchpad import FakeLaunchpad
from syncsvc.testing.fake_launchpad_data import shipped_wadl

WADL_NS = "{http://research.sun.com/wadl/2006/10}"
ROOT = "https://api.example.test/1.0/"


def _shape(app: Application) -> dict[str, list[tuple[str, ...]]]:
    """Every WADL element but ``doc``, by id or position: tag, attributes, children."""
    shape: dict[str, list[tuple[str, ...]]] = {}
    for element in app.doc.iter():
        if element.tag == f"{WADL_NS}doc" or not element.tag.startswith(WADL_NS):
            continue
        attributes = tuple(f"{k}={v}" for k, v in sorted(element.attrib.items()))
        children = tuple(c.tag for c in element if c.tag != f"{WADL_NS}doc")
        key = element.attrib.get("id") or element.tag
        shape.setdefault(key, []).append((element.tag, *attributes, "|", *children))
    return shape


class TestWithoutDocs:
    def test_launchpads_description_loses_its_docs_and_nothing_else(self):
        """The shipped description: no doc left, 40% smaller, every other element kept."""
        full = shipped_wadl().encode()
        lean = without_docs(full)
        assert lean is not None
        assert b"<wadl:doc" in full
        assert b"<wadl:doc" not in lean
        assert len(lean) < 0.65 * len(full)
        before, after = Application(ROOT, full), Application(ROOT, lean)
        assert sorted(after.resource_types) == sorted(before.resource_types)
        assert sorted(after.representation_definitions) == sorted(before.representation_definitions)
        assert _shape(after) == _shape(before)
        bug = after.representation_definitions["bug-full"].tag
        assert "title" in {p.attrib["name"] for p in bug.iter(f"{WADL_NS}param")}

    def test_empty_and_attributed_docs_are_removed(self):
        """A self-closed doc does not swallow the element after it."""
        wadl = (
            b'<wadl:application xmlns:wadl="http://research.sun.com/wadl/2006/10">'
            b'<wadl:doc/><wadl:resources base="x"><wadl:doc title="a">t<p>q</p></wadl:doc>'
            b'<wadl:resource path="p"/></wadl:resources></wadl:application>'
        )
        assert without_docs(wadl) == (
            b'<wadl:application xmlns:wadl="http://research.sun.com/wadl/2006/10">'
            b'<wadl:resources base="x"><wadl:resource path="p"/></wadl:resources>'
            b"</wadl:application>"
        )

    def test_a_description_it_cannot_strip_safely_is_kept_whole(self):
        """A closing doc tag inside a comment would break the XML: the original is kept."""
        wadl = (
            b'<wadl:application xmlns:wadl="http://research.sun.com/wadl/2006/10">'
            b"<!-- an example: <wadl:doc> --><wadl:resources/>"
            b"<wadl:doc>text</wadl:doc><!-- </wadl:doc> --></wadl:application>"
        )
        assert without_docs(wadl) == wadl

    @pytest.mark.parametrize(
        "broken",
        [b"<wadl:application><wadl:doc>cut", b"not xml", b""],
        ids=["cut", "text", "empty"],
    )
    def test_malformed_xml_is_refused(self, broken):
        """A description that is not well-formed XML gives None, stripped or not."""
        assert without_docs(broken) is None


def test_the_adapters_session_holds_no_docs(tmp_path):
    """A real launchpadlib login through the adapter parses the description without docs,
    from the network and again from its cache."""
    with FakeLaunchpad() as fake:
        for run in range(2):
            adapter = LaunchpadAdapter(LaunchpadConfig(fake.service_root, tmp_path / "lp"))
            try:
                adapter.connect()
                wadl = vars(adapter)["_lp"]._wadl
                tags = {element.tag for element in wadl.doc.iter()}
                assert f"{WADL_NS}param" in tags, run
                assert f"{WADL_NS}doc" not in tags, run
                assert "bug" in wadl.resource_types
            finally:
                adapter.close()
        wadl_reads = [r for r in fake.requests if "wadl" in r.headers.get("accept", "")]
        assert len(wadl_reads) == 1  # the second login read its cache
