"""Indexes for the inbox: each route a task reaches a person by (owner, or routed to a
position, the authors or the registrars) is a seek to its open tasks.

Whole-table indexes, not partial ones for the open tasks: SQLite cannot prove a partial
index's condition from a query's bound parameters, and scans the table instead.

viewflow's Task is not our model, so the indexes are added to its table here with the
schema editor and left out of the migration state: makemigrations neither sees nor
drops them.
"""

from django.db import migrations, models

INDEXES = [
    models.Index(fields=["owner", "status"], name="workflows_task_owner_status"),
    models.Index(
        fields=["owner_permission", "owner_permission_obj_pk", "status", "owner"],
        name="workflows_task_route_status",
    ),
]


def add_indexes(apps, schema_editor):
    task = apps.get_model("viewflow", "Task")
    for index in INDEXES:
        schema_editor.add_index(task, index)


def remove_indexes(apps, schema_editor):
    task = apps.get_model("viewflow", "Task")
    for index in INDEXES:
        schema_editor.remove_index(task, index)


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0008_auditentry_moved_to_audit"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
