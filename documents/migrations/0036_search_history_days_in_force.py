# Written by hand: a history row's days in force, and their months in its lexeme index
# (issue 21, "a past date" under 50 ms).
#
# A search on a past date read every history row holding the word (37,942 for 'rutin*' at
# the default size) and looked up each one's version to keep those in force on the day
# (3,598): most of its time. The row now carries the version's first and last day in force
# (copied when the row is written; a superseded or repealed version's dates never change
# again, see documents_protect_version_dates), and on PostgreSQL the GIN index's
# expression adds a lexeme per month in force ('@24299': December 2024; '@' for a row in
# force without an end), so a tsquery "terms & month" finds only the rows in force that
# month (documents.search.history.candidates); the dates decide the day.

from django.db import migrations, models

FUNCTION = "documents_history_lexemes"
INDEX = "documents_history_lexemes"
TABLE = "documents_searchhistory"
STATUSES = "'valid', 'superseded', 'repealed'"


def _in_force(vendor: str) -> tuple[str, str]:
    """documents.search.history.in_force_sql of the version ``v`` (as of this migration)."""
    before = "date(v.superseded_on, '-1 day')" if vendor == "sqlite" else "(v.superseded_on - 1)"
    shown = f"v.status IN ({STATUSES}) AND v.valid_from IS NOT NULL"
    last = (
        "CASE WHEN v.superseded_on IS NULL THEN v.valid_until "
        f"WHEN v.valid_until IS NOT NULL AND v.valid_until < {before} THEN v.valid_until "
        f"ELSE {before} END"
    )
    return f"CASE WHEN {shown} THEN v.valid_from END", f"CASE WHEN {shown} THEN {last} END"


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    first, last = _in_force(vendor)
    if vendor == "postgresql":
        # The index's expression changes: its function takes the days too.
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")
        # The rows written again after a TRUNCATE, not updated: an UPDATE of every row
        # leaves the table twice its size (175 MB at the default size) until a VACUUM FULL.
        schema_editor.execute(
            "CREATE TEMPORARY TABLE documents_history_days ON COMMIT DROP AS "
            f"SELECT h.version_id, h.terms, {first} AS in_force_from, {last} AS in_force_until "
            f"FROM {TABLE} h INNER JOIN documents_documentversion v ON v.id = h.version_id"
        )
        schema_editor.execute(f"TRUNCATE {TABLE}")
        # The foreign key checked at once, so the index can be made in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(
            f"INSERT INTO {TABLE} (version_id, terms, in_force_from, in_force_until) "
            "SELECT version_id, terms, in_force_from, in_force_until "
            "FROM documents_history_days ORDER BY version_id"
        )
        schema_editor.execute("DROP TABLE documents_history_days")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
        months = (
            "generate_series(CAST(extract(year FROM first) * 12 + extract(month FROM first) - 1 "
            "AS integer), CAST(extract(year FROM last) * 12 + extract(month FROM last) - 1 "
            "AS integer))"
        )
        # IMMUTABLE: the index expression's requirement (its result depends on its arguments
        # only); not STRICT: a row may have no days in force. COST as in 0033.
        schema_editor.execute(
            f"CREATE FUNCTION {FUNCTION}(terms text, first date, last date) RETURNS tsvector "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS "
            "$$ SELECT array_to_tsvector(ARRAY(SELECT json_object_keys(terms::json)) "
            f"|| ARRAY(SELECT '@' || m FROM {months} m) "
            "|| CASE WHEN first IS NOT NULL AND last IS NULL THEN ARRAY['@'] "
            "ELSE ARRAY[]::text[] END) $$"
        )
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON {TABLE} USING gin "
            f"({FUNCTION}(terms, in_force_from, in_force_until))"
        )
        return
    for column, value in (("in_force_from", first), ("in_force_until", last)):
        schema_editor.execute(
            f"UPDATE {TABLE} SET {column} = (SELECT {value} FROM documents_documentversion v "
            f"WHERE v.id = {TABLE}.version_id)"
        )


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text, date, date)")
    schema_editor.execute(
        f"CREATE FUNCTION {FUNCTION}(terms text) RETURNS tsvector "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS "
        "$$ SELECT array_to_tsvector(ARRAY(SELECT json_object_keys(terms::json))) $$"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({FUNCTION}(terms))")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0035_search_term_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchhistory",
            name="in_force_from",
            field=models.DateField(
                help_text="The version's first day in force (copied from its valid from date; empty for a version that was never in the register).",
                null=True,
                verbose_name="in force from",
            ),
        ),
        migrations.AddField(
            model_name="searchhistory",
            name="in_force_until",
            field=models.DateField(
                help_text="The version's last day in force: the day before it was superseded, or its valid until date if earlier (copied; empty for no end).",
                null=True,
                verbose_name="in force until",
            ),
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
