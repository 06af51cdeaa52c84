"""Property-based tests of the normaliser and the parser (hypothesis).

Kept fast for the suite; ``SYNCSVC_HYPOTHESIS_SCALE=50`` runs fifty times as
many examples when hunting for a bug. No example database is written.
"""

from __future__ import annotations

import contextlib
import os
import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncsvc.domain import Event
from syncsvc.errors import InputError
from syncsvc.parse.explain import explain
from syncsvc.parse.normalise import decode, normalise
from syncsvc.parse.summary import parse_summary
from syncsvc.schedule.releases import load_schedules

SCHEDULES = load_schedules()
SCALE = int(os.environ.get("SYNCSVC_HYPOTHESIS_SCALE", "1"))


def examples(n: int) -> settings:
    """Settings for ``n`` examples (times SCALE), no deadline, no example database."""
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


FAST = examples(60)

# Text that exercises the markup the parser reacts to, not just letters.
CHARS = st.text(
    alphabet=st.sampled_from(
        [*list("abcxyz ABC019\n\t-*•+=#>:.,()[]/<&;_~'\""), "\xa0", "é", "\u200b", "\r"]
    ),
    max_size=60,
)
TOKENS = st.sampled_from(
    ["=== ", " ===", "== Day 1 - Oct 18, 2021 ==", "\n> ", "\n> > ", "\n-- \n", "\n--\n",
     "On Mon someone wrote:\n", "\nActions:\n", "\nAIs:\n", "#action ", "#agreed ", "AI: ",
     "[1] https://e.org/p\n", "[1]", "Topic: ", "Summary: ", "\n----\n", "\n====\n", "# ",
     "## ", "1. ", "2.) ", "\n- ", "\n  * ", "gouthamr will ", "(vkmc) to ", "(kudos, vhari)",
     "NetApp/SAP will ", "Tuesday 19 October", "\n\n", "Etherpad: ", "\n__________\n",
     "mailing list", "[x](https://e.org/q)", "- [ ] ", "[edit]", "Jump to navigation\n",
     "**Actions:**", "*== T ==*", "--- T ---", "12:00:01 <nick> #topic x\n"]
)  # fmt: skip
MARKUP = st.lists(st.one_of(TOKENS, CHARS), max_size=25).map("".join)
TAGS = ["<br>", "<p>", "</p>", "<div>", "</div>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>",
        "</li>", "<h2>", "</h2>", "<pre>", "</pre>", "<b>", "</b>", '<a href="https://x.org/p">',
        "</a>", "&amp;", "&nbsp;", "&lt;p&gt;", "<hr>", "<blockquote>", "</blockquote>"]  # fmt: skip
HTML = st.lists(st.one_of(st.sampled_from(TAGS), MARKUP), max_size=30).map("".join)

NICKS = ["gouthamr", "vkmc", "carloss", "dviroel", "haixin", "kpdev", "vhari", "tbarron"]
WORDS = (
    "share server network quota driver patch spec review gate job backend client api "
    "replica snapshot migration image policy release bug fix test plan cache tool"
).split()
VERBS = ["write", "review", "propose", "update", "test", "document", "fix", "check"]

words = st.lists(st.sampled_from(WORDS), min_size=2, max_size=14).map(" ".join)
title = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(
    lambda ws: " ".join(w.capitalize() for w in ws)
)
action = st.one_of(
    st.builds(lambda n, v, w: f"{n} will {v} the {w}", st.sampled_from(NICKS),
              st.sampled_from(VERBS), words),
    st.builds(lambda v, w: f"{v} the {w}", st.sampled_from(VERBS), words),
)  # fmt: skip
topic = st.tuples(
    title,
    st.lists(words, max_size=3),
    st.lists(action, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=2),
)


def render(topics: list[tuple[str, list[str], list[str], int]]) -> list[str]:
    """A summary in the reference layout, as logical (unwrapped) lines."""
    lines = ["Summary of the OpenStack Manila team's Yoga PTG.", ""]
    for index, (name, discussion, actions, pads) in enumerate(topics):
        lines.append(f"=== {name} {index} ===")
        urls = [f"https://etherpad.opendev.org/p/yoga-ptg-{index}-{n}" for n in range(pads)]
        if urls:
            lines.append(f"Topic Etherpads: {' and '.join(urls)}")
        if discussion:
            lines += ["Discussion Items:", *[f"- {d}" for d in discussion]]
        lines += ["Actions:", *[f"- {a}" for a in actions], ""]
    return lines


