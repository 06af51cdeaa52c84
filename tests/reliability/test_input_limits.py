"""Input limits: any input up to the size limit is parsed quickly or refused at once.

Each shape runs in a child process, so a regression fails at its timeout instead
of stalling the suite, and the child's peak RSS is measured without slowing it
down (tracemalloc would). The bounds are loose on purpose: the child parses
3 to 9 MB and must finish inside 60 s and 400 MB even on a busy machine (a
quadratic shape takes hours; the slowest linear one about 12 s on a quiet one). These
take a minute of CPU in all, so they run with the reliability suite (hostile
input), not with the unit tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

TIMEOUT = 60
CHILD = """
import json, resource, sys, time
from syncsvc.errors import InputError
from syncsvc.parse.summary import parse_summary
MB = 1024 * 1024
def peak_rss_mb():
    # VmHWM is this program's own peak: ru_maxrss would keep the peak of the
    # (large) test worker this child was forked from, as Linux carries it across exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def fill(unit, size):
    return unit * (size // len(unit))
data = eval(sys.argv[1]).encode()
start = time.perf_counter()
try:
    event = parse_summary(data)
    outcome = f"{len(event.topics)} topics, {sum(len(t.actions) for t in event.topics)} actions"
except InputError as exc:
    outcome = f"refused: {exc}"
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "rss_mb": peak_rss_mb(),
    "outcome": outcome,
}))
"""
HEAD = "'=== Topic ===\\nActions:\\n'"


def _shape(expression: str, outcome: str, *, name: str) -> object:
    return pytest.param(expression, outcome, id=name)


SHAPES = [
    _shape(
        HEAD + " + fill('- dviroel will propose spec updates https://review.opendev.org/758868"
        " by Wallaby-1\\n', 3 * MB)",
        "refused: more than 10000 actions; is this really a PTG summary?",
        name="bullets",
    ),
    _shape(
        HEAD + " + '- dviroel will propose spec updates by Wallaby-1\\n' * 10000",
        "1 topics, 10000 actions",
        name="ten-thousand-bullets",
    ),
    _shape(
        HEAD + " + '- carloss will do x\\n' + fill('  - a detail of it here\\n', 6 * MB)",
        "1 topics, 1 actions",
        name="sub-bullets-under-one-action",
    ),
    _shape(
        HEAD + " + '- carloss will do x\\n' + fill('wrapped text of the item\\n', 6 * MB)",
        "1 topics, 1 actions",
        name="continuation-lines",
    ),
    _shape(
        "'Title\\n\\n' + fill('1. some numbered line here\\n', 6 * MB)",
        "refused: no PTG structure found: expected topic headings such as '=== Title ==='",
        name="numbered-lines",
    ),
    _shape(
        "'<h3>Topic</h3><p>Actions:</p>' + '<ul><li>carloss will do it' * 10000"
        " + '</li></ul>' * 10000",
        "refused: lists nested deeper than 100 levels; is this really a PTG summary?",
        name="html-lists-10k-deep",
    ),
    _shape(
        HEAD + " + ''.join(' ' * i + '- item\\n' for i in range(3000))",
        "1 topics, 1 actions",
        name="text-list-3k-deep",
    ),
    _shape(
        HEAD + " + '- ' + fill('word ', 6 * MB) + '\\n'",
        "1 topics, 1 actions",
        name="one-long-line",
    ),
    _shape(
        "fill('=== Topic ===\\nActions:\\n- gouthamr will do it\\n', 9 * MB)",
        "refused: more than 10000 topics; is this really a PTG summary?",
        name="many-headings",
    ),
    _shape(
        "fill('=== Topic ===\\nActions:\\n- gouthamr will do it\\n', 400 * 1024)",
        "9102 topics, 9102 actions",
        name="ten-thousand-headings",
    ),
    _shape(
        "'=== Topic ===\\nSome prose.\\n\\n' + fill('- carloss will look into it\\n', 3 * MB)",
        "refused: more than 10000 actions; is this really a PTG summary?",
        name="inferred-commitments",
    ),
    _shape(
        "'Here are the action items:\\n' + fill('Do the thing (alice, bob)\\n', 3 * MB)",
        "refused: more than 10000 actions; is this really a PTG summary?",
        name="announced-items",
    ),
    _shape(
        "'Here are the action items:\\n' + fill('a long line of an item wrapped by the"
        " mailer, its owners still to come\\n', 3 * MB)",
        "refused: no PTG structure found: expected topic headings such as '=== Title ==='",
        name="announced-wrapped-lines",
    ),
    _shape(
        "fill('Here are the action items.\\n\\n', 3 * MB)",
        "refused: no PTG structure found: expected topic headings such as '=== Title ==='",
        name="announcements",
    ),
    _shape(
        "'These are the action items from the call\\n' + fill('and more of them:\\n', 3 * MB)",
        "refused: no PTG structure found: expected topic headings such as '=== Title ==='",
        name="announcement-colon-lines",
    ),
    _shape(
        "'=== Topic ===\\nWe talked about it with\\n' + fill('bob,\\n', 3 * MB) + 'and others.\\n'",
        "1 topics, 0 actions",
        name="comma-after-comma",
    ),
    _shape(
        "fill('12:00:01 <carloss> #action carloss do the thing\\n', 3 * MB)",
        "refused: more than 10000 actions; is this really a PTG summary?",
        name="irc-log",
    ),
]


class TestPathologicalShapes:
    """Shapes that were quadratic or unbounded."""

    @pytest.mark.parametrize(("expression", "outcome"), SHAPES)
    def test_parses_in_bounds(self, expression, outcome) -> None:
        """The shape parses (or is refused) within the time and memory bounds."""
        result = subprocess.run(
            [sys.executable, "-c", CHILD, expression],
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        measured = json.loads(result.stdout)
        assert measured["outcome"] == outcome
        assert measured["seconds"] < TIMEOUT
        assert measured["rss_mb"] < 400
