"""The LaTeX the bank's text may use in `$…$`: every command here is shown by the site (MathML)
and by the terminal (`eprep/quiz/texmath.py`, tested command by command); any other command is
refused when the bank is loaded, so no learner ever sees raw LaTeX.
"""

from __future__ import annotations

import re


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Commands with arguments or special layout, by how many {…} groups they read.
STRUCTURE: dict[str, int] = {
    "frac": 2, "dfrac": 2, "tfrac": 2, "binom": 2, "sqrt": 1,
    "text": 1, "textrm": 1, "mathrm": 1, "operatorname": 1, "textit": 1, "mathit": 1,
    "textbf": 1, "mbox": 1, "boldsymbol": 1, "bm": 1, "mathbf": 1,
    "mathbb": 1, "mathcal": 1, "mathfrak": 1, "mathscr": 1, "mathsf": 1, "mathtt": 1,
    "hat": 1, "widehat": 1, "bar": 1, "overline": 1, "tilde": 1, "widetilde": 1, "vec": 1,
    "dot": 1, "ddot": 1, "underbrace": 1, "overbrace": 1,
    "begin": 1, "end": 1,
}  # fmt: skip
# Commands that only size or space things (the terminal drops them or writes a space).
LAYOUT = _names(
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm "
    "displaystyle textstyle limits quad qquad"
)
# Operator names written upright (`\log x` → `log x`).
OPERATORS = _names(
    "argmax argmin cos cosh cot det dim exp gcd lim liminf limsup ln log max min sin sinh "
    "tan tanh sup inf Pr"
)
# Commands that stand for one symbol.
SYMBOLS = _names(
    # Greek
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
    # operators and relations
    "cdot times div pm mp ast star circ bullet odot otimes oplus setminus cap cup wedge vee "
    "sum prod int oint partial nabla infty ell hbar emptyset forall exists neg "
    "le leq ge geq ne neq approx sim simeq cong equiv propto ll gg lesssim gtrsim in notin ni "
    "subset subseteq "
    "supset supseteq perp parallel mid "
    # arrows
    "to gets leftarrow rightarrow Leftarrow Rightarrow leftrightarrow Leftrightarrow iff "
    "implies mapsto uparrow downarrow longrightarrow longleftarrow "
    # delimiters and dots
    "lfloor rfloor lceil rceil langle rangle lVert rVert Vert lvert rvert vert "
    "dots ldots cdots vdots ddots top prime dagger"
)
# Environments (`\begin{…}`): matrices (nested rows in the terminal) and cases.
ENVIRONMENTS = frozenset({"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "cases"})
# One-character commands: spacing and escaped characters.
PUNCTUATION = frozenset(",;:! {}%$_&#|\\")

KNOWN = frozenset(STRUCTURE) | LAYOUT | OPERATORS | SYMBOLS

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_FENCE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{([^}]*)\}")


def unknown_constructs(text: str) -> list[str]:
    """LaTeX commands and environments in the `$…$` math of Markdown `text` that are not
    known here (code spans and blocks are not math)."""
    found: list[str] = []
    for match in _MATH.finditer(_FENCE.sub("", text)):
        tex = match.group(1) or match.group(2)
        for name in _COMMAND.findall(tex):
            if name not in KNOWN and name not in PUNCTUATION and "\\" + name not in found:
                found.append("\\" + name)
        for name in _ENVIRONMENT.findall(tex):
            if name not in ENVIRONMENTS and f"{{{name}}}" not in found:
                found.append(f"\\begin{{{name}}}")
    return found
