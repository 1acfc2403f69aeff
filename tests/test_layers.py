"""The layers of docs/design.md, enforced: which package may import which (type-only imports under
``if TYPE_CHECKING:`` do not count: they cost nothing at run time and bind nothing).

Front doors (cli, api, explore) may import every layer below them; below them, each layer imports
only the layers listed here, and only render (and the explore app) touch rich, plotext or textual.
And no import circle: none among module-level imports, and none among all run-time imports (those
inside functions too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "latentcli"
TOP_LEVEL = {"__init__", "__main__", "entry", "errors", "failures", "environment"}
ERRORS = {"errors", "failures"}  # what may go wrong, and how it is told: every layer may use them
LAYERS = {"cli", "api", "explore", "store", "core", "analysis", "results", "render", "networks"}
# What each layer may import from latentcli (besides itself, errors and failures).
ALLOWED = {
    "core": {"results"},
    "store": {"core", "results", "networks"},
    "analysis": {"core", "results", "networks"},
    "results": set(),
    "render": {"results"},
    "networks": set(),
}
TERMINAL_LIBRARIES = {"rich", "plotext", "textual"}


def imports(path: Path, module_level: bool = False) -> set[str]:
    """Every module ``path`` imports at run time, at any depth of the file (``module_level``:
    those outside functions only)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:
                    visit(branch)
                continue
            if module_level and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return found


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def test_the_top_level_holds_only_the_entry_point_errors_environment_and_layers():
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert modules <= TOP_LEVEL
    assert packages <= LAYERS


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(
    p.relative_to(PACKAGE)))
def test_each_module_imports_only_what_its_layer_may(path):
    layer = layer_of(path)
    used = imports(path)
    internal = {name.split(".")[1] for name in used if name.startswith("latentcli.")} & (
        LAYERS | TOP_LEVEL)  # not constants of the package itself (latentcli.DEFAULT_MODEL)
    terminal = {name.split(".")[0] for name in used} & TERMINAL_LIBRARIES
    if layer in ALLOWED:
        assert internal - {layer} - ERRORS <= ALLOWED[layer], f"{layer} imports {internal}"
    if layer not in ("render", "explore"):
        assert not terminal, f"{path.name} imports {terminal}; only render/ and explore/ may"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(module_level: bool) -> dict[str, set[str]]:
    """Module → the latentcli modules it imports. The package itself (``from latentcli import
    DEFAULT_MODEL``) is left out: it is loaded before anything else, and imports nothing then."""
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {used for used in imports(path, module_level)
                   if used in paths and used not in (name, "latentcli")}
            for name, path in paths.items()}


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for used in graph[module]:
            if used not in order:
                visit(used)
                low[module] = min(low[module], low[used])
            elif used in stack:
                low[module] = min(low[module], order[used])
        if low[module] == order[module]:
            component = {stack.pop()}
            while module not in component:
                component.add(stack.pop())
            if len(component) > 1:
                found.append(component)

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def test_circles_are_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_module_level_import_circle():
    assert circles(import_graph(module_level=True)) == []


def test_no_import_circle_even_through_imports_inside_functions():
    assert circles(import_graph(module_level=False)) == []
