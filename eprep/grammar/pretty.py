"""`pretty_formula`: a formula of the grammar as easier-to-read text (Greek letters, `·`, `²`, `√`).

Text in, text out, for whatever shows a formula to a learner: the checker's feedback, the quiz
and the exam (which re-export it from `eprep.quiz.render`).
"""

from __future__ import annotations

import re

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "tau": "τ", "pi": "π", "sigmoid": "σ",
}  # fmt: skip
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pretty_formula(text: str) -> str:
    """A grammar formula made easier to read: `sigmoid(x)*(1-sigmoid(x))` → `σ(x)·(1-σ(x))`."""
    text = text.replace("**", "^")
    text = re.sub(r"\^(-?\d+)\b", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    text = re.sub(r"\bsqrt\(", "√(", text)
    text = re.sub(r"\b([A-Za-z]+)\b", lambda m: _GREEK.get(m.group(1), m.group(1)), text)
    text = text.replace("*", "·")
    return text
