"""Swedish compounds: a query word also finds the compounds that begin or end with it.

Swedish writes compounds as one word ("internkontroll", "alkoholmissbruk",
"samverkansgrupp"), so "kontroll" must find "internkontroll". The split is made once per
distinct word when it is indexed, not per document and not per query:

* ``split`` cuts a word into parts that are all words of a real Swedish lexicon (wordfreq's
  Swedish list, with frequencies), allowing the linking letters -s-, -e-, -a-, -u-, -o- and
  a dropped final vowel ("arbetsmiljö" = "arbete" + "miljö"). Every part has at least
  ``MIN_PART_LENGTH`` letters and a frequency of at least ``MIN_PART_ZIPF`` (so "is", "ling",
  "ning" and other short or rare pieces never become parts). Of the possible splits the one
  whose rarest part is the most common wins, and only if that part is more common than the
  whole word: a word the lexicon knows better as a whole ("handling", not "hand" + "ling")
  is left alone, as is one whose rest is no word ("kommunikation" is not "kommun" +
  "ikation").
* The indexing hooks (``documents.search.indexing``) write a ``SearchCompound`` row
  ``(part, term)`` for each part's stem and the compound's stem: a few rows per distinct
  compound in the whole register, none per document.
* A query word's compound terms are then ``term IN (SELECT term FROM compounds WHERE part
  ...)``, a subquery inside the search's own statement (no query of its own): an exact
  word by its stem, the word being typed by the same range and completion stems its own
  terms are matched with, so the as-you-type rules hold for compounds too.
* Ranking: a hit through a compound scores nothing for that word. A document found only
  through compounds comes after every document with the word itself (in any field), and
  such documents are listed by title.

Rows are never deleted when words leave the index: a part whose compound no version has
any more matches nothing. ``manage.py reindex_search`` rebuilds them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

from django.db.models import Q, QuerySet

from ..models import SearchCompound
from ..text import STOPWORDS, QueryWord, stem
from .scoring import _successor

# A part is a lexicon word of at least this many letters (after its linking letter)...
MIN_PART_LENGTH = 4
# ...at least this common (Zipf scale: 3 is once per million words). Below it wordfreq's
# list holds fragments and names ("ning", "ikation" is not even there).
MIN_PART_ZIPF = 3.0
LINKING_LETTERS = "seauo"
# Final vowels a modifier drops before the head ("arbete" -> "arbets-", "skola" -> "skol-").
DROPPED_VOWELS = "ea"
# Splits are recursive this deep (a compound of at most 2**MAX_DEPTH parts).
MAX_DEPTH = 2
# Derivational endings that are also words ("ring", "heten"): never a compound's head.
SUFFIX_STEMS = frozenset({"het", "skap", "ring", "ning", "else", "ande", "ende", "tion", "itet"})
SUFFIX_STARTS = ("ering", "ening", "ning", "het", "skap")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    """wordfreq's Swedish words at least ``MIN_PART_ZIPF`` common, with their Zipf
    frequencies (loaded once per process). A rarer word splits as an unknown one does (a
    split wins when its rarest part, at least ``MIN_PART_ZIPF``, is more common than the
    word), so the 31,000 words kept of 341,000 give the same splits in a tenth of the
    memory and time."""
    from wordfreq import get_frequency_dict

    least = 10 ** (MIN_PART_ZIPF - 9)
    return {
        word: math.log10(freq * 1e9)
        for word, freq in get_frequency_dict("sv", wordlist="large").items()
        if freq >= least
    }


def zipf(word: str) -> float:
    """The word's frequency on the Zipf scale (log10 per billion words); 0 if unknown."""
    return _lexicon().get(word, 0.0)


def _as_part(word: str) -> float:
    """A part's frequency, or 0 if it may not be a part."""
    if len(word) < MIN_PART_LENGTH or word in STOPWORDS:
        return 0.0
    found = zipf(word)
    return found if found >= MIN_PART_ZIPF else 0.0


def modifier_forms(modifier: str) -> tuple[str, ...]:
    """The lexicon words a compound's first part may stand for, most common first: the
    part as written, without its linking letter, either with a dropped final vowel put
    back ("arbets" stands for "arbete", "samverkans" for "samverkan")."""
    forms = [modifier]
    if modifier[-1] in LINKING_LETTERS:
        forms.append(modifier[:-1])
    forms += [form + vowel for form in list(forms) for vowel in DROPPED_VOWELS]
    return tuple(sorted((f for f in set(forms) if _as_part(f)), key=lambda f: -_as_part(f)))


def _is_suffix(modifier: str, head: str) -> bool:
    """Whether the head is a derivational ending rather than a word: "planering" is no
    "plan" + linking "e" + "ring", nor "säkerheten" "säker" + "heten"."""
    return stem(head) in SUFFIX_STEMS or (modifier[-1] + head).startswith(SUFFIX_STARTS)


