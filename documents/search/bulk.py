"""The search index's bulk writers: for ``manage.py reindex_search`` and the data
generator (``fixtures.generator``, the one sanctioned bulk path past the services; see
docs/architecture.md), which write the index rows of many versions at once exactly as the
indexing hooks write them one version at a time. Nothing else should need these.
"""

from ..models import copy_rank_columns
from .analysis import analyse, indexable_words, stem
from .compounds import forget_compounds
from .compounds import record as record_compounds
from .history import in_force
from .history import terms_of as history_terms
from .history_index import check_index as check_history_index
from .history_index import rebuild_index as rebuild_history_index
from .indexing import index_versions, rank_versions
from .prefixes import PREFIX_MIN_VERSIONS, choose_prefixes
from .scoring import SEARCHABLE_STATUSES

__all__ = [
    "PREFIX_MIN_VERSIONS",
    "SEARCHABLE_STATUSES",
    "analyse",
    "check_history_index",
    "choose_prefixes",
    "copy_rank_columns",
    "forget_compounds",
    "history_terms",
    "in_force",
    "index_versions",
    "indexable_words",
    "rank_versions",
    "rebuild_history_index",
    "record_compounds",
    "stem",
]
