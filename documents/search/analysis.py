"""Swedish text analysis for search: the one place that turns text into index terms.

The search index (``documents.search``) stores what :func:`analyse` returns and queries what
:func:`query_terms` returns, so SQLite and PostgreSQL see exactly the same terms and give the
same hits. Any change here changes the terms: run ``manage.py reindex_search`` afterwards
(also after upgrading ``snowballstemmer``, whose stems may change between major versions).

Steps: Unicode NFKC and case folding, a few accents folded (``idé`` = ``ide``), tokens of
letters and digits (everything else separates words), stopwords dropped, Snowball's Swedish
stemmer plus one small extra step for the definite singular ``-an``/``-et`` that Snowball
leaves (``förskolan`` = ``förskola``, ``dokumentet`` = ``dokument``).

Every step only removes letters from the end of a word, so a word's stem is always a prefix of
the (normalised) word. The prefix search and the snippet highlighter rely on that.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

# Index terms are stored in a CharField(max_length=64); longer words are cut, consistently.
MAX_TERM_LENGTH = 64
# The last query word is a prefix only from this many letters on ("ru" would match too much).
MIN_PREFIX_LENGTH = 3
# Queries are cut to this many terms; the ranking's tiers are strict up to this many.
MAX_QUERY_TERMS = 10

TOKEN_RE = re.compile(r"[^\W_]+")

# Accents that Swedish writers often leave out; å, ä and ö are letters of their own.
ACCENT_FOLD = str.maketrans({"é": "e", "è": "e", "ê": "e", "ë": "e", "á": "a", "à": "a", "ü": "u"})

# Common Swedish function words. They are not indexed and are dropped from queries.
STOPWORDS = frozenset(
    {
        "alla", "allt", "andra", "annan", "annat", "att", "av", "bara", "blev", "bli", "blir",
        "blivit", "både", "bör", "de", "dem", "den", "denna", "deras", "dess", "dessa", "det",
        "detta", "dig", "din", "dina", "ditt", "du", "där", "då", "efter", "ej", "eller", "en",
        "er", "era", "ert", "ett", "från", "får", "för", "genom", "ha", "hade", "han", "hans",
        "har", "hela", "helt", "hon", "honom", "hur", "här", "i", "icke", "inga", "ingen",
        "inget", "inom", "inte", "jag", "ju", "kan", "kunde", "man", "med", "mellan", "men",
        "mer", "mest", "mig", "min", "mina", "mitt", "mot", "mycket", "måste", "ni", "nu", "när",
        "någon", "något", "några", "och", "också", "om", "oss", "på", "redan", "samma", "sedan",
        "sig", "sin", "sina", "sitt", "ska", "skall", "skulle", "som", "så", "sådan", "sådana",
        "sådant", "till", "under", "upp", "ut", "utan", "vad", "var", "vara", "varit", "varje",
        "vars", "vart", "vem", "vi", "vid", "vilka", "vilken", "vilket", "vår", "våra", "vårt",
        "än", "ännu", "är", "åt", "över",
    }
)  # fmt: skip

_VOWELS = frozenset("aeiouyäåö")
_local = threading.local()


def normalise(text: str) -> str:
    """NFKC, case folding and the accent folding above: the form words are compared in."""
    return unicodedata.normalize("NFKC", text).casefold().translate(ACCENT_FOLD)


def tokens(text: str) -> list[str]:
    """The normalised words of a text: runs of letters and digits."""
    return TOKEN_RE.findall(normalise(text))


def _r1(word: str) -> int:
    """Snowball's R1: the region after the first non-vowel following a vowel, at least 3 in."""
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            return max(i + 1, 3)
    return len(word)


def _stemmer():
    # Snowball stemmers keep state while stemming: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("swedish")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one normalised word (a prefix of the word)."""
    result = _stemmer().stemWord(word)
    if not word.startswith(result):  # never seen; keeps the prefix promise regardless
        result = word
    # Snowball leaves the definite singular -an / -et; drop it when it lies in R1.
    if result.endswith(("an", "et")) and len(result) - 2 >= _r1(result):
        result = result[:-2]
    return result[:MAX_TERM_LENGTH]


def is_indexable(word: str) -> bool:
    """Whether a normalised word is indexed: not a stopword, not a lone letter."""
    return word not in STOPWORDS and (len(word) > 1 or word.isdigit())


def indexable_words(text: str) -> list[str]:
    """The words of a text that are indexed, in order, repeated as often as they occur
    (their stems are its terms; the words themselves are split into compound parts)."""
    return [word for word in tokens(text or "") if is_indexable(word)]


def analyse(text: str) -> list[str]:
    """The index terms (stems) of a text, in order, repeated as often as they occur."""
    return [stem(word) for word in indexable_words(text)]


class QueryWord(NamedTuple):
    """One word of a search query; every word of a query must match.

    ``term``: the stem of a whole word, or, for the word being typed (``is_prefix``), the
    typed letters themselves, matched as the start of index terms. ``whole``: for the word
    being typed, the index terms shorter than what is typed that a completion of it stems
    to (:func:`completion_stems`); they match too, as whole words.
    """

    term: str
    is_prefix: bool
    whole: tuple[str, ...] = ()

    def matches(self, term: str) -> bool:
        """Whether an index term matches this word (as the SQL does)."""
        if self.is_prefix:
            return term.startswith(self.term) or term in self.whole
        return term == self.term


