"""Who may see which document and version (register side). Case material is in
workflows.access; a document or version that is case material is visible exactly to
those who may see one of its cases.

The rules, each once, with a queryset expression that says the same:

- register versions (valid, superseded, repealed) of a valid or repealed document:
  public documents for everyone, anonymous visitors included; internal ones for every
  logged-in user;
- everything else (drafts, adopted but not yet valid, rejected; documents never
  adopted): only for those who may see one of its cases.

Tests compare each ``can_view_x`` with ``visible_x`` over a populated municipality.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import DiaryEntry, Document, DocumentStatus, DocumentVersion, VersionStatus

# Versions that belong to the register: whoever may see the document may see them. Other
# versions (drafts, adopted but not yet valid, rejected) are case material.
REGISTER_VERSION_STATUSES = (
    VersionStatus.VALID,
    VersionStatus.SUPERSEDED,
    VersionStatus.REPEALED,
)
# Documents in the register; the others (never adopted) are case material.
REGISTER_DOCUMENT_STATUSES = (DocumentStatus.VALID, DocumentStatus.REPEALED)


def _logged_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _may_read_register(user, document: Document) -> bool:
    """The register rule: public documents for everyone, internal ones for logged-in users."""
    return document.is_public or _logged_in(user)


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
    from workflows import access as case_access

    return case_access.visible_cases(user).values("pk")


def _any_case_visible(user, cases) -> bool:
    if not _logged_in(user):
        return False
    from workflows import access as case_access

    return any(case_access.can_view_case(user, c) for c in cases)


def can_view_document(user, document: Document) -> bool:
    """Valid and repealed documents by the register rule; documents that were never
    adopted are case material, visible through their case."""
    if document.status in REGISTER_DOCUMENT_STATUSES:
        return _may_read_register(user, document)
    return _any_case_visible(user, document.cases.all())


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
    from workflows.models import Case

    return Case.objects.filter(pk__in=case_ids).values("document_id")


def can_view_version(user, version: DocumentVersion) -> bool:
    """A version of the register (valid, superseded, repealed) by the register rule (such a
    version's document is always valid or repealed); drafts, adopted-not-yet-valid and
    rejected versions only for those who may see one of the version's cases."""
    if version.status in REGISTER_VERSION_STATUSES:
        return _may_read_register(user, version.document)
    return _any_case_visible(user, version.cases.all())


def register_versions_q(user) -> Q:
    """Register versions the user may see (the register's and the API's visibility)."""
    q = Q(status__in=REGISTER_VERSION_STATUSES)
    if register_public_only(user):
        q &= Q(is_public=True)  # the document's, copied to its versions
    return q


def visible_versions(user) -> QuerySet[DocumentVersion]:
    """Versions the user may see: the same rules as ``can_view_version``."""
    from workflows.models import Case

    q = register_versions_q(user)
    if _logged_in(user):
        q |= ~Q(status__in=REGISTER_VERSION_STATUSES) & Q(
            pk__in=Case.objects.filter(pk__in=_visible_case_ids(user)).values("version_id")
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
    from org.selectors import acting_in
    from workflows.access import is_administrator, is_registrar

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


def _every_row_for_administrators(user) -> bool:
    from workflows.access import is_administrator

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
    from workflows.access import visible_cases

    return entries.filter(
        Q(case__in=visible_cases(user).values("pk"))
        | Q(versions__in=visible_versions(user).values("pk"))
    ).distinct()
