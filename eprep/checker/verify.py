"""`eprep verify`: prove every variant of every selected question, symbolically and with the engine.

Questions are spread over a pool of worker processes (forked, so they inherit the loaded bank,
SymPy, NumPy and every registered probe); each worker proves all variants of one question at a
time. The report keeps bank order whatever order the workers finish in.
"""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from eprep.checker import frameworks, kinds
from eprep.checker.frameworks import not_proven_label
from eprep.checker.verify_checks import (
    Failure,
    checker_equivalence,
    engine_checks,
    exam_checks,
    kind_self_tests,
    symbolic_checks,
)
from eprep.checker.witnesses import ENGINE, EXACT, IDENTITY, reference_witness
from eprep.errors import EprepError
from eprep.questions import Question
from eprep.questions.variants import PROVEN_VARIANTS

DEFAULT_VARIANTS = PROVEN_VARIANTS  # every variant a learner can be shown
CONCEPT_LIMIT = 0.15  # concept questions may be at most this share of each day
PROBE_FILES_ENV = "EPREP_PROBE_FILES"
# A concept question's source must read like a citation: a year and a section, page or figure.
_CITATION = re.compile(
    r"(1[89]|20)\d\d.*(§|\bsec(tion)?\.?\s*\d|\bpp?\.\s*\d|\bch(apter)?\.?\s*\d|"
    r"\balgorithm\s*\d|\bfig(ure)?\.?\s*\d)",
    re.IGNORECASE,
)


@dataclass
class QuestionResult:
    """The outcome of verifying every variant of one question."""

    id: str
    kind: str
    concept: bool
    probe: str | None
    variants: int
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    day: str = ""
    reference: str | None = None
    witnesses: list[str] = field(default_factory=list)  # identity | exact | engine, that hold
    not_proven: str | None = None  # the missing extra ("frameworks") its witnesses need here

    @property
    def failed_variants(self) -> int:
        """Variants with at least one failed check (a question-wide failure fails them all)."""
        if any(f.variant is None for f in self.failures):
            return max(self.variants, 1)
        return len({f.variant for f in self.failures})

    def passed(self, check: str) -> bool:
        return not any(f.check == check or f.check == "load" for f in self.failures)

    @property
    def label(self) -> str:
        """ "sourced" for a concept question, else the witnesses that hold (or "FAILED")."""
        if self.concept:
            return "sourced"
        if self.not_proven:
            return not_proven_label(self.not_proven)
        return "+".join(self.witnesses) if self.witnesses else "none"


@dataclass
class Report:
    """All results, in bank order, and the totals of the summary line."""

    results: list[QuestionResult]
    seconds: float
    workers: int
    # every kind's own self-test (kind -> reasons it fails), run once per verification
    kind_tests: dict[str, list[str]] = field(default_factory=dict)

    @property
    def kind_failures(self) -> list[str]:
        return [f"{kind}: {why}" for kind, reasons in self.kind_tests.items() for why in reasons]

    @property
    def questions(self) -> int:
        return len(self.results)

    @property
    def variants(self) -> int:
        return sum(r.variants for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.failed_variants for r in self.results)

    @property
    def concept(self) -> int:
        return sum(r.concept for r in self.results)

    @property
    def concept_share(self) -> float:
        return self.concept / self.questions if self.questions else 0.0

    @property
    def not_proven(self) -> int:
        """Questions whose witnesses need an extra that is not installed here."""
        return sum(r.not_proven is not None for r in self.results)

    def count(self, witness: str) -> int:
        """Questions for which `witness` holds."""
        return sum(witness in r.witnesses for r in self.results)

    def concept_by_day(self) -> dict[str, tuple[int, int]]:
        """day -> (concept questions, questions) among the results."""
        days: dict[str, tuple[int, int]] = {}
        for r in self.results:
            concept, total = days.get(r.day, (0, 0))
            days[r.day] = (concept + r.concept, total + 1)
        return days

    def concept_over_limit(self) -> list[str]:
        """Days whose concept questions exceed CONCEPT_LIMIT of the day."""
        return [
            day
            for day, (concept, total) in self.concept_by_day().items()
            if total and concept / total > CONCEPT_LIMIT + 1e-12
        ]

    def summary(self) -> str:
        extras = sorted({r.not_proven for r in self.results if r.not_proven})
        missing = "".join(
            f", {sum(r.not_proven == extra for r in self.results)} {not_proven_label(extra)}"
            for extra in extras
        )
        return (
            f"verified {self.questions} questions ({self.count(IDENTITY)} identity, "
            f"{self.count(EXACT)} exact, {self.count(ENGINE)} engine), "
            f"{self.variants} variants, {self.failed} failed{missing}"
        )


# --- one question -----------------------------------------------------------------------


