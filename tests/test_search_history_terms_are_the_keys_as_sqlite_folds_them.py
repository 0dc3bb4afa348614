"""On SQLite the history rows are found through an FTS5 index of their keys
(``history_index.KEYS``), and a prefix word's keys are read from the vocabulary of a
second one whose tokens are the keys with their packed scores (``history_index.TERMS``,
``rutin_90001``): the tokens must be the keys as they are. The tokenizers fold case; every
key is already folded (``analysis.normalise``), so folding it again must change nothing,
for every character a term can hold, in the SQLite this Python runs; and no term holds
``_``, so the first one ends the term. A SQLite whose folding differs would lose hits
silently: this test stops it first."""

from __future__ import annotations

import sqlite3

import pytest

from documents.search.analysis import TOKEN_RE, normalise

CATEGORIES = "unicode61 remove_diacritics 0 categories 'L* N* Co Cn M* S*'"
KEYS = f"{CATEGORIES} tokenchars '@'"
SCORES = f"{CATEGORIES} tokenchars '_'"


def term_characters() -> list[str]:
    found: set[str] = set()
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        for token in TOKEN_RE.findall(normalise(chr(code))):
            found.update(token)
    return sorted(found)


@pytest.mark.skipif(
    not sqlite3.connect(":memory:")
    .execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
    .fetchone()[0],
    reason="SQLite without FTS5 (the migration refuses it)",
)
@pytest.mark.parametrize(
    "tokenize, text, token",
    [
        (KEYS, lambda c: f'{{"x{c}x":90909}}', lambda c: f"x{c}x"),
        # The view of 0039 joins each key to its score: '":' becomes '_'.
        (SCORES, lambda c: f'{{"x{c}x":90909}}'.replace('":', "_"), lambda c: f"x{c}x_90909"),
    ],
    ids=["keys", "keys with scores"],
)
def test_every_character_of_a_term_is_its_own_token_unchanged(tokenize, text, token):
    db = sqlite3.connect(":memory:")
    db.execute(f'CREATE VIRTUAL TABLE k USING fts5(t, detail=none, tokenize="{tokenize}")')
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(k, instance)")
    characters = term_characters()
    db.executemany("INSERT INTO k(rowid, t) VALUES (?, ?)", [(ord(c), text(c)) for c in characters])

    tokens = {(doc, term) for doc, term in db.execute("SELECT doc, term FROM v") if term != "90909"}

    assert len(characters) > 100_000
    assert "_" not in characters
    changed = {(hex(code), term) for code, term in tokens if term != token(chr(code))}
    assert changed == set()
    assert len(tokens) == len(characters)  # each one token: none split, none dropped


def test_the_migrations_tokenizer_is_the_one_checked():
    from importlib import import_module

    keys = import_module("documents.migrations.0037_search_history_keys_on_sqlite")
    scores = import_module("documents.migrations.0039_search_history_key_scores_on_sqlite")
    assert (keys.TOKENIZE, scores.TOKENIZE) == (KEYS, SCORES)
