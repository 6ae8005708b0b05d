"""Shared fixtures: the bank (bundled + the site's fixture bank), one built site, a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_BANK = Path(__file__).resolve().parent / "fixtures" / "bank"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def bank():
    """The real bundled bank plus the fixture bank (which covers every question kind)."""
    from eprep.questions.loader import load_bank

    return load_bank([FIXTURE_BANK], bundled=True)


@pytest.fixture(scope="session")
def built_site(bank, tmp_path_factory) -> Path:
    """The whole site, search index included, built once for the session."""
    from eprep.site.build import build_site

    out = tmp_path_factory.mktemp("site") / "out"
    build_site(bank, out, examples_dir=None, search=True)
    return out


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that fails the test on any JavaScript error."""
    context = browser.new_context(viewport={"width": 1100, "height": 1300})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def screenshot():
    """`screenshot(tab, name)` saves a full-page PNG under test-artifacts/."""

    def save(tab, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"site-{name}.png"), full_page=True)

    return save
