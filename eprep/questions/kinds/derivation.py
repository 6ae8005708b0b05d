"""derivation: from `start` to `answer` (formulas of `variables`), a model `solution` chain."""

from __future__ import annotations

from eprep.questions.kinds import DataKind, register, require_answer, require_variables


def validate(v, q, path, fields, names, all_names) -> None:
    require_answer(v, q, path, fields, all_names, "derivation")
    require_variables(v, path, fields, "derivation")
    if "start" not in q:
        raise v.fail(path, "missing required key 'start' in a derivation question")
    fields["start"] = v.formula(q["start"], (*path, "start"), all_names)
    steps = q.get("solution", [])
    if not isinstance(steps, list):
        raise v.fail((*path, "solution"), "solution must be a list of formulas")
    fields["solution"] = tuple(v.formula(s, (*path, "solution"), all_names) for s in steps)
    fields["mistakes"] = v.mistakes(q, path, all_names)


register(
    DataKind(
        "derivation", frozenset({"answer", "variables", "start", "solution", "mistakes"}), validate
    )
)
