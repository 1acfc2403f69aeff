"""The expression language: every accepted form, every error with its position, and fuzzing."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from latentcli.core.expressions import parse
from latentcli.errors import ExpressionError, LatentError


def terms(text):
    return [(term.word, term.weight) for term in parse(text).terms]


@pytest.mark.parametrize(("text", "expected"), [
    ("king", [("king", 1.0)]),
    ("king - man + woman", [("king", 1.0), ("man", -1.0), ("woman", 1.0)]),
    ("king -man +woman", [("king", 1.0), ("man", -1.0), ("woman", 1.0)]),
    ("2*king - man", [("king", 2.0), ("man", -1.0)]),
    ("2 * king - 0.5*man", [("king", 2.0), ("man", -0.5)]),
    ("- man", [("man", -1.0)]),
    ("man : king :: woman : ?", [("king", 1.0), ("man", -1.0), ("woman", 1.0)]),
    ("man:king::woman:?", [("king", 1.0), ("man", -1.0), ("woman", 1.0)]),
    ("man : king :: woman", [("king", 1.0), ("man", -1.0), ("woman", 1.0)]),
    ("e-mail", [("e-mail", 1.0)]),
    ("--", [("--", 1.0)]),
    ("3:30", [("3:30", 1.0)]),
])
def test_accepted_forms(text, expected):
    assert terms(text) == expected


@pytest.mark.parametrize(("text", "message", "position"), [
    ("", "empty expression", 0),
    ("   ", "empty expression", 0),
    ("king -", "expected a word after '-'", 6),
    ("king + + man", "expected a word after '+', found '+'", 7),
    ("king - - man", "expected a word after '-', found '-'", 7),
    ("king man", "expected '+' or '-' before 'man'", 5),
    ("* king", "unexpected '*'", 0),
    ("2 * - king", "expected a word after '*'", 4),
    ("0*king", "a weight of zero removes the word", 0),
    ("man : king :: woman : queen", "the fourth place must be '?'", 22),
    ("a :: b", "expected the form 'a : b :: c : ?'", 0),
    ("a : b :: c : ? :: d", "only one '::' is allowed", 15),
])
def test_errors_say_what_and_where(text, message, position):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)
    assert caught.value.position == position
    assert caught.value.exit_code == 2


@given(st.text(alphabet=st.sampled_from(list("ab +-*:?.0123 \t")), max_size=30))
def test_any_input_parses_or_raises_a_latent_error(text):
    try:
        expression = parse(text)
    except LatentError:
        return
    assert expression.terms
    assert all(term.word.strip() == term.word and term.word for term in expression.terms)
    assert all(term.weight != 0 for term in expression.terms)


@given(st.text(max_size=40))
def test_arbitrary_unicode_never_crashes(text):
    with contextlib.suppress(LatentError):
        parse(text)
