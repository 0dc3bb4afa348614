"""Full-text search in Swedish over document versions, the same on SQLite and PostgreSQL.

A portable inverted index written from ``analysis.analyse``; no tsvector, no FTS5:
``SearchTerm`` rows (version, term, field: the key; count) for the valid versions, and for
every other searchable version (superseded, repealed) one ``SearchHistory`` row with its
terms and their packed scores (``history``: four fifths of the index's words, in a fifth of
the room). A search is one SQL query:

* every query term must match (AND): one ``version IN (SELECT version FROM index WHERE ...)``
  per term, uncorrelated, served by the (term, version, field, count) index; a search that
  may find versions that are not valid (a status or a past date) also reads the history
  rows that hold the word (on PostgreSQL found through a GIN index of each row's terms,
  on SQLite through an FTS5 table of them; of the searched versions' rows where they are
  known), only the word's terms read from each, in the same statement;
* the last query word is a prefix: ``term >= p AND term < p'`` where ``p'`` is ``p`` with its
  last character incremented, so a plain btree serves it on both databases (on PostgreSQL
  the column uses the "C" collation, so the order is the code point order SQLite uses);
  ``p`` is the typed word itself, not its stem, and it also matches, as whole words, the
  shorter stems its completions have (``analysis.completion_stems``: "avvikel" also
  matches "avvik", the stem of "avvikelse"). So a longer prefix never finds more than a
  shorter one, and every prefix of three letters or more finds what the whole word finds;
* a query that finds nothing may be corrected (``spelling.correct``): each word that
  matches nothing is replaced by the word one edit away whose stem most valid versions
  have; the register and the API say so;
* the score is one correlated subquery per term, a seek in the (version, term, field)
  index (a row-value range for a prefix, see ``_VersionTermRange``; for a version that is
  not valid, its history row unpacked): for each field, the
  occurrences of the term (at most ``COUNT_CAP``) times the field's weight. With weights
  10000 / 100 / 1 and the cap at 9, the tiers are strict for up to ``MAX_QUERY_TERMS`` terms: any title hit ranks above
  any document without one, and a summary hit above text-only hits. In the title, whole
  words (an exact word's stem; for the word being typed, the typed letters as a term or a
  stem its completions have) count at ``WHOLE_TITLE_WEIGHT`` (1,000,000), above a longer
  word that only starts with what is typed: "avvikels" ranks a title with "avvikelser"
  above one with "avvikelsehantering". Its cost grows with the
  number of hits (a few microseconds each), as every hit is ranked.

* a one-word search in the register as it opens (``ranked_term.RankedTerm``) reads its page
  from ``SearchRank``, the valid versions' (version, term) rows with their score and the
  view's columns, in the order of a (term, score, title) index, and its total from the
  term's kept count (``SearchTermCount``: its versions valid from a day without an end,
  kept by the indexing hooks, holding from a stored day on) plus its rows of versions
  valid for a limited time shown that day; on PostgreSQL the statement is prepared
  (``config.prepared``) and planned once per connection;

* a search of the register on a past date (``past.RankedPast``) reads the versions in
  force that day from the tables that hold their dates: the valid versions' rank rows
  (``SearchRank``, in the term index with the view's conditions) and the history rows of
  the day (each carries its version's days in force; on PostgreSQL their months are in
  its lexeme index), scored from their packed scores; only the hits a page reaches are
  looked up for their titles;

* a one-word search among superseded or repealed versions (the register's status filter
  and nothing else) is read from the best tiers of the history rows' index
  (``history_top``): each row's status, its document's visibility and each of its keys'
  title and summary counts are tokens of that index, so the hits are counted in the index and only the rows of the
  tiers a page reaches are scored, where one term alone scores the word (the terms any
  history row holds are kept in ``SearchHistoryKey``); otherwise, or for a page past the
  tiers, the grouped ranking answers in the same statement;

* a word also finds the compounds that begin or end with it ("kontroll" finds
  "internkontroll", "grupp" "samverkansgrupp"): ``compounds`` splits each distinct word
  once, when it is indexed, with wordfreq's Swedish lexicon into ``SearchCompound`` rows
  (part, compound term), and a query word's condition gains ``OR term IN (SELECT term FROM
  compounds WHERE part ...)``, in the same statement. A part that is a compound itself is
  split too ("arbete" and "miljö" find "arbetsmiljöplan"), and the rows of a compound no
  version holds any more are deleted by the indexing hooks. Its compounds' rows score
  nothing for it: a document found only through a compound comes after every document with
  the word itself, and such documents are ordered by title; its snippet marks the compound.

The indexed version is chosen by ``version_field``: each document's current (valid) version
by default, or any other single-valued path to a ``DocumentVersion`` (``"pk"`` when searching
a ``DocumentVersion`` queryset).

The package's modules, bottom to top: ``analysis`` (Swedish text to terms: tokens,
stopwords, stems, query words, completions), ``scoring`` (weights, cap, packed scores,
prefix ranges), ``compounds`` (the lexicon's split, the compound parts' rows and
conditions), ``history`` (the rows of versions that are not valid, and the SQL conditions
on term rows the searches share), ``prefixes`` (the kept prefix groups), ``indexing`` (the
search rows and the ranked index), ``matching`` (``search``), ``hits`` (``Hits``, what a
ranked search returns), ``ranked_term`` (``RankedTerm``: a one-word search read from the
ranked index), ``past`` (``RankedPast``: a search on a past date), ``history_top`` (a
one-word search among superseded or repealed versions read from its best tiers), ``ranking``
(``ranked``, which chooses one of them or ``RankedHits``), ``snippets`` (``snippet``,
``highlight``) and ``spelling``
(``correct``).

**The interface.** Code outside the package imports only from here (the register, the
API and the document services' indexing hooks) or from ``documents.search.bulk`` (the
generator's and ``reindex_search``'s bulk writers); an import-linter contract
(pyproject.toml, ``search-interface``) refuses any other import of its modules. Tests may
reach inside; patch a name in the module that reads it: the snippet caches
(``TEXT_CACHE_MAX_CHARS``, ``_body_text``, ``_folded``) live in ``snippets``.
"""

from .analysis import QueryWord, query_terms
from .hits import Hits
from .indexing import (
    index_version,
    index_versions,
    mark_not_current,
    reindex_if_searchable,
    remove_version,
    version_file,
)
from .matching import search, search_documents
from .ranking import RankedView, ranked
from .snippets import highlight, snippet
from .spelling import Correction, correct

__all__ = [
    # Querying: the register, the API, the document list's search.
    "QueryWord",
    "query_terms",
    "search",
    "search_documents",
    "ranked",
    "RankedView",
    "Hits",
    "correct",
    "Correction",
    "snippet",
    "highlight",
    # The document services' hooks: a version indexed, no longer valid, changed, removed.
    "index_version",
    "index_versions",
    "mark_not_current",
    "reindex_if_searchable",
    "remove_version",
    # Which uploaded file a version's searchable text is read from.
    "version_file",
]
