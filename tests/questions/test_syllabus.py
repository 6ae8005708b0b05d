"""The syllabus tree and the `syllabus` keys: validated through the CLI, counted independently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from eprep.questions import bundled_bank_dir
from tests.tiny_bank import numeric_question as question

TREE = Path(__file__).resolve().parents[2] / "eprep" / "questions" / "syllabus.toml"
HINT = "see eprep list --by-syllabus"

# The JDLA syllabus (2024 edition) as issue 20 lists it: part -> the short labels of its areas.
ISSUE_TREE = {
    "数学的基礎": ["確率・統計", "情報理論"],
    "機械学習": [],
    "深層学習の基礎": [
        "順伝播型ネットワーク", "最適化", "正則化", "CNN", "RNN", "Transformer", "汎化性能向上",
    ],
    "深層学習の応用": [
        "画像認識", "物体検出", "セグメンテーション", "自然言語処理", "生成モデル",
        "深層強化学習", "様々な学習方法", "説明性",
    ],
    # The issue named no parts here; the 2024 syllabus's own (../shared/reference/syllabus.md).
    "開発・運用環境": [
        "ミドルウェア", "エッジコンピューティング", "分散処理", "アクセラレータ", "環境構築",
    ],
}  # fmt: skip


def run_cli(*args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EPREP_BUNDLED": "0", "EPREP_BANK": "", "EPREP_CACHE": "0"}
    env.pop("EPREP_SYLLABUS", None)
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args], capture_output=True, text=True, env=env, timeout=60
    )


def topic(extra: str = "", questions: str = "") -> str:
    return f'[topic]\ntitle.en = "T"\ntitle.ja = "T"\norder = 1\n{extra}\n{questions}'


def day_file(extra: str = "") -> str:
    return f'[day]\ntitle.en = "D"\ntitle.ja = "D"\norder = 1\n{extra}\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    [number] = [i for i, line in enumerate(lines, start=1) if fragment in line]
    return number


def assert_one_error(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"eprep: error: {expected}\n"


# --- the tree ---------------------------------------------------------------------------------


def test_the_tree_is_the_2024_syllabus_in_both_languages() -> None:
    data = tomllib.loads(TREE.read_text(encoding="utf-8"))
    areas = data["area"]
    parts = [a for a in areas if "." not in a["id"]]
    assert [a["title"]["ja"] for a in parts] == list(ISSUE_TREE)
    for part in parts:
        children = [a for a in areas if a["id"].rpartition(".")[0] == part["id"]]
        labels = ISSUE_TREE[part["title"]["ja"]]
        assert len(children) == len(labels), part["id"]
        for child, label in zip(children, labels, strict=True):
            assert label in child["title"]["ja"], (child["id"], label)
    assert all(a["title"]["en"].strip() and a["title"]["ja"].strip() for a in areas)


BROKEN_TREES = {
    "parent-later": (
        '[[area]]\nid = "a.b"\ntitle.en = "B"\ntitle.ja = "B"\n',
        'id = "a.b"',
        "area 'a.b': its parent 'a' must come first",
    ),
    "twice": (
        '[[area]]\nid = "a"\ntitle.en = "A"\ntitle.ja = "A"\n\n'
        '[[area]]\nid = "a"\ntitle.en = "A2"\ntitle.ja = "A2"\n',
        'title.en = "A2"',  # the line after the second `id = "a"`
        "area 'a' is listed twice (first at line 6)",
    ),
    "no-ja": (
        '[[area]]\nid = "a"\ntitle.en = "A"\n',
        'title.en = "A"',
        "area 'a' has no 'ja' title",
    ),
    "bad-id": (
        '[[area]]\nid = "Deep Learning"\ntitle.en = "A"\ntitle.ja = "A"\n',
        'id = "Deep Learning"',
        "area id 'Deep Learning' must be slugs [a-z0-9-]+ joined by '.'",
    ),
    "unknown-key": (
        '[[area]]\nid = "a"\ntitle.en = "A"\ntitle.ja = "A"\nweight = 3\n',
        "weight = 3",
        "unknown key 'weight' in area[0]",
    ),
    "toml": ('[[area]]\nid = "a\n', 'id = "a', "TOML syntax: Illegal character '\\n' (column 8)"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_TREES))
def test_a_broken_tree_is_one_file_line_error(case: str, tmp_path: Path) -> None:
    body, fragment, message = BROKEN_TREES[case]
    tree = tmp_path / "syllabus.toml"
    tree.write_text(f'[syllabus]\ntitle.en = "S"\ntitle.ja = "S"\n\n{body}', encoding="utf-8")
    bank = write(tmp_path / "bank", {"d/t.toml": topic(questions=question("d.t.q"))})
    line = line_of(tree, fragment) - (1 if case == "twice" else 0)
    result = run_cli("list", "--bank", str(bank), EPREP_SYLLABUS=str(tree))
    assert_one_error(result, f"{tree}:{line}: {message}")


# --- areas in question files --------------------------------------------------------------------

BAD_AREAS = {
    "question": ("d/t.toml", "question", 'syllabus = "dl-basics.cnnn"'),
    "topic": ("d/t.toml", "topic", 'syllabus = "dl-basics.cnnn"'),
    "day": ("d/_day.toml", "day", 'syllabus = "dl-basics.cnnn"'),
}


@pytest.mark.parametrize("where", sorted(BAD_AREAS))
def test_an_unknown_area_is_one_file_line_error(where: str, tmp_path: Path) -> None:
    name, _, key = BAD_AREAS[where]
    files = {
        "d/_day.toml": day_file(key if where == "day" else ""),
        "d/t.toml": topic(
            key if where == "topic" else "",
            question("d.t.a") + question("d.t.b", key if where == "question" else ""),
        ),
    }
    bank = write(tmp_path, files)
    line = line_of(bank / name, key)
    message = (
        f"syllabus 'dl-basics.cnnn' is not a syllabus area (did you mean 'dl-basics.cnn'? {HINT})"
    )
    assert_one_error(run_cli("list", "--bank", str(bank)), f"{bank / name}:{line}: {message}")


def test_an_area_that_is_not_a_string_is_rejected(tmp_path: Path) -> None:
    bank = write(tmp_path, {"d/t.toml": topic(questions=question("d.t.q", "syllabus = 3"))})
    line = line_of(bank / "d/t.toml", "syllabus = 3")
    expected = f'{bank / "d/t.toml"}:{line}: syllabus must be an area id like "dl-basics.cnn"'
    assert_one_error(run_cli("list", "--bank", str(bank)), expected)


def test_question_overrides_topic_overrides_day_and_unassigned_is_reported(tmp_path: Path) -> None:
    files = {
        "d/_day.toml": day_file('syllabus = "ml"'),
        "d/a.toml": topic(
            questions=question("d.a.q1") + question("d.a.q2", 'syllabus = "dev-env"')
        ),
        "d/b.toml": topic('syllabus = "math.information"', question("d.b.q1") + question("d.b.q2")),
        "e/c.toml": topic(questions=question("e.c.q1")),  # a user bank may leave areas out
    }
    bank = write(tmp_path, files)
    result = run_cli("list", "--by-syllabus", "--json", "--bank", str(bank))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    direct = {a["id"]: a["questions"] for a in report["areas"] if a["questions"]}
    assert direct == {"ml": 1, "dev-env": 1, "math.information": 2}
    total = {a["id"]: a["total"] for a in report["areas"]}
    assert total["math"] == 2 and total["math.probability"] == 0
    assert report["unassigned"] == {
        "label": "Not assigned to an area",
        "questions": 1,
        "topics": ["e.c"],
    }
    text = run_cli("list", "--by-syllabus", "--lang", "ja", "--bank", str(bank)).stdout
    assert "    1  unassigned  分野未設定  (e.c)" in text.splitlines()
    assert "    0    math.probability  確率・統計  -- 問題なし" in text.splitlines()


def test_a_changed_tree_is_not_hidden_by_the_bank_cache(tmp_path: Path) -> None:
    tree = tmp_path / "syllabus.toml"
    head = '[syllabus]\ntitle.en = "S"\ntitle.ja = "S"\n'
    area = '[[area]]\nid = "{}"\ntitle.en = "A"\ntitle.ja = "A"\n'
    tree.write_text(head + area.format("x"), encoding="utf-8")
    bank = write(tmp_path / "bank", {"d/t.toml": topic('syllabus = "x"', question("d.t.q"))})
    env = {"EPREP_SYLLABUS": str(tree), "EPREP_CACHE": "1", "EPREP_CACHE_DIR": str(tmp_path / "c")}
    assert run_cli("list", "--bank", str(bank), **env).returncode == 0
    tree.write_text(head + area.format("y"), encoding="utf-8")
    result = run_cli("list", "--bank", str(bank), **env)
    message = f"syllabus 'x' is not a syllabus area ({HINT})"
    assert_one_error(result, f"{bank / 'd/t.toml'}:5: {message}")


# --- the bundled bank ---------------------------------------------------------------------------


def bundled_areas_from_toml() -> Counter[str]:
    """Each bundled question's area, read from the TOML files here (question, topic, day)."""
    found: Counter[str] = Counter()
    for folder in sorted(p for p in bundled_bank_dir().iterdir() if p.is_dir()):
        day = tomllib.loads((folder / "_day.toml").read_text(encoding="utf-8"))["day"]
        for path in sorted(folder.glob("[!_]*.toml")):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            default = data["topic"].get("syllabus") or day.get("syllabus")
            for item in data.get("question", []):
                found[item.get("syllabus") or default] += 1
    return found


