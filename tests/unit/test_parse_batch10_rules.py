"""Forms the tenth corpus batch showed: chat that drops its "I"."""

from __future__ import annotations

import pytest

from syncsvc.parse.minutes import log_line_role
from syncsvc.parse.sender import spoken_commitments
from syncsvc.parse.summary import parse_summary

FLAT_LOG = (
    "17:00:01 <chair_> #startmeeting docs 17:00:02 <openstack> Meeting started Mon Mar 4"
    " 17:00:01 2024 UTC. The chair is chair_. 17:00:10 <chair_> #topic roll call"
    " 17:00:14 <alice> o/ 17:00:20 <bob> o/ 17:01:02 <chair_> #topic Handover"
    " 17:01:30 <bob> release notes patch submitted 17:01:40 <bob> will update the install guide"
    " 17:01:50 <alice> drop me a note if you need help 17:02:05 <chair_> will do"
    " 17:02:30 <chair_> #endmeeting"
)


class TestSubjectlessChat:
    """An IRC message that opens with "will" + a verb commits its speaker."""

    @pytest.mark.parametrize(
        ("message", "found"),
        [
            ("will fix up other things", [("will fix up other things", None)]),
            ("ok, will update the patch!", [("ok, will update the patch!", None)]),
            ("will send the agenda. thanks", [("will send the agenda.", None)]),
            ("will do the release tomorrow", [("will do the release tomorrow", None)]),
            ("will do", []),
            ("will do for sure leong", []),
            ("will that work?", []),
            ("will be out tomorrow", []),
            ("will try", []),
        ],
    )
    def test_found(self, message: str, found: list[tuple[str, str | None]]) -> None:
        """A verb after "will" commits; an acknowledgement, a question or a state does not."""
        assert spoken_commitments(message) == found

    def test_in_a_flattened_log(self) -> None:
        """The speaker owns it; a bare "will do" answering an offer is no item."""
        event = parse_summary(FLAT_LOG)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("will update the install guide", ("bob",))
        ]

    def test_explain_role(self) -> None:
        """--explain labels the line an action."""
        assert log_line_role("17:01:40 <bob> will update the install guide") == "action"
        assert log_line_role("17:02:05 <chair_> will do") == "chatter"
