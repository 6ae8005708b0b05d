"""code: a listing with blanks (あ)(い)(う)(え); one blank's `options`, or `[[question.blanks]]`."""

from __future__ import annotations

from eprep.questions.kinds import DataKind, register
from eprep.questions.models import BLANK_LABELS, Blank, blank_mark


def validate(v, q, path, fields, names, all_names) -> None:
    if "code" not in q:
        raise v.fail(path, "missing required key 'code' in a code question")
    code = v.string(q["code"], (*path, "code"))
    if "options" in q and "blanks" in q:
        raise v.fail((*path, "blanks"), "a code question has either options or blanks, not both")
    if "blanks" in q:
        blanks = _blanks(v, q["blanks"], path, names, all_names)
    else:
        options = v.options(q.get("options"), (*path, "options"), path, "code", names, all_names)
        blanks = (Blank(BLANK_LABELS[0], options),)
        fields["options"] = options
    for blank in blanks:
        count = code.count(blank_mark(blank.label))
        if count != 1:
            raise v.fail(
                (*path, "code"),
                f"the code template must contain the blank {blank_mark(blank.label)} exactly "
                f"once, not {count} times",
            )
    unused = [label for label in BLANK_LABELS[len(blanks) :] if blank_mark(label) in code]
    if unused:
        raise v.fail(
            (*path, "code"), f"the blank {blank_mark(unused[0])} has no [[question.blanks]]"
        )
    fields["code"] = code
    fields["blanks"] = blanks


def _blanks(v, raw, path, names, all_names) -> tuple[Blank, ...]:
    at = (*path, "blanks")
    if not isinstance(raw, list) or not raw:
        raise v.fail(at, "blanks must be an array of tables: [[question.blanks]]")
    if len(raw) > len(BLANK_LABELS):
        raise v.fail(at, f"a listing has at most {len(BLANK_LABELS)} blanks")
    blanks = []
    for i, item in enumerate(raw):
        bpath = (*at, i)
        v.table(item, bpath, {"label", "options"}, {"label", "options"})
        label = v.string(item["label"], (*bpath, "label"))
        if label != BLANK_LABELS[i]:
            raise v.fail(
                (*bpath, "label"),
                f"blank {i + 1} must have label {BLANK_LABELS[i]!r} (blanks go in order "
                f"{' '.join(BLANK_LABELS)})",
            )
        options = v.options(item["options"], (*bpath, "options"), bpath, "code", names, all_names)
        blanks.append(Blank(label, options))
    return tuple(blanks)


register(DataKind("code", frozenset({"code", "options", "blanks"}), validate, True))
