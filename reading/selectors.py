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

from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from documents import access
from documents import cache as register_cache
from documents.models import DocumentType, DocumentVersion, VersionStatus, kinds_of
from org.models import Position, PositionHolding, Unit
from org.selectors import today

from .models import ReadConfirmation

User = get_user_model()


def required_q() -> Q:
    """Versions that ask for a read acknowledgement: the decision's choice, else the
    type's (the few types that ask, as a subquery the database reads once: no join)."""
    types = DocumentType.objects.filter(reading_required=True).values("pk")
    return Q(adoption__requires_reading=True) | Q(
        adoption__requires_reading__isnull=True, document_type__in=types
    )


def _baseline() -> Coalesce:
    """The version number a confirmation must reach to count for the version (OuterRef)."""
    material = (
        DocumentVersion.objects.filter(
            document=OuterRef("document"),
            number__lte=OuterRef("number"),
            adoption__material_change=True,
        )
        .order_by("-number")
        .values("number")[:1]
    )
    return Coalesce(Subquery(material), Value(0))


def required_versions(*, with_baseline: bool = True) -> QuerySet[DocumentVersion]:
    """Valid versions that ask for a read acknowledgement, with their baseline."""
    versions = DocumentVersion.objects.filter(status=VersionStatus.VALID).filter(required_q())
    return versions.annotate(baseline=_baseline()) if with_baseline else versions


def baselines(rows: list[tuple[int, int]]) -> dict[int, int]:
    """document id -> baseline for (document id, version number) pairs, in one query."""
    numbers = dict(rows)
    found: dict[int, int] = {}
    material = DocumentVersion.objects.filter(
        document__in=list(numbers), adoption__material_change=True
    ).values_list("document_id", "number")
    for document_id, number in material:
        if number <= numbers[document_id]:
            found[document_id] = max(found.get(document_id, 0), number)
    return {document_id: found.get(document_id, 0) for document_id in numbers}


def asks_reading(version: DocumentVersion) -> bool:
    """``required_q`` for one version already in memory (its adoption and type loaded):
    the decision's choice, else the type's."""
    adoption = version.adoption
    if adoption is not None and adoption.requires_reading is not None:
        return adoption.requires_reading
    return version.document_type.reading_required


def baseline_of(version: DocumentVersion) -> int | None:
    """The version number from which a confirmation counts for ``version``, or None when
    the version asks no one to read it (one query)."""
    row = required_versions().filter(pk=version.pk).values_list("baseline", flat=True)[:1]
    found = list(row)
    return (found[0] or 0) if found else None


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
    pk, doc, number, title, scope, path, kinds = values
    # The audience within the chief's unit: below the deeper of the two units.
    root = path if len(path) > len(unit.path) else unit.path
    return OverviewRow(pk, doc, number, title, scope, root, kinds_of(kinds), 0)


def overview_rows(unit: Unit, versions: QuerySet) -> list[OverviewRow]:
    """The rows of ``versions`` (a page of ``unit_versions``) with their counts: four
    queries for any page (the versions, their baselines, the counts of people and of
    confirmations)."""
    return _completed(unit, [_row(unit, values) for values in versions.values_list(*_COLUMNS)])


_COLUMNS = (
    "pk",
    "document_id",
    "number",
    "title",
    "scope_unit__name",
    "scope_unit__path",
    "document_type__reading_position_kinds",
)


def _completed(unit: Unit, rows: list[OverviewRow]) -> list[OverviewRow]:
    """The rows with their baselines and counts (two queries)."""
    if not rows:
        return rows
    found = baselines([(row.document_id, row.number) for row in rows])
    for row in rows:
        row.baseline = found[row.document_id]
    for row, (audience, confirmed) in zip(rows, _counts(unit, rows), strict=True):
        row.audience, row.confirmed = audience, confirmed
    return rows


_HOLDINGS_SQL = (
    "FROM {holding} h JOIN {position} p ON p.id = h.position_id "
    "JOIN {unit} u ON u.id = p.unit_id "
    'WHERE h.start <= %s AND (h."end" IS NULL OR h."end" >= %s)'
)


def _holdings_sql() -> str:
    return _HOLDINGS_SQL.format(
        holding=PositionHolding._meta.db_table,
        position=Position._meta.db_table,
        unit=Unit._meta.db_table,
    )


