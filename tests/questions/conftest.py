"""Keep the bank cache of these tests out of the user's cache folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_bank_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "bank-cache"))
