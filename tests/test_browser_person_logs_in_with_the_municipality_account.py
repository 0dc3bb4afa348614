"""A real browser logs in with the municipality's account and out again (issue 19): from
Styrdok's log-in page to the provider (django-oidc-provider in its own process,
tests/oidc_provider/), back to Styrdok logged in, and out at both. At a phone's width and a
desktop's, the log-in page fits without sideways scrolling.

Browser fixtures from the start-page test (Debian's Chromium, Playwright).
"""

from __future__ import annotations

import pytest

from config import sso_settings
from tests.factories import UserFactory
from tests.oidc_provider.process import running_provider
from tests.oidc_provider.serve import PASSWORD
from tests.test_browser_start_page_in_swedish import browser, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sso(live_server, settings, tmp_path):
    with running_provider(live_server.url, tmp_path) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        settings.STYRDOK_LOCAL_LOGIN = "admins-only"
        policy = settings.CONTENT_SECURITY_POLICY
        directives = {**policy["DIRECTIVES"]}
        directives["form-action"] = [
            *directives["form-action"],
            *sso_settings.origins(provider.issuer),
        ]
        settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
        yield provider


def _fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_person_logs_in_and_out_through_the_municipality_account(
    sso,
    live_server,
    page,  # noqa: F811
    width,
):
    UserFactory(username="anna.a", first_name="Anna", email="anna.andersson@kommun.example")
    page.set_viewport_size({"width": width, "height": 800})

    page.goto(f"{live_server.url}/login/")
    assert _fits(page)
    page.get_by_role("link", name="Logga in med kommunens konto").click()

    page.wait_for_url(f"{sso.url}/login/**")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("button")

    page.wait_for_url(f"{live_server.url}/")
    header = page.locator("header").inner_text()
    assert "Anna" in header or "anna.a" in header
    page.get_by_role("button", name="Logga ut").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Logga in").first.is_visible()
    # Signed out at the provider too: the next log-in asks for the password again.
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.wait_for_url(f"{sso.url}/login/**")
