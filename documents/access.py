"""Who may see which document and version (register side). Case material is in
workflows.access; a document or version that is case material is visible exactly to
those who may see one of its cases.

documents is below workflows and imports nothing from it: what this module needs to know
about cases it asks the ``CaseQuestions`` hook, which workflows registers in
``WorkflowsConfig.ready`` (``register_case_questions``). Without workflows there are no
cases, and case material is visible to nobody.

The rules, each once, with a queryset expression that says the same:

- register versions (valid, superseded, repealed) of a valid or repealed document:
  public documents for everyone, anonymous visitors included; internal ones for every
  logged-in user;
- everything else (drafts, adopted but not yet valid, rejected; documents never
  adopted): only for those who may see one of its cases.

Tests compare each ``can_view_x`` with ``visible_x`` over a populated municipality.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet

from config.compiled_query import CompiledQuery
from org.access import is_administrator
from org.models import Position, PositionHolding, PositionKind, Unit
from org.selectors import Acting, acting_in, acting_users_of_kind, today

from .models import (
    DiaryCaseFacts,
    DiaryEntry,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)

# Versions that belong to the register: whoever may see the document may see them. Other
# versions (drafts, adopted but not yet valid, rejected) are case material.
REGISTER_VERSION_STATUSES = (
    VersionStatus.VALID,
    VersionStatus.SUPERSEDED,
    VersionStatus.REPEALED,
)
# Documents in the register; the others (never adopted) are case material.
REGISTER_DOCUMENT_STATUSES = (DocumentStatus.VALID, DocumentStatus.REPEALED)


class CaseQuestions(Protocol):
    """What the register side asks about cases; workflows answers."""

    def visible_case_ids(self, user) -> QuerySet:
        """The pks of the cases ``user`` may see (``values("pk")``)."""
        ...

    def can_view_case(self, user, case: models.Model) -> bool: ...

    def document_ids(self, case_ids: QuerySet) -> QuerySet:
        """The ``document_id`` of the cases ``case_ids``."""
        ...

    def version_ids(self, case_ids: QuerySet) -> QuerySet:
        """The ``version_id`` of the cases ``case_ids``."""
        ...

    def open_case(self, document: Document) -> models.Model | None:
        """The document's open case, if any."""
        ...

    def can_start_case(self, user) -> bool: ...

    def diary_facts(self, entry_ids: list[int]) -> dict[int, DiaryCaseFacts]:
        """What the public e-diarium may say about the cases of the diary entries
        ``entry_ids``, by entry id (one query; entries without a case are left out)."""
        ...

    def diary_entry_ids(self, status: str) -> QuerySet:
        """The ``diary_entry_id`` of the cases in the public ``DiaryStatus`` ``status``."""
        ...


class NoCases:
    """The answers while no app has registered its cases: there are none."""

    def visible_case_ids(self, user) -> QuerySet:
        return Document.objects.none().values("pk")

    def can_view_case(self, user, case: models.Model) -> bool:
        return False

    def document_ids(self, case_ids: QuerySet) -> QuerySet:
        return Document.objects.none().values("pk")

    def version_ids(self, case_ids: QuerySet) -> QuerySet:
        return DocumentVersion.objects.none().values("pk")

    def open_case(self, document: Document) -> models.Model | None:
        return None

    def can_start_case(self, user) -> bool:
        return False

    def diary_facts(self, entry_ids: list[int]) -> dict[int, DiaryCaseFacts]:
        return {}

    def diary_entry_ids(self, status: str) -> QuerySet:
        return DiaryEntry.objects.none().values("pk")


_cases: CaseQuestions = NoCases()


def register_case_questions(answers: CaseQuestions) -> None:
    """Called once by the app that owns cases (workflows), from its ``AppConfig.ready``."""
    global _cases
    _cases = answers


def cases() -> CaseQuestions:
    return _cases


# --- Roles the register side needs (workflows.access uses the same functions) -------------


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_log_in_with_password(user) -> bool:
    """Whether a password (not the municipality's accounts) may log this user in:
    ``LOCAL_LOGIN`` is ``all``, ``admins-only`` (the break-glass path when single sign-on
    is on) or ``none``. Asked by the authentication backend (config.sso)."""
    mode = settings.STYRDOK_LOCAL_LOGIN
    if mode == "all":
        return True
    return mode == "admins-only" and is_administrator(user)


def can_see_mail_queue(user) -> bool:
    """The mail queue and its log in the admin (every mail's text and recipients):
    administrators only."""
    return is_administrator(user)


def registrar_positions() -> QuerySet[Position]:
    """The registrar positions: whoever acts in one (holder or substitute on the day) is
    a registrar, gets the registrar's tasks and is told of them."""
    return Position.objects.filter(kind=PositionKind.REGISTRAR)


