"""`latent explain WORD` and `latent explain EXPRESSION`: computed facts, checked independently."""

import json

import numpy as np
import pytest

from latentcli.analysis.explain import NAMED_AXES, explain_expression, explain_word, named_axis
from latentcli.analysis.tour import RANKED, question_sample, run_section
from latentcli.cli.app import app
from latentcli.core.queries import analogy, cosadd_scores


def test_word_explanation_on_the_real_model(glove):
    result = explain_word(glove, "Queen", 5)
    row = glove.lookup("queen").row
    assert result.word == "queen" and result.rank == row + 1
    assert np.allclose(result.values, glove.vectors[row] * glove.norms[row], atol=1e-6)
    assert [n.word for n in result.neighbors][:2] == ["princess", "lady"]
    gender = next(a for a in result.axes if a.axis == "gender")
    direction = named_axis(glove, NAMED_AXES["gender"])
    assert gender.position == pytest.approx(float(glove.vectors[row] @ direction), abs=1e-6)
    common = glove.vectors[:10_000] @ direction
    assert gender.share == pytest.approx(float(np.mean(common < gender.position)))
    assert gender.share > 0.9  # queen sits far towards 'woman'
    assert result.neighborhood is not None and "queen" in result.neighborhood.members


def test_the_member_furthest_from_the_group_s_middle_is_named(glove, runner):
    """The word's group is words near one another, not a category: the member besides the word
    least near the middle of the members' arrows is the one named."""
    result = explain_word(glove, "king", 5)
    group = result.neighborhood
    units = np.stack([glove.lookup(word).unit for word in group.members]).astype(np.float64)
    middle = units.mean(axis=0) / np.linalg.norm(units.mean(axis=0))
    others = [(float(unit @ middle), word) for word, unit in zip(group.members, units, strict=True)
              if word != "king"]
    assert group.furthest == min(others)[1]
    text = " ".join(runner.invoke(app, ["explain", "king"]).stdout.split())
    assert f"the member besides 'king' furthest from this group's middle is '{group.furthest}'." \
        in text


@pytest.mark.parametrize(("share", "at", "said"), [
    (0.04, 1, "more 'man' than 96% puts it 4% of the way from 'man'"),
    (0.0, 0, "more 'man' than 100% puts it 0% of the way from 'man'"),
    (0.5, 10, "more 'woman' than 50% puts it 50% of the way from 'woman'"),
    (0.76, 15, "more 'woman' than 76% puts it 24% of the way from 'woman'"),
    (1.0, 20, "more 'woman' than 100% puts it 0% of the way from 'woman'")])
def test_the_dot_on_a_direction_stands_at_the_word_s_share(share, at, said):
    """The line's 21 places run from 0% to 100% of the common words lying further toward the
    first end: the dot sits at the nearest place to the share, and the legend says where."""
    from latentcli.render.explain import _axis_line, _placed
    from latentcli.results.explain import AxisPosition

    position = AxisPosition(axis="gender", low="man", high="woman", position=0.1, share=share)
    line = _axis_line(position).split("man ", 1)[1]
    assert line.index("●") == at and len(line.split(" ")[0]) == 21
    assert _placed(position) == said


def test_expression_explanation_adds_up_and_ranks(glove):
    result = explain_expression(glove, "king - man + woman", "queen", 5)
    assert result.add == analogy(glove, "king - man + woman", 5, "add")
    assert result.mul == analogy(glove, "king - man + woman", 5, "mul")
    for decomposition, answer in zip(result.decompositions, result.add.results, strict=False):
        assert decomposition.word == answer.word
        total = sum(part.contribution for part in decomposition.contributions)
        assert total == pytest.approx(answer.similarity, abs=1e-5)
    assert result.expect_rank == 1 and result.expect_rank_mul == 1
    assert result.with_inputs == analogy(glove, "king - man + woman", 1,
                                         allow_inputs=True).results[0]
    offset = result.offset
    assert (offset.start, offset.end, offset.relation) == ("man", "woman", "family")
    assert ("he", "she") in {(p.a, p.b) for p in offset.consistency}
    assert all(-1 <= p.similarity <= 1 for p in offset.consistency)


def test_expect_rank_counts_the_words_that_score_higher(tiny_space):
    result = explain_expression(tiny_space, "king - man + woman", "cherry", 3)
    query_scores = dict(zip(range(10), cosadd_scores(tiny_space, _resolved(tiny_space)),
                            strict=False))
    cherry = query_scores[8]
    higher = [row for row, score in query_scores.items() if score > cherry and row not in (0, 2, 3)]
    assert result.expect_rank == len(higher) + 1


def _resolved(space):
    from latentcli.core.queries import ResolvedExpression

    return ResolvedExpression(space, "king - man + woman")


def test_cli_word_and_expression_json(runner, tiny_model):
    word = runner.invoke(app, ["explain", "king", "--json", "-m", str(tiny_model)])
    assert word.exit_code == 0, word.output
    doc = json.loads(word.stdout)
    assert doc["word"] == "king" and len(doc["values"]) == 4
    expression = runner.invoke(app, ["explain", "king", "-", "man", "+", "woman", "--expect",
                                     "queen", "--json", "-m", str(tiny_model)])
    assert expression.exit_code == 0, expression.output
    doc = json.loads(expression.stdout)
    assert doc["add"]["results"][0]["word"] == "queen" and doc["expect_rank"] == 1
    parts = doc["decompositions"][0]["contributions"]
    assert sum(p["contribution"] for p in parts) == pytest.approx(doc["decompositions"][0]["score"])


