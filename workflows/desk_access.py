"""The access rules of the registrar's desk and the bodies' meetings: who sees the desk,
plans meetings, sets a case's meeting, records a meeting's decisions and registers records.
Asked through ``workflows.access`` (which re-exports them) like every other rule.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from documents.access import is_administrator, is_registrar, registrar_acting
from org.models import PositionKind
from org.selectors import acting_as, acting_in

from . import routing
from .models import Case
from .permits import Permit
from .permits import no as _no
from .permits import yes as _yes


def secretary_bodies(user) -> list:
    """The political bodies whose secretary position ``user`` acts in today."""
    from org.models import Body

    if not getattr(user, "is_authenticated", False):
        return []
    position_ids = [a.position.pk for a in acting_in(user)]
    if not position_ids:
        return []
    return list(Body.objects.filter(secretary_position_id__in=position_ids, is_active=True))


def can_see_desk(user) -> Permit:
    """The desk (dashboard, diarium, meetings) is for registrars and the bodies' secretaries.

    Secretaries see the whole dashboard read-only: they prepare matters for their bodies
    and need to see where those matters are; the registrar alone registers records and
    plans meetings of every body.
    """
    from org.models import Body

    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to see the registrar's desk."), "login_required")
    acting = acting_in(user)
    registrar = next((a for a in acting if a.position.kind == PositionKind.REGISTRAR), None)
    if registrar or user.is_superuser:
        return _yes(registrar)
    if Body.objects.filter(
        secretary_position_id__in=[a.position.pk for a in acting], is_active=True
    ).exists():
        return _yes(acting[0])
    return _no(
        _("Only the registrar and the secretaries of the political bodies see the desk."),
        "not_registrar_or_secretary",
    )


def calendar_bodies(user) -> list | None:
    """The bodies whose meetings the desk's meeting page shows and offers to plan: every
    body (``None``) for the registrar and administrators, else the bodies whose secretary
    ``user`` is. Planning itself is checked by ``can_plan_meetings``."""
    if is_administrator(user) or is_registrar(user):
        return None
    return secretary_bodies(user)


def can_see_meeting(user, meeting) -> bool:
    """A meeting's agenda is for everyone who sees the desk: it lists the diarium's lines,
    which the desk shows them anyway; each case keeps its own rule (``can_view_case``)."""
    return can_see_desk(user).allowed


def can_register_records(user, case: Case) -> Permit:
    """Only the registrar registers incoming and outgoing records on a case."""
    acting = registrar_acting(user) if getattr(user, "is_authenticated", False) else None
    if acting is None:
        return _no(_("Only the registrar registers records on a case."), "not_registrar")
    return _yes(acting)


def can_plan_meetings(user, body) -> Permit:
    """The registrar plans every body's meetings; a secretary those of their own body."""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to plan meetings."), "login_required")
    acting = registrar_acting(user)
    if acting:
        return _yes(acting)
    if body is not None and body.secretary_position_id:
        acting = acting_as(user, body.secretary_position)
        if acting:
            return _yes(acting)
    return _no(
        _("Only the registrar or the secretary of %(body)s plans its meetings.") % {"body": body},
        "not_registrar_or_secretary",
    )


def can_set_target_meeting(user, case: Case) -> Permit:
    """The registrar, or the secretary of the deciding body or a preparing body."""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to plan meetings."), "login_required")
    acting = registrar_acting(user)
    if acting:
        return _yes(acting)
    if case.decider_body_id:
        for body in [*routing.preparing_chain(case), case.decider_body]:
            if body.secretary_position_id:
                acting = acting_as(user, body.secretary_position)
                if acting:
                    return _yes(acting)
    return _no(
        _(
            "Only the registrar or a secretary of the deciding or preparing bodies sets the meeting of a case."
        ),
        "not_registrar_or_secretary",
    )


def can_record_meeting_decisions(user, meeting) -> Permit:
    """The secretary of the meeting's body records its decisions (each one is then checked
    like a single decision task by ``can_execute_task``)."""
    if not getattr(user, "is_authenticated", False):
        return _no(_("Log in to record decisions."), "login_required")
    position = meeting.body.secretary_position
    acting = acting_as(user, position) if position is not None else None
    if acting is None:
        return _no(
            _("Only the secretary of %(body)s records the decisions of its meetings.")
            % {"body": meeting.body},
            "not_secretary",
        )
    return _yes(acting)
