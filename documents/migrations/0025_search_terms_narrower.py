# Written by hand: the search index's rows narrower (issue 21, "the index at most 1 GB").
#
# SearchTerm loses its id (the key is now (version, term, field), which was a unique
# constraint beside the id's own index) and its copied document column; its count becomes a
# small integer and the columns are ordered so that PostgreSQL pads nothing between them; the
# lookup index is the term alone (deduplicated by PostgreSQL) and the partial index of valid versions no longer repeats
# is_current. Django cannot turn an id key into a composite one in place, so the rows move to
# a new table, in key order, and the indexes are built after the copy (packed full). The data
# is kept; ``manage.py reindex_search`` rebuilds it from the versions if ever needed.

import django.db.models.deletion
from django.db import migrations, models

OLD = "documents_searchtermold"
NEW = "documents_searchterm"
COUNT_MAX = 32767


def term_collation_c(apps, schema_editor):
    """On PostgreSQL compare terms by code point, as SQLite does (as migration 0002 did)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE {NEW} ALTER COLUMN term TYPE varchar(64) COLLATE "C"')


def copy_rows(apps, schema_editor):
    """The old rows into the new table, in key order (the key's index fills page by page)."""
    least = "MIN" if schema_editor.connection.vendor == "sqlite" else "LEAST"
    schema_editor.execute(
        f"INSERT INTO {NEW} (version_id, field, count, is_current, term) "
        f"SELECT version_id, field, {least}(count, {COUNT_MAX}), is_current, term FROM {OLD} "
        "ORDER BY version_id, term, field"
    )


def plain_names(apps, schema_editor):
    """PostgreSQL: the new table's key and checks get the names a fresh table has (the old
    table held them until it was dropped; after a reverse migration it did not)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [NEW])
        names = {row[0] for row in cursor.fetchall()}
    for name in ("pkey", "count_check", "field_check"):
        if f"{NEW}_{name}1" in names and f"{NEW}_{name}" not in names:
            schema_editor.execute(
                f"ALTER TABLE {NEW} RENAME CONSTRAINT {NEW}_{name}1 TO {NEW}_{name}"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0024_version_keeps_its_reading_rule"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="searchterm", name="documents_searchterm_unique"),
        migrations.RemoveIndex(model_name="searchterm", name="documents_searchterm_lookup"),
        migrations.RemoveIndex(model_name="searchterm", name="documents_term_current_rows"),
        migrations.AlterField(
            model_name="searchterm",
            name="document",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="documents.document",
            ),
        ),
        migrations.AlterField(
            model_name="searchterm",
            name="version",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="documents.documentversion",
            ),
        ),
        migrations.RenameModel(old_name="SearchTerm", new_name="SearchTermOld"),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "version",
                        "term",
                        "field",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        db_index=False,
                        help_text="The document version the term occurs in.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_terms",
                        to="documents.documentversion",
                        verbose_name="version",
                    ),
                ),
                (
                    "field",
                    models.PositiveSmallIntegerField(
                        choices=[(3, "title"), (2, "summary"), (1, "text")],
                        help_text=(
                            "Where the term occurs: title, summary or text (including "
                            "uploaded files)."
                        ),
                        verbose_name="field",
                    ),
                ),
                (
                    "count",
                    models.PositiveSmallIntegerField(
                        help_text=(
                            "How often the term occurs in the field (at most 32767; the "
                            "search caps it at 9)."
                        ),
                        verbose_name="count",
                    ),
                ),
                (
                    "is_current",
                    models.BooleanField(
                        db_default=False,
                        default=False,
                        help_text=(
                            "Whether the version is its document's valid version (kept in "
                            "step by documents.search when a version is published, "
                            "superseded or repealed)."
                        ),
                        verbose_name="current",
                    ),
                ),
                (
                    "term",
                    models.CharField(
                        help_text="A stemmed, normalised word (see documents.text).",
                        max_length=64,
                        verbose_name="term",
                    ),
                ),
            ],
            options={
                "verbose_name": "search term",
                "verbose_name_plural": "search terms",
            },
        ),
        migrations.RunPython(term_collation_c, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(copy_rows, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="SearchTermOld"),
        migrations.RunPython(plain_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(fields=["term"], name="documents_searchterm_lookup"),
        ),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["term", "version", "field", "count"],
                name="documents_term_current_rows",
            ),
        ),
    ]
