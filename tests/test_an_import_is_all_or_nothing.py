"""The organisation and the register import write in one transaction
(``org.importing.services.all_or_nothing``): a dry run is the import rolled back, and a
constraint the checks missed writes nothing and becomes the report's one problem, never a
server error."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from org.importing.services import Report, all_or_nothing
from org.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_a_dry_run_is_rolled_back_and_reports_no_problem():
    report = Report()
    with all_or_nothing(report, None, "Provkörning", dry_run=True):
        UnitFactory(name="Enheten som inte blir kvar")
    assert not Unit.objects.filter(name="Enheten som inte blir kvar").exists()
    assert report.problems == []


def test_a_refusal_of_the_database_writes_nothing_and_is_the_reports_problem():
    report = Report()
    with all_or_nothing(report, None, "Import", dry_run=False):
        UnitFactory(name="Enheten före felet")
        report.changes = ["något"]
        raise IntegrityError("duplicate key value violates unique constraint")
    assert not Unit.objects.filter(name="Enheten före felet").exists()
    assert report.changes == []
    [problem] = report.problems
    assert "duplicate key value" in str(problem)


def test_an_import_that_goes_through_is_kept():
    report = Report()
    with all_or_nothing(report, None, "Import", dry_run=False):
        UnitFactory(name="Enheten som blir kvar")
    assert Unit.objects.filter(name="Enheten som blir kvar").exists()
    assert report.problems == []
