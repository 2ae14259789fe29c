"""Browser journeys: Playwright drives Debian's Chromium (no browser download) against a
live server. Playwright's sync API runs an event loop in this thread, so Django's
async-safety check is relaxed for these tests only."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _static_files_as_in_production():
    """Serve /static/ through WhiteNoise and the collected, hashed files, as production does.

    pytest-django's live server otherwise answers /static/ with Django's finder-based handler,
    which knows no hashed names (the manifest storage's) and fails every CSS and JS request,
    so pages would be tested without their styles and scripts.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    original = StaticFilesHandler._should_handle
    StaticFilesHandler._should_handle = lambda self, path: False
    yield
    StaticFilesHandler._should_handle = original


@pytest.fixture
def page_errors(page):
    """Server errors and script errors on the page; journeys assert it stays empty."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return errors


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: scripts/test installs it (apt-get install chromium)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def _sign_in(username, password):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return _sign_in
