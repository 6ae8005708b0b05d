"""Step-by-step derivation checking: each `= ...` line must equal the line before it.

File format (see issue 3): `# comments`, `assume NAME: DOMAIN`, `let NAME = EXPR`, then a first
expression and steps that each begin with `=`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eprep.checker.api import equivalent
from eprep.checker.domains import Domain, parse_assume
from eprep.checker.verdict import DerivationReport, StepResult, Verdict
from eprep.errors import EprepError
from eprep.grammar import FUNCTIONS, GrammarError, parse, to_text
from eprep.grammar.nodes import Node, Sym, substitute, walk
from eprep.grammar.parser import MAX_NODES
from eprep.grammar.vocabulary import canonical

MAX_LINES = 200
MAX_BYTES = 100_000  # a derivation file larger than this is refused (after reading one byte more)

_LET = re.compile(r"^let\s+([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")


@dataclass
class Derivation:
    """A parsed derivation file: domains, `let` definitions and the chain of expressions."""

    domains: dict[str, Domain] = field(default_factory=dict)
    lets: dict[str, Node] = field(default_factory=dict)
    chain: list[tuple[int, str, Node]] = field(default_factory=list)  # (line, text, node)


def _expanded_size(node: Node, let_sizes: Mapping[str, int]) -> int:
    """Nodes of `node` once every let is substituted, counted without building that tree."""
    return sum(let_sizes.get(n.name, 1) if isinstance(n, Sym) else 1 for n in walk(node))


def _check_size(node: Node, let_sizes: Mapping[str, int], where: str) -> int:
    # The grammar's limits hold for what is checked, i.e. after substitution: twenty doubling
    # lets would otherwise make a million-node formula out of 339 bytes.
    size = _expanded_size(node, let_sizes)
    if size > MAX_NODES:
        raise EprepError(
            f"{where}: with its lets substituted the formula has {size} parts (at most {MAX_NODES})"
        )
    return size


class LineGrammarError(EprepError):
    """A grammar error in a derivation: `where` is its file ("line" in a quiz) or an option."""

    def __init__(self, where: str, line: int | None, column: int, error: GrammarError) -> None:
        place = where if line is None else f"{where}:{line}"
        super().__init__(f"{place}: col {column}: {error.message}")
        self.where, self.line, self.column, self.error = where, line, column, error

    def text(self, lang: str = "en") -> str:
        if lang != "ja":
            return str(self)
        if self.line is None:
            place = self.where
        elif self.where == "line":
            place = f"{self.line} 行目"
        else:
            place = f"{self.where}:{self.line}"
        return f"{place}: {self.column} 文字目: {self.error.reason(lang)}"


def _expression(text: str, line: int, column: int, where: str) -> Node:
    try:
        return parse(text)
    except GrammarError as error:
        raise LineGrammarError(where, line, column + error.position - 1, error) from None


def parse_derivation(
    text: str, *, path: str = "<derivation>", start: str | None = None
) -> Derivation:
    """Parse a derivation; errors name `path:line` (and the column of a bad formula).

    With a `start`, a first expression that begins with '=' continues from it: the start
    becomes the chain's first expression, as line 0.
    """
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise EprepError(f"{path}: more than {MAX_LINES} lines")
    result = Derivation()
    let_sizes: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        content = raw.split("#", 1)[0]
        stripped = content.strip()
        if not stripped:
            continue
        indent = len(content) - len(content.lstrip())
        if stripped.startswith("assume ") or stripped == "assume":
            if result.chain:
                raise EprepError(f"{path}:{number}: 'assume' must come before the first expression")
            try:
                name, domain = parse_assume(stripped[len("assume") :])
            except EprepError as error:
                raise EprepError(f"{path}:{number}: {error}") from None
            result.domains[name] = domain
            continue
        let = _LET.match(stripped)
        if let:
            if result.chain:
                raise EprepError(f"{path}:{number}: 'let' must come before the first expression")
            name = canonical(let.group(1))
            if name in FUNCTIONS or name in ("pi", "e", "sigma", "ln"):
                raise EprepError(f"{path}:{number}: cannot define {name!r} with let")
            column = indent + let.start(2) + 1
            node = _expression(let.group(2), number, column, path)
            let_sizes[name] = _check_size(node, let_sizes, f"{path}:{number}")
            result.lets[name] = substitute(node, result.lets)
            continue
        if stripped.startswith("="):
            if not result.chain and start is None:
                raise EprepError(
                    f"{path}:{number}: a step begins with '=', but there is no first expression"
                    " (write one, or give a start to continue from)"
                )
            if not result.chain:
                assert start is not None
                node = _cli_formula(start, "--start")
                _check_size(node, let_sizes, "--start")
                result.chain.append((0, start.strip(), node))
            body = stripped[1:]
            column = indent + 2
        else:
            if result.chain:
                raise EprepError(
                    f"{path}:{number}: after the first expression, each step begins with '='"
                )
            body = stripped
            column = indent + 1
        node = _expression(body, number, column, path)
        _check_size(node, let_sizes, f"{path}:{number}")
        result.chain.append((number, body.strip(), node))
    if not result.chain:
        raise EprepError(f"{path}: no expression to check")
    return result


def _assumptions(assume: Mapping[str, str | Domain] | Iterable[str] | None) -> dict[str, Domain]:
    from eprep.checker.api import normalise_domains

    if assume is None:
        return {}
    if isinstance(assume, Mapping):
        return normalise_domains(assume)
    return dict(parse_assume(item) for item in assume)


def check_derivation(
    text: str,
    *,
    assume: Mapping[str, str | Domain] | Iterable[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    path: str = "<derivation>",
    trusted: bool = False,
    timeout: float | None = None,
) -> DerivationReport:
    """Check every step of a derivation against the previous one (and --start / --end)."""
    derivation = parse_derivation(text, path=path, start=start)
    domains = {**derivation.domains, **_assumptions(assume)}
    lets = derivation.lets
    if set(lets) & set(domains):
        clash = sorted(set(lets) & set(domains))[0]
        raise EprepError(f"{path}: {clash!r} is both assumed and defined with let")
    options: dict[str, Any] = {"trusted": trusted, "timeout": timeout, "lets": lets}
    let_sizes = {name: sum(1 for _ in walk(node)) for name, node in lets.items()}
    report = DerivationReport()
    first_line, first_text, previous = derivation.chain[0]
    report.steps.append(StepResult(first_line, first_text, to_text(previous), True))
    last_good = (first_line, previous)  # the last line reached by correct steps only
    for line, body, node in derivation.chain[1:]:
        verdict = equivalent(node, previous, domains, **options)
        step = StepResult(line, body, to_text(node), verdict.equivalent, verdict)
        # after a wrong line, a learner who corrected it may have gone on from the last right
        # one: say so (it stays a failing step: each step must equal the line before it)
        if (
            not verdict.equivalent
            and last_good[1] is not previous
            and equivalent(node, last_good[1], domains, **options).equivalent
        ):
            step.follows_from = last_good[0]
        report.steps.append(step)
        if (verdict.equivalent and last_good[1] is previous) or step.follows_from is not None:
            last_good = (line, node)
        previous = node
    if start is not None and derivation.chain[0][0] == 0:
        report.start_ok = True  # it continued from the start: the start is its first line
    elif start is not None:
        formula = _cli_formula(start, "--start")
        _check_size(formula, let_sizes, "--start")
        verdict = equivalent(derivation.chain[0][2], formula, domains, **options)
        report.start_ok, report.start_verdict = verdict.equivalent, verdict
    if end is not None:
        formula = _cli_formula(end, "--end")
        _check_size(formula, let_sizes, "--end")
        verdict = equivalent(derivation.chain[-1][2], formula, domains, **options)
        report.end_ok, report.end_verdict = verdict.equivalent, verdict
    return report


def _cli_formula(text: str, option: str) -> Node:
    try:
        return parse(text)
    except GrammarError as error:
        raise LineGrammarError(option, None, error.position, error) from None


def check_line(lines: list[str], line: str, *, start: str | None = None) -> None:
    """Raise EprepError when `line`, typed after `lines`, cannot be read (for re-prompting)."""
    parse_derivation("\n".join([*lines, line]), path="line", start=start)


def step_message(verdict: Verdict, lang: str = "en") -> str:
    """A failed step's witness in derivation words: this line vs the previous line."""
    from eprep.checker.wording import diagnosis_text, verdict_text
    from eprep.i18n import message

    if verdict.witness is None:
        return verdict_text(verdict, lang)
    from eprep.checker.equivalence import fmt

    where = ", ".join(f"{k}={fmt(v)}" for k, v in verdict.witness.items())
    mine, prev = verdict.answer_value, verdict.expected_value
    shown = [None if value is None else fmt(value) for value in (mine, prev)]
    if mine is not None and prev is not None and shown[0] == shown[1]:
        shown = [repr(mine), repr(prev)]  # enough digits to tell them apart

    def gives(value: str | None) -> str:
        if value is None:
            return message(lang, "derive.undefined")
        return message(lang, "derive.gives", value=value)

    at = message(lang, "derive.at", where=where) if where else ""
    text = message(lang, "derive.witness", at=at, mine=gives(shown[0]), previous=gives(shown[1]))
    diagnosis = verdict.diagnosis
    if lang != "en" and verdict.facts and verdict.facts.get("diagnosis"):
        diagnosis = diagnosis_text(verdict.facts, lang)
    if diagnosis:
        text += f" ({diagnosis})" if lang == "en" else f"（{diagnosis}）"
    return text
