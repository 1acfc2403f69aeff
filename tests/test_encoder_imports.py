"""The encoder costs nothing until it is used, and never brings torch or Hugging Face with it (what
the networks may import is tests/test_networks.py's)."""

from __future__ import annotations

import subprocess
import sys


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