def test_cli_text_forms(runner, tiny_model):
    text = runner.invoke(app, ["explain", "king - man + woman", "-m", str(tiny_model)]).stdout
    assert "3CosAdd" in text and "cosine" in text and "allowed back" in text
    text = runner.invoke(app, ["explain", "queen", "-m", str(tiny_model)]).stdout
    assert "Nearest words, by cosine, among the 10 most frequent words ('queen' itself left " \
        "out):" in " ".join(text.split())
    assert "long" in text


@pytest.mark.parametrize(("args", "code", "message"), [
    (["explain", "kingg"], 1, "Error: unknown word 'kingg' in tiny — did you mean: king"),
    (["explain", "king -"], 2, "Error: expected a word after '-'"),
    (["explain", ""], 2, "Error: empty expression"),
    (["explain", "king", "--expect", "queen"], 2, "Error: --expect needs an expression"),
    (["explain", "king - man + woman", "--expect", "man"], 2,
     "Error: --expect 'man' is one of the expression's own words"),
    (["explain", "king - man + woman", "--expect", "quen"], 1, "Error: unknown word 'quen'"),
    (["explain", "king", "--section", "math"], 2, "Error: --section and --all belong to the tour"),
    (["explain", "--expect", "queen"], 2, "Error: --expect needs an expression"),
])
def test_bad_input(runner, tiny_model, args, code, message):
    result = runner.invoke(app, [*args, "-m", str(tiny_model)])
    assert result.exit_code == code, result.output
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output


def test_directions_section_uses_the_real_axis_and_steer(glove):
    from latentcli.analysis.directions import axis, steer

    section = run_section(glove, "directions")
    assert section.steer == steer(glove, "king", "woman", "man", strength=1.5, steps=3, top=3)
    assert section.steer.steps[2].strength == 1.0 and section.is_analogy
    assert section.steer.steps[2].neighbors == analogy(glove, "king - man + woman", 3).results
    assert section.axis.words == axis(glove, "bad", "good", ["sad:happy", "terrible:wonderful"],
                                      list(RANKED)).words


def test_dimensions_section_comes_from_real_evaluation(glove):
    from latentcli.analysis.evaluation import default_benchmark, evaluate_sections, read_analogies

    section = run_section(glove, "dimensions")
    assert [p.dims for p in section.points] == [2, 5, 10, 25, 50]
    accuracies = [p.accuracy for p in section.points]
    assert accuracies[0] < accuracies[-1]
    # keeping all 50 dimensions is a rotation: the accuracy is the original space's on the sample
    sample = question_sample(read_analogies(default_benchmark("questions-words.txt")))
    original = evaluate_sections(glove, sample, "sample", 30_000).total
    assert (section.points[-1].correct, section.points[-1].total) == (original.correct,
                                                                      original.total)


def test_explanations_draw_candidates_from_the_most_frequent_words(glove):
    word = explain_word(glove, "king", 8, restrict=2_000)
    assert word.restrict == 2_000
    assert all(glove.lookup(n.word).row < 2_000 for n in word.neighbors)
    assert word.neighborhood is not None
    assert all(glove.lookup(m).row < 2_000 for m in word.neighborhood.members if m != "king")
    expression = explain_expression(glove, "king - man + woman")
    assert expression.restrict == 10_000  # the default
    assert all(glove.lookup(near.word).row < 10_000 for near in expression.offset.nearest)
    assert "ramsland" not in {near.word for near in expression.offset.nearest}


def test_restrict_defaults_to_the_vocabulary_of_a_tiny_model(tiny_space):
    assert explain_word(tiny_space, "king", 3).restrict == len(tiny_space)
    assert explain_expression(tiny_space, "king - man + woman").restrict == len(tiny_space)


def _documented(heading):
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "json.md").read_text()
    section = text.split(heading)[1].split("\n### ")[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {key for row in rows for key in re.findall(r"`(\w+)`", row)}


def test_explain_json_keys_are_documented(runner, tiny_model):
    word = json.loads(runner.invoke(app, ["explain", "king", "--json", "-m", str(tiny_model)])
                      .stdout)
    assert set(word) == _documented("### One word")
    expression = json.loads(runner.invoke(app, ["explain", "king - man + woman", "--json", "-m",
                                                str(tiny_model)]).stdout)
    assert set(expression) == _documented("### An analogy")


def test_a_weighted_sum_s_length_is_worked_in_words_that_fit_its_weights(runner):
    """With a weight other than 1, the worked length says each weight squared and each pair's
    weights times its cosine (5 = 2² + 1², 4 = 2 · 2 · 1), not 'squared lengths (1 each)'."""
    text = " ".join(runner.invoke(app, ["explain", "2*king - man"]).stdout.split())
    assert "√(5 - 4 \N{MULTIPLICATION SIGN} " in text
    assert "each weight squared (the arrows are 1 long) plus twice each pair's weights" in text
    assert "(1 each)" not in text
