"""`to_latex` typesets formulas as the course writes them; every bank formula renders."""

from __future__ import annotations

import pytest

from eprep.grammar import parse, to_latex


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        (
            "sigmoid(x)*(1-sigmoid(x))",
            r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)",
        ),
        ("(H + 2*P - F)/S + 1", r"\frac{H + 2 P - F}{S} + 1"),
        ("lr*m_hat/(sqrt(v_hat)+eps)", r"\frac{\mathrm{lr} \hat{m}}{\sqrt{\hat{v}} + \varepsilon}"),
        ("beta_1*m + (1-beta_1)*g", r"\beta_{1} m + \left(1 - \beta_{1}\right) g"),
        ("W1", "W_{1}"),
        ("x_max", r"x_{\mathrm{max}}"),
        ("-x^2", "-x^{2}"),  # the grammar reads -x^2 as -(x^2)
        ("(-x)^2", r"\left(-x\right)^{2}"),
        ("x*2", r"x \cdot 2"),
        ("x*-y", r"x \left(-y\right)"),
        ("a - (b - c)", r"a - \left(b - c\right)"),
        ("a - (-b)", r"a - \left(-b\right)"),
        ("1e-7", "10^{-7}"),
        ("2.5e-3", r"2.5 \times 10^{-3}"),
        ("2^-1", "2^{-1}"),
        ("2^3^2", "2^{3^{2}}"),
        ("exp(x)^2", r"\left(\exp\left(x\right)\right)^{2}"),
        ("diff(tanh(x), x)", r"\frac{d}{dx}\left(\tanh\left(x\right)\right)"),
        ("diff(x^3, x, 2)", r"\frac{d^{2}}{dx^{2}}\left(x^{3}\right)"),
        ("log(p, 2)", r"\log_{2}\left(p\right)"),
        ("abs(w)", r"\left|w\right|"),
        ("max(0, x)", r"\max\left(0, x\right)"),
        ("lam/2*w^2", r"\frac{\lambda}{2} w^{2}"),
        ("pi*e", r"\pi e"),
    ],
)
def test_typesetting(text: str, latex: str) -> None:
    assert to_latex(parse(text)) == latex


def test_every_bank_formula_renders_to_mathml() -> None:
    # The site typesets keys, mistakes, formula options and solution steps: none may fail.
    from eprep.questions.loader import load_bank
    from eprep.site.markup import tex_to_mathml

    bank = load_bank([])
    count = 0
    for question in bank.questions:
        variant = question.variant(0)
        formulas = [question.answer, question.start, *question.solution]
        formulas += [m.answer for m in question.mistakes]
        formulas += [o.formula for o in question.options if getattr(o, "formula", None)]
        for formula in filter(None, formulas):
            if question.kind in ("numeric", "choice") and not question.variables:
                continue  # shown as numbers, not formulas
            node = parse(variant.bind(formula), variables=set(question.variables) or None)
            tex_to_mathml(to_latex(node), where=question.id)
            count += 1
    assert count > 50
