"""Changes that give or take power are in the audit trail, whatever door they come through:
groups, permissions, account flags, guardian object permissions, position holdings,
substitutes, body memberships and union representatives. Through the admin the entry
names the administrator who made the change."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from audit.models import AuditEntry
from org.models import BodyMembership, PositionHolding, Substitution, UnionRepresentative
from tests.factories import (
    BodyFactory,
    BodyMembershipFactory,
    DocumentFactory,
    PositionFactory,
    PositionHoldingFactory,
    SubstitutionFactory,
    UnionRepresentativeFactory,
    UserFactory,
)


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_group_membership_from_either_side(db):
    user = UserFactory(username="kalle")
    group = Group.objects.create(name="Registratorer")

    user.groups.add(group)
    group.user_set.remove(user)
    user.groups.add(group)
    user.groups.clear()

    assert [e.comment for e in entries("user_groups_changed")] == [
        "+ Registratorer",
        "- Registratorer",
        "+ Registratorer",
        "- Registratorer",
    ]
    assert {e.target_id for e in entries("user_groups_changed")} == {str(user.pk)}


def test_user_and_group_permissions(db):
    user = UserFactory()
    group = Group.objects.create(name="Handläggare")
    perm = Permission.objects.get(codename="change_document")

    user.user_permissions.add(perm)
    group.permissions.add(perm)
    group.permissions.remove(perm)

    assert [e.comment[:1] for e in entries("user_permissions_changed")] == ["+"]
    assert [e.comment[:1] for e in entries("group_permissions_changed")] == ["+", "-"]
    assert "change" in entries("user_permissions_changed")[0].comment.lower()


def test_account_flags(db):
    user = UserFactory(username="lisa")
    user.is_staff = True
    user.save()
    user.is_superuser = True
    user.is_active = False
    user.save()
    user.first_name = "Lisa"  # not a flag: no entry
    user.save()

    flagged = entries("user_flags_changed")
    assert [(e.from_state, e.to_state) for e in flagged] == [
        ("is_staff=False", "is_staff=True"),
        ("is_active=True,is_superuser=False", "is_active=False,is_superuser=True"),
    ]


def test_a_new_superuser_is_recorded(db):
    UserFactory(username="root", is_superuser=True, is_staff=True)

    [entry] = entries("user_flags_changed")
    assert entry.to_state == "is_staff=True,is_superuser=True"


def test_guardian_object_permissions(db):
    user = UserFactory(username="olle")
    document = DocumentFactory()

    assign_perm("documents.view_document", user, document)
    remove_perm("documents.view_document", user, document)

    [granted] = entries("object_permission_granted")
    [revoked] = entries("object_permission_revoked")
    assert "view_document" in granted.target_label and "olle" in granted.target_label
    assert revoked.target_label == granted.target_label


@pytest.mark.parametrize(
    "factory, model",
    [
        (PositionHoldingFactory, PositionHolding),
        (SubstitutionFactory, Substitution),
        (BodyMembershipFactory, BodyMembership),
        (UnionRepresentativeFactory, UnionRepresentative),
    ],
)
def test_positions_and_memberships_added_changed_removed(db, factory, model):
    row = factory()
    label, end = str(row), row.end
    row.end = datetime.date(2030, 12, 31)
    row.save()
    row.save()  # nothing changed: no entry
    pk = row.pk
    row.delete()

    actions = list(
        AuditEntry.objects.filter(target_type=model._meta.label_lower, target_id=str(pk))
        .order_by("pk")
        .values_list("action", "target_label")
    )
    assert actions == [("role_added", label), ("role_changed", label), ("role_removed", label)]
    changed = AuditEntry.objects.get(action="role_changed", target_id=str(pk))
    assert changed.changes == {"end": [end and end.isoformat(), "2030-12-31"]}


def test_the_admin_names_the_administrator(admin_client, admin_user, db):
    holding = PositionHoldingFactory(start=datetime.date(2024, 1, 1))
    url = reverse("admin:org_positionholding_change", args=[holding.pk])
    page = admin_client.get(url)
    assert page.status_code == 200

    response = admin_client.post(
        url,
        {
            "position": holding.position_id,
            "user": holding.user_id,
            "start": "2024-01-01",
            "end": "2026-06-30",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="role_changed", target_id=str(holding.pk))
    assert entry.actor == admin_user
    assert entry.changes["end"][1] == "2026-06-30"


def test_the_admin_user_form_records_groups_and_flags(admin_client, admin_user, db):
    user = UserFactory(username="nisse")
    group = Group.objects.create(name="Sekreterare")
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "nisse",
            "groups": [group.pk],
            "user_permissions": [],
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditEntry.objects.get(action="user_groups_changed").actor == admin_user
    flags = AuditEntry.objects.get(action="user_flags_changed", target_id=str(user.pk))
    assert flags.actor == admin_user and flags.to_state == "is_staff=True"


def test_body_and_position_rows_are_named_even_when_deleted_with_their_owner(db):
    body = BodyFactory()
    membership = BodyMembershipFactory(body=body)
    label = str(membership)
    position = PositionFactory()
    PositionHoldingFactory(position=position)

    body.delete()
    position.delete()

    removed = entries("role_removed")
    assert label in [e.target_label for e in removed]
    assert len(removed) == 2
