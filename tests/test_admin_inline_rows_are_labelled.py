"""The admin's tabular inlines (a type's adoption rules, a body's members, a position's
holders and substitutes) show inputs under column headings only; each input is named by
its column and row, so that a screen reader says what it is (axe: critical otherwise)."""

from __future__ import annotations

import re

import pytest

from documents.models import DocumentType
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _row_inputs(html: str, prefix: str) -> list[str]:
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return [
        t
        for t in tags
        if f'name="{prefix}-' in t and 'type="hidden"' not in t and "__prefix__" not in t
    ]


def test_every_input_of_the_rule_rows_has_a_name(client, org_tree):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    policy = DocumentType.objects.get(code="policy")
    assert policy.adoption_rules.count() >= 2

    response = client.get(f"/admin/documents/documenttype/{policy.pk}/change/")
    assert response.status_code == 200
    inputs = _row_inputs(response.content.decode(), "adoption_rules")
    assert len(inputs) >= 2 * 3  # decider, two boxes and the delete box per row
    unnamed = [t for t in inputs if "aria-label=" not in t]
    assert unnamed == []
    first_rows = [t for t in inputs if 'name="adoption_rules-0-' in t]
    assert all(re.search(r'aria-label="[^"]+ \(rad 1\)"', t) for t in first_rows), first_rows


def test_allowed_parent_types_are_boxes_to_tick(client, org_tree):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rutin = DocumentType.objects.get(code="rutin")
    html = client.get(f"/admin/documents/documenttype/{rutin.pk}/change/").content.decode()
    assert 'type="checkbox" name="allowed_parent_types"' in html
    assert "selectfilter" not in html.lower()
