"""The database itself refuses to rewrite or destroy official records, whatever the door:
the ORM's base manager, ``QuerySet._raw_delete``, ``save()`` and ``update()`` outside any
case, raw SQL. The audit trail is insert-only; an adopted version's content is fixed and
its status and dates move only as publication, supersession and repeal move them; the
files of an adopted version are fixed; adopted documents and versions, decisions and diary
entries are never deleted (arkivlagen). What the lifecycle does still works.

Each refusal runs in its own savepoint, so the test's database stays usable (PostgreSQL
aborts a transaction on an error)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from audit.models import AuditEntry
from documents.models import (
    ArchivalCopy,
    ArchivalFailure,
    Decision,
    DiaryEntry,
    Document,
    DocumentVersion,
    VersionFile,
    VersionStatus,
)
from documents.protection import ADOPTED_STATUSES
from documents.services import publish_version, repeal_document
from tests.factories import (
    DecisionFactory,
    DocumentVersionFactory,
    PositionFactory,
    PublishedVersionFactory,
    UserFactory,
    VersionFileFactory,
    document_with_history,
)

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's"
)


def refused(rule: str, door) -> None:
    """``door()`` fails in the database with an error naming ``rule``."""
    with pytest.raises(IntegrityError, match=rule), transaction.atomic():
        door()


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or None)


def truncate(tables: str) -> None:
    # The test's transaction has deferred foreign-key checks pending, which PostgreSQL
    # refuses to truncate past before any trigger runs: check them now.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    sql(f"TRUNCATE {tables}")


@pytest.fixture
def history(settings, tmp_path):
    """A document adopted twice: version 1 superseded, version 2 valid, each with its
    decision, diary entry and a file; and an entry of the audit trail."""
    settings.MEDIA_ROOT = str(tmp_path)
    document = document_with_history(2)
    superseded, valid = document.versions.order_by("number")
    for version in (superseded, valid):
        VersionFileFactory(version=version)
    entry = AuditEntry.objects.create(action="case_started", target_label="KS 2026/1")
    return document, superseded, valid, entry


# --- The audit trail ---------------------------------------------------------------------

AUDIT_DOORS = {
    "raw SQL UPDATE": lambda e: sql(
        "UPDATE workflows_auditentry SET comment = 'efterhand' WHERE id = %s", e.pk
    ),
    "raw SQL UPDATE of every entry": lambda e: sql("UPDATE workflows_auditentry SET action = 'x'"),
    "base manager update": lambda e: AuditEntry._base_manager.filter(pk=e.pk).update(
        comment="efterhand"
    ),
    "raw SQL DELETE": lambda e: sql("DELETE FROM workflows_auditentry WHERE id = %s", e.pk),
    # SQLite's way of emptying a table (what Django's flush runs there)
    "raw SQL DELETE of every entry": lambda e: sql("DELETE FROM workflows_auditentry"),
    "base manager delete": lambda e: AuditEntry._base_manager.filter(pk=e.pk).delete(),
    "_raw_delete": lambda e: AuditEntry._base_manager.filter(pk=e.pk)._raw_delete(connection.alias),
}


@pytest.mark.parametrize("door", AUDIT_DOORS, ids=list(AUDIT_DOORS))
def test_no_door_changes_or_deletes_an_audit_entry(history, door):
    entry = history[3]
    rule = "workflows_protect_audit_(update|delete)"

    refused(rule, lambda: AUDIT_DOORS[door](entry))

    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.action, kept.comment) == ("case_started", "")


def test_an_entry_is_not_replaced_by_an_insert(history):
    """An upsert updates the row it meets (the update is refused); SQLite's REPLACE
    deletes it first (refused too: its delete triggers run, as recursive_triggers is on)."""
    entry = history[3]
    columns = "(id, at, action, target_type, target_id, target_label, from_state, to_state, comment, as_substitute)"  # fmt: skip
    values = "VALUES (%s, CURRENT_TIMESTAMP, 'x', '', '', '', '', '', '', %s)"

    refused(
        "workflows_protect_audit_update",
        lambda: sql(
            f"INSERT INTO workflows_auditentry {columns} {values} "
            "ON CONFLICT (id) DO UPDATE SET action = 'x'",
            entry.pk,
            False,
        ),
    )
    if connection.vendor == "sqlite":
        refused(
            "workflows_protect_audit_delete",
            lambda: sql(
                f"INSERT OR REPLACE INTO workflows_auditentry {columns} {values}", entry.pk, False
            ),  # fmt: skip
        )
        # A conflict on another unique key: the diary entry holding the number would go.
        number = history[2].diary_entry
        refused(
            "documents_protect_diary_delete",
            lambda: sql(
                "INSERT OR REPLACE INTO documents_diaryentry "
                "(series_id, year, number, title, registered_at) "
                "VALUES (%s, %s, %s, 'Ersatt', CURRENT_TIMESTAMP)",
                number.series_id,
                number.year,
                number.number,
            ),
        )
    assert AuditEntry.objects.get(pk=entry.pk).action == "case_started"


@postgres_only
def test_the_audit_trail_cannot_be_truncated(history):
    refused("workflows_protect_audit_truncate", lambda: truncate("workflows_auditentry"))
    refused(
        "workflows_protect_audit_truncate",
        lambda: truncate("workflows_auditentry RESTART IDENTITY CASCADE"),
    )
    assert AuditEntry.objects.filter(pk=history[3].pk).exists()


def test_entries_are_still_appended(history):
    before = AuditEntry.objects.count()

    AuditEntry.objects.create(action="case_closed", target_label="KS 2026/1")
    sql("INSERT INTO workflows_auditentry (at, action, target_type, target_id, target_label, "
        "from_state, to_state, comment, as_substitute) VALUES "
        "(CURRENT_TIMESTAMP, 'login', '', '', 'x', '', '', '', %s)", False)  # fmt: skip

    assert AuditEntry.objects.count() == before + 2


# --- An adopted version's content ---------------------------------------------------------


def _saved(version: DocumentVersion, **changes) -> None:
    for name, value in changes.items():
        setattr(version, name, value)
    version.save()


def _updated(version: DocumentVersion, **changes) -> None:
    DocumentVersion.objects.filter(pk=version.pk).update(**changes)


CONTENT_DOORS = {
    "save() of the title": lambda v: _saved(v, title="Omskriven titel"),
    "save() of the text": lambda v: _saved(v, body="<p>Omskriven text.</p>"),
    "save(update_fields) of the text": lambda v: (
        setattr(v, "body", "<p>Omskriven text.</p>"),
        v.save(update_fields=["body"]),
    ),
    "update() of the title": lambda v: _updated(v, title="X"),
    "update() of the text": lambda v: _updated(v, body="<p/>"),
    "update() of the number": lambda v: _updated(v, number=7),
    "update() of the author": lambda v: _updated(v, created_by=UserFactory()),
    "update() of the creation time": lambda v: _updated(
        v, created_at=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    ),
    "update() of the adoption decision": lambda v: _updated(
        v, adoption=DecisionFactory(document=v.document)
    ),
    "update() of the diarienummer": lambda v: _updated(v, diary_entry=None),
    "raw SQL UPDATE": lambda v: sql(
        "UPDATE documents_documentversion SET title = 'X', body = '' WHERE id = %s", v.pk
    ),
}


@pytest.mark.parametrize("which", ["superseded", "valid"])
@pytest.mark.parametrize("door", CONTENT_DOORS, ids=list(CONTENT_DOORS))
def test_an_adopted_versions_content_cannot_change(history, which, door):
    """Superseded or valid, outside any case: the text, the title and what identifies the
    version and its decision are fixed."""
    _document, superseded, valid, _entry = history
    version = superseded if which == "superseded" else valid
    before = DocumentVersion.objects.values().get(pk=version.pk)

    refused("documents_protect_version_content", lambda: CONTENT_DOORS[door](version))

    assert DocumentVersion.objects.values().get(pk=version.pk) == before


@pytest.mark.parametrize(
    "start, to",
    [
        ("valid", "draft"),
        ("valid", "adopted"),
        ("valid", "rejected"),
        ("superseded", "valid"),
        ("superseded", "draft"),
        ("repealed", "valid"),
    ],
)
def test_an_adopted_version_never_moves_back(history, start, to):
    _document, superseded, valid, _entry = history
    version = superseded if start == "superseded" else valid
    if start == "repealed":
        repeal_document(valid.document, DecisionFactory(document=valid.document))
        version.refresh_from_db()
    assert version.status == start

    refused(
        "documents_protect_version_status",
        lambda: DocumentVersion.objects.filter(pk=version.pk).update(status=to),
    )


def test_an_adopted_version_goes_back_to_draft_by_no_door():
    version = PublishedVersionFactory(publish=False)
    assert version.status == VersionStatus.ADOPTED

    version.status = VersionStatus.DRAFT
    refused("documents_protect_version_status", version.save)


@pytest.mark.parametrize(
    "which, column, value",
    [
        ("valid", "valid_from", datetime.date(2030, 1, 1)),
        ("valid", "valid_until", datetime.date(2030, 1, 1)),
        ("valid", "superseded_on", datetime.date(2030, 1, 1)),
        ("superseded", "valid_from", datetime.date(2030, 1, 1)),
        ("superseded", "valid_until", datetime.date(2030, 1, 1)),
        ("superseded", "superseded_on", datetime.date(2030, 1, 1)),
        ("superseded", "next_review", datetime.date(2030, 1, 1)),
        ("superseded", "replaces", None),
    ],
)
def test_an_adopted_versions_decided_dates_are_fixed(history, which, column, value):
    _document, superseded, valid, _entry = history
    version = superseded if which == "superseded" else valid
    if column == "replaces":
        value = valid

    refused(
        "documents_protect_version_dates",
        lambda: DocumentVersion.objects.filter(pk=version.pk).update(**{column: value}),
    )


def test_an_adopted_versions_files_cannot_change_or_go(history):
    _document, superseded, valid, _entry = history
    for version in (superseded, valid):
        stored = VersionFile.objects.get(version=version)

        stored.original_name = "Annan.pdf"
        refused("documents_protect_file_update", stored.save)
        refused(
            "documents_protect_file_update",
            lambda s=stored: VersionFile.objects.filter(pk=s.pk).update(extracted_text="x"),
        )
        refused("documents_protect_file_delete", stored.delete)
        refused(
            "documents_protect_file_delete",
            lambda s=stored: sql("DELETE FROM documents_versionfile WHERE id = %s", s.pk),
        )
    draft = DocumentVersionFactory()
    refused(
        "documents_protect_file_update",
        lambda: VersionFile.objects.filter(version=valid).update(version=draft),
    )
    assert VersionFile.objects.filter(version__in=[superseded, valid]).count() == 2


# --- Nothing adopted is deleted -------------------------------------------------------------


def deletions(obj: models.Model) -> dict:
    model = type(obj)
    table = model._meta.db_table
    return {
        "ORM delete": obj.delete,
        "base manager delete": lambda: model._base_manager.filter(pk=obj.pk).delete(),
        "_raw_delete": lambda: model._base_manager.filter(pk=obj.pk)._raw_delete(connection.alias),
        "raw SQL DELETE": lambda: sql(f"DELETE FROM {table} WHERE id = %s", obj.pk),
        "raw SQL DELETE of every row": lambda: sql(f"DELETE FROM {table}"),
    }


RECORDS = {
    "superseded version": ("documents_protect_version_delete", lambda h: h[1]),
    "valid version": ("documents_protect_version_delete", lambda h: h[2]),
    "valid document": ("documents_protect_document_delete", lambda h: h[0]),
    "decision": ("documents_protect_decision_delete", lambda h: h[2].adoption),
    "diary entry": ("documents_protect_diary_delete", lambda h: h[2].diary_entry),
}


@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize(
    "door",
    [
        "ORM delete",
        "base manager delete",
        "_raw_delete",
        "raw SQL DELETE",
        "raw SQL DELETE of every row",
    ],
)
def test_nothing_adopted_is_deleted(history, record, door):
    rule, pick = RECORDS[record]
    obj = pick(history)

    # The ORM's own refusal (PROTECT) comes first where it applies; the database refuses
    # whatever passes it.
    with pytest.raises((IntegrityError, models.ProtectedError)), transaction.atomic():
        deletions(obj)[door]()
    if door in ("_raw_delete", "raw SQL DELETE"):
        refused(rule, deletions(obj)[door])

    assert type(obj)._base_manager.filter(pk=obj.pk).exists()


def test_a_repealed_document_is_not_deleted(history):
    document, _superseded, valid, _entry = history
    repeal_document(document, DecisionFactory(document=document))

    refused(
        "documents_protect_document_delete",
        lambda: sql("DELETE FROM documents_document WHERE id = %s", document.pk),
    )


@postgres_only
@pytest.mark.parametrize(
    "table, rule",
    [
        ("documents_documentversion", "documents_protect_version_truncate"),
        ("documents_versionfile", "documents_protect_file_truncate"),
        ("documents_document", "documents_protect_document_truncate"),
        ("documents_decision", "documents_protect_decision_truncate"),
        ("documents_diaryentry", "documents_protect_diary_truncate"),
        # Cascading from a table the records refer to reaches them (whichever first).
        ("org_unit", r"_protect_\w+_truncate"),
    ],
)
def test_no_record_table_is_truncated(history, table, rule):
    refused(rule, lambda: truncate(f"{table} CASCADE"))


def test_deleting_what_a_record_names_is_refused_before_the_database(town, admin_client):
    """A document, a case, a person or a position named by a record: the ORM refuses
    (PROTECT), and the admin says why; nothing cascades into the records."""
    case = town.desk("utvecklare").start_document(
        document_type=town.types["riktlinje"],
        title="Riktlinje för distansarbete",
        scope_unit=town.units["sector"],
        owner_position=town.positions["utvecklare"],
    )
    author = case.started_by

    for obj in (case.document, case, author, town.positions["utvecklare"], case.diary_entry):
        with pytest.raises(models.ProtectedError), transaction.atomic():
            obj.delete()
    page = admin_client.post(f"/admin/auth/user/{author.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert type(author).objects.filter(pk=author.pk).exists()
    assert AuditEntry.objects.filter(case=case).exists()


def test_every_key_of_a_record_protects_it():
    """No key of a record cascades or nulls it when what it names goes (a copied key with
    no constraint does nothing)."""
    allowed = {models.PROTECT, models.DO_NOTHING}
    for model in (AuditEntry, Document, DocumentVersion, VersionFile, Decision, DiaryEntry):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one):
                on_delete = field.remote_field.on_delete
                assert on_delete in allowed, f"{model.__name__}.{field.name}: {on_delete}"
                if on_delete is models.DO_NOTHING:
                    assert not field.db_constraint, f"{model.__name__}.{field.name}"


# --- What the lifecycle does still works ---------------------------------------------------


A_DAY = datetime.date(2026, 6, 1)


def test_publication_supersession_and_repeal_move_the_statuses_and_dates(history):
    document, _superseded, valid, _entry = history
    newer = PublishedVersionFactory(
        document=document, number=3, publish=False, valid_from=datetime.date(2024, 1, 1)
    )

    publish_version(newer)
    valid.refresh_from_db()
    newer.refresh_from_db()
    assert (valid.status, valid.superseded_on) == ("superseded", datetime.date(2024, 1, 1))
    assert newer.status == "valid" and newer.next_review and newer.replaces == valid

    repeal_document(document, DecisionFactory(document=document, decision_date=A_DAY))
    newer.refresh_from_db()
    assert (newer.status, newer.valid_until) == ("repealed", A_DAY - datetime.timedelta(days=1))


def test_copied_and_derived_columns_still_follow_their_source(history):
    document, superseded, valid, _entry = history
    owner = PositionFactory(unit=document.scope_unit)

    document.is_public = False
    document.owner_position = owner
    document.save()
    # Derived again (as migration 0012 and the generator derive it).
    DocumentVersion.objects.bulk_update(
        [DocumentVersion(pk=superseded.pk, plain_text="Text i version 1.")], ["plain_text"]
    )
    valid.next_review = datetime.date(2031, 1, 1)
    valid.save(update_fields=["next_review"])
    call_command("reindex_search", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    copies = set(
        DocumentVersion.objects.filter(document=document).values_list("is_public", "owner_position")
    )
    assert copies == {(False, owner.pk)}
    valid.refresh_from_db()
    assert valid.next_review == datetime.date(2031, 1, 1)


def test_drafts_stay_free(history, settings, tmp_path):
    """A draft is case material, not a record yet: its authors rewrite it, files come and
    go in tests, and a draft never adopted may be deleted."""
    settings.MEDIA_ROOT = str(tmp_path)
    draft = DocumentVersionFactory(document=history[0], number=3)
    stored = VersionFileFactory(version=draft)

    draft.title = "Nytt utkast"
    draft.body = "<p>Ny text.</p>"
    draft.save()
    stored.original_name = "Ny.pdf"
    stored.save()
    stored.delete()
    DocumentVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.REJECTED)
    DocumentVersion.objects.filter(pk=draft.pk).delete()

    assert not DocumentVersion.objects.filter(pk=draft.pk).exists()


def test_every_status_is_either_adopted_or_case_material():
    """A new status must be placed: protected as adopted, or free as a draft is."""
    assert set(ADOPTED_STATUSES) | {"draft", "rejected"} == set(VersionStatus.values)


# --- Archival copies (PDF/A) ---------------------------------------------------------------


@pytest.fixture
def archival_copy(history):
    from documents.pdfa import archival_pdf

    version = DocumentVersion.objects.filter(status="valid").first()
    archival_pdf(version)
    return ArchivalCopy.objects.get(version=version, source_file__isnull=True)


@pytest.mark.parametrize(
    "door",
    [
        lambda c: ArchivalCopy.objects.filter(pk=c.pk).update(sha256="0" * 64),
        lambda c: sql("UPDATE documents_archivalcopy SET note = 'x' WHERE id = %s", c.pk),
    ],
    ids=["orm", "sql"],
)
def test_an_archival_copy_is_never_changed(archival_copy, door):
    refused("documents_protect_archival_update", lambda: door(archival_copy))


def test_an_archival_copy_holding_a_file_is_never_deleted(archival_copy):
    refused(
        "documents_protect_archival_delete",
        lambda: sql("DELETE FROM documents_archivalcopy WHERE id = %s", archival_copy.pk),
    )


def test_a_copy_that_holds_no_file_may_be_replaced(history):
    """An upload tried when no converter was installed is tried again later: its empty
    row is replaced (documents.pdfa)."""
    upload = VersionFile.objects.filter(version__status="valid").first()
    empty = ArchivalCopy.objects.create(
        version=upload.version, source_file=upload, failure=ArchivalFailure.NO_CONVERTER
    )
    ArchivalCopy.objects.filter(pk=empty.pk).delete()
    assert not ArchivalCopy.objects.filter(pk=empty.pk).exists()


@postgres_only
def test_the_archival_copies_are_not_truncated(archival_copy):
    refused("documents_protect_archival_truncate", lambda: truncate("documents_archivalcopy"))
