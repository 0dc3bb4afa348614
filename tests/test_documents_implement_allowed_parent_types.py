"""A riktlinje implements a policy; a rutin implements a riktlinje or a policy."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import DocumentFactory, DocumentTypeFactory


@pytest.fixture
def make(org_tree):
    def make(type_code: str, parent=None):
        return DocumentFactory(
            document_type=org_tree.types[type_code],
            scope_unit=org_tree.units["unit"],
            owner_position=org_tree.positions["enhetschef"],
            parent=parent,
        )

    return make


@pytest.mark.parametrize(
    ("child", "parent", "ok"),
    [
        ("riktlinje", "policy", True),
        ("riktlinje", "vision", False),
        ("riktlinje", "rutin", False),
        ("rutin", "riktlinje", True),
        ("rutin", "policy", True),
        ("rutin", "handlingsplan", False),
        ("rutin", "rutin", False),
    ],
)
def test_only_allowed_parent_types(make, child, parent, ok):
    document = make(child, parent=make(parent))

    if ok:
        document.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            document.full_clean()
        assert "parent" in error.value.message_dict


def test_a_type_without_restrictions_may_implement_anything(make, org_tree):
    # The default rule set restricts only riktlinjer and rutiner.
    make("handlingsplan", parent=make("vision")).full_clean()
    make("policy", parent=make("vision")).full_clean()


def test_a_document_cannot_implement_itself(make):
    free = DocumentTypeFactory()
    document = make("policy")
    document.document_type = free
    document.parent = document

    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "parent" in error.value.message_dict
