"""The built site: links, titles, languages, math, determinism, errors."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from eprep.errors import EprepError

FIXTURE_BANK = Path(__file__).resolve().parent / "fixtures" / "bank"


class _Scan(HTMLParser):
    """Collects links, the <html lang>, the <title> and the visible text outside code/scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.lang = None
        self.title = ""
        self.text: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag not in ("meta", "link", "input", "img", "br"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if "title" in self._stack:
            self.title += data
        elif not {"script", "code", "pre", "style", "math"} & set(self._stack):
            self.text.append(data)


def _scan(path: Path) -> _Scan:
    scan = _Scan()
    scan.feed(path.read_text(encoding="utf-8"))
    return scan


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


@pytest.fixture(scope="module")
def scans(built_site) -> dict[Path, _Scan]:
    """Every page parsed once."""
    return {path: _scan(path) for path in _pages(built_site)}


def test_every_internal_link_resolves(built_site, scans):
    broken = []
    for path, scan in scans.items():
        for link in scan.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("#"):
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.exists() or not target.is_relative_to(built_site.resolve()):
                broken.append(f"{path.relative_to(built_site)} -> {link}")
    assert not broken, broken
    assert len(_pages(built_site)) > 20


def test_every_page_has_a_title_and_its_language(built_site, scans):
    for path, scan in scans.items():
        assert scan.title.strip(), path
        expected = path.relative_to(built_site).parts[0] if path.parent != built_site else "en"
        assert scan.lang == expected, path


def test_no_raw_math_or_latex_left(scans):
    dollar = re.compile(r"\$[^$\s][^$]*\$")
    command = re.compile(r"\\[A-Za-z]+")
    for path, scan in scans.items():
        text = " ".join(scan.text)
        assert not dollar.search(text), (path, dollar.search(text).group(0))
        assert not command.search(text), (path, command.search(text).group(0))
        html = path.read_text(encoding="utf-8")
        # LaTeX shown as code on purpose (the notation guide) is not left-over math.
        html = re.sub(r"<(code|pre)\b.*?</\1>", "", html, flags=re.S)
        # Inside MathML too: latex2mathml leaves unknown commands as <mi>\foo</mi>.
        assert not re.search(r">\\[A-Za-z]+<", html), path


def test_formula_sheet_and_pages_exist(built_site, bank):
    for lang in ("en", "ja"):
        for question in bank.questions:
            assert (built_site / lang / "questions" / f"{question.id}.html").is_file()
        day_page = (built_site / lang / "days" / "fixture1.html").read_text(encoding="utf-8")
        assert day_page.count("<math") == 2  # the two [[formula]] entries of the fixture topic
    traps = (built_site / "en" / "traps.html").read_text(encoding="utf-8")
    trap_ids = [q.id for q in bank.questions if q.trap is not None]
    assert trap_ids
    for question_id in trap_ids:
        assert f"questions/{question_id}.html" in traps
    assert "fixture1.activations.relu-gradient" not in traps
    ja = (built_site / "ja" / "questions" / "fixture2.cnn.output-height.html").read_text(
        encoding="utf-8"
    )
    assert "出力の高さは" in ja


def _digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(bank, built_site, tmp_path):
    from eprep.site.build import build_site

    again = tmp_path / "again"
    build_site(bank, again, examples_dir=None, search=True)
    assert _digest(again) == _digest(built_site)


def test_expression_test_points_match_an_independent_oracle(built_site):
    import math

    html = (
        built_site / "en" / "questions" / "fixture1.activations.sigmoid-derivative.html"
    ).read_text("utf-8")
    raw = re.search(
        r'<script type="application/json" class="check-data">(.*?)</script>', html
    ).group(1)
    data = json.loads(raw)
    assert data["variables"] == ["x"] and len(data["points"]) == 8

    def sigmoid(x: float) -> float:
        return 1 / (1 + math.exp(-x))

    for point, key, sign_slip, missing in zip(
        data["points"], data["key"], *data["mistakes"], strict=True
    ):
        x = point["x"]
        # d/dx 1/(1+e^-x) = e^-x/(1+e^-x)^2, derived by hand: independent of the key's form.
        assert math.isclose(key, math.exp(-x) / (1 + math.exp(-x)) ** 2, rel_tol=1e-12)
        assert math.isclose(sign_slip, sigmoid(x) * (1 + sigmoid(x)), rel_tol=1e-12)
        assert math.isclose(missing, 1 - sigmoid(x), rel_tol=1e-12)


def test_numeric_key_matches_the_variant(built_site, bank):
    question = bank.get("fixture2.cnn.output-height")
    values = question.variant(0).values
    html = (built_site / "en" / "questions" / f"{question.id}.html").read_text("utf-8")
    data = json.loads(re.search(r'class="check-data">(.*?)</script>', html).group(1))
    # Output height counted by sliding the filter over the padded input (not by the formula).
    padded, positions = values["H"] + 2 * values["P"], 0
    start = 0
    while start + values["F"] <= padded:
        positions, start = positions + 1, start + values["S"]
    assert data["key"] == positions
    assert data["mistakes"] == [positions - 1]
    assert f"$H={values['H']}$" not in html and f"<mn>{values['H']}</mn>" in html


def _bank_with(tmp_path: Path, prompt: str) -> Path:
    root = tmp_path / "bank" / "broken"
    root.mkdir(parents=True)
    text = (FIXTURE_BANK / "fixture1" / "activations.toml").read_text(encoding="utf-8")
    text = text.replace("fixture1.", "broken.")
    text = text.replace(
        'prompt.en = "What is the derivative', f'prompt.en = "{prompt} What is the derivative', 1
    )
    (root / "activations.toml").write_text(text, encoding="utf-8")
    return tmp_path / "bank"


def test_unrenderable_formula_fails_naming_question_and_formula(tmp_path):
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    # refused when the bank is loaded (eprep/questions/latex.py), before any page is built
    with pytest.raises(EprepError) as error:
        bank = load_bank([_bank_with(tmp_path, "$\\\\notacommand x$")], bundled=False)
        build_site(bank, tmp_path / "out", examples_dir=None, search=False)
    message = str(error.value)
    assert "broken.activations.relu-gradient" in message and "\\notacommand" in message
    assert "\n" not in message


def test_text_inside_math_is_escaped(tmp_path):
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    bank = load_bank([_bank_with(tmp_path, "$\\\\text{<script>alert(1)</script>}$")], bundled=False)
    build_site(bank, tmp_path / "out", examples_dir=None, search=False)
    html = (
        tmp_path / "out" / "en" / "questions" / "broken.activations.relu-gradient.html"
    ).read_text("utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_example_outputs_show_when_cached_and_not_otherwise(tmp_path):
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    bank = load_bank([FIXTURE_BANK], bundled=False)

    cache = tmp_path / "examples" / "dropout"
    cache.mkdir(parents=True)
    (cache / "result.json").write_text(json.dumps({"claim": "inverted dropout keeps the mean"}))
    (cache / "curve.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    )
    build_site(bank, tmp_path / "with", examples_dir=tmp_path / "examples", search=False)
    topic = (tmp_path / "with" / "en" / "topics" / "fixture2.cnn.html").read_text("utf-8")
    # the topic links the example's own page, which shows the plot
    assert "inverted dropout keeps the mean" in topic and "../examples/dropout.html" in topic
    example = (tmp_path / "with" / "en" / "examples" / "dropout.html").read_text("utf-8")
    assert "static/examples/dropout/curve.svg" in example
    assert (tmp_path / "with" / "static" / "examples" / "dropout" / "curve.svg").is_file()
    other = (tmp_path / "with" / "en" / "topics" / "fixture1.activations.html").read_text("utf-8")
    assert "inverted dropout" not in other
    build_site(bank, tmp_path / "without", examples_dir=tmp_path / "absent", search=False)
    assert (
        'class="example-links"'
        not in (tmp_path / "without" / "en" / "topics" / "fixture2.cnn.html").read_text()
    )
    assert not (tmp_path / "without" / "en" / "examples").exists()


def test_cli_refuses_a_foreign_folder_and_rebuilds_its_own(tmp_path, monkeypatch):
    from eprep.cli import main

    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path / "cache"))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    runner = CliRunner()
    args = ["site", "build", "--bank", str(FIXTURE_BANK), "--lang", "en", "--no-search"]
    # refused at once, before any example runs (it used to run them all in full first)
    result = runner.invoke(main, [*args, "-o", str(foreign)])
    assert result.exit_code == 2
    assert result.stderr.startswith("eprep: error:") and "not empty" in result.stderr
    assert not (tmp_path / "cache").exists()
    args.extend(["--run-examples", "none"])  # the folder handling is the point here
    assert (foreign / "notes.txt").read_text() == "mine"
    out = tmp_path / "out"
    for _ in range(2):
        result = runner.invoke(main, [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert (out / "en" / "index.html").is_file() and not (out / "ja").exists()


def test_serve_refuses_a_folder_without_a_site(tmp_path):
    from eprep.cli import main

    result = CliRunner().invoke(main, ["site", "serve", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2 and "no built site" in result.stderr