def _counts(unit: Unit, rows: list[OverviewRow]) -> list[tuple[int, int]]:
    """For each row: the people in its audience within ``unit``, and those of them whose
    confirmation counts. One query in SQL written out (an ORM aggregate of 50 conditional
    counts cost more to build than to run): each distinct audience counted from the
    holdings below its unit, each document's confirmations from its own index range,
    joined to the holdings of its audience."""
    day = today()
    groups = sorted({(row.root_path, tuple(row.kinds)) for row in rows})
    holdings = _holdings_sql()
    confirmations = ReadConfirmation._meta.db_table
    parts, params = [], []
    for i, (root, kinds) in enumerate(groups):
        audience, audience_params = access.reading_audience_sql(root, list(kinds))
        parts.append(f"SELECT 0, {i}, COUNT(DISTINCT h.user_id) {holdings} AND {audience}")
        params += [day, day, *audience_params]
    joined = holdings.replace("WHERE", f"JOIN {confirmations} c ON c.user_id = h.user_id WHERE", 1)
    for i, row in enumerate(rows):
        audience, audience_params = access.reading_audience_sql(row.root_path, row.kinds)
        parts.append(
            f"SELECT 1, {i}, COUNT(DISTINCT c.user_id) {joined} "
            f"AND c.document_id = %s AND c.version_number >= %s AND {audience}"
        )
        params += [day, day, row.document_id, row.baseline, *audience_params]
    serial = connection.vendor == "postgresql"
    with (
        transaction.atomic(savepoint=False) if serial else nullcontext(),
        connection.cursor() as cursor,
    ):
        if serial:
            # PostgreSQL plans the UNION ALL as a Parallel Append; each part reads a few
            # hundred index entries, and starting the workers cost more than the work
            # (overview p50 74-113 ms with them, 38-76 ms without, measured alternately).
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {(kind, i): n for kind, i, n in cursor.fetchall()}
    group_of = {group: i for i, group in enumerate(groups)}
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
    return _completed(unit, [_row(unit, values)])[0]


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

_UNREAD_SQL = """
WITH r(i, path, kinds, doc, num) AS (VALUES {rows})
SELECT r.i, COUNT(DISTINCT h.user_id)
FROM r JOIN {unit} u ON u.path LIKE r.path || '%%'
JOIN {position} p ON p.unit_id = u.id
JOIN {holding} h ON h.position_id = p.id
WHERE h.start <= %s AND (h."end" IS NULL OR h."end" >= %s)
AND (r.kinds = '' OR (',' || r.kinds || ',') LIKE ('%%,' || p.kind || ',%%'))
AND NOT EXISTS (
    SELECT 1 FROM {confirmation} c
    WHERE c.user_id = h.user_id AND c.document_id = r.doc AND c.version_number >= COALESCE((
        SELECT MAX(v.number) FROM {version} v JOIN {decision} d ON d.id = v.adoption_id
        WHERE v.document_id = r.doc AND v.number <= r.num AND d.material_change = %s
    ), 0)
)
GROUP BY r.i
"""


def unread_counts(versions: list[DocumentVersion], day) -> dict[int, int]:
    """Version pk -> how many people who must confirm reading it (the audience of
    ``waiting_for``: holders on ``day`` in its scope and below, of its type's kinds) have
    no confirmation that counts, for the versions that ask for reading (their adoption,
    type and scope unit loaded). One query for any number of versions; none when no
    version asks. The rows go in as a VALUES list (SQLite allows 500 UNION parts)."""
    asking = [v for v in versions if v.scope_unit_id and asks_reading(v)]
    if not asking:
        return {}
    rows, params = [], []
    for i, version in enumerate(asking):
        rows.append("(%s, %s, %s, %s, %s)")
        kinds = ",".join(kinds_of(version.document_type.reading_position_kinds))
        params += [i, version.scope_unit.path, kinds, version.document_id, version.number]
    sql = _UNREAD_SQL.format(
        rows=", ".join(rows),
        unit=Unit._meta.db_table,
        position=Position._meta.db_table,
        holding=PositionHolding._meta.db_table,
        confirmation=ReadConfirmation._meta.db_table,
        version=DocumentVersion._meta.db_table,
        decision=DocumentVersion._meta.get_field("adoption").related_model._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, day, day, True])
        found = dict(cursor.fetchall())
    return {version.pk: found.get(i, 0) for i, version in enumerate(asking)}
