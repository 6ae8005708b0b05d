"""Recognising a note's equation as a rule: the same left-hand side, symbols bound by their roles.

A symbol's role is its base name with its accent and any numeric or label subscript (`x_{ni}`,
`x_i` and `x` share the role x; `\\hat{x}` does not; β₁ and β₂ differ; `σ_{He}` is labelled).
Names bind by role, then ignoring case (`Fh` for FH), then through the synonyms learners use
(θ or δ for ε, α or ε for η, μ for the momentum α, θ for w). A note is recognised only when
every one of its symbols binds, at least two right-hand symbols bind (one when the left-hand side
is a derivative such as σ'(x)), and they cover at least half of the rule's right-hand side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from eprep.checker.lint.rules import Rule
from eprep.grammar import BinOp, Call, Num, Sym, free_symbols, to_text
from eprep.grammar.nodes import Node, walk

_ACCENTS = ("_hat", "_bar", "_tilde")
_LABELS = {"train", "test", "He", "Xavier"}
SYNONYMS = (
    frozenset({"epsilon", "theta", "delta"}),  # the small constant
    frozenset({"eta", "alpha", "epsilon", "lr"}),  # learning rate (ε in the course, α in Adam)
    frozenset({"alpha", "mu", "momentum"}),  # momentum coefficient
    frozenset({"w", "theta", "W"}),  # parameters
    frozenset({"g", "grad", "DLDw", "DEDw", "DJDw", "DLDW", "DEDW", "DLDtheta"}),  # gradient
    frozenset({"p", "r", "ratio"}),  # dropout ratio
)


def _split(name: str) -> tuple[str, str, str]:
    accent = ""
    for suffix in _ACCENTS:
        if name.endswith(suffix) and len(name) > len(suffix):
            accent, name = suffix[1:], name[: -len(suffix)]
    base, _, sub = name.partition("_")
    digits = re.fullmatch(r"([A-Za-z]+?)(\d+)", base)
    if digits and not sub:
        base, sub = digits.group(1), digits.group(2)
    return base, sub, accent


def role(name: str) -> tuple[str, str, str]:
    """(base, significant subscript, accent): index subscripts such as i, t, B, ni are dropped;
    digits (β₁) and labels (v_new, y_train, σ_He: three letters or more, or a capitalised
    word) are kept."""
    base, sub, accent = _split(name)
    label = sub in _LABELS or len(sub) >= 3 or bool(re.fullmatch(r"[A-Z][a-z]+", sub))
    significant = sub if sub.isdigit() or label else ""
    return base, significant, accent


def full_role(name: str) -> tuple[str, str, str]:
    return _split(name)


def _shape(node: Node) -> str:
    """The left-hand side with every symbol replaced by its role: `x_ni_hat` → `x̂`-shape."""
    if isinstance(node, Sym):
        base, sub, accent = role(node.name)
        return f"<{base}|{sub}|{accent}>"
    if isinstance(node, Num):
        return node.text
    if isinstance(node, BinOp):
        return f"({_shape(node.left)}{node.op}{_shape(node.right)})"
    if isinstance(node, Call):
        return f"{node.func}({','.join(_shape(a) for a in node.args)})"
    return to_text(node)


def target(lhs: Node) -> bool:
    """Whether a left-hand side names a quantity a rule can define (x, σ², σ'(x), ∂E/∂w)."""
    if isinstance(lhs, Sym):
        return True
    if isinstance(lhs, BinOp) and lhs.op == "^":
        return isinstance(lhs.left, Sym) and isinstance(lhs.right, Num)
    return isinstance(lhs, Call) and lhs.func == "diff"


def _symbols_in_order(node: Node) -> list[str]:
    return [item.name for item in walk(node) if isinstance(item, Sym)]


@dataclass(frozen=True)
class Binding:
    rule: Rule
    names: dict[str, str]  # note symbol -> rule symbol
    coverage: float


def _compatible(note: str, ruled: str, rule: Rule, defined_side: bool = False) -> int:
    """0 if the names cannot bind; else a rank: 3 by role, 2 ignoring case, 1 by synonym.

    On the defined side (the left-hand side) a label does not stop a note's `y_train` from
    being checked against an unlabelled rule's `y`; among the symbols it does (v_new is not v).
    """
    if ruled in rule.defined:
        # A defined symbol binds only to itself: η_t not to η (Adam without bias correction is
        # a mistake, not a spelling); m̂ to m̂_t, the time index aside.
        (nb, ns, na), (rb, rs, ra) = full_role(note), full_role(ruled)
        return 3 if (nb, na) == (rb, ra) and (not rs or ns == rs) else 0
    a, b = role(note), role(ruled)
    if defined_side and not b[1] and not a[1].isdigit():
        a = (a[0], "", a[2])  # a label (y_train) does not stop it being the unlabelled rule
    if a == b:
        return 3
    if a[1:] == b[1:] and a[0].lower() == b[0].lower():
        return 2
    if a[1:] == b[1:] and any(a[0] in group and b[0] in group for group in SYNONYMS):
        return 1
    return 0


def bind(lhs: Node, rhs: Node, rule: Rule) -> Binding | None:
    """How the note's `lhs = rhs` maps onto `rule`, or None if it is not that rule."""
    if _shape(lhs) != _shape(rule.lhs):
        # same shape up to the symbols' names (a synonym may name the defined quantity: θ for w)
        if not (isinstance(lhs, Sym) and isinstance(rule.lhs, Sym)):
            return None
        if _compatible(lhs.name, rule.lhs.name, rule, defined_side=True) == 0:
            return None
    names: dict[str, str] = {}
    for note_name, rule_name in zip(
        _symbols_in_order(lhs), _symbols_in_order(rule.lhs), strict=False
    ):
        if names.get(note_name, rule_name) != rule_name:
            return None
        names[note_name] = rule_name
    rule_rhs = free_symbols(rule.rhs)
    pending = sorted(free_symbols(rhs) - set(names))
    for rank in (3, 2, 1, 1):  # synonyms twice: μ taking α leaves ε only η
        for note_name in list(pending):
            # one rule symbol may be bound twice by the same quantity at two steps (V_t, V_{t-1})
            same = {r for n, r in names.items() if role(n)[0].lower() == role(note_name)[0].lower()}
            free = [r for r in sorted(rule_rhs) if r not in names.values() or r in same]
            fits = [r for r in free if _compatible(note_name, r, rule) == rank]
            if len(fits) > 1 and rank < 3:
                continue  # ambiguous: leave it unbound rather than guess
            if fits:
                exact = next((r for r in fits if r == note_name), fits[0])
                names[note_name] = exact
                pending.remove(note_name)
    if pending:
        return None
    bound_rhs = {names[n] for n in free_symbols(rhs)} & rule_rhs
    needed = 1 if isinstance(rule.lhs, Call) else 2
    if len(bound_rhs) < needed:
        return None
    coverage = len(bound_rhs) / max(1, len(rule_rhs))
    if coverage < 0.5:
        return None
    return Binding(rule, names, coverage)


def candidates(lhs: Node, rhs: Node, rules: Iterable[Rule]) -> list[Binding]:
    """The rules the note's equation is recognised as, best covered first (bank keys first)."""
    if not target(lhs):
        return []
    found = [b for rule in rules if (b := bind(lhs, rhs, rule)) is not None]
    return sorted(found, key=lambda b: (-b.coverage, b.rule.entry is not None, b.rule.expanded))