def test_every_bundled_question_has_an_area() -> None:
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank = load_bank()
    assert len(bank) > 0
    missing = [q.id for q in bank if q.syllabus is None]
    assert missing == []
    assert all(q.syllabus in current() for q in bank)
    for folder in (p for p in bundled_bank_dir().iterdir() if p.is_dir()):
        day = tomllib.loads((folder / "_day.toml").read_text(encoding="utf-8"))["day"]
        assert day.get("syllabus"), f"{folder.name}/_day.toml needs a default syllabus area"


def test_list_by_syllabus_counts_the_bundled_bank() -> None:
    expected = bundled_areas_from_toml()
    assert None not in expected
    result = run_cli("list", "--by-syllabus", "--json", EPREP_BUNDLED="1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    ids = [a["id"] for a in report["areas"]]
    assert set(expected) <= set(ids)
    assert report["questions"] == sum(expected.values())
    assert report["unassigned"]["questions"] == 0
    for area in report["areas"]:
        below = sum(
            n for a, n in expected.items() if a == area["id"] or a.startswith(area["id"] + ".")
        )
        assert (area["questions"], area["total"]) == (expected[area["id"]], below), area["id"]
    assert report["empty"] == [a for a in ids if not any(
        e == a or e.startswith(a + ".") for e in expected
    )]  # fmt: skip

    text = run_cli("list", "--by-syllabus", EPREP_BUNDLED="1").stdout.splitlines()
    head = tomllib.loads(TREE.read_text(encoding="utf-8"))["syllabus"]["title"]["en"]
    assert text[0] == f"{head}: {report['questions']} questions"
    assert report["syllabus"]["ja"] == "JDLA E資格 シラバス（2024年版）"
    for area in report["areas"]:
        indent = "  " * area["id"].count(".")
        assert any(line.startswith(f"{area['total']:5d}  {indent}{area['id']}  ") for line in text)
    assert text[-1] == f"{len(report['empty'])} of {len(ids)} areas have no questions"


def test_list_by_syllabus_respects_selectors_and_json_needs_it() -> None:
    result = run_cli("list", "--by-syllabus", "--json", "day3", EPREP_BUNDLED="1")
    report = json.loads(result.stdout)
    day3 = sum(1 for a in report["areas"] if a["questions"])
    assert day3 >= 1 and report["questions"] == sum(a["questions"] for a in report["areas"])
    usage = run_cli("list", "--json", EPREP_BUNDLED="1")
    assert usage.returncode == 2 and "--json needs --by-syllabus" in usage.stderr


def test_a_missing_tree_file_is_one_error_with_the_cache_on(tmp_path: Path) -> None:
    bank = write(tmp_path / "bank", {"d/t.toml": topic(questions=question("d.t.q"))})
    missing = tmp_path / "nope.toml"
    result = run_cli(
        "list", "--bank", str(bank), EPREP_SYLLABUS=str(missing), EPREP_CACHE="1",
        EPREP_CACHE_DIR=str(tmp_path / "cache"),
    )  # fmt: skip
    assert_one_error(result, f"{missing}:1: cannot read: No such file or directory")
