"""Give a flattened archive page its lines back, and drop emphasis around line labels.

Some archive pages (a HyperKitty message or thread page saved as text) join a
whole mail into one line: the titles with their ``====`` underlines, and the
``AI:``/``Agreed:`` markers, are glued between the sentences. The structure
reader works line by line, so such a line is cut again where a title's
underline or a marker follows the end of a sentence; so is a line cut at an
inline title (``== Topic: X ==``), at a label such as ``Action Items:`` or
``Discussion:``, and before a ``- `` item that follows the end of a sentence or
a label. Titles underlined with ``----`` or ``~~~~`` are cut like ``====``
ones. Mails written in Markdown
emphasise their labels (``*AI*:``, ``**Agreed**:``); the emphasis is dropped so
the label reads as the plain one.
"""

from __future__ import annotations

import re

from syncsvc.parse.agenda_forms import wiki_bullets

#: Longer than any line a person writes: only a flattened page has lines like this.
_FLAT_LINE = 400
_LABELS = r"(?:AI|AR|ACTION|Action\s+items?|Agreed|Agreement|Decision)"
#: Labels a flattened line is cut before: the markers, "Action Items:" and "Discussion:".
_CUT_LABELS = r"(?:AI|AR|ACTION|(?i:Action\s+items?)|Agreed|Agreement|Decision|Discussion)"
#: "... decisions. Eventlet Removal (dviroel) ===== We reviewed ...": an underlined title;
#: "[2]. Monday ----- Community Forum ~~~~~ The ...": one rule may end where the next title starts.
_GLUED_TITLE = re.compile(
    r"(?<=[.!?\]:=~-])\s+(?P<title>[A-Z][^.!?=~\n]{1,80}?)\s+(?P<rule>={4,}|-{4,}|~{4,})(?=\s|$)"
)
#: "... meetings [3]. == Topic: TC Retrospective == Discussion: ...": an inline title.
_INLINE_TITLE = re.compile(r"(?<=[.!?\]:])\s+(?P<title>={2,}\s+[^=\n]{1,100}?\s+={2,})(?=\s|$)")
#: "... in devstack jobs. *AI*: Test ...": a marker after the end of a sentence or a title.
_GLUED_LABEL = re.compile(rf"(?<=[.!?=])\s+(?=\*{{0,2}}{_CUT_LABELS}\*{{0,2}}\s*:\s)")
#: "Action Items: - Update ... - Encourage ...": a dash item after a sentence or a label.
_GLUED_ITEM = re.compile(r"(?<=[.!?:])\s+(?=-\s+[A-Z])")
#: "*AI*: ...", "- **Agreed**: ...": an emphasised label at a line's start.
_EMPHASISED_LABEL = re.compile(
    rf"^(?P<lead>[ \t]*(?:[-*•][ \t]+)?)(?P<mark>\*{{1,2}}|_{{1,2}})(?P<label>{_LABELS})(?P=mark)"
    r"(?=[ \t]*:)",
    re.MULTILINE,
)


def unflatten_page(text: str) -> str:
    """Cut flattened lines at glued titles and markers; unemphasise line labels.

    Lines of ordinary length are left alone, and so is text without a flattened
    line or an emphasised label; idempotent.
    """
    # Measuring the lines is linear; a regex search for a long run of non-newlines
    # rescans every line from each of its characters.
    lines = text.split("\n") if len(text) > _FLAT_LINE else []
    if any(len(line) > _FLAT_LINE for line in lines):
        for i, line in enumerate(lines):
            if len(line) > _FLAT_LINE:
                lines[i] = _cut(line)
        text = "\n".join(lines)
    if "*:" in text or "_:" in text:
        text = _EMPHASISED_LABEL.sub(r"\g<lead>\g<label>", text)
    return wiki_bullets(text)


def _cut(line: str) -> str:
    """One flattened line cut at its glued titles, labels and dash items."""
    if re.search(r"={4,}|-{4,}|~{4,}", line):
        line = _GLUED_TITLE.sub(r"\n\g<title>\n\g<rule>\n", line)
    if "==" in line:
        line = _INLINE_TITLE.sub(r"\n\g<title>\n", line)
    line = _GLUED_LABEL.sub("\n", line)
    if " - " in line:
        line = _GLUED_ITEM.sub("\n", line)
    first, *cut = line.split("\n")  # the first piece keeps its indentation
    return "\n".join([first.rstrip(), *(part.strip() for part in cut)]) if cut else first
