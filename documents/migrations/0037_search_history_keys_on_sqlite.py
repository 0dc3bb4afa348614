# Written by hand: on SQLite, an index of each history row's keys and months in force
# (issue 21, the searches among versions no longer valid and on a past date).
#
# PostgreSQL finds the history rows holding a word, and in force in a month, through a GIN
# index of their keys and months (0033, 0036). SQLite had none: it read every row's text
# with LIKE, 75,000 rows and 78 MB of text at the default size (a rare word among
# superseded versions: 182 ms at p95), and looked up each candidate's dates (a past date).
# An FTS5 table is SQLite's own inverted index: each row's keys and scores are its tokens
# (letters and digits; the JSON's quotes, braces, colons and commas separate them), and
# its months in force are tokens as on PostgreSQL ('@24299' for December 2024, '@' for a
# row in force without an end; documents.search.history.month_lexeme). A search looks up
# words ("rutin"), prefixes ("samverk"*) and the day's month. The table keeps no copy of
# the text and no positions (detail=none): about 10 MB at the default size. Its content is
# a view of the history table (documents_history_documents: each row's terms and month
# tokens), so the indexed text is defined once; triggers keep the index in step with
# every write of the history table, as PostgreSQL's expression index follows the table by
# itself (a row's tokens are removed before it changes, with the text they were added
# with), 'rebuild' fills it again from the view, and 'integrity-check' compares the two.
#
# The tokenizer keeps diacritics (för is not for) and counts every letter, digit, mark,
# symbol, not yet assigned character and '@' as part of a token, so that each term
# (letters and digits, documents.search.analysis) is one token on both sides; its case
# folding and any other difference can only widen the candidates, which the searches' own
# conditions then decide (documents.search.history).
#
# A later migration that rebuilds documents_searchhistory on SQLite (Django copies a table
# to alter a column) drops these triggers with it: it must create them again.

from django.db import migrations

TABLE = "documents_searchhistory"
KEYS = "documents_history_keys"
DOCUMENTS = "documents_history_documents"
# A row in force longer than this many months is indexed as if without an end.
MAX_MONTHS = 1200
TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co Cn M* S*' tokenchars '@'"


def _month(column: str) -> str:
    """A date's month as months since year 0 (month_lexeme's number)."""
    return (
        f"(CAST(substr({column}, 1, 4) AS INTEGER) * 12 "
        f"+ CAST(substr({column}, 6, 2) AS INTEGER) - 1)"
    )


def _document(row: str) -> str:
    """The indexed text of a history row (a table alias): its terms' JSON, then a token per
    month from its first to its last day in force, or '@' for no last day (or a last day
    more than ``MAX_MONTHS`` after the first: a candidate on every day, the row's dates
    decide)."""
    first, last = f"{row}.in_force_from", f"{row}.in_force_until"
    span = f"{_month(last)} - {_month(first)}"
    months = (
        f"(WITH RECURSIVE m(n, last) AS (SELECT {_month(first)}, {_month(last)} "
        f"WHERE {first} IS NOT NULL AND {last} IS NOT NULL "
        f"AND {span} BETWEEN 0 AND {MAX_MONTHS} "
        "UNION ALL SELECT n + 1, last FROM m WHERE n < last) "
        "SELECT group_concat('@' || n, ' ') FROM m)"
    )
    no_end = (
        f"CASE WHEN {first} IS NOT NULL AND ({last} IS NULL OR {span} > {MAX_MONTHS}) "
        "THEN ' @' ELSE '' END"
    )
    return f"{row}.terms || ' ' || COALESCE({months}, '') || {no_end}"


def triggers(keys: str, documents: str, update: str = "UPDATE") -> dict[str, str]:
    """The triggers that keep the FTS5 table ``keys`` in step with the history table, its
    content the view ``documents`` (also migration 0039's); ``update``: the updates that
    change a row's text."""

    def indexed(row: str) -> str:
        # The view's row of a history row (``new`` or ``old``): its id and text.
        return f"SELECT version_id, terms FROM {documents} WHERE version_id = {row}.version_id"

    add = f"INSERT INTO {keys}(rowid, terms) "
    remove = f"INSERT INTO {keys}({keys}, rowid, terms) SELECT 'delete', d.version_id, d.terms FROM "
    return {
        "ai": f"AFTER INSERT ON {TABLE} BEGIN {add}{indexed('new')}; END",
        "bd": f"BEFORE DELETE ON {TABLE} BEGIN {remove}({indexed('old')}) d; END",
        "bu": f"BEFORE {update} ON {TABLE} BEGIN {remove}({indexed('old')}) d; END",
        "au": f"AFTER {update} ON {TABLE} BEGIN {add}{indexed('new')}; END",
    }


TRIGGERS = triggers(KEYS, DOCUMENTS)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        if not cursor.fetchone()[0]:
            raise RuntimeError(
                "Styrdok's search needs SQLite with its full-text module FTS5, which this "
                "Python's sqlite3 lacks. Use a Python built with a current SQLite (the "
                "python.org, Debian, Ubuntu, Fedora and Homebrew builds have it) or PostgreSQL."
            )
    schema_editor.execute(
        f"CREATE VIEW {DOCUMENTS} AS SELECT h.version_id AS version_id, "
        f"{_document('h')} AS terms FROM {TABLE} h"
    )
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {KEYS} USING fts5(terms, content='{DOCUMENTS}', "
        f"content_rowid='version_id', detail=none, tokenize=\"{TOKENIZE}\")"
    )
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {KEYS}_{name} {body}")
    schema_editor.execute(f"INSERT INTO {KEYS}({KEYS}) VALUES ('rebuild')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {KEYS}_{name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {KEYS}")
    schema_editor.execute(f"DROP VIEW IF EXISTS {DOCUMENTS}")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0036_search_history_days_in_force"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
