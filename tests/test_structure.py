"""`latent cluster` and `latent map`: selection, clustering, projections, trust, plots, HTML."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from latentcli.analysis.clustering import (
    KMEANS_RESTARTS,
    TEXT_RESTARTS,
    cluster,
    grouped_by,
)
from latentcli.analysis.numpy_fits import KMEANS_EXACT_UP_TO
from latentcli.analysis.projection import AxisSpec, neighborhood_trust, project_map
from latentcli.analysis.words import add_neighbors, select_words
from latentcli.cli.app import app
from latentcli.errors import LatentError, UnknownWordError, UsageError
from latentcli.render.plots import GLYPHS, layout_labels, map_plot, to_cells
from latentcli.store.entries import write_entry

GROUPS = ["king", "queen", "prince", "princess", "apple", "banana", "cherry"]


def invoke(runner, args, model, **kwargs):
    return runner.invoke(app, [*args, "-m", str(model)], **kwargs)


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- word selection ------------------------------------------------------------------------------

def test_selection_dedupes_lowercases_and_drops_unknown_with_a_note(tiny_space):
    selection = select_words(tiny_space, ["King", "queen", "king", "kingg"])
    assert selection.words == ("king", "queen")
    assert selection.given == 2
    assert any("'King' is not in the vocabulary" in note for note in selection.notes)
    assert any("'kingg'" in note and "--strict" in note for note in selection.notes)


def test_selection_strict_fails_on_unknown_word(tiny_space):
    with pytest.raises(UnknownWordError, match="kingg"):
        select_words(tiny_space, ["king", "queen", "kingg"], strict=True)


def test_selection_top_takes_most_frequent_rows_and_drops_zero_vectors(tiny_space):
    selection = select_words(tiny_space, ["apple"], top=10)
    assert selection.words[0] == "apple"
    assert "zero" not in selection.words
    assert len(selection) == 9
    assert any("all-zero" in note for note in selection.notes)


def test_selection_needs_two_usable_words(tiny_space):
    with pytest.raises(UsageError):
        select_words(tiny_space, ["king"])
    with pytest.raises(LatentError, match="at least 2 usable words"):
        select_words(tiny_space, ["king", "zero"])
    with pytest.raises(LatentError, match="none of the words"):
        select_words(tiny_space, ["xx", "yy"])


def test_neighbors_are_added_after_given_words_in_frequency_order(tiny_space):
    selection = add_neighbors(tiny_space, select_words(tiny_space, ["king", "apple"]), 1)
    assert selection.words == ("king", "apple", "prince", "banana")
    assert selection.given == 2


# --- clustering ----------------------------------------------------------------------------------

def test_kmeans_groups_and_names_come_from_the_space(tiny_space):
    selection = select_words(tiny_space, GROUPS)
    result = cluster(tiny_space, selection, k=3, seed=0)
    groups = {frozenset(c.members) for c in result.clusters}
    assert groups == {frozenset({"king", "prince"}), frozenset({"queen", "princess"}),
                      frozenset({"apple", "banana", "cherry"})}
    vectors = tiny_space.vectors
    for group in result.clusters:
        rows = [tiny_space.lookup(word).row for word in group.members]
        centre = vectors[rows].mean(axis=0)
        centre /= np.linalg.norm(centre)
        assert group.cohesion == pytest.approx(float(np.mean(vectors[rows] @ centre)), abs=1e-6)
        outside = ["man", "woman"]  # every other non-zero word is being clustered

        def close_to_every_member(word, rows=rows):
            cosines = vectors[rows] @ vectors[tiny_space.lookup(word).row]
            return float(cosines.mean() - 2 * cosines.std())

        ranked = sorted(outside, key=close_to_every_member, reverse=True)
        assert (group.label, group.label_candidates) == (ranked[0], tuple(ranked[1:]))
        assert group.label_method.startswith("the frequent word closest to all the members")
    labels = [next(i for i, c in enumerate(result.clusters) if w in c.members) for w in GROUPS]
    expected = silhouette_score(vectors[selection.rows], labels, metric="cosine")
    assert result.silhouette == pytest.approx(expected)


def test_auto_k_takes_the_best_silhouette_and_is_deterministic(tiny_space):
    selection = select_words(tiny_space, GROUPS)
    first = cluster(tiny_space, selection, k=None, seed=3)
    again = cluster(tiny_space, selection, k=None, seed=3)
    assert first == again
    assert first.auto
    assert [c.k for c in first.candidates] == [2, 3, 4, 5, 6]
    best = max(first.candidates, key=lambda c: c.silhouette)
    assert first.k == best.k and first.silhouette == pytest.approx(best.silhouette)


def test_kmeans_matches_sklearn_on_the_same_vectors(tiny_space):
    selection = select_words(tiny_space, GROUPS)
    result = cluster(tiny_space, selection, k=2, seed=7)
    sk = KMeans(n_clusters=2, n_init=4, random_state=7).fit_predict(
        tiny_space.vectors[selection.rows])
    expected = {frozenset(w for w, label in zip(GROUPS, sk, strict=True) if label == c)
                for c in set(sk)}
    assert {frozenset(c.members) for c in result.clusters} == expected


def test_agglomerative_uses_cosine_geometry(tiny_space):
    result = cluster(tiny_space, select_words(tiny_space, GROUPS), k=3, method="agglomerative")
    assert frozenset({"apple", "banana", "cherry"}) in {frozenset(c.members)
                                                         for c in result.clusters}


# --- projection and trust ------------------------------------------------------------------------

def test_trust_on_a_hand_made_case():
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1]], dtype=np.float64)
    flat = np.array([[0, 0], [1, 0], [10, 0], [30, 0]], dtype=np.float64)
    # cosine: a<->b, c<->d; on the line c's nearest is b, the others keep theirs
    assert neighborhood_trust(vectors, flat, 1).tolist() == [1.0, 1.0, 0.0, 1.0]
    swapped = np.array([[0, 0], [10, 0], [1, 0], [11, 0]], dtype=np.float64)
    assert neighborhood_trust(vectors, swapped, 1).tolist() == [0.0, 0.0, 0.0, 0.0]


@pytest.fixture
def plane_model(tmp_path: Path) -> Path:
    """Eight words on a circle in a plane of a 4-D space: PCA loses nothing, so trust is 1."""
    angles = np.radians([0, 10, 25, 45, 70, 100, 140, 200])
    basis = np.array([[1, 2, 0, 1], [0, 1, -1, -2]], dtype=np.float64)
    basis[1] -= basis[1] @ basis[0] / (basis[0] @ basis[0]) * basis[0]
    basis /= np.linalg.norm(basis, axis=1, keepdims=True)
    vectors = np.column_stack([np.cos(angles), np.sin(angles)]) @ basis
    directory = tmp_path / "plane"
    words = [f"w{i}" for i in range(8)]
    write_entry(directory, words, vectors.astype(np.float32), {"name": "plane", "source": {}})
    return directory


def test_map_of_a_plane_is_fully_trusted(runner, plane_model):
    result = invoke(runner, ["map", *[f"w{i}" for i in range(8)], "--json"], plane_model)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["trust"] == 1.0
    assert all(point["trust"] == 1.0 for point in doc["points"])
    assert doc["x_axis"]["explained_variance"] + doc["y_axis"]["explained_variance"] == (
        pytest.approx(1.0))


def test_pca_map_matches_sklearn(tiny_space):
    selection = select_words(tiny_space, GROUPS)
    result = project_map(tiny_space, selection)
    pca = PCA(n_components=2, svd_solver="full")
    expected = pca.fit_transform(tiny_space.vectors[selection.rows].astype(np.float64))
    got = np.array([[p.x, p.y] for p in result.points])
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert result.x_axis.explained_variance == pytest.approx(pca.explained_variance_ratio_[0])
    assert result.trust == pytest.approx(np.mean([p.trust for p in result.points]))
    assert result.trust_k == 5


def test_semantic_axes_are_projections_on_word_differences(tiny_space):
    selection = select_words(tiny_space, GROUPS)
    result = project_map(tiny_space, selection, x=AxisSpec("man", "woman"),
                         y=AxisSpec("banana", "king"))
    unit = tiny_space.vectors

    def direction(a: str, b: str) -> np.ndarray:
        d = unit[tiny_space.lookup(b).row].astype(np.float64) - unit[tiny_space.lookup(a).row]
        return d / np.linalg.norm(d)

    rows = unit[selection.rows].astype(np.float64)
    np.testing.assert_allclose([p.x for p in result.points], rows @ direction("man", "woman"),
                               atol=1e-6)
    np.testing.assert_allclose([p.y for p in result.points], rows @ direction("banana", "king"),
                               atol=1e-6)
    assert (result.x_axis.low, result.x_axis.high) == ("man", "woman")
    assert result.method == "axes"


def test_x_axis_alone_takes_y_from_pca_of_the_rest(tiny_space):
    selection = select_words(tiny_space, GROUPS)
    result = project_map(tiny_space, selection, x=AxisSpec("man", "woman"))
    rows = tiny_space.vectors[selection.rows].astype(np.float64)
    d = (tiny_space.vectors[3] - tiny_space.vectors[2]).astype(np.float64)
    d /= np.linalg.norm(d)
    rest = rows - np.outer(rows @ d, d)
    expected = PCA(n_components=1, svd_solver="full").fit_transform(rest)[:, 0]
    np.testing.assert_allclose([p.y for p in result.points], expected, atol=1e-6)
    assert result.y_axis.explained_variance is not None


# --- terminal plot -------------------------------------------------------------------------------

def test_layout_never_overlaps_labels_or_covers_points():
    rng = np.random.default_rng(0)  # points keep a label's width clear of the right edge
    cells = [(int(c), int(r)) for c, r in rng.integers(0, [34, 10], size=(60, 2))]
    labels = [f"word{i}" for i in range(60)]
    spots = layout_labels(cells, labels, 40, 10)
    taken: set[tuple[int, int]] = set()
    for spot, label, cell in zip(spots, labels, cells, strict=True):
        if spot is None:
            continue
        span = {(spot[0] + i, spot[1]) for i in range(-1, len(label) + 1)}
        assert not span & taken, "labels touch"
        body = {(spot[0] + i, spot[1]) for i in range(len(label))}
        assert not body & set(cells), "a label covers a point"
        assert spot[0] >= 0 and spot[0] + len(label) <= 40 and 0 <= spot[1] < 10
        assert spot == (cell[0] + 1, cell[1]), "a label starts right after its own point"
        taken |= body
    assert 0 < sum(s is None for s in spots) < 60
    in_the_way = {(cells[0][0] + i, cells[0][1]) for i in range(1, len(labels[0]) + 1)}
    assert spots[0] is not None or in_the_way & set(cells[1:])  # the first label wins its room


def test_to_cells_spans_the_grid():
    assert to_cells([0.0, 1.0, 0.5], [0.0, 1.0, 0.5], 11, 5) == [(0, 4), (10, 0), (5, 2)]
    assert to_cells([2.0, 2.0], [1.0, 1.0], 11, 5) == [(5, 2), (5, 2)]


def plot_tokens(text: str) -> list[str]:
    frame = "".join(GLYPHS) + "│─┌┐└┘"
    body = [line for line in text.splitlines() if line.startswith("│")]
    return [t for line in body for t in re.split(f"[\\s{frame}]+", line) if t]


def test_map_plot_at_a_fixed_size_shows_labels_intact_after_their_points(runner, tiny_model):
    result = invoke(runner, ["map", *GROUPS, "man", "woman", "--width", "60", "--height", "20"],
                    tiny_model)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Map of 9 words in tiny (PCA)"
    assert "\x1b" not in result.stdout  # not a TTY: plain characters
    assert max(len(line) for line in lines[1:19]) == 60
    hidden = int(re.search(r"(\d+) of 9 labels hidden", result.stdout).group(1))
    shown = plot_tokens(result.stdout)
    assert len(shown) == 9 - hidden >= 6 and set(shown) <= {*GROUPS, "man", "woman"}
    if hidden:  # a few hidden labels are named under the map, with their cluster's glyph
        named = f"([{''.join(GLYPHS)}]\\w+ ?){{{hidden}}}"
        assert re.search(f"labels hidden to avoid overlap \\({named}\\)", result.stdout)
    for word in shown:  # every label is written straight after its point's glyph: ■word
        assert re.search(f"[{''.join(GLYPHS)}]{word}\\b", result.stdout), word
    assert "PC1 (" in result.stdout and "of variance" in result.stdout
    assert re.search(r"^Trust \d\.\d\d: ", result.stdout, re.M)


def test_crowded_map_hides_labels_and_says_how_many(runner, glove):
    result = runner.invoke(app, ["map", "--top", "300", "--clusters", "5", "--width", "60",
                                 "--height", "20"])
    assert result.exit_code == 0, result.output
    hidden = int(re.search(r"(\d+) of 300 labels hidden", result.stdout.replace("\n", " "))
                 .group(1))
    tokens = plot_tokens(result.stdout.split("Clusters:")[0])
    doc = json.loads(runner.invoke(app, ["map", "--top", "300", "--clusters", "5",
                                         "--json"]).stdout)
    words = [p["word"] for p in doc["points"]]
    assert len(tokens) == 300 - hidden > 20
    assert set(tokens) <= set(words)


def test_colour_only_when_asked(tiny_space, runner, tiny_model, monkeypatch):
    result = project_map(tiny_space, select_words(tiny_space, GROUPS))
    assert "\x1b[" in map_plot(result, 60, 20, colour=True)
    assert "\x1b[" not in map_plot(result, 60, 20, colour=False)
    monkeypatch.delenv("NO_COLOR")  # stdout is still not a terminal: plain characters
    plain = invoke(runner, ["map", *GROUPS, "--width", "60", "--height", "20"], tiny_model)
    assert plain.exit_code == 0 and "\x1b" not in plain.stdout


def test_semantic_axis_ends_are_labelled(runner, tiny_model):
    result = invoke(runner, ["map", *GROUPS, "--x", "man:woman", "--y", "banana:king",
                             "--width", "60", "--height", "24"], tiny_model)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "↑ king"
    assert "↓ banana" in lines
    assert any(line.startswith("← man") and line.endswith("woman →") and len(line) == 60
               for line in lines)


# --- CLI -----------------------------------------------------------------------------------------

def test_cluster_json_and_table(runner, tiny_model):
    result = invoke(runner, ["cluster", *GROUPS, "--k", "3", "--json"], tiny_model)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"model", "k", "silhouette", "clusters"} <= doc.keys()
    assert doc["model"] == "tiny" and doc["k"] == 3
    assert {"label", "members", "cohesion"} <= doc["clusters"][0].keys()
    assert sorted(w for c in doc["clusters"] for w in c["members"]) == sorted(GROUPS)
    table = invoke(runner, ["cluster", *GROUPS, "--k", "3"], tiny_model)
    assert "3 clusters of 7 words in tiny" in table.stdout
    assert "apple" in table.stdout and "Silhouette (cosine)" in table.stdout


def test_words_from_stdin_and_file(runner, tiny_model, tmp_path):
    listing = tmp_path / "words.txt"
    listing.write_text("apple\n\nbanana\n", "utf-8")
    result = invoke(runner, ["cluster", "-", "--from", str(listing), "--k", "2", "--json"],
                    tiny_model, input="king\nqueen\n")
    assert result.exit_code == 0, result.output
    members = {w for c in json.loads(result.stdout)["clusters"] for w in c["members"]}
    assert members == {"king", "queen", "apple", "banana"}


def test_map_json_keys_and_neighbors(runner, tiny_model):
    result = invoke(runner, ["map", "king", "apple", "--neighbors", "2", "--json"], tiny_model)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"model", "method", "points", "trust"} <= doc.keys()
    assert doc["method"] == "pca"
    assert [p["word"] for p in doc["points"]][:2] == ["king", "apple"]
    assert {"word", "x", "y", "cluster", "trust"} <= doc["points"][0].keys()
    assert len(doc["points"]) == 6
    assert doc["trust"] == pytest.approx(np.mean([p["trust"] for p in doc["points"]]))


def test_tsne_map_runs_and_is_deterministic(runner, tiny_model):
    args = ["map", *GROUPS, "man", "--method", "tsne", "--seed", "1", "--json"]
    first, second = invoke(runner, args, tiny_model), invoke(runner, args, tiny_model)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["points"] == json.loads(second.stdout)["points"]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["cluster", "king"], 2, "need at least 2 words"),
    (["cluster", "king", "kingg"], 1, "need at least 2 usable words"),
    (["cluster", "king", "queen", "man", "--k", "4"], 2, "k must be between 1 and"),
    (["cluster", "xx", "yy"], 1, "none of the words are in tiny: 'xx', 'yy'"),
    (["cluster", "king", "queen", "kingg", "--strict"], 1, "unknown word 'kingg'"),
    (["cluster", "king", "queen", "--k", "many"], 2, "--k takes a number or 'auto'"),
    (["cluster", "king", "queen", "--method", "dbscan"], 2, "unknown clustering method"),
    (["map", "king", "queen", "man", "--method", "tsne"], 1, "t-SNE needs at least 5 words"),
    (["map", "king", "queen", "man", "--width", "30"], 2, "at least 40 columns"),
    (["map", "king", "queen", "--x", "man"], 2, "--x is written LOW:HIGH"),
    (["map", "king", "queen", "--x", "man:man"], 2, "has no direction"),
    (["map", "king", "queen", "--x", "man:woman", "--method", "tsne"], 2, "cannot be combined"),
    (["map", "king", "queen", "--method", "mds"], 2, "unknown map method"),
])
def test_bad_input(runner, tiny_model, args, code, message):
    result = invoke(runner, args, tiny_model)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    no_traceback(result)


def test_some_unknown_words_are_dropped_with_a_note(runner, tiny_model):
    result = invoke(runner, ["map", "king", "queen", "kingg", "apple", "--json"], tiny_model)
    assert result.exit_code == 0, result.output
    assert "left out words not in the model: 'kingg'" in result.stderr
    assert [p["word"] for p in json.loads(result.stdout)["points"]] == ["king", "queen", "apple"]


def test_narrow_terminal_is_fine_for_json(runner, tiny_model):
    result = invoke(runner, ["map", "king", "queen", "apple", "--width", "30", "--json"],
                    tiny_model)
    assert result.exit_code == 0 and json.loads(result.stdout)["model"] == "tiny"


def test_umap_without_the_extra_names_it(runner, tiny_model, monkeypatch):
    monkeypatch.setitem(sys.modules, "umap", None)  # makes `import umap` fail
    result = invoke(runner, ["map", *GROUPS, "--method", "umap"], tiny_model)
    assert result.exit_code == 1
    assert "pip install 'latentcli[umap]'" in result.stderr
    no_traceback(result)


def test_structure_commands_load_no_heavy_module_at_import():
    code = ("import sys, latentcli.cli; "
            "print([m for m in ('sklearn', 'plotext', 'scipy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(Path(__file__).parents[1] / "src")})
    assert out.stdout.strip() == "[]"


# --- real model ----------------------------------------------------------------------------------

def test_glove_clusters_fruit_animals_and_capitals(runner, glove):
    words = ["apple", "banana", "mango", "dog", "cat", "horse", "paris", "london", "berlin"]
    result = runner.invoke(app, ["cluster", *words, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["k"] == 3
    assert {frozenset(c["members"]) for c in doc["clusters"]} == {
        frozenset(words[:3]), frozenset(words[3:6]), frozenset(words[6:])}
    assert all(c["label"] not in words for c in doc["clusters"])


def test_glove_map_plot_is_captured(runner, glove):
    result = runner.invoke(app, ["map", "king", "queen", "paris", "apple", "dog",
                                 "--neighbors", "3", "--width", "90", "--height", "28"])
    assert result.exit_code == 0, result.output
    assert {"king", "queen", "paris", "apple", "dog"} <= set(plot_tokens(result.stdout))
    for word in ("king", "queen", "paris", "apple", "dog"):  # the point, then its word
        assert re.search(f"[{''.join(GLYPHS)}]{word}\\b", result.stdout), word


# --- HTML ----------------------------------------------------------------------------------------

def test_html_map_is_self_contained(runner, tiny_model, tmp_path):
    page = tmp_path / "map.html"
    result = invoke(runner, ["map", *GROUPS, "--html", str(page), "--json"], tiny_model)
    assert result.exit_code == 0, result.output
    text = page.read_text("utf-8")
    assert "wrote the interactive map" in result.stderr
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", text)  # nothing to fetch
    assert json.loads(result.stdout)["points"]  # --json still pure JSON alongside --html


def test_html_map_carries_each_points_neighbors_in_the_full_space(runner, tiny_model, tmp_path,
                                                                   tiny_space):
    from latentcli.core.queries import neighbors

    plain = json.loads(invoke(runner, ["map", *GROUPS, "--json"], tiny_model).stdout)
    assert all(point["neighbors"] == [] for point in plain["points"])  # only paid for a page
    result = invoke(runner, ["map", *GROUPS, "--html", str(tmp_path / "m.html"), "--json"],
                    tiny_model)
    points = json.loads(result.stdout)["points"]
    for point in points:
        expected = neighbors(tiny_space, point["word"], 8).neighbors
        assert [n["word"] for n in point["neighbors"]] == [n.word for n in expected]
    king = next(point for point in points if point["word"] == "king")
    assert "man" in {n["word"] for n in king["neighbors"]}  # not on the map: the full space


def chromium() -> str:
    browser = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if browser is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    return browser


def dump_dom(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran (the ``#test=`` hook replays clicks on load)."""
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1200,900", f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=True).stdout


