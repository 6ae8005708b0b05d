"""Hints for a wrong number name only slips a learner plausibly made."""

from __future__ import annotations

import pytest

from eprep.checker.kinds.numeric import numeric_diagnosis as _numeric_diagnosis


@pytest.mark.parametrize(
    ("value", "key", "hint"),
    [
        (-47.0, 47.0, "the sign is wrong"),
        (94.0, 47.0, "yours is 2 times the key"),  # counted padding on both sides twice
        (4.7, 47.0, "the key is 10 times yours"),
        (0.2, 47.0, "off by -46.8"),  # 47/0.2 = 235 is a coincidence, not a factor slip
        (48.0, 47.0, "off by 1"),
    ],
)
def test_hint(value: float, key: float, hint: str) -> None:
    assert _numeric_diagnosis(value, key) == hint
