"""Math typesetting on the site (issue 14): a bundled OpenType MATH font, and MathML that Chromium
sets well — hats as accents, primes at full size beside their base, a sign after `=` or `(` as a
prefix, limits under and over `∑` in a formula that stands on its own."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from eprep.site.markup import tex_to_mathml

STATIC = Path(__file__).resolve().parents[2] / "eprep" / "site" / "static"
NS = "{http://www.w3.org/1998/Math/MathML}"


def _tree(tex: str, **options) -> ET.Element:
    # the MathML alone: without the search attribute and the one-line reading beside it
    mathml = tex_to_mathml(tex, **options).split("</math>")[0] + "</math>"
    return ET.fromstring(mathml.replace(" data-pagefind-ignore", ""))


def _all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(NS + tag))


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


# --- the MathML itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("tex", [r"\hat{x}", r"\hat{m}_t", r"\hat v_t", r"\tilde{x}"])
def test_hats_are_non_stretching_spacing_accents(tex):
    (over,) = _all(_tree(tex), "mover")
    assert over.get("accent") == "true"
    accent = over[1]
    assert accent.tag == NS + "mo"
    # U+02C6 / U+02DC are the spacing accents; ASCII ^ and ~ are stretched into hollow wide marks
    assert accent.text in ("\u02c6", "\u02dc"), repr(accent.text)
    assert accent.get("stretchy") == "false"


def test_widehat_still_stretches():
    (over,) = _all(_tree(r"\widehat{xyz}"), "mover")
    assert over[1].get("stretchy") != "false"


@pytest.mark.parametrize("tex", ["f'(x)", "f''(x)", r"x^{\prime}", r"\sigma'(a)"])
def test_a_prime_sits_beside_its_base_at_full_size(tex):
    root = _tree(tex)
    for sup in _all(root, "msup"):
        assert not re.fullmatch(r"[′″‴']+", _text(sup[1]).strip()), "prime set as a superscript"
    primes = [e for e in root.iter() if e.text and e.text.strip() in ("′", "″")]
    assert len(primes) == 1
    assert primes[0].tag == NS + "mo"
    assert primes[0].get("lspace") == "0" and primes[0].get("rspace") == "0"


def _signs(tex: str) -> list[str | None]:
    return [mo.get("form") for mo in _all(_tree(tex), "mo") if mo.text in ("−", "+")]


@pytest.mark.parametrize(
    ("tex", "forms"),
    [
        ("-x", ["prefix"]),
        ("y = -x", ["prefix"]),
        ("(-x)", ["prefix"]),
        (r"\left( -x \right)", ["prefix"]),
        ("a, -1", ["prefix"]),
        ("e^{-x}", ["prefix"]),
        ("a - b", [None]),
        ("f(x) - 1", [None]),
        ("x^2 - 1", [None]),
        ("-a - b", ["prefix", None]),
        ("y = -a + b", ["prefix", None]),
    ],
)
def test_unary_signs_are_prefix_operators_and_binary_ones_stay(tex, forms):
    assert _signs(tex) == forms


def test_a_slash_is_not_spaced_like_a_relation():
    (slash,) = [mo for mo in _all(_tree(r"\partial L / \partial w"), "mo") if mo.text == "/"]
    assert slash.get("lspace") == "0" and slash.get("rspace") == "0"


def test_sum_limits_go_under_and_over():
    root = _tree(r"\sum_{i=1}^{n} x_i", standalone=True)
    (under_over,) = _all(root, "munderover")
    assert under_over[0].text == "∑" and under_over[0].get("movablelimits") == "true"
    assert root.get("displaystyle") == "true"
    # in running text the same formula keeps TeX's side scripts (movablelimits, no displaystyle)
    inline = _tree(r"\sum_{i=1}^{n} x_i")
    assert inline.get("displaystyle") is None and _all(inline, "munderover")
    (under,) = _all(_tree(r"\max_i z_i", standalone=True), "munder")
    assert under[0].text == "max"


def test_built_pages_have_no_unmended_math(built_site):
    """Across every built page: no ASCII hat, no superscript prime, no `= −` spaced as binary."""
    bad_hat = re.compile(r'<mover accent="true">(?:(?!</mover>).)*<mo>\^</mo>', re.S)
    bad_prime = re.compile(r"<msup>(?:(?!</msup>).)*<m[io]>(?:′|&#x02032;)</m[io]></msup>", re.S)
    bad_sign = re.compile(r"<mo>(?:=|&#x0003D;)</mo><mo>(?:−|&#x02212;)</mo>")
    seen_hat = 0
    for path in sorted(built_site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(built_site))
        assert not bad_hat.search(text), name
        assert not bad_prime.search(text), name
        assert not bad_sign.search(text), name
        seen_hat += text.count('<mo stretchy="false">ˆ</mo>')
    assert seen_hat > 20  # the bank's m̂, v̂, x̂ are there, so the scan saw them


# --- the font ------------------------------------------------------------------------------------


def test_the_site_ships_the_math_font_and_its_licence(built_site):
    fonts = built_site / "static" / "fonts"
    font = fonts / "latinmodern-math.otf"
    assert font.read_bytes() == (STATIC / "fonts" / "latinmodern-math.otf").read_bytes()
    data = font.read_bytes()
    assert data[:4] == b"OTTO"  # OpenType with CFF outlines
    # the table directory lists a MATH table: it is a math font, not a text font
    tables = {data[12 + 16 * i : 16 + 16 * i] for i in range(int.from_bytes(data[4:6], "big"))}
    assert b"MATH" in tables
    licence = (fonts / "GUST-FONT-LICENSE.txt").read_text(encoding="utf-8")
    assert "GUST Font License" in licence and "LaTeX Project Public License" in licence
    assert "Latin Modern Math" in (fonts / "README-Latin-Modern-Math.txt").read_text("utf-8")
    css = (built_site / "static" / "style.css").read_text(encoding="utf-8")
    face = re.search(r"@font-face\s*\{([^}]*)\}", css).group(1)
    family = re.search(r'font-family:\s*"([^"]+)"', face).group(1)
    url = re.search(r'url\("([^"]+)"\)', face).group(1)
    assert (built_site / "static" / url).resolve() == font.resolve()
    assert re.search(r'(?m)^math \{ font-family: "' + re.escape(family) + '"', css)


def test_the_font_is_package_data():
    import tomllib

    pyproject = tomllib.loads((STATIC.parents[2] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    assert "*.otf" in patterns and "*.txt" in patterns and "*.md" in patterns


# --- in Chromium ---------------------------------------------------------------------------------

GEOMETRY_JS = """() => {
  const box = e => e.getBoundingClientRect();
  const out = {};
  for (const p of document.querySelectorAll('p[id]')) {
    const mos = [...p.querySelectorAll('mo, mi')];
    const d = {};
    const prime = mos.find(o => o.textContent.trim() === '\u2032');
    if (prime) {
      d.primeSize = parseFloat(getComputedStyle(prime).fontSize);
      d.baseSize = parseFloat(getComputedStyle(p.querySelector('mi')).fontSize);
    }
    const minus = mos.find(o => o.textContent === '\u2212');
    if (minus) d.minusGap = box(minus.nextElementSibling).left - box(minus).right;
    const sum = mos.find(o => o.textContent === '\u2211');
    if (sum) {
      const top = sum.parentElement.children[2], s = box(sum), t = box(top);
      d.limitAbove = t.bottom <= s.top + 1 && t.left >= s.left - 1 && t.right <= s.right + 1;
    }
    d.fontSize = parseFloat(getComputedStyle(p).fontSize);
    out[p.id] = d;
  }
  return out;
}"""

CASES = {"hat": r"\hat{x}_t + \hat{m}_t", "prime": "f'(x)", "minus": "y = -x",
         "sum": r"\sum_{i=1}^{n} x_i"}  # fmt: skip


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_loads_the_font_and_sets_the_math_well(built_site, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto((built_site / "en" / "topics" / "day2.optimizers.html").resolve().as_uri())
    page.evaluate("document.fonts.ready")
    faces = page.evaluate(
        """async () => {
          await document.fonts.ready;
          return [...document.fonts].map(f => [f.family.replace(/"/g, ''), f.status]);
        }"""
    )
    assert ["eprep Math", "loaded"] in faces, faces
    used = page.evaluate(
        """() => document.fonts.check('16px "eprep Math"', '\u2211')
             && getComputedStyle(document.querySelector('math')).fontFamily"""
    )
    assert used and used.startswith('"eprep Math"'), used
    hat = page.locator("math:has(mover)").first
    hat.scroll_into_view_if_needed()
    screenshot(page, f"math-{width}-optimizers")

    # a page of the site's own MathML beside the site's stylesheet
    folder = built_site.parent / f"math-{width}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(built_site / "static", folder / "static")
    rows = "".join(
        f'<p id="{name}">{tex_to_mathml(tex, standalone=True)}</p>' for name, tex in CASES.items()
    )
    (folder / "math.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="static/style.css"></head>'
        f'<body style="font-size: 32px">{rows}</body></html>',
        encoding="utf-8",
    )
    page.goto((folder / "math.html").resolve().as_uri())
    page.evaluate("document.fonts.ready")
    found = page.evaluate(GEOMETRY_JS)
    assert found["prime"]["primeSize"] == pytest.approx(found["prime"]["baseSize"])
    assert found["minus"]["minusGap"] < 0.05 * found["minus"]["fontSize"]  # no binary space
    assert found["sum"]["limitAbove"]
    screenshot(page, f"math-{width}-cases")


@pytest.mark.parametrize(
    ("tex", "line"),
    [
        (r"\sigma(x) = \frac{1}{1+e^{-x}}", "σ(x) = 1/(1+e⁻ˣ)"),
        (r"\hat{m}_t = \frac{m_t}{1-\beta_1^t}", "m̂ₜ = mₜ/(1−β₁ᵗ)"),
        (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
        (r"\sqrt{2/n}", "√(2/n)"),
        (r"x_{ij}^{(l)}", "xᵢⱼ^(l)"),
    ],
)
def test_search_reads_a_formula_as_one_line(tex, line):
    from eprep.site.mathml import reading

    html = tex_to_mathml(tex)
    assert reading(html.split("<span")[0].replace(" data-pagefind-ignore", "")) == line
    assert f'<span class="math-text" aria-hidden="true">{line}</span>' in html
    assert html.startswith("<math data-pagefind-ignore ")
