"""Drafting: saving the draft, submitting it (a new document or version), and the
repeal's draft (its motivation)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from documents import rules
from documents import services as document_services
from documents.models import Document, DocumentStatus, DocumentVersion
from documents.sanitize import clean_html

from .. import access, routing
from ..models import Case
from ..refusals import (
    DeciderNotAllowed,
    DraftEmpty,
    InvalidFile,
    NoSecretaryPosition,
    NoSuchCase,
    NoUnionRepresentatives,
    RepealMotivationMissing,
    SamverkanGroupMissing,
    TitleMissing,
    refuse,
)
from .base import Step, check_files_first, resolve_decider, step_files
from .engine import representatives_of


def _apply_version_text(version: DocumentVersion, title, body) -> list[str]:
    """Set the version's title and text; the names of what changed."""
    changes = []
    if title is not None:
        if not title:
            raise TitleMissing()
        if title != version.title:
            version.title = title
            changes.append("title")
    if body is not None:
        cleaned = clean_html(body)
        if cleaned != version.body:
            version.body = cleaned
            changes.append("text")
    version.save()
    return changes


def _apply_document_fields(document: Document, *, title, summary, is_public) -> list[str]:
    """Set the document's own fields (its title only while it is a draft)."""
    fields = []
    if summary is not None and summary != document.summary:
        document.summary = summary
        fields.append("summary")
    if is_public is not None and is_public != document.is_public:
        document.is_public = is_public
        fields.append("is_public")
    if document.status == DocumentStatus.DRAFT and title:
        document.title = title
        fields.append("title")
    if fields:
        document.save(update_fields=fields)
    return fields


def _apply_decider(case: Case, key: str) -> list[str]:
    chosen = resolve_decider(case.document, key)
    if (chosen.body, chosen.position) == (case.decider_body, case.decider_position):
        return []
    case.decider_body, case.decider_position = chosen.body, chosen.position
    case.save_later(["decider_body", "decider_position"])
    return ["decider"]


def _add_upload(step: Step, upload) -> None:
    try:
        document_services.add_version_file(
            step.case.version, upload, user=step.user, acting=step.acting, case=step.case
        )
    except ValidationError as exc:
        raise InvalidFile(" ".join(exc.messages)) from exc


def _add_co_authors(step: Step, co_authors) -> None:
    case = step.case
    for co_author in co_authors or []:
        if not case.authors.filter(pk=co_author.pk).exists():
            case.authors.add(co_author)
            step.record(
                "coauthor_added",
                target=case,
                comment=co_author.get_full_name() or co_author.username,
            )


def apply_draft(
    step: Step,
    *,
    title=None,
    summary=None,
    body=None,
    upload=None,
    decider=None,
    is_public=None,
    co_authors=None,
    **ignored,
) -> None:
    """Write the draft's input to the version, the document and the case; audit what changed."""
    case = step.case
    title = title.strip() if title is not None else None
    changes = _apply_version_text(case.version, title, body)
    changes += _apply_document_fields(
        case.document, title=title, summary=summary, is_public=is_public
    )
    if decider is not None:
        changes += _apply_decider(case, decider)
    if upload is not None:
        _add_upload(step, upload)
    _add_co_authors(step, co_authors)
    if changes:
        step.record("draft_saved", target=case.version, comment=", ".join(changes))


def save_draft(*, user, case_id: int, **data) -> Case:
    """Save the draft without submitting it (authors, while the case is in drafting)."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise NoSuchCase()
    check_files_first(step_files(data), lambda: access.can_edit_draft(user, case))
    flow_class = case.flow_class
    with transaction.atomic(), flow_class.lock(case.pk):
        case = Case.objects.select_related("document__document_type", "version").get(pk=case_id)
        permit = access.can_edit_draft(user, case)
        if not permit:
            raise refuse(permit)
        acting = access.acting_in(user)
        apply_draft(
            Step(user=user, acting=acting[0] if acting else None, case=case, task=None), **data
        )
    return case


def _check_routing(case: Case) -> rules.SamverkanRouting:
    """The decider must be allowed, samverkan possible and every body able to prepare."""
    document = case.document
    verdict = rules.check_decider(
        document.document_type,
        document.scope_unit,
        document.process,
        body=case.decider_body,
        position=None if case.decider_body_id else case.decider_position,
    )
    if not verdict.allowed:
        raise DeciderNotAllowed(verdict.reason)
    answer = rules.samverkan_for(document.document_type, document.scope_unit)
    if answer.required and answer.group is None:
        raise SamverkanGroupMissing(answer.reason)
    if answer.group is not None and not representatives_of(case, answer.group):
        raise NoUnionRepresentatives(group=answer.group)
    if case.decider_body_id:
        for body in [*routing.preparing_chain(case), case.decider_body]:
            if body.secretary_position_id is None:
                raise NoSecretaryPosition(body=body)
    return answer


def submit_draft(step: Step, **data) -> None:
    apply_draft(step, **data)
    case, version = step.case, step.case.version  # as apply_draft saved it
    if not version.body.strip() and not version.files.exists():
        raise DraftEmpty()
    answer = _check_routing(case)
    case.samverkan_group = answer.group
    case.samverkan_note = answer.reason
    case.round += 1
    case.preparation_index = 0
    case.save_later(["samverkan_group", "samverkan_note", "round", "preparation_index"])


def submit_repeal_draft(step: Step, *, motivation: str = "", decider=None, **ignored) -> None:
    case = step.case
    motivation = (motivation or "").strip()
    if not motivation:
        raise RepealMotivationMissing()
    case.repeal_motivation = motivation
    if decider is not None:
        chosen = resolve_decider(case.document, decider)
        case.decider_body, case.decider_position = chosen.body, chosen.position
    case.round += 1
    case.preparation_index = 0
    case.save_later(
        ["repeal_motivation", "decider_body", "decider_position", "round", "preparation_index"]
    )
