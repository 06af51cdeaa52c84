"""The app's commands by name: imported and built by Typer only when one is run.

Typer turns every command's signature into click parameters when the app starts
(about 0.03 s for the ~66 commands and options here), and that needs every command
module imported. :data:`COMMANDS` names each top-level command, the module whose
``register(app)`` adds it, the first paragraph of its help and whether it is hidden,
so `--help` and a TAB list the commands from this table, and running one imports and
builds that command alone (a group, such as `link`, with its subcommands).

``tests/cli/test_lazy_commands.py`` builds every command the eager way and checks
that this table equals them (names, order, short help, hidden), so it cannot go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, NamedTuple

_COMMANDS = "syncsvc.cli.commands."


class Listed(NamedTuple):
    """A top-level command as `--help` and completion show it, and where it is defined."""

    name: str
    module: str  #: the module whose ``register(app)`` adds the command
    summary: str  #: the first paragraph of its help, on one line
    hidden: bool = False


#: Every top-level command in the order `--help` lists them: Typer's, which puts the
#: commands before the groups (``db``, ``link``, ``people``, ``squash``).
COMMANDS: tuple[Listed, ...] = (
    Listed(
        "import",
        _COMMANDS + "importing",
        "Read a PTG summary or meeting minutes and store its action items as commitments.",
    ),
    Listed("actions", _COMMANDS + "actions", "List commitments with owners, due dates and state."),
    Listed(
        "show",
        _COMMANDS + "actions",
        "Show one commitment in full: links with their evidence, refs, state transitions,"
        " earlier wordings.",
    ),
    Listed(
        "events",
        _COMMANDS + "actions",
        "List imported events (PTGs, meetings) with their counts.",
    ),
    Listed(
        "init",
        _COMMANDS + "admin",
        "Write a commented example team config where syncsvc reads it (never overwrites).",
    ),
    Listed(
        "sync",
        _COMMANDS + "sync",
        "Poll Launchpad and Gerrit and record what moved (incremental, safe to overlap).",
    ),
    Listed(
        "status",
        _COMMANDS + "status",
        "Group commitments by what moved: completed, progressed, newly linked, stalled,"
        " not started.",
    ),
    Listed(
        "retro",
        _COMMANDS + "retro",
        "Planned vs done per topic and owner, burn-up, scope change, bugs and reviews of a"
        " team's cycle, as of --until.",
    ),
    Listed(
        "carry-over",
        _COMMANDS + "carry",
        "Copy the unfinished commitments of an event into the next one (keeping a link to"
        " each original) and print them as an etherpad list for the next PTG.",
    ),
    Listed(
        "decisions",
        _COMMANDS + "decisions",
        'List decisions ("#agreed", "Agreed:", "Decisions:") per event and topic.',
    ),
    Listed(
        "mark",
        _COMMANDS + "links",
        "Mark commitments done or dropped by hand, ongoing (a standing commitment that"
        " `retro` leaves out of completion), or open again.",
    ),
    Listed(
        "add",
        _COMMANDS + "adding",
        "Add a commitment by hand to an imported event (one the summary's parser missed,"
        " or one agreed later); no import withdraws or rewrites it.",
    ),
    Listed(
        "drift",
        _COMMANDS + "drift",
        "List Launchpad bugs whose state disagrees with Gerrit, as a to-do list.",
    ),
    Listed(
        "demo",
        _COMMANDS + "demo",
        "Import the example summary, sync it against local fake Launchpad and Gerrit servers"
        " loaded with sample data, and list the commitments with their work. With --squash:"
        " sync the squash sample's open bugs and print `squash plan`.",
    ),
    Listed("db", _COMMANDS + "admin", "Database schema management."),
    Listed(
        "link",
        _COMMANDS + "links",
        "Add, confirm or reject links between commitments and bugs/changes.",
    ),
    Listed(
        "people",
        _COMMANDS + "people",
        "The identity map: IRC nick ↔ Gerrit account ↔ Launchpad name.",
    ),
    Listed("squash", _COMMANDS + "squash", "Bug-squash days: plan from the stored open bugs."),
)


class LazyCommands(MutableMapping[str, Any]):
    """A group's ``commands`` (name → click command) that builds a listed command on
    first access.

    Its keys are the listed names, in order, without building anything, so Typer's
    "Did you mean" suggestions and its command listing cost nothing. Reading a value
    builds that command with ``build`` (once); ``.values()`` and ``.items()`` build them
    all, as the eager group had them (tests walk the whole tree that way).
    """

    def __init__(self, listed: tuple[Listed, ...], build: Callable[[Listed], Any]) -> None:
        self._listed = {entry.name: entry for entry in listed}
        self._build = build
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(self._listed[name])  # KeyError: not a command
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._listed and name not in self._built:
            raise KeyError(name)
        self._listed.pop(name, None)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._listed
        yield from (name for name in self._built if name not in self._listed)

    def __len__(self) -> int:
        return len(self._listed.keys() | self._built.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._listed or name in self._built

    def built(self) -> dict[str, Any]:
        """The commands built so far, by name."""
        return dict(self._built)

    def listed(self, name: str) -> Listed | None:
        """``name``'s table entry, or ``None`` for a command added by hand."""
        return self._listed.get(name)
