"""Starting a case: a new document, a new version of a valid one, or a repeal."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from documents import diarium, rules
from documents.models import (
    DiaryEntry,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
)
from org.models import Position, Process, Unit
from org.selectors import Acting, acting_memo

from .. import access
from ..flows import DocumentFlow, RepealFlow
from ..models import Case, CaseKind
from ..refusals import (
    CaseAlreadyOpen,
    DocumentTypeInactive,
    InvalidDocument,
    NotValidForRepeal,
    NotValidForRevision,
    ParentNotValid,
    TitleMissing,
    refuse,
)
from .base import action_block, resolve_decider

_GIVEN_RELATIONS = ("document_type", "scope_unit", "owner_position", "process", "parent")


def _given_relations(document: Document) -> list[str]:
    return [name for name in _GIVEN_RELATIONS if getattr(document, f"{name}_id") is not None]


def check_startable(document: Document, kind: str) -> None:
    """Refuse a revision or a repeal of ``document`` that cannot start now: it must be valid,
    with its valid version, and have no open case. The start actions ask it under the
    document's lock; the confirmation page before them (``start_preview``)."""
    if document.status != DocumentStatus.VALID or document.current_version_id is None:
        raise NotValidForRepeal() if kind == CaseKind.REPEAL else NotValidForRevision()
    open_case = (
        Case.objects.filter(document=document, finished__isnull=True)
        .select_related("diary_entry__series")
        .first()
    )
    if open_case:
        raise CaseAlreadyOpen(dnr=open_case.diarienummer)


def _allocate(document: Document, decider: rules.Decider, user) -> DiaryEntry:
    return diarium.allocate_for(document, decider.body, user=user)


def _start(
    flow_class,
    *,
    user,
    document: Document,
    version: DocumentVersion | None,
    kind: str,
    decider: rules.Decider,
    acting: Acting | None,
    motivation: str = "",
    entry: DiaryEntry | None = None,
) -> Case:
    entry = entry or _allocate(document, decider, user)
    return flow_class.start.run(
        user=user,
        document=document,
        version=version,
        kind=kind,
        diary_entry=entry,
        decider=decider,
        motivation=motivation,
        acting=acting,
    )


@acting_memo()
def start_new_document(
    *,
    user,
    document_type: DocumentType,
    title: str,
    scope_unit: Unit,
    owner_position: Position,
    process: Process | None = None,
    parent: Document | None = None,
    is_public: bool = True,
    summary: str = "",
) -> Case:
    """An official starts a case for a new document: a draft version and a diarienummer."""
    permit = access.can_start_case(user)
    if not permit:
        raise refuse(permit)
    if not document_type.is_active:
        raise DocumentTypeInactive(type=document_type)
    title = (title or "").strip()
    if not title:
        raise TitleMissing()
    with action_block():
        document = Document(
            title=title,
            document_type=document_type,
            scope_unit=scope_unit,
            process=process,
            owner_position=owner_position,
            parent=parent,
            is_public=is_public,
            summary=summary,
            # Its case opens in this transaction (below): flagged from the first, and so
            # its first version, which copies the flag when it is inserted.
            has_open_case=True,
        )
        try:
            # The related rows given are rows read from the database: no query to check
            # that they exist; an empty one is still refused by its field.
            document.full_clean(exclude=["current_version", *_given_relations(document)])
        except ValidationError as exc:
            raise InvalidDocument(" ".join(exc.messages)) from exc
        if parent is not None and parent.status != DocumentStatus.VALID:
            raise ParentNotValid()
        document.save()
        decider = resolve_decider(document, None)
        entry = _allocate(document, decider, user)
        version = DocumentVersion(
            document=document, number=1, title=title, created_by=user, diary_entry=entry
        ).copy_columns_from(document)
        version.save(force_insert=True)
        return _start(
            DocumentFlow,
            user=user,
            document=document,
            version=version,
            kind=CaseKind.NEW_DOCUMENT,
            decider=decider,
            acting=permit.acting,
            entry=entry,
        )


@acting_memo()
def start_revision(*, user, document: Document) -> Case:
    """Start a new version of a valid document; its current text becomes the draft."""
    permit = access.can_start_case(user)
    if not permit:
        raise refuse(permit)
    with action_block():
        document = Document.objects.select_for_update().get(pk=document.pk)
        check_startable(document, CaseKind.REVISION)
        current = document.current_version
        number = (
            document.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            title=current.title,
            body=current.body,
            created_by=user,
            replaces=None,
        ).copy_columns_from(document)
        version.save(force_insert=True)
        decider = resolve_decider(document, None)
        return _start(
            DocumentFlow,
            user=user,
            document=document,
            version=version,
            kind=CaseKind.REVISION,
            decider=decider,
            acting=permit.acting,
        )


@acting_memo()
def start_repeal(*, user, document: Document, motivation: str = "") -> Case:
    """Start a case to repeal a valid document."""
    permit = access.can_start_case(user)
    if not permit:
        raise refuse(permit)
    with action_block():
        document = Document.objects.select_for_update().get(pk=document.pk)
        check_startable(document, CaseKind.REPEAL)
        decider = resolve_decider(document, None)
        return _start(
            RepealFlow,
            user=user,
            document=document,
            version=document.current_version,
            kind=CaseKind.REPEAL,
            decider=decider,
            acting=permit.acting,
            motivation=motivation,
        )
