"""The tour of `latent explain`: every figure recomputed from the model, on any model."""

import dataclasses
import io
import json

import numpy as np
import pytest

from latentcli.analysis.context import in_context
from latentcli.analysis.contributions import decompose
from latentcli.analysis.language_tour import LANGUAGE_SECTIONS
from latentcli.analysis.tour import CONTEXTS, SAME_SENSE, SECTIONS, run_section
from latentcli.cli.app import app
from latentcli.core.queries import analogy
from latentcli.environment import Environment


def test_contributions_add_up_to_the_3cosadd_score(tiny_space):
    result = analogy(tiny_space, "king - man + woman", 3)
    for answer in result.results:
        terms = [tiny_space.at(row) for row in (0, 2, 3)]
        parts = decompose(terms, [1.0, -1.0, 1.0], tiny_space.lookup(answer.word))
        assert sum(p.contribution for p in parts.contributions) == pytest.approx(parts.score,
                                                                                  abs=1e-12)
        assert parts.score == pytest.approx(answer.similarity, abs=1e-6)


def test_contributions_follow_the_formula_on_hand_made_vectors():
    from latentcli.core.space import Space

    space = Space.from_vectors("axes", ["x", "y", "z"], np.eye(3))
    x, y = space.at(0), space.at(1)
    parts = decompose([x, y], [1.0, -1.0], x)  # q = x - y, |q| = sqrt(2); answer x
    assert [p.cosine for p in parts.contributions] == [1.0, 0.0]
    assert parts.contributions[0].contribution == pytest.approx(1 / np.sqrt(2))
    assert parts.score == pytest.approx(1 / np.sqrt(2))


def test_the_terms_cosines_with_each_other_give_the_sums_length(tiny_space):
    """|q|² = Σ wᵢ² + 2 Σ wᵢ·wⱼ·cos(uᵢ, uⱼ): the cosines kept pair by pair (1-2, 1-3, 2-3) give
    the length every share is divided by, and the page's root of them is that length."""
    from latentcli.render.explain import length_worked

    terms, weights = [tiny_space.at(row) for row in (0, 2, 3)], [1.0, -1.0, 1.0]
    parts = decompose(terms, weights, tiny_space.at(1))
    units = [np.asarray(term.unit, dtype=np.float64) for term in terms]
    assert parts.between == pytest.approx([units[0] @ units[1], units[0] @ units[2],
                                           units[1] @ units[2]], abs=1e-12)
    pairs = [(0, 1), (0, 2), (1, 2)]
    squared = sum(w * w for w in weights) + 2 * sum(
        weights[i] * weights[j] * cosine for (i, j), cosine in zip(pairs, parts.between,
                                                                   strict=True))
    # the stored unit arrows are float32, 1 long to about 1e-7
    assert np.sqrt(squared) == pytest.approx(parts.length, abs=1e-6)
    said = length_worked(parts).replace("\N{NO-BREAK SPACE}", " ")
    # worked from the cosines as printed; where those give other last digits, the length follows
    rounded = [float(f"{cosine:.4f}") for cosine in parts.between]
    root = np.sqrt(3 + 2 * (-rounded[0] + rounded[1] - rounded[2]))
    assert said.startswith("√(3 ") and f") = {root:.4f}" in said
    assert (f"({parts.length:.4f} before rounding)" in said) is (f"{root:.4f}"
                                                                 != f"{parts.length:.4f}")
    assert f"{terms[0].word}·{terms[1].word} {parts.between[0]:+.4f}" in said


@pytest.fixture
def tour(glove):
    return {name: run_section(glove, name) for name in SECTIONS}


def test_math_section_is_the_real_analogy(glove, tour):
    section = tour["math"]
    assert section.analogy == analogy(glove, "king - man + woman", 5)
    assert section.decomposition.word == "queen"
    total = sum(p.contribution for p in section.decomposition.contributions)
    assert total == pytest.approx(section.analogy.results[0].similarity, abs=1e-5)


def test_vector_section_shows_the_raw_vector(glove, tour):
    section = tour["vector"]
    row = glove.lookup(section.word).row
    raw = glove.vectors[row] * glove.norms[row]
    assert np.allclose(section.values, raw, atol=1e-6)
    assert section.norm == pytest.approx(float(np.linalg.norm(raw)), rel=1e-5)
    assert section.rank == row + 1
    for pair in section.pairs:
        expected = glove.vectors[glove.lookup(pair.a).row] @ glove.vectors[glove.lookup(pair.b).row]
        assert pair.similarity == pytest.approx(float(expected), abs=1e-6)


def test_map_section_counts_whole_groups_from_the_clustering(tour):
    section = tour["map"]
    cluster_of = {point.word: point.cluster for point in section.map.points}
    whole = sum(len({cluster_of[w] for w in group}) == 1 for group in section.groups.values())
    assert section.groups_whole == whole
    assert section.map.clustering.k == len(section.groups)


