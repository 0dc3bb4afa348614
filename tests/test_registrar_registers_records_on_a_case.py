"""The registrar registers incoming and outgoing records (a union's written opinion, a
letter) on a case; they are numbered within the case, audited, checked like every upload,
and shown with every other record of the case on its page and in the diarium."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from tests.desk_support import ks_policy
from tests.lifecycle import days, english, pdf, today
from workflows import desk
from workflows.models import RegisteredRecord


def form_url(case):
    return reverse("workflows:desk_record", args=[case.pk])


def test_an_incoming_letter_with_a_file_is_registered_and_shown(town):
    case = ks_policy(town, until="decision")
    registrar = town.desk("registrator")

    response = registrar.post(
        form_url(case),
        {
            "direction": "in",
            "record_date": days(-1).isoformat(),
            "counterpart": "Vision, avdelning Ådalen",
            "subject": "Skriftligt yttrande över policyn",
            "upload": pdf("yttrande.pdf"),
        },
    )

    assert response.status_code == 302
    record = RegisteredRecord.objects.get(case=case)
    assert (record.sequence, record.direction, record.record_date) == (1, "in", days(-1))
    assert record.original_name == "yttrande.pdf" and record.file
    entry = AuditEntry.objects.get(case=case, action="record_registered")
    assert entry.actor == town.users["registrator"] and "Vision" in entry.comment
    page = registrar.get(reverse("workflows:case", args=[case.pk]))
    rows = page.context["records"]
    kinds = [(r.kind, r.direction_label) for r in rows]
    assert ("Draft", "Drawn up") in kinds
    assert ("Union position in samverkan", "Incoming") in kinds
    assert ("Samverkan minutes", "Drawn up") in kinds
    assert ("Decision proposal", "Drawn up") in kinds
    assert ("Minutes extract of a preparing body", "Drawn up") in kinds
    assert (f"Registered record {case.diarienummer}-1", "Incoming") in kinds
    letter = next(r for r in rows if r.kind.startswith("Registered"))
    assert letter.day == days(-1)
    download = registrar.get(letter.link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Served as an attachment that cannot run script, stored under a random name, and the
    # download of case material is in the audit trail.
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert "yttrande" not in record.file.name and record.file.name.endswith(".pdf")
    assert AuditEntry.objects.filter(
        case=case, action="file_downloaded", actor=town.users["registrator"]
    ).exists()


def test_an_outgoing_letter_gets_the_next_number(town):
    case = ks_policy(town)
    registrar = town.desk("registrator")
    for direction, who in (("in", "Kommunal"), ("out", "Vision")):
        assert (
            registrar.post(
                form_url(case),
                {
                    "direction": direction,
                    "record_date": today().isoformat(),
                    "counterpart": who,
                    "subject": "Brev",
                },
            ).status_code
            == 302
        )
    assert list(
        RegisteredRecord.objects.filter(case=case).values_list("sequence", "direction")
    ) == [(1, "in"), (2, "out")]
    with english():
        labels = [r.direction_label for r in desk.case_records(case) if r.kind.startswith("Reg")]
    assert labels == ["Incoming", "Outgoing"]


def test_bad_input_is_refused_and_kept(town):
    case = ks_policy(town)
    registrar = town.desk("registrator")
    base = {"direction": "out", "counterpart": "Vision", "subject": "Svar på yttrande"}

    future = registrar.post(form_url(case), {**base, "record_date": days(2).isoformat()})
    assert future.status_code == 400
    assert "The record's date cannot be in the future." in future.context["form"].non_field_errors()
    assert future.context["form"]["subject"].value() == "Svar på yttrande"

    blank = registrar.post(
        form_url(case), {**base, "counterpart": "  ", "record_date": today().isoformat()}
    )
    assert blank.status_code == 400

    fake = registrar.post(
        form_url(case),
        {
            **base,
            "record_date": today().isoformat(),
            "upload": SimpleUploadedFile("brev.pdf", b"not a pdf", content_type="application/pdf"),
        },
    )
    assert fake.status_code == 400
    assert (
        "The file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."
        in fake.context["form"].non_field_errors()
    )
    assert not RegisteredRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="record_registered").exists()


def test_others_cannot_download_a_records_file(town):
    case = ks_policy(town)
    town.desk("registrator").post(
        form_url(case),
        {
            "direction": "in",
            "record_date": today().isoformat(),
            "counterpart": "Medborgare",
            "subject": "Synpunkt",
            "upload": pdf("synpunkt.pdf"),
        },
    )
    record = RegisteredRecord.objects.get()
    url = reverse("workflows:desk_record_file", args=[record.pk])
    assert town.desk("ekonom").get(url).status_code == 404
