"""Changes of the rule set, the organisation, the documents' details and the meeting
calendars, in the audit trail whatever door they come through.

One registry (``TRACKED``) names each tracked model, the fields whose changes are recorded
and which kind of change it is (the entries' action codes). Model signals write the
entries, so the admin, the shell, management commands, data migrations and services are
all covered; each entry holds ``changes`` = ``{field: [before, after]}`` (related objects
as ``{"id": …, "name": …}`` with the name they had then) and is shown with the fields'
labels in the reader's language.

Why signals writing ``AuditEntry`` rather than a history library (django-simple-history
works on both databases): the audit trail stays one list to filter, one table to keep
insert-only, and every entry names the person and position the way the rest of the trail
does. A history library would keep a second, differently shaped trail per model.

What signals cannot see: ``QuerySet.update()``, ``bulk_create``/``bulk_update`` and raw SQL
(the project uses them only for derived columns and for generating test data at scale:
``fixtures/generator.py``); deletes and many-to-many changes through a data migration's
historical models.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import recording

# The three action codes (added, changed, removed) of each kind of tracked object.
KINDS: dict[str, tuple[str, str, str]] = {
    "rule_set": ("rule_set_added", "rule_set_changed", "rule_set_removed"),
    "organisation": ("organisation_added", "organisation_changed", "organisation_removed"),
    "role": ("role_added", "role_changed", "role_removed"),
    "document": ("document_created", "document_changed", "document_removed"),
    "meeting": ("meeting_planned", "meeting_changed", "meeting_removed"),
}


@dataclass(frozen=True)
class Tracked:
    label: str  # app_label.model_name, so that a data migration's historical model matches
    kind: str
    fields: tuple[str, ...]
    many: tuple[str, ...] = ()  # many-to-many fields

    @property
    def actions(self) -> tuple[str, str, str]:
        return KINDS[self.kind]


_DATES = ("start", "end")
TRACKED: dict[str, Tracked] = {
    t.label: t
    for t in [
        # The rule set
        Tracked(
            "documents.documenttype",
            "rule_set",
            (
                "code",
                "name",
                "name_plural",
                "description",
                "samverkan_required",
                "review_interval_months",
                "review_lead_days",
                "review_questions",
                "default_validity_months",
                "ordering",
                "is_active",
            ),
            many=("allowed_parent_types",),
        ),
        Tracked(
            "documents.adoptionrule",
            "rule_set",
            ("document_type", "decider", "allow_higher_bodies"),
        ),
        Tracked(
            "documents.diaryseries",
            "rule_set",
            ("code", "name", "body", "is_default", "restart_each_year"),
        ),
        # The organisation
        Tracked(
            "org.unitlevel",
            "organisation",
            ("name", "depth", "chief_title", "samverkan_level", "is_active"),
        ),
        Tracked(
            "org.unit",
            "organisation",
            ("name", "code", "level", "parent", "responsible_body", "is_active"),
        ),
        Tracked(
            "org.body",
            "organisation",
            (
                "name",
                "short_name",
                "kind",
                "prepares_for",
                "secretary_position",
                "is_active",
                "minutes_kept_at",
            ),
        ),
        Tracked("org.position", "organisation", ("code", "title", "kind", "unit", "is_active")),
        Tracked(
            "org.process",
            "organisation",
            ("name", "description", "owner_position", "unit", "is_active"),
        ),
        Tracked("org.union", "organisation", ("name",)),
        Tracked(
            "org.samverkangroup",
            "organisation",
            ("name", "level", "unit", "chair_position", "is_active"),
        ),
        # Who holds which position or seat (power: recorded since the first audit trail)
        Tracked("org.positionholding", "role", ("position", "user", *_DATES)),
        Tracked("org.substitution", "role", ("position", "user", *_DATES, "reason")),
        Tracked("org.bodymembership", "role", ("body", "user", "role", *_DATES)),
        Tracked("org.unionrepresentative", "role", ("group", "user", "union", *_DATES)),
        # A document's details; its status and versions are the lifecycle's (case entries)
        Tracked(
            "documents.document",
            "document",
            (
                "title",
                "document_type",
                "scope_unit",
                "process",
                "owner_position",
                "parent",
                "summary",
                "is_public",
            ),
        ),
        Tracked("workflows.meeting", "meeting", ("body", "date", "deadline", "place")),
    ]
}

# Other kinds of object the trail names (cases and their records, accounts, permissions).
OTHER_TYPES = (
    "auth.user",
    "auth.group",
    "guardian.userobjectpermission",
    "guardian.groupobjectpermission",
    "workflows.case",
    "workflows.registeredrecord",
    "documents.decision",
    "documents.documentversion",
    "documents.versionfile",
    "org.organisationimport",
)
# Names for models whose own verbose name is not translated.
_TYPE_NAMES = {
    "guardian.userobjectpermission": _("object permission of a user"),
    "guardian.groupobjectpermission": _("object permission of a group"),
}


# --- Values as stored ----------------------------------------------------------------------


def _is_historical(model) -> bool:
    """A model of a migration's state (its module is Django's placeholder)."""
    return model.__module__ == "__fake__"


def _name(obj) -> str:
    if _is_historical(type(obj)):
        for attribute in ("name", "title", "code"):
            if getattr(obj, attribute, None):
                return str(getattr(obj, attribute))
        return f"#{obj.pk}"
    return str(obj)


def _json(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _related(model, ids) -> list[dict]:
    """``{"id", "name"}`` of the rows ``ids`` (by name); an id whose row is gone keeps no name."""
    found = {o.pk: _name(o) for o in model._base_manager.filter(pk__in=ids)}
    return sorted(({"id": i, "name": found.get(i)} for i in ids), key=lambda r: r["name"] or "")


def _field(model, name: str):
    return model._meta.get_field(name)


def _raw(instance, name: str):
    """The field's value as the database would hold it (a key for a relation)."""
    field = _field(type(instance), name)
    return field.to_python(getattr(instance, field.attname))


