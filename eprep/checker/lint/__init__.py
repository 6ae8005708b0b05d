"""`eprep lint`: find the formulas of a learner's notes that contradict the course's proven ones.

notes → formulas (extract) → equations recognised as rules of the bank (rules, recognise) →
compared with the checker (`equivalent`, learner input: bounded, in the worker) → findings.
A finding is made only when a recognised formula is shown wrong by a witness or equals a known
mistake of the bank; everything else is counted, never reported (precision over recall).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eprep.checker.lint.code import CodeRules, build_code_rules
from eprep.checker.lint.extract import Found, extract
from eprep.checker.lint.recognise import Binding, bind, candidates, role, target
from eprep.checker.lint.rules import Rule, RuleSet, build_rules, equations, read
from eprep.errors import EprepError
from eprep.grammar import Call, Num, Sym, free_symbols, to_latex
from eprep.grammar.nodes import Node, map_children, substitute, walk

if TYPE_CHECKING:
    from eprep.checker.verdict import Verdict
    from eprep.questions import Bank

MAX_BYTES = 2_000_000
# time indices of update rules: m_{t-1}, w^{(t+1)} name the same quantity at another step
_TIME_INDEX = re.compile(r"_\{\s*t\s*[-+]\s*1\s*\}|\^\{\s*\(\s*t\s*(?:[-+]\s*1\s*)?\)\s*\}")
# ∇E, ∇_θ L, \nabla_{w} L: the gradient, written as the derivative the rules use
_NABLA = re.compile(r"\\nabla\s*(?:_\s*\{?\s*(\\?[A-Za-z]+)\s*\}?)?\s*([A-Za-z])(?![A-Za-z])")
_MESSAGES = {
    "en": {
        "known": "{feedback}",
        "witness": "not the proven form {proven}: at {point} it gives {got}, "
        "the proven form {want}",
        "accent": "writes {written} where the proven form {proven} has {meant}",
        "drill": "eprep quiz {id}",
    },
    "ja": {
        "known": "{feedback}",
        "witness": "証明済みの形 {proven} と一致しない：{point} のとき {got}、正しくは {want}",
        "accent": "証明済みの形 {proven} の {meant} が {written} になっている",
        "drill": "eprep quiz {id}",
    },
}


@dataclass
class Finding:
    path: str
    line: int
    formula: str  # as written in the note
    message: str  # what is wrong
    question: str  # the bank id to drill
    what: str  # "known-mistake", "accent", "witness" or "code"

    def text(self, lang: str = "en") -> str:
        drill = _MESSAGES[lang]["drill"].format(id=self.question)
        return f"{self.path}:{self.line}: {self.formula} — {self.message} ({drill})"


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    formulas: int = 0  # math formulas and code lines read
    recognised: int = 0  # equations recognised as a rule (right or wrong)
    unrecognised: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [asdict(f) for f in self.findings],
            "formulas": self.formulas,
            "recognised": self.recognised,
            "unrecognised": [{"path": p, "line": n, "formula": t} for p, n, t in self.unrecognised],
        }


def read_note(path: Path) -> str:
    """A note's text; EprepError (exit 2) naming the file if it cannot be read as UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EprepError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise EprepError(f"{path}: file is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EprepError(f"{path}: not UTF-8 text (byte {error.start + 1})") from None


_UNIT_INTERVAL = {"p", "r", "ratio", "rho", "momentum"}  # probabilities and decay rates


def _domain(name: str) -> str:
    """Course quantities are positive; rates and the betas of Adam lie in (0, 1). (A narrower
    domain can only make two formulas agree more often: it never adds a finding.)"""
    base, sub, _ = role(name)
    if base in _UNIT_INTERVAL or (base == "beta" and sub.isdigit()):
        return "(0, 1)"
    return "positive"


_VERDICTS: dict[tuple[Node, Node], Verdict] = {}  # notes repeat formulas: compare each pair once
_VERDICTS_MAX = 4096


def _compare(answer: Node, expected: Node) -> Verdict:
    from eprep.checker.api import equivalent

    key = (answer, expected)
    verdict = _VERDICTS.get(key)
    if verdict is None:
        names = free_symbols(answer) | free_symbols(expected)
        verdict = equivalent(answer, expected, {name: _domain(name) for name in sorted(names)})
        if len(_VERDICTS) < _VERDICTS_MAX:
            _VERDICTS[key] = verdict
    return verdict


def _gradient(match: re.Match[str]) -> str:
    var = match.group(1) or "w"
    return f"\\frac{{\\partial {match.group(2)}}}{{\\partial {var}}}"


