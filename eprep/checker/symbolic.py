"""AST -> SymPy, built node by node (never sympify/parse_expr), plus proof and exact evaluation."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from fractions import Fraction

import sympy

from eprep.checker.domains import Domain
from eprep.grammar.functions import FUNCTIONS_TABLE
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym

DomainKey = tuple[tuple[str, Domain], ...]
LARGE_EXPONENT = 100  # above this, no expansion (the float evaluator's cap, GRAMMAR.md)

# SymPy's function for each function of the grammar's table that has one.
_SYMPY = {name: getattr(sympy, info.sympy) for name, info in FUNCTIONS_TABLE.items() if info.sympy}


@functools.lru_cache(maxsize=4096)
def symbol(name: str, domain: Domain | None) -> sympy.Symbol:
    assumptions = domain.assumptions() if domain is not None else {"real": True}
    return sympy.Symbol(name, **assumptions)


@functools.lru_cache(maxsize=4096)
def to_sympy(node: Node, domains: DomainKey) -> sympy.Expr:
    """The SymPy expression of `node`, its symbols carrying the assumptions of `domains`."""
    return _Builder(dict(domains)).build(node)


class _Builder:
    def __init__(self, domains: Mapping[str, Domain]) -> None:
        self.domains = domains

    def sym(self, name: str) -> sympy.Symbol:
        return symbol(name, self.domains.get(name))

    def build(self, node: Node) -> sympy.Expr:
        if isinstance(node, Num):
            # The literal's decimal text is exact: 0.1 is 1/10, 1e-7 is 1/10^7.
            frac = Fraction(node.text if node.text[0] != "." else "0" + node.text)
            return sympy.Rational(frac.numerator, frac.denominator)
        if isinstance(node, Sym):
            return self.sym(node.name)
        if isinstance(node, Const):
            return sympy.pi if node.name == "pi" else sympy.E
        if isinstance(node, Neg):
            return -self.build(node.operand)
        if isinstance(node, BinOp):
            a, b = self.build(node.left), self.build(node.right)
            if node.op == "+":
                return a + b
            if node.op == "-":
                return a - b
            if node.op == "*":
                return a * b
            if node.op == "/":
                return a / b
            return a**b
        assert isinstance(node, Call)
        return self.call(node)

    def call(self, node: Call) -> sympy.Expr:
        func = node.func
        if func == "diff":
            body = self.build(node.args[0])
            var = node.args[1]
            assert isinstance(var, Sym)
            order = int(node.args[2].value) if len(node.args) == 3 else 1  # type: ignore[union-attr]
            result = sympy.diff(body, self.sym(var.name), order)
            # d/dx floor(u) is 0 wherever it exists; SymPy leaves it unevaluated.
            return result.replace(
                lambda e: (
                    isinstance(e, sympy.Derivative)
                    and isinstance(e.expr, (sympy.floor, sympy.ceiling))
                ),
                lambda e: sympy.S.Zero,
            )
        args = [self.build(arg) for arg in node.args]
        if func == "log":
            return sympy.log(args[0]) / sympy.log(args[1]) if len(args) == 2 else sympy.log(args[0])
        if func == "sigmoid":
            return 1 / (1 + sympy.exp(-args[0]))
        if func == "softplus":
            return sympy.log(1 + sympy.exp(args[0]))
        if func in _SYMPY:
            return _SYMPY[func](*args)
        # A function the question declares: an undefined SymPy function of its arguments.
        return sympy.Function(func, real=True)(*args)


def interval_substitution(domains: DomainKey) -> dict[sympy.Symbol, sympy.Expr]:
    """Rewrite each bounded interval variable through a positive one, so SymPy knows the bounds.

    r in (a, b) becomes a + (b - a) * u / (1 + u) with u > 0; r in (a, oo) becomes a + u.
    """
    mapping: dict[sympy.Symbol, sympy.Expr] = {}
    for name, domain in domains:
        if domain.name != "interval":
            continue
        u = sympy.Dummy(f"{name}_u", positive=True)
        lo = _exact(domain.lo)
        if math.isinf(domain.lo) and math.isinf(domain.hi):
            continue
        if math.isinf(domain.hi):
            mapping[symbol(name, domain)] = lo + u
        elif math.isinf(domain.lo):
            mapping[symbol(name, domain)] = _exact(domain.hi) - u
        else:
            mapping[symbol(name, domain)] = lo + (_exact(domain.hi) - lo) * u / (1 + u)
    return mapping


def _positive_gaps(expr: sympy.Expr, domains: DomainKey) -> dict[sympy.Expr, sympy.Dummy]:
    """`1 - b**t` -> a positive symbol, for b in an interval inside [0, 1) and t > 0.

    SymPy cannot see that such a gap is positive (Adam's bias corrections); naming it lets
    sqrt and powers of it split.
    """
    dom = dict(domains)
    gaps: dict[sympy.Expr, sympy.Dummy] = {}
    for power in expr.atoms(sympy.Pow):
        base = power.base
        if not isinstance(base, sympy.Symbol) or base.name not in dom:
            continue
        domain = dom[base.name]
        inside = domain.name == "interval" and domain.lo >= 0
        below_one = domain.hi < 1 or (domain.hi == 1 and not domain.hi_closed)
        if inside and below_one and power.exp.is_positive:
            gaps[1 - power] = sympy.Dummy("gap", positive=True)
    return gaps


def _exact(value: float) -> sympy.Expr:
    frac = Fraction(value).limit_denominator(10**9)
    if float(frac) == value:
        return sympy.Rational(frac.numerator, frac.denominator)
    return sympy.Float(value, 30)


def prove_zero(difference: sympy.Expr, domains: DomainKey) -> bool:
    """True when SymPy shows `difference` is identically 0 on the domains (cheap attempts first).

    Every rewrite used is valid under the symbols' assumptions, so a 0 is a proof.
    """
    if difference == 0:
        return True
    if any(p.exp.is_Integer and abs(p.exp) > LARGE_EXPONENT for p in difference.atoms(sympy.Pow)):
        # (x - a)^6000 - (a - x)^6000: expanding would never end; signs are all we can align.
        return sympy.signsimp(difference) == 0
    if sympy.expand(difference) == 0:
        return True
    if difference.has(sympy.exp, sympy.tanh, sympy.sinh, sympy.cosh, sympy.sin, sympy.cos):
        rewritten = difference.rewrite(sympy.exp)
        if sympy.cancel(sympy.expand(rewritten)) == 0:
            return True
    gaps = _positive_gaps(difference, domains)
    if gaps and sympy.simplify(difference.subs(gaps)) == 0:
        return True
    substitution = interval_substitution(domains)
    if difference.has(sympy.log) and _expand_logs(difference, substitution) == 0:
        return True
    if sympy.simplify(difference) == 0:
        return True
    if substitution:
        return sympy.simplify(difference.xreplace(substitution)) == 0
    return False


def _expand_logs(expr: sympy.Expr, substitution: dict) -> sympy.Expr:
    """Split logs of products where SymPy can see the factors are positive."""
    if substitution:
        expr = expr.xreplace(substitution)
    expr = expr.replace(
        lambda e: isinstance(e, sympy.log),
        lambda e: sympy.log(sympy.factor(sympy.together(e.args[0]))),
    )
    return sympy.cancel(sympy.expand(sympy.expand_log(expr, force=False)))


def exact_value(expr: sympy.Expr, point: Mapping[str, float], domains: DomainKey):
    """`expr` at `point` as a 40-digit real SymPy Float; None where it has no real finite value."""
    dom = dict(domains)
    subs = {symbol(name, dom.get(name)): _exact(value) for name, value in point.items()}
    try:
        value = expr.xreplace(subs).evalf(40)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if not value.is_number or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    real, imag = value.as_real_imag()
    if imag != 0 and abs(imag) > 1e-30 * max(abs(real), 1):
        return None
    if not real.is_finite:
        return None
    return sympy.Float(real, 40)


def same_value(a, b) -> bool:
    """Two 40-digit values equal up to rounding in the last ~15 digits."""
    return bool(abs(a - b) <= sympy.Float("1e-25", 40) * max(abs(a), abs(b), sympy.Float(1e-30)))
