"""Prose folded by latent itself (`render.wrap`): never inside a phrase kept whole, never after
the opening quote of a token that begins with a space, never a last word alone on its line; and
the headers and captions of the inside commands as they reach a terminal of 60, 80 and 120
columns."""

import pytest

from decoder_files import TINY_GGUF
from latentcli.cli.app import app
from latentcli.render.wrap import KEEP, fold, whole

TIMES = "\N{MULTIPLICATION SIGN}"
PROMPTS = ("The cat sat on the mat", "The dog sat on the log")  # 7 tokens each on the tiny model


@pytest.mark.parametrize("width", [45, 53, 60, 67, 80])
def test_a_whole_phrase_is_never_split_and_no_line_is_too_wide(width):
    equation = f"(1.6 {TIMES} 0.8 + 0.8 {TIMES} 0.6 = 1.76) / 1.79 = 0.98"
    products = f"0.6 {TIMES} 0.8 + 0.8 {TIMES} 0.6 = 0.96"
    text = (f"its cosine with (0.8, 0.6) is the products' sum divided by that length: "
            f"{whole(equation)}. The 1.76 splits into a's {whole(products)} "
            "and more words after it")
    folded = fold(text, width)
    lines = folded.split("\n")
    assert all(len(line) <= width for line in lines)
    assert any(equation in line for line in lines)  # 45 characters with its full stop
    assert any(products in line for line in lines)
    assert KEEP not in folded
    assert " ".join(folded.split()) == " ".join(text.replace(KEEP, " ").split())


def test_a_phrase_longer_than_a_line_is_broken_between_its_words():
    """A phrase that cannot fit is broken as prose is, never inside a word or a number (a
    figure cut in two reads as two other figures), on the first line and indented ones."""
    phrase = "√(3 - 2 * 0.5309 + 2 * 0.4113) = 0.9944 and 'The Eiffel Tower is in the city of'"
    words = phrase.split()
    for width in range(12, len(phrase) + 8):
        for indent in ("", "  "):
            folded = fold(f"see {whole(phrase)}", width, indent).split("\n")
            assert all(len(line) <= width for line in folded), (width, folded)
            assert " ".join(folded).split() == ["see", *words], (width, folded)


def test_a_quoted_token_keeps_its_opening_quote():
    """' of' is one token, its space included: a line never ends with the lone quote."""
    text = "The fact sits on 'iffel' through block 23, then on the last position (' of') later"
    for width in range(20, len(text)):
        lines = fold(text, width).split("\n")
        assert not any(line.endswith("'") and line.count("'") % 2 for line in lines), lines
        assert not any(line.endswith("('") for line in lines)


def test_a_last_line_of_one_word_gets_company_from_the_line_above():
    """"remain." alone on the last line reads as a stray: a word comes down from the line above,
    while that line keeps two and the last line has room. Only one: each word moved ends the
    line above early, which a reader sees as a flaw too (the sixth cold read), so a last line
    of two words is left as it is."""
    assert fold("a use mixes the word with its sentence remain.", 38).split("\n") == [
        "a use mixes the word with its", "sentence remain."]
    assert fold("a use mixes the word with its sentence can remain.", 44).split("\n") == [
        "a use mixes the word with its sentence", "can remain."]
    # a last line of two words, as wrapped, stays: no line above ends early for it
    assert fold("so another sense's neighbours can remain.", 30).split("\n") == [
        "so another sense's neighbours", "can remain."]
    # a line above with one word keeps it; a last line with no room for a third is left
    assert fold("antidisestablishment remain.", 22).split("\n") == ["antidisestablishment",
                                                                 "remain."]
    assert fold("one two three four five", 13).split("\n") == ["one two three", "four five"]


@pytest.mark.parametrize("width", range(36, 81))  # the longer command is 36 characters
def test_a_backticked_command_is_never_split(width):
    text = ("downloaded once into latent's cache, by `latent models get all-minilm-l6-v2` or "
            "the first `latent context`; naming never downloads it")
    lines = fold(text, width).split("\n")
    assert all(len(line) <= width for line in lines)
    for command in ("`latent models get all-minilm-l6-v2`", "`latent context`"):
        assert any(command in line for line in lines), lines
    assert " ".join(fold(text, width).split()) == text


def test_later_lines_take_the_indent():
    lines = fold("Without: My day at work was filled with meetings and more meetings", 30,
                 indent=" " * 9).split("\n")
    assert lines[0].startswith("Without: ") and all(line.startswith(" " * 9)
                                                    for line in lines[1:])
    assert all(len(line) <= 30 for line in lines)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_inside_commands_headers_keep_each_prompt_on_one_line(runner, width):
    """Patching's and attention's titles and captions as a terminal of ``width`` shows them:
    each quoted prompt, and 'corrupt -8.70'-like figures, whole on one line."""
    env = {"COLUMNS": str(width), "NO_COLOR": "1"}
    patched = runner.invoke(app, ["patch", *PROMPTS, "-m", str(TINY_GGUF)], env=env)
    looked = runner.invoke(app, ["attention", PROMPTS[0], "-m", str(TINY_GGUF)], env=env)
    for result in (patched, looked):
        assert result.exit_code == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= width
    header = patched.stdout.split("\n  block")[0].splitlines()
    for prompt in PROMPTS:
        assert sum(f"'{prompt}'" in line for line in header) == 1, header
    caption = patched.stdout.splitlines()
    assert any("clean run " in line and line.split("clean run ")[1][:1] in "-0123456789"
               for line in caption)
    assert any("corrupt " in line and line.split("corrupt ")[1][:1] in "-0123456789"
               for line in caption)
    assert any(f"'{PROMPTS[0]}':" in line for line in looked.stdout.splitlines()[:3])
    assert any("% of its weight" in line for line in looked.stdout.splitlines()[:3])
