"""The style rules of SCHEMA.md ("Style") hold on the whole loaded bank, and each rule can fire.

The bad fixture bank below breaks one rule per question (the question's slug names the rule), so a
rule that stopped working would leave its question unreported; the good question uses every
allowed form that looks like a broken one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eprep.questions import load_bank
from eprep.questions.models import KINDS
from eprep.questions.style import JA_PROMPT_ENDINGS, check_bank, check_text, prose


def test_bundled_bank_follows_the_style() -> None:
    issues = check_bank(load_bank())
    assert not issues, "\n".join(str(issue) for issue in issues)


def test_every_kind_has_its_required_ja_endings() -> None:
    assert set(JA_PROMPT_ENDINGS) == set(KINDS)
    assert JA_PROMPT_ENDINGS["choice"] == JA_PROMPT_ENDINGS["code"] == ("選べ。",)
    assert "求めよ。" in JA_PROMPT_ENDINGS["numeric"]


_HEAD = """
[topic]
title.en = "Style fixture"
title.ja = "スタイルの検査用"
order = 1
"""


def _question(slug: str, kind: str, prompt_ja: str | None, **text: str) -> str:
    """A minimal valid question whose ja prompt (and optional other texts) are given."""
    explanation_en = text.get("explanation_en", "Because.")
    explanation_ja = text.get("explanation_ja", "理由です。")
    title_ja = text.get("title_ja", "題")
    body = {
        "numeric": 'answer = "1 + 1"\n',
        "expression": 'variables = { x = "real" }\nanswer = "x + 1"\n',
        "derivation": 'variables = { x = "real" }\nstart = "x + x"\nanswer = "2*x"\n'
        'solution = ["2*x"]\n',
        "choice": "concept = true\n"
        '[[question.options]]\ncorrect = true\ntext.en = "A"\ntext.ja = "甲"\n'
        '[[question.options]]\ntext.en = "B"\ntext.ja = "乙"\n',
    }[kind]
    probe = "" if kind == "choice" else 'probe = "fixture_probe"\n'
    prompt_line = "" if prompt_ja is None else f"prompt.ja = '''{prompt_ja}'''\n"
    extra = ""
    if "feedback_ja" in text:
        extra = (
            '[[question.mistakes]]\nanswer = "3"\nfeedback.en = "No."\n'
            f"feedback.ja = '''{text['feedback_ja']}'''\n"
        )
    return f"""
[[question]]
id = "day9.fixture.{slug}"
kind = "{kind}"
title.en = "Title"
title.ja = '''{title_ja}'''
difficulty = 1
tags = []
source = "fixture"
prompt.en = "Question?"
{prompt_line}explanation.en = '''{explanation_en}'''
explanation.ja = '''{explanation_ja}'''
{probe}{body}{extra}"""


BAD = {
    # slug: (kind, ja prompt, other texts, the rule that must fire)
    "polite-request": ("choice", "正しいものを選んでください。", {}, "polite-request"),
    "question-form": ("numeric", "出力の高さはいくつですか。", {}, "prompt-register"),
    "wrong-ending-numeric": ("numeric", "出力の高さを選べ。", {}, "prompt-ending"),
    "wrong-ending-choice": ("choice", "出力の高さを求めよ。", {}, "prompt-ending"),
    "ending-not-last": ("numeric", "高さを求めよ。（式でも答えられる。）", {}, "prompt-ending"),
    "dlfs-ja": ("numeric", "DLFS の式で高さを求めよ。", {}, "book-title"),
    "dlfs-en": ("numeric", "高さを求めよ。", {"explanation_en": "As in DLFS2."}, "book-title"),
    "book-spaced": (
        "numeric",
        "高さを求めよ。",
        {"explanation_ja": "ゼロから作る Deep Learning の式です。"},
        "book-title",
    ),
    "dropout-verb": (
        "numeric",
        "高さを求めよ。",
        {"feedback_ja": "ユニットを落とす確率です。"},
        "dropout-verb",
    ),
    "layer-katakana": ("numeric", "ドロップアウトレイヤの倍率を求めよ。", {}, "layer-word"),
    "layer-long-vowel": ("numeric", "高さを求めよ。", {"title_ja": "レイヤーの題"}, "layer-word"),
    "probe-en": (
        "numeric",
        "高さを求めよ。",
        {"explanation_en": "The probe measures this on the engine."},
        "machinery",
    ),
    "probe-ja": (
        "numeric",
        "高さを求めよ。",
        {"explanation_ja": "エンジンで測ったプローブの値です。"},
        "machinery",
    ),
    "missing-ja": ("numeric", None, {}, "languages"),
    "erratum-common": (
        "numeric",
        "高さを求めよ。",
        {"explanation_en": "The erratum: a minus sign.", "explanation_ja": "よくある誤記です。"},
        "erratum-pair",
    ),
    "erratum-unnamed": (
        "numeric",
        "高さを求めよ。",
        {"explanation_en": "That is the erratum.", "explanation_ja": "それは別の式です。"},
        "erratum-pair",
    ),
}

GOOD = _question(
    "good",
    "expression",
    "`Affine` レイヤの出力を『ゼロから作るDeep Learning』の記法で表せ。",
    explanation_en="Inline code may say anything: `from eprep.engine import Dropout`.",
    explanation_ja="『ゼロから作るDeep Learning ❷』の `Dropout` レイヤは逆ドロップアウトで、"
    "ユニットを消去します。落とし穴に注意。\n```python\nlayer = engine.Probe()  # DLFS\n```",
)


@pytest.fixture(scope="module")
def bad_bank(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("style-bank")
    day = root / "day9"
    day.mkdir()
    questions = [
        _question(slug, kind, prompt, **text) for slug, (kind, prompt, text, _) in BAD.items()
    ]
    (day / "fixture.toml").write_text(_HEAD + GOOD + "".join(questions), encoding="utf-8")
    return load_bank([root], bundled=False)


def _fired(bank) -> dict[str, set[str]]:
    fired: dict[str, set[str]] = {}
    for issue in check_bank(bank):
        slug = issue.where.split()[0].rsplit(".", 1)[-1]
        fired.setdefault(slug, set()).add(issue.rule)
    return fired


@pytest.mark.parametrize("slug", sorted(BAD))
def test_each_rule_fires_on_the_bad_fixture(bad_bank, slug: str) -> None:
    assert BAD[slug][3] in _fired(bad_bank).get(slug, set())


def test_allowed_forms_are_not_reported(bad_bank) -> None:
    assert "good" not in _fired(bad_bank)


def test_prose_drops_code_but_keeps_text() -> None:
    text = "Use `engine.run()` here.\n```\nprobe()\n```\nThen stop."
    assert "engine" not in prose(text) and "probe" not in prose(text)
    assert "Then stop." in prose(text)
    assert check_text(text, "en") == []
    assert [rule for rule, _ in check_text("The engine says so.", "en")] == ["machinery"]


def test_a_user_bank_folder_is_checked_like_the_bundled_one(bad_bank) -> None:
    paths = {Path(q.path).parent.name for q in bad_bank.questions}
    assert paths == {"day9"}
