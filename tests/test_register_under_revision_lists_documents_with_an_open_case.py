"""The register's status "under revision": the valid documents that have an open case, from
the moment the case starts until it ends, however it ends (published, rejected, cancelled in
viewflow's own views), as the document's "has an open case" follows its cases' "finished"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.lifecycle import run_to_end, run_until, today, valid_document
from workflows.models import Case


@pytest.fixture
def rutiner(town):
    def rutin(title):
        return valid_document(
            town,
            type_code="rutin",
            title=title,
            process=town.process,
            owner="processagare",
            decided_by="processagare",
        )

    return rutin("Rutin för introduktion"), rutin("Rutin för brandlarm")


def under_revision(town) -> list[str]:
    response = town.desk("hrstrateg").get(reverse("register") + "?status=under_revision")
    assert response.status_code == 200
    return [version.title for version in response.context["page"].object_list]


def is_open(case: Case) -> bool:
    """Whether the case is open; its document's flag, and every version's copy of it (which
    the register reads), must say the same."""
    case = Case.objects.select_related("document").get(pk=case.pk)
    assert case.document.has_open_case == (case.finished is None)
    copies = set(case.document.versions.values_list("has_open_case", flat=True))
    assert copies == {case.finished is None}
    return case.finished is None


def test_nothing_is_under_revision_without_an_open_case(town, rutiner):
    assert under_revision(town) == []


def test_a_revision_case_puts_the_document_under_revision_until_it_is_published(town, rutiner):
    introduction, fire = rutiner
    case = town.desk("hrstrateg").start_revision(introduction)
    assert is_open(case)
    assert under_revision(town) == ["Rutin för introduktion"]

    run_until(town, case, "decision")
    town.desk("processagare").do(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=today()
    )
    run_to_end(town, case)
    assert not is_open(case)
    assert under_revision(town) == []


def test_a_rejected_case_ends_the_revision(town, rutiner):
    introduction, fire = rutiner
    case = town.desk("hrstrateg").start_revision(fire)
    run_until(town, case, "decision")
    assert under_revision(town) == ["Rutin för brandlarm"]

    town.desk("processagare").do(
        case,
        "decision",
        outcome="rejected",
        decision_date=today(),
        motivation="Behövs inte.",
    )
    run_to_end(town, case)
    assert Case.objects.get(pk=case.pk).outcome == "rejected"
    assert not is_open(case)
    assert under_revision(town) == []


def test_a_case_cancelled_in_viewflow_ends_the_revision(town, rutiner):
    introduction, fire = rutiner
    case = town.desk("hrstrateg").start_repeal(introduction, "Ersätts av en ny rutin.")
    assert under_revision(town) == ["Rutin för introduktion"]

    case.flow_class.instance.cancel(Case.objects.get(pk=case.pk))
    assert not is_open(case)
    assert under_revision(town) == []


def test_only_valid_documents_are_under_revision(town, rutiner):
    town.desk("hrstrateg").start_document(
        document_type=town.types["rutin"],
        title="Rutin för ny verksamhet",
        scope_unit=town.units["top"],
        owner_position=town.positions["processagare"],
        process=town.process,
    )
    assert Case.objects.get().document.has_open_case
    assert under_revision(town) == []  # the draft has no valid version to list
