"""A page number past the end of the register, however large, shows the last page, with and
without a search, in the HTML register and the API; neither database ever sees an offset it
cannot take (a page of 4 * 10**17 made SQLite raise OverflowError)."""

from __future__ import annotations

import pytest

from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db

HUGE = "400000000000000000"


@pytest.fixture
def register():
    for n in range(30):
        PublishedVersionFactory(title=f"Rutin {n:02} för brandskydd")


@pytest.mark.parametrize("query", ["", "q=brandskydd&"])
@pytest.mark.parametrize("page", ["3", HUGE, "9" * 40])
def test_the_html_register_shows_the_last_page(client, register, query, page):
    response = client.get(f"/register/?{query}page={page}")

    assert response.status_code == 200
    assert "Rutin 29 för" in response.content.decode()  # the last of 30, 25 per page
    assert "Rutin 00 för" not in response.content.decode()


@pytest.mark.parametrize("query", ["", "q=brandskydd&"])
def test_the_api_answers_a_page_past_the_end_with_not_found(client, register, query):
    response = client.get(f"/api/v1/register/?{query}page={HUGE}")

    assert response.status_code == 404
    assert client.get(f"/api/v1/register/?{query}page=2").json()["count"] == 30
