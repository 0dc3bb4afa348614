"""The adoption rule set and the samverkan level rule: the one place they live.

Everything that needs to know who may adopt a document, or which samverkan
group consults on it, asks this module: forms, views, the workflow, the admin
and commands. Answers carry a Swedish explanation (through gettext) so a
refusal can always say why.

Each decider kind has one resolver in ``RESOLVERS``. A rule may be limited to the
decider's own area (``AdoptionRule.only_own_area``), which is, per kind:

- KF: the whole municipality (so the option is refused);
- KS: the units whose effective responsible body is KS (``Unit.responsible_body``,
  inherited by the units below unless they name their own);
- the responsible nämnd / company board: the units whose effective responsible body it
  is (always: the kind names the scope's own body);
- the municipal chief: the top unit's subtree, the whole municipality (refused);
- the unit chief: their own unit, the scope itself (always);
- the process owner: their process, in the part of the organisation it runs in
  (``Process.unit`` and the units below it).

The order deciders are offered in and their keys in forms live here too. See
docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.compiled_query import CompiledQuery
from org.models import (
    BODY_RANK,
    Body,
    BodyKind,
    Position,
    PositionKind,
    Process,
    SamverkanGroup,
    Unit,
)
from org.selectors import top_unit

from .models import AdoptionRule, DeciderKind, DocumentType


def decider_key(*, body_id: int | None = None, position_id: int | None = None) -> str:
    """A decider's stable key in forms and posted data: ``body:<pk>`` or ``position:<pk>``."""
    return f"body:{body_id}" if body_id is not None else f"position:{position_id}"


@dataclass(frozen=True)
class Decider:
    """A concrete body or position that may adopt a document, and why."""

    reason: str
    body: Body | None = None
    position: Position | None = None
    via_higher_body: bool = False

    @property
    def key(self) -> str:
        if self.body is not None:
            return decider_key(body_id=self.body.pk)
        return decider_key(position_id=self.position.pk)

    @property
    def is_body(self) -> bool:
        return self.body is not None

    def __str__(self) -> str:
        return str(self.body or self.position)


# The order deciders are offered in; the first is the default when a case starts. Bodies
# before officials; among bodies the one closest to the matter first (a nämnd or company
# board, then KS, then KF), and a body allowed only as a body above another after those
# allowed directly; among officials the process owner before a chief.
BODY_OFFERING_ORDER = {
    BodyKind.COMMITTEE: 0,
    BodyKind.COMPANY_BOARD: 1,
    BodyKind.EXECUTIVE_BOARD: 2,
    BodyKind.COUNCIL: 3,
}
POSITION_OFFERING_ORDER = {PositionKind.PROCESS_OWNER: 0, PositionKind.CHIEF: 1}
_UNRANKED = 9


def offering_rank(decider: Decider) -> tuple[bool, int, int]:
    """Sort key giving the offering order (see ``BODY_OFFERING_ORDER``)."""
    if decider.body is not None:
        order = BODY_OFFERING_ORDER.get(decider.body.kind, _UNRANKED)
        return (decider.via_higher_body, 0, order)
    return (False, 1, POSITION_OFFERING_ORDER.get(decider.position.kind, _UNRANKED))


@dataclass(frozen=True)
class Deciders:
    """The answer to "who may adopt this?": allowed deciders and unresolvable rules.

    ``outside_area`` holds, by decider key, why a decider a rule names may not adopt here:
    the rule is limited to the decider's own area and the scope lies outside it.
    """

    allowed: list[Decider]
    unresolved: list[str] = field(default_factory=list)
    outside_area: dict[str, str] = field(default_factory=dict)

    def find(self, *, body: Body | None = None, position: Position | None = None) -> Decider | None:
        for d in self.allowed:
            if body is not None and d.body is not None and d.body.pk == body.pk:
                return d
            if position is not None and d.position is not None and d.position.pk == position.pk:
                return d
        return None

    def by_key(self, key: str) -> Decider | None:
        return next((d for d in self.allowed if d.key == key), None)

    @property
    def offered(self) -> list[Decider]:
        """The allowed deciders in offering order, the natural choice first."""
        return sorted(self.allowed, key=offering_rank)

    @property
    def explanation(self) -> str:
        return " ".join([d.reason for d in self.allowed if not d.via_higher_body] + self.unresolved)

    def refusal(self, key: str) -> str:
        """Why the decider with this key may not adopt: the rule limiting it to its own
        area, if one does, then who may."""
        outside = self.outside_area.get(key, "")
        explanation = self.explanation
        return " ".join(
            p for p in [outside if outside not in explanation else "", explanation] if p
        )


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


