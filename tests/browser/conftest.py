"""A live server on loopback and a headless Debian Chromium driven by Playwright."""
from __future__ import annotations

import shutil

import pytest

from ..servers import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free loopback port for the duration of one test."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium; a missing browser fails the test with the way to install it."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium` (make test does this as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Return a callable that opens a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make():
        contexts.append(browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900}))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
