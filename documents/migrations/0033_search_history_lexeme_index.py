# Written by hand: on PostgreSQL, an index of the terms each history row holds (issue 21,
# "a past date" and "superseded versions" under 50 ms).
#
# A search among versions that are not valid found its candidate SearchHistory rows by
# LIKE '%"rutin%' over the JSON text of every row (a scan of the whole table, 85 MB at the
# default size) and unpacked every key of each candidate. documents_history_lexemes(terms)
# is the row's keys as a tsvector (array_to_tsvector: each key a lexeme as it is, nothing
# parsed or stemmed), and a GIN index on it finds the rows with a term, a term's prefix
# ('samverk':*) or one of several terms (documents.search.history.candidates): 12 MB at
# the default size. It follows every insert, update and delete of the table by itself
# (publication, repeal, reindex_search, the register import). SQLite keeps the LIKE scan:
# nothing to do there.

from django.db import migrations

FUNCTION = "documents_history_lexemes"
INDEX = "documents_history_lexemes"
TABLE = "documents_searchhistory"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # IMMUTABLE: the index expression's requirement (its result depends on its argument
    # only). COST: reading a row's terms parses its JSON, so the planner should rather
    # read the index than compute it per row.
    schema_editor.execute(
        f"CREATE FUNCTION {FUNCTION}(terms text) RETURNS tsvector "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS "
        "$$ SELECT array_to_tsvector(ARRAY(SELECT json_object_keys(terms::json))) $$"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({FUNCTION}(terms))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0032_search_help_texts_name_the_analysis"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
