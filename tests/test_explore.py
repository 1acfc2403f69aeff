"""`latent explore`: the session logic, the app driven headless, and its snapshots (its speed:
benchmarks/bench_explore.py)."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
import pytest

from latentcli.analysis.projection import AxisSpec
from latentcli.api.model import Model
from latentcli.cli.app import app as cli
from latentcli.core.space import Space
from latentcli.errors import LatentError
from latentcli.explore.app import ExploreApp
from latentcli.explore.mapview import MapView
from latentcli.explore.state import Answer, Explorer, Picker
from latentcli.explore.widgets import NeighborList, QueryInput
from latentcli.results.structure import MapResult


def text_of(app: ExploreApp, selector: str) -> str:
    return str(app.query_one(selector).render())


def listed(app: ExploreApp) -> list[str]:
    options = app.query_one(NeighborList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


async def settle(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the app is idle: jobs start after the next refresh, then must finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def empty_cell(view: MapView) -> tuple[int, int]:
    """A cell of the map's plot with no word on it or beside it."""
    taken = {(column, hit.row) for hit in view.hits
             for column in range(hit.start - 1, hit.end + 1)}
    return next((column, row) for row in range(1, view.size.height - 1)
                for column in range(view.size.width) if (column, row) not in taken)


# --- the session, without a screen ---------------------------------------------------------------

def test_walk_back_and_history(tiny_space: Space) -> None:
    explorer = Explorer(Model(tiny_space), top=3)
    first = explorer.go("king", typed=True)
    assert first.result is not None and first.words[0] == "king"
    assert [near.word for near in first.result.neighbors] == ["prince", "man", "banana"]
    explorer.choose("prince")
    assert explorer.walk == ["king", "prince"]
    assert explorer.history == ["king"]  # only typed queries are history
    back = explorer.back()
    assert back is not None and back.text == "king" and explorer.walk == ["king"]
    assert explorer.back() is None


def test_a_chosen_word_is_a_word_even_if_it_looks_like_an_expression() -> None:
    odd = Space.from_vectors("odd", ["king", "-lrb-", "+", "queen"],
                             np.eye(4, dtype=np.float32) + 0.1)
    explorer = Explorer(Model(odd), top=2)
    explorer.go("king", typed=True)
    for word in ("-lrb-", "+"):  # as typed expressions: minus 'lrb-', and a lone sign
        answer = explorer.choose(word)
        assert answer is not None and answer.result is not None, answer
        assert answer.result.terms[0].word == word and answer.result.terms[0].weight == 1.0
    assert explorer.walk == ["king", "-lrb-", "+"]
    assert explorer.back() is not None and explorer.answer is not None
    assert explorer.answer.text == "-lrb-"


def test_typos_and_bad_expressions_are_answers_not_exceptions(tiny_space: Space) -> None:
    explorer = Explorer(Model(tiny_space))
    typo = explorer.go("kingg", typed=True)
    assert typo.result is None and "unknown word 'kingg'" in (typo.error or "")
    assert typo.suggestions == ("king",)
    assert explorer.walk == [] and explorer.history == ["kingg"]
    broken = explorer.go("king - ", typed=True)
    assert broken.error and "expected a word after '-'" in broken.error


def test_pickers_make_an_analogy_and_an_axis(tiny_space: Space) -> None:
    explorer = Explorer(Model(tiny_space), top=3)
    explorer.go("king")
    explorer.picker = Picker("analogy")
    assert explorer.choose("king") is None and explorer.choose("Man") is None  # lower-cased
    unknown = explorer.choose("mann")
    assert unknown is not None and unknown.suggestions == ("man",)
    answer = explorer.choose("woman")
    assert answer is not None and answer.text == "king - man + woman"
    assert answer.result is not None and answer.result.neighbors[0].word == "queen"
    explorer.picker = Picker("axis")
    explorer.choose("man")
    explorer.choose("woman")
    assert explorer.axis is not None and (explorer.axis.low, explorer.axis.high) == ("man", "woman")
    result = explorer.map(explorer.words, explorer.axis)
    assert result.method == "axes" and result.x_axis.high == "woman"


