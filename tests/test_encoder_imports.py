"""The encoder runs on numpy, threadpoolctl and the stdlib, and costs nothing until it is used."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "latentcli" / "networks" / "encoder"
ALLOWED = {"numpy", "threadpoolctl", "latentcli"}
SHARED = {"latentcli.errors", "latentcli.networks.arrays", "latentcli.networks.threads"}


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(*sys.modules)"],
                          capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_import_latentcli_loads_no_encoder() -> None:
    loaded = _modules_after("import latentcli")
    assert not {"latentcli.networks.encoder", "scipy", "numpy"} & loaded


def test_encoder_imports_no_torch_or_hugging_face() -> None:
    loaded = _modules_after("import latentcli.networks.encoder.encoder, latentcli.store.wheels")
    assert not {"torch", "transformers", "tokenizers", "sentence_transformers", "safetensors",
                "scipy"} & {name.split(".")[0] for name in loaded}


def test_package_imports_only_numpy_threadpoolctl_stdlib_and_latentcli_errors() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED or top in sys.stdlib_module_names, (path.name, name)
                if top == "latentcli":
                    assert name in SHARED or name.startswith("latentcli.networks.encoder"), (
                        path.name, name)
