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
from html.parser import HTMLParser

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


def analyse(text: str) -> list[str]:
    """The index terms (stems) of a text, in order, repeated as often as they occur."""
    return [stem(word) for word in tokens(text or "") if is_indexable(word)]


def query_terms(q: str) -> list[tuple[str, bool]]:
    """The terms of a search query as ``(term, is_prefix)``; all of them must match.

    The last word is a prefix, as the user may still be typing it: its stem matches every
    indexed stem that starts with it. As the stem is a prefix of the word, this also covers
    every term starting with the unstemmed word (``samverkansgr`` finds
    ``samverkansgruppen``). A last word shorter than ``MIN_PREFIX_LENGTH`` letters matches
    exactly. Stopwords are dropped, except a lone stopword being typed (``för`` may become
    ``förskola``). Duplicates are removed; at most ``MAX_QUERY_TERMS`` terms are kept.
    """
    words = tokens(q or "")
    if not words:
        return []
    *head, last = words
    terms: list[tuple[str, bool]] = [(stem(w), False) for w in head if is_indexable(w)]
    if len(last) >= MIN_PREFIX_LENGTH and (is_indexable(last) or not head):
        base = stem(last)
        terms.append((base if len(base) >= MIN_PREFIX_LENGTH else last[:MAX_TERM_LENGTH], True))
    elif is_indexable(last):
        terms.append((stem(last), False))
    result: list[tuple[str, bool]] = []
    for term, is_prefix in terms:
        if (term, is_prefix) in result or (is_prefix and (term, False) in result):
            continue  # a repeated word, or an exact term that already implies the prefix
        result.append((term, is_prefix))
    return result[:MAX_QUERY_TERMS]


def term_matches(term: str, query: list[tuple[str, bool]]) -> bool:
    """Whether an index term matches any of the query's terms (as the SQL does)."""
    return any(term.startswith(q) if is_prefix else term == q for q, is_prefix in query)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, stem)`` of each indexable word of the original text."""
    for match in TOKEN_RE.finditer(text):
        for word in tokens(match.group()):
            if is_indexable(word):
                yield match.start(), match.end(), stem(word)


# --- HTML to text -------------------------------------------------------------

_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "code", "del", "em", "i", "ins", "mark", "s", "small", "span",
     "strong", "sub", "sup", "u"}
)  # fmt: skip


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment; block elements separate words."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()
