# Written by hand: on SQLite, the terms of the history's FTS5 index as a table of (term,
# row) pairs (issue 21, a prefix word's keys on a past date and among superseded versions).
#
# A prefix word's keys were read by unpacking every key of every candidate row (json_each:
# about 85 keys per row, 300,000 for 'rutin' on a past date at the default size, ~20 ms).
# FTS5's own vocabulary table of kind 'instance' lists, for a range of terms, the rows that
# hold each one, read from the index in term order: the search keeps those among its
# candidates and reads each such key's score from the row's text with instr
# (documents.search.history_index). It stores nothing: a view of the index of migration
# 0037, so it follows the history table through that index's triggers.

from django.db import migrations

KEYS = "documents_history_keys"
TERMS = "documents_history_terms"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({KEYS}, instance)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP TABLE IF EXISTS {TERMS}")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0037_search_history_keys_on_sqlite"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
