"""The registrar lets one more person read a case (a guardian object permission): the
check, the case list and the case page honour it, it is on the timeline, and only the
registrar may grant or withdraw it."""

from __future__ import annotations

from django.urls import reverse

from tests.lifecycle import audit_actions, shows
from workflows import access


def _draft_case(town):
    author = town.desk("utvecklare")
    return author.start_document(
        document_type=town.types["riktlinje"],
        title="Riktlinje för hemliga utkast",
        scope_unit=town.units["sector"],
        owner_position=town.positions["utvecklare"],
    )


def test_the_registrar_grants_and_withdraws_read_access(town):
    case = _draft_case(town)
    reader = town.users["ekonom"]
    page = reverse("workflows:case", args=[case.pk])
    readers = reverse("workflows:case_readers", args=[case.pk])
    assert town.desk("ekonom").get(page).status_code == 404
    assert not access.can_view_case(reader, case)

    registrar = town.desk("registrator")
    assert shows(registrar.get(page), "Grant read access")
    response = registrar.post(readers, {"username": "ekonom", "action": "grant"})
    assert response.status_code == 302

    assert access.can_view_case(reader, case)
    assert access.visible_cases(reader).filter(pk=case.pk).exists()
    shown = town.desk("ekonom").get(page)
    assert shown.status_code == 200
    assert shows(shown, "Riktlinje för hemliga utkast")
    assert audit_actions(case)[-1] == "reader_granted"
    assert reader in access.case_readers(case)

    registrar.post(readers, {"username": "ekonom", "action": "revoke"})
    assert not access.can_view_case(reader, case)
    assert not access.visible_cases(reader).filter(pk=case.pk).exists()
    assert town.desk("ekonom").get(page).status_code == 404
    assert audit_actions(case)[-1] == "reader_revoked"


def test_only_the_registrar_grants_read_access(town):
    case = _draft_case(town)
    author = town.desk("utvecklare")
    readers = reverse("workflows:case_readers", args=[case.pk])
    assert not shows(author.get(reverse("workflows:case", args=[case.pk])), "Grant read access")
    before = audit_actions(case)
    response = author.post(readers, {"username": "ekonom", "action": "grant"}, follow=True)
    assert shows(response, "Only the registrar grants read access to a case.")
    assert not access.can_view_case(town.users["ekonom"], case)
    assert audit_actions(case) == before


def test_an_unknown_name_is_explained_and_changes_nothing(town):
    case = _draft_case(town)
    registrar = town.desk("registrator")
    readers = reverse("workflows:case_readers", args=[case.pk])
    before = audit_actions(case)
    response = registrar.post(readers, {"username": "nobody", "action": "grant"}, follow=True)
    assert shows(response, "There is no active user with that username.")
    response = registrar.post(readers, {"username": "ekonom", "action": "revoke"}, follow=True)
    assert shows(response, "This person has no read access granted to this case.")
    assert audit_actions(case) == before


def test_a_permission_given_to_a_group_lets_its_members_see_the_case_in_lists(town):
    """A guardian permission on the case given to a group (through guardian's own admin,
    not the registrar's page) reaches its members in the one-case check and the lists
    alike, and no one outside the group."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    case = _draft_case(town)
    reader, outsider = town.users["ekonom"], town.users["hrstrateg"]
    group = Group.objects.create(name="Revisorer")
    reader.groups.add(group)
    assign_perm("workflows.view_case", group, case)

    assert access.can_view_case(reader, case)
    assert access.visible_cases(reader).filter(pk=case.pk).exists()
    assert not access.can_view_case(outsider, case)
    assert not access.visible_cases(outsider).filter(pk=case.pk).exists()
