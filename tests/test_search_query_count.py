"""A page of search results with snippets costs the same few SQL queries whatever the page
size: the search itself, the pagination count and one prefetch of the files."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from documents.models import Document
from documents.search import highlight, search, snippet
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_hits():
    for n in range(25):
        PublishedVersionFactory(
            title=f"Rutin {n} för brandskydd",
            document__summary=f"Brandskydd på enhet {n}.",
            body=f"<p>Rutinerna för brandskyddet på enhet {n} ses över årligen.</p>",
        )


@pytest.mark.parametrize("page_size", [5, 20])
def test_a_results_page_with_snippets_is_three_queries(
    many_hits, page_size, django_assert_num_queries
):
    q = "rutiner brandsk"
    results = search(
        Document.objects.filter(is_public=True)
        .select_related("current_version", "document_type")
        .prefetch_related("current_version__files"),
        q,
    )

    with django_assert_num_queries(3):  # count, page, files
        page = Paginator(results, page_size).page(1)
        rows = [
            (
                highlight(doc.title, q),
                highlight(doc.summary, q),
                snippet(doc.current_version, q),
                doc.document_type.name,
                doc.score,
            )
            for doc in page
        ]

    assert len(rows) == page_size
    assert all("<mark>" in title and "<mark>" in text for title, _s, text, _t, _score in rows)
