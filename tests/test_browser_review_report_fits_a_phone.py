"""The yearly review report in a real browser (Chromium, as the start-page test): on a
390 px phone the page itself never scrolls sideways (the wide table scrolls inside its
``.table-scroll`` region), and on a wide screen the whole table is in view."""

from __future__ import annotations

import pytest

from documents.models import MandatePeriod
from tests.lifecycle import build_town, days, valid_document
from tests.test_browser_start_page_in_swedish import PASSWORD, browser  # noqa: F401
from workflows.actions.review import open_due_reviews

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Riktlinje för " + "informationssäkerhet och dataskydd " * 6


def _open_report(browser, live_server, width: int):  # noqa: F811
    town = build_town()
    MandatePeriod.objects.all().delete()
    document = valid_document(town, type_code="policy", title=LONG_TITLE)
    document.current_version.next_review = days(-40)
    document.current_version.save(update_fields=["next_review"])
    assert open_due_reviews()  # an open case with a long title to attach the report to
    registrar = town.users["registrator"]
    registrar.set_password(PASSWORD)
    registrar.save()
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", registrar.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    response = page.goto(f"{live_server.url}/work/desk/review-report/")
    assert response is not None and response.ok, response and response.status
    return context, page


@pytest.mark.parametrize("width", [390, 1400])
def test_the_report_page_does_not_overflow(browser, live_server, width):  # noqa: F811
    context, page = _open_report(browser, live_server, width)
    try:
        assert "Aktualitetsprövning" in page.locator("main h1").inner_text()
        assert LONG_TITLE.strip()[:40] in page.locator("main table").inner_text()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls {overflow} px sideways at {width} px"
        region = page.locator(".table-scroll").first
        assert region.get_attribute("role") == "region"
        assert region.locator("table").count() == 1
        assert page.locator("#attach-case option").count() == 1
    finally:
        context.close()