def _stored(instance, name: str, raw):
    """``raw`` (the field's value on ``instance``) as JSON, a relation with its name."""
    field = _field(type(instance), name)
    if raw is None or not field.is_relation:
        return _json(raw)
    try:
        related = getattr(instance, name)
    except ObjectDoesNotExist:  # a fixture loaded before the row it names
        return {"id": raw, "name": None}
    return {"id": raw, "name": _name(related)}


def _stored_before(model, name: str, raw):
    field = _field(model, name)
    if raw is None or not field.is_relation:
        return _json(raw)
    return _related(field.related_model, [raw])[0]


def _empty(value) -> bool:
    return value is None or value == "" or value == []


# --- Receivers -----------------------------------------------------------------------------


def _tracked(model) -> Tracked | None:
    return TRACKED.get(model._meta.label_lower)


def _append(instance, action: str, changes: dict, label: str = "") -> None:
    model = type(instance)
    label = (label or _name(instance))[:300]
    if not _is_historical(model):
        recording.record_now(action, target=instance, target_label=label, changes=changes)
        return
    # A data migration: write with the trail's model of the same migration state, if the
    # trail exists at that point (on a fresh database it may not yet).
    # (The model was workflows.AuditEntry before audit.0001 took it over, same table.)
    entry_model = None
    for app_label in ("audit", "workflows"):
        try:
            entry_model = model._meta.apps.get_model(app_label, "AuditEntry")
            break
        except LookupError:
            continue
    if entry_model is None:
        return
    values = {
        "action": action,
        "at": timezone.now(),
        "target_type": model._meta.label_lower,
        "target_id": str(instance.pk),
        "target_label": label,
        "changes": changes,
    }
    columns = {f.name for f in entry_model._meta.fields}
    with transaction.atomic():
        entry_model._base_manager.create(**{k: v for k, v in values.items() if k in columns})


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    tracked = _tracked(sender)
    if tracked is None:
        return
    instance._audit_before = None
    if instance.pk is None:
        return
    names = list(tracked.fields)
    if update_fields is not None:
        given = set(update_fields)
        names = [n for n in names if {n, _field(sender, n).attname} & given]
        if not names:
            return
    columns = [_field(sender, n).attname for n in names]
    row = sender._base_manager.filter(pk=instance.pk).values(*columns).first()
    if row is not None:
        instance._audit_before = {n: row[c] for n, c in zip(names, columns, strict=True)}


def _after_save(sender, instance, created, raw=False, **kwargs):
    tracked = _tracked(sender)
    if tracked is None:
        return
    before = instance.__dict__.pop("_audit_before", None)
    added, changed_code, _removed = tracked.actions
    if before is None:
        if not created:
            return
        changes = {}
        for name in tracked.fields:
            value = _raw(instance, name)
            if not _empty(value):
                changes[name] = [None, _stored(instance, name, value)]
        _append(instance, added, changes)
        return
    changes = {}
    for name, old in before.items():
        field = _field(sender, name)
        old, new = field.to_python(old), _raw(instance, name)
        if old != new:
            changes[name] = [_stored_before(sender, name, old), _stored(instance, name, new)]
    if changes:
        _append(instance, changed_code, changes)


