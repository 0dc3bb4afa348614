"""The public e-diarium and the open-data page in a real browser (Chromium, as the
start-page test), as an anonymous citizen: at 390 px and on a wide screen the page never
scrolls sideways (the diarium's table scrolls inside its region); a citizen searches a
diarienummer and finds the case with its subject and no name."""

from __future__ import annotations

import pytest

from documents.diarium import set_public
from tests.desk_support import ks_policy
from tests.lifecycle import build_town
from tests.test_browser_start_page_in_swedish import browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Policy för " + "informationssäkerhet och dataskydd i förvaltningen " * 4


def _overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_a_citizen_finds_a_case_without_seeing_a_name(browser, live_server, width):  # noqa: F811
    town = build_town()
    case = ks_policy(town, LONG_TITLE)
    ks_policy(town, "Maskerad policy")
    set_public(user=town.users["registrator"], entry_id=case.diary_entry_id, public=True)
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/diarium/")
        assert "E-diarium" in page.locator("main h1").inner_text()
        assert _overflow(page) <= 0, f"the diarium scrolls sideways at {width} px"
        page.fill("#id_q", case.diary_entry.diarienummer)
        with page.expect_navigation():
            page.locator("main form.filters button[type=submit]").click()
        table = page.locator(".table-scroll[role=region] table").inner_text()
        assert case.diary_entry.diarienummer in table
        assert LONG_TITLE.strip()[:40] in table
        assert "Maskerad" not in table
        assert town.users["hrstrateg"].last_name not in page.content()
        assert _overflow(page) <= 0
        page.goto(f"{live_server.url}/oppna-data/")
        assert page.locator("main h2").count() == 2
        assert _overflow(page) <= 0, f"the open-data page scrolls sideways at {width} px"
    finally:
        context.close()