def verify_question(
    question: Question,
    variants: int,
    *,
    code_timeout: float = 5.0,
    trust_bank: bool = False,
    references: bool = True,
) -> QuestionResult:
    """Prove every variant of one question; never raises for a problem in the question.

    With `references` (the default) the key is also proven against its reference definition,
    and a non-concept question with fewer than two witnesses fails.
    """
    started = time.perf_counter()
    count = question.variant_count(variants)
    result = QuestionResult(
        question.id,
        question.kind,
        question.concept,
        question.probe,
        count,
        day=question.day,
        reference=question.reference,
    )
    try:
        equivalent = checker_equivalence()
    except ImportError as error:
        result.failures.append(Failure(None, "load", f"the checker cannot be imported: {error}"))
        return result
    extra = frameworks.required_by(question)
    if extra is not None:
        if frameworks.missing() is not None:  # listed as not proven here, never failed
            result.not_proven = extra
            result.variants = 0  # nothing ran: the summary counts no variant of it as verified
            result.seconds = time.perf_counter() - started
            return result
        frameworks.load()  # a no-op where the verifier loaded it before forking
    made = []  # every variant made, for the reference witness
    # The drill family always; the exam's hand-computable family too when the question has one.
    families = (False, True) if question.exam_params else (False,)
    for exam, k in ((exam, k) for exam in families for k in range(count)):
        try:
            variant = question.variant(k, exam=exam)
        except EprepError as error:
            result.failures.append(Failure(k, "load", str(error)))
            continue
        made.append(variant)
        checks = [
            ("symbolic", lambda v=variant: symbolic_checks(question, v, equivalent)),
            (
                "engine",
                lambda v=variant: engine_checks(
                    question, v, code_timeout=code_timeout, trust_bank=trust_bank
                ),
            ),
        ]
        if exam or not question.exam_params:  # the exam asks the exam family only
            checks.append(("exam", lambda v=variant: exam_checks(question, v, equivalent)))
        for check, run in checks:
            if check == "engine" and question.probe is None:
                continue  # a concept question: nothing the engine can prove
            try:
                reasons = run()
            except EprepError as error:
                reasons = [f"{type(error).__name__}: {error}"]
            except Exception as error:  # a bug in a check must name the question, not kill the run
                reasons = [f"internal error {type(error).__name__}: {error}"]
            family = "exam family: " if exam else ""
            result.failures.extend(Failure(k, check, family + reason) for reason in reasons)
    if references:
        _witness(question, made, result, code_timeout, trust_bank)
    result.seconds = time.perf_counter() - started
    return result


def _witness(
    question: Question, made: list, result: QuestionResult, code_timeout: float, trust_bank: bool
) -> None:
    """Add the reference witness, name the witnesses that hold, and apply the two-witness rule."""
    outcome = reference_witness(question, made, code_timeout=code_timeout, trust_bank=trust_bank)
    result.failures.extend(Failure(k, "reference", reason) for k, reason in outcome.problems)
    if outcome.witness is not None:
        result.witnesses.append(outcome.witness)
    if question.probe is not None and result.passed("engine"):
        result.witnesses.append(ENGINE)
    if question.concept:
        if not _CITATION.search(question.source):
            result.failures.append(
                Failure(
                    None,
                    "witnesses",
                    f"a concept question must cite a primary source (paper and section, book "
                    f"and page) in 'source', not {question.source!r}",
                )
            )
        return
    if len(result.witnesses) < 2 and not result.failures:
        held = ", ".join(result.witnesses) or "none"
        missing = "a reference" if question.reference is None else "an engine probe"
        result.failures.append(
            Failure(
                None,
                "witnesses",
                f"only {len(result.witnesses)} independent witness holds ({held}); a key needs "
                f"two: add {missing}, or mark a question of fact concept = true",
            )
        )


# --- the pool ---------------------------------------------------------------------------

_POOL_QUESTIONS: dict[str, Question] = {}
_POOL_OPTIONS: dict[str, float] = {}


def _verify_by_id(question_id: str) -> QuestionResult:
    variants = int(_POOL_OPTIONS["variants"])
    return verify_question(
        _POOL_QUESTIONS[question_id],
        variants,
        code_timeout=_POOL_OPTIONS["timeout"],
        trust_bank=bool(_POOL_OPTIONS["trust_bank"]),
        references=bool(_POOL_OPTIONS["references"]),
    )


def one_blas_thread() -> None:
    """Run this worker's NumPy on one BLAS thread.

    Workers already use every core between them; a BLAS pool per worker on top of that only
    makes the probes' small products wait for each other's threads.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _init_worker() -> None:
    """A worker gets the memory allowance of a code option (on top of what it already holds)."""
    from eprep.checker.verify_sandbox import DEFAULT_MEMORY_MB, limit_memory

    one_blas_thread()
    with contextlib.suppress(OSError, ValueError):
        limit_memory(DEFAULT_MEMORY_MB)


def _died(question: Question, variants: int) -> QuestionResult:
    result = QuestionResult(
        question.id,
        question.kind,
        question.concept,
        question.probe,
        question.variant_count(variants),
    )
    reason = "the process verifying it died (killed, or out of memory)"
    result.failures.append(Failure(None, "engine", reason))
    return result


def default_workers() -> int:
    """One worker per usable core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def load_probes() -> None:
    """Import every probe and reference module now; a broken one (or a name registered twice)
    is a one-line EprepError, not a traceback."""
    from eprep.checker import probes, references

    try:
        probes.probe_names()
        references.reference_names()
    except EprepError:
        raise
    except Exception as error:
        raise EprepError(
            f"the witness modules do not import: {type(error).__name__}: {error}"
        ) from None


