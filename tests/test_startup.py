"""The query path stays light: on a warm cache it imports none of the heavy libraries."""

import os
import subprocess
import sys

import pytest

HEAVY = {"gensim", "sklearn", "scipy", "pyarrow", "plotext", "typer", "pydantic"}
# ~20 ms together (numpy.ma: np.unique imports it):
AVOIDABLE = {"numpy.typing", "numpy.ma", "platformdirs", "hashlib", "latentcli.store.catalogue"}


def imported_modules(args, env):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "latentcli", *args],
                          env=env, capture_output=True, text=True, check=True)
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[1].strip()
            names.update({name, name.split(".")[0]})
    return names


@pytest.mark.parametrize("args", [
    ["neighbors", "king", "--json"],
    ["analogy", "king", "-", "man", "+", "woman", "--json"],
    ["analogy", "man : king :: woman : ?", "--method", "mul", "--json"],
])
def test_query_commands_import_no_heavy_library_once_the_cache_exists(default_cache, args):
    env = {**os.environ, "LATENT_CACHE_DIR": str(default_cache)}
    modules = imported_modules(args, env)
    assert not modules & HEAVY
    assert not modules & AVOIDABLE
    encoder = {name for name in modules if name.startswith(
        ("latentcli.networks.encoder", "latentcli.store.encoders",
         "latentcli.store.encoder_spaces"))}
    assert not encoder, encoder  # the GloVe path never touches sentence encoders


def test_table_output_needs_rich_but_still_nothing_heavy(default_cache):
    env = {**os.environ, "LATENT_CACHE_DIR": str(default_cache)}
    modules = imported_modules(["neighbors", "king"], env)
    assert "rich" in modules
    assert not modules & HEAVY


def test_a_command_imports_only_its_own_module(default_cache):
    """Commands are declared when first used (cli.grammar.COMMAND_MODULES): `similarity` imports
    neither the tour's code, nor the encoder's (context, embed), nor the cache's other users.
    (importlib.import_module escapes -X importtime, so this asks sys.modules at the end.)"""
    env = {**os.environ, "LATENT_CACHE_DIR": str(default_cache)}
    script = ("import sys\nfrom latentcli.entry import main\ntry:\n    main(sys.argv[1:])\n"
              "except SystemExit:\n    print(' '.join(sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, "similarity", "cat", "dog", "--json"],
                          env=env, capture_output=True, text=True, check=True)
    modules = set(done.stderr.split())
    commands = {name for name in modules if name.startswith("latentcli.cli.commands.")}
    assert commands == {"latentcli.cli.commands.directions"}
    assert not {"latentcli.store.encoders", "latentcli.networks.encoder", "sklearn"} & modules
