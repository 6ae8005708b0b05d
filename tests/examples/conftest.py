"""Shared fixtures: one fresh --quick run of every example, cached in a private directory."""

from __future__ import annotations

import pytest

from eprep.examples import names


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory):
    """A private EPREP_CACHE_DIR for the whole session, so no user cache is read or written."""
    root = tmp_path_factory.mktemp("eprep-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("EPREP_CACHE_DIR", str(root))
    yield root
    patch.undo()


@pytest.fixture(scope="session")
def quick_results(cache_root) -> dict:
    """Each example's --quick result (seed 0), run once without the cache's help."""
    from eprep.examples.cache import run_example

    results = {}
    for name in names():
        outcome = run_example(name, quick=True, seed=0)
        assert not outcome.from_cache, f"{name}: a fresh cache must not serve a result"
        results[name] = outcome.result
    return results
