"""The access matrix: every role x action x object state, allowed or refused.

Each cell is its own test. A cell asks the access module (and, where the action has one,
its selector) and goes through the door a person would use: the case page, the version
page, the file download, the register search, the JSON API, the Django admin. A refused
cell must show nothing of the object (its title, its text, its file).

The expected answers are written out here, by hand, from the rules in docs/access.md;
they are not computed by the access module.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from documents import access as document_access
from tests.access_world import ROLES, STATES
from workflows import access

ALL = set(ROLES)
LOGGED_IN = ALL - {"anonymous"}
NOBODY: set[str] = set()

# Who may see the case, its draft and its files, per state.
INSIDERS = {"author", "coauthor", "chief", "substitute_in", "registrar", "administrator"}
CONSULTED = {"rep_group"}
CHAIR = {"chair"}
POLITICAL = {"secretary", "body_member"}
AFTER_PREPARATION = INSIDERS | CONSULTED | CHAIR | POLITICAL
CASE_VIEWERS = {
    "draft": INSIDERS,
    "samverkan": INSIDERS | CONSULTED,
    "samverkan_meeting": INSIDERS | CONSULTED | CHAIR,
    "preparation": AFTER_PREPARATION,
    "decision": AFTER_PREPARATION,
    "registration": AFTER_PREPARATION,
    "registered": AFTER_PREPARATION,
    "published": AFTER_PREPARATION,
    "superseded": AFTER_PREPARATION,
    "internal": AFTER_PREPARATION,
    # The repeal case: no samverkan, and the author added no co-author to it.
    "repealed": (INSIDERS - {"coauthor"}) | POLITICAL,
}
# The registrar's explicit read grants (guardian object permissions).
for _state in ("draft", "decision"):
    CASE_VIEWERS[_state] = CASE_VIEWERS[_state] | {"granted"}
CASE_MATERIAL_STATES = [
    "draft",
    "samverkan",
    "samverkan_meeting",
    "preparation",
    "decision",
    "registration",
    "registered",
]
# The register: versions and documents that have been in force.
REGISTER_READERS = {
    "published": ALL,
    "superseded": ALL,
    "repealed": ALL,
    "internal": LOGGED_IN,
}
VERSION_READERS = {s: CASE_VIEWERS[s] for s in CASE_MATERIAL_STATES} | REGISTER_READERS
IN_SEARCH = dict.fromkeys(CASE_MATERIAL_STATES, NOBODY) | REGISTER_READERS
SAMVERKAN_READERS = {s: (NOBODY if s in ("draft", "repealed") else CASE_VIEWERS[s]) for s in STATES}
EDIT_DRAFT = dict.fromkeys(STATES, NOBODY) | {"draft": {"author", "coauthor"}}
EXECUTE = {
    "draft": {"author", "coauthor"},
    "samverkan": {"rep_group"},
    "samverkan_meeting": {"chair"},
    "preparation": {"secretary"},
    "decision": {"secretary"},
    "registration": {"registrar"},
}
# A union statement is a personal task: nobody claims it.
CLAIM = EXECUTE | {"samverkan": NOBODY}
ADMIN_CHANGE = {s: {"administrator"} for s in CASE_MATERIAL_STATES} | {
    s: {"administrator", "staff"} for s in REGISTER_READERS
}

EXPECTED = {
    "view_case": CASE_VIEWERS,
    "view_samverkan_records": SAMVERKAN_READERS,
    "view_document": VERSION_READERS,
    "view_version": VERSION_READERS,
    "download_file": VERSION_READERS,
    "view_in_search": IN_SEARCH,
    "api_entry": IN_SEARCH,
    "edit_draft": EDIT_DRAFT,
    "execute_task": EXECUTE,
    "claim_task": CLAIM,
    "admin_change": ADMIN_CHANGE,
}

CELLS = [
    pytest.param(role, action, state, id=f"{role}-{action}-{state}")
    for action, table in EXPECTED.items()
    for state in STATES
    if state in table
    for role in ROLES
]


@pytest.fixture(scope="module")
def clients(access_world):
    out = {}
    for role, user in access_world.users.items():
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user.is_authenticated:
            client.force_login(user)
        out[role] = client
    return out


def _refused_page_shows_nothing(response, subject) -> None:
    body = response.content.decode(errors="replace")
    title = f"Riktlinje {subject.word}"
    assert title not in body
    assert f"Texten om {subject.word.lower()}" not in body
    assert subject.case.diarienummer not in body


def _get(client, url: str, allowed: bool, subject, *, refused=(404,)):
    response = client.get(url)
    if allowed:
        assert response.status_code == 200, (url, response.status_code)
    else:
        assert response.status_code in refused, (url, response.status_code)
        _refused_page_shows_nothing(response, subject)
    return response


def _not_logged_in_or(role: str, *codes: int) -> tuple[int, ...]:
    return (302,) if role == "anonymous" else codes


def check_view_case(role, user, client, subject, allowed):
    case = subject.case
    assert access.can_view_case(user, case) is allowed
    assert access.visible_cases(user).filter(pk=case.pk).exists() is allowed
    _get(client, f"/work/cases/{case.pk}/", allowed, subject, refused=_not_logged_in_or(role, 404))


def check_view_samverkan_records(role, user, client, subject, allowed):
    assert access.can_view_samverkan_records(user, subject.case) is allowed
    if access.can_view_case(user, subject.case):
        response = client.get(f"/work/cases/{subject.case.pk}/")
        assert response.status_code == 200
        shown = bool(response.context["statements"]) or bool(response.context["meetings"])
        # The samverkan state has statements only once a representative has answered.
        if subject.case.statements.exists() or subject.case.samverkan_meetings.exists():
            assert shown is allowed


def check_view_document(role, user, client, subject, allowed):
    document = subject.document
    assert document_access.can_view_document(user, document) is allowed
    assert document_access.visible_documents(user).filter(pk=document.pk).exists() is allowed
    _get(client, f"/documents/{document.pk}/", allowed, subject)


def check_view_version(role, user, client, subject, allowed):
    version = subject.version
    assert document_access.can_view_version(user, version) is allowed
    assert document_access.visible_versions(user).filter(pk=version.pk).exists() is allowed
    _get(client, f"/documents/{subject.document.pk}/versions/{version.number}/", allowed, subject)


def check_download_file(role, user, client, subject, allowed):
    version = subject.version
    assert version.files.exists()
    url = f"/documents/{subject.document.pk}/versions/{version.number}/file/"
    response = _get(client, url, allowed, subject)
    if allowed:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def check_view_in_search(role, user, client, subject, allowed):
    version = subject.version
    assert document_access.can_view_in_search(user, version) is allowed
    status = {"superseded": "superseded", "repealed": "repealed"}.get(version.status, "")
    query = f"q={subject.word}" + (f"&status={status}" if status else "")
    response = client.get(f"/register/?{query}")
    assert response.status_code == 200
    found = {v.pk for v in response.context["page"].object_list}
    assert (version.pk in found) is allowed
    if not allowed:
        _refused_page_shows_nothing(response, subject)


def check_api_entry(role, user, client, subject, allowed):
    _get(client, f"/api/v1/register/{subject.version.pk}/", allowed, subject)


def check_edit_draft(role, user, client, subject, allowed):
    assert access.can_edit_draft(user, subject.case).allowed is allowed


def check_execute_task(role, user, client, subject, allowed):
    permit = access.can_execute_task(user, subject.task, subject.case)
    assert permit.allowed is allowed
    if not allowed:
        assert permit.reason


def check_claim_task(role, user, client, subject, allowed):
    assert access.can_claim_task(user, subject.task, subject.case).allowed is allowed


def check_admin_change(role, user, client, subject, allowed):
    url = f"/admin/documents/document/{subject.document.pk}/change/"
    # Not staff: the admin's log-in page; staff: "no such object", the same as for an
    # object that does not exist.
    _get(client, url, allowed, subject, refused=(302,))


@pytest.mark.parametrize(("role", "action", "state"), CELLS)
def test_cell(access_world, clients, db, role, action, state):
    user = access_world.users[role]
    subject = access_world.states[state]
    allowed = role in EXPECTED[action][state]
    globals()[f"check_{action}"](role, user, clients[role], subject, allowed)


def test_the_matrix_covers_every_role_and_state():
    assert len(CELLS) == len(ROLES) * sum(len(table) for table in EXPECTED.values())
    assert len(CELLS) > 1900


def test_selectors_say_what_the_checks_say(access_world, db):
    """For every person and every case, document and version of the world: the object is
    in the user's list exactly when the per-object check allows it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from documents.models import Document, DocumentVersion
    from workflows.models import Case

    users = [AnonymousUser(), *get_user_model().objects.all()]
    cases = list(Case.objects.select_related("document__owner_position__unit"))
    documents = list(Document.objects.all())
    versions = list(DocumentVersion.objects.select_related("document"))
    assert len(users) > 25 and len(cases) >= 12 and len(versions) >= 11
    mismatches = []
    for user in users:
        seen_cases = set(access.visible_cases(user).values_list("pk", flat=True))
        seen_documents = set(document_access.visible_documents(user).values_list("pk", flat=True))
        seen_versions = set(document_access.visible_versions(user).values_list("pk", flat=True))
        for case in cases:
            if (case.pk in seen_cases) != access.can_view_case(user, case):
                mismatches.append((str(user), "case", case.pk))
        for document in documents:
            if (document.pk in seen_documents) != document_access.can_view_document(user, document):
                mismatches.append((str(user), "document", document.pk))
        for version in versions:
            if (version.pk in seen_versions) != document_access.can_view_version(user, version):
                mismatches.append((str(user), "version", version.pk))
    assert mismatches == []
