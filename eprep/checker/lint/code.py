"""Code lines of notes against the known wrong options of the bank's code questions.

A code question's template has one blank; filling it with a wrong option gives a wrong line. A
note's code line is that mistake when it reads the same up to whitespace and names: variables are
renumbered in order of appearance, `self.` is dropped, attribute names and library names stay,
and NumPy's legacy random calls are read as the `Generator` calls the bank uses
(`np.random.randn(*s)` as `rng.standard_normal(s)`). Lines too short or too generic to be a
specific mistake (`axes = (1, 2, 3)`) are not compared.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eprep.checker import kinds as check_kinds
from eprep.questions import BLANK

if TYPE_CHECKING:
    from eprep.checker.lint.extract import Found
    from eprep.questions import Bank, Text

MIN_TOKENS = 14  # a line without NumPy must be this long to be a specific mistake
# bare names that carry meaning in a line of NumPy code; every other bare name is a variable
LIBRARY = frozenset(
    {"np", "numpy", "rng", "abs", "max", "min", "len", "range", "float", "int", "sum"}
)
_ASSIGN = {"=", "+=", "-=", "*=", "/="}
_SKIPPED = (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT)
_LEGACY = [
    (re.compile(r"np\.random\.randn\(\s*\*\s*([^()]*?)\s*\)"), r"rng.standard_normal(\1)"),
    (re.compile(r"np\.random\.rand\(\s*\*\s*([^()]*?)\s*\)"), r"rng.random(\1)"),
    (re.compile(r"np\.random\.randn\("), "rng.standard_normal("),
    (re.compile(r"np\.random\.rand\("), "rng.random("),
    (re.compile(r"\bself\.rng\."), "rng."),
]


def _kept(raw: list[tokenize.TokenInfo]) -> set[int]:
    """Indices of names that keep their spelling: the assigned name and keyword arguments.

    `dbeta = np.sum(dout, axis=0)` is right for dbeta and wrong for dgamma, so the name a line
    assigns to is part of what the line says; so is `axis=`.
    """
    kept: set[int] = set()
    depth = 0
    target_start = 0
    for index, token in enumerate(raw):
        text = token.string
        if token.type != tokenize.OP:
            continue
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
        elif depth == 0 and text == ":":
            target_start = index + 1
        elif depth == 0 and text in _ASSIGN:
            first = next(
                (k for k in range(target_start, index) if raw[k].type == tokenize.NAME), None
            )
            if first is not None:
                kept.add(first + 2 if raw[first].string == "self" else first)
        elif depth > 0 and text == "=" and index and raw[index - 1].type == tokenize.NAME:
            kept.add(index - 1)
    return kept


def canonical(line: str) -> tuple[str, ...] | None:
    """The line's tokens up to whitespace and names; None if it is not one line of Python."""
    for pattern, replacement in _LEGACY:
        line = pattern.sub(replacement, line)
    try:
        raw = [
            token
            for token in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline)
            if token.type
            not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT)
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    if any(t.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.ERRORTOKEN) for t in raw):
        return None
    kept = _kept(raw)
    tokens: list[str] = []
    names: dict[str, str] = {}
    for index, token in enumerate(raw):
        text = token.string
        if token.type == tokenize.NAME and text == "self":
            continue
        if text == "." and index and raw[index - 1].string == "self":
            continue
        is_variable = token.type == tokenize.NAME and not keyword.iskeyword(text)
        attribute = index > 0 and raw[index - 1].string == "." and raw[index - 2 : index - 1] != []
        attribute = attribute and raw[index - 2].string != "self"
        if is_variable and text not in LIBRARY and index not in kept and not attribute:
            text = names.setdefault(text, f"_{len(names)}")
        tokens.append(text)
    return tuple(tokens)


def _specific(tokens: tuple[str, ...]) -> bool:
    return len(tokens) >= MIN_TOKENS or "np" in tokens or "rng" in tokens


@dataclass(frozen=True)
class WrongLine:
    tokens: tuple[str, ...]
    question: str
    feedback: Text | None


@dataclass
class CodeRules:
    wrong: dict[tuple[str, ...], WrongLine] = field(default_factory=dict)

    def check(self, found: Found, path: str, lang: str) -> dict[str, Any] | None:
        """A finding (as Finding's fields) if the code line is a known wrong option."""
        tokens = canonical(found.text)
        if tokens is None:
            return None
        hit = self.wrong.get(tokens)
        if hit is None:
            return None
        if hit.feedback is not None:
            message = " ".join(hit.feedback.get(lang).split())
        else:
            message = "a known wrong option" if lang == "en" else "よくある誤りの選択肢"
        return {"path": path, "line": found.line, "formula": found.text, "message": message,
                "question": hit.question, "what": "code"}  # fmt: skip


def _blanks(question) -> list[tuple[str, tuple]]:
    """(mark, options) of each blank of a code question: `blanks`, or one (あ) with `options`."""
    if question.blanks:
        return [(blank.mark, blank.options) for blank in question.blanks]
    return [(BLANK, question.options)]


def build_code_rules(bank: Bank) -> CodeRules:
    """Every wrong option of every code question, filled into its blank's line (the listing's
    other blanks on that line filled with their right options)."""
    rules = CodeRules()
    right: set[tuple[str, ...]] = set()
    for question in bank.questions:
        # the kinds whose questions are code listings say so (the code kind's `runs_code`)
        if not getattr(check_kinds.get(question.kind), "runs_code", False) or not question.code:
            continue
        blanks = _blanks(question)
        correct = {mark: next((o.code for o in opts if o.correct), None) for mark, opts in blanks}
        for mark, options in blanks:
            line = next((ln for ln in question.code.splitlines() if mark in ln), None)
            if line is None:
                continue
            for other, code in correct.items():
                if other != mark and code is not None:
                    line = line.replace(other, code)
            for option in options:
                if option.code is None:
                    continue
                tokens = canonical(line.replace(mark, option.code))
                if tokens is None or not _specific(tokens):
                    continue
                if option.correct:
                    right.add(tokens)
                else:
                    rules.wrong.setdefault(tokens, WrongLine(tokens, question.id, option.feedback))
    for tokens in right:  # a line that is right in one question is never reported
        rules.wrong.pop(tokens, None)
    return rules
