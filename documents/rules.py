"""The adoption rule set and the samverkan level rule: the one place they live.

Everything that needs to know who may adopt a document, or which samverkan
group consults on it, asks this module: forms, views, the workflow, the admin
and commands. Answers carry a Swedish explanation (through gettext) so a
refusal can always say why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from org.models import BODY_RANK, Body, BodyKind, Position, Process, SamverkanGroup, Unit
from org.selectors import top_unit

from .models import AdoptionRule, DeciderKind, DocumentType


@dataclass(frozen=True)
class Decider:
    """A concrete body or position that may adopt a document, and why."""

    reason: str
    body: Body | None = None
    position: Position | None = None
    via_higher_body: bool = False

    @property
    def key(self) -> tuple[str, int]:
        return ("body", self.body.pk) if self.body else ("position", self.position.pk)

    @property
    def is_body(self) -> bool:
        return self.body is not None

    def __str__(self) -> str:
        return str(self.body or self.position)


@dataclass(frozen=True)
class Deciders:
    """The answer to "who may adopt this?": allowed deciders and unresolvable rules."""

    allowed: list[Decider]
    unresolved: list[str] = field(default_factory=list)

    def find(self, *, body: Body | None = None, position: Position | None = None) -> Decider | None:
        for d in self.allowed:
            if body is not None and d.body is not None and d.body.pk == body.pk:
                return d
            if position is not None and d.position is not None and d.position.pk == position.pk:
                return d
        return None

    @property
    def explanation(self) -> str:
        return " ".join([d.reason for d in self.allowed if not d.via_higher_body] + self.unresolved)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str
    decider: Decider | None = None


@dataclass(frozen=True)
class SamverkanRouting:
    required: bool
    reason: str
    group: SamverkanGroup | None = None


def _single_body(kind: str) -> Body | None:
    return Body.objects.filter(kind=kind, is_active=True).order_by("pk").first()


def _higher_bodies(body: Body) -> list[Body]:
    rank = BODY_RANK.get(body.kind, 0)
    higher_kinds = [k for k, r in BODY_RANK.items() if r > rank]
    return list(Body.objects.filter(kind__in=higher_kinds, is_active=True).order_by("kind"))


def allowed_deciders(
    document_type: DocumentType, scope_unit: Unit, process: Process | None = None
) -> Deciders:
    """Which concrete bodies or positions may adopt a document of this type and scope."""
    types = document_type.name_plural
    allowed: list[Decider] = []
    unresolved: list[str] = []
    # Rules that do not apply to this scope; they explain a refusal only when
    # nobody at all may adopt (otherwise they would be noise).
    not_applicable: list[str] = []
    rules = list(AdoptionRule.objects.filter(document_type=document_type))
    if not rules:
        unresolved.append(
            _("No one may adopt %(types)s: the rule set has no entry for the type.")
            % {"types": types}
        )

    for rule in rules:
        kind = rule.decider
        body: Body | None = None
        if kind == DeciderKind.COUNCIL:
            body = _single_body(BodyKind.COUNCIL)
            if body:
                allowed.append(
                    Decider(
                        _("%(types)s are adopted by %(body)s.") % {"types": types, "body": body},
                        body=body,
                    )
                )
            else:
                unresolved.append(
                    _("%(types)s are adopted by the municipal council, but none is configured.")
                    % {"types": types}
                )
        elif kind == DeciderKind.EXECUTIVE_BOARD:
            body = _single_body(BodyKind.EXECUTIVE_BOARD)
            if body:
                allowed.append(
                    Decider(
                        _("%(types)s may be adopted by %(body)s.") % {"types": types, "body": body},
                        body=body,
                    )
                )
            else:
                unresolved.append(
                    _("%(types)s may be adopted by the executive board, but none is configured.")
                    % {"types": types}
                )
        elif kind in (DeciderKind.RESPONSIBLE_COMMITTEE, DeciderKind.COMPANY_BOARD):
            wanted = (
                BodyKind.COMMITTEE
                if kind == DeciderKind.RESPONSIBLE_COMMITTEE
                else BodyKind.COMPANY_BOARD
            )
            responsible = scope_unit.effective_responsible_body()
            if responsible is not None and responsible.kind == wanted and responsible.is_active:
                body = responsible
                msg = (
                    _(
                        "%(types)s for %(unit)s may be adopted by the committee responsible for it, %(body)s."
                    )
                    if wanted == BodyKind.COMMITTEE
                    else _(
                        "%(types)s for %(unit)s may be adopted by the company board responsible for it, %(body)s."
                    )
                )
                allowed.append(
                    Decider(msg % {"types": types, "unit": scope_unit, "body": body}, body=body)
                )
            else:
                msg = (
                    _(
                        "%(types)s may be adopted by the committee responsible for the scope, but no committee is responsible for %(unit)s."
                    )
                    if wanted == BodyKind.COMMITTEE
                    else _(
                        "%(types)s may be adopted by the company board responsible for the scope, but no company board is responsible for %(unit)s."
                    )
                )
                not_applicable.append(msg % {"types": types, "unit": scope_unit})
        elif kind == DeciderKind.MUNICIPAL_CHIEF:
            top = top_unit()
            position = top.chief_position if top else None
            if position:
                allowed.append(
                    Decider(
                        _("%(types)s may be adopted by the %(title)s (%(position)s).")
                        % {"types": types, "title": top.level.chief_title, "position": position},
                        position=position,
                    )
                )
            else:
                unresolved.append(
                    _(
                        "%(types)s may be adopted by the municipal chief, but that position is not configured."
                    )
                    % {"types": types}
                )
        elif kind == DeciderKind.UNIT_CHIEF:
            position = scope_unit.chief_position
            if position:
                allowed.append(
                    Decider(
                        _(
                            "%(types)s for %(unit)s are adopted by the chief of the unit, the %(title)s (%(position)s)."
                        )
                        % {
                            "types": types,
                            "unit": scope_unit,
                            "title": scope_unit.level.chief_title,
                            "position": position,
                        },
                        position=position,
                    )
                )
            else:
                unresolved.append(
                    _(
                        "%(types)s for %(unit)s are adopted by the unit's chief, but %(unit)s has no chief position."
                    )
                    % {"types": types, "unit": scope_unit}
                )
        elif kind == DeciderKind.PROCESS_OWNER:
            if process is None:
                unresolved.append(
                    _(
                        "%(types)s are adopted by the owner of the process they belong to, but no process is given."
                    )
                    % {"types": types}
                )
            else:
                allowed.append(
                    Decider(
                        _(
                            "%(types)s are adopted by the process owner of the process %(process)s (%(position)s)."
                        )
                        % {"types": types, "process": process, "position": process.owner_position},
                        position=process.owner_position,
                    )
                )
        if body is not None and rule.allow_higher_bodies:
            for higher in _higher_bodies(body):
                allowed.append(
                    Decider(
                        _("%(body)s may adopt it as a body above %(lower)s.")
                        % {"body": higher, "lower": body},
                        body=higher,
                        via_higher_body=True,
                    )
                )

    if not allowed:
        unresolved.extend(not_applicable)
    unique: dict[tuple[str, int], Decider] = {}
    for d in allowed:
        if d.key not in unique or (unique[d.key].via_higher_body and not d.via_higher_body):
            unique[d.key] = d
    return Deciders(allowed=list(unique.values()), unresolved=unresolved)


def check_decider(
    document_type: DocumentType,
    scope_unit: Unit,
    process: Process | None = None,
    *,
    body: Body | None = None,
    position: Position | None = None,
) -> Verdict:
    """May this body or position adopt the document? Refusals explain the rule."""
    if (body is None) == (position is None):
        raise ValueError("Give exactly one of body or position.")
    deciders = allowed_deciders(document_type, scope_unit, process)
    found = deciders.find(body=body, position=position)
    if found:
        return Verdict(True, found.reason, found)
    candidate = body or position
    reason = _("%(candidate)s may not adopt this document.") % {"candidate": candidate}
    return Verdict(False, f"{reason} {deciders.explanation}".strip())


def samverkan_for(document_type: DocumentType, scope_unit: Unit) -> SamverkanRouting:
    """Which samverkan group consults on a document: the closest one above its scope."""
    if not document_type.samverkan_required:
        return SamverkanRouting(
            required=False,
            reason=_("Samverkan is not required for %(types)s under the rule set.")
            % {"types": document_type.name_plural},
        )
    groups = {
        g.unit_id: g
        for g in SamverkanGroup.objects.filter(unit_id__in=scope_unit.ancestor_ids).select_related(
            "unit", "chair_position"
        )
    }
    for unit_id in reversed(scope_unit.ancestor_ids):
        group = groups.get(unit_id)
        if group is None:
            continue
        if unit_id == scope_unit.pk:
            reason = _(
                "The document applies to %(unit)s, so %(group)s (%(level)s level) consults on it."
            )
        else:
            reason = _(
                "The document applies to %(unit)s, which has no samverkan group of its own; the closest "
                "group above it is %(group)s (%(level)s level)."
            )
        return SamverkanRouting(
            required=True,
            group=group,
            reason=reason
            % {"unit": scope_unit, "group": group, "level": group.get_level_display().lower()},
        )
    return SamverkanRouting(
        required=True,
        reason=_(
            "Samverkan is required, but no samverkan group serves %(unit)s or any unit above it."
        )
        % {"unit": scope_unit},
    )


def preparing_bodies(body: Body) -> list[Body]:
    """Bodies a matter for ``body`` passes first, in order (e.g. KSAU, KS before KF)."""
    return body.preparing_bodies()
