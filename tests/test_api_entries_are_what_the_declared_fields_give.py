"""The API builds each register entry by hand (a page of 100 went through DRF's field
machinery 2,200 times); every entry must still be exactly what the declared fields, which
also make the OpenAPI schema, would give: same keys, order and values."""

from __future__ import annotations

import datetime

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from documents import cache
from documents.api.serializers import RegisterEntrySerializer
from documents.models import DocumentVersion
from documents.selectors import api_rows, with_names
from tests.factories import (
    DecisionFactory,
    DiaryEntryFactory,
    DocumentFactory,
    PositionFactory,
    PublishedVersionFactory,
)

API = "/api/v1/register/"


@pytest.fixture
def entries(org_tree):
    t, u = org_tree.types, org_tree.units
    plain = DocumentFactory(
        title="Rutin för brandlarm", scope_unit=u["unit"], document_type=t["rutin"]
    )
    PublishedVersionFactory(document=plain, title=plain.title, valid_from=datetime.date(2024, 5, 1))

    decided = DocumentFactory(
        title="Arbetsmiljöpolicy",
        scope_unit=u["top"],
        document_type=t["policy"],
        summary="Hur vi arbetar med arbetsmiljön.",
        is_public=False,
    )
    by_body = DecisionFactory(document=decided, paragraph="§ 26")
    PublishedVersionFactory(
        document=decided,
        title=decided.title,
        adoption=by_body,
        diary_entry=DiaryEntryFactory(),
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2030, 12, 31),
        next_review=datetime.date(2027, 6, 30),
    )

    official = DocumentFactory(
        title="Handlingsplan för Solrosen", scope_unit=u["unit"], document_type=t["handlingsplan"]
    )
    by_official = DecisionFactory(
        document=official, body=None, position=PositionFactory(unit=u["unit"]), paragraph=""
    )
    PublishedVersionFactory(document=official, title=official.title, adoption=by_official)
    return DocumentVersion.objects.filter(status="valid").order_by("title")


def loaded_as_the_api_loads_them(user) -> list[DocumentVersion]:
    rows = list(api_rows(user).order_by("title"))
    return with_names(rows, cache.names(cache.current()))


def test_each_entry_equals_the_declared_fields_output(entries, django_user_model):
    user = django_user_model.objects.create_user("läsare", password="x" * 16)
    request = APIRequestFactory().get(API)
    serializer = RegisterEntrySerializer(context={"request": request})
    rows = loaded_as_the_api_loads_them(user)
    assert len(rows) == 3
    for row in rows:
        by_fields = serializers.ModelSerializer.to_representation(serializer, row)
        built = serializer.to_representation(row)
        assert list(built) == list(by_fields) == RegisterEntrySerializer.Meta.fields
        assert built == dict(by_fields), row.title


def test_the_api_serves_the_built_entries(client, entries, org_tree):
    response = client.get(API)
    assert response.status_code == 200
    rows = {row["title"]: row for row in response.json()["results"]}
    assert set(rows) == {"Rutin för brandlarm", "Handlingsplan för Solrosen"}  # public only
    assert rows["Rutin för brandlarm"]["valid_from"] == "2024-05-01"
    assert rows["Rutin för brandlarm"]["adopted_by"] is None
    assert rows["Rutin för brandlarm"]["paragraph"] == ""
    assert rows["Handlingsplan för Solrosen"]["url"].startswith("http://testserver/")
