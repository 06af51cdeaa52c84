"""Reusable option types shared by several commands."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

#: Seconds `link`, `mark`, `add` and `link refresh` wait for another relink (`--wait`).
RELINK_WAIT = 60.0
WaitOption = Annotated[
    float,
    typer.Option("--wait", metavar="SECONDS", help="Seconds to wait for another relink."),
]
#: Seconds a sync waits for another one (`sync --wait`): ``models.lock.DEFAULT_WAIT``,
#: kept here so that the option does not load the database models (a test keeps them equal).
SYNC_WAIT = 10.0


class MarkState(StrEnum):
    """`mark`'s choices: ``syncsvc.domain.ActionState``'s values (a test keeps them equal),
    without loading the domain for `--help`."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"
    ONGOING = "ongoing"


class ListFormat(StrEnum):
    """Output formats of list commands."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class SourceChoice(StrEnum):
    """Which services `syncsvc sync` polls."""

    ALL = "all"
    LAUNCHPAD = "launchpad"
    GERRIT = "gerrit"


class DetailFormat(StrEnum):
    """Output formats of single-record commands."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[
    ListFormat, typer.Option("--format", "-f", help="table (default), json or markdown.")
]
DetailFormatOption = Annotated[
    DetailFormat, typer.Option("--format", "-f", help="table (default) or json.")
]
OwnerOption = Annotated[str | None, typer.Option("--owner", help="Only actions owned by NICK.")]
TopicOption = Annotated[
    str | None, typer.Option("--topic", help="Only topics whose title contains TEXT.")
]
TeamOption = Annotated[
    str | None, typer.Option("--team", help="Team name when the summary does not say (manila).")
]
CycleOption = Annotated[
    str | None, typer.Option("--cycle", help="Release cycle when the summary does not say.")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Parse and report; write nothing to the database.")
]