def test_the_directions_section_gives_the_end_words_as_its_scale(glove, tour):
    """Where 'bad' and 'good' themselves fall on the direction, recomputed as the unit mean of
    the pairs' differences, and which ranked words go past them."""
    from rich.console import Console

    from latentcli.render.tour import tour_section

    section = tour["directions"]
    pairs = [("bad", "good"), ("sad", "happy"), ("terrible", "wonderful")]
    total = sum(glove.lookup(b).unit.astype(np.float64) - glove.lookup(a).unit for a, b in pairs)
    unit = total / np.linalg.norm(total)
    ends = {end.word: end.projection for end in section.ends}
    for word in ("bad", "good"):
        assert ends[word] == pytest.approx(float(glove.lookup(word).unit @ unit), abs=1e-6)
    out = io.StringIO()
    tour_section(Console(file=out, width=80), 6, section, colour=False)
    text = " ".join(out.getvalue().split())
    assert (f"For scale, 'bad' itself scores {ends['bad']:+.3f} and 'good' "
            f"{ends['good']:+.3f}, not -1 and 1") in text
    beyond = [f"'{item.word}'" for item in section.axis.words
              if not ends["bad"] <= item.projection <= ends["good"]]
    assert beyond and " and ".join(beyond) in text.split("For scale")[1]
    # on bad → good alone the two ends sit evenly about 0; the average moves their middle, and
    # the words between 0 and that middle are said to fall on bad's side
    single = glove.lookup("good").unit.astype(np.float64) - glove.lookup("bad").unit
    alone = {end.word: end.projection for end in section.alone}
    assert alone["bad"] == pytest.approx(-alone["good"], abs=1e-6)
    assert alone["good"] == pytest.approx(float(glove.lookup("good").unit @ single)
                                          / np.linalg.norm(single), abs=1e-6)
    middle = (ends["bad"] + ends["good"]) / 2
    assert (f"alone they would score {alone['bad']:+.3f} and {alone['good']:+.3f}, evenly about "
            f"0; the other pairs move their middle to {middle:+.3f}, so 0 is not neutral") in text
    below = [item for item in section.axis.words if 0 <= item.projection < middle]
    assert below  # 'boring', 'poor', 'okay'
    said = text.split("so 0 is not neutral")[1].split("fall on the side of 'bad'.")[0]
    for item in below:
        assert f"'{item.word}' ({item.projection:+.3f})" in said
    # the legend says which end is which, not that 0 divides them (it does not, as said above)
    assert "with it (lower: nearer 'bad'; higher: nearer 'good'):" in text
    assert "below 0: leaning" not in text


def test_the_map_and_squeeze_sections_say_how_many_groups_what_fetched_means_and_m(tour):
    from rich.console import Console

    from latentcli.render.tour import CONTRACTIONS, _akin, tour_section

    out = io.StringIO()
    for number, name in ((3, "map"), (5, "squeeze")):
        tour_section(Console(file=out, width=80), number, tour[name], colour=False)
    text = " ".join(out.getvalue().split())
    groups = len(tour["map"].groups)
    assert f"only how many groups: {groups}, one per kind of word (when not told" in text
    # how "stand most clearly apart" is measured, and fetching said apart from the naming
    assert "stand most clearly apart, by the silhouette: how much nearer each word is" in text
    assert ("(Fetching downloads the encoder once: `latent models get all-minilm-l6-v2` or the "
            "first `latent context`; naming never does.)") in text
    # the shares flattened away, said with why
    x, y = (tour["map"].map.x_axis.explained_variance, tour["map"].map.y_axis.explained_variance)
    assert (f"the other {100 - round(100 * x, 1) - round(100 * y, 1):.1f}% is flattened away: "
            "the groups differ in more ways than two axes show") in text
    explained = tour["squeeze"].explained
    assert (f"hold {explained:.0%} of these words' variance (the other "
            f"{100 - round(100 * explained)}% is flattened away") in text
    # a name spelled otherwise than the tour's own name for the group is said to be the model's
    for cluster in tour["map"].map.clustering.clusters:
        for name in tour["map"].groups:
            spelled = f"'{cluster.label}' is the model's word (the tour spells it {name})"
            assert (spelled in text) is _akin(cluster.label, name)
    brought = [word for near in tour["squeeze"].brought for word in near]
    cut = [word for word in brought if word in CONTRACTIONS]
    assert cut  # GloVe's 'happy' brings "'m"
    assert f"{cut[0]!r} is the end of {CONTRACTIONS[cut[0]]!r}" in text


def test_squeeze_section_trust_is_between_zero_and_one(tour):
    section = tour["squeeze"]
    assert 0 <= section.pca_trust <= 1 and 0 <= section.tsne_trust <= 1
    assert 0 < section.explained <= 1


