"""What the database itself refuses: official records that no door may rewrite or destroy.

The ORM's own guards (the audit trail's manager, the admin's missing delete buttons) hold
only for code that goes through them; ``_base_manager``, ``QuerySet._raw_delete`` and raw
SQL do not. So each app lists its rules here as triggers, on PostgreSQL and on SQLite
alike, and the database refuses the write with an ``IntegrityError`` whose message starts
with the rule's name.

- An app declares its rules (``Rule``) and registers them in its ``AppConfig.ready``
  (``register``); a migration of the app installs them (``ProtectRecords``).
- After every ``migrate`` the triggers of every app whose ``ProtectRecords`` migration is
  applied are created again (``post_migrate``): on SQLite, Django remakes a table (create,
  copy, drop, rename) for most changes of a column, and dropping the table drops its
  triggers without a word. Before migrating, SQLite's triggers are removed
  (``pre_migrate``), as a trigger that names another table would make the rename of that
  table fail. A test checks that every trigger exists after ``migrate``.
- The one way past them is emptying the whole database with ``manage.py flush`` (the
  test suite does it after each transactional test), see ``suspended_for_flush`` and
  docs/access.md.

Conditions are written in PostgreSQL's syntax with ``OLD`` and ``NEW``; for SQLite
``IS [NOT] DISTINCT FROM`` becomes ``IS [NOT]`` (the same null-safe comparison).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import migrations, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

UPDATE, DELETE, TRUNCATE = "UPDATE", "DELETE", "TRUNCATE"

# A version in one of these statuses has been adopted: an official record.
ADOPTED_STATUSES = ("adopted", "valid", "superseded", "repealed")


@dataclass(frozen=True)
class Rule:
    """One trigger: refuse ``event`` on ``table`` when ``when`` holds (always if empty).

    ``name`` names the trigger (and on PostgreSQL its function) and starts every error
    message; it starts with ``<app label>_protect_``. An UPDATE rule about some columns
    names them in ``columns``: on SQLite the trigger then runs only for an UPDATE that sets
    one of them (without, SQLite's triggers made a 20,000-row update of a copied column 15
    times slower). PostgreSQL gets no column list, as a column in one would make every
    later change of its type in a migration fail; there the cost is a few per cent."""

    name: str
    table: str
    event: str
    message: str
    when: str = ""
    columns: tuple[str, ...] = ()

    @property
    def error(self) -> str:
        return f"{self.name}: {self.message}"


_registry: dict[str, tuple[Rule, ...]] = {}


def register(app_label: str, rules: Iterable[Rule]) -> None:
    rules = tuple(rules)
    prefix = f"{app_label}_protect_"
    for rule in rules:
        if not rule.name.startswith(prefix):
            raise ValueError(f"The rule {rule.name} of {app_label} must start with {prefix}.")
    _registry[app_label] = rules


def rules_of(app_label: str) -> tuple[Rule, ...]:
    return _registry.get(app_label, ())


def all_rules() -> tuple[Rule, ...]:
    return tuple(rule for rules in _registry.values() for rule in rules)


def changed(*columns: str) -> str:
    """A condition: any of the columns differs between OLD and NEW (nulls compared)."""
    return "(" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns) + ")"


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


# --- SQL -----------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_condition(sql: str) -> str:
    return sql.replace(" IS NOT DISTINCT FROM ", " IS ").replace(" IS DISTINCT FROM ", " IS NOT ")


def _create_sql(rule: Rule, vendor: str) -> list[str]:
    if vendor == "sqlite":
        if rule.event == TRUNCATE:
            return []  # SQLite has no TRUNCATE: DELETE without WHERE fires the row triggers
        when = f" WHEN {_sqlite_condition(rule.when)}" if rule.when else ""
        event = f"{rule.event} OF {', '.join(rule.columns)}" if rule.columns else rule.event
        return [
            f'CREATE TRIGGER "{rule.name}" BEFORE {event} ON "{rule.table}" '
            f"FOR EACH ROW{when} BEGIN SELECT RAISE(ABORT, {_literal(rule.error)}); END"
        ]
    if vendor == "postgresql":
        refuse = f"RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = {_literal(rule.error)};"
        body = f"IF {rule.when} THEN {refuse} END IF;" if rule.when else refuse
        returned = {UPDATE: "NEW", DELETE: "OLD", TRUNCATE: "NULL"}[rule.event]
        each = "STATEMENT" if rule.event == TRUNCATE else "ROW"
        return [
            f'CREATE OR REPLACE FUNCTION "{rule.name}"() RETURNS trigger LANGUAGE plpgsql AS '
            f"$body$ BEGIN {body} RETURN {returned}; END $body$",
            f'CREATE OR REPLACE TRIGGER "{rule.name}" BEFORE {rule.event} ON "{rule.table}" '
            f'FOR EACH {each} EXECUTE FUNCTION "{rule.name}"()',
        ]
    raise NotImplementedError(f"Records are protected on PostgreSQL and SQLite, not {vendor}.")


def _drop_sql(name: str, table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{name}"']
    return [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"', f'DROP FUNCTION IF EXISTS "{name}"()']


def installed(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The protection triggers in the database: name → table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE '%\\_protect\\_%' ESCAPE '\\'"
            )
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
                "AND t.tgname LIKE '%\\_protect\\_%'"
            )
        return dict(cursor.fetchall())


def install(connection: BaseDatabaseWrapper, app_label: str) -> None:
    """Create (or replace) the app's triggers, and drop any of its triggers no longer
    among its rules. Idempotent."""
    rules = rules_of(app_label)
    current = {rule.name for rule in rules}
    prefix = f"{app_label}_protect_"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in installed(connection).items():
            if name.startswith(prefix) and name not in current:
                for sql in _drop_sql(name, table, connection.vendor):
                    cursor.execute(sql)
        # A table a later migration of the app creates is protected once it exists: the
        # triggers are made again after every migrate (``after_migrate``), and a test checks
        # that every rule is a trigger then.
        tables = set(connection.introspection.table_names(cursor))
        for rule in (rule for rule in rules if rule.table in tables):
            if connection.vendor == "sqlite":
                cursor.execute(_drop_sql(rule.name, rule.table, "sqlite")[0])
            for sql in _create_sql(rule, connection.vendor):
                cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper, app_label: str) -> None:
    """Drop every trigger of the app's rules (and any left of earlier ones)."""
    prefix = f"{app_label}_protect_"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in installed(connection).items():
            if name.startswith(prefix):
                for sql in _drop_sql(name, table, connection.vendor):
                    cursor.execute(sql)


