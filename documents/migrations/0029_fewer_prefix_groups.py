# Written by hand: fewer kept prefix groups (issue 21, "the index at most 1 GB").
#
# documents.search.prefixes.PREFIX_MIN_VERSIONS rose from 1,000 to 12,000 valid versions:
# the groups below it go (their prefixes are grouped from SearchRank's rows when searched,
# with the same hits and scores). A group's rows are one per valid version with a term in
# its range, so a group with fewer rows than that is below it. On PostgreSQL the kept rows
# are written again into the emptied table (TRUNCATE), so the room is given back at once.
# ``manage.py reindex_search`` (or choose_prefixes) chooses the groups again from scratch.

from django.db import migrations

MIN_VERSIONS = 12_000
GROUPS = "documents_searchprefix"
ROWS = "documents_searchprefixrank"


def fewer_groups(apps, schema_editor):
    small = f"SELECT prefix FROM {ROWS} GROUP BY prefix HAVING COUNT(*) < {MIN_VERSIONS}"
    gone = f"SELECT prefix FROM {GROUPS} WHERE prefix IN ({small}) OR prefix NOT IN (SELECT prefix FROM {ROWS})"
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"DELETE FROM {ROWS} WHERE prefix IN ({gone})")
        schema_editor.execute(f"DELETE FROM {GROUPS} WHERE prefix NOT IN (SELECT prefix FROM {ROWS})")
        return
    schema_editor.execute(
        f"CREATE TEMPORARY TABLE prefix_kept ON COMMIT DROP AS SELECT * FROM {ROWS} "
        f"WHERE prefix NOT IN ({gone})"
    )
    schema_editor.execute(f"TRUNCATE {ROWS}")
    schema_editor.execute(f"INSERT INTO {ROWS} SELECT * FROM prefix_kept ORDER BY version_id, prefix")
    schema_editor.execute("DROP TABLE prefix_kept")
    schema_editor.execute(f"DELETE FROM {GROUPS} WHERE prefix NOT IN (SELECT prefix FROM {ROWS})")
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0028_search_history_of_versions_not_valid"),
    ]

    operations = [migrations.RunPython(fewer_groups, migrations.RunPython.noop)]
