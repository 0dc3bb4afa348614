# Written by hand (the schema operations generated): a history row's status, its keys' score
# tiers in the index of its keys, and the terms history rows hold (issue 21, a common word
# among superseded versions under 50 ms).
#
# A search among superseded (or repealed) versions ranked every hit: 'rutin' has 37,435
# among superseded versions at the default size, each looked up for its version's status
# and its key cut from its text (0.13-0.18 s). Its page needs only the total and the best
# hits. Now:
#
# * the row carries its version's status (copied when it is written: a superseded or
#   repealed version's status never changes again, documents.protection) and whether its
#   document is public (kept with the document, as the versions' copies are), and the
#   index of its keys holds both as tokens ('$superseded', '$public'): the hits are
#   counted in the index;
# * the index also holds, for each key with a title or summary count, the key's tier: the
#   two counts as its packed score over 100 ('rutin#102': once in the title, twice in the
#   summary). A word that one term alone scores ranks its hits by tier first, so the best
#   hits are those of its highest tiers: only those are read and scored
#   (documents.search.history_top);
# * documents_searchhistorykey holds every term a history row holds (filled by triggers on
#   the history table, never emptied), so a search knows whether one term alone scores a
#   word.
#
# PostgreSQL: the GIN index's function takes the status and adds both kinds of lexemes
# (about 2 MB more at the default size, built at once). SQLite: 0037's FTS5 index again,
# its view adding the tokens, its tokenizer keeping '#' in a token ('$' is a symbol, kept
# already). Rows are rewritten on PostgreSQL rather than updated, as in 0036: an UPDATE of
# every row leaves the table twice its size until a VACUUM FULL.

import importlib

from django.db import migrations, models

KEYS_0037 = importlib.import_module("documents.migrations.0037_search_history_keys_on_sqlite")

TABLE = KEYS_0037.TABLE
KEYS = KEYS_0037.KEYS
DOCUMENTS = KEYS_0037.DOCUMENTS
HELD = "documents_searchhistorykey"
FUNCTION = "documents_history_lexemes"
INDEX = "documents_history_lexemes"
TOKENIZE = KEYS_0037.TOKENIZE.replace("tokenchars '@'", "tokenchars '@#'")
assert TOKENIZE != KEYS_0037.TOKENIZE
# A key's tier: its packed score over this (the title's and the summary's counts).
TIER = 100

MONTHS = (
    "generate_series(CAST(extract(year FROM first) * 12 + extract(month FROM first) - 1 "
    "AS integer), CAST(extract(year FROM last) * 12 + extract(month FROM last) - 1 "
    "AS integer))"
)
KEYS_AND_MONTHS = (
    "ARRAY(SELECT json_object_keys(terms::json)) "
    f"|| ARRAY(SELECT '@' || m FROM {MONTHS} m) "
    "|| CASE WHEN first IS NOT NULL AND last IS NULL THEN ARRAY['@'] ELSE ARRAY[]::text[] END"
)


def _postgresql_function(with_status: bool) -> str:
    # IMMUTABLE: the index expression's requirement; not STRICT: a row may have no days in
    # force (or, written before this migration's fill, no status). COST as in 0033.
    if not with_status:
        return (
            f"CREATE FUNCTION {FUNCTION}(terms text, first date, last date) RETURNS tsvector "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS "
            f"$$ SELECT array_to_tsvector({KEYS_AND_MONTHS}) $$"
        )
    tiers = (
        f"ARRAY(SELECT e.key || '#' || (CAST(e.value AS integer) / {TIER}) "
        f"FROM json_each_text(terms::json) e WHERE CAST(e.value AS integer) >= {TIER})"
    )
    return (
        f"CREATE FUNCTION {FUNCTION}(terms text, first date, last date, status text, "
        "visible boolean) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS "
        f"$$ SELECT array_to_tsvector({KEYS_AND_MONTHS} "
        "|| CASE WHEN status IS NULL THEN ARRAY[]::text[] ELSE ARRAY['$' || status] END "
        "|| CASE WHEN visible THEN ARRAY['$public'] ELSE ARRAY[]::text[] END "
        f"|| {tiers}) $$"
    )


# The terms of the rows written (every statement's rows at once on PostgreSQL).
POSTGRESQL_HELD = f"""
CREATE FUNCTION {HELD}_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {HELD} (term)
    SELECT DISTINCT json_object_keys(terms::json) FROM written
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$
"""
POSTGRESQL_HELD_TRIGGERS = {
    "ai": f"AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS written FOR EACH STATEMENT",
    "au": f"AFTER UPDATE ON {TABLE} REFERENCING NEW TABLE AS written FOR EACH STATEMENT",
}
SQLITE_HELD_TRIGGERS = {
    "ai": f"AFTER INSERT ON {TABLE} BEGIN INSERT OR IGNORE INTO {HELD} (term) "
    "SELECT key FROM json_each(new.terms); END",
    "au": f"AFTER UPDATE OF terms ON {TABLE} BEGIN INSERT OR IGNORE INTO {HELD} (term) "
    "SELECT key FROM json_each(new.terms); END",
}


