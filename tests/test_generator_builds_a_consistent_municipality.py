"""The benchmark data generator builds a municipality the application itself could have made.

A small run (20 units, 100 people, 200 documents, 600 versions, 50 open cases): the counts
asked for, one valid version per valid document, every decision allowed by the rule set,
every open case waiting in a step with open tasks routed as ``workflows.routing`` routes
them (so inboxes find them), samverkan finished before every pending decision, the search
index equal to what ``documents.search`` writes, and the same data for the same seed.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from viewflow.workflow.models import Task

from audit.models import AuditEntry
from documents import rules
from documents.models import (
    Decision,
    DecisionOutcome,
    Document,
    DocumentStatus,
    DocumentVersion,
    SearchTerm,
    VersionStatus,
)
from documents.plain_text import html_to_text
from documents.search import index_versions, search
from documents.selectors import register_versions, valid_on
from fixtures.generator import BASE_DATE, GeneratorError, Options, generate
from org.models import Unit
from org.selectors import acting_users
from tests.search_ranks import ranks, rebuilt, stale_copies
from workflows import access, routing
from workflows.actions.decision import check_ready_for_decision
from workflows.models import Case

pytestmark = pytest.mark.django_db

SMALL = {"units": 20, "people": 100, "documents": 200, "versions": 600, "open_cases": 50}
User = get_user_model()


@pytest.fixture(scope="module")
def municipality(django_db_setup, django_db_blocker):
    """One small municipality for the module's read-only tests, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("generate_municipality", *_argv(SMALL), "--no-progress", verbosity=0)
        yield
        transaction.set_rollback(True)


def _argv(sizes: dict) -> list[str]:
    return [f"--{key.replace('_', '-')}={value}" for key, value in sizes.items()]


# First in the module: it needs an empty database, before the shared municipality exists.
def test_the_same_seed_gives_the_same_municipality(db):
    sizes = Options(units=12, people=60, documents=40, versions=90, open_cases=12, seed=7)

    def fingerprint():
        return (
            list(Unit.objects.order_by("pk").values_list("name", "path")),
            list(
                Document.objects.order_by("pk").values_list("title", "status", "scope_unit__name")
            ),
            list(
                DocumentVersion.objects.order_by("pk").values_list("status", "valid_from", "body")
            ),
            list(Case.objects.order_by("pk").values_list("current_step", "round")),
            SearchTerm.objects.count(),
        )

    with transaction.atomic():
        generate(sizes, progress=False)
        first = fingerprint()
        transaction.set_rollback(True)
    generate(sizes, progress=False)
    assert fingerprint() == first


def test_the_sizes_asked_for(municipality, db):
    assert Unit.objects.count() == 20
    assert User.objects.count() == 100
    assert Document.objects.count() == 200
    assert DocumentVersion.objects.count() == 600
    assert Case.objects.filter(finished__isnull=True).count() == 50
    statuses = set(Document.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in DocumentStatus}
    version_statuses = set(DocumentVersion.objects.values_list("status", flat=True))
    assert version_statuses == {s.value for s in VersionStatus}


def test_documents_with_an_open_case_are_flagged_as_the_cases_flag_them(municipality, db):
    with_open_case = set(
        Case.objects.filter(finished__isnull=True).values_list("document_id", flat=True)
    )
    flagged = set(Document.objects.filter(has_open_case=True).values_list("pk", flat=True))
    assert len(with_open_case) == 50
    assert flagged == with_open_case


def test_one_valid_version_per_valid_document(municipality, db):
    valid = Document.objects.filter(status=DocumentStatus.VALID)
    counts = valid.annotate(n=Count("versions", filter=Q(versions__status=VersionStatus.VALID)))
    assert set(counts.values_list("n", flat=True)) == {1}
    for doc in valid.select_related("current_version"):
        assert doc.current_version.status == VersionStatus.VALID
        assert doc.current_version.document_id == doc.pk
    assert (
        not DocumentVersion.objects.filter(status=VersionStatus.VALID)
        .exclude(document__status=DocumentStatus.VALID)
        .exists()
    )
    # Superseded versions hand over the day the next one takes effect.
    for v in DocumentVersion.objects.filter(status=VersionStatus.SUPERSEDED)[:200]:
        newer = v.document.versions.get(number=v.number + 1)
        assert v.superseded_on == newer.valid_from


def test_every_decision_is_allowed_by_the_rule_set(municipality, db):
    seen: dict[tuple, bool] = {}
    decisions = Decision.objects.filter(outcome=DecisionOutcome.ADOPTED).select_related(
        "document__document_type",
        "document__scope_unit__level",
        "document__process",
        "body",
        "position",
    )
    assert decisions.count() > 400
    for decision in decisions:
        doc = decision.document
        key = (
            doc.document_type_id,
            doc.scope_unit_id,
            doc.process_id,
            decision.body_id,
            decision.position_id,
        )
        if key not in seen:
            verdict = rules.check_decider(
                doc.document_type,
                doc.scope_unit,
                doc.process,
                body=decision.body,
                position=None if decision.body_id else decision.position,
            )
            seen[key] = verdict.allowed
        assert seen[key], f"{decision} by {decision.decider_name} breaks the rule set"


