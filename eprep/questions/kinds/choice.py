"""choice: `[[question.options]]` (text, formula, value or code), one correct; `answer` for
formula and value options."""

from __future__ import annotations

from eprep.questions.kinds import DataKind, register


def validate(v, q, path, fields, names, all_names) -> None:
    fields["options"] = v.options(
        q.get("options"), (*path, "options"), path, None, names, all_names
    )
    forms = {option.form for option in fields["options"]}
    if forms & {"formula", "value"}:
        if "answer" not in q:
            raise v.fail(path, "a choice question with formula or value options needs 'answer'")
        fields["answer"] = v.formula(q["answer"], (*path, "answer"), all_names)
    elif "answer" in q:
        raise v.fail((*path, "answer"), "'answer' is only used when options are formulas or values")


register(DataKind("choice", frozenset({"answer", "variables", "options"}), validate, True))