def elements(dom: str, tag: str) -> list[dict[str, str]]:
    """The attributes of every ``tag`` element in a DOM dump (in whatever order they come)."""
    return [{name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"',
                                                                       attributes)}
            for attributes in re.findall(rf"<{tag} ([^>]*)>", dom)]


def classes(element: dict[str, str]) -> set[str]:
    return set(element.get("class", "").split())


def shown_labels(dom: str) -> list[tuple[str, float, float, float, float]]:
    """(word, x, baseline y, font size, width) of every label the page shows, in the map's
    zoomed coordinates; the width is the browser's own measure of the text."""
    shown = []
    for label in elements(dom, "text"):
        if "out" not in classes(label):
            size = float(label["font-size"])
            shown.append((label["data-label"], float(label["x"]), float(label["y"]), size,
                          float(label["data-width"]) * size / 11))
    return shown


def assert_no_overlap(labels: list[tuple[str, float, float, float, float]]) -> None:
    boxes = [(x, y - size, x + width, y) for _, x, y, size, width in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


@pytest.mark.slow
def test_html_map_in_headless_chromium(runner, tiny_model, tmp_path, tiny_space):
    from latentcli.core.queries import neighbors

    page = tmp_path / "map.html"
    words = [*GROUPS, "man", "woman"]
    result = invoke(runner, ["map", *words, "--html", str(page), "--json"], tiny_model)
    fruit = next(c for c in json.loads(result.stdout)["clusters"] if "apple" in c["members"])
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    circles = {circle["data-word"]: circle for circle in elements(dom, "circle")}
    assert sorted(circles) == sorted(words)
    assert re.fullmatch(r"\d\.\d\d", circles["king"]["data-trust"])
    assert [item["data-cluster"] for item in elements(dom, "li")] == [
        c["label"] for c in json.loads(result.stdout)["clusters"]]  # the legend
    assert sorted(word for word, *_ in shown_labels(dom)) == sorted(words)  # room for all

    steps = f"#test=search:quee;click:king;legend:{fruit['label']}"
    dom = dump_dom(page.as_uri() + steps, tmp_path / "profile")
    assert 'data-ready="1"' in dom
    circles = {circle["data-word"]: circle for circle in elements(dom, "circle")}
    assert "hit" in classes(circles["queen"]) and "found: queen" in dom
    assert "picked" in classes(circles["king"])
    assert "Nearest to king in the full space" in dom
    listed = [item["data-word"] for item in elements(dom, "li") if "data-word" in item]
    assert listed == [n.word for n in neighbors(tiny_space, "king", 8).neighbors]
    assert f'data-isolated="{fruit["label"]}"' in dom
    visible = [word for word, circle in circles.items() if "out" not in classes(circle)]
    assert sorted(visible) == sorted(fruit["members"])
    assert sorted(word for word, *_ in shown_labels(dom)) == sorted(fruit["members"])


@pytest.mark.slow
def test_html_labels_never_overlap_at_any_zoom(runner, glove, tmp_path):
    page = tmp_path / "crowded.html"
    assert runner.invoke(app, ["map", "--top", "250", "--html", str(page), "--json"]).exit_code == 0
    dom = dump_dom(page.as_uri(), tmp_path / "p")
    labels = shown_labels(dom)
    assert_no_overlap(labels)
    hidden = sorted({label["data-label"] for label in elements(dom, "text")}
                    - {word for word, *_ in labels})
    assert 0 < len(hidden) < 250  # crowded: some labels give way
    for word in [word for word in hidden if word.isalpha()][:3]:  # zooming in on a hidden
        # label's point makes room for it
        zoomed = shown_labels(dump_dom(f"{page.as_uri()}#test=zoom:6@{quote(word)}",
                                       tmp_path / "p"))
        assert_no_overlap(zoomed)
        assert word in {shown for shown, *_ in zoomed}


def test_without_clear_groups_auto_k_takes_the_fewest_near_the_best_and_says_why():
    """Random directions have no structure: every silhouette is below 0.25, so k is the fewest
    groups within 15% of the best, and a note says so and names --k."""
    from latentcli.analysis.clustering import NEAR_BEST, WEAK_STRUCTURE
    from latentcli.core.space import Space

    vectors = np.random.default_rng(7).normal(size=(14, 30))
    space = Space.from_vectors("noise", [f"w{i}" for i in range(14)], vectors)
    result = cluster(space, select_words(space, [f"w{i}" for i in range(14)]), k=None)
    best = max(score.silhouette for score in result.candidates)
    assert best < WEAK_STRUCTURE
    fewest = min(s.k for s in result.candidates if s.silhouette >= NEAR_BEST * best)
    assert result.k == fewest
    assert any("pass --k" in note and f"k={fewest}" in note for note in result.notes)


def _units(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_words_are_grouped_by_their_vectors_as_they_are():
    vectors = _units(np.random.default_rng(0).normal(size=(12, 5)))
    grouped, restarts = grouped_by(vectors, texts=False)
    assert grouped is vectors and restarts == KMEANS_RESTARTS


def test_texts_are_grouped_less_their_shared_direction_with_more_starts():
    """Twelve texts sharing one large direction: what k-means groups has no shared part left
    (its mean, before scaling, is zero), each row is the text less the mean at length 1."""
    rng = np.random.default_rng(1)
    shared = np.array([5.0, 0, 0, 0, 0])
    vectors = _units(shared + rng.normal(size=(12, 5)))
    grouped, restarts = grouped_by(vectors, texts=True)
    expected = vectors - vectors.mean(axis=0)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert restarts == TEXT_RESTARTS
    np.testing.assert_allclose(grouped, expected, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(grouped, axis=1), 1.0, atol=1e-6)
    assert float(np.mean(vectors @ vectors.mean(axis=0))) > 0.5  # the shared part was large


def test_alike_texts_and_many_texts_fall_back_to_what_words_get():
    """Identical texts have no direction of their own once their mean is taken away: they are
    grouped as they are; past the exact k-means's size the starts are k-means++'s usual few."""
    for count in (3, 4, 5, 7, 12):  # the mean of random rows leaves rounding, not zeros
        alike = np.repeat(_units(np.random.default_rng(count).normal(size=(1, 8))), count, axis=0)
        grouped, restarts = grouped_by(alike, texts=True)
        assert grouped is alike and restarts == KMEANS_RESTARTS
    many = _units(np.random.default_rng(2).normal(size=(KMEANS_EXACT_UP_TO + 1, 4)))
    grouped, restarts = grouped_by(many, texts=True)
    assert restarts == KMEANS_RESTARTS and grouped is not many
