"""numeric: `answer` is a formula of params giving a number; `tolerance`; known `mistakes`."""

from __future__ import annotations

from eprep.questions.kinds import DataKind, register, require_answer
from eprep.questions.models import Tolerance


def validate(v, q, path, fields, names, all_names) -> None:
    require_answer(v, q, path, fields, names, "numeric")
    if "tolerance" in q:
        at = (*path, "tolerance")
        tol = v.table(q["tolerance"], at, {"rel", "abs"})
        fields["tolerance"] = Tolerance(
            v.number(tol.get("rel", 1e-3), (*at, "rel")),
            v.number(tol.get("abs", 1e-9), (*at, "abs")),
        )
    fields["mistakes"] = v.mistakes(q, path, names)


register(DataKind("numeric", frozenset({"answer", "tolerance", "mistakes"}), validate))
