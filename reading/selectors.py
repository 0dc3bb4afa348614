"""Read acknowledgement, read side: what a person must read, and for a chief who in their
units has and has not confirmed.

Nothing is stored per person and document: the audience is computed when asked (everyone
holding a position today in the document's scope unit or below it, narrowed to the position
kinds of the document's type, ``documents.access``), and only confirmations are rows. A
valid version asks for reading when its adoption decision says so, or, where the decision
says nothing (versions adopted before the choice existed), when its type does. A
confirmation counts for a later version unless a version after it was adopted as a
material change: the *baseline* of a version is the number of the latest version up to it
whose decision marked a material change (0 if none), and a person's confirmation counts
when its version number is at least the baseline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from documents import access
from documents import cache as register_cache
from documents.models import DocumentVersion, VersionStatus, kinds_of
from org.models import Position, PositionHolding, Unit
from org.selectors import today

from .models import ReadConfirmation

User = get_user_model()


def required_q() -> Q:
    """Versions that ask for a read acknowledgement: the rule (the decision's choice, else
    the type's) is derived onto the version by ``DocumentVersion.refresh_reading``."""
    return Q(reading_required=True)


def required_versions(*, with_baseline: bool = True) -> QuerySet[DocumentVersion]:
    """Valid versions that ask for a read acknowledgement, with their baseline."""
    versions = DocumentVersion.objects.filter(status=VersionStatus.VALID).filter(required_q())
    return versions.annotate(baseline=F("reading_baseline")) if with_baseline else versions


def baseline_of(version: DocumentVersion) -> int | None:
    """The version number from which a confirmation counts for ``version``, or None when
    the version asks no one to read it (from the version's own columns: no query)."""
    return version.reading_baseline if version.reading_required else None


def latest_confirmed(user, document_id: int) -> int | None:
    """The number of the latest version of the document ``user`` confirmed, if any."""
    return (
        ReadConfirmation.objects.filter(user=user, document_id=document_id)
        .order_by("-version_number")
        .values_list("version_number", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Waiting:
    """A document waiting for the person's confirmation."""

    version_id: int
    document_id: int
    number: int
    title: str
    type_name: str
    scope_name: str
    valid_from: object
    confirmed_number: int | None  # an earlier version confirmed before a material change

    @property
    def is_material_change(self) -> bool:
        return self.confirmed_number is not None


def _ancestor_ids(paths: list[str]) -> set[int]:
    return {int(p) for path in paths for p in path.strip("/").split("/") if p}


def waiting_for(user) -> list[Waiting]:
    """The documents ``user`` must confirm reading and has not (for its current version),
    in title order: two queries, whatever the size of the municipality."""
    holdings = access.reading_holdings(user)
    if not holdings:
        return []
    mine = (
        ReadConfirmation.objects.filter(user=user, document=OuterRef("document"))
        .order_by("-version_number")
        .values("version_number")[:1]
    )
    rows = (
        required_versions()
        .filter(scope_unit__in=_ancestor_ids([path for path, _kind in holdings]))
        .annotate(confirmed=Subquery(mine))
        .filter(Q(confirmed__isnull=True) | Q(confirmed__lt=F("baseline")))
        .order_by("title", "pk")
        .values_list(
            "pk",
            "document_id",
            "number",
            "title",
            "document_type__name",
            "document_type__reading_position_kinds",
            "scope_unit__name",
            "scope_unit__path",
            "valid_from",
            "confirmed",
        )
    )
    return [
        Waiting(pk, doc, number, title, type_name, scope, valid_from, confirmed)
        for pk, doc, number, title, type_name, kinds, scope, path, valid_from, confirmed in rows
        if access.reading_applies(holdings, path, kinds_of(kinds))
    ]


# --- The chief's overview -------------------------------------------------------------


@dataclass
class OverviewRow:
    """One document in a chief's unit: how many must confirm it, how many have."""

    version_id: int
    document_id: int
    number: int
    title: str
    scope_name: str
    root_path: str
    kinds: list[str]
    baseline: int
    audience: int = 0
    confirmed: int = 0

    @property
    def pending(self) -> int:
        return self.audience - self.confirmed


def unit_versions(unit: Unit) -> QuerySet:
    """Valid versions asking for reading that apply to people in ``unit``: scoped to it, a
    unit above it or a unit below it."""
    units = Unit.objects.filter(
        Q(path__startswith=unit.path) | Q(pk__in=sorted(_ancestor_ids([unit.path])))
    )
    return (
        required_versions(with_baseline=False)
        .filter(scope_unit__in=units.values("pk"))
        .order_by("title", "pk")
    )


def _row(unit: Unit, values: tuple) -> OverviewRow:
    pk, doc, number, title, scope, path, kinds, baseline = values
    # The audience within the chief's unit: below the deeper of the two units.
    root = path if len(path) > len(unit.path) else unit.path
    return OverviewRow(pk, doc, number, title, scope, root, kinds_of(kinds), baseline)


def overview_rows(unit: Unit, versions: QuerySet) -> list[OverviewRow]:
    """The rows of ``versions`` (a page of ``unit_versions``) with their counts: two
    queries for any page (the versions with their baselines, the counts of people and of
    confirmations)."""
    return _completed([_row(unit, values) for values in versions.values_list(*_COLUMNS)])


_COLUMNS = (
    "pk",
    "document_id",
    "number",
    "title",
    "scope_unit__name",
    "scope_unit__path",
    "document_type__reading_position_kinds",
    "reading_baseline",
)


def _completed(rows: list[OverviewRow]) -> list[OverviewRow]:
    """The rows with their counts (one query)."""
    for row, (audience, confirmed) in zip(rows, counts(rows, today()), strict=True):
        row.audience, row.confirmed = audience, confirmed
    return rows


# Rows per statement: the VALUES lists grow with the rows, the statement's shape does not.
_ROWS_PER_QUERY = 200


def counts(rows: list[OverviewRow], day) -> list[tuple[int, int]]:
    """For each row: the people in its audience (holders on ``day`` below its root unit,
    of its kinds), and those of them whose confirmation counts (at least its baseline).
    One query for up to 200 rows, in SQL written out (an ORM aggregate of 50 conditional
    counts cost more to build than to run) and of a fixed shape: the distinct audiences
    and the rows are two VALUES lists; each audience is counted once from the units
    below its root, and every row's confirmations (its own index range of
    ``reading_document_version``) in one grouped join to the holdings below the rows'
    common root. (A UNION ALL part per row, as before, cost PostgreSQL more to plan than
    to run; it also had to run without parallel workers, whose start cost more than the
    work: this shape is as fast with them allowed, measured alternately.)"""
    found: list[tuple[int, int]] = []
    for start in range(0, len(rows), _ROWS_PER_QUERY):
        found += _counts(rows[start : start + _ROWS_PER_QUERY], day)
    return found


def _common_root(paths: list[str]) -> str:
    """The path of the deepest unit at or above every unit of ``paths``."""
    common = os.path.commonprefix(paths)
    return common[: common.rfind("/") + 1]


_COUNTS_SQL = (
    "WITH g (i, root, kinds) AS (VALUES {groups}), "
    "r (i, g, doc, baseline) AS (VALUES {rows}), "
    # The holdings below the rows' common root, once (materialised: read once, and
    # PostgreSQL then hashes them instead of probing the confirmations per holding).
    "a AS MATERIALIZED (SELECT h.user_id AS user_id, p.unit_id AS unit_id, u.path AS path, "
    "p.kind AS kind FROM {holding} h JOIN {position} p ON p.id = h.position_id "
    "JOIN {unit} u ON u.id = p.unit_id "
    'WHERE h.start <= %s AND (h."end" IS NULL OR h."end" >= %s) AND u.path LIKE %s), '
    # Each audience's units (a few hundred LIKE tests), then their holdings by unit: SQLite
    # otherwise tested every holding against every audience's root.
    "gu AS MATERIALIZED (SELECT g.i AS i, g.kinds AS kinds, u.id AS unit_id FROM g "
    "JOIN {unit} u ON u.path LIKE g.root) "
    "SELECT 0, gu.i, COUNT(DISTINCT a.user_id) FROM gu JOIN a ON a.unit_id = gu.unit_id "
    "WHERE {kinds} GROUP BY gu.i "
    "UNION ALL "
    "SELECT 1, r.i, COUNT(DISTINCT c.user_id) FROM r JOIN g ON g.i = r.g "
    "JOIN {confirmations} c ON c.document_id = r.doc AND c.version_number >= r.baseline "
    "JOIN a ON a.user_id = c.user_id WHERE {audience} GROUP BY r.i"
)


def _counts(rows: list[OverviewRow], day) -> list[tuple[int, int]]:
    groups = sorted({(row.root_path, tuple(row.kinds)) for row in rows})
    group_of = {group: i for i, group in enumerate(groups)}
    sql = _COUNTS_SQL.format(
        groups=", ".join(["(%s, %s, %s)"] * len(groups)),
        rows=", ".join(["(%s, %s, %s, %s)"] * len(rows)),
        unit=Unit._meta.db_table,
        position=Position._meta.db_table,
        holding=PositionHolding._meta.db_table,
        confirmations=ReadConfirmation._meta.db_table,
        audience=access.reading_audience_join_sql("g.root", "g.kinds", "a.path", "a.kind"),
        kinds=access.reading_kinds_join_sql("gu.kinds", "a.kind"),
    )
    common = _common_root([root for root, _kinds in groups]) + "%"
    params: list = []
    for i, (root, kinds) in enumerate(groups):
        params += [i, root + "%", access.reading_kinds_text(list(kinds))]
    for i, row in enumerate(rows):
        params += [i, group_of[(row.root_path, tuple(row.kinds))], row.document_id, row.baseline]
    params += [day, day, common]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {(kind, i): n for kind, i, n in cursor.fetchall()}
    return [
        (found.get((0, group_of[(row.root_path, tuple(row.kinds))]), 0), found.get((1, i), 0))
        for i, row in enumerate(rows)
    ]


def unit_version_count(unit: Unit) -> int:
    """How many documents ``unit_versions`` lists, kept in the cache until the register
    changes (the register's generation moves on with every version, decision, type and
    unit saved; the people and their confirmations are not in it)."""
    generation = register_cache.current()
    if generation is None:
        return unit_versions(unit).count()
    key = f"styrdok-reading-count-{generation}-{unit.pk}-{today().isoformat()}"
    count = cache.get(key)
    if count is None:
        count = unit_versions(unit).count()
        cache.set(key, count, 3600)
    return count


def overview_row(unit: Unit, version_id: int) -> OverviewRow | None:
    """One document of ``unit``'s overview (None if it asks nothing of the unit's people)."""
    version = required_versions(with_baseline=False).filter(pk=version_id)
    values = version.values_list(*_COLUMNS).first()
    if values is None:
        return None
    scope = values[5]
    if not (scope.startswith(unit.path) or unit.path.startswith(scope)):
        return None
    return _completed([_row(unit, values)])[0]


@dataclass(frozen=True)
class PersonStatus:
    user_id: int
    name: str
    username: str
    email: str
    position: str
    unit: str
    confirmed_number: int | None
    confirmed_at: object
    counts: bool


def people(row: OverviewRow) -> QuerySet:
    """The people who must confirm the row's document (in the chief's unit), with the
    latest version each confirmed and when; by name."""
    holdings = PositionHolding.objects.active_on(today()).filter(
        access.reading_audience_q(row.root_path, row.kinds)
    )
    first = holdings.filter(user=OuterRef("pk")).order_by("position__unit__path", "pk")
    latest = ReadConfirmation.objects.filter(
        user=OuterRef("pk"), document_id=row.document_id
    ).order_by("-version_number")
    return (
        User.objects.filter(pk__in=holdings.values("user"))
        .annotate(
            confirmed_number=Subquery(latest.values("version_number")[:1]),
            confirmed_at=Subquery(latest.values("confirmed_at")[:1]),
            position_title=Subquery(first.values("position__title")[:1]),
            unit_name=Subquery(first.values("position__unit__name")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )


def people_status(row: OverviewRow, users) -> list[PersonStatus]:
    return [
        PersonStatus(
            u.pk,
            u.get_full_name() or u.username,
            u.username,
            u.email,
            u.position_title or "",
            u.unit_name or "",
            u.confirmed_number,
            u.confirmed_at,
            u.confirmed_number is not None and u.confirmed_number >= row.baseline,
        )
        for u in users
    ]


def pending_people(row: OverviewRow) -> QuerySet:
    """Who in the row's audience has not confirmed (a confirmation that counts)."""
    return people(row).filter(
        Q(confirmed_number__isnull=True) | Q(confirmed_number__lt=row.baseline)
    )


# --- Unread, for the yearly review report (``workflows.unread``) ------------------------


def unread_counts(versions: list[DocumentVersion], day) -> dict[int, int]:
    """Version pk -> how many people who must confirm reading it (its audience: holders on
    ``day`` in its scope and below, of its type's kinds) have no confirmation that counts,
    for the versions that ask for reading (their type and scope unit loaded). The
    overview's counting (``counts``), with the version's scope as the root: one query for
    up to 200 versions; none when no version asks."""
    asking = [v for v in versions if v.scope_unit_id and v.reading_required]
    rows = [
        OverviewRow(
            v.pk,
            v.document_id,
            v.number,
            v.title,
            "",
            v.scope_unit.path,
            kinds_of(v.document_type.reading_position_kinds),
            v.reading_baseline,
        )
        for v in asking
    ]
    found = counts(rows, day) if rows else []
    return {
        row.version_id: audience - confirmed
        for row, (audience, confirmed) in zip(rows, found, strict=True)
    }
