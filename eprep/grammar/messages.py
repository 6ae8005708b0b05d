"""The en and ja wording of every grammar error, one table: key -> (en, ja) templates."""

from __future__ import annotations

# Facts are filled in with str.format; `{what}` of "unexpected" is itself a key of WHAT.
MESSAGES: dict[str, tuple[str, str]] = {
    "too_long_input": (
        "input is {length} characters long; at most {limit}",
        "入力が {length} 文字ある。{limit} 文字以内で書け。",
    ),
    "char_not_allowed": ("character {char!r} is not allowed", "文字 {char!r} は使えない。"),
    "stray_char": ("unexpected {char!r}", "予期しない {char!r} がある。"),
    "unexpected": ("unexpected {shown} — {expected}", "{shown_ja}{expected_ja}"),
    "bad_function_name": (
        "cannot declare a function named {name!r}",
        "{name!r} という名前の関数は宣言できない。",
    ),
    "name_taken": (
        "{name!r} is already a name of the grammar",
        "{name!r} はすでに文法の名前である。",
    ),
    "too_deep": ("nested more than {limit} levels deep", "入れ子が {limit} 段を超えている。"),
    "too_many_parts": (
        "formula is too long (more than {limit} parts)",
        "式が長すぎる({limit} 個を超える部分がある)。",
    ),
    "empty": ("empty formula", "式がない。"),
    "too_many_digits": (
        "number has more than {limit} digits",
        "数が {limit} 桁を超えている。",
    ),
    "number_too_large": (
        "number {number} is too large (at most 1e15)",
        "数 {number} が大きすぎる(1e15 以下で書け)。",
    ),
    "reserved_word": (
        "{name!r} is a reserved word, not a name",
        "{name!r} は予約語であり、名前ではない。",
    ),
    "dunder_name": (
        "names may not start with '__': {name!r}",
        "名前は '__' で始められない: {name!r}",
    ),
    "name_too_long": (
        "name is longer than {limit} characters",
        "名前が {limit} 文字を超えている。",
    ),
    "needs_parentheses": (
        "function {name!r} needs parentheses: {name}(...)",
        "関数 {name!r} には括弧がない: {name}(...) と書け。",
    ),
    "exponent_too_large": (
        "exponent {value} is too large (at most {limit} in magnitude, "
        "or a whole number up to {whole_limit})",
        "指数 {value} が大きすぎる(絶対値 {limit} 以下、整数なら {whole_limit} 以下で書け)。",
    ),
    "constant_power_too_large": (
        "constant power{shown} is too large (at most {limit})",
        "定数のべき{shown} が大きすぎる({limit} 以下で書け)。",
    ),
    "unknown_function_alias": (
        "unknown function {name!r} — write {write}",
        "未知の関数 {name!r} がある。{write} と書け。",
    ),
    "unknown_function_declare": (
        "unknown function {name!r} — declare it (--function {name}; "
        "functions = [{name!r}] in a question)",
        "未知の関数 {name!r} がある。宣言せよ(--function {name}、問題では "
        "functions = [{name!r}])。",
    ),
    "unknown_function": (
        "unknown function {name!r} — write {name}*(...) for a product; the functions are {known}",
        "未知の関数 {name!r} がある。積なら {name}*(...) と書け。関数は {known} である。",
    ),
    "unknown_name": (
        "unknown name {name!r} (the variables are: {known})",
        "未知の名前 {name!r} がある(変数は {known} である)。",
    ),
    "unknown_name_none": (
        "unknown name {name!r} (the variables are: none)",
        "未知の名前 {name!r} がある(変数はない)。",
    ),
    "arity_at_least": (
        "{name}() takes at least {low} arguments, got {got}",
        "{name}() の引数は {low} 個以上である({got} 個ある)。",
    ),
    "arity_exact": (
        "{name}() takes {low} argument{plural}, got {got}",
        "{name}() の引数は {low} 個である({got} 個ある)。",
    ),
    "arity_range": (
        "{name}() takes {low} or {high} arguments, got {got}",
        "{name}() の引数は {low} 個か {high} 個である({got} 個ある)。",
    ),
    "diff_variable": (
        "diff(expr, var): var must be a variable name",
        "diff(expr, var) の 2 番目の引数は変数名でなければならない。",
    ),
    "diff_order": (
        "diff(expr, var, n): n must be a whole number from 1 to 4",
        "diff(expr, var, n) の 3 番目の引数は 1 から 4 までの整数でなければならない。",
    ),
    "diff_total_order": (
        "derivatives of total order above {limit} are not allowed",
        "合計 {limit} 階を超える導関数は使えない。",
    ),
    "eq_no_equals": (
        "an equation needs '=' between its two sides",
        "等式の両辺の間に '=' がない。",
    ),
    "eq_two_equals": (
        "an equation has one '=' (write one relation per answer)",
        "等式の '=' は一つである(一つの解答に関係式を一つ書け)。",
    ),
    "eq_no_left": (
        "nothing before '=' — an equation needs a left side",
        "'=' の前に何もない。等式の左辺がない。",
    ),
    "eq_no_right": (
        "nothing after '=' — an equation needs a right side",
        "'=' の後に何もない。等式の右辺がない。",
    ),
    "tex_char_not_allowed": (
        "character {char!r} is not allowed in a formula",
        "文字 {char!r} は式に使えない。",
    ),
    "tex_double_superscript": (
        "double superscript: use braces",
        "上付きが二重になっている。波括弧でまとめよ。",
    ),
    "tex_double_subscript": (
        "double subscript: use braces",
        "下付きが二重になっている。波括弧でまとめよ。",
    ),
    "tex_subscript_chars": (
        "subscript {shown!r} is not letters and digits",
        "下付き {shown!r} が英字と数字だけでない。",
    ),
    "tex_subscript_no_name": (
        "a subscript needs a name before it",
        "下付きの前に名前がない。",
    ),
    "tex_log_base": (
        "a logarithm to a base is written log(x, base)",
        "底のある対数は log(x, base) と書け。",
    ),
    "tex_space_command": (
        "'\\ {word}': did you mean '\\{word}'?",
        "'\\ {word}' は '\\{word}' の誤りではないか。",
    ),
    "tex_ends_backslash": ("a formula cannot end with '\\'", "式を '\\' で終えることはできない。"),
    "tex_line_break": (
        "line break '\\\\' is not allowed in a formula",
        "改行 '\\\\' は式に使えない。",
    ),
    "tex_symbol_not_allowed": (
        "'\\{name}' is not allowed in a formula",
        "'\\{name}' は式に使えない。",
    ),
    "tex_environment": (
        "LaTeX environment '{shown}' is not supported",
        "LaTeX の環境 '{shown}' には対応していない。",
    ),
    "tex_command": (
        "LaTeX command '\\{name}' is not supported",
        "LaTeX のコマンド '\\{name}' には対応していない。",
    ),
    "tex_sqrt_bracket": ("'[' of \\sqrt is never closed", "\\sqrt の '[' を閉じていない。"),
    "tex_accent_name": (
        "\\{suffix} needs a name, not {name!r}",
        "\\{suffix} には名前を書け({name!r} ではない)。",
    ),
    "tex_delimiter_missing": (
        "'\\{size}' needs a delimiter after it",
        "'\\{size}' の後に区切り記号がない。",
    ),
    "tex_delimiter": (
        "'\\{size}' needs a delimiter such as ( ) [ ] | after it",
        "'\\{size}' の後に ( ) [ ] | などの区切り記号がない。",
    ),
    "tex_prime_order": (
        "derivatives of order above 4 are not allowed",
        "4 階を超える導関数は使えない。",
    ),
    "tex_root_operand": (
        "√ needs a number, a name or '(' after it",
        "√ の後に数、名前または '(' がない。",
    ),
    "tex_partial": (
        "∂ is read only in ∂f/∂x or ∂/∂x f(x)",
        "∂ は ∂f/∂x か ∂/∂x f(x) の形でだけ読む。",
    ),
    "tex_prime_ambiguous": (
        "{name}' is ambiguous: did you mean diff({shown}(x), x)?",
        "{name}' は曖昧である。diff({shown}(x), x) の意味ではないか。",
    ),
    "tex_prime_argument": (
        "{name}'({var}) is ambiguous: write the derivative with diff, e.g. "
        "diff({shown}(u), u) and then put u = {var}",
        "{name}'({var}) は曖昧である。導関数は diff(…) で書け。例えば diff({shown}(u), u) と書き、"
        "u = {var} とおけ。",
    ),
    "tex_dd_product": (
        "{d}/{d}{var}*… is ambiguous: did you mean diff({what}, {var}{extra})?",
        "{d}/{d}{var}*… は曖昧である。diff({what}, {var}{extra}) の意味ではないか。",
    ),
    "tex_dd_of_what": (
        "{d}/{d}{var} of what? write diff(…, {var}{extra})",
        "{d}/{d}{var} の対象がない。diff(…, {var}{extra}) と書け。",
    ),
    "tex_dd_ambiguous": (
        "{d}/{d}{var} {rest} is ambiguous: did you mean diff({operand}, {var}{extra}) "
        "or diff({rest}, {var}{extra})?",
        "{d}/{d}{var} {rest} は曖昧である。diff({operand}, {var}{extra}) か "
        "diff({rest}, {var}{extra}) の意味ではないか。",
    ),
    "tex_function_power": (
        "{name}^{exponent}(…) is ambiguous: write {name}(x)^({exponent}) for a power "
        "or the inverse function by name",
        "{name}^{exponent}(…) は曖昧である。べきなら {name}(x)^({exponent}) と書き、"
        "逆関数なら関数名で書け。",
    ),
    "tex_unmatched_brace": ("unmatched '}}'", "対応する '{{' のない '}}' がある。"),
    "tex_brace_open": ("'{{' is never closed", "'{{' を閉じていない。"),
    "tex_dollar": (
        "'$' only goes around the whole formula",
        "'$' は式全体を囲むときにだけ使う。",
    ),
    "tex_argument_missing": ("a command's argument is missing", "コマンドの引数がない。"),
    "tex_paren_open": ("'(' is never closed", "'(' を閉じていない。"),
    "tex_formula_missing": ("a formula is missing here", "ここに式がない。"),
    "tex_bar_open": ("'|' is never closed", "'|' を閉じていない。"),
    "tex_never_closed": (
        "'{left}' is never closed (by '{right}')",
        "'{left}' を '{right}' で閉じていない。",
    ),
}

