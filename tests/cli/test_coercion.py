"""Plain option values coerce without pydantic to exactly what Typer's own coercion returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer import _coercion
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.cli.coercion import UNHANDLED, PlainCoercion

#: Values an option may receive: absent, words, digits, choices in several cases, bad ones.
SAMPLES: tuple[object, ...] = (
    None, "7d", "", "json", "JSON", "table", "Counts", "nope", "12", "0", "-3", " 4", "4.5",
    "٣", "dviroel", 3, 0, True, False,
)  # fmt: skip


def all_params() -> Iterator[tuple[str, Any, Any]]:
    """(command path, command, parameter) for every Typer parameter of the app."""
    root = typer.main.get_command(app)
    ctx = root.make_context("syncsvc", ["status"], resilient_parsing=True)

    def walk(path: str, command: Any) -> Iterator[tuple[str, Any, Any]]:
        params = [*command.params, command.get_help_option(ctx)]
        for param in params:
            if param is not None and hasattr(param, "type_descriptor"):
                yield path, command, param
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(f"{path} {name}", sub)

    yield from walk("syncsvc", root)


def outcome(coerce: Any, value: object, param: Any, ctx: Any) -> tuple[str, object]:
    """``("ok", value and its type)`` or ``("error", the message a user would see)``."""
    try:
        result = coerce(value, param=param, ctx=ctx)
    except (typer.BadParameter, typer.Exit, ValueError) as exc:
        return "error", getattr(exc, "message", str(exc))
    return "ok", (result, type(result))


class TestPlainCoercion:
    """:class:`PlainCoercion` against Typer's pydantic coercion."""

    def test_every_parameter_agrees_with_typer(self) -> None:
        """For every parameter of every command and each sample value, the result (value
        and type) or the error message equals Typer's."""
        compared = 0
        for path, command, param in all_params():
            ctx = typer.Context(command, info_name=path)
            typer_side = _coercion.build_runtime_param(param.type_descriptor)
            plain = PlainCoercion(param.type_descriptor)
            for value in SAMPLES:
                expected = outcome(typer_side.coerce, value, param, ctx)
                assert outcome(plain.coerce, value, param, ctx) == expected, (path, param.name)
                compared += 1
        assert compared > 1000  # every command's options were seen

    def test_plain_values_need_no_typer_coercion(self) -> None:
        """None, a str for a str option, digits within bounds and an exact choice are
        coerced here; a bad value is left to Typer."""
        status = typer.main.get_command(app).commands["status"]  # type: ignore[attr-defined]
        by_name = {p.name: p for p in status.params}
        ctx = typer.Context(status)

        def plain(name: str, value: object) -> object:
            coercion = PlainCoercion(by_name[name].type_descriptor)
            return coercion.plain(value, multiple=False, ctx=ctx)

        assert plain("since", "7d") == "7d"
        assert plain("owner", None) is None
        assert plain("max_lines", "4") == 4
        assert str(plain("fmt", "irc")) == "irc"
        assert plain("max_lines", "0") is UNHANDLED
        assert plain("max_lines", " 4") is UNHANDLED
        assert plain("fmt", "nope") is UNHANDLED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "--max-lines", "0"], "Invalid value for '--max-lines': Input should be"),
        (["status", "-f", "nope"], "'nope' is not one of 'table', 'json', 'markdown'"),
    ],
)
def test_bad_values_keep_typers_messages(args: list[str], message: str) -> None:
    """A bad option value is refused with Typer's own message (exit 2)."""
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 2
    assert message in done.output