# Compiled once per process: the mail of every new registration task asks it.
_REGISTRAR_USERS_QUERY = CompiledQuery(
    lambda day: acting_users_of_kind(PositionKind.REGISTRAR, day), ids=(), day="day"
)


def registrar_users() -> list:
    """Whoever acts in a registrar position today (holder or substitute), each once, in
    one query (``registrar_positions`` and each position's acting users)."""
    return _REGISTRAR_USERS_QUERY.run(day=today())


def registrar_acting(user) -> Acting | None:
    for a in acting_in(user):
        if a.position.kind == PositionKind.REGISTRAR:
            return a
    return None


def is_registrar(user) -> bool:
    return getattr(user, "is_authenticated", False) and registrar_acting(user) is not None


# --- Documents and versions --------------------------------------------------------------


def _logged_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _may_read_register(user, document: Document) -> bool:
    """The register rule: public documents for everyone, internal ones for logged-in users."""
    return document.is_public or _logged_in(user)


def open_case(document: Document) -> models.Model | None:
    """The document's open case (``CaseQuestions.open_case``)."""
    return _cases.open_case(document)


def can_start_case(user) -> bool:
    """Whether ``user`` may start a case (``CaseQuestions.can_start_case``)."""
    return _cases.can_start_case(user)


def can_view_case(user, case: models.Model) -> bool:
    return _cases.can_view_case(user, case)


def register_public_only(user) -> bool:
    """Whether the user's register holds public documents only (an anonymous visitor's)."""
    return not _logged_in(user)


def register_q(user) -> Q:
    """The register rule as a filter on documents."""
    q = Q(status__in=REGISTER_DOCUMENT_STATUSES)
    if register_public_only(user):
        q &= Q(is_public=True)
    return q


def _visible_case_ids(user) -> QuerySet:
    return _cases.visible_case_ids(user)


def _any_case_visible(user, of) -> bool:
    if not _logged_in(user):
        return False
    return any(_cases.can_view_case(user, c) for c in of)


def can_view_document(user, document: Document) -> bool:
    """Valid and repealed documents by the register rule; documents that were never
    adopted are case material, visible through their case."""
    if document.status in REGISTER_DOCUMENT_STATUSES:
        return _may_read_register(user, document)
    return _any_case_visible(user, document.cases.all())


def can_follow(user) -> bool:
    """Following documents and register searches, and choosing how to hear of them:
    anyone logged in."""
    return _logged_in(user)


def can_follow_document(user, document: Document) -> bool:
    """Follow a document: anyone logged in who may see it."""
    return _logged_in(user) and can_view_document(user, document)


def can_stop_following(user, follow) -> bool:
    """A follow is its person's own: only they stop it (and see it)."""
    return _logged_in(user) and follow.user_id == user.pk


def visible_documents(user) -> QuerySet[Document]:
    """Documents the user may see: the same rules as ``can_view_document``."""
    q = register_q(user)
    if _logged_in(user):
        q |= ~Q(status__in=REGISTER_DOCUMENT_STATUSES) & Q(
            pk__in=_case_documents(_visible_case_ids(user))
        )
    return Document.objects.filter(q)


def register_documents(user) -> QuerySet[Document]:
    """Valid and repealed documents the user may see (lists of the register: the start
    page, a document's children); no case material."""
    return Document.objects.filter(register_q(user))


def _case_documents(case_ids: QuerySet) -> QuerySet:
    return _cases.document_ids(case_ids)


def can_view_version(user, version: DocumentVersion) -> bool:
    """A version of the register (valid, superseded, repealed) by the register rule (such a
    version's document is always valid or repealed); drafts, adopted-not-yet-valid and
    rejected versions only for those who may see one of the version's cases."""
    if version.status in REGISTER_VERSION_STATUSES:
        return _may_read_register(user, version.document)
    return _any_case_visible(user, version.cases.all())


def register_versions_q(user, through: str = "") -> Q:
    """Register versions the user may see (the register's and the API's visibility).
    ``through`` is the path to the version from another model (``"version__"`` for
    decisions: the notice board filters by a join, about five times faster at scale than
    by a subquery of the versions)."""
    q = Q(**{f"{through}status__in": REGISTER_VERSION_STATUSES})
    if register_public_only(user):
        q &= Q(**{f"{through}is_public": True})  # the document's, copied to its versions
    return q


def visible_versions(user) -> QuerySet[DocumentVersion]:
    """Versions the user may see: the same rules as ``can_view_version``."""
    q = register_versions_q(user)
    if _logged_in(user):
        q |= ~Q(status__in=REGISTER_VERSION_STATUSES) & Q(
            pk__in=_cases.version_ids(_visible_case_ids(user))
        )
    return DocumentVersion.objects.filter(q)