def _head(word: str) -> float:
    """A compound's last part's frequency: it may be inflected ("missbruket"), so its stem
    counts too where the stem is a word."""
    return max(_as_part(word), _as_part(stem(word)))


def _best(word: str, depth: int) -> tuple[float, tuple[str, ...]]:
    """The best split of ``word``: (its rarest part's frequency, the parts as written);
    (the word's own frequency as a part, (word,)) if it cannot be split. Fewer parts are
    likelier: a head that is a word itself is not split further, and of the splits the
    one with the fewest parts wins, then the one whose rarest part is the most common."""
    own = (_head(word), (word,))
    if depth >= MAX_DEPTH or len(word) < 2 * MIN_PART_LENGTH or (depth and own[0]):
        return own
    found: tuple[float, tuple[str, ...]] | None = None
    for cut in range(MIN_PART_LENGTH, len(word) - MIN_PART_LENGTH + 1):
        forms = modifier_forms(word[:cut])
        if not forms or _is_suffix(word[:cut], word[cut:]):
            continue
        head_score, head = _best(word[cut:], depth + 1)
        score = min(_as_part(forms[0]), head_score)
        if score and (found is None or (-len(head), score) > (1 - len(found[1]), found[0])):
            found = (score, (word[:cut], *head))
    return found or own


@lru_cache(maxsize=100_000)
def split(word: str) -> tuple[str, ...]:
    """The parts of a normalised word as written ("samverkans", "grupp"), or () if it is
    no compound."""
    score, parts = _best(word, 0)
    return parts if len(parts) > 1 and score > zipf(word) else ()


def compound_rows(words: Iterable[str]) -> set[tuple[str, str]]:
    """``(part's stem, compound's stem)`` for each compound among the normalised words."""
    rows = set()
    for word in set(words):
        parts = split(word)
        if not parts:
            continue
        term = stem(word)
        *modifiers, head = parts
        forms = [form for part in modifiers for form in modifier_forms(part)[:2]]
        for form in (*forms, head):
            part_stem = stem(form)  # stem() keeps a term within MAX_TERM_LENGTH
            if part_stem != term:
                rows.add((part_stem, term))
    return rows


def record(words: Iterable[str], using: str = "default") -> int:
    """Write the compound rows of the words that are not written yet (one INSERT, none if
    the words hold no compound); returns the rows offered."""
    rows = compound_rows(words)
    if rows:
        SearchCompound.objects.using(using).bulk_create(
            [SearchCompound(part=part, term=term) for part, term in sorted(rows)],
            ignore_conflicts=True,
            batch_size=2000,
        )
    return len(rows)


# --- The query side -------------------------------------------------------------------


def part_q(word: QueryWord) -> Q:
    """The compound rows whose part the query word matches, as its own terms match."""
    if not word.is_prefix:
        return Q(part=word.term)
    found = Q(part__gte=word.term, part__lt=_successor(word.term))
    return found | Q(part__in=word.whole) if word.whole else found


def compound_terms(word: QueryWord) -> QuerySet:
    """The index terms of the compounds with a part the word matches (a subquery)."""
    return SearchCompound.objects.filter(part_q(word)).values("term")


def compound_sql(word: QueryWord, connection) -> tuple[str, list]:
    """``SELECT term FROM compounds WHERE <the word matches the part>`` and its parameters."""
    quote = connection.ops.quote_name
    meta = SearchCompound._meta
    table = quote(meta.db_table)
    part, term = (quote(meta.get_field(name).column) for name in ("part", "term"))
    if not word.is_prefix:
        return f"SELECT {term} FROM {table} WHERE {part} = %s", [word.term]
    where, params = f"({part} >= %s AND {part} < %s)", [word.term, _successor(word.term)]
    if word.whole:
        where += f" OR {part} IN ({', '.join(['%s'] * len(word.whole))})"
        params.extend(word.whole)
    return f"SELECT {term} FROM {table} WHERE {where}", params


def compound_condition(term_column: str, word: QueryWord, connection) -> tuple[str, list]:
    """``term IN (<the word's compound terms>)`` on ``term_column``, and its parameters."""
    sql, params = compound_sql(word, connection)
    return f"{term_column} IN ({sql})", params


def forget_compounds(using: str = "default") -> int:
    """Drop every compound row; the reindexing that follows writes them again."""
    deleted, _ = SearchCompound.objects.using(using).all().delete()
    return deleted


__all__ = [
    "compound_condition",
    "compound_rows",
    "compound_terms",
    "forget_compounds",
    "record",
    "split",
]