# --------------------------------------------------------------------------
# One resolver per decider kind


@dataclass
class Question:
    """What is asked: who may adopt a document of this type, for this scope and process."""

    document_type: DocumentType
    scope_unit: Unit
    process: Process | None

    @property
    def types(self) -> str:
        return self.document_type.name_plural

    @cached_property
    def responsible_body(self) -> Body | None:
        return self.scope_unit.effective_responsible_body()


@dataclass
class Resolution:
    """What one rule gives for a question.

    ``allowed``: the deciders it names. ``unresolved``: why it names no one although it
    applies (e.g. no KS is configured); always part of an explanation. ``not_applicable``:
    why it does not apply to this scope; part of an explanation only when no rule names
    anyone (otherwise it would be noise). ``outside_area``: see ``Deciders``.
    """

    allowed: list[Decider] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    outside_area: dict[str, str] = field(default_factory=dict)

    def add(self, other: Resolution) -> None:
        self.allowed.extend(other.allowed)
        self.unresolved.extend(other.unresolved)
        self.not_applicable.extend(other.not_applicable)
        self.outside_area.update(other.outside_area)


Resolver = Callable[[AdoptionRule, Question], Resolution]


def _single_body(kind: str) -> Body | None:
    return Body.objects.filter(kind=kind, is_active=True).order_by("pk").first()


def _higher_bodies(body: Body) -> list[Body]:
    rank = BODY_RANK.get(body.kind, 0)
    higher_kinds = [k for k, r in BODY_RANK.items() if r > rank]
    return list(Body.objects.filter(kind__in=higher_kinds, is_active=True).order_by("kind"))


# What the KF and KS rules say: (allowed, no such body configured).
_SINGLE_BODY_TEXTS = {
    BodyKind.COUNCIL: (
        # "may be": the rule set may let other deciders adopt the same type too.
        gettext_noop("%(types)s may be adopted by %(body)s."),
        gettext_noop("%(types)s may be adopted by the municipal council, but none is configured."),
    ),
    BodyKind.EXECUTIVE_BOARD: (
        gettext_noop("%(types)s may be adopted by %(body)s."),
        gettext_noop("%(types)s may be adopted by the executive board, but none is configured."),
    ),
}


def _the_body(q: Question, kind: str) -> Resolution:
    """The one active body of ``kind`` (KF, KS), wherever the scope is."""
    allowed, missing = _SINGLE_BODY_TEXTS[kind]
    body = _single_body(kind)
    if body is None:
        return Resolution(unresolved=[_(missing) % {"types": q.types}])
    return Resolution(allowed=[Decider(_(allowed) % {"types": q.types, "body": body}, body=body)])


def _council(rule: AdoptionRule, q: Question) -> Resolution:
    """KF. Its own area is the whole municipality, so the rule is never limited."""
    return _the_body(q, BodyKind.COUNCIL)


def _executive_board(rule: AdoptionRule, q: Question) -> Resolution:
    """KS. Its own area: the units whose effective responsible body is KS."""
    found = _the_body(q, BodyKind.EXECUTIVE_BOARD)
    if not rule.only_own_area or not found.allowed:
        return found
    body = found.allowed[0].body
    responsible = q.responsible_body
    values = {"types": q.types, "body": body, "unit": q.scope_unit, "responsible": responsible}
    if responsible is not None and responsible.pk == body.pk:
        reason = _(
            "%(types)s for %(unit)s may be adopted by %(body)s, which is responsible for it."
        )
        return Resolution(allowed=[Decider(reason % values, body=body)])
    if responsible is None:
        outside = _(
            "%(types)s may be adopted by %(body)s only for its own area, the units it is "
            "responsible for; no body is responsible for %(unit)s."
        )
    else:
        outside = _(
            "%(types)s may be adopted by %(body)s only for its own area, the units it is "
            "responsible for; %(unit)s is the responsibility of %(responsible)s."
        )
    return _outside_area(decider_key(body_id=body.pk), outside % values)


def _outside_area(key: str, reason: str) -> Resolution:
    return Resolution(not_applicable=[reason], outside_area={key: reason})


