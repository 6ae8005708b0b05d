"""The examples speak Japanese too: claims, checks, table headers, the CLI and the site's pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from eprep.cli import main
from eprep.examples import Check, claim, load, names
from tests.tiny_bank import numeric_question

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Words a measurement may keep in both languages: names of methods, cells and libraries.
NAMES = {"sgd", "momentum", "adagrad", "rmsprop", "adam", "nesterov", "lstm", "rnn", "scikit",
         "learn", "ratio", "relu", "xavier"}  # fmt: skip


def test_a_check_needs_its_japanese_statement() -> None:
    with pytest.raises(TypeError):
        Check("holds", True, "1.0")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="no Japanese statement"):
        Check("holds", True, "1.0", statement_ja=" ")
    check = Check("holds", True, "gap 1.0", statement_ja="成り立つ", measured_ja="差 1.0")
    assert (check.statement_in("ja"), check.measured_in("ja")) == ("成り立つ", "差 1.0")
    assert (check.statement_in("en"), check.measured_in("en")) == ("holds", "gap 1.0")
    numbers = Check("holds", True, "0.25", statement_ja="成り立つ")
    assert numbers.measured_in("ja") == "0.25"


@pytest.mark.parametrize("name", names())
def test_every_check_and_header_is_in_japanese(quick_results: dict, name: str) -> None:
    module = load(name)
    result = quick_results[name]
    for check in module.check_claim(result):
        assert JAPANESE.search(check.statement_ja), (name, check.statement_ja)
        if check.measured_ja is None and name != "word2vec":  # word2vec measures corpus words
            words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", check.measured)}
            assert words <= NAMES, (name, check.measured, words - NAMES)
    en_header, *en_body = module.rows(result, "en")
    ja_header, *ja_body = module.rows(result, "ja")
    assert len(ja_header) == len(en_header) and len(ja_body) == len(en_body)
    assert any(JAPANESE.search(cell) for cell in ja_header), (name, ja_header)
    assert JAPANESE.search(claim(name, "ja")) and claim(name, "en") == module.CLAIM


def test_list_and_run_in_japanese(quick_results: dict, tmp_path: Path) -> None:
    listed = CliRunner().invoke(main, ["example", "list", "--lang", "ja"])
    assert listed.exit_code == 0
    for line, name in zip(listed.output.splitlines(), names(), strict=True):
        assert line.split()[0] == name and line.endswith(load(name).CLAIM_JA)

    ran = CliRunner().invoke(
        main, ["example", "run", "perceptron", "--quick", "--lang", "ja", "--out", str(tmp_path)]
    )
    assert ran.exit_code == 0, ran.output
    assert "キャッシュ" in ran.output and "served from the cache" not in ran.output
    assert "モデル" in ran.output and "正解率" in ran.output  # the table's header
    checks = load("perceptron").check_claim(quick_results["perceptron"])
    for check in checks:
        assert check.statement_ja in ran.output and check.statement not in ran.output
    assert "書き出した" in ran.output


def test_the_japanese_example_page_states_the_checks_in_japanese(
    quick_results: dict, tmp_path: Path
) -> None:
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    bank_dir = tmp_path / "bank" / "d"
    bank_dir.mkdir(parents=True)
    (bank_dir / "_day.toml").write_text(
        '[day]\ntitle.en = "D"\ntitle.ja = "D"\nsummary.en = "S"\nsummary.ja = "S"\norder = 1\n'
    )
    (bank_dir / "perceptron.toml").write_text(
        '[topic]\ntitle.en = "T"\ntitle.ja = "T"\norder = 1\n' + numeric_question("d.perceptron.q"),
        encoding="utf-8",
    )
    folder = tmp_path / "examples" / "perceptron"
    folder.mkdir(parents=True)
    (folder / "result.json").write_text(json.dumps(quick_results["perceptron"]))
    bank = load_bank([tmp_path / "bank"], bundled=False)
    out = tmp_path / "site"
    build_site(bank, out, langs=["en", "ja"], examples_dir=folder.parent, search=False)
    ja = (out / "ja" / "examples" / "perceptron.html").read_text(encoding="utf-8")
    en = (out / "en" / "examples" / "perceptron.html").read_text(encoding="utf-8")
    for check in load("perceptron").check_claim(quick_results["perceptron"]):
        assert check.statement_ja in ja and check.statement not in ja
        assert check.statement in en and check.statement_ja not in en


def test_a_users_result_with_an_empty_check_still_builds(tmp_path: Path) -> None:
    from eprep.site.examples import find_examples

    folder = tmp_path / "mine"
    folder.mkdir()
    checks = [{"statement": "", "ok": True}, {"statement": "holds", "ok": True, "measured": "1"}]
    (folder / "result.json").write_text(json.dumps({"claim": "c", "checks": checks}))
    (example,) = find_examples(tmp_path)
    assert [c.statement for c in example.checks] == ["holds"]
    assert example.checks[0].statement_in("ja") == "holds"  # no Japanese given: the English
