"""The role questions that pages, the menu and the admin used to answer themselves (issue
16, part 4), as the access modules now answer them: the audit trail, the health page, the
meeting calendars, the admin link and the admin's lists, for each kind of person and for
every refusal."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from audit.recording import record_now
from documents import access as document_access
from documents.models import DiaryEntry, Document, DocumentVersion
from tests.desk_support import ks_meeting, ks_policy
from tests.factories import UserFactory
from workflows import access

AUDIT = reverse("workflows:audit")
ADMIN = reverse("admin:index")


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_registrar_and_administrators_see_the_audit_trail(town, root):
    assert access.can_see_audit_trail(town.users["registrator"])
    assert access.can_see_audit_trail(root)
    for who in ["sekr_ks", "hrstrateg", "kommunchef"]:
        assert not access.can_see_audit_trail(town.users[who]), who
    assert not access.can_see_audit_trail(AnonymousUser())
    assert not access.can_see_audit_trail(
        UserFactory(username="former", is_superuser=True, is_active=False)
    )


def test_the_menu_links_the_audit_trail_only_for_those_who_may_read_it(town, root):
    assert AUDIT in town.desk("registrator").get("/").content.decode()
    assert AUDIT in _client(root).get("/").content.decode()
    assert AUDIT not in town.desk("sekr_ks").get("/").content.decode()
    assert town.desk("sekr_ks").get(AUDIT).status_code == 403


def test_the_menu_links_the_admin_for_active_staff_only(town, root):
    staff = UserFactory(username="regelverk", is_staff=True)
    assert access.can_open_admin(staff) and access.can_open_admin(root)
    assert not access.can_open_admin(town.users["registrator"])
    assert not access.can_open_admin(AnonymousUser())
    assert not access.can_open_admin(UserFactory(username="gone", is_staff=True, is_active=False))
    assert f'href="{ADMIN}"' in _client(staff).get("/").content.decode()
    assert f'href="{ADMIN}"' not in town.desk("registrator").get("/").content.decode()
    assert f'href="{ADMIN}"' not in Client().get("/").content.decode()


def test_the_health_page_is_for_the_registrar_administrators_and_owners(town, root):
    owned = ks_policy(town).document  # owned by the HR strategist's position
    assert document_access.health_scope(town.users["registrator"]) == Q()
    assert document_access.health_scope(root) == Q()
    owner_scope = document_access.health_scope(town.users["hrstrateg"])
    assert list(Document.objects.filter(owner_scope)) == [owned]
    for who in ["sekr_bun", "ekonom"]:  # they own no document
        assert document_access.health_scope(town.users[who]) is None, who
        assert not document_access.can_see_health_page(town.users[who])
    assert document_access.health_scope(AnonymousUser()) is None

    link = reverse("register_health")
    assert town.desk("hrstrateg").get("/").context["sees_health"]
    assert town.desk("registrator").get("/").context["sees_health"]
    assert link not in town.desk("ekonom").get("/").content.decode()
    assert town.desk("ekonom").get(link).status_code == 403
    assert town.desk("hrstrateg").get(link).status_code == 200


def test_the_registrar_and_administrators_see_every_bodys_calendar_a_secretary_their_own(
    town, root
):
    assert access.calendar_bodies(town.users["registrator"]) is None
    assert access.calendar_bodies(root) is None
    assert access.calendar_bodies(town.users["sekr_ks"]) == [town.bodies["KS"]]
    assert access.calendar_bodies(town.users["hrstrateg"]) == []

    meetings = reverse("workflows:desk_meetings")
    offered = town.desk("sekr_ks").get(meetings).context["form"].fields["body"].queryset
    assert list(offered) == [town.bodies["KS"]]
    offered = town.desk("registrator").get(meetings).context["form"].fields["body"].queryset
    assert town.bodies["namnd"] in offered and town.bodies["KS"] in offered


def test_a_meeting_agenda_is_for_those_who_see_the_desk(town):
    meeting = ks_meeting(town)
    assert access.can_see_meeting(town.users["sekr_bun"], meeting)  # as the desk: read-only
    assert access.can_see_meeting(town.users["registrator"], meeting)
    assert not access.can_see_meeting(town.users["hrstrateg"], meeting)
    assert not access.can_see_meeting(AnonymousUser(), meeting)


def test_the_registrar_positions_are_the_registrar_kind(town):
    assert list(access.registrar_positions()) == [town.positions["registrator"]]


def test_the_admin_lists_every_row_for_administrators_and_visible_ones_for_others(town, root):
    case = ks_policy(town)
    loose = record_now("login_failed", target_type="auth.user", target_label="nobody")
    entries = AuditEntry.objects.all()
    staff = town.users["ekonom"]  # sees no case of this town

    assert access.case_material_in(root, entries) is entries
    assert loose in access.case_material_in(root, entries)
    author = access.case_material_in(town.users["hrstrateg"], entries)
    assert loose not in author and author.filter(case=case).exists()
    assert not access.case_material_in(staff, entries).exists()

    diary = DiaryEntry.objects.all()
    assert document_access.visible_diary_entries(root, diary) is diary
    assert list(document_access.visible_diary_entries(town.users["hrstrateg"])) == [
        case.diary_entry
    ]
    assert not document_access.visible_diary_entries(staff).exists()

    documents, versions = Document.objects.all(), DocumentVersion.objects.all()
    assert document_access.visible_documents_in(root, documents) is documents
    assert document_access.visible_versions_in(root, versions) is versions
    assert case.document in document_access.visible_documents_in(town.users["hrstrateg"], documents)
    assert case.version in document_access.visible_versions_in(town.users["hrstrateg"], versions)
    assert case.document not in document_access.visible_documents_in(staff, documents)
    assert case.version not in document_access.visible_versions_in(staff, versions)
