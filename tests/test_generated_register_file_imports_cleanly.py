"""The generator's register file (issue 19: full-size import files for the benchmark) is one
the import takes: every document valid with its decision, earlier versions superseded, the
decisions outside the rule set flagged and nothing else; the same seed gives the same files."""

from __future__ import annotations

import pytest

from documents.importing.services import import_register
from documents.importing.sources import open_files
from documents.models import Document, DocumentStatus, DocumentVersion, VersionStatus
from fixtures import generator_register
from fixtures.generator_register import write_register_file
from tests.factories import build_municipality

pytestmark = pytest.mark.django_db


def test_a_generated_register_file_imports_cleanly(tmp_path, monkeypatch):
    build_municipality()
    monkeypatch.setattr(generator_register, "OUTSIDE_SHARE", 1.0)
    register, files = tmp_path / "register.xlsx", tmp_path / "filer.zip"
    written = write_register_file(register, files, documents=12, seed=3)
    again = tmp_path / "again.xlsx"
    write_register_file(again, tmp_path / "again.zip", documents=12, seed=3)
    assert (tmp_path / "again.zip").read_bytes() == files.read_bytes()
    report = import_register("register.xlsx", register.read_bytes(), open_files(files))
    assert report.ok, report.problems
    assert Document.objects.filter(status=DocumentStatus.VALID).count() == written["documents"]
    superseded = DocumentVersion.objects.filter(status=VersionStatus.SUPERSEDED).count()
    assert superseded == written["earlier"]
    flagged = Document.objects.filter(current_version__adoption__outside_rule_set=True).count()
    assert flagged == len(report.warnings) > 0
