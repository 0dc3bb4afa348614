"""The public register's Atom feed: the newest published versions and repeals of public
documents, by the public register's own selector, whoever fetches it; the register page
announces it with <link rel="alternate" type="application/atom+xml"> (issue 18)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.factories import UserFactory, document_with_history

pytestmark = pytest.mark.django_db

FEED = "/register/feed/"
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[dict]:
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def register():
    return {
        "public": document_with_history(2, title="Policy för bisysslor", is_public=True),
        "internal": document_with_history(1, title="Intern rutin för larm", is_public=False),
        "repealed": document_with_history(
            1, title="Riktlinje för fax", is_public=True, repealed=True
        ),
        "repealed_internal": document_with_history(
            1, title="Intern riktlinje för telex", is_public=False, repealed=True
        ),
    }


def test_the_feed_lists_public_versions_and_repeals_newest_first(client, register):
    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    items = entries(response)
    titles = [i["title"] for i in items]
    assert "Policy för bisysslor, version 2" in titles
    assert "Policy för bisysslor, version 1" in titles
    assert "Riktlinje för fax, version 1" in titles
    assert "Upphävd: Riktlinje för fax" in titles
    assert [i["updated"] for i in items] == sorted((i["updated"] for i in items), reverse=True)
    public = register["public"]
    [latest] = [i for i in items if i["title"] == "Policy för bisysslor, version 2"]
    assert latest["link"] == f"http://testserver/documents/{public.pk}/versions/2/"


def test_internal_documents_are_never_in_the_feed_also_for_employees(client, register):
    for who in [None, UserFactory()]:
        if who is not None:
            client.force_login(who)
        body = client.get(FEED).content.decode()
        assert "Intern rutin för larm" not in body
        assert "Intern riktlinje för telex" not in body
        assert "Policy för bisysslor" in body


def test_the_register_page_links_its_feed(client, register):
    page = client.get("/register/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/register/feed/"' in page
    assert 'href="/register/feed/">' in page  # also a visible link
