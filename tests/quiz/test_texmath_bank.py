"""Every LaTeX construct the bundled bank uses reads as plain Unicode in the terminal, and a
construct eprep cannot show is refused when the bank is loaded (one line, naming the question)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from eprep.questions import BankError, load_bank
from eprep.questions.latex import KNOWN, OPERATORS, STRUCTURE, SYMBOLS, unknown_constructs
from eprep.quiz.render import render_markdown
from eprep.quiz.texmath import tex_to_unicode

from .conftest import run_eprep

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def _bank_texts() -> Iterator[tuple[str, str]]:
    """(where, Markdown) for every learner-facing text of the bundled bank, en and ja."""
    bank = load_bank()
    for question in bank:
        for exam in (False, True):
            variant = question.variant(0, exam=exam)
            for lang in ("en", "ja"):
                texts = [question.title, question.prompt, question.explanation, question.trap]
                options = (*question.options, *(o for b in question.blanks for o in b.options))
                texts += [o.text for o in options] + [o.feedback for o in options]
                texts += [m.feedback for m in question.mistakes]
                for text in texts:
                    if text is not None:
                        yield f"{question.id} ({lang})", variant.render(text, lang)
    for topic in bank.topics:
        for formula in topic.formulas:
            yield f"{topic.key} formula sheet", f"${formula.tex}$"


def _leaks(tex: str, shown: str) -> list[str]:
    """What in `shown` (the terminal's rendering of `tex`) is still LaTeX syntax."""
    problems = []
    if "\\" in shown:
        problems.append("a backslash")
    sets = tex.count("\\begin{cases}")  # a cases environment reads {x (x > 0); 0 (x ≤ 0)}
    if shown.count("{") > tex.count("\\{") + sets or shown.count("}") > tex.count("\\}") + sets:
        problems.append("a brace that is not a set's")
    # x_b, x_(ij), x^(1/d) are the plain-text scripts; `_{`, `_ ` or a dangling `^` are not
    for match in re.finditer(r"[_^]", shown):
        after = shown[match.end() : match.end() + 1]
        before = shown[match.start() - 1 : match.start()]
        if not before.strip() or not (after == "(" or re.match(r"[^\W_]|\*", after)):
            problems.append(f"a stray {match.group(0)!r}")
        elif after == "(":
            depth, end = 0, None
            for j in range(match.end(), len(shown)):
                depth += {"(": 1, ")": -1}.get(shown[j], 0)
                if depth == 0:
                    end = j
                    break
            if end is None:
                problems.append(f"an unclosed {match.group(0)}(")
    if re.search(r"[\u23b4-\u23b5\u23dc-\u23e1]", shown):  # ⏟ ⏞ ⎴ ⎵: brace glyphs
        problems.append("a brace glyph")
    if re.search(r"[\ue000-\uf8ff]", shown):
        problems.append("a private-use placeholder")
    # a command's name showing as a word (`binom`, `mathcal`, `lVert`, `bigl`)
    plain = re.sub(r"\\[A-Za-z]+", " ", tex)
    for name in set(re.findall(r"\\([A-Za-z]+)", tex)) - OPERATORS - {"text", "mathrm"}:
        if re.search(rf"(?<![A-Za-z]){name}(?![A-Za-z])", shown) and name not in plain:
            problems.append(f"the command name {name!r}")
    if "ł" in shown and "ł" not in tex:
        problems.append("\\l read as ł")
    return problems


def test_every_bank_formula_renders_without_latex_in_the_terminal() -> None:
    failures = []
    count = 0
    for where, text in _bank_texts():
        for match in _MATH.finditer(_CODE.sub("", text)):
            tex = match.group(1) or match.group(2)
            count += 1
            problems = _leaks(tex, tex_to_unicode(tex))
            if problems:
                failures.append(f"{where}: ${tex.strip()}$ → {tex_to_unicode(tex)}: {problems}")
    assert count > 2000  # the walk really saw the bank's math
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_every_bank_text_renders_without_latex_outside_code() -> None:
    """The whole rendered text, not only its formulas: no `$`, no backslash outside code."""
    failures = []
    for where, text in _bank_texts():
        shown = _CODE.sub("", render_markdown(_CODE.sub("", text), color=False, width=0))
        if "\\" in shown or re.search(r"(?<!\\)\$", shown):
            failures.append(f"{where}: {shown[:120]!r}")
    assert not failures, "\n".join(failures[:20])


def test_the_bank_uses_only_known_constructs() -> None:
    unknown = {(where, c) for where, text in _bank_texts() for c in unknown_constructs(text)}
    assert not unknown


# Hand-written: what a reader of the LaTeX would write in plain text.
CASES = [
    # day2.optimizers.adam-lr-t: the underbraced part is named, not leaked as `⏟η …_(ηₜ)`
    (
        r"\underbrace{\eta\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}}_{\eta_t}\,\frac{m}{\sqrt v}",
        "[η √(1−β₂ᵗ)/(1−β₁ᵗ) = ηₜ] m/√v",
    ),
    (r"\overbrace{a+b}^{s}", "[a+b = s]"),
    (r"\binom{n}{2}p^2(1 - p)^{n-2}", "C(n, 2)p²(1 − p)ⁿ⁻²"),
    (r"\binom42 = 6", "C(4, 2) = 6"),
    (r"X \sim \mathcal N(\mu, \sigma^2)", "X ∼ 𝒩(μ, σ²)"),
    (r"\mathbb R^n", "ℝⁿ"),
    (r"\lVert A - B \rVert_F^2", "‖A − B‖_F²"),
    (r"\tanh\bigl(0.5\bigr) + \exp\Bigl(-x\Bigr)", "tanh(0.5) + exp(−x)"),
    (r"\overline{\hat{x}}", "x̂̅"),
    (r"e = r^{1/d}", "e = r^(1/d)"),  # no partial superscript `r¹^/ᵈ`
    (r"e^{ 3 } + n_A^{0.75}", "e³ + n_A^(0.75)"),
    (r"\frac{\lambda^k e^{-\lambda}}{k!}", "(λᵏ e^(−λ))/k!"),  # not `e⁽−λ)`
    (r"\frac{p(x,y)}{p(x)p(y)}", "p(x,y)/(p(x)p(y))"),  # a product below the line keeps it
    (r"\frac{a}{2\sigma^2}", "a/(2σ²)"),
    (r"0.4\ln\frac{0.4}{0.1}", "0.4 ln(0.4/0.1)"),
    (r"\operatorname{arg\,min}_w f", "arg min_w f"),
    (r"\langle x,y\rangle", "⟨x,y⟩"),  # not the wide CJK bracket 〈
    (
        r"\mathrm{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & x \le 0 \end{cases}",
        "ELU(x) = {x (x > 0); α (eˣ − 1) (x ≤ 0)}",
    ),
    (r"a \lesssim b", "a ≲ b"),
]


@pytest.mark.parametrize(("tex", "expected"), CASES)
def test_constructs(tex: str, expected: str) -> None:
    assert tex_to_unicode(tex) == expected


def test_adam_lr_t_question_reads_cleanly() -> None:
    question = load_bank().get("day2.optimizers.adam-lr-t")
    assert question is not None
    for lang in ("en", "ja"):
        shown = render_markdown(question.variant(0).explanation(lang), color=False, width=0)
        assert "⏟" not in shown and "underbrace" not in shown and "_(" not in shown
        assert "= ηₜ]" in shown


@pytest.mark.parametrize("name", sorted(SYMBOLS))
def test_every_symbol_of_the_vocabulary_renders(name: str) -> None:
    shown = tex_to_unicode(f"a \\{name} b")
    assert not _leaks(f"a \\{name} b", shown), shown
    assert name not in shown.replace("a", "", 1) or len(name) == 1


@pytest.mark.parametrize("name", sorted(set(STRUCTURE) - {"begin", "end"}))
def test_every_structure_command_renders(name: str) -> None:
    tex = f"\\{name}" + "{xy}" * STRUCTURE[name]
    shown = tex_to_unicode(tex)
    letters = "".join(c for c in unicodedata.normalize("NFKD", shown) if c.isascii())
    assert not _leaks(tex, shown) and "xy" in letters, shown


def test_vocabulary_holds_what_the_renderer_reads() -> None:
    assert {"frac", "underbrace", "binom", "lVert", "mathcal", "bigl"} <= KNOWN


BANK_TOML = """[topic]
title.en = "Hostile"
title.ja = "不正"
order = 1

[[question]]
id = "zz.hostile.unknown-latex"
kind = "choice"
title.en = "Unknown LaTeX"
title.ja = "未知の LaTeX"
difficulty = 1
tags = []
source = "a test"
concept = true
prompt.en = "Which is $\\\\fancyarrow{x}$?"
prompt.ja = "$x$ を選べ。"
explanation.en = "x."
explanation.ja = "x。"

[[question.options]]
text.en = "one"
text.ja = "一"
correct = true

[[question.options]]
text.en = "two"
text.ja = "二"
"""


def _hostile_bank(tmp_path: Path, toml: str = BANK_TOML) -> Path:
    root = tmp_path / "bank"
    (root / "zz").mkdir(parents=True)
    (root / "zz" / "hostile.toml").write_text(toml, encoding="utf-8")
    return root


def test_unknown_construct_is_refused_at_load(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EPREP_CACHE", "0")
    with pytest.raises(BankError) as caught:
        load_bank([_hostile_bank(tmp_path)], bundled=False)
    message = str(caught.value)
    assert "\n" not in message
    assert "zz.hostile.unknown-latex" in message and "\\fancyarrow" in message
    assert "hostile.toml:" in message


def test_unknown_environment_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EPREP_CACHE", "0")
    toml = BANK_TOML.replace("\\\\fancyarrow{x}", "\\\\begin{aligned} x \\\\end{aligned}")
    with pytest.raises(BankError, match=r"\\begin\{aligned\}"):
        load_bank([_hostile_bank(tmp_path, toml)], bundled=False)


def test_unknown_construct_cli_error_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run_eprep(["quiz", "zz", "--bank", str(_hostile_bank(tmp_path))], home)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "\\fancyarrow" in lines[0] and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "tex",
    [
        "x^{" * 400 + "2" + "}" * 400,
        "\\frac{" * 300 + "x" + "}{y}" * 300,
        "\\hat{" * 500 + "x" + "}" * 500,
    ],
)
def test_hostile_nesting_renders_without_crashing(tex: str) -> None:
    shown = tex_to_unicode(tex)  # a RecursionError here was a traceback in the quiz
    assert "x" in shown or "2" in shown


def test_every_command_of_the_vocabulary_is_one_the_site_renders() -> None:
    """The vocabulary promises both renderers: latex2mathml (the site) knows every command."""
    from latex2mathml.converter import convert

    from eprep.questions.latex import LAYOUT

    unknown = []
    for name in sorted(SYMBOLS | OPERATORS | LAYOUT):
        tex = f"\\{name}( x \\{name})" if name.startswith(("big", "Big")) else f"a \\{name} b"
        if name in ("left", "right"):
            tex = "\\left( x \\right)"
        if f"\\{name}" in convert(tex):
            unknown.append(name)
    for name, count in STRUCTURE.items():
        if name not in ("begin", "end") and f"\\{name}" in convert(f"\\{name}" + "{x}" * count):
            unknown.append(name)
    assert not unknown
