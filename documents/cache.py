"""Caching of register output, invalidated by a generation counter in the database.

Whatever the register shows (documents, versions, decisions, diary entries, types, units,
positions, processes, bodies) bumps ``RegisterGeneration`` when it is saved or deleted, once
the transaction has committed. Cached output is keyed by the generation read at the start
of a request (one primary-key query) and by the day, so:

* a change is visible to every process on its next request (no shared cache needed);
* a request that read the old generation may store what it rendered under the old key, but
  nobody reads the old key after the bump;
* "valid today" moves on at midnight by itself.

Two things are cached: the filter form's choices (every unit, owner position, process, body
and type: ~1,100 rows per request otherwise, now read in one query when the generation
moves on) and the names a row shows, in this process's memory, and the anonymous register
page, whole (``CachedPage``), in Django's cache (``CACHES``: per process by default, shared
by every app server with ``CACHE_URL``; the last few pages read are also kept in the process). Since the generation is read from the database on every
request, several app servers need no shared cache to be right, only to render less.
Writes that bypass ``save()`` (``QuerySet.update``, raw SQL) must call ``bump()`` themselves.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape

from config.shared import cache_or

from .models import RegisterGeneration
from .widgets import FastSelect

PAGE_TTL = 600  # seconds; a bound on memory, not on staleness (the generation handles that)
_CHOICES: dict[int, dict[str, ChoiceList]] = {}


def current() -> int | None:
    """The register's generation now (one primary-key query); None (nothing is cached)
    until the first change has been committed.

    Read on every request rather than remembered in the process for a moment: the
    generation lives in the database, so every app server sees a change on its next
    request, with or without a shared cache. The SQL is written out because building it
    with the ORM cost more than running it, and an anonymous cache hit does little else."""
    connection = connections[router.db_for_read(RegisterGeneration)]
    with connection.cursor() as cursor:
        cursor.execute(_current_sql(connection))
        row = cursor.fetchone()
    return row[0] if row is not None else None


def _current_sql(connection) -> str:
    quote, meta = connection.ops.quote_name, RegisterGeneration._meta
    return (
        f"SELECT {quote(meta.get_field('value').column)} FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.pk.column)} = 1"
    )


def bump() -> None:
    """Move the generation on once the current transaction commits (at once outside one).

    However many rows a transaction saves (an import saves thousands), the generation moves
    once: every change asks for a move after the commit, and the moves asked for since the
    last one ran are one ``_Moves``: the first to run moves the generation, the rest see it
    done. (A move asked for in a savepoint that was rolled back is dropped by Django; the
    others still stand.)"""
    connection = transaction.get_connection()
    moves = getattr(connection, "_styrdok_register_moves", None)
    if moves is None or moves.done:
        moves = connection._styrdok_register_moves = _Moves()
    transaction.on_commit(moves.run)


class _Moves:
    """The generation's move asked for by the changes of one transaction (``bump``)."""

    done = False

    def run(self) -> None:
        if not self.done:
            self.done = True
            _bump_now()


def _bump_now() -> None:
    if not RegisterGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        # A random start: a database rebuilt (or a test's rolled back) never reuses the
        # generations whose output a running process may still hold.
        start = secrets.randbelow(2**62)
        RegisterGeneration.objects.get_or_create(pk=1, defaults={"value": start})


@dataclass
class ChoiceList:
    """One filter's choices: light model instances (id and label fields only; any other
    field is deferred, read from the database if something asks for it) and their
    ``<option>`` elements, rendered once (``documents.widgets.FastSelect``)."""

    objects: list
    _options: list[tuple[str, str]] | None = None

    @property
    def options(self) -> list[tuple[str, str]]:
        """``(value, '<option value="…">label</option>')`` for each object, in order."""
        if self._options is None:
            self._options = [
                (str(obj.pk), FastSelect.option_html(obj.pk, str(obj))) for obj in self.objects
            ]
        return self._options


