# The audit trail's model, taken over from workflows (workflows.0008): only Django's picture
# of the models changes. The table workflows_auditentry was made by workflows.0001 and keeps
# its name, rows, index and insert-only triggers (workflows.0006).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('org', '0001_initial'),
        ('workflows', '0008_auditentry_moved_to_audit'),
        migrations.swappable_dependency(settings.STYRDOK_CASE_MODEL),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, help_text='When it happened.', verbose_name='time')),
                ('as_substitute', models.BooleanField(default=False, help_text='Whether the person acted as a substitute.', verbose_name='as substitute')),
                ('action', models.CharField(db_index=True, help_text='What was done, as a code.', max_length=60, verbose_name='action')),
                ('target_type', models.CharField(blank=True, help_text='Kind of object.', max_length=60, verbose_name='object type')),
                ('target_id', models.CharField(blank=True, db_index=True, help_text='Id of the object.', max_length=40, verbose_name='object id')),
                ('target_label', models.CharField(blank=True, help_text='The object as it was named then.', max_length=300, verbose_name='object')),
                ('from_state', models.CharField(blank=True, help_text='State before.', max_length=60, verbose_name='from')),
                ('to_state', models.CharField(blank=True, help_text='State after.', max_length=60, verbose_name='to')),
                ('comment', models.TextField(blank=True, help_text='Details in words.', verbose_name='comment')),
                ('ip_address', models.GenericIPAddressField(blank=True, help_text='Client address, for log-ins.', null=True, verbose_name='address')),
                ('changes', models.JSONField(blank=True, editable=False, help_text='What a change of a tracked object changed, field by field: {"field": [before, after]}; a related object as {"id": …, "name": …}, several as a list of them. Empty for other entries.', null=True, verbose_name='changes')),
                ('acting_as', models.ForeignKey(blank=True, help_text='The position the person acted in.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.position', verbose_name='acting as')),
                ('actor', models.ForeignKey(blank=True, help_text='Who did it; empty for the system.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('case', models.ForeignKey(blank=True, help_text='The case the entry belongs to, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to=settings.STYRDOK_CASE_MODEL, verbose_name='case')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit trail',
                'db_table': 'workflows_auditentry',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['target_type', 'target_id'], name='workflows_a_target__cacdaf_idx')],
            },
        ),
            ],
        ),
    ]
