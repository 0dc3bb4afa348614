"""On SQLite a prefix word's keys in the history are read from the FTS5 index's vocabulary
(``history_index.TERMS``): its tokens must be the keys as they are, each with its packed
score after ``_`` (``rutin_90001``, migration ``documents.0039``). The index's tokenizer
folds case; every key is already folded (``analysis.normalise``), so folding it again must
change nothing, for every character a term can hold, in the SQLite this Python runs; and
no term holds ``_``, so the first one ends the term. A SQLite whose folding differs would
lose hits silently: this test stops it first."""

from __future__ import annotations

import sqlite3

import pytest

from documents.search.analysis import TOKEN_RE, normalise

TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co Cn M* S*' tokenchars '@_'"


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
def test_every_character_of_a_term_is_its_own_token_unchanged():

    db = sqlite3.connect(":memory:")
    db.execute(f'CREATE VIRTUAL TABLE k USING fts5(t, detail=none, tokenize="{TOKENIZE}")')
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(k, instance)")
    characters = term_characters()
    db.executemany(
        "INSERT INTO k(rowid, t) VALUES (?, ?)",
        [(ord(c), '{"x' + c + 'x":90909}'.replace('":', "_")) for c in characters],
    )

    tokens = dict(db.execute("SELECT doc, term FROM v"))

    assert len(characters) > 100_000
    assert "_" not in characters
    changed = {hex(code): term for code, term in tokens.items() if term != f"x{chr(code)}x_90909"}
    assert changed == {}
    assert len(tokens) == len(characters)  # each one token: none split, none dropped


def test_the_migrations_tokenizer_is_the_one_checked():
    from importlib import import_module

    keys = import_module("documents.migrations.0039_search_history_key_scores_on_sqlite")
    assert keys.TOKENIZE == TOKENIZE
