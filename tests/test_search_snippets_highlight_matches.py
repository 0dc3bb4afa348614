"""A hit shows a snippet of its text around the match, with the matched words (in any
inflection) in <mark> and everything else HTML-escaped."""

from __future__ import annotations

import pytest
from django.utils.safestring import SafeString

from documents.search import highlight, snippet
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


def test_matched_inflections_are_marked():
    version = PublishedVersionFactory(
        body="<p>Följ rutinerna. En rutin per enhet; rutiner ses över årligen.</p>"
    )

    html = snippet(version, "rutin")

    assert isinstance(html, SafeString)
    assert html == (
        "Följ <mark>rutinerna</mark>. En <mark>rutin</mark> per enhet; "
        "<mark>rutiner</mark> ses över årligen."
    )


def test_everything_else_is_escaped():
    version = PublishedVersionFactory(
        body="<p>Skriv &lt;script&gt;alert(1)&lt;/script&gt; &amp; rutinen &quot;A&quot;.</p>"
    )

    html = snippet(version, "rutin")

    assert "<script>" not in html
    assert html == (
        "Skriv &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>rutinen</mark> &quot;A&quot;."
    )


def test_query_text_cannot_inject_markup():
    version = PublishedVersionFactory(body="<p>Text om märkning.</p>")

    html = snippet(version, "<b>text</b> <i>")

    assert html == "<mark>Text</mark> om märkning."


def test_long_text_is_cut_around_the_best_match_at_word_boundaries():
    filler = " ".join(f"ord{n}" for n in range(200))
    version = PublishedVersionFactory(
        body=f"<p>{filler} Brandskyddet gäller alla lokaler. {filler}</p>"
    )

    html = snippet(version, "brandskydd", length=80)

    assert "<mark>Brandskyddet</mark> gäller alla lokaler." in html
    assert html.startswith("… ") and html.endswith(" …")
    text = html.removeprefix("… ").removesuffix(" …")
    assert len(text.replace("<mark>", "").replace("</mark>", "")) <= 80
    assert all(
        word.startswith(("ord", "<mark>", "gäller", "alla", "lokaler")) for word in text.split()
    )


def test_the_window_with_most_query_terms_is_chosen():
    filler = " ".join(f"ord{n}" for n in range(100))
    version = PublishedVersionFactory(
        body=f"<p>Brand tidigt. {filler} Här: brand och larm tillsammans. {filler} Larm sent.</p>"
    )

    html = snippet(version, "brand larm", length=60)

    assert "<mark>brand</mark> och <mark>larm</mark> tillsammans" in html


def test_last_word_is_marked_as_a_prefix():
    version = PublishedVersionFactory(body="<p>Samverkansgruppen och samordnaren.</p>")

    assert snippet(version, "samverkansgr") == ("<mark>Samverkansgruppen</mark> och samordnaren.")
    assert snippet(version, "sam") == "<mark>Samverkansgruppen</mark> och <mark>samordnaren</mark>."


def test_without_a_match_the_text_begins():
    version = PublishedVersionFactory(body="<p>" + "Lång text. " * 50 + "</p>")

    html = snippet(version, "saknas", length=40)

    assert html.startswith("Lång text.") and html.endswith(" …") and "<mark>" not in html


def test_stopwords_and_unrelated_words_are_not_marked():
    version = PublishedVersionFactory(body="<p>Rutin för och om förskola.</p>")

    assert snippet(version, "rutin för förskola") == (
        "<mark>Rutin</mark> för och om <mark>förskola</mark>."
    )


def test_highlight_marks_a_whole_title():
    assert highlight("Rutiner & <riktlinjer>", "rutin riktlinje") == (
        "<mark>Rutiner</mark> &amp; &lt;<mark>riktlinjer</mark>&gt;"
    )
    assert highlight("ÅTGÄRDSPLAN för Idéer", "åtgärdsplan idé") == (
        "<mark>ÅTGÄRDSPLAN</mark> för <mark>Idéer</mark>"
    )


@pytest.mark.parametrize(
    "text, marked",
    [
        # A compound the search finds for the word is marked whole; other words holding
        # its letters are not.
        ("Brandrutinen och rutinen", "<mark>Brandrutinen</mark> och <mark>rutinen</mark>"),
        ("Brutinen och rutinen", "Brutinen och <mark>rutinen</mark>"),
        ("rutinrutin rutin", "<mark>rutinrutin</mark> <mark>rutin</mark>"),
        # An underscore separates words, as in the index.
        ("x_rutin (rutin) 2rutin", "x_<mark>rutin</mark> (<mark>rutin</mark>) 2rutin"),
        ("Årutin, ärutin; rutin!", "Årutin, ärutin; <mark>rutin</mark>!"),
    ],
)
def test_a_term_inside_a_word_is_marked_only_in_a_compound(text, marked):
    assert highlight(text, "rutin") == marked
