"""Who changed the rule set, the organisation or a document's details, when, and from what to
what: every change is in the audit trail, whether an administrator made it in the admin or
it came through the ORM (the shell, a management command, a data migration). The entry
names the person (none outside a request), the object as it was named then, and each
changed field's value before and after, related objects with the names they had."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from documents.models import AdoptionRule, DeciderKind, DiarySeries, DocumentType
from org.models import Position, PositionKind, Unit
from tests.factories import DocumentFactory, DocumentTypeFactory, PositionFactory, UserFactory
from tests.lifecycle import form_values


def named(obj) -> dict:
    return {"id": obj.pk, "name": str(obj)}


def entries_for(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type=obj._meta.label_lower, target_id=str(obj.pk)
        ).order_by("pk")
    )


def last_entry(obj) -> AuditEntry:
    found = entries_for(obj)
    assert found, f"no audit entry for {obj!r}"
    return found[-1]


@pytest.fixture
def admin_user(db):
    return UserFactory(
        username="admin", first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def admin_form(client, obj) -> tuple[str, dict, dict]:
    """The admin change page of ``obj``: its address, the data an untouched submit would
    send (the form and its inlines) and the inline forms by their object's pk."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_values(page.context["adminform"].form)
    inlines = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
            inlines[form.instance.pk] = form
    return url, data, inlines


