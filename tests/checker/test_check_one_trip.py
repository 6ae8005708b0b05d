"""One trip through the checker: samples drawn once and only read, one closeness rule, the key
and its mistakes judged in one worker request, trees (never re-parsed text) to the worker."""

from __future__ import annotations

import dataclasses
import json

import pytest

from eprep.checker import api, equivalence, worker
from eprep.checker.api import equivalent, judge
from eprep.checker.equivalence import Comparison, Samples, agreement
from eprep.checker.wire import to_wire
from eprep.errors import EprepError
from eprep.grammar import parse, to_text


@pytest.fixture
def requests(monkeypatch) -> list[dict]:
    """Every request the learner path sends to the worker (which still answers it)."""
    sent: list[dict] = []
    original = worker.WorkerClient.request

    def spy(self, payload, timeout):
        sent.append(json.loads(json.dumps(payload)))
        return original(self, payload, timeout)

    monkeypatch.setattr(worker.WorkerClient, "request", spy)
    equivalence._PROVEN.clear()
    return sent


def test_samples_are_immutable_and_survive_the_wire() -> None:
    comparison = Comparison(parse("sqrt(x)^2"), parse("x"), {}, 2.0)
    samples = comparison.samples
    assert samples.both and samples.one_sided  # x < 0: only the right side has a value
    with pytest.raises(dataclasses.FrozenInstanceError):
        samples.both = ()  # type: ignore[misc]
    assert Samples.from_wire(json.loads(json.dumps(samples.to_wire()))) == samples


def test_bad_samples_are_refused_in_one_line() -> None:
    with pytest.raises(EprepError, match="bad samples"):
        Samples.from_wire({"both": [[{"x": "one"}, 1, 2]]})


def test_one_closeness_rule() -> None:
    # Relative gaps: 1e-12 is rounding, 1e-7 needs exact arithmetic, 1e-3 is a clear difference.
    assert agreement(1.0, 1.0 + 1e-12) == "agree"
    assert agreement(1.0, 1.0 + 1e-7) == "unsure"
    assert agreement(1.0, 1.001) == "clear"
    assert agreement(0.0, 1e-13) == "agree"  # the absolute floor near 0


def test_decisions_read_the_samples_they_are_given(monkeypatch) -> None:
    """The worker's comparison uses the caller's samples: it draws no point itself."""
    a, b = parse("x*(1 - x)"), parse("x - x^2")
    drawn = Comparison(a, b, {}, 2.0).samples

    def no_drawing(self):
        raise AssertionError("drew points again")

    monkeypatch.setattr(equivalence._Sampler, "run", no_drawing)
    equivalence._PROVEN.clear()
    request = {
        "answer": to_wire(a),
        "targets": [{"expected": to_wire(b), "samples": drawn.to_wire(), "budget": 5.0}],
        "domains": {},
    }
    (verdict,) = worker.judge_request(json.loads(json.dumps(request)))
    assert verdict["equivalent"] and verdict["certainty"] == "proof"


def test_a_wrong_answer_matching_a_later_mistake_takes_one_request(requests) -> None:
    key, mistakes = "s*(1 - s)", ["s*(1 + s)", "1 - s", "s - s*s*s", "(1 - s)*s^2 + 0*s"]
    answer = "s^2 - s^3"  # equals the last mistake, in another form
    judgement = judge(answer, key, {}, mistakes)
    # Oracle: the same question asked one formula at a time.
    matches = [equivalent(answer, m).equivalent for m in mistakes]
    assert not equivalent(answer, key).equivalent and matches == [False, False, False, True]
    assert not judgement.correct and judgement.mistake_index == 3
    assert judgement.mistake_verdict is not None and judgement.mistake_verdict.equivalent
    # Floats rule out the key and the first three mistakes in this process; one request proves
    # the match (the later `equivalent` calls above sent one each).
    assert len(requests) == 1 + 1
    assert len(requests[0]["targets"]) == 1