# What the nämnd and company-board rules say: (allowed, no such body responsible for the scope).
_RESPONSIBLE_BODY_TEXTS = {
    BodyKind.COMMITTEE: (
        gettext_noop(
            "%(types)s for %(unit)s may be adopted by the committee responsible for it, %(body)s."
        ),
        gettext_noop(
            "%(types)s may be adopted by the committee responsible for the scope, but no committee is responsible for %(unit)s."
        ),
    ),
    BodyKind.COMPANY_BOARD: (
        gettext_noop(
            "%(types)s for %(unit)s may be adopted by the company board responsible for it, %(body)s."
        ),
        gettext_noop(
            "%(types)s may be adopted by the company board responsible for the scope, but no company board is responsible for %(unit)s."
        ),
    ),
}


def _responsible_body(q: Question, wanted: str) -> Resolution:
    """The body of kind ``wanted`` responsible for the scope, if it is one and active."""
    allowed, missing = _RESPONSIBLE_BODY_TEXTS[wanted]
    values = {"types": q.types, "unit": q.scope_unit}
    body = q.responsible_body
    if body is None or body.kind != wanted or not body.is_active:
        return Resolution(not_applicable=[_(missing) % values])
    return Resolution(allowed=[Decider(_(allowed) % {**values, "body": body}, body=body)])


def _committee(rule: AdoptionRule, q: Question) -> Resolution:
    """The nämnd responsible for the scope: always only its own area, the units whose
    effective responsible body it is."""
    return _responsible_body(q, BodyKind.COMMITTEE)


def _company_board(rule: AdoptionRule, q: Question) -> Resolution:
    """The company board responsible for the scope: always only its own area, its
    company's units (those whose effective responsible body it is)."""
    return _responsible_body(q, BodyKind.COMPANY_BOARD)


def _municipal_chief(rule: AdoptionRule, q: Question) -> Resolution:
    """The chief of the top unit. Their own area (the top unit's subtree) is the whole
    municipality, so the rule is never limited."""
    top = top_unit()
    position = top.chief_position if top else None
    if position is None:
        return Resolution(
            unresolved=[
                _(
                    "%(types)s may be adopted by the municipal chief, but that position is not configured."
                )
                % {"types": q.types}
            ]
        )
    reason = _("%(types)s may be adopted by the chief of the whole organisation, %(position)s.") % {
        "types": q.types,
        "position": position,
    }
    return Resolution(allowed=[Decider(reason, position=position)])


def _unit_chief(rule: AdoptionRule, q: Question) -> Resolution:
    """The chief of the scope unit: always only their own area, since the scope is their
    own unit."""
    unit = q.scope_unit
    found = _UNIT_CHIEF_QUERY.run(unit_id=unit.pk)
    position = found[0] if found else None
    if position is None:
        return Resolution(
            unresolved=[
                _(
                    "%(types)s for %(unit)s may be adopted by the unit's chief, but %(unit)s has no chief position."
                )
                % {"types": q.types, "unit": unit}
            ]
        )
    reason = _("%(types)s for %(unit)s may be adopted by its chief, %(position)s.") % {
        "types": q.types,
        "unit": unit,
        "position": position,
    }
    return Resolution(allowed=[Decider(reason, position=position)])


def _first_chief(unit_id: int):
    chiefs = Position.objects.filter(unit_id=unit_id, kind=PositionKind.CHIEF, is_active=True)
    return (chiefs if chiefs.ordered else chiefs.order_by("pk"))[:1]  # as ``first()``


# The rule set's reads, compiled once per process (config/compiled_query.py): every start,
# draft and decision of a case asks them.
_UNIT_CHIEF_QUERY = CompiledQuery(_first_chief, ids=("unit_id",))
_RULES_QUERY = CompiledQuery(
    lambda type_id: AdoptionRule.objects.filter(document_type_id=type_id), ids=("type_id",)
)


