"""The registrar finds changes of the rule set, the organisation and documents' details in
the audit trail (/work/audit/): filtered by object type (named in Swedish, each once), by
event and by changed field, shown as "field: before → after" with the fields' Swedish
labels and the related objects' names, and exported to CSV both readable and as JSON."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit import tracking
from audit.models import AuditEntry
from documents.models import AdoptionRule, DeciderKind
from tests.desk_support import ks_policy
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import run_to_end
from workflows.actions.meetings import plan_meeting
from workflows.audit_filters import AuditFilter

URL = reverse("workflows:audit")
EXPORT = reverse("workflows:audit_export")


def swedish_registrar(town) -> Client:
    client = Client()  # no language cookie: Swedish
    client.force_login(town.users["registrator"])
    return client


def matching(response) -> list[AuditEntry]:
    return list(response.context["page"].paginator.object_list)


def _changes(town):
    """A secretary named for the nämnd, a rule made stricter, a group renamed."""
    bun = town.bodies["namnd"]
    new_secretary = PositionFactory(title="Nämndsekreterare Utbildning", unit=town.units["sector"])
    old_secretary = bun.secretary_position
    bun.secretary_position = new_secretary
    bun.save()
    rule = AdoptionRule.objects.get(
        document_type=town.types["policy"], decider=DeciderKind.EXECUTIVE_BOARD
    )
    rule.allow_higher_bodies = False
    rule.save()
    group = town.groups["unit"]
    group.name = "Samverkan Solrosen"
    group.save()
    return bun, old_secretary, new_secretary, rule, group


def test_the_page_shows_each_change_in_swedish(town):
    bun, old_secretary, new_secretary, rule, _group = _changes(town)

    response = swedish_registrar(town).get(URL, {"target_type": "org.body"})

    assert response.status_code == 200
    assert [e.target_id for e in matching(response) if e.action == "organisation_changed"][:1] == [
        str(bun.pk)
    ]
    html = response.content.decode()
    assert "Organisationen ändrad" in html
    assert "(politiskt organ)" in html
    assert f"Sekreterarbefattning</span>: {old_secretary.title} → {new_secretary.title}" in html

    rules = swedish_registrar(town).get(URL, {"target_type": "documents.adoptionrule"})
    assert "Högre organ får också fastställa</span>: ja → nej" in rules.content.decode()


def test_filters_by_object_type_event_and_changed_field(town):
    bun, _old, _new, rule, group = _changes(town)
    client = swedish_registrar(town)

    def found(**query) -> set[tuple[str, str]]:
        response = client.get(URL, query)
        assert response.status_code == 200
        return {(e.target_type, e.target_id) for e in matching(response)}

    by_field = found(field="secretary_position")
    assert ("org.body", str(bun.pk)) in by_field
    assert {t for t, _ in by_field} == {"org.body"}
    assert found(field="allow_higher_bodies", action="rule_set_changed") == {
        ("documents.adoptionrule", str(rule.pk))
    }
    assert found(target_type="org.samverkangroup", action="organisation_changed") == {
        ("org.samverkangroup", str(group.pk))
    }
    assert found(field="is_public", target_type="org.body") == set()
    bad = client.get(URL, {"field": "password"})
    assert bad.status_code == 400
    assert "password" in bad.context["filter"].form.errors["field"][0]


def test_the_csv_has_the_changes_readable_and_as_json(town):
    bun, old_secretary, new_secretary, _rule, _group = _changes(town)

    response = swedish_registrar(town).get(EXPORT, {"field": "secretary_position"})
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(raw), delimiter=";"))

    assert header[-3:] == ["Objekttypens kod", "Ändringar", "Ändringar (JSON)"]
    row = next(r for r in rows if r[8] == str(bun.pk) and r[6] == "organisation_changed")
    assert row[7] == "Politiskt organ" and row[-3] == "org.body"
    assert row[-2] == f"Sekreterarbefattning: {old_secretary.title} → {new_secretary.title}"
    assert json.loads(row[-1]) == {
        "secretary_position": [
            {"id": old_secretary.pk, "name": old_secretary.title},
            {"id": new_secretary.pk, "name": new_secretary.title},
        ]
    }


def test_changes_cost_the_export_no_queries(town, django_assert_max_num_queries):
    client = swedish_registrar(town)
    client.get(URL)  # the log-in's entry

    def run() -> int:
        response = client.get(EXPORT)
        return len(b"".join(response.streaming_content).splitlines())

    with django_assert_max_num_queries(12) as few:
        before = run()
    _changes(town)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="organisation_changed",
            target_type="org.body",
            target_id=str(town.bodies["KS"].pk),
            target_label="Kommunstyrelsen",
            changes={"secretary_position": [None, {"id": n, "name": f"Sekreterare {n}"}]},
        )
        for n in range(40)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run() >= before + 43


def test_object_types_are_named_in_swedish_once_each(db):
    with translation.override("sv"):
        choices = dict(AuditFilter().form.fields["target_type"].choices)
    names = [name for code, name in choices.items() if code]

    assert len(names) == len(set(names))
    for code, name in {
        "documents.adoptionrule": "Fastställanderegel",
        "org.samverkangroup": "Samverkansgrupp",
        "org.process": "Process",
        "workflows.meeting": "Sammanträde",
        "guardian.userobjectpermission": "Objektbehörighet för användare",
        "workflows.case": "Ärende",
    }.items():
        assert choices[code] == name
    assert "viewflow.process" not in choices


def test_every_kind_of_object_a_whole_case_names_can_be_filtered(town):
    """Run a policy case to its end (samverkan, KSAU, KS), change the organisation and plan a meeting: every kind of object
    the trail then names is a choice of the filter."""
    run_to_end(town, ks_policy(town))
    _changes(town)
    plan_meeting(
        user=town.users["registrator"],
        body=town.bodies["KS"],
        date=datetime.date.today() + datetime.timedelta(days=30),
        deadline=datetime.date.today() + datetime.timedelta(days=20),
    )

    written = set(AuditEntry.objects.values_list("target_type", flat=True)) - {""}
    assert written - {code for code, _name in tracking.object_types()} == set()
    assert {"workflows.case", "documents.documentversion", "org.body"} <= written


def test_the_field_filter_names_each_field_once_in_swedish(db):
    with translation.override("sv"):
        choices = dict(AuditFilter().form.fields["field"].choices)

    assert choices["secretary_position"] == "Sekreterarbefattning"
    assert choices["is_public"] == "Publikt"
    assert choices["responsible_body"] == "Ansvarigt organ"
    assert choices["allowed_parent_types"] == "Tillåtna överordnade dokumenttyper"
    owner = choices["owner_position"]
    assert "Dokumentansvarig" in owner and "Processägare" in owner


def test_only_the_registrar_reads_the_changes(town):
    _changes(town)
    official = Client()
    official.force_login(UserFactory())

    assert official.get(URL, {"field": "secretary_position"}).status_code == 403
    assert official.get(EXPORT, {"field": "secretary_position"}).status_code == 403


def test_the_admin_shows_an_entrys_changes_readable(town, admin_client):
    bun, old_secretary, new_secretary, _rule, _group = _changes(town)
    entry = (
        AuditEntry.objects.filter(target_type="org.body", target_id=str(bun.pk))
        .order_by("pk")
        .last()
    )

    page = admin_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))

    assert page.status_code == 200
    assert (
        f"Sekreterarbefattning: {old_secretary.title} → {new_secretary.title}"
        in page.content.decode()
    )