def submit(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


# --- Through the admin ------------------------------------------------------------------------


def test_an_administrator_edits_a_document_type_and_its_adoption_rules(
    org_tree, admin_client, admin_user
):
    policy = org_tree.types["policy"]
    chief_rule = AdoptionRule.objects.get(document_type=policy, decider=DeciderKind.MUNICIPAL_CHIEF)
    url, data, rules = admin_form(admin_client, policy)
    prefix = rules[chief_rule.pk].prefix
    total = int(data["adoption_rules-TOTAL_FORMS"])
    data.update(
        {
            "review_interval_months": "12",
            f"{prefix}-DELETE": "on",
            "adoption_rules-TOTAL_FORMS": str(total + 1),
            f"adoption_rules-{total}-decider": DeciderKind.COUNCIL,
        }
    )
    submit(admin_client, url, data)

    changed = last_entry(policy)
    assert changed.action == "rule_set_changed" and changed.actor == admin_user
    assert changed.changes == {"review_interval_months": [24, 12]}
    removed = last_entry(chief_rule)
    assert removed.action == "rule_set_removed" and removed.actor == admin_user
    assert removed.target_label == str(chief_rule)
    assert removed.changes == {
        "document_type": [named(policy), None],
        "decider": [DeciderKind.MUNICIPAL_CHIEF, None],
        "allow_higher_bodies": [False, None],
    }
    council_rule = AdoptionRule.objects.get(document_type=policy, decider=DeciderKind.COUNCIL)
    added = last_entry(council_rule)
    assert added.action == "rule_set_added" and added.actor == admin_user
    assert added.changes["decider"] == [None, DeciderKind.COUNCIL]


def test_an_administrator_changes_a_samverkan_groups_chair(org_tree, admin_client, admin_user):
    group = org_tree.groups["sector"]
    before, after = org_tree.positions["sektorschef"], org_tree.positions["omradeschef"]
    url, data, _ = admin_form(admin_client, group)
    data["chair_position"] = after.pk
    submit(admin_client, url, data)

    entry = last_entry(group)
    assert entry.action == "organisation_changed" and entry.actor == admin_user
    assert entry.changes == {"chair_position": [named(before), named(after)]}


def test_an_administrator_gives_a_unit_another_responsible_body(org_tree, admin_client, admin_user):
    sector = org_tree.units["sector"]
    url, data, _ = admin_form(admin_client, sector)
    data["responsible_body"] = org_tree.bodies["KS"].pk
    submit(admin_client, url, data)

    entry = last_entry(sector)
    assert entry.action == "organisation_changed" and entry.actor == admin_user
    assert entry.changes == {
        "responsible_body": [named(org_tree.bodies["namnd"]), named(org_tree.bodies["KS"])]
    }


def test_an_administrator_names_a_bodys_secretary(org_tree, admin_client, admin_user):
    ks = org_tree.bodies["KS"]
    secretary = PositionFactory(
        title="Kommunsekreterare", kind=PositionKind.BODY_SECRETARY, unit=org_tree.units["top"]
    )
    url, data, _ = admin_form(admin_client, ks)
    data["secretary_position"] = secretary.pk
    submit(admin_client, url, data)

    entry = last_entry(ks)
    assert entry.action == "organisation_changed" and entry.actor == admin_user
    assert entry.changes == {"secretary_position": [None, named(secretary)]}


def test_an_administrator_makes_a_document_internal_and_gives_it_another_owner(
    org_tree, admin_client, admin_user
):
    document = DocumentFactory(
        title="Rutin för introduktion",
        document_type=org_tree.types["rutin"],
        scope_unit=org_tree.units["unit"],
        owner_position=org_tree.positions["enhetschef"],
        is_public=True,
    )
    url, data, _ = admin_form(admin_client, document)
    data.pop("is_public")
    data["owner_position"] = org_tree.positions["omradeschef"].pk
    submit(admin_client, url, data)

    entry = last_entry(document)
    assert entry.action == "document_changed" and entry.actor == admin_user
    assert entry.target_label == "Rutin för introduktion"
    assert entry.changes == {
        "owner_position": [
            named(org_tree.positions["enhetschef"]),
            named(org_tree.positions["omradeschef"]),
        ],
        "is_public": [True, False],
    }


def test_an_untouched_admin_form_writes_no_entry(org_tree, admin_client):
    group = org_tree.groups["central"]
    url, data, _ = admin_form(admin_client, group)
    count = AuditEntry.objects.count()

    submit(admin_client, url, data)

    assert AuditEntry.objects.count() == count


# --- Through the ORM: the shell, commands, data migrations -------------------------------------


def _set(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return obj


@pytest.mark.parametrize(
    "get, change, action, expected",
    [
        (
            lambda t: AdoptionRule.objects.get(
                document_type=t.types["policy"], decider=DeciderKind.EXECUTIVE_BOARD
            ),
            {"allow_higher_bodies": False},
            "rule_set_changed",
            lambda t: {"allow_higher_bodies": [True, False]},
        ),
        (
            lambda t: t.types["rutin"],
            {"name": "Rutin och instruktion", "samverkan_required": False},
            "rule_set_changed",
            lambda t: {
                "name": ["Rutin", "Rutin och instruktion"],
                "samverkan_required": [True, False],
            },
        ),
        (
            lambda t: t.units["area"],
            {"responsible_body": None},
            None,
            None,
        ),
        (
            lambda t: t.units["company"],
            {"responsible_body": None},
            "organisation_changed",
            lambda t: {"responsible_body": [named(t.bodies["bolag"]), None]},
        ),
        (
            lambda t: t.bodies["namnd"],
            {"secretary_position": None, "is_active": False},
            "organisation_changed",
            lambda t: {"is_active": [True, False]},
        ),
        (
            lambda t: t.groups["unit"],
            {"name": "Samverkan Solrosen"},
            "organisation_changed",
            lambda t: {"name": ["Samverkansgrupp Solrosen", "Samverkan Solrosen"]},
        ),
        (
            lambda t: t.process,
            {"owner_position": "kommunchef"},
            "organisation_changed",
            lambda t: {
                "owner_position": [
                    named(t.positions["processagare"]),
                    named(t.positions["kommunchef"]),
                ]
            },
        ),
        (
            lambda t: t.levels["enhet"],
            {"chief_title": "förskolechef"},
            "organisation_changed",
            lambda t: {"chief_title": ["enhetschef", "förskolechef"]},
        ),
        (
            lambda t: t.positions["registrator"],
            {"title": "Registrator och arkivarie"},
            "organisation_changed",
            lambda t: {"title": ["Registrator", "Registrator och arkivarie"]},
        ),
    ],
    ids=[
        "adoption rule",
        "document type",
        "unit without a change",
        "unit",
        "body",
        "samverkan group",
        "process owner",
        "unit level",
        "position",
    ],
)
def test_orm_changes_are_recorded_without_a_person(org_tree, get, change, action, expected):
    obj = get(org_tree)
    count = len(entries_for(obj))
    # A position named by its key in the municipality.
    _set(
        obj,
        **{
            k: org_tree.positions.get(v, v) if isinstance(v, str) and k.endswith("_position") else v
            for k, v in change.items()
        },
    )
    if action is None:
        assert len(entries_for(obj)) == count
        return
    entry = last_entry(obj)
    assert (entry.action, entry.actor, entry.acting_as) == (action, None, None)
    assert entry.changes == expected(org_tree)


def test_a_new_diary_series_and_its_removal(org_tree):
    series = DiarySeries.objects.create(
        code="BUN", name="Nämndens diarium", body=org_tree.bodies["namnd"]
    )
    pk = series.pk
    series.delete()

    added, removed = AuditEntry.objects.filter(
        target_type="documents.diaryseries", target_id=str(pk)
    ).order_by("pk")
    assert added.action == "rule_set_added" and removed.action == "rule_set_removed"
    assert added.changes == {
        "code": [None, "BUN"],
        "name": [None, "Nämndens diarium"],
        "body": [None, named(org_tree.bodies["namnd"])],
        "is_default": [None, False],
        "restart_each_year": [None, True],
    }
    assert removed.target_label == "BUN – Nämndens diarium"
    assert removed.changes["body"] == [named(org_tree.bodies["namnd"]), None]


def test_a_document_types_allowed_parents_changed_from_either_side(org_tree):
    types = org_tree.types
    riktlinje, policy, vision = types["riktlinje"], types["policy"], types["vision"]

    riktlinje.allowed_parent_types.add(vision)
    vision.allowed_child_types.remove(riktlinje)
    riktlinje.allowed_parent_types.clear()

    changes = [e.changes["allowed_parent_types"] for e in entries_for(riktlinje)[-3:]]
    assert changes == [
        [[named(policy)], sorted([named(policy), named(vision)], key=lambda r: r["name"])],
        [sorted([named(policy), named(vision)], key=lambda r: r["name"]), [named(policy)]],
        [[named(policy)], []],
    ]
    assert {e.action for e in entries_for(riktlinje)[-3:]} == {"rule_set_changed"}


def test_deleting_a_document_type_records_its_rules_with_their_names(org_tree):
    instruktion = DocumentTypeFactory(code="instruktion", name="Instruktion")
    rule = AdoptionRule.objects.create(document_type=instruktion, decider=DeciderKind.UNIT_CHIEF)
    rule_pk, type_pk = rule.pk, instruktion.pk

    instruktion.delete()

    removed = AuditEntry.objects.get(
        target_type="documents.adoptionrule", target_id=str(rule_pk), action="rule_set_removed"
    )
    assert removed.changes["document_type"] == [{"id": type_pk, "name": "Instruktion"}, None]
    assert AuditEntry.objects.filter(
        target_type="documents.documenttype", target_id=str(type_pk), action="rule_set_removed"
    ).exists()


def test_an_entry_keeps_the_names_of_its_time(org_tree):
    group = org_tree.groups["sector"]
    chief = org_tree.positions["omradeschef"]
    _set(group, chair_position=chief)
    _set(chief, title="Verksamhetschef Förskola")

    entry = [e for e in entries_for(group) if e.action == "organisation_changed"][-1]
    assert entry.changes["chair_position"][1] == {"id": chief.pk, "name": "Områdeschef Förskola"}


def test_saves_of_untracked_fields_read_and_write_nothing_more(org_tree):
    document = DocumentFactory(document_type=org_tree.types["rutin"])
    count = AuditEntry.objects.count()
    document.has_open_case = True

    with CaptureQueriesContext(connection) as queries:
        document.save(update_fields=["has_open_case"])

    assert AuditEntry.objects.count() == count
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]


def test_the_reference_data_command_is_recorded(db):
    call_command("load_reference_data", stdout=io.StringIO())

    added = AuditEntry.objects.filter(action="rule_set_added")
    assert (
        added.filter(target_type="documents.documenttype").count() == DocumentType.objects.count()
    )
    assert (
        added.filter(target_type="documents.adoptionrule").count() == AdoptionRule.objects.count()
    )
    assert not added.exclude(actor=None).exists()


def test_a_fixture_loaded_over_the_rule_set_is_recorded(org_tree, tmp_path):
    rule = AdoptionRule.objects.get(
        document_type=org_tree.types["policy"], decider=DeciderKind.EXECUTIVE_BOARD
    )
    fixture = tmp_path / "regler.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "documents.adoptionrule",
                    "pk": rule.pk,
                    "fields": {
                        "document_type": rule.document_type_id,
                        "decider": DeciderKind.MUNICIPAL_CHIEF,
                        "allow_higher_bodies": False,
                    },
                }
            ]
        )
    )
    AdoptionRule.objects.filter(
        document_type=org_tree.types["policy"], decider=DeciderKind.MUNICIPAL_CHIEF
    ).delete()

    call_command("loaddata", str(fixture), verbosity=0)

    entry = last_entry(rule)
    assert entry.action == "rule_set_changed"
    assert entry.changes == {
        "decider": [DeciderKind.EXECUTIVE_BOARD, DeciderKind.MUNICIPAL_CHIEF],
        "allow_higher_bodies": [True, False],
    }