# The parts of "unexpected …": what was found and what was expected.
FOUND_END = ("end of input", "式が途中で終わっている。")
EXPECTED: dict[str, tuple[str, str]] = {
    "close": ("expected ')'", "')' がない。"),
    "comma_or_close": ("expected ',' or ')'", "',' か ')' がない。"),
    "operand": ("expected a number, a name or '('", "数、名前または '(' がない。"),
    "operator_or_end": (
        "expected an operator or the end of the formula",
        "演算子か式の終わりがない。",
    ),
    "argument": ("expected an argument", "引数がない。"),
    "condition_operator": (
        "expected an operator, 'and', 'or' or the end",
        "演算子、'and'、'or' か式の終わりがない。",
    ),
}


def render(key: str, lang: str, facts: dict[str, object]) -> str:
    """The message `key` in `lang` ("ja", otherwise English) with `facts` filled in."""
    en, ja = MESSAGES[key]
    return (ja if lang == "ja" else en).format(**facts)


def unexpected_facts(found: str | None, expected: str) -> dict[str, object]:
    """Facts of the "unexpected" message: `found` is the token's text, None at the end."""
    en_want, ja_want = EXPECTED[expected]
    return {
        "shown": FOUND_END[0] if found is None else repr(found),
        "shown_ja": FOUND_END[1] if found is None else f"予期しない {found!r} がある。",
        "expected": en_want,
        "expected_ja": ja_want,
    }
