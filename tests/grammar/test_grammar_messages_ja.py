"""Issue 14: each grammar error has en and ja wording, filled with the facts of its raise site."""

from __future__ import annotations

import re

import pytest

from eprep.grammar import GrammarError, parse
from eprep.grammar.equation import parse_equation
from eprep.grammar.messages import MESSAGES

# (input, how to read it, the key its error must carry); one bad input per converted raise site.
CORPUS = [
    ("1+", "expr", "unexpected"),
    ("(x", "expr", "unexpected"),
    ("sin(x", "expr", "unexpected"),
    ("x)", "expr", "unexpected"),
    ("x$", "expr", "tex_dollar"),
    ("x#", "expr", "char_not_allowed"),
    ("x . y", "expr", "stray_char"),
    ("x" * 5000, "expr", "too_long_input"),
    ("", "expr", "empty"),
    ("(" * 60 + "x" + ")" * 60, "expr", "too_deep"),
    ("+".join(["x"] * 200), "expr", "too_many_parts"),
    ("1" * 100, "expr", "too_many_digits"),
    ("1e20", "expr", "number_too_large"),
    ("lambda_ + class", "expr", "reserved_word"),
    ("__a", "expr", "dunder_name"),
    ("a" * 80, "expr", "name_too_long"),
    ("sin x", "expr", "needs_parentheses"),
    ("a = b = c", "eq", "eq_two_equals"),
    ("= b", "eq", "eq_no_left"),
    ("a =", "eq", "eq_no_right"),
    ("a + b", "eq", "eq_no_equals"),
    ("a = (b", "eq", "unexpected"),
    ("x^100000", "expr", "exponent_too_large"),
    ("2^1000", "expr", "constant_power_too_large"),
    ("sec(x)", "expr", "unknown_function_alias"),
    ("g(x)", "expr", "unknown_function_declare"),
    ("foo(x)", "expr", "unknown_function"),
    ("y", "vars:x", "unknown_name"),
    ("y", "vars:", "unknown_name_none"),
    ("max(x)", "expr", "arity_at_least"),
    ("sin(x, y)", "expr", "arity_exact"),
    ("log(x, 2, 3)", "expr", "arity_range"),
    ("diff(x, 2)", "expr", "diff_variable"),
    ("diff(x, x, 7)", "expr", "diff_order"),
    ("diff(diff(x, x, 4), x, 4)", "expr", "diff_total_order"),
    (r"\frac{1}", "expr", "tex_argument_missing"),
    ("f'", "f", "tex_prime_ambiguous"),
    ("sin'(2x)", "expr", "tex_prime_argument"),
    ("d/dx", "expr", "tex_dd_of_what"),
    ("d/dx*x", "expr", "tex_dd_product"),
    ("d/dx x*y", "expr", "tex_dd_ambiguous"),
    (r"\sin^{-1}(x)", "expr", "tex_function_power"),
    (r"x^{2}^{3}", "expr", "tex_double_superscript"),
    (r"x_{1}_{2}", "expr", "tex_double_subscript"),
    (r"\frac{1}{2}_1", "expr", "tex_subscript_no_name"),
    (r"\frac{1}{2}#", "expr", "tex_char_not_allowed"),
    (r"x_{a+b}", "expr", "tex_subscript_chars"),
    (r"\log_2 x", "expr", "tex_log_base"),
    (r"\ alpha", "expr", "tex_space_command"),
    ("x\\", "expr", "tex_ends_backslash"),
    (r"x \\ y", "expr", "tex_line_break"),
    (r"\%", "expr", "tex_symbol_not_allowed"),
    (r"\begin{matrix}x\end{matrix}", "expr", "tex_environment"),
    (r"\foo", "expr", "tex_command"),
    (r"\sqrt[3 x", "expr", "tex_sqrt_bracket"),
    (r"\hat{1}", "expr", "tex_accent_name"),
    (r"\left", "expr", "tex_delimiter_missing"),
    (r"\left#", "expr", "tex_delimiter"),
    ("f''''' (x)", "expr", "tex_prime_order"),
    ("√+", "expr", "tex_root_operand"),
    ("∂x", "expr", "tex_partial"),
    ("|x", "expr", "tex_bar_open"),
    (r"\frac{1}{2", "expr", "tex_brace_open"),
    (r"x}", "expr", "tex_unmatched_brace"),
    (r"$x", "expr", "tex_never_closed"),
    ("x", "sin", "name_taken"),
    ("x", "_f", "bad_function_name"),
]


def _error(text: str, how: str) -> GrammarError:
    with pytest.raises(GrammarError) as caught:
        if how == "eq":
            parse_equation(text)
        elif how == "expr":
            parse(text)
        elif how.startswith("vars:"):
            parse(text, variables=[v for v in how[5:].split(",") if v])
        else:  # `how` is a function to declare
            parse(text, functions=[how])
    return caught.value


@pytest.mark.parametrize(("text", "how", "key"), CORPUS, ids=[c[0][:20] for c in CORPUS])
def test_each_raise_site_is_keyed_and_bilingual(text: str, how: str, key: str) -> None:
    error = _error(text, how)
    assert error.key == key, str(error)
    en, ja = error.reason("en"), error.reason("ja")
    assert en == error.message and error.text("en") == str(error) == f"col {error.position}: {en}"
    assert ja != en and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja), ja
    assert not re.search(r"です|ます|ください", ja), ja
    # No English words outside quoted parts and the facts the site gave.
    # Formula syntax stays as typed: calls such as diff(expr, var), options, TOML lines.
    unquoted = re.sub(
        r"'[^']*'|\"[^\"]*\"|\w+\((?:[^()]|\([^()]*\))*\)|--\w+|\w+ = \[[^\]]*\]", "", ja
    )
    for fact in error.facts.values():
        unquoted = unquoted.replace(str(fact), "")
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\\[A-Za-z]+|LaTeX", "", unquoted)), ja
    assert error.text("ja").startswith(f"{error.position} 文字目: ")


def test_every_key_has_both_templates_and_the_corpus_reaches_it() -> None:
    reached = {key for _, _, key in CORPUS}
    for key, (en, ja) in MESSAGES.items():
        assert en and ja, key
    # Guards inside the derivative reader that the outer reader's checks reach first.
    assert set(MESSAGES) - reached <= {"tex_paren_open", "tex_formula_missing"}


def test_position_is_moved_with_key_kept() -> None:
    error = _error("a = (b", "eq")
    assert error.position == len("a = (b") + 1
    assert "')'" in error.reason("ja")


def test_unkeyed_errors_stay_english() -> None:
    error = GrammarError("something odd", 3)
    assert error.text("ja").endswith("something odd") and str(error) == "col 3: something odd"