def test_a_right_answer_sends_the_key_and_every_mistake_at_once(requests) -> None:
    judgement = judge("s - s^2", "s*(1 - s)", {}, ["s*(1 + s)", "s^2 - s", "s - s^2 + 1"])
    assert judgement.correct and judgement.mistake_index is None
    assert judgement.verdict.read_as == "s - s^2"
    (request,) = requests
    # The key with the samples drawn here; mistakes follow (the worker stops at the key).
    assert [t["samples"] is not None for t in request["targets"]] == [True, False, False, False]
    assert request["answer"] == to_wire(parse("s - s^2"))


def test_judge_accepts_trees_and_parsed_answers() -> None:
    shown = api.parse_answer("2x + 2")
    by_tree = judge(shown, parse("2*(x + 1)"), {}, [parse("2*x + 1")], trusted=True)
    by_text = judge("2x + 2", "2*(x + 1)", {}, ["2*x + 1"], trusted=True)
    assert by_tree.correct and by_text.correct
    assert by_tree.verdict.read_as == by_text.verdict.read_as == to_text(shown.node)


def test_worker_refuses_a_malformed_request() -> None:
    with pytest.raises(EprepError, match="bad request"):
        worker.judge_request({"answer": to_wire(parse("x"))})


REORDERED = [  # (answer, key): the same operands of + and *, in another order or grouping
    ("(1 - s)*s", "s*(1 - s)"),
    ("b + a*x", "x*a + b"),
    ("z + (x + y)", "(x + y) + z"),
    ("exp(-x)*2*x", "2*x*exp(-x)"),
    ("sigmoid(x)*(1 - sigmoid(x))", "(1 - sigmoid(x))*sigmoid(x)"),
    ("(y*x)^2 + 1", "1 + (x*y)^2"),
    ("sqrt(x + 1)*log(y*2)", "log(2*y)*sqrt(1 + x)"),
]
NOT_REORDERED = [  # differ by more than order: left to floats and SymPy
    ("x - y", "y - x"),
    ("x/y", "y/x"),
    ("x^y", "y^x"),
    ("x*(y + 1)", "x*y + x"),  # equal, but by distributivity: SymPy proves it
    ("log(x*y)", "log(x) + log(y)"),  # not even equal for x, y < 0
]


def test_a_reordering_is_proved_without_sympy_and_sympy_agrees() -> None:
    import sympy

    for answer, key in REORDERED:
        verdict = equivalent(answer, key)
        assert verdict.equivalent and verdict.certainty == "proof", (answer, key)
        assert verdict.reason == "reordered", (answer, key)
        # Oracle: SymPy on the two texts, parsed by SymPy itself.
        tx = {"sigmoid": lambda v: 1 / (1 + sympy.exp(-v)), "log": sympy.log}
        a = sympy.sympify(answer.replace("^", "**"), locals=tx)
        b = sympy.sympify(key.replace("^", "**"), locals=tx)
        assert sympy.simplify(a - b) == 0, (answer, key)
    for answer, key in NOT_REORDERED:
        assert equivalent(answer, key).reason != "reordered", (answer, key)
    assert equivalent("x*(y + 1)", "x*y + x").equivalent  # SymPy still proves it
    assert not equivalent("x - y", "y - x").equivalent


def test_a_right_answer_in_another_order_needs_no_worker(requests) -> None:
    judgement = judge("(1 - s)*s", "s*(1 - s)", {}, ["s*(1 + s)", "s^2 - s"])
    assert judgement.correct and judgement.verdict.reason == "reordered"
    assert requests == []
    # A known mistake typed in another order is named without the worker too, once floats
    # have ruled out the key.
    wrong = judge("(1 + s)*s", "s*(1 - s)", {}, ["s*(1 + s)", "s^2 - s"])
    assert not wrong.correct and wrong.mistake_index == 0 and requests == []