def warm_up() -> None:
    """Import SymPy, NumPy, the checker and every probe once, before workers fork."""
    import numpy  # noqa: F401

    from eprep.checker.api import equivalent

    load_probes()
    from eprep.checker import references
    from eprep.checker.confine import unavailable_reason

    references.reference_names()
    unavailable_reason()  # loads libseccomp's bindings once, before the workers fork
    # Warming is best-effort; a real failure shows in the results.
    with contextlib.suppress(Exception):
        # A pair that needs SymPy: a mere reordering is now settled without it.
        equivalent("(x + 1)^2", "x^2 + 2*x + 1", {"x": "real"}, trusted=True)


def load_probe_files(paths: Iterable[str | Path]) -> None:
    """Import extra probe modules from Python files (tests, user banks); they register on import."""
    for index, path in enumerate(paths):
        path = Path(path)
        if not path.is_file():
            raise EprepError(f"{path}: probe file does not exist")
        name = f"eprep_extra_probes_{index}_{path.stem}"
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise EprepError(f"{path}: cannot import probe file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


def env_probe_files() -> list[str]:
    """Extra probe files named by EPREP_PROBE_FILES (separated by ':')."""
    return [p for p in os.environ.get(PROBE_FILES_ENV, "").split(os.pathsep) if p.strip()]


def verify_questions(
    questions: Sequence[Question],
    variants: int = DEFAULT_VARIANTS,
    *,
    workers: int | None = None,
    code_timeout: float = 5.0,
    trust_bank: bool = False,
    progress=None,
    references: bool = True,
) -> Report:
    """Verify `questions` with `workers` processes (1: in this process); results in input order."""
    started = time.perf_counter()
    load_probes()
    kind_tests = run_kind_self_tests()
    workers = default_workers() if workers is None else max(1, workers)
    workers = min(workers, max(1, len(questions)))
    if "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for question in questions:
            results.append(
                verify_question(
                    question,
                    variants,
                    code_timeout=code_timeout,
                    trust_bank=trust_bank,
                    references=references,
                )
            )
            if progress:
                progress(results[-1])
        if references:
            _duplicates(questions, results)
        return Report(results, time.perf_counter() - started, 1, kind_tests)
    # Always in worker processes (one is enough): a question whose check crashes or exhausts
    # its memory takes down a worker, never this process, and its report is still printed.
    warm_up()
    frameworks.load_for(questions)  # once, before forking (see eprep.checker.frameworks)
    _POOL_QUESTIONS.clear()
    _POOL_QUESTIONS.update({q.id: q for q in questions})
    _POOL_OPTIONS.update(
        variants=variants, timeout=code_timeout, trust_bank=trust_bank, references=references
    )
    # Slowest-looking questions first (code questions run many processes) keeps both cores busy.
    ordered = sorted(
        questions, key=lambda q: (not kinds.get(q.kind).runs_code, q.has_params is False)
    )
    by_id: dict[str, QuestionResult] = {}

    def finished(result: QuestionResult) -> None:
        by_id[result.id] = result
        if progress:
            progress(result)

    lost = _run_pool([q.id for q in ordered], workers, finished)
    for question_id in lost:  # alone this time, to tell the culprit from its bystanders
        if _run_pool([question_id], 1, finished):
            finished(_died(_POOL_QUESTIONS[question_id], variants))
    results = [by_id[q.id] for q in questions]
    if references:
        _duplicates(questions, results)
    return Report(results, time.perf_counter() - started, workers, kind_tests)


def _duplicates(questions: Sequence[Question], results: list[QuestionResult]) -> None:
    """Fail each question of a duplicate group (`checker/duplicates.py`), naming the others."""
    from eprep.checker.duplicates import find

    by_id = {r.id: r for r in results}
    for duplicate in find(questions):
        for question_id in duplicate.ids:
            others = ", ".join(i for i in duplicate.ids if i != question_id)
            reason = (
                f"the same {duplicate.format} item as {others} (reference {duplicate.reference}): "
                f"merge one into the other and alias its id in the day's _aliases.toml"
            )
            by_id[question_id].failures.append(Failure(None, "duplicate", reason))


def _run_pool(ids: list[str], workers: int, finished) -> list[str]:
    """Verify `ids` in a pool of forked workers; the ids lost when a worker died."""
    context = multiprocessing.get_context("fork")
    lost: list[str] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker) as pool:
        futures = {pool.submit(_verify_by_id, question_id): question_id for question_id in ids}
        for future in as_completed(futures):
            try:
                finished(future.result())
            except BrokenProcessPool:
                lost.append(futures[future])
    return [question_id for question_id in ids if question_id in lost]


def run_kind_self_tests() -> dict[str, list[str]]:
    """Every question kind's own `test` (the bank's self-test of its kinds)."""
    try:
        return kind_self_tests(checker_equivalence())
    except ImportError as error:
        return {"all": [f"the checker cannot be imported: {error}"]}