def record_added(instance) -> None:
    """The "added" entry of a tracked row inserted past ``save()`` (``bulk_create``, with its
    primary key set), the same as the receiver writes for a saved one."""
    if _tracked(type(instance)) is not None:
        _after_save(type(instance), instance, created=True)


def _before_delete(sender, instance, **kwargs):
    # Named now: related rows may be gone by post_delete when a whole body or position is
    # deleted with everything that hangs on it.
    tracked = _tracked(sender)
    instance._audit_removed = (
        _name(instance),
        {
            name: [_stored(instance, name, value), None]
            for name in tracked.fields
            if not _empty(value := _raw(instance, name))
        },
    )


def _after_delete(sender, instance, **kwargs):
    label, changes = instance.__dict__.pop("_audit_removed", ("", {}))
    _append(instance, _tracked(sender).actions[2], changes, label=label)


def _many_receiver(tracked: Tracked, field_name: str):
    """Record a many-to-many field's before and after, changed from either side."""
    owner_model = apps.get_model(tracked.label)

    def ids(owner) -> list:
        return sorted(getattr(owner, field_name).values_list("pk", flat=True))

    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action.startswith("pre_"):
            if not reverse:
                owners = [instance]
            elif action == "pre_clear":
                owners = list(owner_model._base_manager.filter(**{field_name: instance}))
            else:
                owners = list(owner_model._base_manager.filter(pk__in=pk_set or ()))
            instance._audit_many = [(owner, ids(owner)) for owner in owners]
            return
        related = _field(owner_model, field_name).related_model
        for owner, before in instance.__dict__.pop("_audit_many", []):
            after = ids(owner)
            if before != after:
                _append(
                    owner,
                    tracked.actions[1],
                    {field_name: [_related(related, before), _related(related, after)]},
                )

    return handler


def connect() -> None:
    """Connect the receivers (from ``WorkflowsConfig.ready``)."""
    # Saves for every sender, matched by label: a data migration's historical models are
    # other classes than the app's. Deletes only for the tracked models themselves, since a
    # delete receiver for every model would turn off Django's fast deletes everywhere.
    pre_save.connect(_before_save, dispatch_uid="styrdok_tracking_pre_save")
    post_save.connect(_after_save, dispatch_uid="styrdok_tracking_post_save")
    for tracked in TRACKED.values():
        model = apps.get_model(tracked.label)
        uid = f"styrdok_tracking_{tracked.label}"
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}_pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}_post_delete")
        for name in tracked.many:
            m2m_changed.connect(
                _many_receiver(tracked, name),
                sender=_field(model, name).remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}_{name}",
            )


# --- Reading the entries ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    field: str
    label: str
    before: str
    after: str


EMPTY = "–"


def _model_or_none(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def object_type_name(label: str) -> str:
    """The kind of object, in the reader's language ("Fastställelseregel")."""
    if label in _TYPE_NAMES:
        return str(_TYPE_NAMES[label]).capitalize()
    model = _model_or_none(label)
    return str(model._meta.verbose_name).capitalize() if model is not None else label


def object_types() -> list[tuple[str, str]]:
    """Every kind of object the trail names, by name."""
    labels = [*TRACKED, *OTHER_TYPES]
    return sorted(((label, object_type_name(label)) for label in labels), key=lambda c: c[1])


def _field_or_none(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def field_label(model, name: str) -> str:
    field = _field_or_none(model, name)
    if field is None or not hasattr(field, "verbose_name"):
        return name
    return str(field.verbose_name).capitalize()


def changed_fields() -> list[tuple[str, str]]:
    """The tracked fields, by label; a name several models share gets each label once."""
    labels: dict[str, list[str]] = {}
    for tracked in TRACKED.values():
        model = apps.get_model(tracked.label)
        for name in (*tracked.fields, *tracked.many):
            label = field_label(model, name)
            if label not in labels.setdefault(name, []):
                labels[name].append(label)
    return sorted(((n, " / ".join(sorted(ls))) for n, ls in labels.items()), key=lambda c: c[1])


def shown(field, value) -> str:
    """One stored value, readable."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return value.get("name") or f"#{value.get('id')}"
    if isinstance(value, list):
        return ", ".join(shown(field, v) for v in value)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def change_lines(entry: models.Model) -> list[ChangeLine]:
    if not entry.changes:
        return []
    model = _model_or_none(entry.target_type)
    lines = []
    for name, pair in entry.changes.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        field = _field_or_none(model, name)
        lines.append(
            ChangeLine(name, field_label(model, name), shown(field, before), shown(field, after))
        )
    return lines


def changes_text(entry: models.Model) -> str:
    """The changes in one line, for the CSV export."""
    return "; ".join(f"{c.label}: {c.before} → {c.after}" for c in change_lines(entry))
