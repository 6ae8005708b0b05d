"""LaTeX and common notations as answer text, read into the plain grammar's tokens.

Two passes over the text, each keeping the original column of every character it writes:

1. LaTeX (only when the text has a `\\`, `{`, `}` or `$`): `\\frac{a}{b}` → `((a)/(b))`,
   `\\sqrt[n]{a}`, `^{…}`, `_{…}` (joined to the name before it: `x_{i}` → `x_i`), accents
   (`\\hat{m}` → `m_hat`), Greek letters, operator names, delimiters, spacing, `$…$`.
2. Plain notations (always): `√x`, `σ'(x)`, `d/dx f(x)`, `∂f/∂x`, `tanh^2(x)` → `tanh(x)^2`,
   `|x|`.

The result goes through the grammar's own tokenizer; nothing is evaluated here. A command or
notation this reader does not know, or one that stays ambiguous, is a GrammarError at its column
(with the plain form to write instead where there is one). The rules are in GRAMMAR.md, "LaTeX";
`eprep/site/static/tex_reader.js` implements the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from eprep.grammar.errors import GrammarError
from eprep.grammar.lexer import MAX_LENGTH, Token, tokenize
from eprep.grammar.messages import unexpected_facts

MAX_GROUP_DEPTH = 40

_LETTERS = re.findall(
    r"\w+",
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega",
)
GREEK: dict[str, str] = {
    **{letter: letter for letter in _LETTERS},
    "varepsilon": "epsilon",
    "vartheta": "theta",
    "varphi": "phi",
    "varrho": "rho",
    "varsigma": "sigma",
    "varpi": "pi",
}
# LaTeX operator names -> grammar function names
OPERATORS = {
    "exp": "exp", "log": "log", "ln": "ln", "sin": "sin", "cos": "cos", "tan": "tan",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "max": "max", "min": "min",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sgn": "sign",
}  # fmt: skip
_NAME_COMMANDS = {"mathrm", "operatorname", "text", "textrm", "mathit", "textit", "mathsf",
                  "mbox", "mathbf", "boldsymbol", "bm", "textbf", "vec", "mathnormal",
                  "mathcal"}  # fmt: skip
_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
            "widetilde": "tilde"}  # fmt: skip
_ACCENT_SUFFIXES = tuple(f"_{suffix}" for suffix in set(_ACCENTS.values()))
_SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
          "biggl", "biggr", "Biggl", "Biggr", "middle"}  # fmt: skip
_IGNORED = {"displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "quad", "qquad",
            "enspace", "thinspace", "medspace", "thickspace", "negthinspace", "space"}  # fmt: skip
_SYMBOLS = {"cdot": "*", "times": "*", "ast": "*", "odot": "*", "div": "/", "partial": "∂",
            "prime": "'", "lbrace": "(", "rbrace": ")", "lvert": "|", "rvert": "|", "vert": "|",
            "lfloor": "floor(", "rfloor": ")", "lceil": "ceil(", "rceil": ")"}  # fmt: skip
KNOWN_COMMANDS = frozenset(
    {*GREEK, *OPERATORS, *_NAME_COMMANDS, *_ACCENTS, *_SIZES, *_IGNORED, *_SYMBOLS}
    | {"frac", "dfrac", "tfrac", "cfrac", "sqrt"}
)
_SPACE_ESCAPES = {",", ";", ":", "!", " ", ">"}
_FUNCTION_LETTERS = frozenset("fgh")  # f(x) is function notation, in LaTeX as in plain text
_COMMAND = re.compile(r"\\([A-Za-z]+|.?)")
_NAME = re.compile(r"[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*")
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def is_latex(text: str) -> bool:
    """Whether `text` is read as LaTeX (it has a backslash, a brace or a dollar sign)."""
    return any(char in text for char in "\\{}$")


class _Out:
    """Text being written, with the 1-based original column of each character."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.cols: list[int] = []

    def add(self, text: str, col: int) -> None:
        for char in text:
            self.chars.append(char)
            self.cols.append(col)

    def extend(self, other: _Out) -> None:
        self.chars.extend(other.chars)
        self.cols.extend(other.cols)

    def text(self) -> str:
        return "".join(self.chars)

    def rstrip(self) -> None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.cols.pop()


# --- pass 1: LaTeX ------------------------------------------------------------------------------