# The register's filter lists: name -> (model, label and sort fields, rows, sort key).
def _choice_sources():
    from org.models import Body, Position, Process, Unit

    from .models import Document, DocumentType

    return {
        "unit": (Unit, ("name", "path"), Unit.objects.filter(is_active=True), "path"),
        "process": (Process, ("name", None), Process.objects.all(), "name"),
        "owner": (
            Position,
            ("title", None),
            Position.objects.filter(pk__in=Document.objects.values("owner_position_id")),
            "title",
        ),
        "body": (Body, ("name", "kind"), Body.objects.filter(is_active=True), "body"),
        "type": (
            DocumentType,
            ("name", "ordering"),
            DocumentType.objects.filter(is_active=True),
            "type",
        ),
    }


_SORT_KEYS = {
    "path": lambda o: o.path,
    "name": lambda o: o.name,
    "title": lambda o: o.title,
    # The models' own orderings: bodies by kind descending, then name; types by ordering.
    "body": lambda o: (_descending(o.kind), o.name),
    "type": lambda o: (o.ordering, o.name),
}


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text) + (1,)


def load_choices() -> dict[str, ChoiceList]:
    """Every filter list of the register in one query (a ``UNION ALL`` of the five).

    Sorted here by each model's ordering (code point order, as SQLite and a C-collated
    PostgreSQL sort), so both databases give the same lists.
    """
    sources = _choice_sources()
    parts = []
    for index, (_model, (label, extra), rows, _key) in enumerate(sources.values()):
        parts.append(
            rows.order_by()
            .annotate(
                _kind=Value(index, output_field=IntegerField()),
                _label=F(label),
                _extra=Cast(F(extra), CharField()) if extra else Value("", CharField()),
            )
            .values_list("_kind", "pk", "_label", "_extra")
        )
    query = parts[0].union(*parts[1:], all=True)
    found: dict[int, list] = {i: [] for i in range(len(sources))}
    for kind, pk, label_value, extra_value in query:
        found[kind].append((pk, label_value, extra_value))
    result = {}
    for index, (name, (model, (label, extra), _rows, key)) in enumerate(sources.items()):
        objects = []
        for pk, label_value, extra_value in found[index]:
            fields, values = ["id", label], [pk, label_value]
            if extra:
                fields.append(extra)
                values.append(int(extra_value) if extra == "ordering" else extra_value)
            objects.append(model.from_db(None, fields, values))
        result[name] = ChoiceList(sorted(objects, key=_SORT_KEYS[key]))
    return result


def _kept(store: dict, generation: int | None, load):
    """What ``load()`` returns, kept in ``store`` (this process) for ``generation`` only;
    read afresh each time while there is no generation yet."""
    if generation is None:
        return load()
    found = store.get(generation)
    if found is None:
        found = load()
        store.clear()
        store[generation] = found
    return found


def choices(generation: int | None) -> dict[str, ChoiceList]:
    """The register's filter lists, kept in this process for ``generation`` (read in one
    query when it moves on)."""
    return _kept(_CHOICES, generation, load_choices)


# --- Names the register's rows show -----------------------------------------------

_NAMES: dict[int, dict[str, dict[int, object]]] = {}


def _name_sources():
    from org.models import Body, Position, Unit

    from .models import DiarySeries, DocumentType

    return {
        "type": (DocumentType, "name"),
        "unit": (Unit, "name"),
        "body": (Body, "name"),
        "position": (Position, "title"),
        "series": (DiarySeries, "code"),
    }


def load_names() -> dict[str, dict[int, object]]:
    """Every document type, unit, body, position and diary series as a light instance (id
    and the one field a register row shows; the rest deferred), by id, in one query."""
    sources = _name_sources()
    parts = [
        model.objects.order_by()
        .annotate(_kind=Value(index, output_field=IntegerField()), _label=F(label))
        .values_list("_kind", "pk", "_label")
        for index, (model, label) in enumerate(sources.values())
    ]
    kinds = list(sources.items())
    found: dict[str, dict[int, object]] = {name: {} for name in sources}
    for kind, pk, label_value in parts[0].union(*parts[1:], all=True):
        name, (model, label) = kinds[kind]
        found[name][pk] = model.from_db(None, ["id", label], [pk, label_value])
    return found


def names(generation: int | None) -> dict[str, dict[int, object]]:
    """The names a register row shows, by kind and id, kept in this process for
    ``generation`` (read in one query when it moves on)."""
    return _kept(_NAMES, generation, load_names)


