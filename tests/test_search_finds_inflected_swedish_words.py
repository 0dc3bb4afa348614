"""A search finds Swedish words in any inflection: "rutinerna", "rutiner" and "rutin" find
each other, "samverkansgruppen" finds "samverkansgrupp", and the text analysis is the same
for the index and the query."""

from __future__ import annotations

import pytest

from documents.models import Document, SearchField, SearchHistory, SearchTerm
from documents.plain_text import html_to_text
from documents.search import search
from documents.search.analysis import QueryWord, analyse, query_terms
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return sorted(search(Document.objects.all(), q).values_list("title", flat=True))


@pytest.mark.parametrize("q", ["rutin", "rutiner", "rutinerna", "Rutinen", "RUTINERNAS"])
def test_every_inflection_of_rutin_finds_every_other(q):
    PublishedVersionFactory(title="Rutin för inskrivning")
    PublishedVersionFactory(title="Övrigt", body="<p>Följ rutinerna noga.</p>")
    PublishedVersionFactory(title="Annat", body="<p>Här finns inga sådana ord.</p>")

    assert titles(q) == ["Rutin för inskrivning", "Övrigt"]


@pytest.mark.parametrize("q", ["samverkansgrupp", "samverkansgruppen", "samverkansgrupperna"])
def test_samverkansgruppen_finds_samverkansgrupp(q):
    PublishedVersionFactory(
        title="Mötesordning", body="<p>Samverkansgruppen träffas varje månad.</p>"
    )
    PublishedVersionFactory(title="Ledamöter", body="<p>En samverkansgrupp per sektor.</p>")

    assert titles(q) == ["Ledamöter", "Mötesordning"]


def test_definite_forms_find_the_bare_word():
    PublishedVersionFactory(title="Förskolan Solrosen", body="<p>Dokumentet gäller ansvaret.</p>")

    for q in ["förskola", "förskolan", "förskolor", "dokument", "dokumenten"]:
        assert titles(f"{q} solrosen") == ["Förskolan Solrosen"], q


def test_all_words_must_match():
    PublishedVersionFactory(title="Rutin för brandskydd")
    PublishedVersionFactory(title="Rutin för inskrivning")

    assert titles("brandskydd rutiner") == ["Rutin för brandskydd"]
    assert titles("rutiner brandskydd") == ["Rutin för brandskydd"]
    assert titles("brandskydd inskrivning") == []


def test_case_accents_and_punctuation_do_not_matter():
    PublishedVersionFactory(title="Idéer om e-post och IT-säkerhet")

    assert titles("IDÉER") == ["Idéer om e-post och IT-säkerhet"]
    assert titles("ideer") == ["Idéer om e-post och IT-säkerhet"]
    assert titles("it säkerhet, e-post!") == ["Idéer om e-post och IT-säkerhet"]


def test_stopwords_are_neither_indexed_nor_required():
    version = PublishedVersionFactory(title="Policy för och om arbetsmiljö")

    assert not SearchTerm.objects.filter(version=version, term__in=["för", "och", "om"]).exists()
    assert titles("policy för arbetsmiljö") == ["Policy för och om arbetsmiljö"]
    # A query of only stopwords has no terms and narrows nothing.
    assert query_terms("och att det") == []
    # ... except a lone word being typed: "för" may become "förskola".
    assert query_terms("för") == [QueryWord("för", True)]


def test_only_the_current_version_is_searched():
    first = PublishedVersionFactory(title="Rutin", body="<p>Gammal text om parkering.</p>")
    PublishedVersionFactory(
        document=first.document, title="Rutin", body="<p>Ny text om cyklar.</p>"
    )

    assert titles("cyklar") == ["Rutin"]
    assert titles("parkering") == []
    # Superseded versions stay indexed for searching the history (one row per version).
    assert not SearchTerm.objects.filter(version=first).exists()
    assert '"parkering":' in SearchHistory.objects.get(version=first).terms


def test_unpublished_versions_are_not_found():
    PublishedVersionFactory(title="Utkast om snöröjning", publish=False)

    assert titles("snöröjning") == []


def test_body_html_is_indexed_as_text():
    version = PublishedVersionFactory(
        title="T",
        body="<h2>Ansvar</h2><p>Chefen&nbsp;ansvarar f&ouml;r <strong>brand</strong>skydd.</p>"
        "<ul><li>ett</li><li>två</li></ul>",
    )

    assert html_to_text(version.body) == "Ansvar Chefen ansvarar för brandskydd. ett två"
    text_terms = set(
        SearchTerm.objects.filter(version=version, field=SearchField.TEXT).values_list(
            "term", flat=True
        )
    )
    assert set(analyse("Ansvar chef brandskydd två")) <= text_terms
    assert "strong" not in text_terms and "h2" not in text_terms


def test_analysis_is_one_function_for_index_and_query():
    assert analyse("Rutinerna, rutiner och rutin") == ["rutin", "rutin", "rutin"]
    assert analyse("Samverkansgruppen") == analyse("samverkansgrupp")
    assert query_terms("rutinerna samverkansgr") == [
        QueryWord("rutin", False),
        QueryWord("samverkansgr", True),
    ]
