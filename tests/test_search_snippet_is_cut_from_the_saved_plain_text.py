"""A search's snippets are cut from the version's text without its markup, derived when the
text is saved (``DocumentVersion.plain_text``): the register's rows load it instead of the
HTML, so a page of hits does not parse 25 HTML texts. The snippet is the same as one cut
from the HTML, and the stored text follows every save of the text."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from documents.models import DocumentVersion
from documents.plain_text import html_to_text
from documents.search import snippet
from documents.selectors import register_rows
from tests.factories import DocumentVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db

BODY = (
    "<h2>Syfte</h2><p>Rutinen beskriver hur <strong>brandlarm</strong> hanteras.</p>"
    "<ul><li>Utrymning</li><li>Återsamling vid &amp; efter larmet</li></ul>"
)


def test_saving_the_text_derives_it_without_markup():
    version = DocumentVersionFactory(body=BODY)
    version.refresh_from_db()
    assert version.plain_text == html_to_text(BODY)
    assert "<" not in version.plain_text and "Återsamling vid & efter larmet" in version.plain_text

    version.body = "<p>Ny <em>text</em>.</p>"
    version.save(update_fields=["body"])
    version.refresh_from_db()
    assert version.plain_text == "Ny text."


def test_saving_other_fields_leaves_it():
    version = DocumentVersionFactory(body=BODY)
    DocumentVersion.objects.filter(pk=version.pk).update(plain_text="kvar")
    version.title = "Ny titel"
    version.save(update_fields=["title"])
    version.refresh_from_db()
    assert version.plain_text == "kvar"


@pytest.mark.parametrize("q", ["brandlarm", "återsamling", "finnsinte"])
def test_a_register_row_gives_the_same_snippet_without_reading_the_html(
    q, django_assert_num_queries
):
    version = PublishedVersionFactory(body=BODY)
    row = register_rows(version.created_by, with_text=True).get(pk=version.pk)
    assert "body" in row.get_deferred_fields()

    with django_assert_num_queries(0):
        from_row = snippet(row, q)
    assert from_row == snippet(DocumentVersion.objects.get(pk=version.pk), q)
    if q != "finnsinte":
        assert "<mark>" in from_row


def test_a_version_loaded_without_it_is_cut_from_the_html(django_assert_num_queries):
    version = PublishedVersionFactory(body=BODY)
    loaded = (
        DocumentVersion.objects.defer("plain_text").prefetch_related("files").get(pk=version.pk)
    )
    with django_assert_num_queries(0):
        assert "<mark>brandlarm</mark>" in snippet(loaded, "brandlarm")


def test_the_register_shows_the_snippet(client):
    PublishedVersionFactory(title="Rutin för larm", body=BODY)
    page = client.get(reverse("register"), {"q": "återsamling"})
    assert page.status_code == 200
    assert "<mark>Återsamling</mark>" in page.content.decode()


def test_the_migration_derives_it_for_existing_versions():
    versions = [DocumentVersionFactory(body=BODY), DocumentVersionFactory(body="")]
    DocumentVersion.objects.update(plain_text="")
    migration = importlib.import_module("documents.migrations.0012_version_plain_text")

    migration.derive_plain_text(apps, None)

    assert [DocumentVersion.objects.get(pk=v.pk).plain_text for v in versions] == [
        html_to_text(BODY),
        "",
    ]
