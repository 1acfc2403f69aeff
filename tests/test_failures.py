"""Every failure is one ``Error:`` line and an exit code, never a traceback (issue 10)."""

import io
import os
import subprocess
import sys

import pytest

from latentcli.entry import main
from latentcli.environment import Environment
from latentcli.failures import Terminated


def latent_shell(command, env=None):
    """Run ``latent`` through a shell, so redirections like ``>&-`` apply to the process."""
    done = subprocess.run(["sh", "-c", f"{sys.executable} -m latentcli {command}"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    assert "Traceback" not in done.stderr
    return done


@pytest.mark.parametrize(("command", "redirect", "message"), [
    ("neighbors king", "> /dev/full", "Error: No space left on device\n"),
    ("neighbors king", ">&-", "Error: stdout is closed\n"),
    ("similarity king queen", "> /dev/full", "Error: No space left on device\n"),  # Typer's door
])
def test_output_that_cannot_be_written_is_one_error(tiny_model, command, redirect, message):
    done = latent_shell(f"{command} -m {tiny_model} --json {redirect}")
    assert (done.returncode, done.stderr) == (1, message)


def test_a_closed_stdin_is_an_error_not_a_traceback(tiny_model):
    done = latent_shell(f"cluster king queen - -m {tiny_model} <&-")
    assert (done.returncode, done.stderr) == (1, "Error: stdin is closed\n")


def test_text_the_terminal_cannot_encode_degrades(tiny_model):
    done = latent_shell(f"neighbors king -m {tiny_model} -n 2", {"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0
    assert "prince" in done.stdout
    assert "#####" in done.stdout  # the bars, drawn in ASCII


def test_paths_the_file_system_refuses_name_the_cause(tiny_model, tmp_path):
    long = "x" * 300
    done = latent_shell(f"neighbors king -m /tmp/{long}.txt")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: File name too long: /tmp/xxx")
    done = latent_shell("neighbors king -m ~nouser-latent/x.txt")
    assert done.returncode == 1
    assert "home directory is unknown" in done.stderr
    vectors = tmp_path / "v.txt"
    vectors.write_text("king 1 0\nqueen 0 1\nman 1 1\n", "utf-8")
    done = latent_shell(f"neighbors king -m {vectors}", {"LATENT_CACHE_DIR": f"/tmp/{long}"})
    assert done.returncode == 1
    assert "File name too long" in done.stderr


def fail_with(monkeypatch, error):
    def raise_it(*args, **kwargs):
        raise error

    monkeypatch.setattr("latentcli.core.queries.neighbors", raise_it)


@pytest.mark.parametrize("argv", [["neighbors", "king"], ["neighbors", "--", "king"]])
@pytest.mark.parametrize(("error", "code", "line"), [
    (KeyboardInterrupt(), 130, "Error: interrupted\n"),
    (Terminated(15), 143, "Error: terminated by SIGTERM\n"),
    (PermissionError(13, "Permission denied", "/cache/x"), 1,
     "Error: Permission denied: /cache/x\n"),
    (ValueError("boom"), 1,
     "Error: unexpected ValueError: boom (set LATENT_DEBUG=1 to see the traceback)\n"),
])
def test_both_doors_turn_any_exception_into_one_line(tiny_model, monkeypatch, capsys, argv,
                                                     error, code, line):
    fail_with(monkeypatch, error)
    with pytest.raises(SystemExit) as exited:
        main([*argv, "-m", str(tiny_model)])
    captured = capsys.readouterr()
    assert exited.value.code == code
    assert captured.err.endswith(line)  # click prints a newline of its own on Ctrl-C
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_latent_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("LATENT_DEBUG", "1")
    stderr = io.StringIO()

    def fail():
        raise ValueError("boom")

    assert Environment(io.StringIO(), stderr).run(fail) == 1
    assert "Traceback" in stderr.getvalue()
    assert stderr.getvalue().endswith("Error: unexpected ValueError: boom\n")
