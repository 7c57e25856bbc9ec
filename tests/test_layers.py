"""The package layers: each stage of the pipeline imports only the stages below it, and no module
imports itself back through others.

Read from the source with ``ast`` (imports inside functions and under TYPE_CHECKING count too),
so a lazy import cannot hide a layer violation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jwflint"

# Lowest first. A package may import itself and any package before it in this list.
LAYERS = [
    "core",  # errors, findings, exit codes, Jira's vocabulary, bundled resources
    "model",  # format-neutral workflow, graph, status roles, instance facts
    "sources",  # one reader per input format, into the model
    "config",  # .jwflint.yaml / pyproject, catalogue files
    "lint",  # engine, rule packs, selectors, checks, suppressions
    "batch",  # a run over many files: sessions, workers, baseline, inventory
    "render",  # diagrams and the HTML report
    "output",  # report formatters
    "patch",  # fixers and the bot patch
    "remote",  # a Jira site: credentials, HTTP client, pull and push
    "cli",  # the commands
]
TOP_LEVEL = {"__init__", "__main__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, package: str | None = None) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every jwflint import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if package is None:
        package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    top = {id(node) for node in tree.body}
    found: list[tuple[str, int, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [module]
            # `from jwflint.x import y` where y is a module imports that module too
            names += [f"{module}.{alias.name}" for alias in node.names if _is_module(f"{module}.{alias.name}")]
        found += [(name, node.lineno, id(node) in top) for name in names if name.split(".")[0] == "jwflint"]
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        str(path.relative_to(PACKAGE))
        for path in SOURCES
        if _layer(_module_name(path)) is None and path.stem not in TOP_LEVEL
    ]
    assert strays == [], f"modules outside the pipeline's packages: {strays}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_only_lower_layers(path: Path) -> None:
    own = _layer(_module_name(path))
    if own is None:
        return
    allowed = set(LAYERS[: LAYERS.index(own) + 1])
    wrong = [
        f"line {line}: {module}"
        for module, line, _ in _imports(path)
        if (layer := _layer(module)) is not None and layer not in allowed
    ]
    assert wrong == [], f"{own} may import only {sorted(allowed)}: {wrong}"


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for path in SOURCES:
        name = _module_name(path)
        for module, _, _ in _imports(path):
            if _is_module(module) and module != name and not name.startswith(module + "."):
                graph.add_edge(name, module)
    cycles = [cycle for cycle in nx.simple_cycles(graph) if len(cycle) > 1]
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_a_wrong_import_is_caught(tmp_path: Path) -> None:
    """The checker itself: a model module that imports the linter is reported."""
    stray = tmp_path / "stray.py"
    stray.write_text("def f():\n    from jwflint.lint.engine import Engine\n", encoding="utf-8")
    assert [(module, line) for module, line, _ in _imports(stray, "jwflint.model")] == [("jwflint.lint.engine", 2)]
