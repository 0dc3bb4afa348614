"""The example register file offered beside the template is a realistic one: a few documents
of the demo municipality with their historical decisions and an earlier version, accepted by
the dry run without errors or warnings against the demo (``load_demo``)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from documents.importing.services import import_register
from documents.importing.sheets import DOCUMENTS, EARLIER, REGISTER_SHEETS
from documents.models import Document
from org.importing.reader import read

pytestmark = pytest.mark.django_db


def test_the_example_passes_the_dry_run_against_the_demo(client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="registrator"))
    for fmt in ("", "?format=zip"):
        response = client.get(reverse("registerimport:example") + fmt)
        assert response.status_code == 200
        name = "register-exempel." + ("zip" if fmt else "xlsx")
        assert name in response["Content-Disposition"]
        data = response.content
        book = read(name, data, REGISTER_SHEETS)
        assert not book.problems
        assert len(book.rows(DOCUMENTS)) == 5 and len(book.rows(EARLIER)) == 1
        before = Document.objects.count()
        report = import_register(name, data, dry_run=True)
        assert report.problems == [] and report.warnings == []
        assert [c.kind for c in report.changes] == ["add"] * 5
        assert Document.objects.count() == before  # a dry run