# --- Migrations ----------------------------------------------------------------------


class ProtectRecords(migrations.operations.base.Operation):
    """A migration operation: install the app's registered rules (drop them backwards).

    Later ``migrate`` runs re-create them from the registered rules as they are then, as
    long as a migration with this operation is applied (``protected_apps``)."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, app_label: str):
        self.app_label = app_label

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.app_label], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        install(schema_editor.connection, self.app_label)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        remove(schema_editor.connection, self.app_label)

    def describe(self) -> str:
        return f"Protect the records of {self.app_label} with database triggers"


def protected_apps(connection: BaseDatabaseWrapper) -> set[str]:
    """The apps with an applied migration that holds ``ProtectRecords`` (found by the
    operation, not by the migration's name, which may change when migrations are
    renumbered)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    apps = set()
    for key in loader.applied_migrations:
        migration = loader.graph.nodes.get(key)
        for operation in getattr(migration, "operations", ()):
            if isinstance(operation, ProtectRecords):
                apps.add(operation.app_label)
    return apps


def before_migrate(sender, using, **kwargs) -> None:
    """``pre_migrate``: on SQLite, remove the app's triggers while tables may be remade."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite" and sender.label in _registry:
        remove(connection, sender.label)


def after_migrate(sender, using, **kwargs) -> None:
    """``post_migrate`` (after ``migrate`` and ``flush``): re-create the app's triggers."""
    from django.db import connections

    connection = connections[using]
    if sender.label in _registry and sender.label in protected_apps(connection):
        install(connection, sender.label)


# --- The one way past: emptying the database -------------------------------------------


class FlushRefused(Exception):
    pass