def _sqlite_document(row: str) -> str:
    """The indexed text of a history row: its keys (the JSON's keys alone, where 0037
    indexed the whole text, its numbers too: the index now answers a count, so it holds
    exactly the keys), each key's tier after it, then 0037's months and the status's
    token. The text is read key by key with a recursive query, not with json_each: FTS5
    reads its content itself to rebuild and check the index, and there a table-valued
    function in the view fails ("SQL logic error")."""
    value = "CAST(substr(rest, instr(rest, '\":') + 2) AS INTEGER)"
    key = "substr(rest, 2, instr(rest, '\":') - 2)"
    keys = (
        "COALESCE((WITH RECURSIVE p(rest, tok) AS ("
        f"SELECT substr({row}.terms, 2), NULL UNION ALL "
        "SELECT CASE WHEN instr(rest, ',') = 0 THEN '' ELSE substr(rest, instr(rest, ',') + 1) "
        f"END, {key} || CASE WHEN {value} >= {TIER} "
        f"THEN ' ' || {key} || '#' || ({value} / {TIER}) ELSE '' END "
        "FROM p WHERE instr(rest, '\":') > 0) "
        "SELECT group_concat(tok, ' ') FROM p), '')"
    )
    months = KEYS_0037._document(row)
    assert months.startswith(f"{row}.terms || ")
    status = f"CASE WHEN {row}.status IS NULL THEN '' ELSE ' $' || {row}.status END"
    public = f"CASE WHEN {row}.is_public THEN ' $public' ELSE '' END"
    return f"{keys} || {months.removeprefix(f'{row}.terms || ')} || {status} || {public}"


def _sqlite_keys(document: str, tokenize: str) -> list[str]:
    return [
        f"CREATE VIEW {DOCUMENTS} AS SELECT h.version_id AS version_id, "
        f"{document} AS terms FROM {TABLE} h",
        f"CREATE VIRTUAL TABLE {KEYS} USING fts5(terms, content='{DOCUMENTS}', "
        f"content_rowid='version_id', detail=none, tokenize=\"{tokenize}\")",
        *(f"CREATE TRIGGER {KEYS}_{name} {body}" for name, body in KEYS_0037.TRIGGERS.items()),
        f"INSERT INTO {KEYS}({KEYS}) VALUES ('rebuild')",
    ]


def _sqlite_drop_keys() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {KEYS}_{name}" for name in KEYS_0037.TRIGGERS),
        f"DROP TABLE IF EXISTS {KEYS}",
        f"DROP VIEW IF EXISTS {DOCUMENTS}",
    ]


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    status = "(SELECT v.status FROM documents_documentversion v WHERE v.id = h.version_id)"
    public = "(SELECT v.is_public FROM documents_documentversion v WHERE v.id = h.version_id)"
    if vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE {HELD} ALTER COLUMN term TYPE varchar(64) COLLATE "C"')
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text, date, date)")
        columns = "version_id, terms, in_force_from, in_force_until"
        schema_editor.execute(
            "CREATE TEMPORARY TABLE documents_history_status ON COMMIT DROP AS "
            f"SELECT {columns}, {status} AS status, {public} AS is_public FROM {TABLE} h"
        )
        schema_editor.execute(f"TRUNCATE {TABLE}")
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(
            f"INSERT INTO {TABLE} ({columns}, status, is_public) SELECT {columns}, status, is_public "
            "FROM documents_history_status ORDER BY version_id"
        )
        schema_editor.execute("DROP TABLE documents_history_status")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
        schema_editor.execute(_postgresql_function(with_status=True))
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON {TABLE} USING gin "
            f"({FUNCTION}(terms, in_force_from, in_force_until, status, is_public))"
        )
        schema_editor.execute(
            f"INSERT INTO {HELD} (term) SELECT DISTINCT json_object_keys(terms::json) FROM {TABLE}"
        )
        schema_editor.execute(POSTGRESQL_HELD)
        for name, when in POSTGRESQL_HELD_TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER {HELD}_{name} {when} EXECUTE FUNCTION {HELD}_add()"
            )
        return
    if vendor != "sqlite":
        return
    # The index of the keys goes first: its triggers would index every row again.
    for statement in _sqlite_drop_keys():
        schema_editor.execute(statement)
    for column in ("status", "is_public"):
        schema_editor.execute(
            f"UPDATE {TABLE} SET {column} = (SELECT v.{column} FROM documents_documentversion v "
            f"WHERE v.id = {TABLE}.version_id)"
        )
    schema_editor.execute(
        f"INSERT OR IGNORE INTO {HELD} (term) SELECT e.key FROM {TABLE} h, json_each(h.terms) e"
    )
    for name, body in SQLITE_HELD_TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {HELD}_{name} {body}")
    for statement in _sqlite_keys(_sqlite_document("h"), TOKENIZE):
        schema_editor.execute(statement)


def unfill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in POSTGRESQL_HELD_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {HELD}_{name} ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {HELD}_add()")
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(
            f"DROP FUNCTION IF EXISTS {FUNCTION}(text, date, date, text, boolean)"
        )
        schema_editor.execute(_postgresql_function(with_status=False))
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON {TABLE} USING gin "
            f"({FUNCTION}(terms, in_force_from, in_force_until))"
        )
        return
    if vendor != "sqlite":
        return
    for name in SQLITE_HELD_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {HELD}_{name}")
    for statement in _sqlite_drop_keys():
        schema_editor.execute(statement)
    for statement in _sqlite_keys(KEYS_0037._document("h"), KEYS_0037.TOKENIZE):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0039_search_history_key_scores_on_sqlite"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchhistory",
            name="status",
            field=models.CharField(
                help_text=(
                    "The version's status (copied: a superseded or repealed version's never "
                    "changes)."
                ),
                max_length=20,
                null=True,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="searchhistory",
            name="is_public",
            field=models.BooleanField(
                help_text="Whether the version's document is public (copied; kept with the document).",
                null=True,
                verbose_name="public",
            ),
        ),
        migrations.CreateModel(
            name="SearchHistoryKey",
            fields=[
                (
                    "term",
                    models.CharField(
                        help_text="An index term (a stem) that some history row holds or held.",
                        max_length=64,
                        primary_key=True,
                        serialize=False,
                        verbose_name="term",
                    ),
                ),
            ],
            options={
                "verbose_name": "history search term",
                "verbose_name_plural": "history search terms",
            },
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
