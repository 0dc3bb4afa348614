"""The word-level diff between two versions: blocks first, words only inside changed blocks;
escaped output with <ins>/<del>; fast for a 30-page document; served by /documents/<id>/diff/."""

from __future__ import annotations

import random

import pytest

from documents import diff
from tests.factories import UserFactory, document_with_history

# --- The algorithm (pure functions) ----------------------------------------------------


def test_a_changed_word_is_deleted_and_inserted():
    html, ratio = diff.word_diff("Ett två tre.", "Ett tre fyra.")

    assert html == "Ett <del>två</del> tre <ins>fyra</ins>."
    assert 0.5 < ratio < 1


def test_added_words_are_marked_where_they_were_added():
    html, _ = diff.word_diff(
        "Rutinen gäller medarbetare i förskolan.",
        "Rutinen gäller chefer och medarbetare i förskolan.",
    )

    assert html == "Rutinen gäller <ins>chefer och</ins> medarbetare i förskolan."


def test_white_space_changes_alone_are_no_change():
    html, ratio = diff.word_diff("Ett  två\ntre", "Ett två tre")

    assert "<ins>" not in html and "<del>" not in html
    assert ratio == 1


def test_output_is_escaped():
    result = diff.diff_html(
        "<p>Ett &lt;b&gt; och &amp;</p>",
        "<p>Ett &lt;script&gt;alert(1)&lt;/script&gt; och &amp;</p>",
    )
    rendered = "".join(diff.render_block(b) for run in result.runs for b in run.blocks)

    assert "<script>" not in rendered
    assert "Ett &lt;<del>b</del><ins>script&gt;alert(1)&lt;/script</ins>&gt; och &amp;" in rendered


def test_script_content_is_not_text():
    blocks = diff.html_blocks("<p>Synlig</p><script>alert('x')</script><style>p{}</style>")

    assert [b.text for b in blocks] == ["Synlig"]


def test_blocks_follow_headings_paragraphs_list_items_and_table_rows():
    blocks = diff.html_blocks(
        "<h1>Syfte</h1><div>Första<br>raden</div>"
        "<ul><li>ett<ul><li>inre</li></ul></li><li>två</li></ul>"
        "<table><tr><th>Roll</th><th>Ansvar</th></tr><tr><td>Chef</td><td>Allt</td></tr></table>"
    )

    assert [(b.kind, b.text) for b in blocks] == [
        (diff.HEADING, "Syfte"),
        (diff.PARAGRAPH, "Första raden"),
        (diff.ITEM, "ett"),
        (diff.ITEM, "inre"),
        (diff.ITEM, "två"),
        (diff.ROW, "Roll | Ansvar"),
        (diff.ROW, "Chef | Allt"),
    ]


def test_unchanged_blocks_carry_no_marks_and_new_blocks_are_wholly_inserted():
    old = "<p>Första stycket.</p><p>Andra stycket.</p>"
    new = "<p>Första stycket.</p><p>Ett nytt stycke mitt i.</p><p>Andra stycket.</p>"

    result = diff.diff_html(old, new)

    ops = [(b.op, b.html) for run in result.runs for b in run.blocks]
    assert ops == [
        ("equal", "Första stycket."),
        ("insert", "<ins>Ett nytt stycke mitt i.</ins>"),
        ("equal", "Andra stycket."),
    ]
    assert (result.inserted, result.deleted, result.changed) == (1, 0, 0)


def test_a_removed_block_is_wholly_deleted():
    result = diff.diff_html("<p>Kvar.</p><li>Bort med detta.</li>", "<p>Kvar.</p>")

    blocks = [b for run in result.runs for b in run.blocks]
    assert blocks[-1].op == "delete"
    assert blocks[-1].html == "<del>Bort med detta.</del>"


def test_a_rewritten_block_is_deleted_and_inserted_rather_than_patched():
    result = diff.diff_html(
        "<p>Chefen ansvarar för uppföljningen varje år.</p>",
        "<p>Samtliga anställda rapporterar tillbud i systemet direkt.</p>",
    )

    assert (result.inserted, result.deleted, result.changed) == (1, 1, 0)


def test_a_small_change_in_a_block_is_compared_word_by_word():
    result = diff.diff_html(
        "<p>Chefen ansvarar för uppföljningen varje år.</p>",
        "<p>Chefen ansvarar för uppföljningen varje halvår.</p>",
    )

    (block,) = [b for run in result.runs for b in run.blocks]
    assert block.op == "change"
    assert block.html == "Chefen ansvarar för uppföljningen varje <del>år</del><ins>halvår</ins>."


def test_identical_texts_are_identical():
    result = diff.diff_html("<p>Samma.</p>", "<p>Samma.</p>")

    assert result.identical


def test_long_unchanged_stretches_are_folded_with_context_around_changes():
    old = "".join(f"<p>Stycke {i}.</p>" for i in range(20))
    new = old.replace("<p>Stycke 10.</p>", "<p>Stycke tio.</p>")

    pieces = diff.collapse(diff.diff_html(old, new).runs, context=2)

    shown = [(hidden, len(blocks)) for hidden, blocks in pieces]
    assert shown == [(True, 8), (False, 2), (False, 1), (False, 2), (True, 7)]


SAMPLE_TEXT = (
    "kommunen ska säkerställa att förskolan följer rutinen för anmälan av skada tillbud "
    "och risker i verksamheten enligt arbetsmiljölagen samverkan med fackliga "
    "organisationer sker löpande chefen ansvarar för uppföljning varje år medarbetare "
    "rapporterar avvikelser i systemet inom tre dagar skyddsombud informeras"
)


