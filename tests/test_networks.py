"""The networks are libraries: they import numpy, the stdlib, latentcli's errors and each other's
shared modules only; one `Array` alias and one thread-limit helper serve every caller."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

from latentcli.networks.threads import limited

SOURCE = Path(__file__).resolve().parent.parent / "src" / "latentcli"
NETWORKS = SOURCE / "networks"
# third-party modules a network module may import besides numpy: only where they are needed
ONLY_IN = {"threadpoolctl": {"threads.py"}, "gguf": {"convert.py"}}


def imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_networks_import_numpy_the_stdlib_errors_and_each_other_only() -> None:
    for path in NETWORKS.rglob("*.py"):
        for name in imported(path):
            top = name.split(".")[0]
            if top == "latentcli":
                assert name == "latentcli.errors" or name.startswith("latentcli.networks"), (
                    path, name)
            elif top in ONLY_IN:
                assert path.name in ONLY_IN[top], (path, name)
            else:
                assert top == "numpy" or top in sys.stdlib_module_names, (path, name)


def test_one_array_alias_and_one_thread_helper_in_the_package() -> None:
    aliases, limiters = [], []
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        aliases += [path.name for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "Array" for t in node.targets)]
        limiters += [path.name for name in imported(path) if name.startswith("threadpoolctl")]
    assert aliases == ["arrays.py"]
    assert limiters == ["threads.py"]


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_limited_holds_blas_to_the_threads_asked_and_restores_them() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS is loaded
    before = blas_threads()
    assert before, "no BLAS library found"
    with limited(1):
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before
