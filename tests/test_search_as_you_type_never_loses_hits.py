"""As you type: the hits of a longer prefix are a subset of a shorter prefix's, and every
prefix of three letters or more finds what the whole word finds. The word being typed
matches the index terms that start with it and, as whole words, the shorter stems its
completions have (``documents.search.analysis.completion_stems``), so "avvikel" finds what
"avvikelse" finds (its stem is "avvik")."""

from __future__ import annotations

import re

import pytest

from documents.models import Document
from documents.search import search
from documents.search.analysis import MIN_PREFIX_LENGTH, completion_stems, query_terms, stem, tokens
from fixtures import generator_vocabulary
from tests.factories import PublishedVersionFactory


def _vocabulary() -> list[str]:
    text = " ".join(
        str(value)
        for value in vars(generator_vocabulary).values()
        if isinstance(value, (str, tuple, list, dict))
    )
    return sorted({w for w in tokens(re.sub(r"[{}\[\]'(),:]", " ", text)) if len(w) >= 4})


def _reaches(typed: str) -> set[str]:
    """The index terms shorter than ``typed`` that the typed word matches."""
    return set(completion_stems(typed))


def test_every_prefix_of_every_word_reaches_the_words_stem():
    words = _vocabulary()
    assert len(words) > 500  # the generator's whole vocabulary, not a sample
    for word in words:
        target = stem(word)
        for n in range(MIN_PREFIX_LENGTH, len(word) + 1):
            typed = word[:n]
            # The stem is either as long as what is typed (then the range finds it) or
            # one of the shorter stems the typed word matches.
            assert target.startswith(typed) or target in _reaches(typed), (word, typed)


def test_a_longer_prefix_never_reaches_a_stem_a_shorter_one_misses():
    for word in _vocabulary():
        for n in range(MIN_PREFIX_LENGTH, len(word)):
            shorter, longer = word[:n], word[: n + 1]
            for term in _reaches(longer):
                assert term.startswith(shorter) or term in _reaches(shorter), (word, term)


@pytest.mark.django_db
def test_typing_avvikelse_keeps_every_hit_and_the_title_word_first():
    PublishedVersionFactory(
        title="Rutin för avvikelser i hemtjänsten", body="<p>Avvikelser rapporteras.</p>"
    )
    PublishedVersionFactory(
        title="Riktlinjer för avvikelsehantering",
        document__summary="Avvikelser och lex Sarah.",
        body="<p>Avvikelsehanteringen följs upp. Avvikelsen utreds.</p>",
    )
    PublishedVersionFactory(title="Rutin för hemtjänst", body="<p>Vid en avvikelse ...</p>")

    def hits(q: str) -> list[str]:
        return list(search(Document.objects.all(), q).values_list("title", flat=True))

    previous = None
    for n in range(3, len("avvikelser") + 1):
        found = hits("avvikelser"[:n])
        if previous is not None:
            assert set(found) <= set(previous), "avvikelser"[:n]
        assert "Rutin för hemtjänst" in found, "avvikelser"[:n]
        previous = found
    assert hits("avvikels")[0] == "Rutin för avvikelser i hemtjänsten"
    assert hits("avvik")[0] == "Rutin för avvikelser i hemtjänsten"
    assert query_terms("avvikel")[0].whole == ("avvik", "avvike")
