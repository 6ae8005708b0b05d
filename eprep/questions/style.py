"""The bank's style rules (SCHEMA.md, "Style"): learner-facing text in the exam's register.

Only the mechanical part of the style is checked here: banned phrases, the endings of Japanese
prompts, the book's title, one word for "layer", no word of the verification machinery, and both
languages present. `check_bank` returns every problem found (an empty list means the bank passes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from eprep.questions.models import LANGUAGES, Bank, Question, Text

# Allowed endings of a Japanese prompt, by kind: an instruction in the exam's imperative.
JA_PROMPT_ENDINGS: dict[str, tuple[str, ...]] = {
    "choice": ("選べ。",),
    "code": ("選べ。",),
    "numeric": ("求めよ。",),
    "expression": ("求めよ。", "表せ。"),
    "derivation": ("導け。", "導出せよ。", "整理せよ。", "簡単にせよ。", "求めよ。"),
}

_FENCE = re.compile(r"```.*?```", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")

# (rule, pattern, message): checked on text with its code spans removed.
_MACHINERY = "names the verification machinery"
_BANNED: dict[str, tuple[tuple[str, re.Pattern[str], str], ...]] = {
    "en": (
        (
            "machinery",
            re.compile(r"\b(probes?|verif(?:y|ies|ied|ication)|engines?)\b", re.I),
            _MACHINERY,
        ),
        ("book-title", re.compile(r"\bDLFS"), "write Deep Learning from Scratch (2 for DLFS2)"),
    ),
    "ja": (
        ("machinery", re.compile(r"プローブ|エンジン|probe|verify|engine", re.I), _MACHINERY),
        ("polite-request", re.compile(r"選んでください"), "write 「…を選べ。」"),
        ("book-title", re.compile(r"DLFS"), "write 『ゼロから作るDeep Learning』 (❷ for DLFS2)"),
        (
            "book-title",
            re.compile(r"ゼロから作る(?!Deep Learning(?: ❷)?』)|(?<!『)ゼロから作る"),
            "the book is 『ゼロから作るDeep Learning』 or 『ゼロから作るDeep Learning ❷』",
        ),
        (
            "dropout-verb",
            re.compile(r"落と(?!し穴)"),
            "dropout: write 「消去する」 or 「無効化する」",
        ),
        ("layer-word", re.compile(r"レイヤー"), "write 層 (レイヤ only after a code name)"),
    ),
}
# Japanese prompts give an instruction; they do not ask a polite question or make a request.
_JA_PROMPT_BANNED = (
    (
        "prompt-register",
        re.compile(r"ですか|ますか"),
        "a prompt ends 「…を求めよ。」, not 「…か。」",
    ),
    ("prompt-register", re.compile(r"ください"), "a prompt instructs (「…を選べ。」)"),
)
# レイヤ is allowed only as the name of an implementation, right after a code span:
# 「`Affine` レイヤ」.
_LAYER = re.compile(r"レイヤ")
_AFTER_CODE = re.compile(r"`[^`\n]+`\s?$")


# The two languages describe an erratum alike: "the erratum" is not 「よくある誤記」 in ja.
_ERRATUM_EN = re.compile(r"\berrat(?:um|a)\b", re.I)
_ERRATUM_JA = re.compile(r"誤記|誤り|誤植|バグ")
_COMMON_JA = re.compile(r"よくある")
_COMMON_EN = re.compile(r"\bcommon\b", re.I)


@dataclass(frozen=True)
class StyleIssue:
    """One broken rule: where (question id or day/topic and field), which rule, and why."""

    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


def prose(text: str) -> str:
    """The text without fenced code blocks and inline code spans (code may say anything)."""
    return _INLINE_CODE.sub(" ", _FENCE.sub(" ", text))


def check_text(text: str, lang: str) -> list[tuple[str, str]]:
    """(rule, message) for every style rule `text` in language `lang` breaks."""
    found = []
    plain = prose(text)
    for rule, pattern, message in _BANNED.get(lang, ()):
        match = pattern.search(plain)
        if match:
            found.append((rule, f"{message} (at {match.group(0)!r})"))
    if lang == "ja":
        without_fences = _FENCE.sub(" ", text)
        for match in _LAYER.finditer(without_fences):
            if not _AFTER_CODE.search(without_fences[: match.start()]):
                found.append(("layer-word", "「レイヤ」 outside a code name: write 層"))
                break
    return found


def check_pair(en: str, ja: str) -> list[tuple[str, str]]:
    """(rule, message) for a text whose two languages describe an erratum differently."""
    found = []
    if _ERRATUM_EN.search(prose(en)) and not _ERRATUM_JA.search(prose(ja)):
        found.append(
            ("erratum-pair", "the en text names an erratum, the ja text does not (誤記/誤り)")
        )
    if _COMMON_JA.search(prose(ja)) and not _COMMON_EN.search(prose(en)):
        found.append(
            ("erratum-pair", "the ja text says 「よくある」, the en text does not say common")
        )
    return found


def check_prompt_ending(question: Question) -> str | None:
    """Why the Japanese prompt of `question` does not end as its kind requires (None if it does)."""
    text = question.prompt.values.get("ja")
    if text is None:
        return None
    endings = JA_PROMPT_ENDINGS.get(question.kind)
    if endings is None:
        return None
    last = text.strip()
    if last.endswith(endings):
        return None
    tail = last[-12:].replace("\n", " ")
    wanted = " or ".join(f"「…{e}」" for e in endings)
    return f"the ja prompt of a {question.kind} question ends with {wanted}, not '…{tail}'"


def _texts(bank: Bank) -> Iterator[tuple[str, str, Text]]:
    """(where, field, text) for every learner-facing text of the bank."""
    for day in bank.days:
        yield day.name, "title", day.title
        if day.summary is not None:
            yield day.name, "summary", day.summary
        for topic in day.topics:
            yield topic.key, "title", topic.title
            if topic.summary is not None:
                yield topic.key, "summary", topic.summary
            for i, formula in enumerate(topic.formulas):
                yield topic.key, f"formula {i + 1} label", formula.label
            for q in topic.questions:
                yield from _question_texts(q)


def _question_texts(q: Question) -> Iterator[tuple[str, str, Text]]:
    for name in ("title", "prompt", "explanation", "trap"):
        text = getattr(q, name)
        if text is not None:
            yield q.id, name, text
    for option in q.options:
        label = option.id or str(option.index + 1)
        if option.text is not None:
            yield q.id, f"option {label} text", option.text
        if option.feedback is not None:
            yield q.id, f"option {label} feedback", option.feedback
    if len(q.blanks) > 1:  # a listing's blanks carry their own options (one blank: q.options)
        for blank in q.blanks:
            for option in blank.options:
                if option.feedback is not None:
                    yield q.id, f"{blank.mark} option {option.index + 1} feedback", option.feedback
    for i, mistake in enumerate(q.mistakes):
        yield q.id, f"mistake {i + 1} ({mistake.answer}) feedback", mistake.feedback


def check_bank(bank: Bank) -> list[StyleIssue]:
    """Every style problem of the bank's learner-facing text."""
    issues = []
    for where, field, text in _texts(bank):
        for lang in LANGUAGES:
            value = text.values.get(lang)
            if not value or not value.strip():
                issues.append(StyleIssue(f"{where} {field}", "languages", f"no {lang} text"))
                continue
            for rule, message in check_text(value, lang):
                issues.append(StyleIssue(f"{where} {field} [{lang}]", rule, message))
            if lang == "ja" and text.values.get("en"):
                for rule, message in check_pair(text.values["en"], value):
                    issues.append(StyleIssue(f"{where} {field}", rule, message))
            if field == "prompt" and lang == "ja":
                for rule, pattern, message in _JA_PROMPT_BANNED:
                    if pattern.search(prose(value)):
                        issues.append(StyleIssue(f"{where} prompt [ja]", rule, message))
    for q in bank.questions:
        why = check_prompt_ending(q)
        if why is not None:
            issues.append(StyleIssue(f"{q.id} prompt [ja]", "prompt-ending", why))
    return issues
