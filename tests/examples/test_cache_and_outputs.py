"""Same seed, same numbers; second runs come from the cache; outputs are valid JSON and SVG."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from eprep.examples import cache, load, names
from eprep.examples.cache import cache_key, cached_result, run_example, write_outputs

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("name", names())
def test_same_seed_gives_identical_results(quick_results: dict, name: str) -> None:
    again = run_example(name, quick=True, seed=0, use_cache=False)
    assert not again.from_cache
    assert again.result == quick_results[name]


def test_a_different_seed_gives_different_results(quick_results: dict) -> None:
    """So the identity above is not vacuous: the seed does reach the numbers."""
    for name in ("dropout", "initial-weights"):
        other = run_example(name, quick=True, seed=1, use_cache=False).result
        assert other != quick_results[name]


@pytest.mark.parametrize("name", names())
def test_second_run_is_served_from_the_cache(
    quick_results: dict, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(**_: object) -> dict:
        raise AssertionError("the example ran although its result was cached")

    monkeypatch.setattr(load(name), "run", must_not_run)
    outcome = run_example(name, quick=True, seed=0)
    assert outcome.from_cache
    assert outcome.result == quick_results[name]
    assert cached_result(name, quick=True, seed=0) == quick_results[name]


def test_cache_lives_under_eprep_cache(cache_root: Path, quick_results: dict) -> None:
    stored = sorted(p.name for p in (cache_root / "examples").glob("*.json"))
    # One entry per example run (seed 0 here; other tests add seed-1 runs, which --no-cache
    # also stores).
    assert all(any(p.startswith(f"{name}-") for name in names()) for p in stored)
    for name in names():
        assert any(p.startswith(f"{name}-") for p in stored)


def test_key_depends_on_arguments_and_engine_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = cache_key("dropout", True, 0)
    assert base == cache_key("dropout", True, 0)
    others = {
        cache_key("dropout", False, 0),
        cache_key("dropout", True, 1),
        cache_key("perceptron", True, 0),
    }
    assert len({base, *others}) == 4
    # Editing any engine file must change the key: stand in a copy of the engine, then edit it.
    engine = cache._engine_files()
    copies = []
    for label, path in engine:
        copy = tmp_path / label.replace("/", "_")
        copy.write_bytes(path.read_bytes())
        copies.append((label, copy))
    monkeypatch.setattr(cache, "_engine_files", lambda: copies)
    assert cache_key("dropout", True, 0) == base
    copies[-1][1].write_bytes(copies[-1][1].read_bytes() + b"\n# edited\n")
    assert cache_key("dropout", True, 0) != base


def _entry(name: str) -> Path:
    """The cache file of the quick, seed-0 run of `name`."""
    from eprep.examples import cache

    return cache._cache_file(name, cache.cache_key(name, True, 0))


def test_a_damaged_cache_entry_is_recomputed(quick_results: dict, cache_root: Path) -> None:
    entry = _entry("dropout")
    original = entry.read_bytes()
    try:
        entry.write_text("{not json", encoding="utf-8")
        outcome = run_example("dropout", quick=True, seed=0)
        assert not outcome.from_cache
        assert outcome.result == quick_results["dropout"]
        assert run_example("dropout", quick=True, seed=0).from_cache
    finally:
        entry.write_bytes(original)


@pytest.mark.parametrize("name", names())
def test_outputs_are_valid_json_and_svg(quick_results: dict, name: str, tmp_path: Path) -> None:
    files = write_outputs(name, quick_results[name], tmp_path)
    assert files[0] == tmp_path / "result.json"
    assert json.loads(files[0].read_text(encoding="utf-8")) == quick_results[name]
    svgs = [p for p in files if p.suffix == ".svg"]
    assert svgs, f"{name} wrote no plot"
    for path in svgs:
        assert path.parent == tmp_path
        assert ET.parse(path).getroot().tag == SVG


@pytest.mark.parametrize("name", ["dropout", "perceptron"])
def test_svg_bytes_are_deterministic(quick_results: dict, name: str, tmp_path: Path) -> None:
    """Same result, same bytes: no date, fixed ids (plotting is slow, so two examples only)."""
    first = write_outputs(name, quick_results[name], tmp_path / "a")
    second = write_outputs(name, quick_results[name], tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    for path in first:
        assert b"<dc:date>" not in path.read_bytes()


def test_progress_reports_climb_to_the_total() -> None:
    reports: list[tuple[int, int]] = []
    run_example(
        "perceptron",
        quick=True,
        seed=0,
        use_cache=False,
        progress=lambda d, t: reports.append((d, t)),
    )
    done = [d for d, _ in reports]
    totals = {t for _, t in reports}
    assert len(totals) == 1 and done == sorted(done)
    assert reports[0][0] == 0 and reports[-1][0] == totals.pop()


def test_an_unwritable_cache_still_gives_the_result(
    quick_results: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("EPREP_CACHE_DIR", str(blocker))
    outcome = run_example("dropout", quick=True, seed=0)
    assert not outcome.from_cache
    assert outcome.result == quick_results["dropout"]


@pytest.mark.parametrize("name", names())
def test_every_fresh_result_has_its_declared_shape(quick_results: dict, name: str) -> None:
    from eprep.examples import load
    from eprep.examples.schema import shape_error

    assert shape_error(quick_results[name], load(name).RESULT_SCHEMA) is None


def _wrong_shapes(result: dict) -> list[dict]:
    """Entries with the right key and a wrong result: each must be recomputed."""
    missing = {k: v for k, v in result.items() if k != "fractions"}
    retyped = {**result, "fractions": "many"}
    inner = {**result, "fractions": [{**result["fractions"][0], "ratio": "half"}]}
    return [missing, retyped, inner, {}]


def test_a_cache_entry_of_the_wrong_shape_is_recomputed_and_overwritten(
    quick_results: dict, cache_root: Path, tmp_path: Path
) -> None:
    import json

    from click.testing import CliRunner

    from eprep.cli import main
    from eprep.examples import cache

    entry = _entry("dropout")
    original = json.loads(entry.read_text(encoding="utf-8"))
    try:
        for bad in _wrong_shapes(original["result"]):
            entry.write_text(json.dumps({**original, "result": bad}), encoding="utf-8")
            assert cache.entry_state("dropout", quick=True) == "unusable"
            result = CliRunner().invoke(
                main, ["example", "run", "dropout", "--quick", "--out", str(tmp_path)]
            )
            assert result.exit_code == 0, result.output
            assert "served from the cache" not in result.output
            assert json.loads(entry.read_text(encoding="utf-8")) == original  # overwritten
            assert cache.entry_state("dropout", quick=True) == "usable"
        # --no-cache replaces an entry too, even one that looks usable
        entry.write_text(json.dumps({**original, "result": {**original["result"], "units": 1}}))
        outcome = run_example("dropout", quick=True, seed=0, use_cache=False)
        assert not outcome.from_cache
        assert json.loads(entry.read_text(encoding="utf-8")) == original
    finally:
        entry.write_text(json.dumps(original), encoding="utf-8")


def test_site_examples_survive_a_wrong_shaped_entry(quick_results: dict, cache_root: Path) -> None:
    import json

    from eprep.site.examples import find_examples, prepare_examples

    entry = _entry("perceptron")
    original = json.loads(entry.read_text(encoding="utf-8"))
    try:
        entry.write_text(json.dumps({**original, "result": {"tasks": 3}}), encoding="utf-8")
        folder = prepare_examples(quick=True)
        assert "perceptron" in [example.name for example in find_examples(folder)]
        assert json.loads(entry.read_text(encoding="utf-8")) == original
    finally:
        entry.write_text(json.dumps(original), encoding="utf-8")