def test_every_figure_is_one_model_answer(tiny_space: Space) -> None:
    """Explore is a thin layer over `Model` (issue 18): what it shows is what the method says."""
    model = Model(tiny_space)
    explorer = Explorer(model, top=3)
    typed = explorer.go("king - man + woman")
    assert typed.result is not None
    assert typed.result.to_dict() == model.neighbors("king - man + woman", 3).to_dict()
    chosen = explorer.choose("prince")
    assert chosen is not None and chosen.result is not None
    assert chosen.result.to_dict() == model.neighbors("prince", 3, literal=True).to_dict()
    words = explorer.words
    assert explorer.map(words, None).to_dict() == model.map(words).to_dict()
    axis = AxisSpec("man", "woman")
    assert explorer.map(words, axis).to_dict() == model.map(words, x="man:woman").to_dict()
    assert explorer.map(words, axis, listed=True).to_dict() == model.map(
        words, x="man:woman", listed=True).to_dict()
    assert explorer.clusters(words).to_dict() == model.cluster(words).to_dict()
    assert explorer.explain("queen").to_dict() == model.explain("queen", top=8).to_dict()


def outcome(compute: Callable[..., object], *args: object) -> object:
    """``compute(*args)``'s JSON (a neighbours answer's, for an `Answer`), or its error line."""
    try:
        result = compute(*args)
    except LatentError as error:
        return str(error)
    if isinstance(result, Answer):
        return result.error if result.result is None else result.result.to_dict()
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if to_dict else result


@pytest.mark.parametrize("size", [3, 5, 9, 12])
def test_the_figures_are_the_ones_explore_computed_before_it_asked_model(size: int) -> None:
    """The same figures as when the explorer called the core and analysis functions itself,
    on models smaller and larger than its lists, and with words an expression would misread."""
    from latentcli.analysis.clustering import cluster
    from latentcli.analysis.explain import explain_word
    from latentcli.analysis.projection import project_map, with_neighbors
    from latentcli.analysis.words import select_words
    from latentcli.core.queries import neighbors, word_neighbors

    words = ["king", "-", "1:30", "queen", "+", "3:00", "man", "woman", "apple", "pear", "fig",
             "plum"][:size]
    vectors = np.random.default_rng(size).normal(size=(size, 5)).astype(np.float32)
    space = Space.from_vectors("mixed", words, vectors)
    explorer = Explorer(Model(space))

    def mapped(axis: AxisSpec | None) -> MapResult:
        return project_map(space, select_words(space, words), "pca", axis)

    for word in words:
        assert outcome(explorer.ask, word, True) == outcome(word_neighbors, space, word,
                                                            explorer.top)
        assert outcome(explorer.explain, word) == outcome(explain_word, space, word)
    for text in ("king", "king - queen", "queen + 1:30"):
        assert outcome(explorer.ask, text) == outcome(neighbors, space, text, explorer.top)
    for axis in (None, AxisSpec(words[0], words[1]), AxisSpec(words[-1], words[2])):
        assert outcome(explorer.map, words, axis) == outcome(mapped, axis)
        assert outcome(explorer.map, words, axis, True) == outcome(
            lambda axis: with_neighbors(space, mapped(axis)), axis)
    assert outcome(explorer.clusters, words) == outcome(cluster, space,
                                                        select_words(space, words))


# --- the app, driven headless --------------------------------------------------------------------

