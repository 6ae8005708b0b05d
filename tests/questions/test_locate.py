"""Line numbers of keys and tables, as the loader's error messages use them."""

from __future__ import annotations

import tomllib

from eprep.questions.locate import LineIndex

TEXT = '''[topic]
title.en = "T"

[[question]]
id = "a"
prompt.en = """
[[question]]
id = "not a key: inside a string"
"""
params = { H = "randint(1, 5)" }

[[question.options]]
code = "x"

[[question.options]]
code = "y"
correct = true

[[question]]
id = "b"
explanation.en = \'\'\'
correct = false
\'\'\'

[[question.options]]
feedback.en = "f"
'''


def test_lines_follow_tomllib_indices() -> None:
    data = tomllib.loads(TEXT)  # the paths below index the same structure
    assert data["question"][0]["options"][1]["correct"] is True
    assert data["question"][1]["options"][0]["feedback"]["en"] == "f"
    index = LineIndex(TEXT)
    assert index.line(("topic", "title", "en")) == 2
    assert index.line(("question", 0)) == 4
    assert index.line(("question", 0, "id")) == 5
    assert index.line(("question", 0, "params", "H")) == 10  # inside an inline table: its key
    assert index.line(("question", 0, "options")) == 12
    assert index.line(("question", 0, "options", 1, "correct")) == 17
    assert index.line(("question", 1)) == 19
    assert index.line(("question", 1, "id")) == 20
    assert index.line(("question", 1, "options", 0, "feedback", "en")) == 26
    # Unknown paths fall back to their nearest written ancestor.
    assert index.line(("question", 1, "options", 0, "nope")) == 25
    assert index.line(("nothing",)) == 1