@contextlib.contextmanager
def suspended_for_flush(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let ``manage.py flush`` empty the protected tables, in one transaction.

    PostgreSQL: ``session_replication_role = replica`` for the transaction, which skips
    ordinary triggers and which only a superuser may set (the test suite's role is one; an
    application's role must not be: docs/deployment.md). Anyone else is refused before
    anything is deleted. SQLite has no roles (whoever may write the file may also drop the
    triggers): the triggers are dropped for the transaction and created again after it.
    """
    alias = connection.alias
    with transaction.atomic(using=alias):
        present = installed(connection)
        if connection.vendor == "postgresql":
            if present:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('is_superuser')")
                    if cursor.fetchone()[0] != "on":
                        raise FlushRefused(
                            "The database refuses to empty the audit trail and the adopted "
                            "documents (records protected by triggers). Only a PostgreSQL "
                            "superuser may flush this database; or drop it and create a new one."
                        )
                    cursor.execute("SET LOCAL session_replication_role = replica")
            yield
            if present:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            return
        apps = {
            label for label, rules in _registry.items() if any(r.name in present for r in rules)
        }
        for label in apps:
            remove(connection, label)
        yield
        for label in apps:
            install(connection, label)


# --- The documents' rules --------------------------------------------------------------

_ADOPTED = f"OLD.status IN {in_list(ADOPTED_STATUSES)}"
# The moves of an adopted version the lifecycle makes (documents.services).
_PUBLISHED = "(OLD.status = 'adopted' AND NEW.status = 'valid')"
_SUPERSEDED = "(OLD.status = 'valid' AND NEW.status = 'superseded')"
_REPEALED = "(OLD.status = 'valid' AND NEW.status = 'repealed')"
_VERSION_OF_FILE = (
    "(SELECT v.status FROM documents_documentversion v WHERE v.id = {row}.version_id)"
)
_NEVER_DELETED = "is an official record (arkivlagen) and is never deleted"
# What was adopted: the text, and what identifies the version and its decision. Copied and
# derived columns (the document's copies, plain_text) follow their source.
_CONTENT = (
    "title",
    "body",
    "number",
    "document_id",
    "diary_entry_id",
    "adoption_id",
    "created_by_id",
    "created_at",
)
_DATES = ("valid_from", "valid_until", "replaces_id", "superseded_on", "next_review")


def _protected_table(name: str, table: str, what: str, when: str = "") -> list[Rule]:
    """Refuse DELETE (when ``when`` holds) and TRUNCATE of ``table``."""
    return [
        Rule(f"documents_protect_{name}_delete", table, DELETE, f"{what} {_NEVER_DELETED}", when),
        Rule(
            f"documents_protect_{name}_truncate",
            table,
            TRUNCATE,
            f"{table} holds official records and is never emptied",
        ),
    ]


DOCUMENT_RULES = (
    Rule(
        "documents_protect_version_content",
        "documents_documentversion",
        UPDATE,
        "an adopted version's content is fixed (title, text, number, document, "
        "diarienummer, adoption decision, author, created)",
        f"{_ADOPTED} AND {changed(*_CONTENT)}",
        _CONTENT,
    ),
    Rule(
        "documents_protect_version_status",
        "documents_documentversion",
        UPDATE,
        "an adopted version moves only from adopted to valid, and from valid to "
        "superseded or repealed",
        f"{_ADOPTED} AND {changed('status')} "
        f"AND NOT ({_PUBLISHED} OR {_SUPERSEDED} OR {_REPEALED})",
        ("status",),
    ),
    Rule(
        "documents_protect_version_dates",
        "documents_documentversion",
        UPDATE,
        "an adopted version's dates are decided: publication fills in those left empty "
        "(valid from, valid until, next review, the version replaced), supersession sets "
        "superseded on, repeal valid until; the next review moves only while it is adopted "
        "or valid",
        f"{_ADOPTED} AND ("
        f"({changed('valid_from')} AND NOT ({_PUBLISHED} AND OLD.valid_from IS NULL))"
        f" OR ({changed('valid_until')} AND NOT (({_PUBLISHED} AND OLD.valid_until IS NULL)"
        f" OR {_REPEALED}))"
        f" OR ({changed('replaces_id')} AND NOT ({_PUBLISHED} AND OLD.replaces_id IS NULL))"
        f" OR ({changed('superseded_on')} AND NOT {_SUPERSEDED})"
        f" OR ({changed('next_review')} AND OLD.status NOT IN ('adopted', 'valid')))",
        _DATES,
    ),
    *_protected_table("version", "documents_documentversion", "an adopted version", _ADOPTED),
    Rule(
        "documents_protect_file_update",
        "documents_versionfile",
        UPDATE,
        "the files of an adopted version are fixed",
        f"{_VERSION_OF_FILE.format(row='OLD')} IN {in_list(ADOPTED_STATUSES)}"
        f" OR {_VERSION_OF_FILE.format(row='NEW')} IN {in_list(ADOPTED_STATUSES)}",
    ),
    *_protected_table(
        "file",
        "documents_versionfile",
        "a file of an adopted version",
        f"{_VERSION_OF_FILE.format(row='OLD')} IN {in_list(ADOPTED_STATUSES)}",
    ),
    *_protected_table("decision", "documents_decision", "a decision"),
    # The archival PDF/A of a version or an upload (documents.pdfa): made once, never
    # changed; only a row that holds no file (no converter was installed) is replaced.
    Rule(
        "documents_protect_archival_update",
        "documents_archivalcopy",
        UPDATE,
        "an archival copy is fixed: it is never changed",
    ),
    *_protected_table(
        "archival", "documents_archivalcopy", "an archival copy holding a file", "OLD.sha256 <> ''"
    ),
    *_protected_table("diary", "documents_diaryentry", "a diary entry (diarienummer)"),
    *_protected_table(
        "document",
        "documents_document",
        "an adopted document",
        "OLD.status IN ('valid', 'repealed')",
    ),
)
