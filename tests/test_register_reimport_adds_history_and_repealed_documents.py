"""The register's history travels too (issue 19): a re-import adds the earlier versions a
document imported before lacks, leaving its versions as they are; a repealed document is
imported repealed with its repeal decision (never in force afterwards, in the register's
history, searchable as repealed); each refusal names its sheet, row and column."""

from __future__ import annotations

import datetime
import io

import pytest

from documents.importing.services import import_register
from documents.importing.sources import Zip
from documents.models import (
    Decision,
    DecisionKind,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)
from documents.search import search, search_documents
from documents.selectors import repealing_decision
from tests.factories import build_municipality
from tests.registerfile import kf_policy, xlsx, zip_of
from tests.upload_support import docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return build_municipality()


def _files() -> Zip:
    return Zip(
        io.BytesIO(
            zip_of(
                {
                    "policy.docx": docx("<w:p><w:r><w:t>Gällande policy.</w:t></w:r></w:p>"),
                    "v2.docx": docx(
                        "<w:p><w:r><w:t>Sekretessklassning enligt 2015.</w:t></w:r></w:p>"
                    ),
                }
            )
        )
    )


def _import(rows, earlier=None, repeals=None, **kwargs):
    return import_register("register.xlsx", xlsx(rows, earlier, repeals), _files(), **kwargs)


def _earlier(number, **cells):
    return {
        "Dokument": "POL-1",
        "Version": str(number),
        "Titel": f"Policy, version {number}",
        "Text": f"Version {number}.",
        "Beslutande organ": "KS",
        "Beslutsdatum": f"201{number}-05-02",
        "Paragraf": "§ 88",
        "Diarienummer": f"KS 201{number}/40",
        **cells,
    }


def test_a_reimport_adds_the_earlier_versions_that_are_new(m):
    assert _import([kf_policy(m)], [_earlier(1)]).ok
    assert Document.objects.get(import_key="POL-1").current_version.number == 2

    report = _import([kf_policy(m)], [_earlier(1)])
    assert report.ok and report.changes == []  # nothing new: nothing done

    # A new earlier version can only take a free number below the one in force.
    refused = _import([kf_policy(m)], [_earlier(1), _earlier(3)])
    assert [str(p) for p in refused.problems] == [
        "Blad Tidigare versioner, rad 3, kolumn Version: en tidigare version som läggs till "
        "ett redan importerat dokument behöver ett ledigt nummer under den gällande versionens (2)"
    ]


def test_an_earlier_version_under_a_free_number_is_added_superseded(m):
    policy = kf_policy(m)
    assert _import([policy], [_earlier(1), _earlier(5, Dokument="POL-1")]).ok  # valid: v6
    document = Document.objects.get(import_key="POL-1")
    valid_before = document.current_version
    untouched = {v.pk: (v.status, v.superseded_on) for v in document.versions.all()}

    dry = _import([policy], [_earlier(1), _earlier(2, Fil="v2.docx"), _earlier(5)], dry_run=True)
    assert dry.ok, dry.problems
    assert document.versions.count() == 3
    report = _import([policy], [_earlier(1), _earlier(2, Fil="v2.docx"), _earlier(5)])

    assert report.ok, report.problems
    assert [c.text for c in report.changes] == [
        "Ändras: dokument 'POL-1' (tidigare versioner tillagda: 2)"
    ]
    assert [c.text for c in dry.changes] == [c.text for c in report.changes]
    added = document.versions.get(number=2)
    assert added.status == VersionStatus.SUPERSEDED
    assert added.valid_from == datetime.date(2012, 5, 2)
    assert added.superseded_on == datetime.date(2015, 5, 2)  # when version 5 applied
    assert added.adoption.historical_diarienummer == "KS 2012/40"
    assert added.files.get().extracted_text == "Sekretessklassning enligt 2015."
    # Nothing there was touched: the version in force stays, the others as they were.
    document.refresh_from_db()
    assert document.current_version == valid_before
    assert {
        v.pk: (v.status, v.superseded_on) for v in document.versions.exclude(pk=added.pk)
    } == untouched
    # In the register's history, found by its file's text among the versions.
    hits = search(DocumentVersion.objects.all(), "sekretessklassning", version_field="pk")
    assert list(hits) == [added]


