"""Give a flattened archive page its lines back, and drop emphasis around line labels.

Some archive pages (a HyperKitty message or thread page saved as text) join a
whole mail into one line: the titles with their ``====`` underlines, and the
``AI:``/``Agreed:`` markers, are glued between the sentences. The structure
reader works line by line, so such a line is cut again where a title's
underline or a marker follows the end of a sentence. Mails written in Markdown
emphasise their labels (``*AI*:``, ``**Agreed**:``); the emphasis is dropped so
the label reads as the plain one.
"""

from __future__ import annotations

import re

#: Longer than any line a person writes: only a flattened page has lines like this.
_FLAT_LINE = 400
_LABELS = r"(?:AI|AR|ACTION|Action\s+items?|Agreed|Agreement|Decision)"
#: "... decisions. Eventlet Removal (dviroel) ===== We reviewed ...": an underlined title.
_GLUED_TITLE = re.compile(r"(?<=[.!?\]:])\s+(?P<title>[A-Z][^.!?=\n]{1,80}?)\s+(?P<rule>={4,})\s+")
#: "... in devstack jobs. *AI*: Test ...": a marker after the end of a sentence.
_GLUED_LABEL = re.compile(rf"(?<=[.!?])\s+(?=\*{{0,2}}{_LABELS}\*{{0,2}}\s*:\s)")
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
            if len(line) > _FLAT_LINE and ("====" in line or ":" in line):
                titled = (
                    _GLUED_TITLE.sub(r"\n\g<title>\n\g<rule>\n", line) if "====" in line else line
                )
                lines[i] = _GLUED_LABEL.sub("\n", titled)
        text = "\n".join(lines)
    if "*:" in text or "_:" in text:
        text = _EMPHASISED_LABEL.sub(r"\g<lead>\g<label>", text)
    return text
