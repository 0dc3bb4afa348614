# Written by hand: on SQLite, a second FTS5 index of the history rows whose tokens are the
# keys with their packed scores, read through its vocabulary; and an index of the rows'
# days in force (issue 21, a prefix word's keys on a past date and among superseded
# versions).
#
# A prefix word's keys came from the vocabulary of 0037's index (0038), but each key's
# score was then read from the row's text with instr: most of the cost of 'rutin' on a
# past date at the default size (30 ms of CPU for 3,434 keys). In this index each key is
# one token with its score, "rutin_90001" for "rutin":90001 in the row's JSON (the view's
# text has each '":' replaced by '_', a token character for its tokenizer; terms hold
# letters and digits only, so the first '_' of a token ends its term), and its vocabulary
# (documents_history_terms, now of this index) gives the term and its score together:
# the row's text is not read. 0037's index stays as it is for finding rows: there a word
# is one token, where here it is one per score (a lookup of 'rutin' would merge some
# hundred lists: 86 against 15 million instructions).
#
# The rows' days in force are read for the vocabulary's candidates, and SQLite stores them
# after each row's text, across its overflow pages: an index of (version, days) answers
# them alone. PostgreSQL keeps its text out of the row (TOAST), so it needs no such index:
# it is SQLite's only.
#
# Like 0037's triggers, these triggers and this index go with the table if Django ever
# rebuilds it on SQLite: such a migration must create them again.

import importlib

from django.db import migrations

KEYS_0037 = importlib.import_module("documents.migrations.0037_search_history_keys_on_sqlite")
TERMS_0038 = importlib.import_module("documents.migrations.0038_search_history_terms_on_sqlite")

TABLE = KEYS_0037.TABLE
KEYS = KEYS_0037.KEYS
TERMS = TERMS_0038.TERMS
SCORES = "documents_history_scores"
SCORED = "documents_history_scored"
DAYS = "documents_history_days"
TOKENIZE = KEYS_0037.TOKENIZE.replace("tokenchars '@'", "tokenchars '_'")
assert TOKENIZE != KEYS_0037.TOKENIZE


# Only a row's text changes its tokens here (its days are not in this index).
TRIGGERS = KEYS_0037.triggers(SCORES, SCORED, update="UPDATE OF version_id, terms")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        f"DROP TABLE IF EXISTS {TERMS}",
        f"CREATE VIEW {SCORED} AS SELECT h.version_id AS version_id, "
        f"replace(h.terms, '\":', '_') AS terms FROM {TABLE} h",
        f"CREATE VIRTUAL TABLE {SCORES} USING fts5(terms, content='{SCORED}', "
        f"content_rowid='version_id', detail=none, tokenize=\"{TOKENIZE}\")",
        *(f"CREATE TRIGGER {SCORES}_{name} {body}" for name, body in TRIGGERS.items()),
        f"INSERT INTO {SCORES}({SCORES}) VALUES ('rebuild')",
        f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({SCORES}, instance)",
        f"CREATE INDEX {DAYS} ON {TABLE} (version_id, in_force_from, in_force_until)",
    ):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        f"DROP INDEX IF EXISTS {DAYS}",
        f"DROP TABLE IF EXISTS {TERMS}",
        *(f"DROP TRIGGER IF EXISTS {SCORES}_{name}" for name in TRIGGERS),
        f"DROP TABLE IF EXISTS {SCORES}",
        f"DROP VIEW IF EXISTS {SCORED}",
        f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({KEYS}, instance)",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0038_search_history_terms_on_sqlite"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
