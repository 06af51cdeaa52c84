"""The lazy command table equals the commands Typer builds eagerly, and only the one run is built."""

from __future__ import annotations

import copy
import importlib
import pkgutil
from typing import Any

import pytest
import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import syncsvc.cli.commands
from syncsvc.cli.app import app
from syncsvc.cli.lazy_commands import COMMANDS, LazyCommands

#: Widths a short help is cut to: `--help` at 80 columns, completion's 45, extremes.
LIMITS = (10, 45, 64, 200)


def command_modules() -> set[str]:
    """Every module of ``syncsvc.cli.commands`` that registers commands on the app: those
    with a ``register``, less those another one imports to register on its own group
    (``squash_event`` on `squash`)."""
    package = syncsvc.cli.commands
    names = (f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__))
    found = {n: importlib.import_module(n) for n in names}
    registering = {n: m for n, m in found.items() if hasattr(m, "register")}
    nested = {
        name
        for name, module in registering.items()
        for other in registering.values()
        if vars(other).get(name.rpartition(".")[2]) is module
    }
    return registering.keys() - nested


def eager_app() -> typer.Typer:
    """The app as it was before the table: the same options, every module registered on a
    plain Typer group, so Typer builds all commands at once."""
    eager = copy.copy(app)
    eager.info = copy.copy(app.info)
    eager.info.cls = TyperGroup
    eager.registered_commands, eager.registered_groups = [], []
    for module in dict.fromkeys(entry.module for entry in COMMANDS):
        importlib.import_module(module).register(eager)
    return eager


def root_and_context(target: typer.Typer) -> tuple[Any, Any]:
    """The click group of ``target`` and a context on it, as a TAB would make it."""
    root = typer.main.get_command(target)
    return root, root.make_context("syncsvc", [], resilient_parsing=True)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    """A CLI runner."""
    return CliRunner()


class TestTableEqualsCommands:
    """:data:`COMMANDS` says what Typer would build from the command modules."""

    def test_every_command_module_is_in_the_table(self) -> None:
        """Each module that registers commands is named by at least one table entry."""
        assert {entry.module for entry in COMMANDS} == command_modules()

    def test_names_order_help_and_hidden_flags(self) -> None:
        """Names in order, the short help at every width and the hidden flag are the
        eager commands' (and none is deprecated or has its own short help)."""
        eager, _ = root_and_context(eager_app())
        assert [entry.name for entry in COMMANDS] == list(eager.commands)
        for entry in COMMANDS:
            real = eager.commands[entry.name]
            stand_in = typer.core.TyperCommand(name=entry.name, help=entry.summary)
            for limit in LIMITS:
                assert stand_in.get_short_help_str(limit) == real.get_short_help_str(limit)
            assert (entry.hidden, real.short_help, real.deprecated) == (real.hidden, None, False)

    def test_help_lists_the_same(self, runner: CliRunner) -> None:
        """`syncsvc --help` and `syncsvc` alone print what the eager app prints."""
        for args in (["--help"], []):
            lazy = runner.invoke(app, args)
            assert lazy.output == runner.invoke(eager_app(), args).output
            assert "  status      Group commitments by what moved" in lazy.output

    @pytest.mark.parametrize("name", [entry.name for entry in COMMANDS])
    def test_each_command_help_is_the_same(self, runner: CliRunner, name: str) -> None:
        """Every command's own `--help` (a group's lists its subcommands) is the eager one."""
        lazy = runner.invoke(app, [name, "--help"], prog_name="syncsvc")
        assert lazy.exit_code == 0, lazy.output
        assert (
            lazy.output == runner.invoke(eager_app(), [name, "--help"], prog_name="syncsvc").output
        )
        assert lazy.output.startswith(f"Usage: syncsvc {name} ")

    @pytest.mark.parametrize("incomplete", ["", "s", "st", "de", "x"])
    def test_completion_offers_the_same(self, incomplete: str) -> None:
        """A TAB offers the same names with the same help as the eager app."""
        lazy, lazy_ctx = root_and_context(app)
        eager, eager_ctx = root_and_context(eager_app())
        offered = [(i.value, i.help) for i in lazy.shell_complete(lazy_ctx, incomplete)]
        expected = [(i.value, i.help) for i in eager.shell_complete(eager_ctx, incomplete)]
        assert offered == expected
        assert [v for v, _ in offered] == [
            e.name for e in COMMANDS if e.name.startswith(incomplete) and not e.hidden
        ] + [v for v, _ in offered if v.startswith("-")]


class TestOnlyWhatRuns:
    """Listing builds nothing; running builds one command."""

    def test_help_and_completion_build_no_command(self) -> None:
        """`--help` and a TAB list every command without building one."""
        root, ctx = root_and_context(app)
        assert isinstance(root.commands, LazyCommands)
        assert "squash" in root.get_help(ctx)
        assert [i.value for i in root.shell_complete(ctx, "st")] == ["status"]
        assert root.commands.built() == {}

    def test_running_builds_one(self) -> None:
        """Resolving `status` builds `status` alone, with its options coerced plainly."""
        root, ctx = root_and_context(app)
        status = root.get_command(ctx, "status")
        assert list(root.commands.built()) == ["status"]
        assert [p.name for p in status.params][:3] == ["since", "owner", "topic"]
        coerced = {type(p._runtime_param).__name__ for p in status.params}
        assert coerced <= {"PlainCoercion", "NoneType"}

    def test_unknown_command_suggests_a_listed_one(self, runner: CliRunner) -> None:
        """A typo is answered with the listed names, as before."""
        result = runner.invoke(app, ["staus"])
        assert result.exit_code == 2
        assert "No such command 'staus'. Did you mean 'status'?" in result.output


class TestMapping:
    """:class:`LazyCommands` as a mapping."""

    def test_builds_once_and_keeps_added(self) -> None:
        """A value is built once; an added command joins the keys; deleting removes it."""
        built: list[str] = []

        def build(entry: Any) -> str:
            built.append(entry.name)
            return f"<{entry.name}>"

        commands = LazyCommands(COMMANDS[:2], build)
        assert list(commands) == ["import", "actions"]
        assert commands["actions"] == commands["actions"] == "<actions>"
        commands["extra"] = "<extra>"
        assert (list(commands), len(commands), built) == (
            ["import", "actions", "extra"], 3, ["actions"]
        )  # fmt: skip
        del commands["import"]
        assert ("import" in commands, commands.get("nope"), commands.built()) == (
            False, None, {"actions": "<actions>", "extra": "<extra>"}
        )  # fmt: skip
