"""Every sum and division `latent explain` prints checks out with the digits as printed.

A reader who redoes the arithmetic by hand must get the digits on the page: this test reads the
printed text the way that reader would — it never looks at the result objects — and redoes every
decomposition line, total, percentage and worked example.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from latentcli.cli.app import app
from shared_models import cache_at

NUMBER = r"[+-]?\d+(?:\.\d+)?"
TIMES, MINUS = "\N{MULTIPLICATION SIGN}", "\N{MINUS SIGN}"
SHARE = re.compile(rf"^\s+([+-]) (\S+)\s+cosine ({NUMBER}), (added|subtracted): +([+-])"
                   rf"(?:(\d+(?:\.\d+)?) x )?(\d+\.\d+) / ({NUMBER}) = ({NUMBER})$")
TOTAL = re.compile(rf"^\s+= (?:\S+ scores )?({NUMBER})(?:\s+\(.*\))?$")
RIGHT = re.compile(r"(\d+\.\d)% right\s+\(\s*(\d+)/(\d+)\)")
PRODUCTS = re.compile(rf"((?:{NUMBER} {TIMES} {NUMBER} [+{MINUS}] )+{NUMBER} {TIMES} {NUMBER}) = "
                      rf"({NUMBER})")
# the length of an analogy's sum from the words' cosines with each other
ROOT = re.compile(rf"√\(({NUMBER}(?: [+-] {NUMBER} {TIMES} {NUMBER})+)\) = ({NUMBER})")
# a patching cell turned back into the gap it leaves: corrupt + share x span
GAP = re.compile(rf"gap of ({NUMBER}) \+ ({NUMBER}) {TIMES} ({NUMBER}) = ({NUMBER})")
# the map's two variance shares and the share flattened away
FLATTENED = re.compile(rf"PC1 holds ({NUMBER})% of it, PC2 ({NUMBER})%; the other ({NUMBER})%")
GAINS = re.compile(rf"(?:resembling|being unlike) (\S+) \(({NUMBER})\)")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _as_printed(value: float, like: str) -> str:
    """``value`` with as many decimals as ``like`` has, signed if ``like`` is."""
    sign = "+" if like[0] in "+-" else ""
    return f"{value:{sign}.{_decimals(like)}f}"


def check_arithmetic(text: str) -> int:
    """Redo every printed computation in ``text``; how many were checked (each one must hold)."""
    checked = 0
    shares: list[str] = []
    shown: dict[str, str] = {}
    for line in text.splitlines():
        if match := SHARE.match(line):
            sign, word, cosine, how, signed, weight, size, length, share = match.groups()
            # the sign step: a subtracted word's cosine changes sign, an added one's keeps it
            assert (sign == "-") == (how == "subtracted"), line
            assert size == cosine.lstrip("+-"), line
            flips = (how == "subtracted") != cosine.startswith("-")
            assert signed == ("-" if flips else "+"), line
            value = float(weight or 1) * float(size) * (-1 if signed == "-" else 1)
            assert _as_printed(value / float(length), share) == share, line
            shares.append(share)
            shown[word] = share
            checked += 1
        elif shares and (match := TOTAL.match(line)):
            total = match.group(1)
            assert _as_printed(sum(float(s) for s in shares), total) == total, line
            shares = []
            checked += 1
        else:
            assert not shares, f"decomposition lines without a total before: {line}"
    flat = " ".join(text.split())
    for percent, right, asked in RIGHT.findall(flat):
        assert f"{int(right) / int(asked):.1%}" == f"{percent}%", (percent, right, asked)
        checked += 1
    for terms, result in PRODUCTS.findall(flat):
        products = re.findall(rf"([+{MINUS}]?) ?({NUMBER}) {TIMES} ({NUMBER})", terms)
        value = sum((-1 if sign == MINUS else 1) * float(a) * float(b) for sign, a, b in products)
        assert _as_printed(value, result) == result, (terms, result)
        checked += 1
    for terms, result in ROOT.findall(flat):
        first, *rest = re.findall(rf"([+-]?) ?({NUMBER})(?: {TIMES} ({NUMBER}))?", terms)
        value = float(first[1]) + sum((-1 if sign == "-" else 1) * float(a) * float(b)
                                      for sign, a, b in rest)
        assert _as_printed(value ** 0.5, result) == result, (terms, result)
        checked += 1
    for start, share, span, result in GAP.findall(flat):
        assert _as_printed(float(start) + float(share) * float(span), result) == result
        checked += 1
    for first, second, rest in FLATTENED.findall(flat):
        assert f"{100 - float(first) - float(second):.1f}" == rest, (first, second, rest)
        checked += 1
    for word, share in GAINS.findall(flat):
        if word in shown:
            assert _as_printed(float(shown[word]), share) == share, (word, share, shown[word])
            checked += 1
    return checked


def _run(runner, cache: Path, argv: list[str]) -> str:
    with cache_at(cache):
        result = runner.invoke(app, argv, env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_checker_catches_a_sum_off_by_one_digit():
    good = ("  + king         cosine +0.7540, added:      +0.7540 / 0.9944 = +0.7582\n"
            "  - man          cosine +0.3345, subtracted: -0.3345 / 0.9944 = -0.3364\n"
            "  = 0.4218\n")
    assert check_arithmetic(good) == 3
    with pytest.raises(AssertionError):
        check_arithmetic(good.replace("-0.3364", "-0.3363"))
    with pytest.raises(AssertionError):  # the sign step skipped
        check_arithmetic(good.replace("subtracted: -0.3345", "subtracted: +0.3345"))
    with pytest.raises(AssertionError):  # another cosine than the one printed
        check_arithmetic(good.replace("subtracted: -0.3345", "subtracted: -0.3346"))
    flipped = ("  - queen        cosine -0.0664, subtracted: +0.0664 / 1.2100 = +0.0549\n"
               "  = 0.0549\n")  # a negative cosine, subtracted, adds
    assert check_arithmetic(flipped) == 2
    with pytest.raises(AssertionError):
        check_arithmetic(flipped.replace("+0.0664", "-0.0664").replace("+0.0549", "-0.0549"))
    with pytest.raises(AssertionError):
        check_arithmetic(good.replace("= 0.4218", "= 0.4219"))
    with pytest.raises(AssertionError):
        check_arithmetic("  45.3% right  (141/312)")
    with pytest.raises(AssertionError):
        check_arithmetic(f"0.6 {TIMES} 0.8 + 0.8 {TIMES} 0.6 = 0.97")
    root = f"√(3 - 2 {TIMES} 0.5309 + 2 {TIMES} 0.4113 - 2 {TIMES} 0.8860) = 0.9944"
    assert check_arithmetic(root) == 1
    with pytest.raises(AssertionError):
        check_arithmetic(root.replace("0.9944", "0.9945"))
    with pytest.raises(AssertionError):
        check_arithmetic(f"a gap of -8.70 + 0.79 {TIMES} 11.56 = +0.44")
    with pytest.raises(AssertionError):
        check_arithmetic("PC1 holds 25.7% of it, PC2 20.4%; the other 54.0%")


@pytest.mark.parametrize("argv", [
    ["explain", "--all"],
    ["explain", "king"],
    ["explain", "king", "-", "man", "+", "woman", "--expect", "queen"],
    ["explain", "2*king", "-", "man"],
    ["explain", "paris", "-", "france", "+", "japan"],
    ["explain", "king", "-", "queen", "+", "banana"],  # negative cosines, one subtracted
])
def test_printed_arithmetic_checks_out_without_the_encoder(runner, default_cache, argv):
    text = _run(runner, default_cache, argv)
    checked = check_arithmetic(text)
    assert checked >= (10 if argv == ["explain", "--all"] else 0), text
    if "cosine" in text and " / " in text:
        assert checked >= 4
    if "banana" in argv:  # the sign step at work: a negative cosine, subtracted, adds
        assert re.search(r"cosine -\S+, subtracted: \+", text), text


@pytest.mark.parametrize("argv", [
    ["explain", "--all"],
    ["context", "bank", "the river bank", "a loan from the bank"],
])
def test_printed_arithmetic_checks_out_with_the_encoder(runner, minilm_cache, argv):
    text = _run(runner, minilm_cache, argv)
    check_arithmetic(text)
    if argv[0] == "explain":
        assert "Words in context" in text and "one vector for 'bank'" in text  # computed
        assert "(skipped: it would show 'bank'" not in text