def query_terms(q: str) -> list[QueryWord]:
    """The words of a search query (:class:`QueryWord`); all of them must match.

    The last word is a prefix, as the user may still be typing it: it matches every index
    term that starts with the typed letters, and the shorter terms its completions stem to
    (``avvikel`` matches ``avvik``, the stem of ``avvikelse``). So a longer prefix never
    finds more than a shorter one, and every prefix of at least ``MIN_PREFIX_LENGTH``
    letters finds what the whole word finds. A last word shorter than that matches
    exactly. Stopwords are dropped, except a lone stopword being typed (``för`` may become
    ``förskola``). Duplicates are removed; at most ``MAX_QUERY_TERMS`` words are kept.
    """
    words = tokens(q or "")
    if not words:
        return []
    *head, last = words
    terms: list[QueryWord] = [QueryWord(stem(w), False) for w in head if is_indexable(w)]
    if len(last) >= MIN_PREFIX_LENGTH and (is_indexable(last) or not head):
        typed = last[:MAX_TERM_LENGTH]
        terms.append(QueryWord(typed, True, completion_stems(typed)))
    elif is_indexable(last):
        terms.append(QueryWord(stem(last), False))
    return _without_repeats(terms)[:MAX_QUERY_TERMS]


def _without_repeats(terms: list[QueryWord]) -> list[QueryWord]:
    result: list[QueryWord] = []
    for word in terms:
        if any(word.term == kept.term and not kept.is_prefix for kept in result):
            continue  # a repeated word
        if word.is_prefix and any(word.matches(kept.term) for kept in result):
            continue  # an exact word that already implies the prefix
        result.append(word)
    return result


def term_matches(term: str, query: list[QueryWord]) -> bool:
    """Whether an index term matches any of the query's words (as the SQL does)."""
    return any(word.matches(term) for word in query)


# --- Completions of a word being typed --------------------------------------------
#
# A word's stem is a prefix of it, and may be shorter than what has been typed of it:
# "avvikelse" stems to "avvik", so "avvikel" must also match the term "avvik". What the
# stemmer removes from a word's end is a chain of endings, one from each of its steps:
# (-an/-et of ``stem``) + (Snowball step 3) + (step 2's doubled consonant) + (step 1).
# A typed word that ends within such a chain may be completed by the chain's rest; the
# stems of those completions, where shorter than the typed word, are its ``whole`` terms.
# Every stripped ending is in the table, so a word's every typed prefix reaches its stem.

_STEP1 = [
    "a",
    "arna",
    "erna",
    "heterna",
    "orna",
    "ad",
    "e",
    "ade",
    "ande",
    "arne",
    "are",
    "aste",
    "en",
    "anden",
    "aren",
    "heten",
    "ern",
    "ar",
    "er",
    "heter",
    "or",
    "s",
    "as",
    "arnas",
    "ernas",
    "ornas",
    "es",
    "ades",
    "andes",
    "ens",
    "arens",
    "hetens",
    "erns",
    "at",
    "et",
    "andet",
    "het",
    "ast",
    "ets",
]  # noqa: SIM905 - Snowball's list, as it reads there
_STEP2 = ("", "d", "n", "t")
_STEP3 = ("", "ig", "lig", "els", "t")
_EXTRA = ("", "an", "et")


def _completions() -> dict[str, tuple[str, ...]]:
    rests: dict[str, set[str]] = {}
    chains = {s3 + s2 + s1 for s3 in _STEP3 for s2 in _STEP2 for s1 in ("", *_STEP1)}
    chains |= {extra + s1 for extra in _EXTRA for s1 in ("", *_STEP1)}
    for chain in chains:
        for i in range(1, len(chain) + 1):
            rests.setdefault(chain[:i], set()).add(chain[i:])
    return {start: tuple(sorted(rest, key=lambda r: (len(r), r))) for start, rest in rests.items()}


_COMPLETIONS = _completions()
_LONGEST_CHAIN = max(map(len, _COMPLETIONS))
# What the stemmer removes depends only on a word's last letters and where its R1 region
# starts: the stripped lengths are kept per (ending, R1's distance from the end).
_ENDING = _LONGEST_CHAIN + 6
_stripped: dict[tuple[str, int], tuple[int, ...]] = {}


def _stripped_lengths(typed: str, r1: int) -> tuple[int, ...]:
    key = (typed[-_ENDING:], min(len(typed) - r1, _ENDING))
    known = _stripped.get(key)
    if known is None:
        lengths = set()
        for k in range(max(r1, len(typed) - _LONGEST_CHAIN), len(typed)):
            for rest in _COMPLETIONS.get(typed[k:], ()):
                candidate = len(stem(typed + rest))
                if candidate < len(typed):
                    lengths.add(len(typed) - candidate)
                if candidate == k:
                    break
        if len(_stripped) > 100_000:
            _stripped.clear()
        known = _stripped[key] = tuple(sorted(lengths))
    return known


def completion_stems(typed: str) -> tuple[str, ...]:
    """The stems, shorter than ``typed``, of ``typed`` and of its completions by an ending
    the stemmer removes (sorted). Computed from the stemmer alone: no word list."""
    found = set()
    full = stem(typed)
    if len(full) < len(typed):
        found.add(full)
    r1 = _r1(typed)
    r1 = 3 if r1 >= len(typed) else r1
    for stripped in _stripped_lengths(typed, r1):
        found.add(typed[: len(typed) - stripped])
    return tuple(sorted(found))


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, stem)`` of each indexable word of the original text."""
    for match in TOKEN_RE.finditer(text):
        for word in tokens(match.group()):
            if is_indexable(word):
                yield match.start(), match.end(), stem(word)
