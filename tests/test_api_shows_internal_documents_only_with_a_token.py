"""The JSON API: public documents for anyone; internal ones only for a valid token (or a
logged-in session); a wrong token or one of a deactivated user is refused, never taken
for an anonymous caller; drafts never."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PositionHoldingFactory
from tests.lifecycle import valid_document


@pytest.fixture
def documents(town):
    public = valid_document(town, type_code="riktlinje", title="Riktlinje Öppenhet")
    internal = valid_document(town, type_code="riktlinje", title="Riktlinje Inre rutiner")
    internal.is_public = False
    internal.save(update_fields=["is_public"])
    return public, internal


def _titles(response) -> set[str]:
    return {row["title"] for row in response.json()["results"]}


def test_anonymous_callers_see_public_documents_only(client, documents):
    public, internal = documents
    listing = client.get("/api/v1/register/")
    assert listing.status_code == 200
    assert _titles(listing) == {"Riktlinje Öppenhet"}
    assert client.get(f"/api/v1/register/{public.current_version_id}/").status_code == 200
    hidden = client.get(f"/api/v1/register/{internal.current_version_id}/")
    assert hidden.status_code == 404
    assert "Inre rutiner" not in hidden.content.decode()


def test_a_token_shows_internal_documents(client, documents):
    public, internal = documents
    token = Token.objects.create(user=PositionHoldingFactory().user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    listing = client.get("/api/v1/register/", **headers)
    assert _titles(listing) == {"Riktlinje Öppenhet", "Riktlinje Inre rutiner"}
    entry = client.get(f"/api/v1/register/{internal.current_version_id}/", **headers)
    assert entry.status_code == 200


def test_a_wrong_token_is_refused(client, documents):
    response = client.get("/api/v1/register/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert "Inre rutiner" not in response.content.decode()


def test_the_token_of_a_deactivated_user_is_refused(client, documents):
    user = PositionHoldingFactory().user
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    response = client.get("/api/v1/register/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