def _process_owner(rule: AdoptionRule, q: Question) -> Resolution:
    """The owner of the document's process. Their own area: their process, in the part of
    the organisation it runs in (the process's unit and the units below it)."""
    process = q.process
    if process is None:
        return Resolution(
            unresolved=[
                _(
                    "%(types)s may be adopted by the owner of the process they belong to, but no process is given."
                )
                % {"types": q.types}
            ]
        )
    position = process.owner_position
    values = {"types": q.types, "process": process, "position": position}
    if not rule.only_own_area:
        reason = _(
            "%(types)s may be adopted by the process owner of the process %(process)s (%(position)s)."
        )
        return Resolution(allowed=[Decider(reason % values, position=position)])
    values.update(area=process.unit, unit=q.scope_unit)
    if process.unit_id in q.scope_unit.ancestor_ids:
        reason = _(
            "%(types)s may be adopted by the process owner of the process %(process)s "
            "(%(position)s) within the part of the organisation the process runs in, %(area)s."
        )
        return Resolution(allowed=[Decider(reason % values, position=position)])
    outside = _(
        "%(types)s may be adopted by the process owner of the process %(process)s (%(position)s) "
        "only within the part of the organisation the process runs in, %(area)s; %(unit)s is "
        "outside it."
    )
    return _outside_area(decider_key(position_id=position.pk), outside % values)


# The rule set's table: how each decider kind names concrete deciders. A new kind gets a
# DeciderKind, a resolver here and its place in OWN_AREA_ALWAYS / OWN_AREA_NEVER (or
# neither) in documents/models/adoption.py; see docs/rules.md.
RESOLVERS: dict[str, Resolver] = {
    DeciderKind.COUNCIL: _council,
    DeciderKind.EXECUTIVE_BOARD: _executive_board,
    DeciderKind.RESPONSIBLE_COMMITTEE: _committee,
    DeciderKind.COMPANY_BOARD: _company_board,
    DeciderKind.MUNICIPAL_CHIEF: _municipal_chief,
    DeciderKind.UNIT_CHIEF: _unit_chief,
    DeciderKind.PROCESS_OWNER: _process_owner,
}


def _via_higher_bodies(deciders: list[Decider]) -> list[Decider]:
    """The bodies above each body decider, for a rule that allows higher bodies."""
    return [
        Decider(
            _("%(body)s may adopt it as a body above %(lower)s.")
            % {"body": higher, "lower": d.body},
            body=higher,
            via_higher_body=True,
        )
        for d in deciders
        if d.body is not None
        for higher in _higher_bodies(d.body)
    ]


def allowed_deciders(
    document_type: DocumentType, scope_unit: Unit, process: Process | None = None
) -> Deciders:
    """Which concrete bodies or positions may adopt a document of this type and scope.

    Each rule of the type is answered by its kind's resolver (``RESOLVERS``); a rule that
    allows higher bodies adds the bodies above the one it names. A body or position named
    by several rules is listed once, by the direct rule if there is one.
    """
    question = Question(document_type, scope_unit, process)
    total = Resolution()
    rules = _RULES_QUERY.run(type_id=document_type.pk)
    if not rules:
        total.unresolved.append(
            _("No one may adopt %(types)s: the rule set has no entry for the type.")
            % {"types": question.types}
        )
    for rule in rules:
        resolver = RESOLVERS.get(rule.decider)
        if resolver is None:  # a kind no longer known: the rule names no one
            continue
        found = resolver(rule, question)
        total.add(found)
        if rule.allow_higher_bodies:
            total.allowed.extend(_via_higher_bodies(found.allowed))
    unresolved = total.unresolved + (total.not_applicable if not total.allowed else [])
    unique: dict[str, Decider] = {}
    for d in total.allowed:
        if d.key not in unique or (unique[d.key].via_higher_body and not d.via_higher_body):
            unique[d.key] = d
    return Deciders(
        allowed=list(unique.values()), unresolved=unresolved, outside_area=total.outside_area
    )


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
    key = decider_key(
        body_id=body.pk if body else None, position_id=position.pk if position else None
    )
    return Verdict(False, " ".join(p for p in [reason, deciders.refusal(key)] if p))


# The active samverkan groups of a scope's units, compiled once per process and depth
# (config/compiled_query.py): every submitted draft asks.
_SAMVERKAN_GROUPS = CompiledQuery(
    lambda unit_ids: SamverkanGroup.objects.filter(
        unit_id__in=unit_ids, is_active=True
    ).select_related("unit", "chair_position"),
    ids=(),
    lists=("unit_ids",),
)


def samverkan_for(document_type: DocumentType, scope_unit: Unit) -> SamverkanRouting:
    """Which samverkan group consults on a document: the closest one above its scope."""
    if not document_type.samverkan_required:
        return SamverkanRouting(
            required=False,
            reason=_("Samverkan is not required for %(types)s under the rule set.")
            % {"types": document_type.name_plural},
        )
    groups = {g.unit_id: g for g in _SAMVERKAN_GROUPS.run(unit_ids=scope_unit.ancestor_ids)}
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
