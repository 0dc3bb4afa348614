"""/documents/<id>/ shows the version valid now: its text, its decision in one line, the
facts around it, its relations and its history, with a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Decision, DiaryEntry, DocumentStatus, VersionStatus
from tests.factories import (
    BodyFactory,
    DiarySeriesFactory,
    DocumentFactory,
    PositionFactory,
    PositionHoldingFactory,
    ProcessFactory,
    UnitFactory,
    VersionFileFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def ks_rutin(**kwargs):
    """A rutin in its third version, adopted by KS on 26 March 2026, § 26, Dnr KS 2026/17."""
    ks = BodyFactory(name="Kommunstyrelsen", short_name="KS")
    scope = UnitFactory(name="Förskolan Solrosen")
    document = document_with_history(
        3,
        title="Rutin för tillbud i förskolan",
        scope_unit=scope,
        owner_position=PositionFactory(title="Enhetschef Solrosen", unit=scope),
        process=ProcessFactory(name="Arbetsmiljö"),
        decided_by=ks,
        series=DiarySeriesFactory(code="KS", body=ks),
        body_texts=[
            "<p>Första versionens text.</p>",
            "<p>Andra versionens text.</p>",
            "<h2>Syfte</h2><p>Tredje versionen gäller nu för <strong>alla</strong>.</p>",
        ],
        **kwargs,
    )
    valid = document.current_version
    Decision.objects.filter(pk=valid.adoption_id).update(
        decision_date=datetime.date(2026, 3, 26), paragraph="§ 26"
    )
    DiaryEntry.objects.filter(pk=valid.diary_entry_id).update(year=2026, number=17)
    valid.refresh_from_db()
    return document


def test_the_page_shows_the_valid_version_and_its_decision_line(client):
    document = ks_rutin()

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "Tredje versionen gäller nu för <strong>alla</strong>." in page
    assert "<h2>Syfte</h2>" in page
    assert "Fastställd av Kommunstyrelsen 2026-03-26, § 26, Dnr KS 2026/17" in page
    # The texts of the superseded versions are not on the page.
    assert "Första versionens text." not in page
    assert "Andra versionens text." not in page


def test_the_page_shows_owner_scope_process_validity_and_review(client):
    document = ks_rutin()
    valid = document.current_version

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "Enhetschef Solrosen" in page
    assert "Förskolan Solrosen" in page
    assert "Arbetsmiljö" in page
    assert valid.valid_from.strftime("%Y-%m-%d") in page
    assert valid.next_review.strftime("%Y-%m-%d") in page
    assert "Tills vidare" in page  # no valid-until date: until further notice


def test_the_page_links_the_version_it_replaces(client):
    document = ks_rutin()

    page = html(client.get(f"/documents/{document.pk}/"))

    assert f'href="/documents/{document.pk}/versions/2/"' in page
    assert "Ersätter" in page


def test_the_page_links_parent_and_valid_children_only(client):
    policy = document_with_history(1, title="Arbetsmiljöpolicy")
    document = ks_rutin(parent=policy)
    child = document_with_history(1, title="Checklista vid tillbud", parent=document)
    draft_child = DocumentFactory(title="Utkast till instruktion", parent=document)
    repealed_child = document_with_history(1, title="Gammal instruktion", repealed=True)
    repealed_child.parent = document
    repealed_child.save()

    page = html(client.get(f"/documents/{document.pk}/"))

    assert f'href="/documents/{policy.pk}/"' in page
    assert "Arbetsmiljöpolicy" in page
    assert f'href="/documents/{child.pk}/"' in page
    assert "Checklista vid tillbud" in page
    assert draft_child.title not in page
    assert repealed_child.title not in page


def test_the_history_lists_every_version_with_status_dates_and_decision(client):
    document = ks_rutin()
    versions = list(document.versions.order_by("number"))

    page = html(client.get(f"/documents/{document.pk}/"))

    for version in versions:
        assert f'href="/documents/{document.pk}/versions/{version.number}/"' in page
        assert version.adoption_line in page
        assert version.valid_from.strftime("%Y-%m-%d") in page
    # The last day each superseded version applied: the day before the next took over.
    assert "<td>2017-02-28</td>" in page
    assert "<td>2018-02-28</td>" in page
    assert page.count("<td>Ersatt</td>") == 2
    assert page.count("<td>Gällande</td>") == 1
    # Each version links to its changes since the one before.
    assert f"/documents/{document.pk}/diff/?from=2&amp;to=3" in page
    assert f"/documents/{document.pk}/diff/?from=1&amp;to=2" in page


def test_the_page_offers_the_downloads_of_the_valid_version(client):
    document = ks_rutin()
    VersionFileFactory(version=document.current_version, original_name="Rutin tillbud.pdf")

    page = html(client.get(f"/documents/{document.pk}/"))

    assert f'href="/documents/{document.pk}/pdf/"' in page
    assert f'href="/documents/{document.pk}/versions/3/file/"' in page


def test_a_repealed_document_shows_its_last_version_under_a_banner(client):
    document = document_with_history(
        2,
        repealed=True,
        body_texts=["<p>Gammal text.</p>", "<p>Sista texten före upphävandet.</p>"],
    )
    assert document.status == DocumentStatus.REPEALED

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "Upphävd 2017-12-31" in page
    assert "Sista texten före upphävandet." in page
    assert "Gammal text." not in page
    assert "banner-repealed" in page


def test_a_repealed_document_without_current_version_still_shows_its_last_version(client):
    document = document_with_history(2, repealed=True, body_texts=["<p>Ett.</p>", "<p>Sista.</p>"])
    type(document).objects.filter(pk=document.pk).update(current_version=None)

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "Sista." in page


def test_an_official_may_start_a_new_version_or_propose_repeal(client):
    document = ks_rutin()
    official = PositionHoldingFactory().user
    client.force_login(official)

    page = html(client.get(f"/documents/{document.pk}/"))

    # A link to the confirmation page, not a form acting on one click.
    assert f'href="/work/documents/{document.pk}/new-version/"' in page
    assert f'href="/work/documents/{document.pk}/repeal/"' in page


def test_the_public_gets_no_actions(client):
    document = ks_rutin()

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "/work/documents/" not in page
    assert "csrfmiddlewaretoken" not in page.split("<main", 1)[1]


def test_an_expired_version_is_flagged(client):
    document = ks_rutin(valid_until=datetime.date(2020, 1, 1))

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "Giltighetstiden gick ut 2020-01-01" in page


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _document_with(n: int):
    parent = document_with_history(1)
    document = document_with_history(n, parent=parent)
    for _ in range(3):
        document_with_history(1, parent=document)
    VersionFileFactory(version=document.current_version)
    return document


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_the_page_needs_the_same_few_queries_for_2_and_10_versions(
    client, django_assert_max_num_queries, logged_in
):
    if logged_in:
        client.force_login(PositionHoldingFactory().user)
    small, large = _document_with(2), _document_with(10)
    assert large.versions.filter(status=VersionStatus.SUPERSEDED).count() == 9

    counts = []
    for document in (small, large):
        with django_assert_max_num_queries(10):
            counts.append(_count_queries(client, f"/documents/{document.pk}/"))
        with django_assert_max_num_queries(10):
            counts.append(_count_queries(client, f"/documents/{document.pk}/versions/1/"))

    assert counts[0] == counts[2]  # document page, 2 and 10 versions
    assert counts[1] == counts[3]  # fixed version page, 2 and 10 versions


def test_the_diff_page_needs_the_same_few_queries_for_2_and_10_versions(
    client, django_assert_max_num_queries
):
    small, large = _document_with(2), _document_with(10)

    with django_assert_max_num_queries(6):
        few = _count_queries(client, f"/documents/{small.pk}/diff/?from=1&to=2")
    with django_assert_max_num_queries(6):
        many = _count_queries(client, f"/documents/{large.pk}/diff/?from=1&to=10")

    assert few == many
