"""The answer grammar: tokenizer, parser, AST, printers and float evaluator (no dependencies).

The rules are in GRAMMAR.md; `eprep/site/static/grammar.js` implements the same rules.
"""

from __future__ import annotations

from eprep.grammar.errors import EvaluationError, GrammarError
from eprep.grammar.evaluator import evaluate, free_symbols
from eprep.grammar.latex import to_latex
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym
from eprep.grammar.parser import FUNCTIONS, parse
from eprep.grammar.printer import to_text

__all__ = [
    "FUNCTIONS",
    "BinOp",
    "Call",
    "Const",
    "EvaluationError",
    "GrammarError",
    "Neg",
    "Node",
    "Num",
    "Sym",
    "evaluate",
    "free_symbols",
    "parse",
    "to_latex",
    "to_text",
]