def generated_document(words: int = 15_000, seed: int = 4) -> list[str]:
    """Blocks of a long Swedish-looking document: headings, paragraphs and lists."""
    rng = random.Random(seed)
    vocabulary = SAMPLE_TEXT.split()
    blocks, count, i = [], 0, 0
    while count < words:
        i += 1
        if i % 12 == 1:
            blocks.append(f"<h2>Avsnitt {i}</h2>")
            count += 2
        elif i % 12 == 5:
            items = "".join(f"<li>{' '.join(rng.choices(vocabulary, k=8))}.</li>" for _ in range(4))
            blocks.append(f"<ul>{items}</ul>")
            count += 32
        else:
            blocks.append(f"<p>{' '.join(rng.choices(vocabulary, k=40)).capitalize()}.</p>")
            count += 40
    return blocks


class CountingMatcher(diff.SequenceMatcher):
    """Counts the word-level work of a comparison: timings are for bench/, not tests."""

    made = 0
    full_ratios = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)

    def ratio(self):
        type(self).full_ratios += 1
        return super().ratio()


@pytest.fixture
def counting(monkeypatch):
    CountingMatcher.made = CountingMatcher.full_ratios = 0
    monkeypatch.setattr(diff, "SequenceMatcher", CountingMatcher)
    return CountingMatcher


def test_a_30_page_document_with_a_few_changes_compares_only_the_changed_blocks(counting):
    blocks = generated_document()
    old = "".join(blocks)
    changed = list(blocks)
    for k in (20, 150, 302):  # paragraphs (every twelfth block is a heading)
        changed[k] = changed[k].replace("</p>", " Tillagd mening om ansvar.</p>", 1)
    changed.insert(200, "<p>Ett helt nytt stycke om digital signering.</p>")
    del changed[400]
    new = "".join(changed)
    assert len(" ".join(b.text for b in diff.html_blocks(old)).split()) >= 15_000

    result = diff.diff_html(old, new)

    assert result.inserted == 1
    assert result.deleted == 1
    assert result.changed == 3
    # One block-level comparison, then word-level work only around the five changes
    # (the timing of this diff is measured in bench/pages.py).
    assert counting.made <= 1 + 5 * diff.PAIR_WINDOW
    assert counting.full_ratios <= 5 * diff.PAIR_WINDOW


@pytest.mark.parametrize("budget", [50, diff.MAX_PAIR_COMPARISONS])
def test_two_wholly_different_30_page_documents_do_a_bounded_amount_of_work(
    counting, monkeypatch, budget
):
    monkeypatch.setattr(diff, "MAX_PAIR_COMPARISONS", budget)
    old = "".join(generated_document(seed=1))
    new = "".join(generated_document(seed=2))
    old_blocks = len(diff.html_blocks(old))

    result = diff.diff_html(old, new)

    # Every full word comparison is paid from one budget, so two unrelated long texts
    # cost at most that many (plus the word diff of each pair found), whatever their
    # length; the rest shows as deleted/inserted.
    assert counting.full_ratios <= budget + result.changed
    assert counting.made <= 1 + old_blocks * diff.PAIR_WINDOW
    assert result.deleted > old_blocks // 2 and result.inserted > old_blocks // 2


# --- The page ------------------------------------------------------------------------------


@pytest.fixture
def document(db):
    return document_with_history(
        3,
        body_texts=[
            "<h2>Syfte</h2><p>Chefen ansvarar för uppföljningen varje år.</p>",
            "<h2>Syfte</h2><p>Chefen ansvarar för uppföljningen varje halvår.</p>",
            "<h2>Syfte</h2><p>Chefen ansvarar för uppföljningen varje halvår.</p>"
            "<p>Skyddsombudet informeras &amp; deltar.</p>",
        ],
    )


def test_the_diff_page_highlights_additions_and_deletions(client, document):
    response = client.get(f"/documents/{document.pk}/diff/?from=1&to=2")

    assert response.status_code == 200
    page = response.content.decode()
    assert "varje <del>år</del><ins>halvår</ins>." in page
    assert "Från version 1 till version 2" in page


def test_the_diff_page_defaults_to_the_valid_version_against_the_one_before(client, document):
    response = client.get(f"/documents/{document.pk}/diff/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<ins>Skyddsombudet informeras &amp; deltar.</ins>" in page
    assert "<del>" not in page.split('class="diff"', 1)[1]


def test_the_diff_page_compares_backwards_too(client, document):
    page = client.get(f"/documents/{document.pk}/diff/?from=3&to=1").content.decode()

    assert "<del>Skyddsombudet informeras &amp; deltar.</del>" in page
    assert "varje <del>halvår</del><ins>år</ins>." in page


def test_the_diff_page_escapes_hostile_text(client, db):
    document = document_with_history(
        2,
        body_texts=[
            "<p>Text.</p>",
            '<p>Text.</p><p><img src=x onerror="alert(1)">&lt;script&gt;alert(2)&lt;/script&gt;</p>',
        ],
    )

    page = client.get(f"/documents/{document.pk}/diff/?from=1&to=2").content.decode()

    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "query",
    [
        "from=abc&to=2",
        "from=-1&to=2",
        "from=1&to=9",
        "from=0&to=2",
        "from=1&to=99999999999999999999",
        "from=1.5&to=2",
        "from=%EF%BC%91&to=2",  # a full-width digit one
    ],
)
def test_hostile_diff_parameters_are_not_found(client, document, query):
    assert client.get(f"/documents/{document.pk}/diff/?{query}").status_code == 404


def test_the_diff_of_an_internal_document_needs_a_login(client, db):
    document = document_with_history(2, is_public=False)
    url = f"/documents/{document.pk}/diff/?from=1&to=2"

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 200
