"""A word being typed whose completions stem to terms the index does not hold is ranked
as if they were not there: the one-word search of the register (``RankedTerm``) gives the
same hits, scores and order as the grouped ranking (``RankedHits``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from documents.filters import RegisterFilter
from documents.search.analysis import query_terms
from documents.search.ranking import RankedHits
from documents.selectors import register_versions
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["rutinerna", "rutinernas", "avvikelse", "avvikels", "planeri"])
def test_a_typed_word_ranks_the_same_both_ways(q):
    PublishedVersionFactory(title="Rutinernasamling", body="<p>Samling.</p>")
    PublishedVersionFactory(title="Rutin för avvikelser", body="<p>Avvikelsen.</p>")
    PublishedVersionFactory(title="Avvikelserapport", body="<p>Rutinerna.</p>")
    PublishedVersionFactory(title="Planering", body="<p>Inget mer.</p>")  # not "planer"
    assert query_terms(q)[0].whole  # some whole-word stems, not all of them indexed
    request = RequestFactory().get("/register/", {"q": q})
    request.user = AnonymousUser()
    versions = register_versions(request.user)
    filterset = RegisterFilter(request.GET, queryset=versions, request=request)

    ranked = filterset.ranked_hits.rows()
    grouped = RankedHits(filterset._filter(versions.all()), q, current_only=True).rows()

    assert ranked == grouped
