# Written by hand: the audit trail's model moved to the audit app (audit.0001 takes it
# over). Only Django's picture of the models changes; the table workflows_auditentry, its
# rows and its insert-only triggers (0006) stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0007_auditentry_changes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditEntry')],
            database_operations=[],
        ),
    ]
