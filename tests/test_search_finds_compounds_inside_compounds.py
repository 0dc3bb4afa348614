"""A compound's parts that are compounds themselves are split too: "arbetsmiljöplan" is
"arbetsmiljö" + "plan", and "arbetsmiljö" is "arbete" + "miljö", so "arbete", "miljö" and
"arbetsmiljö" all find it, below the documents with the word itself; the runs of a three-part
compound's adjacent parts ("internkontroll" of "internkontrollplan") find it too. The rules
against noise hold at every level."""

from __future__ import annotations

import pytest
from django.utils import timezone

from documents.models import DocumentVersion, SearchCompound
from documents.search import search
from documents.search.analysis import query_terms
from documents.search.compounds import compound_rows, split
from documents.search.ranked_term import RankedTerm
from documents.search.ranking import RankedHits
from tests.factories import PublishedVersionFactory


def test_a_part_that_is_a_compound_is_split_too():
    assert compound_rows(["arbetsmiljöplanen"]) == {
        ("arbetsmiljö", "arbetsmiljöpl"),
        ("arb", "arbetsmiljöpl"),  # arbete
        ("miljö", "arbetsmiljöpl"),
        ("plan", "arbetsmiljöpl"),
    }


def test_the_runs_of_adjacent_parts_are_parts():
    assert split("internkontrollplan") == ("intern", "kontroll", "plan")
    assert {part for part, _ in compound_rows(["internkontrollplan"])} == {
        "int",
        "kontroll",
        "plan",
        "internkontroll",
        "kontrollpl",  # kontrollplan
    }


@pytest.mark.parametrize(
    "word",
    [
        "tjänsten",  # no "tjäna" + "sten": "tjänst", its stem, is the more common
        "nämndens",  # no "nämna" + "dens"
        "sparande",  # "spar" and an ending: its stem ends within the first part
        "plattorna",
        "klassade",
    ],
)
def test_an_inflected_word_is_no_compound_of_its_pieces(word):
    assert split(word) == ()


def test_a_compounds_inflected_head_is_not_split_into_pieces():
    # "säkerhetstjänsten": its head "tjänsten" is no compound, so no "sten".
    parts = {part for part, _ in compound_rows(["säkerhetstjänsten"])}
    assert "sten" not in parts
    assert "tjänst" in parts


@pytest.fixture
def register(db):
    return {
        "word": PublishedVersionFactory(
            title="Riktlinjer för arbete på höjd", body="<p>Arbetet planeras i förväg.</p>"
        ),
        "environment": PublishedVersionFactory(title="Miljöpolicy", body="<p>Kommunens miljö.</p>"),
        "nested": PublishedVersionFactory(
            title="Rutin för skyddsombud", body="<p>Arbetsmiljöplanen gäller skolorna.</p>"
        ),
        "other": PublishedVersionFactory(title="Biblioteksplan", body="<p>Böcker.</p>"),
    }


def _found(q: str) -> list[int]:
    return list(
        search(DocumentVersion.objects.all(), q, version_field="pk").values_list("pk", flat=True)
    )


def _ranked(q: str) -> list[int]:
    hits = RankedHits(DocumentVersion.objects.all(), q, current_only=True)
    return [pk for pk, _score, _total in hits.rows()]


def _ranked_term(q: str) -> list[int]:
    (word,) = query_terms(q)
    hits = RankedTerm(word, day=timezone.localdate(), public_only=False)
    return [pk for pk, _score, _total in hits.rows()]


@pytest.mark.parametrize("rank", [_found, _ranked, _ranked_term])
def test_the_parts_of_a_compounds_part_find_it_below_the_word_itself(register, rank):
    assert rank("arbete") == [register["word"].pk, register["nested"].pk]
    assert rank("miljö") == [register["environment"].pk, register["nested"].pk]
    assert rank("arbetsmiljö") == [register["nested"].pk]
    assert rank("arbetsmilj") == [register["nested"].pk]  # as it is typed


def test_the_nested_parts_are_recorded_once_per_distinct_word(register):
    PublishedVersionFactory(title="Arbetsmiljöplan", body="<p>Arbetsmiljöplanen.</p>")

    assert SearchCompound.objects.filter(term="arbetsmiljöpl").count() == 4
