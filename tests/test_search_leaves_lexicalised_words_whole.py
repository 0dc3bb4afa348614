"""Words a reader takes as one word are not split into compounds, though their pieces are
words of the lexicon: "rätt" does not find "porträtt", "medel" not "livsmedel", "håll" not
"innehåll"; and the compounds made of them still split ("livsmedelskontroll")."""

from __future__ import annotations

import pytest

from documents.models import DocumentVersion, SearchCompound
from documents.search import search
from documents.search.compounds import split
from tests.factories import PublishedVersionFactory


@pytest.mark.parametrize(
    "word",
    [
        "livsmedel",
        "livsmedlet",
        "porträtt",
        "innehåll",
        "innehåller",
        "tjänsteman",  # was "tjäna" + "teman"
        "angelägenhet",  # was "ange" + "lägenhet"
        "fortsätta",  # a verb particle, not "fort"
        "försvinner",  # was "förs" + "vinner"
        "uppskatta",  # was "upps" + "katta"
        "långsamt",  # "-samt" is an ending here
        "betalade",  # was "beta" + "lade"
        "lösenord",  # was "löse" + "nord"
        "misslyckas",
        "självklart",
    ],
)
def test_a_lexicalised_word_is_not_split(word):
    assert split(word) == ()


@pytest.mark.parametrize(
    "word, parts",
    [
        ("livsmedelskontroll", ("livsmedels", "kontroll")),
        ("innehållsförteckning", ("innehålls", "förteckning")),
        ("tandvård", ("tand", "vård")),
        ("missbruk", ("miss", "bruk")),
    ],
)
def test_compounds_of_such_words_and_their_neighbours_still_split(word, parts):
    assert split(word) == parts


@pytest.fixture
def register(db):
    return {
        "portrait": PublishedVersionFactory(
            title="Riktlinje för fotografering", body="<p>Porträtt av medarbetare.</p>"
        ),
        "food": PublishedVersionFactory(
            title="Rutin för livsmedel i förskolan",
            body="<p>Livsmedelskontrollen görs av miljöförvaltningen.</p>",
        ),
        "right": PublishedVersionFactory(
            title="Policy för rätt till heltid", body="<p>Alla har rätt att söka.</p>"
        ),
    }


def _found(q: str) -> set[int]:
    return set(
        search(DocumentVersion.objects.all(), q, version_field="pk").values_list("pk", flat=True)
    )


def test_a_piece_of_a_lexicalised_word_does_not_find_it(register):
    assert _found("rätt") == {register["right"].pk}
    assert _found("medel") == set()
    assert not SearchCompound.objects.filter(term="porträtt").exists()


def test_the_compound_of_a_lexicalised_word_is_found_by_its_parts(register):
    assert _found("kontroll") == {register["food"].pk}
    assert _found("livsmedel") == {register["food"].pk}


def test_the_register_page_shows_only_the_real_hit(client, register):
    page = client.get("/register/", {"q": "rätt"}).content.decode()
    assert "Policy för rätt till heltid" in page
    assert "Riktlinje för fotografering" not in page
