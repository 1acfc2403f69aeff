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


def test_the_tour_is_described_by_its_sections(runner, tiny_model):
    """The help and the tutorial name every section of the tour, in order, and no page counts
    them (the count went stale twice)."""
    import re

    from latentcli.cli.app import app

    refused = runner.invoke(app, ["explain", "--section", "?", "-m", str(tiny_model)])
    sections = refused.stderr.rstrip().split(": choose from ")[1].split(", ")
    assert len(sections) > 5 and sections[0] == "model"
    described = " ".join(runner.invoke(app, ["explain", "--help"]).stdout.split())
    assert f"Show one section of the tour: {', '.join(sections)}." in described
    tutorial = (ROOT / "docs" / "tutorial.md").read_text("utf-8")
    opening = tutorial.split("\n\n")[1]
    assert re.findall(r"`(\w+)`", opening) == sections
    counted = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+) "
                         r"(short )?sections\b", re.IGNORECASE)
    for page in (ROOT / "README.md", ROOT / "docs" / "tutorial.md"):
        assert not counted.search(page.read_text("utf-8")), page.name
