"""/documents/<id>/ follows the valid version; /documents/<id>/versions/<n>/ shows one
version forever. Drafts, adopted-not-yet-valid and rejected versions only through their case."""

from __future__ import annotations

import pytest

from documents.models import DiarySeries, DocumentVersion, VersionStatus
from documents.services import publish_version
from tests.factories import (
    DiarySeriesFactory,
    DocumentVersionFactory,
    UserFactory,
    document_with_history,
)
from workflows.actions.start import start_revision

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def three_versions():
    return document_with_history(
        3,
        body_texts=["<p>Text ett.</p>", "<p>Text två.</p>", "<p>Text tre.</p>"],
    )


def test_each_version_has_its_own_address(client):
    document = three_versions()

    for number, text in [(1, "Text ett."), (2, "Text två."), (3, "Text tre.")]:
        page = html(client.get(f"/documents/{document.pk}/versions/{number}/"))
        assert text in page
        assert "Denna adress visar alltid den här versionen." in page


def test_a_superseded_version_says_so_and_links_the_valid_one(client):
    document = three_versions()

    page = html(client.get(f"/documents/{document.pk}/versions/1/"))

    assert "Version 1 gäller inte längre: den ersattes 2017-03-01." in page
    assert f'href="/documents/{document.pk}/"' in page
    # It also links the version that replaced it.
    assert f'href="/documents/{document.pk}/versions/2/"' in page


def test_the_valid_version_at_its_fixed_address_says_it_is_valid(client):
    document = three_versions()

    page = html(client.get(f"/documents/{document.pk}/versions/3/"))

    assert "Version 3: den version som gäller nu." in page


def test_publishing_a_new_version_moves_the_document_address_not_the_fixed_ones(client):
    document = three_versions()
    fixed_before = html(client.get(f"/documents/{document.pk}/versions/3/"))
    assert "Text tre." in html(client.get(f"/documents/{document.pk}/"))

    new = DocumentVersionFactory(
        document=document,
        number=4,
        title=document.title,
        body="<p>Text fyra.</p>",
        status=VersionStatus.ADOPTED,
    )
    publish_version(new)

    current = html(client.get(f"/documents/{document.pk}/"))
    assert "Text fyra." in current
    assert "Text tre." not in current
    fixed_after = html(client.get(f"/documents/{document.pk}/versions/3/"))
    assert "Text tre." in fixed_after
    assert "Text fyra." not in fixed_after
    assert "Text tre." in fixed_before


@pytest.mark.parametrize("number", ["0", "4", "99", "2147483648", "99999999999999999999999"])
def test_a_version_that_does_not_exist_is_not_found(client, number):
    document = three_versions()

    assert client.get(f"/documents/{document.pk}/versions/{number}/").status_code == 404


def test_a_version_of_another_document_is_not_reachable(client):
    document = three_versions()
    other = document_with_history(1, body_texts=["<p>Annat dokument.</p>"])

    page = html(client.get(f"/documents/{document.pk}/versions/1/"))
    assert "Annat dokument." not in page
    assert client.get(f"/documents/{other.pk}/versions/2/").status_code == 404


# --- Versions that are case material -----------------------------------------------------


@pytest.fixture
def revision(org_tree):
    """A valid rutin of Förskolan Solrosen with a revision case started by its unit chief:
    version 3 is the case's draft."""
    if not DiarySeries.objects.filter(is_default=True).exists():
        DiarySeriesFactory(is_default=True)
    document = document_with_history(
        2,
        title="Rutin för tillbud",
        document_type=org_tree.types["rutin"],
        scope_unit=org_tree.units["unit"],
        owner_position=org_tree.positions["enhetschef"],
        body_texts=["<p>Ett.</p>", "<p>Två.</p>"],
    )
    case = start_revision(user=org_tree.holders["enhetschef"], document=document)
    DocumentVersion.objects.filter(pk=case.version_id).update(body="<p>Hemligt utkast.</p>")
    return document, case


@pytest.mark.parametrize(
    "status", [VersionStatus.DRAFT, VersionStatus.ADOPTED, VersionStatus.REJECTED]
)
def test_case_versions_are_shown_to_those_who_may_see_the_case(client, org_tree, revision, status):
    document, case = revision
    DocumentVersion.objects.filter(pk=case.version_id).update(status=status)
    url = f"/documents/{document.pk}/versions/3/"

    assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # an employee outside the case
    client.force_login(org_tree.holders["registrator"])
    assert "Hemligt utkast." in html(client.get(url))
    client.force_login(org_tree.holders["enhetschef"])
    assert "Hemligt utkast." in html(client.get(url))


def test_the_draft_is_not_on_the_document_page_or_in_its_history(client, org_tree, revision):
    document, case = revision
    client.force_login(org_tree.holders["enhetschef"])

    page = html(client.get(f"/documents/{document.pk}/"))

    assert "Två." in page
    assert "Hemligt utkast." not in page
    assert f"/documents/{document.pk}/versions/3/" not in page
    # The case is linked for those who may see it.
    assert f'href="/work/cases/{case.pk}/"' in page


def test_a_draft_of_a_new_document_is_hidden_from_the_public(client, org_tree):
    from workflows.actions.start import start_new_document

    if not DiarySeries.objects.filter(is_default=True).exists():
        DiarySeriesFactory(is_default=True)
    case = start_new_document(
        user=org_tree.holders["enhetschef"],
        document_type=org_tree.types["rutin"],
        title="Ny rutin",
        scope_unit=org_tree.units["unit"],
        owner_position=org_tree.positions["enhetschef"],
    )
    document = case.document
    url = f"/documents/{document.pk}/versions/{case.version.number}/"

    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(org_tree.holders["enhetschef"])
    assert client.get(url).status_code == 200
    assert "Det här dokumentet har ännu ingen gällande version." in html(
        client.get(f"/documents/{document.pk}/")
    )