def test_an_earlier_version_that_contradicts_the_one_there_is_refused(m):
    assert _import([kf_policy(m)], [_earlier(1)]).ok
    refused = _import([kf_policy(m)], [_earlier(1, Beslutsdatum="2011-01-01")])
    assert [str(p) for p in refused.problems] == [
        "Blad Tidigare versioner, rad 2, kolumn Version: version 1 importerades tidigare med "
        "en annan titel eller ett annat beslut"
    ]


REPEAL = {
    "Dokument": "POL-1",
    "Beslutande organ": "KF",
    "Beslutsdatum": "2024-06-10",
    "Paragraf": "§ 61",
    "Diarienummer": "KS 2024/17",
}


def test_a_repealed_document_is_imported_repealed_with_its_decision(m):
    policy = kf_policy(m, **{"Giltig till": "2024-06-09"})
    report = _import([policy], [_earlier(1)], [REPEAL])

    assert report.ok, report.problems
    assert [c.text for c in report.changes] == ["Läggs till: dokument 'POL-1' (upphävt 2024-06-10)"]
    document = Document.objects.get(import_key="POL-1")
    assert document.status == DocumentStatus.REPEALED
    assert document.repealed_on == datetime.date(2024, 6, 10)
    assert document.current_version.status == VersionStatus.REPEALED
    assert document.current_version.valid_until == datetime.date(2024, 6, 9)
    decision = repealing_decision(document)
    assert decision.kind == DecisionKind.REPEAL
    assert (decision.body.short_name, decision.paragraph) == ("KF", "§ 61")
    assert decision.historical_diarienummer == "KS 2024/17"
    # Searchable as the repealed document it is.
    assert list(search_documents("informationssäkerhet")) == [document]
    # The same file again changes nothing.
    again = _import([policy], [_earlier(1)], [REPEAL])
    assert again.ok and again.changes == []
    assert Decision.objects.filter(kind=DecisionKind.REPEAL).count() == 1


@pytest.mark.parametrize(
    "repeal, column, message",
    [
        (dict(REPEAL, Dokument="POL-9"), "Dokument", "dokument 'POL-9' finns inte"),
        (
            dict(REPEAL, Beslutsdatum="2099-01-01"),
            "Beslutsdatum",
            "beslutsdatumet ligger i framtiden",
        ),
        (
            dict(REPEAL, Beslutsdatum="2018-01-01"),
            "Beslutsdatum",
            "upphävandet är beslutat innan versionen det upphäver gäller",
        ),
    ],
)
def test_a_bad_repeal_is_refused_with_its_row(m, repeal, column, message):
    report = _import([kf_policy(m)], None, [repeal])
    assert f"Blad Upphävanden, rad 2, kolumn {column}: {message}" in [
        str(p) for p in report.problems
    ]
    assert not Document.objects.exists()


def test_a_document_in_force_here_is_not_repealed_by_import(m):
    assert _import([kf_policy(m)]).ok
    report = _import([kf_policy(m)], None, [REPEAL])
    assert [str(p) for p in report.problems] == [
        "Blad Upphävanden, rad 2, kolumn Dokument: dokumentet gäller här: det upphävs genom "
        "ett ärende, inte genom import"
    ]
    assert Document.objects.get().status == DocumentStatus.VALID


def test_a_document_in_force_may_not_name_an_ended_owner_but_a_repealed_one_may(m):
    owner = m.positions["kommunchef"]
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    refused = _import([kf_policy(m)])
    assert [str(p) for p in refused.problems] == [
        f"Blad Dokument, rad 2, kolumn Dokumentansvarig: '{owner.code}' är avslutad (inaktiv) "
        "i organisationen"
    ]
    repealed = _import([kf_policy(m, **{"Giltig till": "2024-06-09"})], None, [REPEAL])
    assert repealed.ok, repealed.problems
