"""A document found only through a compound ("kontroll" finding "internkontrollen") shows
the compound in its snippet, marked, as the title's highlight does."""

from __future__ import annotations

import pytest

from documents.search import highlight, snippet
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db

FILLER = "Texten handlar om annat än det som söks. " * 12


def test_the_compound_found_is_shown_and_marked():
    version = PublishedVersionFactory(
        body=f"<p>{FILLER}Internkontrollen görs varje år. {FILLER}</p>"
    )

    html = snippet(version, "kontroll")

    assert "<mark>Internkontrollen</mark> görs varje år." in html


@pytest.mark.parametrize("q", ["kontr", "kontrollen", "intern"])
def test_as_typed_inflected_or_the_first_part(q):
    version = PublishedVersionFactory(body="<p>Om internkontrollen.</p>")

    assert snippet(version, q) == "Om <mark>internkontrollen</mark>."


def test_a_part_of_a_compounds_part_is_marked():
    version = PublishedVersionFactory(body="<p>Se arbetsmiljöplanen.</p>")

    assert snippet(version, "miljö") == "Se <mark>arbetsmiljöplanen</mark>."
    assert snippet(version, "arbetsmiljö") == "Se <mark>arbetsmiljöplanen</mark>."


def test_the_title_marks_the_compound_too():
    assert highlight("Plan för internkontroll", "kontroll") == (
        "Plan för <mark>internkontroll</mark>"
    )


def test_a_word_merely_containing_the_letters_is_not_marked():
    # "ring" is in "rapportering" but is no part of it; "plan" starts "planering".
    version = PublishedVersionFactory(body="<p>Rapportering och planering.</p>")

    assert snippet(version, "ring") == "Rapportering och planering."
    assert snippet(version, "plan test") == "Rapportering och planering."