def can_view_in_search(user, version: DocumentVersion) -> bool:
    """Search shows only register versions the user may open: never a draft, not even to
    its author (drafts are found through the case list)."""
    return version.status in REGISTER_VERSION_STATUSES and can_view_version(user, version)


# --- The health page and the admin's lists --------------------------------------------


def health_scope(user) -> Q | None:
    """Whose documents' health (/register/health/) ``user`` sees, as a filter on valid
    documents: the whole register for the registrar and administrators, the documents
    owned by a position they act in for owners, ``None`` (not the page) for others."""
    if not _logged_in(user):
        return None
    if is_administrator(user) or is_registrar(user):
        return Q()
    owned = [a.position.pk for a in acting_in(user)]
    if not owned or not Document.objects.filter(owner_position__in=owned).exists():
        return None
    return Q(owner_position__in=owned)


def can_see_health_page(user) -> bool:
    """Whether the start page links to the health page (the page asks ``health_scope``)."""
    return health_scope(user) is not None


def can_import_register(user) -> bool:
    """Importing the existing register from a file, and exporting it to one: the registrar
    and administrators."""
    return is_administrator(user) or is_registrar(user)


def can_see_mandate_sweep(user) -> bool:
    """The mandate-period sweep page (/register/mandate-period/): the registrar and
    administrators."""
    return is_administrator(user) or is_registrar(user)


def review_report_acting(user, body) -> Acting | None:
    """The position ``user`` sees ``body``'s review report in: the registrar's, or the
    body's secretary position (holder or substitute today). None when neither."""
    if not _active(user):
        return None
    acting = acting_in(user)
    registrar = next((a for a in acting if a.position.kind == PositionKind.REGISTRAR), None)
    if registrar is not None or body is None:
        return registrar
    return next((a for a in acting if a.position.pk == body.secretary_position_id), None)


def can_see_review_report(user, body) -> bool:
    """The yearly review report: the registrar and administrators for every body and for
    the whole municipality (``body`` None); a body's secretary for that body."""
    return is_administrator(user) or review_report_acting(user, body) is not None


def review_report_bodies(user, bodies: list) -> list:
    """Of ``bodies``, those whose report ``user`` may see."""
    if is_administrator(user) or is_registrar(user):
        return list(bodies)
    if not _active(user):
        return []
    positions = {acting.position.pk for acting in acting_in(user)}  # read once, not per body
    return [body for body in bodies if body.secretary_position_id in positions]


def can_attach_review_report(user, body, case) -> bool:
    """Saving the report as a record of an open case: whoever may see the report, on a
    case the body decides (the registrar and administrators: on any open case)."""
    if not can_see_review_report(user, body) or case.finished is not None:
        return False
    if is_administrator(user) or is_registrar(user):
        return True
    return body is not None and case.decider_body_id == body.pk


def review_report_cases_q(user, body) -> Q | None:
    """The open cases ``user`` may attach ``body``'s report to, as a filter of cases
    (``can_attach_review_report`` for each); None when none."""
    if not can_see_review_report(user, body):
        return None
    if is_administrator(user) or is_registrar(user):
        return Q(finished__isnull=True)
    if body is None:
        return None
    return Q(finished__isnull=True, decider_body=body)


def _every_row_for_administrators(user) -> bool:
    return is_administrator(user)


def visible_documents_in(user, documents: QuerySet[Document]) -> QuerySet[Document]:
    """``documents`` narrowed to those ``user`` may see (``visible_documents``);
    administrators see every one (the admin's lists)."""
    if _every_row_for_administrators(user):
        return documents
    return documents.filter(pk__in=visible_documents(user).values("pk"))


def visible_versions_in(user, versions: QuerySet[DocumentVersion]) -> QuerySet[DocumentVersion]:
    """``versions`` narrowed to those ``user`` may see (``visible_versions``);
    administrators see every one (the admin's lists)."""
    if _every_row_for_administrators(user):
        return versions
    return versions.filter(pk__in=visible_versions(user).values("pk"))


def visible_diary_entries(
    user, entries: QuerySet[DiaryEntry] | None = None
) -> QuerySet[DiaryEntry]:
    """Diary entries (of ``entries``, default all) whose case or one of whose versions
    ``user`` may see; administrators see every one."""
    if entries is None:
        entries = DiaryEntry.objects.all()
    if _every_row_for_administrators(user):
        return entries
    return entries.filter(
        Q(case__in=_visible_case_ids(user)) | Q(versions__in=visible_versions(user).values("pk"))
    ).distinct()