def test_open_cases_wait_in_every_step_with_tasks_routed_as_the_lifecycle_routes_them(
    municipality, db
):
    steps = set(Case.objects.filter(finished__isnull=True).values_list("current_step", flat=True))
    assert {"draft", "union_statement", "decision", "registration"} <= steps
    open_tasks = Task.objects.filter(status__in=access.OPEN_TASK)
    for case in Case.objects.filter(finished__isnull=True).select_related(
        "decider_body", "decider_position", "samverkan_group__chair_position"
    ):
        mine = [t for t in open_tasks if t.process_id == case.pk]
        assert mine, f"{case} has no open task"
        assert {t.flow_task.name for t in mine} == {case.current_step}
        assert AuditEntry.objects.filter(case=case, action="case_started").exists()
        for task in mine:
            if task.flow_task_type != "HUMAN":
                continue
            wanted = routing.route_for(task.flow_task.name, case, task.data)
            stored = routing.route_of(task)
            assert (stored.kind, stored.position, stored.user_id) == (
                wanted.kind,
                wanted.position,
                wanted.user_id,
            )
        if case.current_step == "decision" and case.kind != "repeal":
            check_ready_for_decision(case)  # samverkan is finished


def test_a_position_task_is_in_the_inbox_of_who_acts_in_the_position(municipality, db):
    task = (
        Task.objects.filter(
            status__in=access.OPEN_TASK,
            owner_permission=routing.TO_POSITION,
            owner__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    position = routing.route_of(task).position
    users = list(acting_users(position))
    assert users, f"nobody acts in {position}"
    assert access.inbox(users[0]).filter(pk=task.pk).exists()


def test_the_search_index_is_what_documents_search_writes(municipality, db):
    register = register_versions(None).filter(valid_on(BASE_DATE))
    assert search(register, "rutin", version_field="pk").exists()
    versions = list(
        DocumentVersion.objects.filter(status__in=[VersionStatus.VALID, VersionStatus.SUPERSEDED])
        .select_related("document")
        .prefetch_related("files")
        .order_by("pk")[:25]
    )

    def rows():
        return set(
            SearchTerm.objects.filter(version__in=versions).values_list(
                "version_id", "term", "field", "count"
            )
        )

    generated = rows()
    assert generated
    with transaction.atomic():
        index_versions(versions)
        assert rows() == generated
        transaction.set_rollback(True)
    assert not SearchTerm.objects.filter(version__status=VersionStatus.DRAFT).exists()


def test_the_ranked_index_is_what_documents_search_builds(municipality, db):
    generated = ranks()
    assert generated
    assert {version for version, *_rest in generated} == set(
        DocumentVersion.objects.filter(status=VersionStatus.VALID).values_list("pk", flat=True)
    )
    assert rebuilt() == generated


def test_every_version_carries_its_documents_filter_columns(municipality, db):
    assert DocumentVersion.objects.filter(has_open_case=True).exists()
    assert DocumentVersion.objects.filter(is_public=False).exists()
    assert stale_copies() == []


def test_every_version_has_its_text_without_markup(municipality, db):
    for body, plain in DocumentVersion.objects.values_list("body", "plain_text"):
        assert plain == html_to_text(body)


def test_refuses_a_database_that_holds_an_organisation(municipality, db):
    with pytest.raises(GeneratorError):
        generate(Options(**SMALL), progress=False)


def test_read_confirmations_are_of_people_the_documents_ask(municipality, db):
    """Some types ask for reading, some people confirmed; each confirmation names a version
    of its document by its number, and its person held a position in the document's scope
    when the data was made."""
    from reading.models import ReadConfirmation
    from reading.selectors import required_versions

    assert required_versions().exists()
    confirmations = list(
        ReadConfirmation.objects.select_related("version", "document__scope_unit")[:300]
    )
    assert confirmations
    for c in confirmations:
        assert (c.version.document_id, c.version.number) == (c.document_id, c.version_number)
        paths = Unit.objects.filter(positions__holdings__user=c.user_id).values_list(
            "path", flat=True
        )
        assert any(p.startswith(c.document.scope_unit.path) for p in paths)


def test_the_generated_organisation_is_one_the_organisation_file_takes_back(municipality, db):
    """Exported and tried again (a dry run), the generated organisation has no error: no
    one holds the same seat in a body twice (the previous period's seats were drawn at
    random and could repeat a person), nothing the file refuses."""
    from org.importing.export import export
    from org.importing.services import import_file
    from org.models import BodyMembership

    repeated = (
        BodyMembership.objects.values("body", "user", "start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not repeated.exists()
    report = import_file("organisation.xlsx", export("xlsx"), dry_run=True)
    assert report.ok, [str(p) for p in report.problems][:5]
