"""The rule set in the database as a ``RuleSet``, and a ``RuleSet`` written into the
database: all of it (an import, ``apply``) or only what is missing (the reference data,
``add_missing``). Each write goes through the models' ``save``, so the audit trail records
every row as it records an administrator's change in the admin (audit.tracking)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from org.models import UnitLevel

from ..models import AdoptionRule, DeciderKind, DocumentType, MandatePeriod, kinds_of
from .format import LevelRow, PeriodRow, RuleRow, RuleSet, TypeRow

ADD, CHANGE, REMOVE = "add", "change", "remove"
_DECIDER_ORDER = {kind: n for n, kind in enumerate(DeciderKind.values)}

_TYPE_FIELDS = (
    "name",
    "name_plural",
    "description",
    "ordering",
    "is_active",
    "samverkan_required",
    "review_interval_months",
    "review_lead_days",
    "review_questions",
    "default_validity_months",
    "reading_required",
)
_LEVEL_FIELDS = ("name", "chief_title", "samverkan_level")


@dataclass(frozen=True)
class Change:
    kind: str  # ADD, CHANGE or REMOVE
    text: str


def _types_in_order() -> list[DocumentType]:
    return list(
        DocumentType.objects.order_by("ordering", "code").prefetch_related(
            "allowed_parent_types", "adoption_rules"
        )
    )


def _type_row(document_type: DocumentType, rank: dict[str, int]) -> TypeRow:
    rules = sorted(document_type.adoption_rules.all(), key=lambda r: _DECIDER_ORDER[r.decider])
    parents = sorted((p.code for p in document_type.allowed_parent_types.all()), key=rank.get)
    return TypeRow(
        code=document_type.code,
        **{name: getattr(document_type, name) for name in _TYPE_FIELDS},
        parents=tuple(parents),
        reading_kinds=tuple(kinds_of(document_type.reading_position_kinds)),
        rules=tuple(
            RuleRow(r.decider, r.allow_higher_bodies, r.only_own_area)
            for r in rules
            if r.decider in _DECIDER_ORDER
        ),
    )


def current_rule_set() -> RuleSet:
    """The installation's rule set, in the file's order."""
    types = _types_in_order()
    rank = {t.code: n for n, t in enumerate(types)}
    return RuleSet(
        levels=tuple(
            LevelRow(lv.depth, lv.name, lv.chief_title, lv.samverkan_level)
            for lv in UnitLevel.objects.order_by("depth")
        ),
        types=tuple(_type_row(t, rank) for t in types),
        periods=tuple(
            PeriodRow(p.starts_on, p.ends_on, p.name)
            for p in MandatePeriod.objects.order_by("starts_on")
        ),
    )


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _differences(obj, wanted: dict) -> list[str]:
    """Set the fields of ``obj`` that differ from ``wanted``; their descriptions."""
    found = []
    for name, value in wanted.items():
        before = getattr(obj, name)
        if before != value:
            label = obj._meta.get_field(name).verbose_name
            found.append(f"{label}: {_shown(before)} → {_shown(value)}")
            setattr(obj, name, value)
    return found


def _apply_levels(rows: tuple[LevelRow, ...], changes: list[Change]) -> None:
    existing = {lv.depth: lv for lv in UnitLevel.objects.all()}
    for row in rows:
        wanted = {"name": row.name, "chief_title": row.chief_title}
        wanted["samverkan_level"] = row.samverkan_level
        level = existing.get(row.depth)
        if level is None:
            UnitLevel.objects.create(depth=row.depth, **wanted)
            changes.append(Change(ADD, _("Level %(depth)s “%(name)s” is added.") % vars(row)))
            continue
        found = _differences(level, wanted)
        if found:
            level.save()
            changes.append(
                Change(
                    CHANGE,
                    _("Level %(depth)s “%(name)s”: %(changes)s.")
                    % {"depth": row.depth, "name": row.name, "changes": "; ".join(found)},
                )
            )


def _type_values(row: TypeRow) -> dict:
    values = {name: getattr(row, name) for name in _TYPE_FIELDS}
    values["reading_position_kinds"] = ", ".join(row.reading_kinds)
    return values


def _rule_text(document_type: DocumentType, rule: RuleRow) -> str:
    text = _("%(types)s may be adopted by: %(decider)s") % {
        "types": document_type.name_plural,
        "decider": DeciderKind(rule.decider).label,
    }
    extras = []
    if rule.allow_higher_bodies:
        extras.append(_("higher bodies may also adopt"))
    if rule.only_own_area:
        extras.append(_("only for its own area"))
    return text + (f" ({', '.join(extras)})" if extras else "")


def _apply_rules(document_type: DocumentType, rows: tuple[RuleRow, ...], changes: list[Change]):
    existing = {r.decider: r for r in document_type.adoption_rules.all()}
    for row in rows:
        rule = existing.pop(row.decider, None)
        if rule is None:
            rule = AdoptionRule(document_type=document_type, decider=row.decider)
            _differences(rule, {"allow_higher_bodies": row.allow_higher_bodies})
            rule.only_own_area = row.only_own_area
            rule.save()
            changes.append(Change(ADD, _rule_text(document_type, row) + "."))
            continue
        wanted = {"allow_higher_bodies": row.allow_higher_bodies}
        wanted["only_own_area"] = row.only_own_area
        found = _differences(rule, wanted)
        if found:
            rule.save()
            plain = _rule_text(document_type, RuleRow(row.decider))
            changes.append(Change(CHANGE, f"{plain}: {'; '.join(found)}."))
    for rule in existing.values():
        removed = RuleRow(rule.decider, rule.allow_higher_bodies, rule.only_own_area)
        text = _rule_text(document_type, removed) if rule.decider in _DECIDER_ORDER else str(rule)
        rule.delete()
        changes.append(Change(REMOVE, _("No longer: %(rule)s.") % {"rule": text}))


def _apply_parents(document_type: DocumentType, row: TypeRow, types: dict, changes: list[Change]):
    before = {p.code for p in document_type.allowed_parent_types.all()}
    wanted = set(row.parents)
    if before == wanted:
        return
    document_type.allowed_parent_types.set([types[code] for code in row.parents])
    changes.append(
        Change(
            CHANGE,
            _("%(type)s may implement: %(before)s → %(after)s.")
            % {
                "type": document_type.name,
                "before": ", ".join(sorted(before)) or "–",
                "after": ", ".join(row.parents) or "–",
            },
        )
    )


def _apply_types(rows: tuple[TypeRow, ...], changes: list[Change]) -> None:
    types = {t.code: t for t in DocumentType.objects.prefetch_related("adoption_rules")}
    for row in rows:
        document_type = types.get(row.code)
        if document_type is None:
            document_type = DocumentType(code=row.code)
            _differences(document_type, _type_values(row))
            document_type.save()
            types[row.code] = document_type
            changes.append(Change(ADD, _("Document type “%(name)s” is added.") % vars(row)))
        else:
            found = _differences(document_type, _type_values(row))
            if found:
                document_type.save()
                changes.append(
                    Change(
                        CHANGE,
                        _("Document type “%(name)s”: %(changes)s.")
                        % {"name": row.name, "changes": "; ".join(found)},
                    )
                )
        _apply_rules(document_type, row.rules, changes)
    for row in rows:
        _apply_parents(types[row.code], row, types, changes)
    in_file = {row.code for row in rows}
    for document_type in types.values():
        if document_type.code not in in_file and document_type.is_active:
            document_type.is_active = False
            document_type.save()
            changes.append(
                Change(
                    REMOVE,
                    _(
                        "Document type “%(name)s” is not in the file: it becomes inactive "
                        "(its documents stay)."
                    )
                    % {"name": document_type.name},
                )
            )


def _apply_periods(rows: tuple[PeriodRow, ...], changes: list[Change]) -> None:
    existing = {p.starts_on: p for p in MandatePeriod.objects.all()}
    for row in rows:
        period = existing.pop(row.starts_on, None)
        if period is None:
            MandatePeriod.objects.create(
                starts_on=row.starts_on, ends_on=row.ends_on, name=row.name
            )
            changes.append(
                Change(ADD, _("Mandate period %(start)s is added.") % {"start": row.starts_on})
            )
            continue
        found = _differences(period, {"ends_on": row.ends_on, "name": row.name})
        if found:
            period.save()
            changes.append(
                Change(
                    CHANGE,
                    _("Mandate period %(start)s: %(changes)s.")
                    % {"start": row.starts_on, "changes": "; ".join(found)},
                )
            )
    for period in existing.values():
        period.delete()
        changes.append(
            Change(REMOVE, _("Mandate period %(start)s is removed.") % {"start": period.starts_on})
        )


def apply(rule_set: RuleSet) -> list[Change]:
    """Make the installation's rule set the file's; what changed, in words. Unit levels not
    in the file stay (units use them: they belong to the organisation too); document types
    not in the file become inactive (documents keep their type). Call inside a transaction."""
    changes: list[Change] = []
    _apply_levels(rule_set.levels, changes)
    _apply_types(rule_set.types, changes)
    _apply_periods(rule_set.periods, changes)
    return changes


def add_missing(rule_set: RuleSet) -> dict[str, int]:
    """Create the document types (with their parents and rules) and mandate periods that are
    missing, and nothing else: what an administrator changed stays (load_reference_data).
    A type counts as existing by its code or its name."""
    created = {"dokumenttyper": 0, "fastställanderegler": 0, "mandatperioder": 0}
    types: dict[str, DocumentType] = {}
    new: list[TypeRow] = []
    for row in rule_set.types:
        existing = (
            DocumentType.objects.filter(code=row.code).first()
            or DocumentType.objects.filter(name=row.name).first()
        )
        if existing is None:
            existing = DocumentType(code=row.code, **_type_values(row))
            existing.save()
            new.append(row)
            created["dokumenttyper"] += 1
        types[row.code] = existing
    for row in new:
        types[row.code].allowed_parent_types.add(*(types[code] for code in row.parents))
        for rule in row.rules:
            AdoptionRule.objects.create(
                document_type=types[row.code],
                decider=rule.decider,
                allow_higher_bodies=rule.allow_higher_bodies,
                only_own_area=rule.only_own_area,
            )
            created["fastställanderegler"] += 1
    for period in rule_set.periods:
        _, made = MandatePeriod.objects.get_or_create(
            starts_on=period.starts_on, defaults={"ends_on": period.ends_on, "name": period.name}
        )
        created["mandatperioder"] += made
    return {what: n for what, n in created.items() if n}
