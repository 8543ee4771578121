"""The package layout stays true: dependencies run one way and no module imports itself in a ring.

Every import in the source is read with :mod:`ast` (function-level and ``TYPE_CHECKING`` imports
included: a cycle hidden in a function is still a cycle), resolved to a module of this project,
and checked against the table below, the same table the packages' docstrings state.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages it may import (besides itself). Longest prefix wins.
ALLOWED: dict[str, set[str]] = {
    "signage.text": set(),
    "signage.catalogue": {"signage.text"},
    "signage.contract": {"signage.text"},
    "players": {"signage.text", "signage.contract", "signage.catalogue.vocab", "signage.diagrams"},
    "signage.publishing": {"signage.text", "signage.catalogue", "signage.contract",
                           "players.plan", "players.led.layout"},
    "signage.fleet": {"signage.text", "signage.contract"},
    "signage.requests": {"signage.text"},
    "signage.office": {"signage.text", "signage.catalogue", "signage.contract", "signage.publishing",
                       "signage.requests", "players"},
    "signage.site": {"signage.text", "signage.catalogue", "signage.contract", "signage.publishing",
                     "signage.diagrams"},
    "signage.diagrams": {"signage.text"},
    "signage.console": {"signage.text", "signage.catalogue", "signage.contract", "signage.publishing",
                        "signage.fleet", "signage.office", "signage.site", "signage.console",
                        "signage.requests", "players"},
    "signage.cli": {"signage", "players"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("signage", "players"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """The project modules ``module`` imports, with the line of each import."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _resolve(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield from _resolve(candidate if candidate in MODULES else base, node.lineno)


def _resolve(name: str, line: int) -> Iterator[tuple[str, int]]:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    if name:
        yield name, line


def _owner(module: str) -> str:
    matches = [p for p in ALLOWED if module == p or module.startswith(p + ".")]
    assert matches, f"{module} belongs to no package of the layout table: add it to ALLOWED"
    return max(matches, key=len)


def _within(module: str, prefixes: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_every_module_belongs_to_a_package_of_the_layout() -> None:
    loose = [m for m in MODULES if m.count(".") == 1 and m.startswith("signage.")
             and not (ROOT / m.replace(".", "/")).is_dir()]
    assert not loose, f"modules directly under signage/ belong in a package: {loose}"
    for module in MODULES:
        if module not in ("signage", "players"):
            _owner(module)


def test_dependencies_run_one_way() -> None:
    wrong = []
    for module, path in MODULES.items():
        if module in ("signage", "players"):
            continue
        owner = _owner(module)
        for target, line in _imports(module, path):
            if _within(target, {owner}) or _within(target, ALLOWED[owner]):
                continue
            wrong.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {target}")
    assert not wrong, "imports against the layout:\n" + "\n".join(wrong)


def test_nothing_imports_the_cli() -> None:
    users = [f"{m} imports {t}" for m, p in MODULES.items() if not m.startswith("signage.cli")
             for t, _ in _imports(m, p) if t.startswith("signage.cli")]
    assert not users


def test_no_import_cycles() -> None:
    graph = {m: {t for t, _ in _imports(m, p) if t != m} for m, p in MODULES.items()}
    # a package's __init__ is imported along with its submodules; count explicit imports only
    seen: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in seen:
                visit(nxt, stack)
        stack.pop()
        seen[node] = 2

    for module in sorted(graph):
        if module not in seen:
            visit(module, [])
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py"))
def test_every_package_says_its_job(package: str) -> None:
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text("utf-8")))
    assert doc and len(doc) > 40, f"{package}/__init__.py needs a docstring that says its one job"


def test_the_checker_sees_a_wrong_way_import(tmp_path: Path) -> None:
    """The walk itself works: a player importing the publisher is found."""
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from signage.publishing.publisher import Publisher\n", "utf-8")
    targets = [t for t, _ in _imports("players.bad", source)]
    assert targets == ["signage.publishing.publisher"]
    assert not _within(targets[0], ALLOWED[_owner("players.bad")])
