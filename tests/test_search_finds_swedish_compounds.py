"""Swedish compounds: a word finds the compounds that begin or end with it ("kontroll" finds
"internkontroll"), split with wordfreq's Swedish lexicon, below the documents with the word
itself, the same through every way the register ranks hits."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import DocumentVersion, SearchCompound
from documents.search import search
from documents.search.analysis import query_terms
from documents.search.compounds import compound_rows, split
from documents.search.ranked_term import RankedTerm
from documents.search.ranking import RankedHits
from tests.factories import PublishedVersionFactory


@pytest.mark.parametrize(
    "word, parts",
    [
        ("internkontroll", ("intern", "kontroll")),
        ("alkoholmissbruket", ("alkohol", "missbruket")),
        ("samverkansgruppen", ("samverkans", "gruppen")),  # the linking s
        ("gatubelysning", ("gatu", "belysning")),  # the linking u
        ("handlingsplan", ("handlings", "plan")),
    ],
)
def test_a_compound_is_split_into_lexicon_words(word, parts):
    assert split(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "handling",  # "hand" + "ling": the lexicon knows the whole word better
        "kommunikation",  # "kommun" + "ikation": no word
        "planering",  # "plan" + "e" + "ring": a derivational ending, not a word
        "säkerheten",  # "säker" + "heten"
        "kvinnohus",  # "hus": shorter than four letters
        "utbildning",
    ],
)
def test_a_word_that_is_no_compound_is_not_split(word):
    assert split(word) == ()


def test_the_parts_are_recorded_by_their_stems():
    assert compound_rows(["samverkansgrupperna", "internkontrollen", "handling"]) == {
        ("grupp", "samverkansgrupp"),
        ("samverk", "samverkansgrupp"),
        ("kontroll", "internkontroll"),
        ("int", "internkontroll"),
    }


@pytest.fixture
def register(db):
    return {
        "exact": PublishedVersionFactory(
            title="Riktlinjer för attest", body="<p>Kontrollen görs varje kvartal.</p>"
        ),
        "compound": PublishedVersionFactory(
            title="Plan för internkontroll", body="<p>Internkontrollen rapporteras.</p>"
        ),
        "other": PublishedVersionFactory(title="Biblioteksplan", body="<p>Böcker.</p>"),
        "abuse": PublishedVersionFactory(
            title="Stöd vid alkoholmissbruk", body="<p>Stöd till vuxna med narkotikamissbruk.</p>"
        ),
        "noise": PublishedVersionFactory(
            title="Rutin för rapportering", body="<p>Planering och hantering.</p>"
        ),
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
@pytest.mark.parametrize("q", ["kontroll", "kontrollen", "kontr"])
def test_a_word_finds_its_compounds_below_the_word_itself(register, rank, q):
    assert rank(q) == [register["exact"].pk, register["compound"].pk]


@pytest.mark.parametrize("rank", [_found, _ranked, _ranked_term])
def test_a_words_head_and_first_part_find_the_compound(register, rank):
    assert rank("missbruk") == [register["abuse"].pk]
    assert rank("narkotika") == [register["abuse"].pk]
    assert rank("alkohol") == [register["abuse"].pk]


@pytest.mark.parametrize("rank", [_found, _ranked])
def test_a_word_not_typed_last_finds_compounds_too(register, rank):
    assert rank("missbruk stöd") == [register["abuse"].pk]
    assert rank("kontroll plan") == [register["compound"].pk]


@pytest.mark.parametrize("rank", [_found, _ranked, _ranked_term])
def test_short_or_unlikely_parts_find_nothing(register, rank):
    assert rank("ring") == []  # rapportering, planering, hantering
    assert rank("ling") == []


def test_reindexing_builds_the_parts_of_an_existing_register(register):
    SearchCompound.objects.all().delete()
    assert _found("missbruk") == []

    call_command("reindex_search", "--no-progress", stdout=None)

    assert SearchCompound.objects.filter(part="missbruk", term="alkoholmissbruk").exists()
    assert _found("missbruk") == [register["abuse"].pk]


def test_the_parts_are_few_per_distinct_word_not_per_document(db):
    for _ in range(3):
        PublishedVersionFactory(title="Internkontroll", body="<p>Internkontrollen.</p>")

    assert SearchCompound.objects.filter(term="internkontroll").count() == 2
