"""Documents that ask for a read acknowledgement, for the reading tests."""

from __future__ import annotations

from django.db import transaction

from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    Document,
    DocumentVersion,
    VersionStatus,
)
from documents.services import publish_version
from org.models import PositionHolding
from tests.factories import PositionFactory, PositionHoldingFactory, UserFactory
from tests.lifecycle import Town, days, valid_document


def staff(town: Town, username: str, unit: str = "unit", kind: str = "official"):
    """A person holding a position of ``kind`` in the town's unit ``unit``."""
    position = PositionFactory(title=f"Medarbetare {username}", kind=kind, unit=town.units[unit])
    user = UserFactory(username=username, first_name=username.capitalize(), last_name="Läsare")
    PositionHoldingFactory(position=position, user=user)
    return user


def rutin(
    town: Town,
    title: str,
    *,
    scope: str = "unit",
    requires: bool | None = None,
    type_requires: bool = True,
    kinds: str = "",
) -> Document:
    """A valid rutin; its type asks for reading (``type_requires``, narrowed to ``kinds``),
    its decision's own choice is ``requires`` (None: as the type)."""
    doc_type = town.types["rutin"]
    doc_type.reading_required = type_requires
    doc_type.reading_position_kinds = kinds
    doc_type.save()
    document = valid_document(
        town,
        type_code="rutin",
        title=title,
        scope=scope,
        owner="enhetschef",
        decided_by="enhetschef",
    )
    if requires is not None:
        # The decision as the decision step would have written it (set-up only).
        decision = Decision.objects.get(pk=document.current_version.adoption_id)
        decision.requires_reading = requires
        decision.save(update_fields=["requires_reading"])
    return document


def new_version(
    town: Town,
    document: Document,
    *,
    material: bool,
    requires: bool | None = None,
    body: str = "<p>Ny text.</p>",
) -> DocumentVersion:
    """Adopt and publish the next version of ``document``."""
    previous = document.current_version
    version = DocumentVersion.objects.create(
        document=document,
        number=previous.number + 1,
        title=previous.title,
        body=body,
        status=VersionStatus.DRAFT,
    )
    decision = Decision.objects.create(
        document=document,
        version=version,
        kind=DecisionKind.ADOPTION,
        outcome=DecisionOutcome.ADOPTED,
        position=town.positions["enhetschef"],
        decision_date=days(-1),
        requires_reading=requires,
        material_change=material,
    )
    version.status = VersionStatus.ADOPTED
    version.adoption = decision
    version.valid_from = days(-1)
    version.save()
    with transaction.atomic():
        publish_version(version, on=days(-1))
    document.refresh_from_db()
    return version


def leave(user) -> None:
    """The person leaves every position (their holdings end yesterday)."""
    PositionHolding.objects.filter(user=user).update(end=days(-1))
