"""WitnessRegistry: a name registered twice is a one-line error naming both definitions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eprep.checker.registry import WitnessNameError, WitnessRegistry
from eprep.errors import EprepError


def test_duplicate_name_names_both_places_and_stays_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "witpkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from eprep.checker.registry import WitnessRegistry\n"
        "REG = WitnessRegistry(__name__, __path__, 'probe')\n",
        encoding="utf-8",
    )
    for module in ("a_first", "b_second"):
        (package / f"{module}.py").write_text(
            "from witpkg import REG\n\n\n@REG.value('same')\ndef f():\n    return 1\n",
            encoding="utf-8",
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    try:
        import witpkg

        registry: WitnessRegistry = witpkg.REG
        for _ in range(2):  # the second lookup fails the same way, not with half a registry
            with pytest.raises(WitnessNameError) as caught:
                registry.names()
            message = str(caught.value)
            assert isinstance(caught.value, EprepError) and "\n" not in message
            assert message == (
                "probe 'same' is registered twice: "
                "at witpkg/a_first.py:4 and at witpkg/b_second.py:4"
            )
    finally:
        for name in [n for n in sys.modules if n == "witpkg" or n.startswith("witpkg.")]:
            del sys.modules[name]


def test_a_name_belongs_to_one_family() -> None:
    registry = WitnessRegistry("nowhere", [], "reference")
    registry.value("x")(lambda: 1)
    with pytest.raises(WitnessNameError, match="'x' is registered twice"):
        registry.code("x")(lambda: 2)
