"""Swedish compounds: a query word also finds the compounds that begin or end with it.

Swedish writes compounds as one word ("internkontroll", "alkoholmissbruk",
"samverkansgrupp"), so "kontroll" must find "internkontroll". The split is made once per
distinct word when it is indexed, not per document and not per query:

* ``split`` cuts a word into parts that are all words of a real Swedish lexicon (wordfreq's
  Swedish list, with frequencies), allowing the linking letters -s-, -e-, -a-, -u-, -o- and
  a dropped final vowel ("arbetsmiljö" = "arbete" + "miljö"). Every part has at least
  ``MIN_PART_LENGTH`` letters and a frequency of at least ``MIN_PART_ZIPF`` (so "is", "ling",
  "ning" and other short or rare pieces never become parts). Of the possible splits the one
  with the fewest parts wins, then the one whose rarest part is the most common, and only
  if that part is more common than the whole word as the lexicon knows it best (itself or
  its stem): a word the lexicon knows better as a whole ("handling", not "hand" + "ling";
  "tjänsten", whose stem "tjänst" is more common than "tjäna" + "sten") is left alone, as is
  one whose rest is no word ("kommunikation" is not "kommun" + "ikation") or an ending
  ("sparande" is "spar" and "-ande").
* Compounds inside compounds: ``part_words`` adds the runs of adjacent parts of a
  three-part split ("internkontroll" and "kontrollplan" of "internkontrollplan") and,
  ``MAX_NESTING`` levels down, the parts of every part that ``split`` splits itself
  ("arbetsmiljöplan" = "arbetsmiljö" + "plan", and "arbetsmiljö" = "arbete" + "miljö"), under
  the same rules. Only the split's own constituents: "miljöplan" is no part of
  "arbetsmiljöplan".
* The indexing hooks (``documents.search.indexing``) write a ``SearchCompound`` row
  ``(part, term)`` for each part's stem (``part_stems``) and the compound's stem: a few rows
  per distinct compound in the whole register, none per document. They delete a compound's
  rows when the last version holding it leaves the index (``forget_unheld``, one statement
  where a version's search rows are replaced or removed; a version indexed for the first
  time has none, so publication pays nothing).
* A query word's compound terms are then ``term IN (SELECT term FROM compounds WHERE part
  ...)``, a subquery inside the search's own statement (no query of its own): an exact
  word by its stem, the word being typed by the same range and completion stems its own
  terms are matched with, so the as-you-type rules hold for compounds too.
* Ranking: a hit through a compound scores nothing for that word. A document found only
  through compounds comes after every document with the word itself (in any field), and
  such documents are listed by title.
* Snippets and highlights (``documents.search.snippets``) mark a compound a query word is
  a part of by the same ``part_stems``.

``manage.py reindex_search`` rebuilds the rows from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.db.models import Exists, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat

from config.compiled_bulk import insert_keyed_rows

from ..models import SearchCompound, SearchHistory, SearchTerm
from .analysis import STOPWORDS, QueryWord, stem
from .scoring import _successor

# A part is a lexicon word of at least this many letters (after its linking letter)...
MIN_PART_LENGTH = 4
# ...at least this common (Zipf scale: 3 is once per million words). Below it wordfreq's
# list holds fragments and names ("ning", "ikation" is not even there).
MIN_PART_ZIPF = 3.0
LINKING_LETTERS = "seauo"
# Final vowels a modifier drops before the head ("arbete" -> "arbets-", "skola" -> "skol-").
DROPPED_VOWELS = "ea"
# A split's head is split again this deep (a compound of at most MAX_DEPTH + 1 parts).
MAX_DEPTH = 2
# Derivational endings that are also words ("ring", "heten"): never a compound's head.
SUFFIX_STEMS = frozenset({"het", "skap", "ring", "ning", "else", "ande", "ende", "tion", "itet"})
SUFFIX_STARTS = ("ering", "ening", "ning", "het", "skap")
# Particles that make derived words, not compounds, at a word's start: no cut falls
# within or right after one ("föreskrift" is no kind of "skrift", "förebyggande" no
# "byggande" nor "föra" + "byggande", "sammanställning" no "samme" + "anställning",
# "tillsvidare" no "vidare"). A part made of more is fine ("föreskrifts" + "samling").
PARTICLES = ("före", "samman", "tills")
# Where the lexicon's frequencies mislead, as written in the words: first parts that are
# verb particles or inflected forms rather than a word the compound is about
# ("fortsätta", "innehåll", "försvinna", "uppskatta", "lösenord", "angelägenhet",
# "tjänsteman" is no "tjäna" + "teman")...
NOT_MODIFIERS = frozenset(
    {"ange", "beta", "fort", "förs", "fört", "förut", "inne", "leda", "löse", "mesta",
     "port", "tjäns", "uppe", "upps", "utom", "vans"}
)  # fmt: skip
# ...heads that are endings or inflected verbs ("långsamt", "betalade", "ledamöter")...
NOT_HEADS = frozenset(
    {"dels", "just", "katta", "kattas", "kattat", "lade", "lyck", "lyckas", "lyckades",
     "lyckats", "möter", "samt", "tals", "teman", "vann", "vinna", "vinner", "vunnit"}
)  # fmt: skip
# ...and words read as one word though their parts are words ("livsmedel" is no kind of
# "medel" a reader searches for), with their forms whose stem differs.
LEXICALISED = frozenset(
    {"livsmedel", "livsmedlet", "livsmedlen", "porträtt", "framtid", "framgång",
     "självklar", "självklart", "självklara", "självständig", "självständigt",
     "grundläggande", "misstänkt", "rättvisa", "glasögon", "flertal",
     "vansinne", "förtjust", "verkstad", "uppehåll", "plattform"}
)  # fmt: skip


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    """wordfreq's Swedish words at least ``MIN_PART_ZIPF`` common, with their Zipf
    frequencies (loaded once per process: by the indexing hooks and by the snippets). A
    rarer word splits as an unknown one does (a split wins when its rarest part, at least
    ``MIN_PART_ZIPF``, is more common than the word), so the 31,000 words kept of 341,000
    give the same splits. wordfreq's list comes in bands of a centibel, most common first
    (band ``i`` is Zipf ``9 - i / 100``); it is read past wordfreq's own cache, which would
    keep all 341,000 words (some 30 MB) in every process that ever split a word."""
    from wordfreq import get_frequency_list

    read = getattr(get_frequency_list, "__wrapped__", get_frequency_list)
    bands = read("sv", "large")[: round((9 - MIN_PART_ZIPF) * 100) + 1]
    return {word: 9 - band / 100 for band, words in enumerate(bands) for word in words}


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


def _modifier_forms_at(word: str, cut: int) -> tuple[str, ...]:
    """The lexicon words the part before ``cut`` may stand for (``modifier_forms``); none
    where the cut is refused: a modifier or head the lexicon misleads on, or a head that
    is a derivational ending."""
    modifier, rest = word[:cut], word[cut:]
    if modifier in NOT_MODIFIERS or rest in NOT_HEADS or _is_suffix(modifier, rest):
        return ()
    return modifier_forms(modifier)


def _best(word: str, depth: int) -> tuple[float, tuple[str, ...]]:
    """The best split of ``word``: (its rarest part's frequency, the parts as written);
    (the word's own frequency as a part, (word,)) if it cannot be split. Fewer parts are
    likelier: a head that is a word itself is not split further, and of the splits the
    one with the fewest parts wins, then the one whose rarest part is the most common."""
    own = (_head(word), (word,))
    if depth >= MAX_DEPTH or len(word) < 2 * MIN_PART_LENGTH or (depth and own[0]):
        return own
    found: tuple[float, tuple[str, ...]] | None = None
    particle = max((len(p) for p in PARTICLES if word.startswith(p)), default=0)
    for cut in range(max(MIN_PART_LENGTH, particle + 1), len(word) - MIN_PART_LENGTH + 1):
        forms = _modifier_forms_at(word, cut)
        if not forms:
            continue
        head_score, head = _best(word[cut:], depth + 1)
        score = min(_as_part(forms[0]), head_score)
        if score and (found is None or (-len(head), score) > (1 - len(found[1]), found[0])):
            found = (score, (word[:cut], *head))
    return found or own


_LEXICALISED_STEMS = frozenset(map(stem, LEXICALISED))


@lru_cache(maxsize=100_000)
def split(word: str) -> tuple[str, ...]:
    """The parts of a normalised word as written ("samverkans", "grupp"), or () if it is
    no compound.

    The word is known as well as its best-known form, itself or its stem: "tjänsten" is
    no "tjäna" + "sten", as "tjänst" is more common than "tjäna". And its stem must reach
    past the first part: "sparande" (stem "spar") is "spar" and an ending, not a compound.
    """
    if word in LEXICALISED or stem(word) in _LEXICALISED_STEMS:
        return ()
    score, parts = _best(word, 0)
    if len(parts) < 2 or len(stem(word)) <= len(parts[0]):
        return ()
    return parts if score > max(zipf(word), zipf(stem(word))) else ()


# A compound's parts that are compounds themselves are split too, this many levels down
# ("arbetsmiljöplan" = "arbetsmiljö" + "plan", "arbetsmiljö" = "arbete" + "miljö").
MAX_NESTING = 2


def _runs(parts: tuple[str, ...]) -> list[str]:
    """The words of a compound's runs of adjacent parts, the whole excepted: each as a
    first part stands for ("intern" + "kontroll" of "internkontrollplan": the modifier's
    forms, at most two), or as written when it ends with the head ("kontrollplan")."""
    *modifiers, head = parts
    words = []
    for first in range(len(parts)):
        for last in range(first, len(parts)):
            if last - first + 1 == len(parts):
                continue
            written = "".join(parts[first:last])
            if last == len(parts) - 1:
                words.append(written + head)
            else:
                words += [written + form for form in modifier_forms(parts[last])[:2]]
    return words


@lru_cache(maxsize=100_000)
def part_words(word: str, depth: int = 0) -> frozenset[str]:
    """The words a normalised word is made of: its parts and runs of adjacent parts (as
    ``_runs`` says), and theirs where they are compounds themselves (``split``'s rules
    apply at every level: lexicon parts of at least ``MIN_PART_LENGTH`` letters, no
    derivational ending as a head, the rarest part more common than the word split), at
    most ``MAX_NESTING`` levels down. Empty for a word that is no compound."""
    parts = split(word)
    if not parts:
        return frozenset()
    found = set(_runs(parts))
    if depth < MAX_NESTING:
        for part in list(found):
            found |= part_words(part, depth + 1)
    return frozenset(found)


@lru_cache(maxsize=100_000)
def part_stems(word: str) -> frozenset[str]:
    """The stems of the words a normalised word is made of (``part_words``), its own stem
    excepted: the parts a query word is matched against."""
    term = stem(word)  # stem() keeps a term within MAX_TERM_LENGTH
    return frozenset(s for s in map(stem, part_words(word)) if s != term)


def compound_rows(words: Iterable[str]) -> set[tuple[str, str]]:
    """``(part's stem, compound's stem)`` for each compound among the normalised words."""
    return {(part, stem(word)) for word in set(words) for part in part_stems(word)}


def record(words: Iterable[str], using: str = "default") -> int:
    """Write the compound rows of the words that are not written yet (one INSERT, none if
    the words hold no compound); returns the rows offered."""
    rows = compound_rows(words)
    if rows:
        insert_keyed_rows(  # bulk_create, compiled once
            [SearchCompound(part=part, term=term) for part, term in sorted(rows)],
            ignore_conflicts=True,
            batch_size=2000,
            using=using,
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
    if connection.vendor == "postgresql":
        # An array computed once (an InitPlan): the term index serves it, alone or OR-ed
        # with the word's own range (``IN (subquery)`` made PostgreSQL scan the table).
        return f"{term_column} = ANY (ARRAY({sql}))", params
    return f"{term_column} IN ({sql})", params


def forget_unheld(version_ids: list[int], using: str = "default") -> int:
    """Drop the compound rows of the terms no version but these holds (valid versions' rows
    or the history rows of the others): the versions' search rows are about to be deleted (a reindexing, a removal). One ``DELETE``, run before the
    search rows go, in their transaction; what a reindexing writes again is recorded again
    by ``record``. Returns the rows deleted.

    Two transactions removing the last two holders of a term at once may both see the
    other's and keep its rows (harmless: a part whose compound no version has matches
    nothing); ``manage.py reindex_search`` rebuilds the table.
    """
    held = SearchTerm.objects.using(using).filter(version__in=version_ids).values("term")
    elsewhere = (
        SearchTerm.objects.using(using)
        .filter(term=OuterRef("term"))
        .exclude(version__in=version_ids)
    )
    # A version that is no longer valid keeps its terms in one history row (``{"term":…}``);
    # only the few candidate terms are looked for there.
    in_history = (
        SearchHistory.objects.using(using)
        .exclude(version__in=version_ids)
        .filter(
            terms__contains=Concat(
                Value('"'), OuterRef("term"), Value('":'), output_field=TextField()
            )
        )
    )
    deleted, _ = (
        SearchCompound.objects.using(using)
        .filter(term__in=held)
        .exclude(Exists(elsewhere))
        .exclude(Exists(in_history))
        .delete()
    )
    return deleted


def forget_compounds(using: str = "default") -> int:
    """Drop every compound row; the reindexing that follows writes them again."""
    deleted, _ = SearchCompound.objects.using(using).all().delete()
    return deleted


__all__ = [
    "compound_condition",
    "compound_rows",
    "compound_terms",
    "forget_compounds",
    "forget_unheld",
    "part_stems",
    "part_words",
    "record",
    "split",
]
