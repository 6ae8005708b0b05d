"""Validation of one parsed TOML file against SCHEMA.md, building the model objects.

Every problem raises BankError with the file, the line of the offending key or table, and what
is wrong. Formulas are parsed with `eprep.grammar` (no SymPy); parameter specs and `where`
conditions are parsed here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError
from eprep.grammar import FUNCTIONS
from eprep.grammar.vocabulary import DomainError, parse_domain
from eprep.questions import kinds
from eprep.questions.condition import ConditionError, parse_condition
from eprep.questions.errors import BankError
from eprep.questions.latex import unknown_constructs
from eprep.questions.locate import LineIndex, Path
from eprep.questions.models import LANGUAGES, Formula, Mistake, Option, Question, Text
from eprep.questions.params import ParamSpecError, parse_spec
from eprep.questions.variants import (
    VariantError,
    alias_names,
    make_variant,
    parse_formula,
    placeholders,
)

if TYPE_CHECKING:
    from eprep.questions.syllabus import Syllabus

SLUG = re.compile(r"^[a-z0-9-]+$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,23}$")
PROBE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Names the grammar reads as constants or functions; a parameter must not shadow them.
_RESERVED = {"pi", "e", *FUNCTIONS, "and", "or", "not", "true", "false"}

# Keys every question may have; the rest belong to kinds (`eprep.questions.kinds`).
COMMON_KEYS = {
    "id", "kind", "title", "prompt", "explanation", "difficulty", "tags", "source", "probe",
    "probe_args", "reference", "reference_args", "concept", "trap", "params", "derived", "where",
    "exam_params", "syllabus",
}  # fmt: skip
OPTION_KEYS = {"text", "formula", "value", "code", "id", "correct", "feedback"}
OPTION_FORMS = ("text", "formula", "value", "code")


class FileValidator:
    """Validates the parsed contents of one file; `fail(path, message)` raises BankError."""

    def __init__(self, file: str, text: str, syllabus: Syllabus | None = None) -> None:
        self.file = file
        self.syllabus = syllabus  # the areas `syllabus = "..."` may name
        self._source = text
        self._index: LineIndex | None = None
        self.placeholder_names: frozenset[str] | None = None
        self.placeholder_owner = ""
        self.declared: frozenset[str] = frozenset()  # the current question's `functions`
        # Question header lines are needed for every question; the full index only on errors.
        self._headers = [
            text.count("\n", 0, m.start()) + 1
            for m in re.finditer(r"^[ \t]*\[\[\s*question\s*\]\]", text, re.M)
        ]

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self._source)
        return self._index

    def question_line(self, number: int) -> int:
        if number < len(self._headers):
            return self._headers[number]
        return self.index.line(("question", number))

    def fail(self, path: Path, message: str) -> BankError:
        return BankError(self.file, self.index.line(path), message)

    # --- generic shapes -------------------------------------------------------------------

    def table(
        self, value: Any, path: Path, allowed: set[str], required: set[str] = frozenset()
    ) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"{_dotted(path)} must be a table")
        for key in value:
            if key not in allowed:
                raise self.fail((*path, key), f"unknown key {key!r} in {_dotted(path) or 'file'}")
        for key in sorted(required):
            if key not in value:
                raise self.fail(path, f"missing required key {key!r} in {_dotted(path)}")
        return value

    def text(self, value: Any, path: Path) -> Text:
        if not isinstance(value, dict):
            raise self.fail(
                path, f'{_dotted(path)} must be a text table like {_dotted(path)}.en = "..."'
            )
        for lang, item in value.items():
            if lang not in LANGUAGES:
                raise self.fail(
                    (*path, lang), f"unknown language {lang!r} in {_dotted(path)} (use en, ja)"
                )
            if not isinstance(item, str) or not item.strip():
                raise self.fail((*path, lang), f"{_dotted(path)}.{lang} must be a non-empty string")
        if "en" not in value:
            raise self.fail(path, f"{_dotted(path)} has no 'en' text")
        for lang, item in value.items():
            self.latex(item, (*path, lang))
        if self.placeholder_names is not None:
            for lang, item in value.items():
                unknown = sorted(placeholders(item) - self.placeholder_names)
                if unknown:
                    raise self.fail(
                        (*path, lang),
                        f"{{{{{unknown[0]}}}}} is not a parameter of {self.placeholder_owner}",
                    )
        return Text(dict(value))

    def latex(self, text: str, path: Path) -> None:
        """Refuse LaTeX in `$…$` that the terminal and the site cannot show (questions/latex.py)."""
        unknown = unknown_constructs(text)
        if unknown:
            owner = f"question {self.placeholder_owner}: " if self.placeholder_owner else ""
            raise self.fail(
                path,
                f"{owner}{_dotted(path)} uses the LaTeX {unknown[0]}, which eprep cannot show "
                "(the commands it can are listed in eprep/questions/latex.py)",
            )

    def _formula_tex(self, value: Any, path: Path) -> str:
        tex = self.string(value, path)
        self.latex(f"${tex}$", path)
        return tex

    def string(self, value: Any, path: Path) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"{_dotted(path)} must be a non-empty string")
        return value

    def integer(self, value: Any, path: Path, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(path, f"{_dotted(path)} must be an integer from {low} to {high}")
        return value

    def boolean(self, value: Any, path: Path) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"{_dotted(path)} must be true or false")
        return value

    def number(self, value: Any, path: Path) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(path, f"{_dotted(path)} must be a non-negative number")
        return float(value)

    def formula(self, value: Any, path: Path, allowed: frozenset[str]) -> str:
        text = self.string(value, path)
        try:
            node = parse_formula(text, allowed, self.declared)
        except EprepError as error:
            raise self.fail(path, f"{_dotted(path)}: cannot parse {text!r}: {error}") from None
        from eprep.grammar import free_symbols

        unknown = sorted(free_symbols(node) - alias_names(allowed))
        if unknown:
            raise self.fail(path, f"{_dotted(path)}: unknown name {unknown[0]!r} in {text!r}")
        return text

    def area(self, value: Any, path: Path) -> str | None:
        """A `syllabus = "dl-basics.cnn"` key: an area of the syllabus tree (None when absent)."""
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, 'syllabus must be an area id like "dl-basics.cnn"')
        if self.syllabus is None:
            raise self.fail(path, "syllabus areas are not known here")
        if value not in self.syllabus:
            raise self.fail(path, self.syllabus.unknown_message(value))
        return value

    # --- files ----------------------------------------------------------------------------

    def day(self, data: dict) -> tuple[Text, Text | None, int]:
        self.table(data, (), {"day"}, {"day"})
        day = self.table(
            data["day"], ("day",), {"title", "summary", "order", "syllabus"}, {"title", "order"}
        )
        title = self.text(day["title"], ("day", "title"))
        summary = self.text(day["summary"], ("day", "summary")) if "summary" in day else None
        return title, summary, self.integer(day["order"], ("day", "order"), 0, 10_000)

    def day_area(self, data: dict) -> str | None:
        """The day's default area (`syllabus` in `[day]`), after `day()` has checked the file."""
        return self.area(data["day"].get("syllabus"), ("day", "syllabus"))

    def topic(
        self, data: dict, day: str, topic: str, default_area: str | None = None
    ) -> tuple[dict, tuple[Formula, ...], list[Question]]:
        """The topic's head, formula sheet and questions; `head["syllabus"]` is its area."""
        self.table(data, (), {"topic", "formula", "question"}, {"topic"})
        head = self.table(
            data["topic"], ("topic",), {"title", "summary", "order", "syllabus"}, {"title", "order"}
        )
        self.text(head["title"], ("topic", "title"))
        head = {**head, "syllabus": self.area(head.get("syllabus"), ("topic", "syllabus"))}
        area = head["syllabus"] or default_area
        formulas = data.get("formula", [])
        if not isinstance(formulas, list):
            raise self.fail(("formula",), "formula must be an array of tables: [[formula]]")
        sheet = []
        for i, item in enumerate(formulas):
            path: Path = ("formula", i)
            self.table(item, path, {"label", "tex"}, {"label", "tex"})
            sheet.append(
                Formula(
                    self.text(item["label"], (*path, "label")),
                    self._formula_tex(item["tex"], (*path, "tex")),
                )
            )
        raw_questions = data.get("question", [])
        if not isinstance(raw_questions, list):
            raise self.fail(("question",), "question must be an array of tables: [[question]]")
        questions = [
            self.question(item, ("question", i), day, topic, area)
            for i, item in enumerate(raw_questions)
        ]
        return head, tuple(sheet), questions

    # --- questions ------------------------------------------------------------------------

    def question(
        self, raw: Any, path: Path, day: str, topic: str, area: str | None = None
    ) -> Question:
        required = {"id", "kind", "title", "prompt", "explanation", "difficulty", "tags", "source"}
        q = self.table(raw, path, COMMON_KEYS | kinds.kind_keys(), required)
        at = lambda key: (*path, key)  # noqa: E731 - a path inside this question

        qid = self.string(q["id"], at("id"))
        if not re.fullmatch(rf"{re.escape(day)}\.{re.escape(topic)}\.[a-z0-9-]+", qid):
            raise self.fail(
                at("id"), f"id {qid!r} must be '{day}.{topic}.' followed by a slug [a-z0-9-]+"
            )
        kind = q["kind"]
        spec = kinds.get(kind) if isinstance(kind, str) else None
        if spec is None:
            raise self.fail(at("kind"), f"kind {kind!r} must be one of {', '.join(kinds.names())}")
        for key in sorted(kinds.kind_keys() - spec.keys):
            if key in q:
                raise self.fail(at(key), f"{key!r} is not used by {kind} questions")
        tags = q["tags"]
        if not isinstance(tags, list) or not all(
            isinstance(t, str) and SLUG.match(t) for t in tags
        ):
            raise self.fail(at("tags"), "tags must be a list of [a-z0-9-]+ strings")
        concept = self.boolean(q.get("concept", False), at("concept"))
        probe = q.get("probe")
        if probe is not None and not (isinstance(probe, str) and PROBE_NAME.match(probe)):
            raise self.fail(at("probe"), "probe must be a probe name like 'conv_output_height'")
        if probe is None and not concept:
            raise self.fail(path, f"question {qid} needs a probe (or concept = true)")
        probe_args = q.get("probe_args", {})
        if not isinstance(probe_args, dict):
            raise self.fail(at("probe_args"), "probe_args must be a table")
        reference = q.get("reference")
        if reference is not None and not (
            isinstance(reference, str) and PROBE_NAME.match(reference)
        ):
            raise self.fail(at("reference"), "reference must be a name like 'conv_output'")
        reference_args = q.get("reference_args", {})
        if not isinstance(reference_args, dict):
            raise self.fail(at("reference_args"), "reference_args must be a table")
        if "reference_args" in q and reference is None:
            raise self.fail(at("reference_args"), "reference_args without a reference")

        params, derived, where, names = self.randomisation(q, path)
        # From here on, every text of this question may only use {{NAME}} of its own values.
        self.placeholder_names = names
        self.placeholder_owner = qid
        variables = self.variables(q.get("variables", {}), at("variables"), names)
        all_names = names | frozenset(variables)
        functions = self.functions(q.get("functions", []), at("functions"), all_names)
        self.declared = functions

        fields: dict[str, Any] = {
            "id": qid,
            "day": day,
            "topic": topic,
            "kind": kind,
            "title": self.text(q["title"], at("title")),
            "prompt": self.text(q["prompt"], at("prompt")),
            "explanation": self.text(q["explanation"], at("explanation")),
            "difficulty": self.integer(q["difficulty"], at("difficulty"), 1, 3),
            "tags": tuple(tags),
            "source": self.string(q["source"], at("source")),
            "syllabus": self.area(q.get("syllabus"), at("syllabus")) or area,
            "path": self.file,
            "line": self.question_line(path[1]),
            "probe": probe,
            "probe_args": dict(probe_args),
            "reference": reference,
            "reference_args": dict(reference_args),
            "concept": concept,
            "trap": self.text(q["trap"], at("trap")) if "trap" in q else None,
            "params": params,
            "derived": derived,
            "where": where,
            "variables": variables,
            "functions": functions,
        }
        fields["exam_params"] = self.exam_params(q, path, params)
        spec.validate(self, q, path, fields, names, all_names)
        self.placeholder_names = None
        self.declared = frozenset()
        question = Question(**fields)
        if where is not None or derived:
            try:
                make_variant(question, 0)
                if question.exam_params:
                    make_variant(question, 0, exam=True)
            except VariantError as error:
                if where is None:
                    message = f"question {qid}: derived values cannot be computed"
                elif "'where' was never satisfied" in error.detail:
                    message = f"question {qid}: no valid variant: 'where' never holds in 1000 draws"
                else:  # the condition itself fails (overflow, division by zero, time budget)
                    message = f"question {qid}: {error.detail}"
                at_key = at("where") if where is not None else at("derived")
                raise self.fail(at_key, message) from None
        return question

    def randomisation(self, q: dict, path: Path) -> tuple[dict, dict, Any, frozenset[str]]:
        params: dict = {}
        raw = q.get("params", {})
        if not isinstance(raw, dict):
            raise self.fail((*path, "params"), "params must be a table of name = spec")
        for name, spec in raw.items():
            self.name(name, (*path, "params", name))
            try:
                params[name] = parse_spec(spec)
            except ParamSpecError as error:
                raise self.fail((*path, "params", name), f"params.{name}: {error}") from None
        names = set(params)
        derived: dict[str, str] = {}
        raw = q.get("derived", {})
        if not isinstance(raw, dict):
            raise self.fail((*path, "derived"), "derived must be a table of name = formula")
        for name, formula in raw.items():
            self.name(name, (*path, "derived", name))
            if name in names:
                raise self.fail(
                    (*path, "derived", name), f"derived.{name} repeats a parameter name"
                )
            # A derived value may use params and the derived values before it.
            derived[name] = self.formula(formula, (*path, "derived", name), frozenset(names))
            names.add(name)
        where = None
        if "where" in q:
            text = self.string(q["where"], (*path, "where"))
            try:
                line = self.index.line((*path, "where"))
                where = parse_condition(text, f"{self.file}:{line}")
            except ConditionError as error:
                raise self.fail(
                    (*path, "where"), f"where: cannot parse {text!r}: {error}"
                ) from None
            unknown = sorted(where.names() - alias_names(frozenset(names)))
            if unknown:
                raise self.fail((*path, "where"), f"where: unknown name {unknown[0]!r}")
        return params, derived, where, frozenset(names)

    def exam_params(self, q: dict, path: Path, params: dict) -> dict:
        """`exam_params`: hand-computable specs that replace named params in exam format."""
        raw = q.get("exam_params", {})
        at = (*path, "exam_params")
        if not isinstance(raw, dict):
            raise self.fail(at, "exam_params must be a table of name = spec")
        specs = {}
        for name, spec in raw.items():
            if name not in params:
                raise self.fail((*at, name), f"exam_params.{name}: {name!r} is not a parameter")
            try:
                specs[name] = parse_spec(spec)
            except ParamSpecError as error:
                raise self.fail((*at, name), f"exam_params.{name}: {error}") from None
        return specs

    def name(self, name: str, path: Path) -> None:
        if not NAME.match(name) or name in _RESERVED or name.startswith("__"):
            raise self.fail(path, f"{name!r} cannot be a parameter or variable name")

    def variables(self, raw: Any, path: Path, names: frozenset[str]) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise self.fail(path, "variables must be a table of name = domain")
        for name, domain in raw.items():
            self.name(name, (*path, name))
            if name in names:
                raise self.fail((*path, name), f"variable {name!r} repeats a parameter name")
            try:
                parse_domain(domain)
            except DomainError as error:
                raise self.fail(
                    (*path, name), f"variables.{name}: bad domain {domain!r} ({error})"
                ) from None
        return dict(raw)

    def functions(self, raw: Any, path: Path, names: frozenset[str]) -> frozenset[str]:
        """`functions = ["f", "g"]`: names a formula of the question may call, `f(x)`."""
        if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
            raise self.fail(path, 'functions must be a list of names, e.g. functions = ["f"]')
        for name in raw:
            self.name(name, path)
            if name in names:
                raise self.fail(path, f"function {name!r} repeats a parameter or variable name")
        return frozenset(raw)

    def mistakes(self, q: dict, path: Path, names: frozenset[str]) -> tuple[Mistake, ...]:
        """`[[question.mistakes]]`: known wrong formulas, each with its feedback."""
        raw = q.get("mistakes", [])
        if not isinstance(raw, list):
            raise self.fail(
                (*path, "mistakes"), "mistakes must be an array of tables: [[question.mistakes]]"
            )
        found = []
        for i, item in enumerate(raw):
            mpath = (*path, "mistakes", i)
            self.table(item, mpath, {"answer", "feedback"}, {"answer", "feedback"})
            found.append(
                Mistake(
                    self.formula(item["answer"], (*mpath, "answer"), names),
                    self.text(item["feedback"], (*mpath, "feedback")),
                )
            )
        return tuple(found)

    def options(
        self,
        raw: Any,
        at: Path,
        owner: Path,
        only: str | None,
        names: frozenset[str],
        all_names: frozenset[str],
    ) -> tuple[Option, ...]:
        """An array of options at `at` (of the question or blank at `owner`); `only` one form."""
        what = "code question" if only == "code" else "choice question"
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail(
                at if raw is not None else owner,
                f"a {what} needs at least 2 [[{_array_name(at)}]]",
            )
        options = []
        ids: set[str] = set()
        for i, item in enumerate(raw):
            opath = (*at, i)
            self.table(item, opath, OPTION_KEYS)
            forms = [form for form in OPTION_FORMS if form in item]
            if len(forms) != 1:
                raise self.fail(
                    opath, f"option {i + 1} must have exactly one of text, formula, value, code"
                )
            form = forms[0]
            if only is not None and form != only:
                raise self.fail((*opath, form), f"option {i + 1} of a {what} must be {only!r}")
            values: dict[str, Any] = {}
            if form == "text":
                values["text"] = self.text(item["text"], (*opath, "text"))
            elif form == "formula":
                values["formula"] = self.formula(item["formula"], (*opath, "formula"), all_names)
            elif form == "value":
                values["value"] = self.formula(item["value"], (*opath, "value"), names)
            else:
                values["code"] = self.string(item["code"], (*opath, "code"))
            if "id" in item:
                oid = item["id"]
                if not isinstance(oid, str) or not SLUG.match(oid):
                    raise self.fail((*opath, "id"), "option id must match [a-z0-9-]+")
                if oid in ids:
                    raise self.fail((*opath, "id"), f"option id {oid!r} is used twice")
                ids.add(oid)
                values["id"] = oid
            if "feedback" in item:
                values["feedback"] = self.text(item["feedback"], (*opath, "feedback"))
            correct = self.boolean(item.get("correct", False), (*opath, "correct"))
            options.append(Option(index=i, correct=correct, **values))
        correct = [option.index for option in options if option.correct]
        if len(correct) != 1:
            where = (*at, correct[1], "correct") if correct else at
            raise self.fail(
                where, f"exactly one option must have correct = true, found {len(correct)}"
            )
        return tuple(options)


def _array_name(path: Path) -> str:
    """`question.options` or `question.blanks.options` for a path inside a question."""
    return ".".join(["question", *(part for part in path[2:] if isinstance(part, str))])


def _dotted(path: Path) -> str:
    return ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in path).replace(
        ".[", "["
    )