def test_a_data_migration_is_recorded(org_tree):
    """A data migration changes rows through its historical models (other classes than the
    app's): the change is recorded all the same."""
    state = MigrationExecutor(connection).loader.project_state()
    HistoricalUnit = state.apps.get_model("org", "Unit")  # noqa: N806
    unit = HistoricalUnit.objects.get(pk=org_tree.units["company"].pk)
    unit.name = "Ådalens Energi och Vatten AB"
    unit.save()

    entry = last_entry(org_tree.units["company"])
    assert entry.action == "organisation_changed" and entry.actor is None
    assert entry.changes == {"name": ["Ådalens Energi AB", "Ådalens Energi och Vatten AB"]}
    assert Unit.objects.get(pk=unit.pk).name == "Ådalens Energi och Vatten AB"


def test_a_position_added_in_the_admin_names_the_administrator(org_tree, admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:org_position_add"),
        {
            "title": "Nämndsekreterare",
            "kind": PositionKind.BODY_SECRETARY,
            "unit": org_tree.units["sector"].pk,
            "holdings-TOTAL_FORMS": "0",
            "holdings-INITIAL_FORMS": "0",
            "substitutions-TOTAL_FORMS": "0",
            "substitutions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    position = Position.objects.get(title="Nämndsekreterare")
    entry = last_entry(position)
    assert entry.action == "organisation_added" and entry.actor == admin_user
    assert entry.changes["unit"] == [None, named(org_tree.units["sector"])]
    assert entry.changes["kind"] == [None, PositionKind.BODY_SECRETARY]
