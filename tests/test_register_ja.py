"""The interface's Japanese is in the exam's register too: である調, instructions as 「…せよ。」.

SCHEMA.md sets the register for the bank's text (tests/questions/test_style.py checks it); this
checks every string literal of the package — the CLI's, the quiz's, the exam's, the checker's and
the site's catalogues, the examples' claims, checks and explanations — where です/ます crept in
before, and the site's templates. Docstrings are for readers of the code and are not checked.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import eprep

PACKAGE = Path(eprep.__file__).parent
POLITE = re.compile(r"です|ます|ません|ください|でしょう")
# Names whose strings spell the polite forms in order to find them.
PATTERNS = {"questions/style.py": {"*"}, "site/i18n.py": {"_VERDICT"}}


def polite_literals(source: str, exempt: set[str] = frozenset()) -> list[str]:
    """The string literals of `source` in polite Japanese, outside docstrings and `exempt` names."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))  # a docstring or a bare string
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in exempt for t in node.targets
        ):
            skipped.update(id(inner) for inner in ast.walk(node))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and POLITE.search(node.value)
    ]


def test_no_string_of_the_package_is_polite_japanese() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(PACKAGE))
        if "*" in PATTERNS.get(name, set()):
            continue
        if found := polite_literals(path.read_text(encoding="utf-8"), PATTERNS.get(name, set())):
            offenders[name] = found
    assert not offenders, offenders


def test_the_site_templates_japanese_is_in_the_exam_register() -> None:
    for template in sorted((PACKAGE / "site" / "templates").glob("*.html")):
        found = POLITE.findall(template.read_text(encoding="utf-8"))
        assert not found, (template.name, found)


def test_the_check_finds_polite_japanese_and_spares_docstrings_and_patterns() -> None:
    source = '"""正解です。"""\nX = {"ja": "正解です。"}\nY = "選べ。"\nP = "ください"\n'
    assert sorted(polite_literals(source)) == sorted(["正解です。", "ください"])
    assert polite_literals(source, {"P"}) == ["正解です。"]
