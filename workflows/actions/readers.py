"""Explicit read access to one case (guardian object permissions), granted by the registrar."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from audit import recording as audit

from .. import access
from ..models import Case
from ..refusals import NoSuchCase, ReaderAlreadyGranted, ReaderNotActive, ReaderNotGranted, refuse


def _reader_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="workflows", codename="view_case")


def _case_for_reader_change(user, case_id: int) -> tuple[Case, access.Permit]:
    """Lock the case and check that ``user`` may grant or withdraw read access to it."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NoSuchCase()
    permit = access.can_grant_reader(user, case)
    if not permit:
        raise refuse(permit)
    return case, permit


def _record_reader_change(action: str, user, permit: access.Permit, case: Case, reader) -> None:
    audit.record(
        action,
        actor=user,
        acting=permit.acting,
        target=case,
        case=case,
        comment=reader.get_full_name() or reader.get_username(),
    )


def grant_case_reader(*, user, case_id: int, reader) -> Case:
    """The registrar lets ``reader`` read one case (e.g. an expert asked for an opinion)."""
    with transaction.atomic():
        case, permit = _case_for_reader_change(user, case_id)
        if reader is None or not reader.is_active:
            raise ReaderNotActive()
        if access.has_reader_grant(reader, case):
            raise ReaderAlreadyGranted(name=reader.get_full_name() or reader)
        assign_perm(_reader_permission(), reader, case)
        _record_reader_change("reader_granted", user, permit, case, reader)
    return case


def revoke_case_reader(*, user, case_id: int, reader) -> Case:
    """Withdraw a grant made with ``grant_case_reader``."""
    with transaction.atomic():
        case, permit = _case_for_reader_change(user, case_id)
        if reader is None or not access.has_reader_grant(reader, case):
            raise ReaderNotGranted()
        remove_perm(_reader_permission(), reader, case)
        _record_reader_change("reader_revoked", user, permit, case, reader)
    return case