def _without_accent(name: str) -> str:
    return re.sub(r"_(hat|bar|tilde)$", "", name)


def _without_rounding(node: Node) -> Node:
    if isinstance(node, Call) and node.func in ("floor", "ceil"):
        return _without_rounding(node.args[0])
    return map_children(node, _without_rounding)


def _rename(node: Node, names: dict[str, str]) -> Node:
    return substitute(node, {old: Sym(new) for old, new in names.items() if old != new})


class Linter:
    """Lints notes against the rules of one bank (built once, reused for every note)."""

    def __init__(self, bank: Bank, lang: str = "en") -> None:
        self.rules: RuleSet = build_rules(bank)
        self.code: CodeRules = build_code_rules(bank)
        self.lang = lang

    def lint(self, paths: Iterable[Path]) -> LintReport:
        report = LintReport()
        for path in paths:
            self.lint_text(read_note(path), str(path), report)
        return report

    def lint_text(self, text: str, path: str, report: LintReport) -> None:
        header: Found | None = None  # a code line ending in ':' (`if self.iter > 0:`)
        for found in extract(text):
            report.formulas += 1
            if found.source == "code":
                finding = self.code.check(found, path, self.lang)
                if finding is None and header is not None and header.line == found.line - 1:
                    # the one-line form of a two-line statement is what the options spell
                    joined = Found(found.line, f"{header.text} {found.text}", "code")
                    finding = self.code.check(joined, path, self.lang)
                    if finding is not None:
                        finding["formula"] = joined.text
                if finding is not None:
                    report.findings.append(Finding(**finding))
                header = found if found.text.split("#")[0].rstrip().endswith(":") else None
                continue
            header = None
            if not self._formula(found, path, report):
                report.unrecognised.append((path, found.line, found.text))

    def _formula(self, found: Found, path: str, report: LintReport) -> bool:
        """Check every equation of one formula; False if none of them was recognised."""
        recognised = False
        if "--" in found.text:  # machine translation's `1 --ratio`: do not guess what it was
            return False
        text = _NABLA.sub(_gradient, _TIME_INDEX.sub("", found.text))
        for lhs_text, rhs_text in equations(text):
            lhs, rhs = read(lhs_text), read(rhs_text)
            if lhs is None or rhs is None:
                continue
            if not target(lhs) and target(rhs):
                lhs, rhs = rhs, lhs  # `\frac{x-\mu}{\sigma} = \hat{x}` names x̂ on the right
            bindings = candidates(lhs, rhs, self.rules.rules)
            if not bindings:
                continue
            recognised = True
            report.recognised += 1
            finding = self._judge(lhs, rhs, bindings, found, path)
            if finding is not None:
                report.findings.append(finding)
        return recognised

    def _judge(
        self, lhs: Node, rhs: Node, bindings: list[Binding], found: Found, path: str
    ) -> Finding | None:
        verdicts = []
        for binding in bindings:
            verdict = _compare(_rename(rhs, binding.names), binding.rule.rhs)
            if verdict.equivalent:
                return None  # it is one of the proven forms, however it is written
            verdicts.append((binding, verdict))
        shown = found.text if len(found.text) <= 90 else found.text[:87] + "…"
        for binding, _ in verdicts:
            known = self._known_mistake(lhs, _rename(rhs, binding.names), binding.rule)
            if known is not None:
                rule, feedback = known
                return Finding(path, found.line, shown, feedback, rule.question, "known-mistake")
        slip = self._accent_slip(lhs, rhs)
        if slip is not None:
            rule, message = slip
            return Finding(path, found.line, shown, message, rule.question, "accent")
        # A special case of the proven form is not an error: the first step of an update
        # (m = (1-β₁)g from m = 0), no padding (P = 0), the formula without its ε, or with a
        # hyperparameter written as its value (m ← 0.9m + 0.1g, μ̄ ← 0.9μ̄ + 0.1μ).
        for binding, _ in verdicts:
            renamed = _rename(rhs, binding.names)
            unfloored = _without_rounding(renamed)
            if unfloored != renamed and _compare(unfloored, binding.rule.rhs).equivalent:
                return None  # ⌊(H+2P−FH)/S⌋ + 1: the integer form of the same count
            missing = sorted(free_symbols(binding.rule.rhs) - free_symbols(renamed))
            if missing and self._special_case(renamed, binding.rule.rhs, missing):
                return None
        # a witness only: values where the note and the proven form disagree
        for binding, verdict in verdicts:
            if verdict.witness is None or verdict.certainty == "none":
                continue
            return Finding(
                path, found.line, shown, self._witness(binding, verdict), binding.rule.question,
                "witness",
            )  # fmt: skip
        return None

    @staticmethod
    def _special_case(note: Node, proven: Node, missing: list[str]) -> bool:
        """Whether the proven form equals the note for some value of the symbols the note
        leaves out: 0, 1, or a number the note itself writes (at most two symbols, 25 tries)."""
        if len(missing) > 2:
            return False
        numbers = {0.0, 1.0} | {n.value for n in walk(note) if isinstance(n, Num)}
        values = sorted(numbers)[:5]
        for combination in itertools.product(values, repeat=len(missing)):
            fixed = {name: Num(v, repr(v)) for name, v in zip(missing, combination, strict=True)}
            if _compare(note, substitute(proven, fixed)).equivalent:
                return True
        return False

    def _known_mistake(self, lhs: Node, rhs: Node, rule: Rule) -> tuple[Rule, str] | None:
        """The bank's feedback if the note's formula is a known mistake, directly or lifted."""
        for wrong in rule.mistakes:
            if _compare(rhs, wrong.rhs).equivalent:
                return rule, self._feedback(wrong.feedback)
        if rule.entry is None or not isinstance(rule.lhs, Sym):
            return None
        # Lift: put the note's x̂ into y = γx̂ + β and compare with the key rules for y.
        for parent in self.rules.by_topic(rule.topic):
            if parent.entry != rule.entry or parent.expanded or parent is rule:
                continue
            if rule.lhs.name not in free_symbols(parent.rhs):
                continue
            lifted = substitute(parent.rhs, {rule.lhs.name: rhs})
            for keyed in self.rules.by_topic(rule.topic):
                if keyed.entry is not None or not keyed.mistakes:
                    continue
                binding = bind(parent.lhs, lifted, keyed)
                if binding is None:
                    continue
                renamed = _rename(lifted, binding.names)
                for wrong in keyed.mistakes:
                    if _compare(renamed, wrong.rhs).equivalent:
                        return keyed, self._feedback(wrong.feedback)
        return None

    def _accent_slip(self, lhs: Node, rhs: Node) -> tuple[Rule, str] | None:
        """A sheet formula written with x where it has x̂ (y = γx + β; Adam without m̂, v̂)."""
        for rule in self.rules.rules:
            if rule.entry is None or rule.expanded:
                continue
            accented = sorted(d for d in rule.defined if role(d)[2])
            choices = [[d] for d in accented] + ([accented] if len(accented) > 1 else [])
            for chosen in choices:
                plain = {d: Sym(_without_accent(d)) for d in chosen}
                slipped = dataclasses.replace(
                    rule, rhs=substitute(rule.rhs, plain), defined=rule.defined - set(chosen)
                )
                binding = bind(lhs, rhs, slipped)
                if binding is None:
                    continue
                if _compare(_rename(rhs, binding.names), slipped.rhs).equivalent:
                    back = {rule_name: note for note, rule_name in binding.names.items()}
                    return rule, self._slip_message(rule, chosen, back)
        return None

    def _slip_message(self, rule: Rule, chosen: list[str], back: dict[str, str]) -> str:
        """`written` in the note's own names (x_ni), the rest in the proven form's."""
        written = ", ".join(
            f"${to_latex(Sym(back.get(_without_accent(d), _without_accent(d))))}$" for d in chosen
        )
        meant = ", ".join(f"${to_latex(Sym(d))}$" for d in chosen)
        proven = f"${to_latex(rule.lhs)} = {to_latex(rule.rhs)}$"
        return _MESSAGES[self.lang]["accent"].format(written=written, meant=meant, proven=proven)

    def _feedback(self, text) -> str:
        if text is None:
            return "a known mistake" if self.lang == "en" else "よくある誤り"
        return " ".join(text.get(self.lang).split())

    def _witness(self, binding: Binding, verdict: Verdict) -> str:
        from eprep.checker.equivalence import fmt

        back = {rule_name: note for note, rule_name in binding.names.items()}
        witness = sorted((verdict.witness or {}).items())
        point = ", ".join(f"{back.get(name, name)}={fmt(value)}" for name, value in witness)
        got = "undefined" if verdict.answer_value is None else fmt(verdict.answer_value)
        want = "undefined" if verdict.expected_value is None else fmt(verdict.expected_value)
        proven = f"${to_latex(binding.rule.lhs)} = {to_latex(binding.rule.rhs)}$"
        return _MESSAGES[self.lang]["witness"].format(
            proven=proven, point=point, got=got, want=want
        )


def lint_paths(paths: Iterable[Path], bank: Bank, lang: str = "en") -> LintReport:
    """Lint every note in `paths` against `bank`."""
    return Linter(bank, lang).lint(paths)
