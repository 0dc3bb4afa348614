"""Snippets keep the plain and folded forms of the texts they are cut from
(documents.search.snippets), keyed by the text itself: a changed body or file text is cut
afresh, never from what was kept for the old one, and what is kept is the same as what would
be computed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from documents.search import snippet, snippets
from documents.search.analysis import ACCENT_FOLD
from tests.factories import DocumentVersionFactory, PublishedVersionFactory, VersionFileFactory

pytestmark = pytest.mark.django_db


# Texts change in drafts: an adopted version's text and files are fixed (documents.protection).


def test_a_changed_body_gets_a_snippet_of_its_new_text():
    version = DocumentVersionFactory(body="<p>Rutinen gäller brandlarm i huset.</p>")
    assert snippet(version, "rutin") == "<mark>Rutinen</mark> gäller brandlarm i huset."

    version.body = "<p>Rutinen gäller utrymning, inte brandlarm.</p>"
    version.save()
    version.refresh_from_db()

    assert snippet(version, "rutin") == "<mark>Rutinen</mark> gäller utrymning, inte brandlarm."
    assert snippet(version, "utrymning") == "Rutinen gäller <mark>utrymning</mark>, inte brandlarm."


def test_a_body_that_differs_only_in_markup_or_case_is_cut_from_its_own_text():
    version = PublishedVersionFactory(body="<p>Rutin A</p><p>gäller</p>")
    assert snippet(version, "rutin") == "<mark>Rutin</mark> A gäller"

    version.body = "<p>RUTIN <b>A</b>gäller</p>"
    assert snippet(version, "rutin") == "<mark>RUTIN</mark> Agäller"


def test_a_changed_file_text_gets_a_snippet_of_its_new_text(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    version = DocumentVersionFactory(body="<p>Ingen träff här.</p>")
    upload = VersionFileFactory(version=version, extracted_text="Larmet   provas\nvarje månad.")
    assert snippet(version, "larm") == "<mark>Larmet</mark> provas varje månad."

    upload.extracted_text = "Larmet provas varje vecka."
    upload.save()
    version.refresh_from_db()

    assert snippet(version, "larm") == "<mark>Larmet</mark> provas varje vecka."


@pytest.mark.parametrize(
    "body",
    [
        "<p>Rutiner &amp; rutinerna; en RUTIN.</p>",
        "<p>İstanbul-rutinen: rutiner för resor</p>",  # İ is longer lower-cased
        "<p>" + "ord " * 300 + "Brandskyddet gäller alla lokaler. " + "ord " * 300 + "</p>",
    ],
)
def test_kept_and_computed_texts_give_the_same_snippet(monkeypatch, body):
    version = PublishedVersionFactory(body=body)
    kept = [snippet(version, q, length=80) for q in ("rutin", "brandsk", "istanbul resor")]

    monkeypatch.setattr(snippets, "TEXT_CACHE_MAX_CHARS", 0)  # nothing is kept
    assert [snippet(version, q, length=80) for q in ("rutin", "brandsk", "istanbul resor")] == kept


def test_what_is_kept_is_bounded(monkeypatch):
    snippets._body_text.cache_clear()
    monkeypatch.setattr(snippets, "TEXT_CACHE_MAX_CHARS", 100)
    long_body = "<p>" + "Rutin " * 50 + "</p>"
    version = PublishedVersionFactory(body=long_body)

    snippet(version, "rutin")
    assert snippets._body_text.cache_info().currsize == 0  # too long to keep

    for n in range(snippets.TEXT_CACHE_SIZE + 5):
        version.body = f"<p>Rutin {n}</p>"
        snippet(version, "rutin")
    assert snippets._body_text.cache_info().currsize == snippets.TEXT_CACHE_SIZE


@given(st.text(alphabet=st.sampled_from("aeéèêëáàüÉÜİ åäöÅ. \n\t") | st.characters()))
def test_folding_for_snippets_is_lower_casing_and_the_accent_folding(text):
    folded = text.lower()
    expected = folded.translate(ACCENT_FOLD) if len(folded) == len(text) else None
    assert snippets._folded(text) == expected