def wrap(lines: list[str], width: int, indent: str) -> str:
    """Hard-wrap bullets and prose as a mail client does (headings are short)."""
    out: list[str] = []
    for line in lines:
        if line.startswith("- "):
            out += textwrap.wrap(
                line[2:], width, initial_indent="- ", subsequent_indent=indent,
                break_long_words=False, break_on_hyphens=False,
            )  # fmt: skip
        elif line.startswith("==="):
            out.append(line)
        else:
            out += textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [
                ""
            ]
    return "\n".join(out) + "\n"


def quote(text: str, levels: int) -> str:
    """The text as a reply quotes it, ``levels`` deep, after an 'On … wrote:' line."""
    prefix = "> " * levels
    body = "\n".join((prefix + line).rstrip() for line in text.split("\n"))
    return f"Thanks!\n\nOn Mon, Oct 25, 2021 at 9:12 AM Someone <x@example.org> wrote:\n{body}\n"


def outline(event: Event) -> list[tuple]:
    """What an import keeps: topics, etherpads, discussion, actions with owners."""
    return [
        (t.title, t.etherpads, t.discussion, [(a.text, a.owners, a.inferred) for a in t.actions])
        for t in event.topics
    ]


class TestNoCrash:
    """Arbitrary input either parses or fails with InputError, never anything else."""

    @FAST
    @given(MARKUP)
    def test_arbitrary_text(self, text: str) -> None:
        """Random markup-heavy text never crashes the parser or the explainer."""
        try:
            event = parse_summary(text, schedules=SCHEDULES)
        except InputError:
            return
        assert event.topics
        assert explain(text, schedules=SCHEDULES).event == event

    @FAST
    @given(HTML)
    def test_arbitrary_html(self, html: str) -> None:
        """Random tag soup never crashes the parser."""
        with contextlib.suppress(InputError):
            parse_summary(html, schedules=SCHEDULES)

    @FAST
    @given(st.binary(max_size=300))
    def test_arbitrary_bytes(self, data: bytes) -> None:
        """Random bytes decode and parse, or are refused with InputError."""
        with contextlib.suppress(InputError):
            parse_summary(data, schedules=SCHEDULES)


class TestNormaliseIdempotent:
    """normalise(normalise(t)) == normalise(t)."""

    @FAST
    @given(MARKUP)
    def test_text(self, text: str) -> None:
        """Plain text with markup characters normalises to a fixed point."""
        once = normalise(text)
        assert normalise(once) == once

    @FAST
    @given(HTML)
    def test_html(self, html: str) -> None:
        """HTML (rendered once) normalises to a fixed point."""
        once = normalise(html)
        assert normalise(once) == once

    @FAST
    @given(st.binary(max_size=200))
    def test_decoded_bytes(self, data: bytes) -> None:
        """Whatever decodes also normalises to a fixed point."""
        try:
            text = decode(data)
        except InputError:
            return
        once = normalise(text)
        assert normalise(once) == once


class TestLayoutInvariance:
    """Wrapping and quoting a summary does not change what is extracted."""

    @examples(40)
    @given(
        st.lists(topic, min_size=1, max_size=4),
        st.integers(min_value=30, max_value=72),
        st.sampled_from(["", "  "]),
        st.integers(min_value=0, max_value=3),
        st.booleans(),
    )
    def test_wrapped_and_quoted(self, topics, width, indent, levels, crlf) -> None:
        """A wrapped, re-quoted (and CRLF) summary gives the same records as the original."""
        lines = render(topics)
        expected = outline(parse_summary("\n".join(lines) + "\n", schedules=SCHEDULES))
        text = wrap(lines, width, indent)
        if levels:
            text = quote(text, levels)
        if crlf:
            text = text.replace("\n", "\r\n")
        assert outline(parse_summary(text, schedules=SCHEDULES)) == expected

    @examples(25)
    @given(st.lists(topic, min_size=1, max_size=3))
    def test_html_rendering(self, topics) -> None:
        """The same summary as an HTML mail part (one <div> with <br>) gives the same records."""
        lines = render(topics)
        expected = outline(parse_summary("\n".join(lines) + "\n", schedules=SCHEDULES))
        html = '<div dir="ltr">' + "<br>".join(line.replace("&", "&amp;") for line in lines)
        assert outline(parse_summary(html + "</div>", schedules=SCHEDULES)) == expected
