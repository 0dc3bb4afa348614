# Written by hand: database triggers that refuse rewriting or deleting official records
# (documents.protection.DOCUMENT_RULES), on PostgreSQL and SQLite.

from django.db import migrations

from documents.protection import ProtectRecords


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0013_version_in_scope_index'),
    ]

    operations = [
        ProtectRecords('documents'),
    ]