def run(app: ExploreApp, script: Callable[..., Awaitable[None]],
        size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await script(pilot)

    asyncio.run(main())


def test_type_walk_back_and_history(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space))

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.focused is app.query_one(QueryInput)
        await pilot.press(*"king", "enter")
        await settle(app, pilot)
        assert listed(app)[:3] == ["prince", "man", "banana"]
        assert "similarity" not in listed(app)
        assert "trust" in text_of(app, "#status") and "tiny · 4 dims · 10 words" in text_of(
            app, "#status")
        assert app.query_one(MapView).result is not None
        await pilot.press("down", "enter")  # the second neighbour: man
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > man"
        assert "king" in listed(app)
        await pilot.press("backspace")
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king"
        await pilot.press("slash", "up")
        assert app.query_one(QueryInput).value == "king"
        await pilot.press("ctrl+u", *"king -", "enter")  # a broken expression stays to be fixed
        assert "expected a word after '-'" in text_of(app, "#message")
        assert app.focused is app.query_one(QueryInput)
        assert app.query_one(QueryInput).value == "king -"

    run(app, script)


def test_typo_offers_did_you_mean_and_enter_takes_it(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space))

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press(*"quen", "enter")
        await settle(app, pilot)
        assert "unknown word 'quen'" in text_of(app, "#message")
        assert "did you mean: queen" in text_of(app, "#message")
        assert listed(app) == ["queen"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert text_of(app, "#trail") == "queen"

    run(app, script)


def test_click_a_word_on_the_map_or_the_list(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        view = app.query_one(MapView)
        hit = next(hit for hit in view.hits if hit.word == "queen" and hit.end - hit.start > 1)
        await pilot.click(MapView, offset=(hit.start, hit.row))
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > queen"
        await pilot.click(MapView, offset=empty_cell(view))
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > queen"  # the empty cell chose nothing
        await pilot.click(NeighborList, offset=(2, 1))  # the list's second row
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > queen > woman"

    run(app, script)


def test_analogy_mode_by_keys(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+a")
        assert text_of(app, "#message").startswith("analogy: ? - ? + ?")
        for word in ("king", "man", "woman"):  # typed: the characters go to the query box
            await pilot.press(*word, "enter")
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > king - man + woman"
        assert listed(app)[0] == "queen"

    run(app, script)


def test_axis_clusters_explain_help(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+x", *"man", "enter", "slash", *"woman", "enter")
        await settle(app, pilot)
        view = app.query_one(MapView)
        assert view.result is not None and view.result.x_axis.name == "man → woman"
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert "clusters of" in text_of(app, "#side-text")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert "Nearest words" in text_of(app, "#side-text")
        await pilot.press("f1")
        help_text = text_of(app, "#side-text")
        for key in ("Ctrl-A", "Ctrl-X", "Ctrl-G", "Ctrl-E", "Ctrl-S", "F1", "Ctrl-Q, Ctrl-C", "/",
                    "Esc", "Backspace, ←"):
            assert f"\n{key}\n" in help_text
        await pilot.press("escape")
        assert not app.query_one("#main").has_class("side-open")
        await pilot.press("ctrl+x")
        await settle(app, pilot)
        assert view.result.x_axis.name == "PC1"

    run(app, script)


def test_save_writes_json_and_html_or_says_why_not(tiny_space: Space, tmp_path: Path) -> None:
    app = ExploreApp(Model(tiny_space), ["king"], directory=tmp_path)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = sorted(tmp_path.iterdir())
        assert [path.suffix for path in saved] == [".html", ".json"]
        assert str(saved[1]) in text_of(app, "#message")
        state = json.loads(saved[1].read_text("utf-8"))
        assert state["query"] == "king" and state["walk"] == ["king"]
        assert state["map"]["points"][0]["neighbors"][0]["word"] == "prince"
        assert 'data-word="king"' not in saved[0].read_text("utf-8")  # drawn by the page's script
        app.directory = tmp_path / "missing"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert text_of(app, "#message").startswith("Error: cannot save the view in")

    run(app, script)


def test_small_terminals_degrade(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.query_one(MapView).display and app.query_one(MapView).size.width > 30
        await pilot.resize_terminal(50, 16)
        await settle(app, pilot)
        assert app.screen.has_class("-narrow")
        assert not app.query_one(MapView).display  # the list takes the whole width
        assert listed(app)[0] == "prince"
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert app.query_one(MapView).display

    run(app, script)


def test_no_color_is_honoured(tiny_space: Space, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ExploreApp(Model(tiny_space)).no_color  # conftest sets NO_COLOR
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not ExploreApp(Model(tiny_space)).no_color


# --- the built-in model --------------------------------------------------------------------------

def test_builtin_model_walks_to_a_neighbor(glove: Space) -> None:
    """How fast is benchmarks/bench_explore.py's question; this one is whether it works."""
    app = ExploreApp(Model(glove), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert "queen" in listed(app)
        assert "glove-6b-50d · 50 dims · 400,000 words" in text_of(app, "#status")
        app.query_one(NeighborList).action_select()  # Enter on the top neighbour: prince
        while text_of(app, "#trail") == "king":  # until the new list and trail are there
            await asyncio.sleep(0.001)
        assert listed(app)[0] != "prince" and "king" in listed(app)
        await settle(app, pilot)

    run(app, script)


# --- the command ---------------------------------------------------------------------------------

def test_without_the_extra_one_line_says_how_to_get_it(runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "textual", None)  # makes `import textual` fail
    result = runner.invoke(cli, ["explore", "king"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: latent explore needs the optional extra 'explore'")
    assert result.stderr.rstrip().endswith("pip install 'latentcli[explore]'")


def test_needs_a_terminal(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["explore", "king"])
    assert result.exit_code == 2
    assert result.stderr == "Error: latent explore is interactive: run it in a terminal\n"


# --- snapshots (SVG files under tests/__snapshots__) ---------------------------------------------

async def steady_status(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the map, then fix the timings so the picture does not change from run to run."""
    app = pilot.app
    await settle(app, pilot)
    app.timings = {name: 0.001 for name in app.timings}
    app.show_status()
    await pilot.pause()


def test_snapshot_main_screen(snap_compare, tiny_space: Space) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(ExploreApp(Model(tiny_space), ["king"]), run_before=steady_status)


def test_snapshot_analogy_and_help(snap_compare, tiny_space: Space) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(ExploreApp(Model(tiny_space), ["king"]), press=["ctrl+a", "f1"],
                        run_before=steady_status)


def test_snapshot_narrow(snap_compare, tiny_space: Space) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(ExploreApp(Model(tiny_space), ["queen"]), terminal_size=(50, 16),
                        run_before=steady_status)


def test_the_cli_imports_no_textual_until_explore_runs() -> None:
    code = "import sys, latentcli.cli.commands; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_first_frame_benchmark_smoke(default_cache: Path) -> None:
    """`bench_explore.py --smoke`: the real command in a pseudo-terminal, one run."""
    script = Path(__file__).parents[1] / "benchmarks" / "bench_explore.py"
    done = subprocess.run([sys.executable, str(script), "--smoke", "--cache", str(default_cache)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "explore / neighbors = " in done.stdout and "slowest step" in done.stdout
    print(done.stdout)


def test_words_that_look_like_markup_are_shown_as_they_are() -> None:
    odd = Space.from_vectors("odd", ["[b]", "king", "[/x]"], np.eye(3, dtype=np.float32) + 0.1)
    app = ExploreApp(Model(odd), ["[b]"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("enter")  # walk to the top neighbour
        await settle(app, pilot)
        assert text_of(app, "#trail").startswith("[b] > ")
        await pilot.press("slash", *"[/y]", "enter")
        assert "unknown word '[/y]'" in text_of(app, "#message")

    run(app, script)


# --- typing, quitting, escaping (issue 16, problems 8 and 10) ----------------------------------

def test_typing_on_the_list_starts_a_query_and_never_walks(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.focused is app.query_one(NeighborList)  # started with a word
        assert listed(app)[0] == "prince"  # what Enter on the list would walk to
        await pilot.press(*"frog", "enter")
        await settle(app, pilot)
        assert "unknown word 'frog'" in text_of(app, "#message")
        assert text_of(app, "#trail") == "king"  # no silent walk to the highlighted row
        await pilot.press("ctrl+u", *"queen", "enter")
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > queen"
        assert app.focused is app.query_one(NeighborList)
        await pilot.press(*"woman", "enter")  # from the list again, straight after a query
        await settle(app, pilot)
        assert text_of(app, "#trail") == "king > queen > woman"

    run(app, script)


def test_control_keys_work_while_typing(tiny_space: Space) -> None:
    app = ExploreApp(Model(tiny_space))

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.focused is app.query_one(QueryInput)
        await pilot.press(*"kin", "ctrl+a")
        assert text_of(app, "#message").startswith("analogy: ? - ? + ?")
        assert app.query_one(QueryInput).value == "kin"
        await pilot.press("f1")
        assert "Ctrl-A" in text_of(app, "#side-text")

    run(app, script)


@pytest.mark.parametrize("first", [["king"], []])
def test_ctrl_c_quits_as_an_interrupted_command(tiny_space: Space, first: list[str]) -> None:
    """Ctrl-C quits from the list and from the query box (where Textual would copy)."""
    app = ExploreApp(Model(tiny_space), first)

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("ctrl+c")
        await pilot.pause()

    run(app, script)
    assert app.return_code == 130


def in_a_terminal(argv: list[str], then: bytes | int,
                  marker: bytes = b"prince") -> tuple[int, bytes]:
    """Run ``argv`` in an 80x24 pseudo-terminal until ``marker`` is drawn, then type ``then``
    (bytes) or send it (a signal number); its exit code and everything it wrote."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a terminal of a known size, then the command
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color"})
    seen, sent, status, deadline = b"", False, None, time.monotonic() + 60
    try:
        while status is None and time.monotonic() < deadline:
            if not sent and marker in seen:
                if isinstance(then, bytes):
                    os.write(terminal, then)
                else:
                    os.kill(pid, then)
                sent = True
            seen += _read(terminal, 0.2)
            done, code = os.waitpid(pid, os.WNOHANG)
            status = code if done else None
        seen += _read(terminal, 0.2)  # what it wrote last, before it exited
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(terminal)
    assert status is not None, seen[-500:]
    return os.waitstatus_to_exitcode(status), seen


def _read(terminal: int, wait: float) -> bytes:
    if not select.select([terminal], [], [], wait)[0]:
        return b""
    try:
        return os.read(terminal, 65536)
    except OSError:  # the program ended and closed the terminal
        return b""


@pytest.mark.parametrize(("then", "code"), [(b"\x03", 130), (signal.SIGINT, 130), (b"\x11", 0)],
                         ids=["ctrl-c", "sigint", "ctrl-q"])
def test_the_command_exits_130_on_ctrl_c_and_sigint(tiny_model: Path, then: bytes | int,
                                                     code: int) -> None:
    latent = str(Path(sys.executable).with_name("latent"))
    exit_code, output = in_a_terminal([latent, "explore", "king", "-m", str(tiny_model)], then)
    assert exit_code == code, output[-500:]
    assert (b"Error: interrupted" in output) == (code == 130)


def test_control_characters_in_words_are_drawn_escaped() -> None:
    odd = Space.from_vectors("odd", ["king", "bell\x07", "\x1b[2Jwipe", "line\u2028split"],
                             np.eye(4, dtype=np.float32) + 0.1)
    app = ExploreApp(Model(odd), ["king"])

    async def script(pilot) -> None:  # type: ignore[no-untyped-def]
        options = app.query_one(NeighborList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert sorted(shown[i].split()[0] for i in range(3)) == [
            "\\x1b[2Jwipe", "bell\\x07", "line\\u2028split"]
        assert sorted(listed(app)) == sorted(["bell\x07", "\x1b[2Jwipe", "line\u2028split"])
        assert all(char.isprintable() for text in shown for char in text)
        await pilot.press("enter")  # walk to the first: the trail shows it escaped
        await settle(app, pilot)
        assert all(char.isprintable() for char in text_of(app, "#trail"))
        labels = "".join(str(line) for line in app.query_one(MapView).render().split())
        assert all(char.isprintable() for char in labels)

    run(app, script)
