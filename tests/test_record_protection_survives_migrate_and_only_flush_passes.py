"""The database's protection of official records (``documents.protection``) is there after
every ``migrate``, also after a later migration that remakes a protected table (which on
SQLite drops the table's triggers), and the one way past it is emptying the whole database
with ``flush``: as a PostgreSQL superuser (the test suite's role) or on SQLite. The
application's role on PostgreSQL has no way past: not the flush, not switching triggers
off."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_pre_migrate_signal
from django.db import DatabaseError, IntegrityError, connection, models, transaction

from audit.models import AuditEntry
from documents.models import DocumentVersion, VersionFile
from documents.protection import TRUNCATE, all_rules, installed, protected_apps
from tests.factories import VersionFileFactory, document_with_history

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles are PostgreSQL's"
)


def expected() -> set[str]:
    return {
        rule.name
        for rule in all_rules()
        if connection.vendor == "postgresql" or rule.event != TRUNCATE
    }


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def assert_protected() -> None:
    """Every trigger is there, and a rewrite through each protected table is refused."""
    assert set(installed(connection)) == expected()
    version = DocumentVersion.objects.filter(status="valid").first()
    entry = AuditEntry.objects.first()
    for door, rule in [
        (lambda: DocumentVersion.objects.filter(pk=version.pk).update(title="X"), "version"),
        (lambda: VersionFile.objects.filter(version=version).update(size=1), "file"),
        (lambda: AuditEntry._base_manager.filter(pk=entry.pk).delete(), "audit"),
    ]:
        with pytest.raises(IntegrityError, match=f"_protect_{rule}"), transaction.atomic():
            door()


def records(tmp_path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    document = document_with_history(2)
    VersionFileFactory(version=document.current_version)
    AuditEntry.objects.create(action="case_started", target_label="KS 2026/1")


def test_after_migrate_every_rule_is_a_trigger(db, tmp_path, settings):
    records(tmp_path, settings)

    assert protected_apps(connection) == {"documents", "reading", "workflows"}
    assert_protected()


def _widened(model, name: str, max_length: int) -> tuple[models.Field, models.Field]:
    old = model._meta.get_field(name)
    new = models.CharField(max_length=max_length)
    new.set_attributes_from_name(name)
    new.model = model
    return old, new


@pytest.mark.django_db(transaction=True)
def test_a_later_migration_that_remakes_the_tables_keeps_the_protection(tmp_path, settings):
    """What ``migrate`` runs around a migration that widens a column of each table (on
    SQLite: a new table, a copy, a drop and a rename), then the same back."""
    records(tmp_path, settings)
    changes = [_widened(DocumentVersion, "title", 301), _widened(VersionFile, "original_name", 256)]

    for direction in (1, -1):
        emit_pre_migrate_signal(0, False, connection.alias)
        with connection.schema_editor() as editor:
            for model, (old, new) in zip((DocumentVersion, VersionFile), changes, strict=True):
                editor.alter_field(model, *((old, new) if direction == 1 else (new, old)))
        call_command("migrate", verbosity=0)  # nothing left to migrate: its post_migrate

        assert_protected()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_records_and_keeps_the_protection(tmp_path, settings):
    records(tmp_path, settings)

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEntry.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert set(installed(connection)) == expected()
    records(tmp_path, settings)
    assert_protected()


@postgres_only
def test_the_applications_role_has_no_way_past(db, tmp_path, settings):
    """As a role that may write every table but is neither superuser nor owner (as the
    application's role should be: docs/deployment.md)."""
    records(tmp_path, settings)
    entries = AuditEntry.objects.count()
    sql("SET LOCAL ROLE pg_write_all_data")
    try:
        for statement, refusal in [
            ("UPDATE workflows_auditentry SET comment = 'x'", "workflows_protect_audit_update"),
            ("DELETE FROM workflows_auditentry", "workflows_protect_audit_delete"),
            ("UPDATE documents_documentversion SET body = ''", "documents_protect_version_content"),
            ("SET LOCAL session_replication_role = replica", "permission denied"),
            ("ALTER TABLE workflows_auditentry DISABLE TRIGGER USER", "must be owner"),
            (
                "DROP TRIGGER workflows_protect_audit_delete ON workflows_auditentry",
                "must be owner",
            ),
        ]:
            with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
                sql(statement)
        with pytest.raises(CommandError, match="Only a PostgreSQL superuser may flush"):
            call_command("flush", interactive=False, verbosity=0)
    finally:
        sql("RESET ROLE")

    assert_protected()
    assert AuditEntry.objects.count() == entries
    assert not AuditEntry.objects.filter(comment="x").exists()
