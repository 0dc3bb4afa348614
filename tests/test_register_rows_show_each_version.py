"""The register's rows are computed in Python (documents.register.table_rows) rather than
cell by cell in the template; each row still shows what the version says: the document's
link, title, status and internal badges, type, scope, decision record, dates and, for a
search, the snippet."""

from __future__ import annotations

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import clear_script_prefix, reverse, set_script_prefix

from documents.search import snippet
from tests.factories import DecisionFactory, DocumentFactory, PublishedVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(org_tree):
    public = DocumentFactory(
        title="Brandskyddspolicy", scope_unit=org_tree.units["top"], is_public=True
    )
    PublishedVersionFactory(
        document=public,
        valid_from=datetime.date(2025, 2, 1),
        valid_until=datetime.date(2031, 1, 31),
        next_review=datetime.date(2027, 6, 30),
        adoption=DecisionFactory(document=public, body=org_tree.bodies["KS"]),
        body="<p>Brandskyddet ses över varje år.</p>",
    )
    internal = DocumentFactory(
        title="Rutin för brandlarm", scope_unit=org_tree.units["unit"], is_public=False
    )
    PublishedVersionFactory(document=internal, valid_from=datetime.date(2024, 1, 1))
    PublishedVersionFactory(document=internal, valid_from=datetime.date(2025, 1, 1))


def expected_row(v, q: str = "") -> dict:
    """The row as the template used to compute it from the version."""
    return {
        "url": reverse("documents:detail", args=[v.document_id]),
        "title": v.title,
        "status": "" if v.status == "valid" else v.get_status_display(),
        "internal": not v.document.is_public,
        "snippet": snippet(v, q) if q else "",
        "type": str(v.document.document_type),
        "scope": str(v.document.scope_unit),
        "adoption": v.adoption_line,
        "valid_from": date_filter(v.valid_from, "Y-m-d"),
        "valid_until": date_filter(v.valid_until, "Y-m-d") if v.valid_until else "",
        "next_review": date_filter(v.next_review, "Y-m-d"),
    }


@pytest.mark.parametrize(
    "query", [{"all": "1"}, {"status": "superseded"}, {"q": "brand"}, {"q": "varje brand"}]
)
def test_each_row_shows_what_its_version_says(client, versions, query):
    client.force_login(UserFactory())

    response = client.get(reverse("register"), query)

    versions = list(response.context["page"].object_list)
    assert versions
    q = query.get("q", "")
    assert response.context["rows"] == [expected_row(v, q) for v in versions]


def test_badges_links_and_dates_are_in_the_page(client, versions):
    client.force_login(UserFactory())

    html = client.get(reverse("register"), {"status": "superseded"}).content.decode()

    superseded = client.get(reverse("register"), {"status": "superseded"}).context["rows"][0]
    assert f'<a href="{superseded["url"]}">Rutin för brandlarm</a>' in html
    assert '<span class="badge">Ersatt</span>' in html
    assert '<span class="badge">Internt</span>' in html

    html = client.get(reverse("register"), {"all": "1"}).content.decode()
    assert "<td>2025-02-01 – 2031-01-31</td>" in html
    assert "<td>2027-06-30</td>" in html


def test_links_keep_the_sites_prefix(client, versions):
    client.force_login(UserFactory())
    path = reverse("register")
    set_script_prefix("/styrdok/")  # as under a server's SCRIPT_NAME
    try:
        response = client.get(path, {"all": "1"})
        urls = [row["url"] for row in response.context["rows"]]
        assert urls == [
            reverse("documents:detail", args=[v.document_id])
            for v in response.context["page"].object_list
        ]
        assert all(url.startswith("/styrdok/documents/") for url in urls)
    finally:
        clear_script_prefix()