def test_the_whole_tour_prints_straight_through_when_not_a_terminal(runner, default_cache,
                                                                     monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    result = runner.invoke(app, ["explain"])
    assert result.exit_code == 0, result.output
    for title in ("What a model is", "A map of meaning", "A word is a list of numbers",
                  "Math with meaning", "Squeezing to 2-D"):
        assert title in result.stdout
    # neither the encoder nor the language model is fetched in a test's cache: "Words in
    # context" and the two language-model sections say how to fetch them
    assert result.stdout.count("Explore further:") == len(SECTIONS) - 1
    assert ("(skipped: it would show 'bank' in two sentences, one vector each; to see it, fetch "
            "the sentence encoder: latent models get all-minilm-l6-v2)") in " ".join(
        result.stdout.split())
    assert " ".join(result.stdout.split()).count(
        "to see it, fetch the language model: latent models get smollm2-135m)") == len(
        LANGUAGE_SECTIONS)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    # 230, not the first 160: a newcomer needed every term explained where it appears (cosine
    # worked out, k-means, PCA, t-SNE, the score's split shown on two numbers), then what a
    # latent space is, trust against variance and the surprises commented (issue 27), then how
    # many groups and what 'fetched' means, a direction's scale and "'m" (the fourth cold read);
    # each language-model section adds 3 lines while skipped
    assert len(result.stdout.splitlines()) <= 230 + 3 * len(LANGUAGE_SECTIONS)
    assert "[Enter" not in result.stdout
    assert runner.invoke(app, ["explain", "--no-pause"]).stdout == result.stdout


def test_the_tour_says_what_it_computed(runner, default_cache, monkeypatch):
    """Figures a reader would ask about are on screen, and come from this run."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    text = " ".join(runner.invoke(app, ["explain", "--all"]).stdout.split())
    assert "6 billion words of text" in text and "knows 400,000 words" in text
    assert "Why 50 numbers per word and not 2?" in text
    assert "strength 1.00: queen 0.85, throne 0.77, prince 0.76" in text
    assert "exactly the same words and scores as section 4" in text
    assert "allowed back, 'king' (0.8854) tops the list" in text
    assert "/ 0.9944 = +0.7883" in text  # king's share: printed cosine over printed |q|


def test_json_tour_is_one_object_per_section(runner, default_cache, monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    result = runner.invoke(app, ["explain", "--json"])
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [doc["section"] for doc in docs] == [*SECTIONS, *LANGUAGE_SECTIONS]
    sections = {doc["section"]: doc for doc in docs}
    assert sections["math"]["analogy"]["results"][0]["word"] == "queen"
    assert sections["model"]["training"].startswith("GloVe")
    assert sections["directions"]["is_analogy"] is True


def test_the_built_in_model_says_why_it_has_50_dimensions(runner, glove, monkeypatch):
    """Only the built-in model names the sizes it was published in, and the sizes it gives are
    its own vectors' bytes, and those scaled to the largest size."""
    from latentcli import BUILT_IN_SIZES

    model = run_section(glove, "model")
    assert model.published_dims == BUILT_IN_SIZES and glove.dims == min(BUILT_IN_SIZES)
    assert model.bytes == glove.vectors.nbytes == len(glove) * glove.dims * 4
    text = " ".join(runner.invoke(app, ["explain", "--section", "model"]).stdout.split())
    largest = max(BUILT_IN_SIZES)
    assert (f"It was published in {len(BUILT_IN_SIZES)} sizes (50, 100, 200 and {largest} "
            "dimensions), and latent ships the smallest") in text
    assert (f"{len(glove):,} \N{MULTIPLICATION SIGN} {glove.dims} numbers, 4 bytes each, take "
            f"{model.bytes / 1e6:,.0f} MB, where {largest} dimensions would take "
            f"{model.bytes * largest / glove.dims / 1e6:,.0f} MB") in text
    assert f"compare {largest // glove.dims} times as many numbers" in text
    # what more dimensions would gain is not measured, and the text says so
    assert ("Section 7 measures what fewer dimensions lose; what more would gain it cannot, "
            "without the larger models.") in text


def test_one_section(runner, tiny_model):
    result = runner.invoke(app, ["explain", "--section", "math", "--json", "-m", str(tiny_model)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["section"] == "math"
    assert doc["analogy"]["results"][0]["word"] == "queen"


def test_a_model_without_the_tour_words_skips_sections_with_a_reason(runner, tiny_model):
    result = runner.invoke(app, ["explain", "--json", "-m", str(tiny_model)])
    assert result.exit_code == 0, result.output
    docs = {doc["section"]: doc for doc in map(json.loads, result.stdout.splitlines())}
    assert "skipped" in docs["map"] and "groups" in docs["map"]["skipped"]
    assert docs["vector"]["word"] == "king"
    assert docs["model"]["training"] is None and docs["model"]["words"] == 10
    assert docs["model"]["published_dims"] == []
    text = runner.invoke(app, ["explain", "-m", str(tiny_model)]).stdout
    assert "(skipped:" in text and "knows nothing more of how this model was made" in text
    assert "published" not in text and "ships the smallest" not in text
    assert "'queen' gains for being unlike man (+0.56) and resembling woman (+0.56), and loses " \
           "for being unlike king (-0.13)." in " ".join(text.split())


def test_unknown_section_is_a_usage_error(runner, tiny_model):
    result = runner.invoke(app, ["explain", "--section", "nosuch", "-m", str(tiny_model)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no tour section 'nosuch': choose from model, vector,")


@pytest.mark.parametrize(("typed", "goes_on"), [("\n", True), ("q\n", False), ("", False)])
def test_pausing_between_sections(monkeypatch, typed, goes_on):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert Environment(io.StringIO(), io.StringIO()).ask_to_continue() is goes_on


def test_words_in_context_compares_two_uses_of_bank_when_an_encoder_is_ready(glove):
    from encoder_files import TINY_BERT
    from latentcli.store.resolve import open_space
    from latentcli.store.tourcache import tour_key

    named = glove.with_namer(open_space(str(TINY_BERT), Environment(), limit=200))
    section = run_section(named, "context")
    assert tour_key(named) != tour_key(glove)  # a stored tour without the section is not reused
    assert section.title == "Words in context"
    assert [use.sentence for use in section.context.contexts] == [
        "the river bank", "a loan from the bank"]
    assert section.context.static_neighbors[0].word == "banks"
    assert section.command.startswith("latent context bank")
    # the scale's same-sense point is what `latent context` gives for the two sentences
    assert section.same_sentence == SAME_SENSE
    scale = in_context(named.namer, glove, "bank", ["the river bank", SAME_SENSE])
    assert section.same == pytest.approx(scale.similarity[0][1], abs=1e-6)
    # GloVe's one 'bank' against each use's nearest word
    bank = glove.lookup("bank").unit
    assert [near.word for near in section.static_nearest] == [
        use.neighbors[0].word for use in section.context.contexts]
    for near in section.static_nearest:
        assert near.similarity == pytest.approx(float(bank @ glove.lookup(near.word).unit),
                                                abs=1e-6)


def _context_section(same: float, other: float, unrelated: float):
    from latentcli.results import Scored
    from latentcli.results.context import ContextResult, WordUse
    from latentcli.results.explain import ContextSection

    near = (Scored(word="river", similarity=0.5),)
    uses = tuple(WordUse(sentence=sentence, start=0, end=4, pieces=("bank",), neighbors=near)
                 for sentence in CONTEXTS)
    result = ContextResult(model="encoder", word="bank", contexts=uses,
                           similarity=((1.0, other), (other, 1.0)), static_model="glove",
                           static_neighbors=near)
    return ContextSection(name="context", title="Words in context", context=result,
                          candidates=20_000, layers=6,
                          same_sentence=SAME_SENSE, same=same, unrelated_word="table",
                          unrelated_sentence="she set the table for dinner",
                          unrelated=unrelated, static_nearest=(), command="latent context bank")


@pytest.mark.parametrize(("loan", "river", "said"), [
    (0.68, 0.41, "its one vector leans to one sense"),
    (0.45, 0.43, "its one vector sits between the two senses")])
def test_words_in_context_prints_the_cosine_before_asking_about_it_and_glove_s_lean(
        loan, river, said):
    """The two uses' cosine is printed before "Is it high or low?", and the static model's one
    vector is set against each use's nearest word: the contrast the section is about."""
    from dataclasses import replace

    from rich.console import Console

    from latentcli.render.tour import tour_section
    from latentcli.results import Scored

    section = replace(_context_section(0.89, 0.78, 0.06), static_nearest=(
        Scored(word="river", similarity=river), Scored(word="loan", similarity=loan)))
    out = io.StringIO()
    tour_section(Console(file=out, width=80), 8, section, colour=False)
    text = " ".join(out.getvalue().split())
    assert text.index("have a cosine of 0.78.") < text.index("Is 0.78 high or low?")
    assert (f"In glove, 'bank' has cosine {loan:.2f} with 'loan' and {river:.2f} with 'river': "
            f"{said}") in text
    assert "its nearest words: river." in text  # the static model's own neighbours


@pytest.mark.parametrize(("same", "other", "unrelated", "said", "unsaid"), [
    (0.89, 0.78, 0.06, "So 0.78 is high, nearer the same sense's 0.89 than another word's 0.06",
     "lean one way"),
    (0.95, 0.30, 0.15, "So 0.30 is low, nearer another word's 0.15 than the same sense's 0.95",
     "lean one way"),
    (0.80, 0.78, 0.06, "So 0.78 is as high as the same sense's 0.80", "nearer the same sense"),
    (0.70, 0.78, 0.06, "The other sense scores higher than the same one", "nearer the same"),
    (0.89, 0.78, 0.45, "This encoder's vectors all lean one way", "as high as"),
])
def test_words_in_context_puts_the_two_uses_on_a_scale_and_says_only_what_it_shows(
        same, other, unrelated, said, unsaid):
    """Same sense, other sense and another word on one scale; the sentence that reads it
    follows the cosines (no claim that the same sense is nearer when it is not)."""
    from rich.console import Console

    from latentcli.render.tour import tour_section

    out = io.StringIO()
    tour_section(Console(file=out, width=80), 8, _context_section(same, other, unrelated),
                 colour=False)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = [line.split() for line in lines if line.startswith("  bank,") or
            line.startswith("  table,")]
    assert [(row[0], row[1]) for row in rows] == [("bank,", "same"), ("bank,", "other"),
                                                  ("table,", "unrelated")]
    assert [float(row[-2]) for row in rows] == [same, other, unrelated]
    text = " ".join(out.getvalue().split())
    assert said in text and unsaid not in text


@pytest.mark.network
def test_the_language_sections_read_what_smollm_computes(runner, smollm_cache, monkeypatch):
    """The tour's lens, patching and steering sections on SmolLM2, as a newcomer reads them:
    the grid is `latent patch`'s, the sentence reading it is on screen, and the steering demo
    says where the two texts part, which must be a visible change."""
    from latentcli.analysis.language_tour import CLEAN, CORRUPT, FACT, PAIR, STEERED_PROMPT
    from latentcli.analysis.patching import reading

    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    model = ["-m", "smollm2-135m"]
    sections = {}
    for name in ("lens", "attention", "patch", "steering"):
        shown = runner.invoke(app, ["explain", "--section", name, *model, "--json"])
        assert shown.exit_code == 0, shown.stderr
        sections[name] = json.loads(shown.stdout)
    patched = json.loads(runner.invoke(app, ["patch", CLEAN, CORRUPT, *model, "--json"]).stdout)
    assert sections["patch"]["patching"]["recovered"] == patched["recovered"]
    steered = sections["steering"]["generation"]
    assert steered["prompt"] == STEERED_PROMPT and steered["steering"]["pairs"] == [list(PAIR)]
    plain, pushed = steered["steering"]["unsteered"]["tokens"], steered["tokens"]
    assert plain[0] != pushed[0]  # the push shows from the first word written
    text = {name: " ".join(runner.invoke(app, ["explain", "--section", name, *model]).stdout
                           .split()) for name in sections}
    assert "The rank after block 0 is" in text["lens"]
    assert "'\\xa0', a character written by its code, is a no-break space" in text["lens"]
    lensed = runner.invoke(app, ["lens", FACT, *model], env={"COLUMNS": "80"}).stdout
    legend = " ".join(lensed.split("next: the runners-up")[1].split())  # under the table
    assert "'\\xa0'" in lensed and "written by" in legend and "a no-break space" in legend
    looked = json.loads(runner.invoke(app, ["attention", CLEAN, *model, "--json"]).stdout)
    assert sections["attention"]["attention"]["layers"] == looked["layers"]
    sentence = reading(patched["recovered"], patched["tokens_clean"])
    assert sentence.startswith("The fact sits on 'iffel'") and sentence in text["patch"]
    assert "The strongest single look at an earlier word: head 0 of block 11" in text["attention"]
    assert (f"different words from the first token: '{plain[0]}' without the push, "
            f"'{pushed[0]}' with it" in text["steering"])
    assert ("Explore further: latent patch \"The Eiffel Tower is in the city of\" \\"
            in text["patch"])
    for shown in text.values():
        assert "layer" not in shown.replace("--layer", "")  # one word for a block
    # the gaps the percentages are measured on, as `latent patch` prints them
    import re

    shown = " ".join(runner.invoke(app, ["patch", CLEAN, CORRUPT, *model]).stdout.split())
    clean, corrupt = re.search(r"clean run (\S+), corrupt (\S+)\)", shown).groups()
    assert f"{clean} in the clean run, {corrupt} in the corrupt one" in text["patch"]
    # the model's numbers, counted from its weights, read into its name
    parameters = sections["lens"]["parameters"]
    assert f"the {round(parameters / 1e6)}m in its name is for its {parameters:,} numbers" in \
        text["lens"] and "135m" in "smollm2-135m"
    # the command to explore writes as many tokens as the tour did; the start token is named
    assert sections["steering"]["command"].endswith(f"--max-tokens {steered['max_tokens']}")
    assert f"a start token ('{sections['steering']['start']}'," in text["steering"]
    words = len(steered["text"].split())
    assert f"with the push, {len(pushed)} make {words} words" in text["steering"]
    _check_the_subject_looks(sections["attention"], patched, text["attention"])
    _check_the_push(sections["steering"], text["steering"])
    _check_the_lens(sections["lens"]["lens"], text["lens"])


def _check_the_subject_looks(section, patched, text):
    """The subject is where the two prompts' tokens differ; the blocks named are the three
    whose heads weigh it most from the last token; the fact is on the last token from the
    block the whole patching grid says, right after them."""
    from latentcli.analysis.patching import HOLDS

    differ = [p for p, (a, b) in enumerate(zip(patched["tokens_clean"], patched["tokens_corrupt"],
                                               strict=True)) if a != b]
    assert section["subject"] == differ
    weights = [sum(np.mean([head["weights"][p] for head in layer["heads"]]) for p in differ)
               for layer in section["attention"]["layers"]]
    assert section["looks"] == sorted(np.argsort(weights, kind="stable")[::-1][:3].tolist())
    # as printed: each block's share is its subject cells as the table rounds them, added up
    cells = [sum(round(100 * np.mean([head["weights"][p] for head in layer["heads"]]))
                 for p in differ) for layer in section["attention"]["layers"]]
    last = [row[-1] >= HOLDS for row in patched["recovered"]]
    moved = next(block for block in range(len(last)) if all(last[block:]))
    assert section["moved"] == moved and max(section["looks"]) < moved
    looks = section["looks"]
    assert (f"most in blocks {looks[0]}, {looks[1]} and {looks[2]}: "
            f"{cells[looks[0]]}%, {cells[looks[1]]}% and {cells[looks[2]]}%" in text)
    # block 0 weighs the subject about as much, and patching ' of' right after it brings back
    # nothing of the fact: the share is the last column of the whole grid, a block further on
    assert section["last"] == pytest.approx([row[-1] for row in patched["recovered"]], abs=1e-4)
    assert (f"Block 0 gives the subject about as much ({cells[0]}%), but it does not carry the "
            f"fact: patched right after block 0, ' of' brings back "
            f"{round(100 * patched['recovered'][1][-1])}% of it") in text
    assert (f"This is where the patching section (11) sees the fact move onto ' of': it is "
            f"there from block {moved} on") in text


def _check_the_push(section, text):
    """Both phrases begin with 'I', so the push is zero at position 1 and lands at 2; its size
    beside the prompt's stream is the one printed."""
    first, second = section["pushes"]
    assert first["toward"] == first["away"] == "I" and first["push"] == 0
    assert second["push"] > 0 and second["token"] == " day"
    assert "Both phrases have 'I' at position 1" in text
    strength = section["generation"]["steering"]["strength"]
    assert (f"the push is {second['push'] / second['stream']:.1f} times as long" in text
            and f"difference is {second['push'] / strength / second['stream']:.2f} times" in text)


def _check_the_lens(lens, text):
    """The rank strip's scale, and the filler named from what the lens read before the
    answer."""
    import re

    from latentcli.render.tour import FILLER

    vocabulary = int(re.search(r"a fixed list of ([\d,]+)", text)[1].replace(",", ""))
    from latentcli.render.language import SPARKS

    assert f"each step up divides the rank by about {vocabulary ** (1 / (len(SPARKS) - 1)):.1f}" \
        in text
    ranks = [layer["tracked"][0]["rank"] for layer in lens["layers"]]
    first = next(i for i, rank in enumerate(ranks) if all(r == 1 for r in ranks[i:]))
    mass: dict[str, float] = {}
    for layer in lens["layers"][:first]:
        for token in layer["top"]:
            mass[token["token"]] = mass.get(token["token"], 0.0) + token["probability"]
    most = sorted(mass, key=lambda token: (-mass[token], token))[:3]
    assert ("the lens mostly reads " + ", ".join(FILLER.get(t, f"'{t}'") for t in most)
            + ": the commonest tokens of all") in text


def test_a_long_command_to_explore_is_cut_between_arguments_and_still_runs():
    """The tour's "Explore further" command, too long for 80 columns, is continued with the
    shell's backslash between arguments: every line fits, and the shell reads the same words."""
    import shlex

    from latentcli.render.tour import _continued

    command = 'latent patch "The Eiffel Tower is in the city of" "The Colosseum is in the city of"'
    lines = _continued(command).split("\n")
    assert len(lines) == 2 and all(len("  " + line) <= 80 for line in lines)
    assert shlex.split(_continued(command).replace("\\\n", "")) == shlex.split(command)
    # an option is never cut from its value
    command = 'latent generate "My day at work was" --steer "I hate:I love" --max-tokens 20'
    lines = _continued(command).split("\n")
    assert lines[-1].strip() == "--max-tokens 20" and all(len("  " + line) <= 80
                                                          for line in lines)
    assert shlex.split(_continued(command).replace("\\\n", "")) == shlex.split(command)


@pytest.mark.parametrize(("plain", "pushed", "said"), [
    ((" a", " b"), (" a", " c"), "the same first 1 token, then ' b' without the push, ' c' with"),
    ((" a",), (" a", " c"), "the same first 1 token, then (it stopped) without the push, ' c'"),
    ((" a", " b"), (" a", " b"), "Here the push changed nothing that was written"),
])
def test_the_steering_section_says_where_the_texts_part(plain, pushed, said):
    """Where the two continuations part, including a run that stopped early (one text a prefix
    of the other is a change, not 'nothing changed')."""
    from rich.console import Console

    from latentcli.render.tour import tour_section
    from latentcli.results.explain import SteeringSection
    from latentcli.results.language import Continuation, Generation, Steering

    def written(tokens):
        return Continuation(token_ids=tuple(range(len(tokens))), tokens=tokens,
                            text="".join(tokens))

    steering = Steering(method="actadd", layer=6, strength=8.0, pairs=(("I hate", "I love"),),
                        start=1, defaults=("method", "layer", "strength"),
                        unsteered=written(plain))
    section = SteeringSection(name="steering", title="Steering a model", command="latent …",
                              generation=Generation(model="m", prompt="My day was",
                                                    prompt_token_ids=(1, 2, 3), max_tokens=2,
                                                    continuation=written(pushed),
                                                    steering=steering),
                              pushes=())
    out = io.StringIO()
    tour_section(Console(file=out, width=80), 11, section, colour=False)
    text = " ".join(out.getvalue().split())
    assert said in text
    # a text as long as the limit was cut there, and says so; one that stopped early does not
    for label, tokens in (("Without:", plain), ("With:", pushed)):
        shown = text.split(f"{label} My day was")[1].split(" With:")[0].split(" What")[0]
        assert shown.endswith("…") is (len(tokens) == 2), shown


def _steering_section(pushes):
    from latentcli.results.explain import SteeringSection
    from latentcli.results.language import Continuation, Generation, Steering

    def written(tokens):
        return Continuation(token_ids=tuple(range(len(tokens))), tokens=tokens,
                            text="".join(tokens))

    steering = Steering(method="actadd", layer=6, strength=8.0, pairs=(("I hate", "I love"),),
                        start=1, defaults=("method", "layer", "strength"),
                        unsteered=written((" a",)))
    return SteeringSection(name="steering", title="Steering a model", command="latent …",
                           start="<|endoftext|>",
                           generation=Generation(model="m", prompt="My day was",
                                                 prompt_token_ids=(0, 1, 2, 3), max_tokens=20,
                                                 continuation=written((" b",)),
                                                 steering=steering),
                           pushes=pushes)


def test_the_steering_section_says_where_the_push_is_zero_and_how_big_it_is():
    """A position where both phrases have the same token (and the same before it) gets no
    push; where the push lands, its length is set beside the prompt's stream, as printed."""
    from rich.console import Console

    from latentcli.render.tour import tour_section
    from latentcli.results.explain import Push

    pushes = (Push(position=1, toward="I", away="I", token="My", push=0.0, stream=95.1),
              Push(position=2, toward=" hate", away=" love", token=" day", push=529.8,
                   stream=106.4))
    out = io.StringIO()
    tour_section(Console(file=out, width=80), 12, _steering_section(pushes), colour=False)
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80
    text = " ".join(out.getvalue().split())
    assert "Both phrases have 'I' at position 1" in text and "the difference is zero" in text
    # the start token is named, and the text no longer claims what it does not show of it
    assert ("a start token ('<|endoftext|>', which marks where a text begins) at position 0, "
            "before the prompt: the attention sink of section 10; the push leaves it alone"
            in text and "huge" not in text)
    assert "Each text stops after 20 tokens (… marks the cut), as the command below asks" in text
    assert "The push lands only at position 2 (' hate' minus ' love'), on the prompt's ' day'" \
        in text
    assert (f"There the difference is {529.8 / 8 / 106.4:.2f} times as long as the prompt's "
            f"stream; times 8, the push is {529.8 / 106.4:.1f} times as long: it outweighs"
            in text)
    landed = (Push(position=1, toward="I", away="You", token="My", push=10.0, stream=95.1),)
    out = io.StringIO()
    tour_section(Console(file=out, width=80), 12, _steering_section(landed), colour=False)
    text = " ".join(out.getvalue().split())
    assert "zero" not in text and "The push lands at position 1 ('I' minus 'You')" in text
    assert f"the push is {10 / 95.1:.1f} times as long, smaller than" in text


def _text(section, number: int = 1) -> str:
    """A section as an 80-column terminal shows it, every line checked to fit, then as one line."""
    from rich.console import Console

    from latentcli.render.tour import tour_section

    out = io.StringIO()
    tour_section(Console(file=out, width=80), number, section, colour=False)
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80
    return " ".join(out.getvalue().split())


@pytest.mark.parametrize(("model", "said"), [
    ("all-minilm-l6-v2", "a sentence encoder (l6: its 6 layers, or blocks, as section 9 calls "
                         "them; v2: version 2)"),
    ("encoder", "a sentence encoder (it has 6 layers, or blocks, as section 9 calls them)")])
def test_words_in_context_reads_the_encoder_s_name_and_says_where_its_words_come_from(model,
                                                                                     said):
    """"l6-v2" is read from the encoder's own layer count, only where the name says it; the
    nearest words are said to come from the candidates the encoder read."""
    from dataclasses import replace

    section = _context_section(0.89, 0.78, 0.06)
    section = replace(section, context=replace(section.context, model=model))
    text = _text(section, 8)
    assert said in text
    assert ("Each use's nearest words, among the 20,000 most frequent words of glove, each read "
            "alone by the encoder (forms of 'bank' left out):") in text
    assert "To tell, compare the first 'bank' (in 'the river bank'), by cosine, with" in text


@pytest.mark.parametrize(("name", "training", "said"), [
    ("smollm2-135m", "Made, somewhere", "The one here, smollm2-135m, is Made, somewhere; the 135m "
                                        "in its name is for its 134,515,008 numbers, all set by "
                                        "training."),
    ("other", None, "The one here, other: its weights hold 134,515,008 numbers, all set by "
                    "training.")])
def test_the_lens_section_says_what_the_model_is_and_how_many_numbers_it_holds(name, training,
                                                                              said):
    from dataclasses import replace

    from latentcli.results.explain import LensSection
    from test_language_model_cli import _lens_with

    lens = replace(_lens_with("\xa0"), model=name)
    text = _text(LensSection(name="lens", title="Inside a language model", lens=lens,
                             parameters=134_515_008, training=training, command="latent lens"), 9)
    assert said in text
    assert ("each read, for every token, the vectors of the tokens up to it and add something "
            "to its vector") in text
    assert "residual stream (residual: what a block adds on top of what is there)" in text


def _attention_section(subject_weight_at_0: float):
    """Five blocks of one head over 'The A b is of', the subject ' A b'; block 0 weighs it
    ``subject_weight_at_0`` (halves on each token), blocks 2 and 3 (the looks) 30% and 50%."""
    from latentcli.results.explain import AttentionSection
    from latentcli.results.inside import Attention, AttentionLayer, HeadWeights

    def block(layer: int, subject: float) -> AttentionLayer:
        rest = (1 - subject) / 3
        weights = (rest, subject * 0.4, subject * 0.6, rest, rest)
        return AttentionLayer(layer=layer, heads=(HeadWeights(head=0, weights=weights),))

    result = Attention(model="m", prompt="The A b is of", tokens=("The", " A", " b", " is", " of"),
                       position=4, layers=tuple(block(layer, subject) for layer, subject in
                                                enumerate((subject_weight_at_0, 0.1, 0.3, 0.5,
                                                           0.1))))
    return AttentionSection(name="attention", title="Where the heads look", attention=result,
                            subject=(1, 2), looks=(2, 3), moved=4,
                            last=(0.0, 0.003, -0.004, 0.2, 0.8), command="latent attention")


def test_the_attention_section_sets_a_block_as_strong_on_the_subject_beside_the_looks():
    """A block outside the looks that weighs the subject about as much is set beside them by
    what patching the last token right after each brings back (a small loss shows as 0%, never
    -0%); one far below is not mentioned. The head that weighs the subject most is tied to its
    largest single token."""
    text = _text(_attention_section(0.29), 10)
    assert ("most in blocks 2 and 3: 30% and 50% of the weight on average; head 0 of block 3 "
            "puts 50% on them together (30% on ' b' alone).") in text
    assert ("Block 0 gives the subject about as much (29%), but it does not carry the fact: "
            "patched right after block 0, ' of' brings back 0% of it, against 20% and 80% right "
            "after blocks 2 and 3 (entering 3 and 4, as section 11's rows count them).") in text
    assert "-0%" not in text
    assert "from block 4 on, right after them" in text
    assert "about as much" not in _text(_attention_section(0.2), 10)


def test_a_block_as_strong_on_the_subject_that_carries_the_fact_is_said_to():
    """When patching right after the rival block brings back as much as after the looks, the
    tour says it carries the fact too, never that it does not."""
    carrying = dataclasses.replace(_attention_section(0.29), last=(0.0, 0.5, -0.004, 0.2, 0.8))
    text = _text(carrying, 10)
    assert "Block 0 gives the subject about as much (29%), and it carries the fact too: " in text
    assert "does not carry" not in text


def _patching(first_row):
    from latentcli.results.inside import Patching
    from latentcli.results.language import TokenProbability

    tokens = ("The", " E", "iffel", " Tower", " is", " in", " the", " city", " of")
    rows = [first_row, *([(0.0, 0.0, 0.9, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0)] * 2),
            *([(0.0, 0.0, 0.0, 0.0, 0.0, 0.16, 0.0, 0.0, 0.8)] * 2)]
    return Patching(model="m", clean="The Eiffel Tower is in the city of",
                    corrupt="The Colosseum is in the city of", tokens_clean=tokens,
                    tokens_corrupt=("The", " Col", "osse", "um", *tokens[4:]),
                    clean_answer=TokenProbability(token=" Paris", id=1, probability=0.5),
                    corrupt_answer=TokenProbability(token=" Rome", id=2, probability=0.5),
                    recovered=tuple(rows), probability=tuple((0.5,) * 9 for _ in rows),
                    difference_clean=2.864, difference_corrupt=-8.704, reading="Reading.")


@pytest.mark.parametrize(("first_row", "said"), [
    ((0.0, 0.244, 0.786, 0.434, 0.0, 0.0, 0.0, 0.0, 0.0),
     "Each cell is a run of its own, so a row need not add up to 100%: at block 0, ' E', 'iffel' "
     "and ' Tower' bring back 24%, 79% and 43%, 146% together, as their effects overlap."),
    ((0.0, 0.0, 0.9, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0),
     "Each cell is a run of its own, so a row need not add up to 100%. A token")])
def test_the_patching_section_says_each_cell_is_a_run_with_the_gap_it_is_measured_on(first_row,
                                                                                    said):
    """The two runs' logit gaps are given; a row adding past 100% is explained on block 0 with
    the sum of the percentages as printed; the shared tokens the reading names are the ones
    said to have got their part through attention."""
    from latentcli.results.explain import PatchSection

    text = _text(PatchSection(name="patch", title="Where a fact sits", patching=_patching(
        first_row), shared=(5, 8), command="latent patch"), 11)
    # the scale, with the last token's first cell of half or more worked back into a gap
    assert ("(' Paris' less ' Rome': 2.86 in the clean run, -8.70 in the corrupt one; 0: the "
            "gap stays at -8.70; 100: back to 2.86, a span of 11.56; 80, as at ' of' entering "
            "block 3, leaves a gap of -8.70 + 0.80 \N{MULTIPLICATION SIGN} 11.56 = +0.55, so "
            "' Paris' wins; below 0: further toward ' Rome').") in text
    assert "Run the corrupt prompt again, once for each cell below" in text
    assert said in text
    assert "A token the two prompts share, like ' in' or ' of', holds the same vector" in text


@pytest.mark.parametrize(("tokens", "said"), [
    ((" a", " nightmare", ".", " I", " met", " ", "1", "0", "0", " people", ","),
     "Tokens are not words: with the push, 11 make 6 words, as '.' and ',' are tokens of their "
     "own and 100 takes 4 (' ', '1', '0', '0')."),
    ((" a", " night", "mare"), "Tokens are not words: with the push, 3 make 2 words, as a rare "
                               "word takes several."),
    ((" a", " day"), None)])
def test_the_steering_section_says_why_its_tokens_make_fewer_words(tokens, said):
    """Punctuation marks and a number's digits are tokens of their own; a text with as many
    words as tokens says nothing."""
    from dataclasses import replace

    from latentcli.results.language import Continuation

    section = _steering_section(())
    written = Continuation(token_ids=tuple(range(len(tokens))), tokens=tokens,
                           text="".join(tokens))
    text = _text(replace(section, generation=replace(section.generation, continuation=written)),
                 12)
    if said is None:
        assert "Tokens are not words" not in text
    else:
        assert said in text
