"""The rules `eprep lint` recognises notes by: the bank's formula sheets and proven keys.

A rule is `lhs = rhs` in the course's notation, the topic it belongs to, the bank question that
drills it, and the known wrong right-hand sides (with their feedback). Formula-sheet entries are
split into equations (`a = b`, `a \\leftarrow b`, separated by `,` or `\\quad`); a sheet symbol
defined by another equation of the same entry (x̂ in y = γx̂ + β) gives a second, expanded rule.
Bank keys become rules through `roles.toml`, which names each parameter's symbol.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError
from eprep.grammar import Call, Sym, free_symbols, parse
from eprep.grammar.nodes import Node, map_children, substitute

if TYPE_CHECKING:
    from eprep.questions import Bank, Question, Text, Topic

ROLES = Path(__file__).resolve().parent / "roles.toml"
_RELATIONS = re.compile(r"\\leftarrow|\\gets|:=|\\coloneqq|=")
_UNSUPPORTED = re.compile(r"\\(le|leq|ge|geq|sim|approx|neq|lt|gt|in|to|mapsto)(?![A-Za-z])|[<>]")


@dataclass(frozen=True)
class Wrong:
    """A known wrong right-hand side and what the bank tells a learner who writes it."""

    rhs: Node
    feedback: Text | None


@dataclass(frozen=True)
class Rule:
    lhs: Node
    rhs: Node
    topic: str  # "day2.batchnorm"
    question: str  # the bank id that drills it
    shown: str  # the proven form, in the notation it was written in
    defined: frozenset[str] = frozenset()  # rhs symbols defined by another rule of the entry
    mistakes: tuple[Wrong, ...] = ()
    entry: int | None = None  # formula-sheet entry index; None for a bank key
    expanded: bool = False


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)

    def by_topic(self, topic: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.topic == topic]


def gradient_symbols(node: Node) -> Node:
    """`diff(L, w)` of two names becomes one symbol `DLDw`: a gradient is a quantity in notes."""
    if isinstance(node, Call) and node.func == "diff" and len(node.args) == 2:
        body, var = node.args
        if isinstance(body, Sym) and isinstance(var, Sym):
            return Sym(f"D{body.name}D{var.name}")
    return map_children(node, gradient_symbols)


def split_parts(tex: str) -> list[str]:
    """A formula split at top-level `,`, `;`, `\\quad` and `\\qquad` (not inside braces/parens)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(tex):
        char = tex[i]
        if char == "\\" and tex[i + 1 : i + 2] in (",", ";", ":", "!", " "):
            i += 2  # `\,` is a thin space, not a separator
            continue
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif depth == 0:
            quad = re.compile(r"\\q?quad(?![A-Za-z])").match(tex, i)
            if char in ",;" or quad:
                parts.append(tex[start:i])
                i = quad.end() if quad else i + 1
                start = i
                continue
        i += 1
    parts.append(tex[start:])
    return [part.strip() for part in parts if part.strip()]


def equations(tex: str) -> list[tuple[str, str]]:
    """The `(lhs, rhs)` texts of a formula: `a = b = c` gives (a, b) and (a, c)."""
    result: list[tuple[str, str]] = []
    for part in split_parts(tex):
        if _UNSUPPORTED.search(part):
            continue
        sides = [side.strip() for side in _RELATIONS.split(part)]
        if len(sides) < 2 or not all(sides):
            continue
        result.extend((sides[0], side) for side in sides[1:])
    return result


def read(text: str) -> Node | None:
    """A formula of a sheet or a note as the grammar reads it, None if it cannot be read."""
    try:
        return gradient_symbols(parse(text))
    except EprepError:
        return None


def _sheet_rules(topic: Topic) -> list[Rule]:
    rules: list[Rule] = []
    for index, formula in enumerate(topic.formulas):
        question = _drill(topic, formula.label.get("en"))
        if question is None:
            continue
        pairs = []
        for lhs_tex, rhs_tex in equations(formula.tex):
            lhs, rhs = read(lhs_tex), read(rhs_tex)
            if lhs is not None and rhs is not None:
                pairs.append((lhs, rhs, f"{lhs_tex} = {rhs_tex}"))
        # a name defined (not updated) by one equation of the entry can be expanded in the others
        definitions = {
            lhs.name: rhs
            for lhs, rhs, _ in pairs
            if isinstance(lhs, Sym) and lhs.name not in free_symbols(rhs)
        }
        for lhs, rhs, shown in pairs:
            own = lhs.name if isinstance(lhs, Sym) else None
            defined = frozenset(name for name in definitions if name != own)
            common: dict[str, Any] = {
                "topic": topic.key,
                "question": question,
                "shown": shown,
                "entry": index,
            }
            rules.append(Rule(lhs, rhs, defined=defined & free_symbols(rhs), **common))
            expanded = rhs
            for _ in range(3):  # definitions may use each other (ŵ uses m̂ uses m)
                expanded = substitute(expanded, {k: v for k, v in definitions.items() if k != own})
            if expanded != rhs:
                rules.append(Rule(lhs, expanded, expanded=True, **common))
    return rules


def _drill(topic: Topic, label: str) -> str | None:
    """The question a sheet rule sends the learner to: one named like the formula's label
    ("Adam (paper form)" → an Adam question), else the topic's trap question, else its first."""
    if not topic.questions:
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", label)]
    for word in words[:1]:
        for question in topic.questions:
            if word in question.id or word in question.title.get("en").lower():
                return question.id
    return next((q.id for q in topic.questions if q.trap is not None), topic.questions[0].id)


def _key_rule(question: Question, lhs_text: str, roles: dict[str, str]) -> Rule | None:
    replacements = {name: parse(text) for name, text in roles.items()}

    def mapped(formula: str) -> Node | None:
        node = read(formula)
        if node is None or not free_symbols(node) <= set(roles):
            return None
        return gradient_symbols(substitute(node, replacements))

    key = mapped(question.answer) if question.answer else None
    lhs = read(lhs_text)
    if key is None or lhs is None:
        return None
    wrong: list[Wrong] = []
    for mistake in question.mistakes:
        node = mapped(mistake.answer)
        if node is not None:
            wrong.append(Wrong(node, mistake.feedback))
    for option in question.options:
        text = option.value or option.formula
        node = mapped(text) if text and not option.correct else None
        if node is not None:
            wrong.append(Wrong(node, option.feedback))
    topic = f"{question.day}.{question.topic}"
    shown = f"{lhs_text} = {question.answer}"
    return Rule(lhs, key, topic=topic, question=question.id, shown=shown, mistakes=tuple(wrong))


def build_rules(bank: Bank) -> RuleSet:
    """Every rule of the bank: its formula sheets and the keys `roles.toml` maps."""
    rules = RuleSet()
    for topic in bank.topics:
        rules.rules.extend(_sheet_rules(topic))
    table = tomllib.loads(ROLES.read_text(encoding="utf-8"))
    for entry in table.get("rule", []):
        question = bank.get(entry["question"])
        if question is None:
            continue  # a user's bank without it, or a question since renamed
        rule = _key_rule(question, entry["lhs"], dict(entry["roles"]))
        if rule is not None:
            rules.rules.append(rule)
    return rules
