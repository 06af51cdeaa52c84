"""Escaping untrusted text for terminals, logs, IRC and JSON."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syncsvc import escape

HOSTILE = (
    "a\x1b[2J\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07\rb\x02c\x03d\x0fe\x16f\x1dg\x1fh"
    "\x7f\x9b\u202eR\u202c\u2066I\u2069\u200bZ\u200f\ufeffF\U000e0041"
)
#: What no human-readable output may carry raw.
FORBIDDEN = {chr(c) for c in range(0x20) if c not in (0x0A, 0x09)} | {
    chr(c) for c in range(0x7F, 0xA0)
}


def _raw_hostile(text: str) -> set[str]:
    return {ch for ch in text if ch in FORBIDDEN or unicodedata.category(ch) == "Cf"}


class TestFormatCharacters:
    """Unicode category Cf (bidi overrides, isolates, zero-width marks)."""

    def test_pattern_covers_every_cf_character(self) -> None:
        """Every code point this Python calls Cf is neutralised by one_line."""
        cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
        text = "".join(cf)
        assert _raw_hostile(escape.one_line(text)) == set()

    def test_one_line_shows_cf_as_escapes(self) -> None:
        """Terminal text drops controls and escape sequences and shows Cf as \\uXXXX."""
        assert escape.one_line(HOSTILE) == (
            r"alinkbcdefgh\u202eR\u202c\u2066I\u2069\u200bZ\u200f\ufeffF\U000e0041"
        )

    def test_markdown_keeps_the_escapes_visible(self) -> None:
        """Markdown escapes the backslash of a \\uXXXX so it renders as written."""
        assert escape.markdown("x\u202ey") == r"x\\u202ey"


class TestLogs:
    """Log records show every control and Cf character as a visible escape."""

    def test_for_log(self) -> None:
        """ESC, CSI, OSC, CR, IRC codes, DEL, C1 and Cf are written as escapes."""
        assert escape.for_log(HOSTILE) == (
            r"a\x1b[2J\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07\rb\x02c\x03d\x0fe\x16f"
            r"\x1dg\x1fh\x7f\x9b\u202eR\u202c\u2066I\u2069\u200bZ\u200f\ufeffF\U000e0041"
        )

    def test_for_log_keeps_lines_and_text(self) -> None:
        """Newlines (tracebacks), tabs and ordinary non-ASCII text are kept."""
        assert (
            escape.for_log("Traceback:\n\tline é 日本 \\x1b") == "Traceback:\n\tline é 日本 \\x1b"
        )


class TestJson:
    """JSON keeps the text; control and Cf characters are \\uXXXX escapes."""

    def test_json_text_round_trips(self) -> None:
        """The dumped text has no raw hostile character and loads back unchanged."""
        data = {"text": HOSTILE + " é 日本", "list": ["\u2066"]}
        dumped = escape.json_text(json.dumps(data, indent=2, ensure_ascii=False))
        assert _raw_hostile(dumped) == set()
        assert "é 日本" in dumped
        assert r"\u202e" in dumped
        assert r"\udb40\udc41" in dumped  # U+E0041 as a surrogate pair, as JSON wants
        assert json.loads(dumped) == data


class TestClip:
    """Byte-limited lines (IRC) never end inside an escape or a character."""

    @pytest.mark.parametrize("cut", range(390, 400))
    def test_clip_never_cuts_an_escape(self, cut) -> None:
        """Whatever the limit, a \\uXXXX escape is kept whole or dropped whole."""
        text = "x" * (cut - 8) + escape.one_line("\u202e" * 10 + "é" * 10)
        clipped = escape.clip_bytes(text, 400)
        assert len(clipped.encode()) <= 400
        assert clipped.endswith("...")
        body = clipped.removesuffix("...").removeprefix("x" * (cut - 8))
        assert body.replace(r"\u202e", "").replace("é", "") == ""

    def test_short_text_is_unchanged(self) -> None:
        """Text within the limit is returned as it is."""
        assert escape.clip_bytes("é" * 10, 20) == "é" * 10
        assert escape.clip_bytes("é" * 11, 20) == "é" * 8 + "..."


class TestMarkdownMinimal:
    """Markdown escapes only what a renderer would misread (issue 15)."""

    CASES = (
        ("fix bug #1 (vhari) a+b! {x}", "fix bug #1 (vhari) a+b! {x}"),
        ("share_server_id and foo__bar", "share_server_id and foo__bar"),
        ("#1 is not a heading", "#1 is not a heading"),
        ("# heading", r"\# heading"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("---", r"\---"),
        ("> quote", r"\> quote"),
        ("12. ordered", r"12\. ordered"),
        ("3) ordered", r"3\) ordered"),
        ("fix *all* _bugs_ `now`", r"fix \*all\* \_bugs\_ \`now\`"),
        ("[bugs](x) ![img](y)", r"\[bugs](x) !\[img](y)"),
        ("<b>bold</b> <https://x.y>", r"\<b>bold\</b> \<https://x.y>"),
        ("a | b ~~gone~~", r"a \| b \~\~gone\~\~"),
        ("&copy; &#169; & fine", r"\&copy; \&#169; & fine"),
        ("title #", r"title \#"),
        (r"C:\path \*", r"C:\\path \\\*"),
    )

    def test_escapes_only_what_renders(self) -> None:
        """Mid-line # ( ) + ! stay as written; line starts, emphasis, links, HTML are escaped."""
        got = [(text, escape.markdown(text)) for text, _ in self.CASES]
        assert got == list(self.CASES)

    def test_urls_are_kept(self) -> None:
        """A bare URL (GitHub and most wikis autolink it) stays whole and unescaped."""
        url = "https://review.opendev.org/c/openstack/manila/+/758868/"
        assert escape.markdown(f"land {url}") == f"land {url}"


@given(st.text(alphabet=st.sampled_from("ab —é\t\n\r\x1b[2J]\x07\x9b\u202e\u200b\xad;8")))
def test_one_line_quick_path_equals_the_three_passes(text: str) -> None:
    """Text with nothing to remove takes a quick path; every text gets what the passes give."""
    passes = escape._CF.sub(escape._visible, " ".join(escape.plain(text).split()))
    assert escape.one_line(text) == passes
