"""expression: `answer` is a formula of the learner's `variables`; known `mistakes`."""

from __future__ import annotations

from eprep.questions.kinds import DataKind, register, require_answer, require_variables


def validate(v, q, path, fields, names, all_names) -> None:
    require_answer(v, q, path, fields, all_names, "expression")
    require_variables(v, path, fields, "expression")
    fields["mistakes"] = v.mistakes(q, path, all_names)


register(
    DataKind("expression", frozenset({"answer", "variables", "functions", "mistakes"}), validate)
)
