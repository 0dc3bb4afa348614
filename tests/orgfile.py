"""Helpers for the organisation import's tests: files from tables, uploads, an empty org."""

from __future__ import annotations

import copy
import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import DiarySeries
from org.importing.example import example_tables
from org.importing.export import to_csv_zip, to_xlsx
from org.models import (
    Body,
    BodyMembership,
    Position,
    PositionHolding,
    Process,
    SamverkanGroup,
    Substitution,
    Union,
    UnionRepresentative,
    Unit,
    UnitLevel,
)


def example() -> dict[str, list[list[str]]]:
    """The example file's tables (a copy to change)."""
    return copy.deepcopy(example_tables())


def xlsx(tables: dict[str, list[list[str]]]) -> bytes:
    return to_xlsx(tables)


def csv_zip(tables: dict[str, list[list[str]]]) -> bytes:
    return to_csv_zip(tables)


def upload(client, data: bytes, name: str = "organisation.xlsx", ends_from: str = ""):
    """Upload a file on the import page; returns the response after the redirect."""
    day = ends_from or datetime.date.today().isoformat()
    return client.post(
        reverse("orgimport:start"),
        {"file": SimpleUploadedFile(name, data), "ends_from": day},
        follow=True,
    )


def wipe_organisation() -> None:
    """Remove every row of the organisation, for a round trip into an empty database."""
    for model in (
        UnionRepresentative,
        SamverkanGroup,
        Union,
        Process,
        Substitution,
        PositionHolding,
        BodyMembership,
        DiarySeries,
    ):
        model.objects.all().delete()
    Body.objects.update(secretary_position=None, prepares_for=None)
    Position.objects.all().delete()
    Unit.objects.update(parent=None, responsible_body=None)
    Unit.objects.all().delete()
    Body.objects.all().delete()
    UnitLevel.objects.all().delete()
    get_user_model().objects.filter(is_superuser=False).delete()