# --- The public e-diarium and open data ---------------------------------------------------
#
# Anonymous visitors see every diarium record's diarienummer, date, series (and its body)
# and status; the subject, the deciding body or unit and the case's documents only of the
# records the registrar marked public (``DiaryEntry.is_public``); never a person's name.


def can_mark_diary_entry_public(user) -> bool:
    """Marking a diarium record public (or hiding it again): the registrar and
    administrators."""
    return is_administrator(user) or is_registrar(user)


def diary_marking_acting(user) -> Acting | None:
    """The position a registrar marks diarium records in (for the audit trail); None for
    administrators who hold none."""
    return registrar_acting(user) if _active(user) else None


def diary_details_public(entry: DiaryEntry) -> bool:
    """Whether the public e-diarium shows ``entry``'s subject, decider and documents."""
    return entry.is_public


def diary_details_public_q() -> Q:
    """``diary_details_public`` as a filter on diary entries (searching subjects)."""
    return Q(is_public=True)


def in_public_register(version: DocumentVersion | None) -> bool:
    """Whether an anonymous visitor may open ``version``: ``can_view_version`` for an
    anonymous user, read from the version's copy of its document's public flag."""
    return version is not None and version.status in REGISTER_VERSION_STATUSES and version.is_public


# --- Read acknowledgement (the reading app asks these) ------------------------------------


def reading_holdings(user, on=None) -> list[tuple[str, str]]:
    """(unit path, position kind) of every position ``user`` holds on the day: whom a
    document that asks for a read acknowledgement applies to is decided from these."""
    if not _logged_in(user):
        return []
    return list(
        PositionHolding.objects.active_on(on or today())
        .filter(user=user)
        .values_list("position__unit__path", "position__kind")
    )


def reading_applies(holdings: list[tuple[str, str]], scope_path: str, kinds: list[str]) -> bool:
    """Whether a document scoped to the unit at ``scope_path``, asking the position kinds
    ``kinds`` (empty: all), asks the holder of ``holdings`` to confirm reading it."""
    return any(
        path.startswith(scope_path) and (not kinds or kind in kinds) for path, kind in holdings
    )


def reading_audience_q(root_path: str, kinds: list[str]) -> Q:
    """The position holdings (held on the day, filtered by the caller) whose holders must
    confirm reading a document: in the unit at ``root_path`` or below, of ``kinds``."""
    q = Q(position__unit__path__startswith=root_path)
    if kinds:
        q &= Q(position__kind__in=kinds)
    return q


def reading_audience_sql(root_path: str, kinds: list[str]) -> tuple[str, list]:
    """``reading_audience_q`` as an SQL condition on ``u`` (the unit) and ``p`` (the
    position) of a holding, with its parameters: for the overview's counts."""
    sql = "u.path LIKE %s"
    params: list = [root_path + "%"]
    if kinds:
        sql += " AND p.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
        params += kinds
    return sql, params


def reading_kinds_text(kinds: list[str]) -> str:
    """The position kinds of an audience as one text for ``reading_audience_join_sql``:
    ``",chief,official,"``, or ``""`` for every kind."""
    return f",{','.join(kinds)}," if kinds else ""


def reading_kinds_join_sql(kinds: str, kind: str = "p.kind") -> str:
    """The position kind at ``kind`` is one of the kinds in the column ``kinds``
    (``reading_kinds_text``; empty: every kind)."""
    return f"({kinds} = '' OR {kinds} LIKE '%%,' || {kind} || ',%%')"


def reading_audience_join_sql(
    root: str, kinds: str, path: str = "u.path", kind: str = "p.kind"
) -> str:
    """``reading_audience_sql`` with the audience in columns rather than parameters: the
    unit at ``path`` and the position kind at ``kind`` belong to the audience whose root
    pattern (the root unit's path and ``%``) is the column ``root`` and whose kinds
    (``reading_kinds_text``) are the column ``kinds``: for counting many audiences in one
    statement."""
    return f"{path} LIKE {root} AND {reading_kinds_join_sql(kinds, kind)}"


def acknowledgement_units(user) -> list[Unit]:
    """The units whose read acknowledgements ``user`` sees (with the units below them):
    those of the chief positions they act in today, as holder or substitute."""
    if not _logged_in(user):
        return []
    return [a.position.unit for a in acting_in(user) if a.position.kind == PositionKind.CHIEF]


def can_see_acknowledgements(user, unit: Unit) -> bool:
    """Whether ``user`` may see who in ``unit`` has confirmed reading: its chief, or the
    chief of a unit above it."""
    return any(unit.path.startswith(mine.path) for mine in acknowledgement_units(user))


def can_manage_rule_set(user) -> bool:
    """Importing a rule-set file (it changes who may adopt what) and downloading the
    current one: administrators, as in the admin."""
    return is_administrator(user)
