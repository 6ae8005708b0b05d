"""The optional `frameworks` extra: PyTorch and Keras 3 (PyTorch backend) for framework items.

Questions on framework code (day4 `pytorch`, `keras`) are proven by running the real framework in
the sandboxed child. Their witnesses are marked with `@needs_frameworks`; where the extra is not
installed (`pip install "eprep[frameworks]"`), or `EPREP_NO_FRAMEWORKS=1` says to act as if it
were not, `eprep verify` lists those questions as not proven here instead of failing them, and
the quiz asks them as any other (asking needs no framework).

The frameworks are imported once per verifying process (`load`), before the workers and the
sandboxed children fork: an import costs seconds (Keras ~5 s under load, torch ~1.5 s), and a
child that imported them itself would pay it per option run, under its CPU and memory limits.
The parent only imports them; it never runs a tensor operation, so no thread pool exists yet
when it forks.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Callable
from typing import Any, TypeVar

EXTRA = "frameworks"
DISABLE_ENV = "EPREP_NO_FRAMEWORKS"  # "1": behave as if the extra were not installed (tests)
MODULES = ("torch", "keras")
_MARK = "__eprep_extra__"
_frozen: list[bool] = []  # gc.freeze() done in this process

F = TypeVar("F", bound=Callable[..., Any])


def needs_frameworks(fn: F) -> F:
    """Mark a probe or reference as needing the `frameworks` extra (stack it under the register)."""
    setattr(fn, _MARK, EXTRA)
    return fn


def missing() -> str | None:
    """Why the extra cannot be used here, or None when it can."""
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return f"{DISABLE_ENV} is set"
    for name in MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                return f"{name} is not installed"
        except (ImportError, ValueError):
            return f"{name} cannot be imported"
    return None


def required_by(question: Any) -> str | None:
    """The extra a question's witnesses need (`"frameworks"`), or None."""
    from eprep.checker import probes, references

    found = []
    if question.probe:
        with contextlib.suppress(KeyError):
            found.append(
                probes.get_code_probe(question.probe)
                if probes.is_code_probe(question.probe)
                else probes.get_probe(question.probe)
            )
    if question.reference:
        with contextlib.suppress(KeyError):
            found.append(
                references.get_code_reference(question.reference)
                if references.is_code_reference(question.reference)
                else references.get_reference(question.reference)
            )
    return next((getattr(fn, _MARK) for fn in found if getattr(fn, _MARK, None)), None)


def not_proven_label(extra: str) -> str:
    return f"not proven here (needs eprep[{extra}])"


def load() -> None:
    """Import PyTorch and Keras (backend: torch) once in this process; idempotent."""
    import gc
    import sys

    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "torch"  # Keras reads it once, at its import
    try:
        import keras
        import torch
    except Exception as error:  # installed (find_spec found it) but broken: say so in one line
        from eprep.errors import EprepError

        raise EprepError(
            f"the frameworks extra is installed but does not import ({type(error).__name__}: "
            f'{error}); reinstall it (pip install "eprep[frameworks]") or set {DISABLE_ENV}=1'
        ) from None

    # Children inherit one intra-op thread: where this process already ran torch ops (a notebook,
    # a test session), its OpenMP pool does not survive the fork and must not be entered.
    torch.set_num_threads(1)
    if not _frozen:
        # Everything loaded so far goes to the collector's permanent generation: a forked child's
        # collection then never walks (and so never copies) torch's and Keras's ~1e6 objects,
        # which cost it ~0.3 s of CPU per option run (measured: 385 ms -> 35 ms).
        gc.freeze()
        _frozen.append(True)
    if keras.backend.backend() != "torch":
        from eprep.errors import EprepError

        raise EprepError(
            f"Keras was imported with the {keras.backend.backend()} backend; "
            "the framework questions run Keras on PyTorch (KERAS_BACKEND=torch)"
        )


def load_for(questions: Any) -> None:
    """`load` when any of `questions` needs the extra and it is here."""
    if missing() is None and any(required_by(q) for q in questions):
        load()
