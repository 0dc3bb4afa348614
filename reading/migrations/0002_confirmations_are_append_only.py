# Written by hand: database triggers that refuse changing, deleting or emptying read
# confirmations (reading.models.CONFIRMATION_RULES), on PostgreSQL and SQLite.

from django.db import migrations

from documents.protection import ProtectRecords


class Migration(migrations.Migration):

    dependencies = [
        ('reading', '0001_read_confirmations'),
    ]

    operations = [
        ProtectRecords('reading'),
    ]
