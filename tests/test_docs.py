"""The docs keep up with the code: reference generated from --help, every command documented."""

import subprocess
import sys
from pathlib import Path

from declared import commands

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(commands())


def test_reference_matches_the_help_text():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "reference.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_every_command_has_its_json_keys_documented():
    json_doc = (ROOT / "docs" / "json.md").read_text("utf-8")
    for command in COMMANDS:
        assert f"## `latent {command}" in json_doc, command


def test_every_command_appears_in_the_readme_and_tutorial():
    readme = (ROOT / "README.md").read_text("utf-8")
    tutorial = (ROOT / "docs" / "tutorial.md").read_text("utf-8")
    for command in COMMANDS:
        assert f"latent {command}" in readme, command
        assert f"latent {command}" in tutorial, command


def test_readme_holds_the_install_and_test_commands_ci_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "pip install . && latent analogy king - man + woman" in readme
    assert "pip install '.[test]' && pytest" in readme
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text("utf-8")
