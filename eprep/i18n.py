"""The interface's languages: which one the system locale asks for, and the message catalogue of
the commands outside the quiz (`stats`, `list`, `check`, `derive`) and the lines the quiz and the
exam share.

The quiz keeps its own lines in `eprep/quiz/messages.py` and the site in `eprep/site/i18n.py`;
`translate` is the one lookup they can share. Japanese follows the exam's register.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "ja")
DEFAULT = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first one set wins


def system_lang(environ: Mapping[str, str] | None = None) -> str:
    """The interface language the locale asks for: `ja` for `ja_JP.UTF-8` and the like, else
    `en` (also for C/POSIX or no locale at all)."""
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "").strip()
        if value:
            language = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return language if language in LANGUAGES else DEFAULT
    return DEFAULT


def translate(
    tables: Mapping[str, Mapping[str, str]], lang: str, key: str, **values: object
) -> str:
    """`key`'s line in `lang` from `tables` (English when `lang` lacks it), filled with `values`."""
    table = tables.get(lang, tables[DEFAULT])
    return table.get(key, tables[DEFAULT][key]).format(**values)


def message(lang: str, key: str, **values: object) -> str:
    """A line of the commands' catalogue below."""
    return translate(MESSAGES, lang, key, **values)


MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "cli.error": "eprep: error: {error}",
        "select.none": "no day, topic, question id or tag matches {selector}",
        # quiz and exam on a day or topic the bank has, still without questions
        "select.not_yet": "{name} ({title}) is in the bank but has no questions yet",
        # eprep stats
        "stats.row": "{label} {bar} {seen:>3}/{total:<3} acc {accuracy}  "
        "due {now:>2} now, {week:>2} this week",
        "stats.all": "all selected",
        "stats.streak": "streak: {days} study day{plural} in a row",
        "stats.missing": "note: {count} question(s) with history are no longer in the bank "
        "(history kept): {shown}",
        # eprep list
        "list.day": "{name}  {title}  ({count} questions)",
        "list.topic": "  {topic}  {title}  ({count})",
        "list.total": "{count} questions",
        "kind.choice": "choice",
        "kind.numeric": "numeric",
        "kind.expression": "expression",
        "kind.derivation": "derivation",
        "kind.code": "code",
        # eprep check
        "check.read_as": "read as:  {text}",
        "check.typeset": "typeset:  {text}",
        "check.expected": "expected: {text}",
        "check.hint": "  for a proof, state the sign SymPy needs: {hint}",
        # eprep derive
        "derive.step": "{mark} line {line}: {text}{note}",
        "derive.numeric_note": "  (numeric evidence only)",
        "derive.fails": "  line {line} does not follow: {why}",
        "derive.bound": "{mark} {label}: {text} vs {expected}",
        "derive.start": "start",
        "derive.end": "end",
        "derive.ok": "every step holds",
        "derive.start_step": "{mark} start: {text}{note}",
        "derive.nothing": "✗ nothing is derived: write a first expression and at least one step "
        "beginning with '=' (with --start, a line '= ...' is a step from it)",
        "derive.error": "the derivation has an error",
        "derive.witness": "{at}this line {mine} but the previous line {previous}",
        "derive.at": "with {where}, ",
        "derive.gives": "gives {value}",
        "derive.undefined": "is undefined",
        "derive.line": "line {line}",
        "derive.the_start": "the start",
        "derive.equals_earlier": "    (it does equal {earlier}: the line before it is the one to "
        "fix)",
        # verdicts (eprep check, a step of eprep derive): checker/wording.py fills them
        "verdict.same": "equivalent: the two formulas are the same",
        "verdict.reordered": "equivalent: the same formula with its terms or factors in "
        "another order",
        "verdict.proved": "equivalent: SymPy proves it on the declared domains",
        "verdict.numeric": "equivalent at {points} points in the domains{covered}; SymPy could "
        "not prove it within the time limit, so this rests on numeric evidence",
        "verdict.covered": " (sign regions covered: {regions})",
        "verdict.exact_numeric": "equivalent at {points} points in 40-digit arithmetic (too "
        "large for floats); SymPy could not prove it within the time limit, so this rests on "
        "numeric evidence",
        "verdict.wrong": "not equivalent: {at}yours {mine}, expected {theirs}",
        "verdict.wrong_at": "with {where} ",
        "verdict.gap": " (they differ by {gap} in 40-digit arithmetic)",
        "verdict.stand_ins": " (taking {names} as a random smooth function)",
        "verdict.undefined": "undefined: {first} has no value ({reasons})",
        "verdict.undefined_both": "undefined: {first} and {second} have no value ({reasons})",
        "verdict.too_large": "cannot decide: the formulas are too large to evaluate in floats "
        "(a constant exponent above {exponent}) and SymPy could not compare them in time",
        "verdict.no_values": "cannot decide: the formulas' values could not be computed or "
        "compared",
        "verdict.overflow": "cannot decide: {text} is too large for floating point (overflow), "
        "so no point gives both formulas a value, and SymPy did not settle it",
        "verdict.no_real_value": "cannot decide: {text} has no real value (outside its "
        "function's domain), so no point gives both formulas a value, and SymPy did not settle it",
        "verdict.undecided": "cannot decide: only {points} of {draws} sample points in the "
        "domains give both formulas a real value (check the domains with --assume)",
        "verdict.equation": "not equivalent: an equation is expected (write it as left = right)",
        "verdict.compared": " (compared {part})",
        "verdict.sign": "wrong sign: yours is -1 × expected",
        "verdict.factor": "off by a constant factor: yours is {factor} × expected",
        "verdict.term": "off by a constant term: yours is expected {sign} {term}",
        "compared.answer_rhs": "the right side of your equation",
        "compared.expected_rhs": "the right side of the expected",
        "compared.rhs": "the right sides of {name} = …",
        "compared.other_sides": "the other sides of {name} = …",
        "compared.difference": "left − right of both equations",
        "compared.difference_scaled": "left − right of both equations up to the factor {factor}",
        # eprep site build (progress on stderr; the last line on stdout)
        "site.example": "example {name}: {state}",
        "site.running": "running",
        "site.cached": "cached",
        "site.collect": "collect",
        "site.render": "render",
        "site.search": "search",
        "site.building": "building",
        "site.full": "full",
        "site.quick": "quick",
        "site.notice": "running {count} of {total} examples ({mode}); results are cached for next "
        "time",
        "site.slow": "{notice}; this can take a few minutes — for a quick build use "
        "`eprep site build --run-examples quick` (short runs, seconds) or `--run-examples none` "
        "(no plots)",
        "site.wrote": "wrote {count} pages to {output}/ (open {output}/index.html)",
        # eprep example
        "example.running": "running",
        "example.running_quick": "running (quick)",
        "example.cached": "(served from the cache)",
        "example.wrote": "wrote {path}",
        "example.not_reproduced": "the claim was not reproduced with this seed",
        # a Japanese plot needs a font with Japanese glyphs (eprep.examples.plotting)
        "plots.no_font": "warning: no Japanese font ({family}) found, so the Japanese plots are "
        "drawn in English; install it (Debian: apt-get install {package}) and build again",
    },
    "ja": {
        "cli.error": "eprep: エラー: {error}",
        "select.none": "{selector} に一致する日・トピック・問題 ID・タグがない。",
        "select.not_yet": "{name}（{title}）は問題集にあるが、問題はまだない。",
        "stats.row": "{label} {bar} {seen:>3}/{total:<3} 正答率 {accuracy}  "
        "復習 今すぐ {now:>2} 問、1 週間以内 {week:>2} 問",
        "stats.all": "選択した範囲の合計",
        "stats.streak": "連続学習日数: {days} 日",
        "stats.missing": "注: 学習履歴のある {count} 問は、もう問題集にない（履歴は保持）: {shown}",
        "list.day": "{name}  {title}  （{count} 問）",
        "list.topic": "  {topic}  {title}  （{count} 問）",
        "list.total": "全 {count} 問",
        "kind.choice": "選択",
        "kind.numeric": "数値",
        "kind.expression": "式",
        "kind.derivation": "導出",
        "kind.code": "コード",
        "check.read_as": "解釈:      {text}",
        "check.typeset": "数式表示:  {text}",
        "check.expected": "期待される式: {text}",
        "check.hint": "  証明するには、SymPy が必要とする符号を指定せよ: {hint}",
        "derive.step": "{mark} {line} 行目: {text}{note}",
        "derive.numeric_note": "  （数値的な根拠のみ）",
        "derive.fails": "  {line} 行目は前の行から導けない: {why}",
        "derive.bound": "{mark} {label}: {text} と {expected}",
        "derive.start": "始めの式",
        "derive.end": "終わりの式",
        "derive.ok": "すべての変形が成り立つ。",
        "derive.start_step": "{mark} 始めの式: {text}{note}",
        "derive.nothing": "✗ 何も導出されていない。最初の式と、'=' で始まる変形を 1 行以上書け"
        "（--start を指定すると、'= ...' の行はその式からの変形になる）。",
        "derive.error": "導出に誤りがある。",
        "derive.witness": "{at}この行の値は {mine}、前の行の値は {previous}",
        "derive.at": "{where} のとき、",
        "derive.gives": "{value}",
        "derive.undefined": "未定義",
        "derive.line": "{line} 行目",
        "derive.the_start": "始めの式",
        "derive.equals_earlier": "    （この行は{earlier}とは等しい。直すべきはその前の行である）",
        "verdict.same": "同値: 2 つの式は同じである。",
        "verdict.reordered": "同値: 項または因子の順序が異なるだけで、同じ式である。",
        "verdict.proved": "同値: 宣言した定義域で SymPy が証明した。",
        "verdict.numeric": "同値（定義域内の {points} 点で一致{covered}）。SymPy は制限時間内に"
        "証明できなかったため、数値的な根拠のみによる判定である。",
        "verdict.covered": "、調べた符号の領域: {regions}",
        "verdict.exact_numeric": "同値（40 桁の精度で {points} 点において一致、浮動小数点数"
        "には大きすぎる）。SymPy は制限時間内に証明できなかったため、数値的な根拠のみによる"
        "判定である。",
        "verdict.wrong": "同値ではない: {at}あなたの式の値は {mine}、期待される式の値は {theirs}",
        "verdict.wrong_at": "{where} のとき、",
        "verdict.gap": "（40 桁の精度では {gap} だけ異なる）",
        "verdict.stand_ins": "（{names} を滑らかな関数として無作為に選んだ）",
        "verdict.undefined": "値が定まらない: {first} は値をもたない。",
        "verdict.undefined_both": "値が定まらない: {first} と {second} はいずれも値をもたない。",
        "verdict.too_large": "判定できない: 式が大きすぎて浮動小数点数で計算できず（定数の指数が "
        "{exponent} を超える）、SymPy も制限時間内に比較できなかった。",
        "verdict.no_values": "判定できない: 式の値を計算・比較できなかった。",
        "verdict.overflow": "判定できない: {text} は浮動小数点数には大きすぎる（オーバーフロー）"
        "ため、両方の式が値をもつ点がなく、SymPy でも決着しなかった。",
        "verdict.no_real_value": "判定できない: {text} は実数の値をもたない（関数の定義域の外）"
        "ため、両方の式が値をもつ点がなく、SymPy でも決着しなかった。",
        "verdict.undecided": "判定できない: 定義域内の標本点 {draws} 点のうち、両方の式が実数値を"
        "もつのは {points} 点だけである（--assume で定義域を確かめよ）。",
        "verdict.equation": "同値ではない: 等式（左辺 = 右辺）が期待されている。",
        "verdict.compared": "（比較した部分: {part}）",
        "verdict.sign": "符号が逆: あなたの式は期待される式の -1 倍",
        "verdict.factor": "定数倍のずれ: あなたの式は期待される式の {factor} 倍",
        "verdict.term": "定数項のずれ: あなたの式は期待される式 {sign} {term}",
        "compared.answer_rhs": "あなたの等式の右辺",
        "compared.expected_rhs": "期待される等式の右辺",
        "compared.rhs": "{name} = … の右辺どうし",
        "compared.other_sides": "{name} = … のもう一方の辺どうし",
        "compared.difference": "両方の等式の 左辺 − 右辺",
        "compared.difference_scaled": "両方の等式の 左辺 − 右辺（{factor} 倍の違いを除く）",
        "site.example": "実行例 {name}：{state}",
        "site.running": "実行中",
        "site.cached": "キャッシュを使用",
        "site.collect": "問題を収集中",
        "site.render": "ページを生成中",
        "site.search": "検索索引を作成中",
        "site.building": "構築中",
        "site.full": "完全実行",
        "site.quick": "短縮実行",
        "site.notice": "実行例 {total} 件のうち {count} 件を実行する（{mode}）。結果は次回のために"
        "キャッシュされる",
        "site.slow": "{notice}。数分かかることがある — 短時間で構築するには "
        "`eprep site build --run-examples quick`（短い実行、数秒）または `--run-examples none`"
        "（図なし）を用いる",
        "site.wrote": "{output}/ に {count} ページを書き出した（{output}/index.html を開く）",
        # eprep example
        "example.running": "実行中",
        "example.running_quick": "実行中（短縮版）",
        "example.cached": "（キャッシュの結果を表示する）",
        "example.wrote": "{path} に書き出した",
        "example.not_reproduced": "このシードでは主張が再現されなかった。",
        "plots.no_font": "警告: 日本語のフォント（{family}）が見つからないため、日本語の図は英語で"
        "描く。フォントを導入して（Debian では apt-get install {package}）再び構築すること",
    },
}
