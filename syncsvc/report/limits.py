"""MeetBot's limits for `status --format irc`, apart so the CLI can show them in its help
without loading the report code."""

from __future__ import annotations

IRC_MAX_BYTES = 400
IRC_MAX_LINES = 10
