"""The layers of docs/design.md, enforced: which package may import which (type-only imports under
``if TYPE_CHECKING:`` do not count: they cost nothing at run time and bind nothing).

Front doors (cli, api, explore) may import every layer below them; below them, each layer imports
only the layers listed here, and only render (and the explore app) touch rich, plotext or textual.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "latentcli"
TOP_LEVEL = {"__init__", "__main__", "entry", "errors", "failures", "environment"}
ERRORS = {"errors", "failures"}  # what may go wrong, and how it is told: every layer may use them
LAYERS = {"cli", "api", "explore", "store", "core", "analysis", "results", "render", "transformer",
          "language"}
# What each layer may import from latentcli (besides itself, errors and failures).
ALLOWED = {
    "core": {"results"},
    "store": {"core", "results", "transformer", "language"},
    "analysis": {"core", "results"},
    "results": set(),
    "render": {"results"},
    "transformer": set(),
    "language": {"results"},
}
TERMINAL_LIBRARIES = {"rich", "plotext", "textual"}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports at run time, at any depth of the file."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:
                    visit(branch)
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
