# Written by hand: on SQLite, each key of the history's FTS5 index carries its packed
# score, and the rows' days in force have an index of their own (issue 21, a prefix word's
# keys on a past date and among superseded versions).
#
# A prefix word's keys came from the index's vocabulary (0038), but each key's score was
# then read from the row's text with instr: most of the cost of 'rutin' on a past date at
# the default size (30 ms of CPU for 3,434 keys). The index's tokens are now the keys with
# their scores, "rutin_90001" for "rutin":90001 in the row's JSON (the view's text has each
# '":' replaced by '_', a token character for the tokenizer; terms hold letters and digits
# only, so the first '_' of a token ends its term), and the vocabulary gives the term and
# its score together: the row's text is not read (10 ms for the same keys). A word is
# asked for as a prefix of its keys ("rutin_"*, documents.search.history_index).
#
# The rows' days in force are read for the vocabulary's candidates, and SQLite stores them
# after each row's text, across its overflow pages: an index of (version, days) answers
# them alone (15 against 10 ms above). PostgreSQL keeps its text out of the row (TOAST),
# so it needs no such index: it is SQLite's only.
#
# Like 0037's triggers, this index goes with the table if Django ever rebuilds it on
# SQLite: such a migration must create it again.

import importlib

from django.db import migrations

KEYS_0037 = importlib.import_module("documents.migrations.0037_search_history_keys_on_sqlite")
TERMS_0038 = importlib.import_module("documents.migrations.0038_search_history_terms_on_sqlite")

TABLE = KEYS_0037.TABLE
KEYS = KEYS_0037.KEYS
DOCUMENTS = KEYS_0037.DOCUMENTS
TERMS = TERMS_0038.TERMS
DAYS = "documents_history_days"
TOKENIZE = KEYS_0037.TOKENIZE.replace("tokenchars '@'", "tokenchars '@_'")
assert TOKENIZE != KEYS_0037.TOKENIZE


def _document(row: str) -> str:
    """0037's indexed text of a history row, with each key's score joined to it by '_'."""
    text = KEYS_0037._document(row)
    plain = f"{row}.terms"
    assert text.startswith(plain)
    return f"replace({plain}, '\":', '_')" + text.removeprefix(plain)


def _make(schema_editor, document, tokenize: str) -> None:
    for statement in (
        f"DROP TABLE IF EXISTS {TERMS}",
        f"DROP TABLE IF EXISTS {KEYS}",
        f"DROP VIEW IF EXISTS {DOCUMENTS}",
        # 0037's triggers name the table and the view: they stay as they are.
        f"CREATE VIEW {DOCUMENTS} AS SELECT h.version_id AS version_id, "
        f"{document('h')} AS terms FROM {TABLE} h",
        f"CREATE VIRTUAL TABLE {KEYS} USING fts5(terms, content='{DOCUMENTS}', "
        f"content_rowid='version_id', detail=none, tokenize=\"{tokenize}\")",
        f"INSERT INTO {KEYS}({KEYS}) VALUES ('rebuild')",
        f"CREATE VIRTUAL TABLE {TERMS} USING fts5vocab({KEYS}, instance)",
    ):
        schema_editor.execute(statement)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    _make(schema_editor, _document, TOKENIZE)
    schema_editor.execute(
        f"CREATE INDEX {DAYS} ON {TABLE} (version_id, in_force_from, in_force_until)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {DAYS}")
    _make(schema_editor, KEYS_0037._document, KEYS_0037.TOKENIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0038_search_history_terms_on_sqlite"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
