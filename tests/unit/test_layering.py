"""The import graph keeps the layering issue 11 asks for.

Every module of the package (``syncsvc/``, ``adapters/``, ``models/``, ``cli/``,
mapped to ``syncsvc.*`` as pyproject's ``package-dir`` does) is read with
``ast``; every import counts, including those inside functions and under
``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE_EXCLUDED = ("syncsvc.testing", "syncsvc.cli", "syncsvc.adapters", "syncsvc.models")
MODELS_MAY_IMPORT = ("syncsvc.domain", "syncsvc.errors", "syncsvc.models")
TABLE_MODULES = (
    "syncsvc.models.tables",
    "syncsvc.models.sync_tables",
    "syncsvc.models.link_tables",
    "syncsvc.models.squash_tables",
)


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


@cache
def source_modules() -> dict[str, Path]:
    """Module name → source file, for every package pyproject lists."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders: dict[str, str] = setup["package-dir"]
    found: dict[str, Path] = {}
    for package in setup["packages"]:
        top = max((p for p in folders if _within(package, p)), key=len)
        folder = ROOT / folders[top] / Path(*package[len(top) :].split(".")[1:])
        for path in sorted(folder.glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found[name] = path
    return found


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every module (or ``module.name``) ``module`` imports, relative imports resolved."""
    package = module if path.stem == "__init__" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [base])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module → the package modules it imports (``from X import name`` counts X, and
    X.name when that is a module)."""
    modules = source_modules()
    return {
        name: frozenset(i for i in _imported(name, path) if i in modules)
        for name, path in modules.items()
    }


def violations(importers: tuple[str, ...], allowed, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """``importer -> imported`` for every import of ``importers`` that ``allowed`` refuses."""
    return sorted(
        f"{module} -> {imported}"
        for module, imports in import_graph().items()
        if _within(module, *importers) and not _within(module, *exclude)
        for imported in imports
        if not allowed(imported)
    )


def _group(module: str) -> str:
    """The package a module belongs to: ``syncsvc.reconcile.state`` → ``syncsvc.reconcile``."""
    return ".".join(module.split(".")[:2])


class TestLayering:
    def test_the_graph_covers_the_whole_package(self):
        """Each source folder is read: the walk finds modules of every layer."""
        modules = source_modules()
        for name in (
            "syncsvc.domain.records",
            "syncsvc.reconcile.drift",
            "syncsvc.adapters.recording.replay",
            "syncsvc.models.drift",
            "syncsvc.cli.commands.links",
        ):
            assert name in modules
        assert "syncsvc.domain" in import_graph()["syncsvc.models.drift"]

    def test_models_import_only_domain_errors_and_models(self):
        """models/ imports nothing from syncsvc but domain, errors and models."""
        assert violations(("syncsvc.models",), lambda m: _within(m, *MODELS_MAY_IMPORT)) == []

    def test_the_core_never_imports_storage_cli_or_network(self):
        """The core (syncsvc minus testing, cli, adapters, models) imports none of those."""
        refused = ("syncsvc.models", "syncsvc.cli", "syncsvc.adapters")
        assert (
            violations(("syncsvc",), lambda m: not _within(m, *refused), exclude=CORE_EXCLUDED)
            == []
        )

    def test_adapters_never_import_parse_or_reconcile(self):
        """adapters/ reads and writes remotes; parsing and reconciling are the core's."""
        refused = ("syncsvc.parse", "syncsvc.reconcile")
        assert violations(("syncsvc.adapters",), lambda m: not _within(m, *refused)) == []

    def test_cli_does_not_import_models_tables(self):
        """cli/ goes through services and repositories, never models' table modules."""
        assert violations(("syncsvc.cli",), lambda m: m not in TABLE_MODULES) == []

    def test_no_import_cycles_between_packages(self):
        """Packages (domain, parse, reconcile, models, cli, …) import each other without cycles."""
        edges: dict[str, set[str]] = {}
        for module, imports in import_graph().items():
            for imported in imports:
                if _group(imported) != _group(module):
                    edges.setdefault(_group(module), set()).add(_group(imported))
        assert _cycles(edges) == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


class TestTheChecker:
    def test_function_level_and_relative_imports_count(self, tmp_path):
        """Imports inside functions and relative imports are resolved to module names."""
        path = tmp_path / "state.py"
        path.write_text(
            "from . import footers\n"
            "from ..domain import Link\n"
            "def later():\n"
            "    import syncsvc.models.db\n"
            "    from syncsvc.cli import render\n"
        )
        assert sorted(_imported("syncsvc.reconcile.state", path)) == [
            "syncsvc.cli",
            "syncsvc.cli.render",
            "syncsvc.domain",
            "syncsvc.domain.Link",
            "syncsvc.models.db",
            "syncsvc.reconcile",
            "syncsvc.reconcile.footers",
        ]

    def test_cycles_are_found(self):
        """A two-package loop is reported once; a chain into it is not a cycle."""
        edges = {"a": {"b"}, "b": {"a", "c"}, "d": {"a"}}
        assert _cycles(edges) == [["a", "b"]]
        assert _cycles({"a": {"b"}, "b": {"c"}}) == []
