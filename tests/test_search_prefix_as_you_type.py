"""Search as you type: the last word of the query matches as a prefix of indexed words, so
results appear while a word is half typed; earlier words match whole."""

from __future__ import annotations

import pytest

from documents.models import Document
from documents.search import search
from documents.search.analysis import QueryWord, analyse, query_terms
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return sorted(search(Document.objects.all(), q).values_list("title", flat=True))


def test_half_typed_word_finds_the_whole_word():
    PublishedVersionFactory(title="Mötesordning", body="<p>Samverkansgruppen träffas.</p>")
    PublishedVersionFactory(title="Annat", body="<p>Samordning av resor.</p>")

    for typed in ["sam", "samv", "samverkansgr", "samverkansgrupp", "samverkansgruppen"]:
        expected = ["Annat", "Mötesordning"] if typed == "sam" else ["Mötesordning"]
        assert titles(typed) == expected, typed


def test_every_step_of_typing_an_inflected_word_keeps_the_hit():
    PublishedVersionFactory(title="Rutin för inskrivning")

    word = "rutinerna"
    for n in range(3, len(word) + 1):
        assert titles(word[:n]) == ["Rutin för inskrivning"], word[:n]


def test_only_the_last_word_is_a_prefix():
    PublishedVersionFactory(title="Rutin för inskrivning")

    assert titles("insk rutin") == []
    assert titles("rutin insk") == ["Rutin för inskrivning"]


def test_prefixes_with_swedish_letters():
    PublishedVersionFactory(title="Åtgärdsplan för överförmyndare")
    PublishedVersionFactory(title="Ärendehantering")
    PublishedVersionFactory(title="Aktivitetsplan")

    assert titles("åtg") == ["Åtgärdsplan för överförmyndare"]
    assert titles("överf") == ["Åtgärdsplan för överförmyndare"]
    assert titles("ären") == ["Ärendehantering"]
    assert titles("ÄRENDEH") == ["Ärendehantering"]
    assert titles("akt") == ["Aktivitetsplan"]


def test_very_short_last_words_match_whole_words_only():
    PublishedVersionFactory(title="KS beslut", body="<p>Ksenia.</p>")
    PublishedVersionFactory(title="Ksx", body="<p>Annat.</p>")

    assert query_terms("ks") == [QueryWord("ks", False)]
    assert titles("ks") == ["KS beslut"]


def test_a_lone_stopword_being_typed_is_a_prefix():
    PublishedVersionFactory(title="Förskolans rutiner")

    assert titles("för") == ["Förskolans rutiner"]
    assert titles("rutiner för") == ["Förskolans rutiner"]  # stopword dropped after a word


def test_prefix_range_matches_startswith_exactly():
    PublishedVersionFactory(title="Planering")
    PublishedVersionFactory(title="Plaza")
    PublishedVersionFactory(title="Plbbb")

    assert titles("plan") == ["Planering"]
    assert titles("pla") == ["Planering", "Plaza"]


def test_prefix_ranges_follow_code_points_not_a_locale():
    """å, ä and ö are ordered differently by Swedish and English collations; the index must
    not care (on PostgreSQL the term column compares by code point, as SQLite does)."""
    words = ["planäng", "planång", "planöga", "planzon", "planbok", "plan9", "planering"]
    for word in words:
        PublishedVersionFactory(title=word.capitalize())

    for typed in ["planä", "planå", "planö", "planz", "plan9", "plane", "plan"]:
        expected = sorted(
            w.capitalize()
            for w in words
            if any(query_terms(typed)[0].matches(t) for t in analyse(w))
        )
        assert titles(typed) == expected, typed
        assert expected, typed
