"""`eprep engine gradcheck`: one row per check, exit 0 when all pass and 1 when one fails."""

from __future__ import annotations

from click.testing import CliRunner

from eprep.cli import main
from eprep.engine import selfcheck


def test_gradcheck_passes_and_lists_every_layer_and_net():
    result = CliRunner().invoke(main, ["engine", "gradcheck"])
    assert result.exit_code == 0, result.output
    names = (
        "Convolution(stride 2, pad 1) dW",
        "BatchNormalization(4-D) dx",
        "SimpleConvNet dW1",
        "MultiLayerNetExtend(bn+dropout) dgamma1",
        "Pooling(3x3, stride 2, pad 1) dx",
    )
    for name in names:
        assert name in result.output
    assert "all " in result.output and "FAIL" not in result.output


def test_gradcheck_exits_1_when_a_check_fails(monkeypatch):
    real = selfcheck._checks

    def with_a_bad_gradient(seed):
        yield from real(seed)
        yield selfcheck.Check("Broken dx", (2,), 0.5)

    monkeypatch.setattr(selfcheck, "_checks", with_a_bad_gradient)
    result = CliRunner().invoke(main, ["engine", "gradcheck"])
    assert result.exit_code == 1
    assert "Broken dx" in result.output and "FAIL" in result.output
