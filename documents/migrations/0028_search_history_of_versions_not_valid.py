# Written by hand around the generated operations: the index terms of versions that are not
# valid move to one SearchHistory row per version (issue 21, "the index at most 1 GB").
#
# Four fifths of SearchTerm's rows belong to superseded or repealed versions, read only by
# the searches among them or on a past date. Each such version's rows become one JSON object
# of its terms with their packed scores (per field, the count capped at 9 times the field's
# weight 10000 / 100 / 1, as SearchRank.score packs them; the search caps every count at 9),
# and SearchTerm keeps the valid versions' rows, so is_current goes, and with it the lookup
# index over every version (the covering index serves every search of SearchTerm now). On
# PostgreSQL the kept rows are written again into the emptied table (TRUNCATE), in key
# order, so the table and its key give their room back at once (a DELETE would leave it to
# a VACUUM FULL). The data is kept; ``manage.py reindex_search`` rebuilds it from the
# versions if ever needed.

import django.db.models.deletion
from django.db import migrations, models

TERMS = "documents_searchterm"
HISTORY = "documents_searchhistory"
WEIGHT = "CASE field WHEN 3 THEN 10000 WHEN 2 THEN 100 WHEN 1 THEN 1 END"


def to_history(apps, schema_editor):
    """The rows of versions that are not valid into one history row each; the rest kept."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    least, concat = ("LEAST", "string_agg") if postgresql else ("MIN", "group_concat")
    schema_editor.execute(
        f"INSERT INTO {HISTORY} (version_id, terms) "
        f"SELECT version_id, '{{' || {concat}('\"' || term || '\":' || CAST(packed AS TEXT), ',') "
        "|| '}' FROM ("
        f"SELECT version_id, term, SUM({least}(count, 9) * {WEIGHT}) AS packed FROM {TERMS} "
        "WHERE NOT is_current GROUP BY version_id, term) packed_terms GROUP BY version_id"
    )
    if not postgresql:
        schema_editor.execute(f"DELETE FROM {TERMS} WHERE NOT is_current")
        return
    schema_editor.execute(
        "CREATE TEMPORARY TABLE search_kept ON COMMIT DROP AS "
        f"SELECT version_id, field, count, is_current, term FROM {TERMS} WHERE is_current"
    )
    schema_editor.execute(f"TRUNCATE {TERMS}")
    schema_editor.execute(
        f"INSERT INTO {TERMS} (version_id, field, count, is_current, term) "
        "SELECT version_id, field, count, is_current, term FROM search_kept "
        "ORDER BY version_id, term, field"
    )
    schema_editor.execute("DROP TABLE search_kept")
    # The inserted rows' foreign keys checked now: the indexes below cannot be built over
    # a table with deferred checks pending.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def from_history(apps, schema_editor):
    """Back: every kept row is current, the history rows unpacked as rows that are not
    (with the capped counts they keep)."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    each = "json_each_text(h.terms::json) e" if postgresql else "json_each(h.terms) e"
    schema_editor.execute(f"UPDATE {TERMS} SET is_current = (1 = 1)")
    schema_editor.execute(
        f"INSERT INTO {TERMS} (version_id, field, count, is_current, term) "
        "SELECT version_id, field, shifted - shifted / 100 * 100, (1 = 0), term FROM ("
        "SELECT h.version_id AS version_id, f.field AS field, e.key AS term, "
        "CAST(e.value AS INTEGER) / CASE f.field WHEN 3 THEN 10000 WHEN 2 THEN 100 ELSE 1 END "
        f"AS shifted FROM {HISTORY} h CROSS JOIN {each} CROSS JOIN "
        "(SELECT 3 AS field UNION ALL SELECT 2 UNION ALL SELECT 1) f) unpacked "
        "WHERE shifted - shifted / 100 * 100 > 0"
    )
    schema_editor.execute(f"DELETE FROM {HISTORY}")
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0027_register_import_runs'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchHistory',
            fields=[
                ('version', models.OneToOneField(help_text='The version (not valid) whose terms these are.', on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_history', serialize=False, to='documents.documentversion', verbose_name='version')),
                ('terms', models.TextField(help_text="The version's index terms with their packed scores, as a JSON object without spaces (see documents.search.history).", verbose_name='terms')),
            ],
            options={
                'verbose_name': 'search history',
                'verbose_name_plural': 'search history',
            },
        ),
        migrations.RemoveIndex(
            model_name='searchterm',
            name='documents_searchterm_lookup',
        ),
        migrations.RemoveIndex(
            model_name='searchterm',
            name='documents_term_current_rows',
        ),
        migrations.RunPython(to_history, from_history),
        migrations.RemoveField(
            model_name='searchterm',
            name='is_current',
        ),
        migrations.AlterField(
            model_name='searchterm',
            name='version',
            field=models.ForeignKey(db_index=False, help_text='The valid document version the term occurs in.', on_delete=django.db.models.deletion.CASCADE, related_name='search_terms', to='documents.documentversion', verbose_name='version'),
        ),
        migrations.AddIndex(
            model_name='searchterm',
            index=models.Index(fields=['term', 'version', 'field', 'count'], name='documents_term_current_rows'),
        ),
    ]