class _Latex:
    def __init__(self, text: str, start: int, end: int) -> None:
        self.s = text
        self.i = start
        self.end = end
        self.out = _Out()
        self.depth = 0

    def keyed(self, key: str, index: int, **facts: object) -> GrammarError:
        return GrammarError.keyed(key, index + 1, **facts)

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.end else ""

    def skip_spaces(self) -> None:
        while self.i < self.end and self.s[self.i] == " ":
            self.i += 1

    def run(self, stop: str = "") -> None:
        while self.i < self.end:
            char = self.s[self.i]
            if stop and char == stop:
                return
            start = self.i
            if char == "\\":
                self.command()
            elif char == "{":
                self.out.add("(", start + 1)
                self.group_body(start)
                self.out.add(")", self.i)
            elif char == "}":
                raise self.keyed("tex_unmatched_brace", start)
            elif char in "^_":
                self.i += 1
                self.script(char, start)
            elif char == "[":
                self.out.add("(", start + 1)
                self.i += 1
            elif char == "]":
                self.out.add(")", start + 1)
                self.i += 1
            elif char == "$":
                raise self.keyed("tex_dollar", start)
            elif char in "&%#~":
                raise self.keyed("tex_char_not_allowed", start, char=char)
            else:
                self.out.add(char, start + 1)
                self.i += 1

    def group_body(self, open_index: int) -> None:
        """Write the inside of the `{…}` group opening at `open_index` (which is `self.i`)."""
        self.depth += 1
        if self.depth > MAX_GROUP_DEPTH:
            raise self.keyed("too_deep", open_index, limit=MAX_GROUP_DEPTH)
        self.i = open_index + 1
        self.run("}")
        if self.peek() != "}":
            raise self.keyed("tex_brace_open", open_index)
        self.i += 1
        self.depth -= 1

    def capture(self, fn) -> _Out:
        saved = self.out
        self.out = _Out()
        try:
            fn()
            return self.out
        finally:
            self.out = saved

    def argument(self) -> _Out:
        """A command's argument: a `{…}` group, a command or one character."""
        self.skip_spaces()
        start = self.i
        if start >= self.end:
            raise self.keyed("tex_argument_missing", start)
        char = self.s[start]
        if char == "{":
            return self.capture(lambda: self.group_body(start))
        if char == "\\":
            return self.capture(self.command)
        if char in "}^_":
            raise self.keyed("unexpected", start, **unexpected_facts(char, "argument"))
        self.i += 1
        out = _Out()
        out.add(char, start + 1)
        return out

    def script(self, mark: str, start: int) -> None:
        self.skip_spaces()
        if self.s.startswith("\\prime", self.i) and mark == "^":
            self.i += len("\\prime")
            self.out.add("'", start + 1)
            return
        arg = self.argument()
        after = self.i
        self.skip_spaces()
        if self.peek() == mark:  # x^a^b is an error in LaTeX too
            key = "tex_double_superscript" if mark == "^" else "tex_double_subscript"
            raise self.keyed(key, self.i)
        self.i = after
        if mark == "^":
            if arg.text().strip() == "'":
                self.out.extend(arg)
                return
            self.out.add("^(", start + 1)
            self.out.extend(arg)
            self.out.add(")", self.i)
            return
        self.subscript(arg, start)

    def subscript(self, arg: _Out, start: int) -> None:
        sub = arg.text().replace(" ", "")
        if not re.fullmatch(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*", sub):
            shown = sub or "{}"
            raise self.keyed("tex_subscript_chars", start, shown=shown)
        self.out.rstrip()
        text = self.out.text()
        name = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", text)
        if not name:
            raise self.keyed("tex_subscript_no_name", start)
        if name.group() in ("log", "ln"):
            raise self.keyed("tex_log_base", start)
        at = len(text)
        for suffix in _ACCENT_SUFFIXES:  # \hat{x}_i is x_i_hat: the accent stays last
            if text.endswith(suffix):
                at -= len(suffix)
        col = start + 1
        piece = _Out()
        piece.add("_" + sub, col)
        self.out.chars[at:at] = piece.chars
        self.out.cols[at:at] = piece.cols
        self.out.add(" ", col)

    def command(self) -> None:
        start = self.i
        match = _COMMAND.match(self.s, start, self.end)
        assert match is not None
        name = match.group(1)
        self.i = match.end()
        col = start + 1
        if name in _SPACE_ESCAPES:
            follows = _PLAIN_NAME.match(self.s, self.i, self.end)
            if name == " " and follows and follows.group() in KNOWN_COMMANDS:
                word = follows.group()
                raise self.keyed("tex_space_command", start, word=word)
            self.out.add(" ", col)
        elif name in ("{", "}"):
            self.out.add("(" if name == "{" else ")", col)
        elif name == "":
            raise self.keyed("tex_ends_backslash", start)
        elif not name.isalpha():
            if name == "\\":
                raise self.keyed("tex_line_break", start)
            raise self.keyed("tex_symbol_not_allowed", start, name=name)
        elif name in GREEK:
            self.out.add(f" {GREEK[name]} ", col)
        elif name in OPERATORS:
            self.out.add(f" {OPERATORS[name]} ", col)
        elif name in ("frac", "dfrac", "tfrac", "cfrac"):
            self.fraction(col)
        elif name == "sqrt":
            self.root(col)
        elif name in _NAME_COMMANDS:
            self.named(col)
        elif name in _ACCENTS:
            self.accent(_ACCENTS[name], start)
        elif name in _SIZES:
            self.delimiter(name, start)
        elif name in _IGNORED:
            self.out.add(" ", col)
        elif name in _SYMBOLS:
            self.out.add(_SYMBOLS[name], col)
        elif name == "begin":
            env = re.compile(r"\s*\{([^{}]*)\}").match(self.s, self.i, self.end)
            shown = env.group(1) if env else "?"
            raise self.keyed("tex_environment", start, shown=shown)
        else:
            raise self.keyed("tex_command", start, name=name)

    def fraction(self, col: int) -> None:
        num = self.argument()
        den = self.argument()
        derivative = _derivative_fraction(num.text(), den.text())
        if derivative is not None:
            self.out.add(derivative, col)
            return
        self.out.add("((", col)
        self.out.extend(num)
        self.out.add(")/(", col)
        self.out.extend(den)
        self.out.add("))", col)

    def root(self, col: int) -> None:
        self.skip_spaces()
        index = None
        if self.peek() == "[":
            open_index = self.i
            self.i += 1
            index = self.capture(lambda: self.run("]"))
            if self.peek() != "]":
                raise self.keyed("tex_sqrt_bracket", open_index)
            self.i += 1
        body = self.argument()
        if index is None:
            self.out.add("sqrt(", col)
            self.out.extend(body)
            self.out.add(")", col)
            return
        self.out.add("((", col)
        self.out.extend(body)
        self.out.add(")^(1/(", col)
        self.out.extend(index)
        self.out.add(")))", col)

    def named(self, col: int) -> None:
        r"""`\mathrm{softplus}` and the like: the name inside (an operator's grammar name)."""
        arg = self.argument()
        inner = arg.text().replace(" ", "")
        if _PLAIN_NAME.fullmatch(inner):
            self.out.add(f" {OPERATORS.get(inner, inner)} ", col)
            return
        self.out.add(" ", col)
        self.out.extend(arg)
        self.out.add(" ", col)

    def accent(self, suffix: str, start: int) -> None:
        arg = self.argument()
        name = arg.text().strip()
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise self.keyed("tex_accent_name", start, suffix=suffix, name=name)
        self.out.add(f" {name}_{suffix} ", start + 1)

    def delimiter(self, size: str, start: int) -> None:
        self.skip_spaces()
        col = start + 1
        if self.i >= self.end:
            raise self.keyed("tex_delimiter_missing", start, size=size)
        char = self.s[self.i]
        if char in "()[].|":
            self.i += 1
            if char == ".":
                return
            self.out.add({"[": "(", "]": ")"}.get(char, char), col)
            return
        word = re.compile(r"\\([A-Za-z]+|[{}|])").match(self.s, self.i, self.end)
        if word and word.group(1) in ("{", "}", "lbrace", "rbrace", "lvert", "rvert", "vert",
                                      "|", "lfloor", "rfloor", "lceil", "rceil"):  # fmt: skip
            self.i = word.end()
            symbol = {"{": "(", "}": ")", "|": "|"}.get(word.group(1)) or _SYMBOLS[word.group(1)]
            self.out.add(symbol, col)
            return
        raise self.keyed("tex_delimiter", start, size=size)


def _derivative_fraction(num: str, den: str) -> str | None:
    """`\\frac{d}{dx}` → `d/dx `, `\\frac{dy}{dx}` → `diff(y, x)`, likewise with ∂ and orders."""
    num, den = num.replace(" ", ""), den.replace(" ", "")
    top = re.fullmatch(r"(d|∂|\(d\)|\(∂\))(?:\^\((\d)\))?([A-Za-z][A-Za-z0-9_]*)?", num)
    bottom = re.fullmatch(r"(d|∂|\(d\)|\(∂\))([A-Za-z][A-Za-z0-9_]*)(?:\^\((\d)\))?", den)
    if not top or not bottom:
        return None
    order, var = top.group(2), bottom.group(2)
    if order != bottom.group(3):
        return None
    d = "∂" if "∂" in top.group(1) else "d"
    power = f"^{order}" if order else ""
    if top.group(3) is None:
        return f" {d}{power}/{d}{var}{power} "
    extra = f", {order}" if order else ""
    return f" diff({top.group(3)}, {var}{extra}) "


def _strip_delimiters(text: str) -> tuple[int, int]:
    """The span of `text` inside `$…$`, `$$…$$`, `\\(…\\)` or `\\[…\\]` (all of it if none)."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left, start):
            if end - start >= len(left) + len(right) and text.endswith(right, 0, end):
                return start + len(left), end - len(right)
            raise GrammarError.keyed("tex_never_closed", start + 1, left=left, right=right)
    return 0, len(text)


def blank_delimiters(text: str) -> str:
    """`text` with `$…$`, `$$…$$`, `\\(…\\)` or `\\[…\\]` around all of it turned into spaces
    (columns unchanged), for splitting an equation before each side is read."""
    if not is_latex(text):
        return text
    try:
        start, end = _strip_delimiters(text)
    except GrammarError:
        return text  # reading the sides reports the unclosed delimiter
    return " " * start + text[start:end] + " " * (len(text) - end)


# --- pass 2: plain notations --------------------------------------------------------------------


class _Notation:
    def __init__(
        self,
        chars: list[str],
        cols: list[int],
        functions: Collection[str],
        end_col: int,
        latex: bool = False,
    ) -> None:
        self.s = "".join(chars)
        self.cols = cols
        self.functions = functions
        self.end_col = end_col
        self.latex = latex

    def col(self, index: int) -> int:
        return self.cols[index] if index < len(self.cols) else self.end_col

    def keyed(self, key: str, index: int, **facts: object) -> GrammarError:
        return GrammarError.keyed(key, self.col(index), **facts)

    def copy(self, out: _Out, start: int, end: int) -> None:
        for k in range(start, end):
            out.chars.append(self.s[k])
            out.cols.append(self.cols[k])

    def skip(self, i: int) -> int:
        while i < len(self.s) and self.s[i] == " ":
            i += 1
        return i

    def matching(self, i: int) -> int:
        """Index just after the parenthesis closing the one at `i`."""
        depth = 0
        for k in range(i, len(self.s)):
            if self.s[k] == "(":
                depth += 1
            elif self.s[k] == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
        raise self.keyed("tex_paren_open", i)

    def atom_end(self, i: int) -> int:
        """End of the operand starting at `i`: (…), a name (with a call), a number; then ^atom."""
        i = self.skip(i)
        if i >= len(self.s):
            raise self.keyed("tex_formula_missing", i)
        char = self.s[i]
        if char == "(":
            end = self.matching(i)
        elif char == "√":
            return self.atom_end(i + 1)
        elif _NAME.match(self.s, i):
            end = _NAME.match(self.s, i).end()  # type: ignore[union-attr]
            after = self.skip(end)
            if after < len(self.s) and self.s[after] == "(":
                end = self.matching(after)
        elif char.isdigit() or char == ".":
            end = re.compile(r"[0-9.]+").match(self.s, i).end()  # type: ignore[union-attr]
        else:
            raise self.keyed("unexpected", i, **unexpected_facts(char, "operand"))
        after = self.skip(end)
        if after < len(self.s) and self.s[after] == "^":
            return self.atom_end(after + 1)
        return end

    def run(self, start: int, end: int) -> _Out:
        out = _Out()
        i = start
        bars: list[int] = []  # open |…| pairs
        while i < end:
            char = self.s[i]
            name = _NAME.match(self.s, i, end) if not char.isdigit() else None
            if name and (i == start or not re.match(r"[A-Za-z0-9_.]", self.s[i - 1])):
                i = self.name(out, name.group(), i, name.end(), end)
            elif char == "√":
                i = self.root(out, i, end)
            elif char == "∂":
                i = self.derivative(out, i, end)
            elif char == "|":
                opening = not bars or _expects_operand(out)
                if opening:
                    bars.append(i)
                    out.add("abs(", self.cols[i])
                else:
                    bars.pop()
                    out.add(")", self.cols[i])
                i += 1
            else:  # anything else (a stray quote too) is the tokenizer's to accept or reject
                out.add(char, self.cols[i])
                i += 1
        if bars:
            raise self.keyed("tex_bar_open", bars[-1])
        return out

    def name(self, out: _Out, name: str, i: int, after: int, end: int) -> int:
        j = self.skip(after)
        if name == "d" and j < end and self.s[j] in "/^":
            result = self.d_operator(out, i, j, end)
            if result is not None:
                return result
        if j < end and self.s[j] in "'′":
            return self.prime(out, name, i, j, end)
        if j < end and self.s[j] == "^" and name in self.functions:
            result = self.function_power(out, name, i, j, end)
            if result is not None:
                return result
        self.copy(out, i, after)
        if self.latex and j < end and self.s[j] == "(" and not self.callable(name):
            # In LaTeX a name before a parenthesis multiplies it: \eta_t \frac{m}{…},
            # \beta_1 (1 - \beta_1). Functions, σ and f, g, h keep call syntax.
            out.add("*", self.cols[j])
        return after

    def callable(self, name: str) -> bool:
        return name in self.functions or name in ("sigma", "σ") or name in _FUNCTION_LETTERS

    def prime(self, out: _Out, name: str, i: int, j: int, end: int) -> int:
        order = 0
        while j < end and self.s[j] in "'′":
            order += 1
            j += 1
        k = self.skip(j)
        shown = "sigmoid" if name in ("σ", "sigma") else name
        if order > 4:
            raise self.keyed("tex_prime_order", i)
        known = name in self.functions or name in ("σ", "sigma")
        if k >= end or self.s[k] != "(":
            if not known:  # a stray quote after a name: the tokenizer rejects it
                self.copy(out, i, j)
                return j
            raise self.keyed("tex_prime_ambiguous", i, name=name, shown=shown)
        close = self.matching(k)
        var = self.s[k + 1 : close - 1].strip()
        if not _NAME.fullmatch(var):
            raise self.keyed("tex_prime_argument", i, name=name, var=var, shown=shown)
        col = self.cols[i]
        extra = f", {order}" if order > 1 else ""
        out.add("diff(", col)
        self.copy(out, i, i + len(name))
        if known:
            self.copy(out, k, close)
        out.add(f", {var}{extra})", col)
        return close

    def d_operator(self, out: _Out, i: int, j: int, end: int) -> int | None:
        """`d/dx OPERAND` (or `d^2/dx^2 OPERAND`) → `diff(OPERAND, x[, 2])`; None if not one."""
        pattern = re.compile(r"d\s*(?:\^\s*\(?\s*(\d)\s*\)?\s*)?/\s*d([A-Za-z][A-Za-z0-9_]*)"
                             r"(?:\s*\^\s*\(?\s*(\d)\s*\)?)?")  # fmt: skip
        match = pattern.match(self.s, i, end)
        if not match or match.group(1) != match.group(3):
            return None
        return self.apply_derivative(out, i, match.end(), match.group(2), match.group(1), end, "d")

    def derivative(self, out: _Out, i: int, end: int) -> int:
        """`∂f/∂x` → `diff(f, x)`; `∂/∂x OPERAND` → `diff(OPERAND, x)`."""
        match = re.compile(r"∂\s*([A-Za-z][A-Za-z0-9_]*)?\s*/\s*∂\s*([A-Za-z][A-Za-z0-9_]*)")
        found = match.match(self.s, i, end)
        if not found:
            raise self.keyed("tex_partial", i)
        if found.group(1) is None:
            return self.apply_derivative(out, i, found.end(), found.group(2), None, end, "∂")
        out.add(f"diff({found.group(1)}, {found.group(2)})", self.cols[i])
        return found.end()

    def apply_derivative(
        self, out: _Out, i: int, j: int, var: str, order: str | None, end: int, d: str
    ) -> int:
        extra = f", {order}" if order else ""
        k = self.skip(j)
        if k < end and self.s[k] == "*":  # d/dx*f(x): a product with d, or the derivative?
            what = self.s[k + 1 : self.atom_end(k + 1)].strip()
            raise self.keyed("tex_dd_product", i, d=d, var=var, what=what, extra=extra)
        if k >= end or self.s[k] in "/)+-,=":
            raise self.keyed("tex_dd_of_what", i, d=d, var=var, extra=extra)
        operand_end = self.atom_end(k)
        operand = self.s[k:operand_end].strip()
        after = self.skip(operand_end)
        if after < end and self.s[after] not in "+-),=":
            rest = self.s[k:end].strip()
            facts = {"d": d, "var": var, "rest": rest, "operand": operand, "extra": extra}
            raise self.keyed("tex_dd_ambiguous", i, **facts)
        col = self.cols[i]
        out.add("diff(", col)
        out.extend(self.run(k, operand_end))
        out.add(f", {var}{extra})", col)
        return operand_end

    def root(self, out: _Out, i: int, end: int) -> int:
        k = self.skip(i + 1)
        col = self.cols[i]
        if k < end and self.s[k] == "(":
            out.add("sqrt", col)
            return k
        token = _NAME.match(self.s, k, end) or re.compile(r"\d+(?:\.\d*)?").match(self.s, k, end)
        if not token:
            raise self.keyed("tex_root_operand", i)
        out.add("sqrt(", col)
        self.copy(out, k, token.end())
        out.add(")", col)
        return token.end()

    def function_power(self, out: _Out, name: str, i: int, j: int, end: int) -> int | None:
        """`tanh^2(x)` → `tanh(x)^2`; `tanh^-1(x)` is refused; None when no `(` follows."""
        power = re.compile(r"\^\s*(\(\s*[^()]*\)|[-+]?\s*\d+)\s*").match(self.s, j, end)
        if not power:
            return None
        k = power.end()
        if k >= end or self.s[k] != "(":
            return None
        exponent = power.group(1).strip("() ").replace(" ", "")
        if not re.fullmatch(r"\d+", exponent) or exponent == "0":
            raise self.keyed("tex_function_power", i, name=name, exponent=exponent)
        close = self.matching(k)
        self.copy(out, i, i + len(name))
        out.extend(self.run(k, close))
        out.add(f"^{exponent}", self.cols[j])
        return close


_NOTATION = re.compile(r"[√'′∂|]|(?<![A-Za-z0-9_])d\s*(?:\^\s*\(?\s*\d\s*\)?\s*)?/\s*d")
_POWERED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\^")


def _has_notation(text: str, functions: Collection[str]) -> bool:
    """Whether pass 2 could change `text` (so plain answers skip it)."""
    if _NOTATION.search(text):
        return True
    return any(match.group(1) in functions for match in _POWERED.finditer(text))


def _expects_operand(out: _Out) -> bool:
    text = out.text().rstrip()
    return not text or text[-1] in "+-*/^(,"


# --- entry point --------------------------------------------------------------------------------


def translate(text: str, functions: Collection[str]) -> tuple[str, list[int]]:
    """`text` in the plain grammar, and the original 1-based column of each of its characters."""
    if len(text) > MAX_LENGTH:
        raise GrammarError.keyed("too_long_input", 1, length=len(text), limit=MAX_LENGTH)
    if is_latex(text):
        start, end = _strip_delimiters(text)
        latex = _Latex(text, start, end)
        latex.run()
        chars, cols = latex.out.chars, latex.out.cols
    elif not _has_notation(text, functions):
        return text, list(range(1, len(text) + 1))  # plain text as it is: the common case
    else:
        chars, cols = list(text), list(range(1, len(text) + 1))
    latex_mode = is_latex(text)
    out = _Notation(chars, cols, functions, len(text) + 1, latex_mode).run(0, len(chars))
    return out.text(), out.cols


def read_tokens(text: str, functions: Collection[str]) -> list[Token]:
    """The grammar's tokens for `text`, plain or LaTeX; positions are columns of `text`."""
    plain, cols = translate(text, functions)
    if plain == text:
        return tokenize(text)
    end_col = len(text) + 1

    def original(pos: int) -> int:
        return cols[pos - 1] if 0 < pos <= len(cols) else end_col

    try:
        tokens = tokenize(plain)
    except GrammarError as error:
        raise error.moved(original(error.position)) from None
    # every token but the last (the end token, at the end of what was typed) maps back
    *body, end = tokens
    return [Token(t.kind, t.text, original(t.pos)) for t in body] + [Token(end.kind, "", end_col)]
