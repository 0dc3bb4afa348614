"""Who sees what on the document pages: the public sees valid and repealed public documents,
never drafts and never people's names; employees also see internal documents; a missing
and a forbidden id get the same 404."""

from __future__ import annotations

import pytest

from documents import access
from documents.models import DiarySeries, DocumentStatus
from tests.factories import (
    DiarySeriesFactory,
    DocumentFactory,
    PositionFactory,
    UserFactory,
    VersionFileFactory,
    document_with_history,
)
from workflows.actions.start import start_new_document, start_revision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pages(document) -> list[str]:
    base = f"/documents/{document.pk}"
    return [
        f"{base}/",
        f"{base}/pdf/",
        f"{base}/versions/1/",
        f"{base}/versions/1/pdf/",
        f"{base}/diff/?from=1&to=2",
    ]


def test_the_public_sees_valid_public_documents(client):
    document = document_with_history(2)

    for url in pages(document):
        assert client.get(url).status_code == 200, url


def test_the_public_sees_repealed_public_documents(client):
    document = document_with_history(2, repealed=True)

    for url in pages(document):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("repealed", [False, True], ids=["valid", "repealed"])
def test_internal_documents_are_for_logged_in_employees_only(client, repealed):
    document = document_with_history(2, is_public=False, repealed=repealed)
    VersionFileFactory(version=document.current_version)
    urls = [*pages(document), f"/documents/{document.pk}/versions/2/file/"]

    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_document_never_adopted_is_not_public(client):
    draft = DocumentFactory(status=DocumentStatus.DRAFT)

    assert client.get(f"/documents/{draft.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/documents/{draft.pk}/").status_code == 404


def test_a_rejected_document_is_not_public(client):
    rejected = DocumentFactory(status=DocumentStatus.REJECTED)

    assert client.get(f"/documents/{rejected.pk}/").status_code == 404


def test_a_missing_and_a_forbidden_id_get_the_same_answer(client):
    internal = document_with_history(2, is_public=False)
    draft = DocumentFactory(status=DocumentStatus.DRAFT)
    missing_id = max(internal.pk, draft.pk) + 1000

    answers = [
        client.get(f"/documents/{internal.pk}/"),
        client.get(f"/documents/{draft.pk}/"),
        client.get(f"/documents/{missing_id}/"),
    ]

    assert {a.status_code for a in answers} == {404}
    assert answers[0].content == answers[1].content == answers[2].content
    assert internal.title.encode() not in answers[0].content


@pytest.mark.parametrize(
    "path",
    [
        "/documents/0/",
        "/documents/-1/",
        "/documents/2147483648/",
        "/documents/99999999999999999999999999/",
        "/documents/1e3/",
        "/documents/1%00/",
        "/documents/../admin/",
        "/documents/0/versions/1/",
        "/documents/99999999999999999999999999/versions/1/file/",
        "/documents/99999999999999999999999999/pdf/",
        "/documents/99999999999999999999999999/diff/",
    ],
)
def test_hostile_ids_are_not_found(client, path):
    document_with_history(1)

    response = client.get(path)

    assert response.status_code == 404
    assert b"Traceback" not in response.content


def test_the_public_page_shows_roles_never_names(client):
    """Deciders, owners and authors appear as positions and bodies, not as people."""
    official = UserFactory(first_name="Hemlig", last_name="Personsson")
    owner_position = PositionFactory(title="Kvalitetsstrateg")
    document = document_with_history(
        2,
        owner_position=owner_position,
        scope_unit=owner_position.unit,
        author=official,
        decision_fields={
            "body": None,
            "position": PositionFactory(title="Sektorschef Utbildning"),
            "recorded_by": official,
            "registered_by": official,
        },
    )
    valid = document.current_version
    VersionFileFactory(version=valid, uploaded_by=official)

    for url in [
        f"/documents/{document.pk}/",
        f"/documents/{document.pk}/versions/2/",
        f"/documents/{document.pk}/diff/?from=1&to=2",
    ]:
        page = client.get(url).content.decode()
        assert "Personsson" not in page, url
        assert "Hemlig" not in page, url
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Kvalitetsstrateg" in page
    assert "Fastställd av Sektorschef Utbildning" in page


def test_internal_children_and_parents_are_not_linked_for_the_public(client):
    internal_parent = document_with_history(1, title="Intern policy", is_public=False)
    document = document_with_history(1, parent=internal_parent)
    internal_child = document_with_history(1, title="Intern rutin", is_public=False)
    internal_child.parent = document
    internal_child.save()
    public_child = document_with_history(1, title="Publik rutin", parent=document)

    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Intern policy" not in page
    assert "Intern rutin" not in page
    assert "Publik rutin" in page

    client.force_login(UserFactory())
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Intern policy" in page
    assert "Intern rutin" in page
    assert f'href="/documents/{public_child.pk}/"' in page


def test_open_cases_are_linked_only_for_those_who_may_see_them(client, org_tree):
    if not DiarySeries.objects.filter(is_default=True).exists():
        DiarySeriesFactory(is_default=True)
    document = document_with_history(
        1,
        document_type=org_tree.types["rutin"],
        scope_unit=org_tree.units["unit"],
        owner_position=org_tree.positions["enhetschef"],
    )
    case = start_revision(user=org_tree.holders["enhetschef"], document=document)
    case_link = f'href="/work/cases/{case.pk}/"'

    assert case_link not in client.get(f"/documents/{document.pk}/").content.decode()
    client.force_login(UserFactory())
    assert case_link not in client.get(f"/documents/{document.pk}/").content.decode()
    client.force_login(org_tree.holders["enhetschef"])
    assert case_link in client.get(f"/documents/{document.pk}/").content.decode()


def test_the_access_module_answers_for_versions(org_tree):
    if not DiarySeries.objects.filter(is_default=True).exists():
        DiarySeriesFactory(is_default=True)
    case = start_new_document(
        user=org_tree.holders["enhetschef"],
        document_type=org_tree.types["rutin"],
        title="Ny rutin",
        scope_unit=org_tree.units["unit"],
        owner_position=org_tree.positions["enhetschef"],
    )
    internal = document_with_history(1, is_public=False)
    from django.contrib.auth.models import AnonymousUser

    anonymous, employee = AnonymousUser(), UserFactory()
    assert not access.can_view_version(anonymous, case.version)
    assert not access.can_view_version(employee, case.version)
    assert access.can_view_version(org_tree.holders["enhetschef"], case.version)
    assert not access.can_view_version(anonymous, internal.current_version)
    assert access.can_view_version(employee, internal.current_version)
