"""Option values coerced without pydantic when Typer's own coercion would return them as given.

Typer (0.29) coerces every parameter value through a pydantic ``TypeAdapter``, built
on first use, so any command that takes an option imports pydantic: about 50 ms of
`syncsvc status`'s start, more than a third of what it may spend beyond its import
floor. The values syncsvc's options receive are nearly always plain: ``None``, a
string for a ``str`` option, digits for an ``int``, a choice's exact name. For those
:class:`PlainCoercion` returns what Typer would (``tests/cli/test_coercion.py``
compares both on every parameter of the app); anything else, a bad value included,
goes to Typer's own coercion, so its results and error messages stay Typer's.

This leans on private names of Typer (``_TyperParameter._runtime_param``,
``typer._coercion``, ``typer._param_types``); :func:`install` does nothing with a
Typer that lacks them, or with another series than the one tested
(:data:`TESTED_TYPER`), whose private names may mean something else.
"""

from __future__ import annotations

from enum import Enum
from types import ModuleType
from typing import Any

import typer

from syncsvc.cli.lazy_commands import LazyCommands

#: The Typer series whose private names this module was written and tested against.
TESTED_TYPER = "0.29."

_coercion: ModuleType | None
try:
    from typer import _coercion
    from typer._param_types import coerce_cli_choice
except ImportError:  # a Typer before 0.29 coerces without pydantic: nothing to do
    _coercion = None
if not typer.__version__.startswith(TESTED_TYPER):  # other private names: leave Typer be
    _coercion = None

#: What :meth:`PlainCoercion.plain` returns for a value Typer must coerce.
UNHANDLED = object()


class PlainCoercion:
    """A parameter's coercion: plain values here, the rest by Typer's runtime param."""

    def __init__(self, descriptor: Any) -> None:
        self._descriptor = descriptor
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """``value`` as Typer would coerce it for ``param`` (an option or argument)."""
        plain = self.plain(value, multiple=bool(param.multiple or param.nargs == -1), ctx=ctx)
        if plain is not UNHANDLED:
            return plain
        if self._typer is None:
            assert _coercion is not None  # install() made this only when it exists
            self._typer = _coercion.build_runtime_param(self._descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)

    def plain(self, value: Any, *, multiple: bool, ctx: Any) -> Any:
        """The coerced value, or :data:`UNHANDLED` when Typer must decide."""
        if value is None:
            return () if multiple else None
        if multiple:
            return UNHANDLED
        annotation = self._descriptor.annotation
        info = self._descriptor.parameter_info
        if info.parser is not None or self._descriptor.file_annotation is not None:
            return UNHANDLED
        if annotation is str and type(value) is str:
            return value
        if annotation is int and not info.clamp:
            return _plain_int(value, info.min, info.max)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            try:
                return coerce_cli_choice(
                    value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx
                )
            except ValueError:
                return UNHANDLED  # Typer words the error
        return UNHANDLED


def _plain_int(value: Any, low: float | None, high: float | None) -> Any:
    """``value`` as an int when it is one (or ASCII digits) within the bounds."""
    if type(value) is int:
        number = value
    elif type(value) is str and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return UNHANDLED
    if (low is not None and number < low) or (high is not None and number > high):
        return UNHANDLED
    return number


def install(command: Any, ctx: Any) -> None:
    """Give ``command``'s parameters, and those of its subcommands, :class:`PlainCoercion`.

    Of a lazy group (:class:`LazyCommands`), only the subcommands built so far: the group
    calls this again for each one it builds. ``ctx`` is the top command's context: its
    help option names make each command's ``--help`` option (created once, then cached
    by the command). Parameters that already coerced a value keep theirs. A no-op for
    parameters that are not Typer's (no ``type_descriptor``), and with a Typer without
    ``_coercion``.
    """
    if _coercion is None:
        return
    params = list(getattr(command, "params", ()))
    if (help_option := command.get_help_option(ctx)) is not None:
        params.append(help_option)
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None and getattr(param, "_runtime_param", "absent") is None:
            param._runtime_param = PlainCoercion(descriptor)  # noqa: SLF001 - see the docstring
    subcommands = getattr(command, "commands", {})
    if isinstance(subcommands, LazyCommands):  # the ones built so far: get_command does the rest
        subcommands = subcommands.built()
    for sub in subcommands.values():
        install(sub, ctx)