# The version in the key: pages cached by an older release (shared Redis during a deploy)
# are in another format and must not be read.
PAGE_KEY_PREFIX = "register-page-2"


def page_key(generation: int, language: str, query: str, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"{PAGE_KEY_PREFIX}:{generation}:{day.isoformat()}:{language}:{digest}"


# What differs between two anonymous requests for the same page: the CSRF token of each
# form (``{% csrf_token %}``: Django masks the secret afresh for every token) and the
# language switcher's ``next`` field (the request's own path, as it was sent).
_CSRF_VALUE = r'(?<=<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(?=")'
_CSRF, _NEXT = "csrf", "next"


def _next_field(path: str) -> str:
    return f'<input name="next" type="hidden" value="{escape(path)}">'


@dataclass(frozen=True)
class CachedPage:
    """A whole page with the per-request parts cut out: ``parts[0]``, the slot ``slots[0]``
    (a fresh CSRF token, or the request's ``next`` field), ``parts[1]``, and so on. The
    parts are UTF-8 already, and plain tuples pickle small for a shared cache."""

    parts: tuple[bytes, ...]
    slots: tuple[str, ...]

    @classmethod
    def cut(cls, html: str, request: HttpRequest) -> CachedPage | None:
        """``html`` as rendered for ``request``, with its per-request parts cut out; None
        when a CSRF token is left that was not cut (the page is then not cached rather than
        cached with someone's token)."""
        next_field = _next_field(request.get_full_path())
        parts: list[str] = []
        slots: list[str] = []
        start = 0
        for match in re.finditer(f"{_CSRF_VALUE}|{re.escape(next_field)}", html):
            parts.append(html[start : match.start()])
            slots.append(_NEXT if match.group() == next_field else _CSRF)
            start = match.end()
        parts.append(html[start:])
        if sum(part.count("csrfmiddlewaretoken") for part in parts) != slots.count(_CSRF):
            return None
        return cls(tuple(part.encode() for part in parts), tuple(slots))

    def fill(self, request: HttpRequest) -> bytes:
        """The page for ``request`` (UTF-8): a fresh CSRF token in each form (as
        ``{% csrf_token %}`` gives, and setting the CSRF cookie as it does)."""
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            if slot == _CSRF:
                out.append(get_token(request).encode())
            else:
                out.append(_next_field(request.get_full_path()).encode())
            out.append(part)
        return b"".join(out)


# The pages last read from the cache, in this process: a hit then costs no cache round
# trip (and no unpickling of the page). Never stale: the key holds the generation, read
# from the database on every request.
_PAGES: dict[str, CachedPage] = {}
_PAGES_KEPT = 32


def get_page(key: str) -> CachedPage | None:
    """The cached page, or None (also when the cache cannot be reached)."""
    page = _PAGES.get(key)
    if page is None:
        found = cache_or("the register's page", lambda: cache.get(key), lambda: None)
        if isinstance(found, CachedPage):
            _keep(key, found)
            page = found
    return page


def set_page(key: str, page: CachedPage) -> None:
    _keep(key, page)
    cache_or("the register's page", lambda: cache.set(key, page, PAGE_TTL), lambda: None)


def _keep(key: str, page: CachedPage) -> None:
    if len(_PAGES) >= _PAGES_KEPT:
        _PAGES.clear()  # a bound on memory; simpler than an LRU, and safe across threads
    _PAGES[key] = page


# --- What bumps the generation -----------------------------------------------------

REGISTER_VERSION_STATUSES = {"valid", "superseded", "repealed"}


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the loader bumps once at the end, if at all
        return
    if sender.__name__ == "DocumentVersion" and instance.status not in REGISTER_VERSION_STATUSES:
        return  # drafts, adopted and rejected versions are not in the register
    bump()


def connect() -> None:
    """Called from ``DocumentsConfig.ready``."""
    from org.models import Body, Position, Process, Unit

    from .models import Decision, DiaryEntry, DiarySeries, Document, DocumentType, DocumentVersion

    for model in (
        Document,
        DocumentVersion,
        Decision,
        DiaryEntry,
        DiarySeries,
        DocumentType,
        Unit,
        Position,
        Process,
        Body,
    ):
        uid = f"register-generation-{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
