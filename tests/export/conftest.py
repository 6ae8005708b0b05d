"""Shared fixtures: the export fixture bank, a seeded examples cache, fresh Anki collections."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_BANK = Path(__file__).resolve().parent / "fixtures" / "bank"
# Written by hand from fixtures/bank: questions with params give one note per variant.
DAY = "exportday"
QUESTIONS_WITH_PARAMS = ("exportday.optim.sgd-step", "exportday.optim.momentum-formula")
QUESTIONS_WITHOUT_PARAMS = (
    "exportday.cnn.padding-purpose",
    "exportday.cnn.flatten-code",
    "exportday.cnn.sigmoid-derivative",
)
DECKS = {"eprep", "eprep::exportday", "eprep::exportday::optim", "eprep::exportday::cnn"}


def load_fixture_bank(folder: Path = FIXTURE_BANK):
    from eprep.questions.loader import load_bank

    return load_bank([folder], bundled=False)


@pytest.fixture
def fixture_bank():
    return load_fixture_bank()


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture bank (to edit between two exports)."""
    target = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, target)
    return target


@pytest.fixture
def dropout_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh examples cache holding only the quick `dropout` example (a fraction of a second)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("EPREP_CACHE_DIR", str(cache))
    from eprep.examples.cache import run_example

    run_example("dropout", quick=True)
    return cache


@pytest.fixture
def collection(tmp_path: Path):
    """A fresh, empty Anki collection (the official `anki` package), closed afterwards."""
    from anki.collection import Collection

    folder = tmp_path / "collection"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_apkg(col, path: Path) -> None:
    """Import a package the way Anki's import dialog does by default."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    )
