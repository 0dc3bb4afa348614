# Written by hand: the content type of the audit trail follows the model from workflows to
# audit, so that the permissions given on it (view_auditentry) and the admin's log keep
# pointing at it. On a new database there is nothing to move yet.

from django.db import migrations


def forwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not content_types.filter(app_label="audit", model="auditentry").exists():
        content_types.filter(app_label="workflows", model="auditentry").update(app_label="audit")


def backwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not content_types.filter(app_label="workflows", model="auditentry").exists():
        content_types.filter(app_label="audit", model="auditentry").update(app_label="workflows")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
