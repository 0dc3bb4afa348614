"""With ``STORAGE_BACKEND=s3`` every upload (a draft's file, the minutes extract, a registered
record) goes to the bucket, never to the server's disk, and comes back only through
Styrdok's permission-checked, audited downloads: no page, the admin included, links into
the bucket. A second file under a taken name never replaces the first.

The bucket is moto's in-process S3 (``mock_aws``); the storage settings are the ones
``config.shared`` gives a server from its environment.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from config import shared
from documents.models import Decision, VersionFile
from tests.desk_support import ks_policy
from tests.lifecycle import PDF_BYTES, days, minimal_pdf, pdf, run_until
from workflows.models import RegisteredRecord

BUCKET = "styrdok-kommun"


@pytest.fixture
def bucket(settings, monkeypatch, tmp_path):
    """Uploads go to a private bucket in moto's in-process S3; ``MEDIA_ROOT`` is watched."""
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-north-1")
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "default": shared.file_storage(
                "s3", {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "eu-north-1"}
            ),
        }
        yield s3


def keys(s3) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def is_private(s3, key: str) -> bool:
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return [g["Permission"] for g in grants] == ["FULL_CONTROL"] and not any(
        "URI" in g["Grantee"]
        for g in grants  # AllUsers, AuthenticatedUsers
    )


def no_local_files(tmp_path) -> bool:
    return not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*"))


def draft_case(town):
    author = town.desk("samordnare")
    case = author.start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    return author, case


def register_letter(town, case, name: str) -> RegisteredRecord:
    """The registrar registers an incoming letter with a PDF on the case."""
    response = town.desk("registrator").post(
        reverse("workflows:desk_record", args=[case.pk]),
        {
            "direction": "in",
            "record_date": days(-1).isoformat(),
            "counterpart": "Vision",
            "subject": "Yttrande",
            "upload": pdf(name),
        },
    )
    assert response.status_code == 302
    return RegisteredRecord.objects.get(case=case)


def test_a_drafts_file_is_stored_in_the_bucket_and_downloaded_through_the_case(
    town, bucket, tmp_path
):
    author, case = draft_case(town)
    content = minimal_pdf("Zebrastreck varje dag")
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
    assert author.attempt(case, "draft", action="save", upload=upload).status_code == 302

    stored = VersionFile.objects.get(version=case.version)
    assert keys(bucket) == [stored.file.name]
    assert is_private(bucket, stored.file.name)
    assert no_local_files(tmp_path)
    # The text was read for search from the upload, before it went to the bucket.
    assert "Zebrastreck" in stored.extracted_text

    url = reverse("workflows:case_file", args=[case.pk, stored.pk])
    download = author.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(case=case, action="file_downloaded").count() == 1
    # Someone who may not see the case gets nothing, from the bucket or elsewhere.
    assert town.desk("ekonom").get(url).status_code == 404
    page = author.get(reverse("workflows:case", args=[case.pk])).content.decode()
    assert BUCKET not in page and "amazonaws" not in page


def test_an_object_missing_from_the_bucket_is_not_found(town, bucket):
    author, case = draft_case(town)
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    author.attempt(case, "draft", action="save", upload=upload)
    stored = VersionFile.objects.get(version=case.version)
    bucket.delete_object(Bucket=BUCKET, Key=stored.file.name)

    response = author.get(reverse("workflows:case_file", args=[case.pk, stored.pk]))

    assert response.status_code == 404


def test_minutes_and_registered_records_go_to_the_bucket_too(town, bucket, tmp_path):
    case = ks_policy(town, until="decision")
    registrar = town.desk("registrator")
    record = register_letter(town, case, "yttrande.pdf")
    run_until(town, case, "registration")
    registrar.complete(
        case,
        "registration",
        minutes_extract=pdf("protokollsutdrag.pdf"),
        justering_date=days(0),
        anslag_date=days(0),
    )
    decision = Decision.objects.get(diary_entry=case.diary_entry)

    assert record.file.name in keys(bucket)
    assert decision.minutes_extract.name in keys(bucket)
    assert all(is_private(bucket, key) for key in keys(bucket))
    assert no_local_files(tmp_path)
    download = registrar.get(reverse("workflows:desk_record_file", args=[record.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_no_address_of_a_stored_file_leads_into_the_bucket(town, bucket, admin_client):
    case = ks_policy(town, until="decision")
    record = register_letter(town, case, "svar.pdf")

    url = record.file.url
    assert url.startswith("/_protected_media/")
    assert "Signature" not in url and BUCKET not in url
    # The admin shows the record read-only, with that address: nothing serves it.
    assert site.is_registered(RegisteredRecord)
    page = admin_client.get(reverse("admin:workflows_registeredrecord_change", args=[record.pk]))
    assert page.status_code == 200
    assert url in page.content.decode() and BUCKET not in page.content.decode()
    assert admin_client.get(url).status_code == 404


def test_a_second_file_under_a_taken_name_never_replaces_the_first(bucket):
    first = default_storage.save("minutes/2026/protokollsutdrag.pdf", ContentFile(b"%PDF-1 a"))
    second = default_storage.save("minutes/2026/protokollsutdrag.pdf", ContentFile(b"%PDF-1 b"))

    assert first != second
    with default_storage.open(first, "rb") as f:
        assert f.read() == b"%PDF-1 a"
    with default_storage.open(second, "rb") as f:
        assert f.read() == b"%PDF-1 b"
