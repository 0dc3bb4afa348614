"""A real browser logs in and sees the start page in Swedish.

Drives Debian's Chromium (``apt-get install chromium``) with Playwright against
pytest-django's live server. Without the browser the test is skipped, except when
``CI`` is set: there a missing browser is a failure, so CI cannot pass silently.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path(os.environ.get("STYRDOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Many municipal PCs run an English browser: it must still get the Swedish UI, since
# only the language switcher changes the language (config.middleware).
BROWSER_LOCALE = "en-US"
PASSWORD = "smoke-test-Lösen-42"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser test may not be skipped)")
    pytest.skip(reason)


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM
    # calls while one runs unless told otherwise (here only for this test).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed: pip install -e '.[dev]'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # Inside sync_playwright() Django sees other connection objects than
            # outside it; close any opened here, or PostgreSQL cannot drop the test
            # database at the end ("being accessed by other users").
            connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale=BROWSER_LOCALE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def plain_user(django_user_model):
    """A user holding no position, no group and no permission."""
    return django_user_model.objects.create_user(
        username="anna.provare", password=PASSWORD, first_name="Anna", last_name="Provare"
    )


def test_log_in_and_see_the_start_page_in_swedish(plain_user, live_server, page):
    response = page.goto(f"{live_server.url}/login/")
    assert response is not None and response.ok, response and response.status

    assert page.locator("html").get_attribute("lang") == "sv"
    login_button = page.locator("main form button[type=submit]")
    assert login_button.inner_text().strip() == "Logga in"

    page.fill("#id_username", plain_user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        login_button.click()

    assert page.url.rstrip("/") == live_server.url.rstrip("/"), page.url
    assert page.locator("html").get_attribute("lang") == "sv"
    # Logged in: the header shows the user's name and a log-out button.
    assert "Anna Provare" in page.locator("header").inner_text()
    heading = page.locator("main h1")
    assert heading.inner_text().strip() == "Styrdokument"


# Collects Content-Security-Policy violations in the page (an init script runs outside the
# page's policy); the console messages are checked as well.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
    " " + (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


def test_the_editor_register_and_case_pages_break_no_content_security_policy(
    live_server, page, settings, tmp_path
):
    from tests.lifecycle import Desk, build_town

    settings.MEDIA_ROOT = str(tmp_path)
    town = build_town()
    author = town.users["samordnare"]
    author.set_password(PASSWORD)
    author.save()
    case = Desk(author).start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    from tests.lifecycle import open_tasks

    task = open_tasks(case, "draft")[0]

    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.add_init_script(CSP_LISTENER)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", author.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    visited = []
    for path in [
        f"/work/tasks/{task.pk}/",
        "/register/?all=1",
        f"/work/cases/{case.pk}/",
        "/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, (path, response and response.status)
        if path.startswith("/work/tasks/"):
            # Trix is running: it replaced the fallback textarea with its toolbar and
            # editor, and its inserted <style> (with the nonce) applies.
            page.wait_for_selector("trix-toolbar")
            editor = page.locator("trix-editor")
            editor.click()
            page.keyboard.type("Språkutveckling varje dag")
            assert "Språkutveckling" in editor.inner_text()
            assert editor.evaluate("e => getComputedStyle(e).display") == "block"
        visited.append((path, page.evaluate("window.__cspViolations")))

    for path, violations in visited:
        assert violations == [], f"{path}: {violations}"
    assert not [m for m in console if "Content Security Policy" in m], console
    # Every script, style sheet and image loaded (a browser may still ask for a favicon).
    assert [u for u in failed if not u.endswith("/favicon.ico")] == []
