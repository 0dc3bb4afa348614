# Written by hand: database triggers that refuse changing, deleting or emptying the audit
# trail (workflows.record_protection.AUDIT_RULES), on PostgreSQL and SQLite.

from django.db import migrations

from documents.protection import ProtectRecords


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0005_case_reader_grant'),
    ]

    operations = [
        ProtectRecords('workflows'),
    ]
