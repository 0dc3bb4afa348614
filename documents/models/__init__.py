"""Governing documents, their versions, decisions, the adoption rule set, the diarium and
the search index: the documents app's models, one module per family. Import them from
here (``documents.models``); the modules are where they are defined.

Within the package each module imports only ``fields`` of its siblings, except ``document``,
which also imports ``ranking``, ``decision``'s paragraph format and ``version_indexes`` (the
version's indexes, apart for their length), and ``version_file``, which imports ``document``;
keys to models of other modules name them by string.
"""

from .adoption import (
    BODY_DECIDERS,
    OWN_AREA_ALWAYS,
    OWN_AREA_NEVER,
    AdoptionRule,
    DeciderKind,
    DocumentType,
    kinds_of,
)
from .archival import ArchivalCopy, ArchivalFailure
from .decision import Decision, DecisionKind, DecisionOutcome
from .diary import (
    DiaryCaseFacts,
    DiaryCounter,
    DiaryEntry,
    DiarySeries,
    DiaryStatus,
    format_diarienummer,
)
from .document import (
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
    copy_to_versions,
)
from .generation import RegisterGeneration
from .mandate import MandatePeriod
from .ranking import (
    RANK_DOCUMENT_COLUMNS,
    RANK_VERSION_COLUMNS,
    RankedRow,
    SearchCompound,
    SearchField,
    SearchHistory,
    SearchHistoryKey,
    SearchPrefix,
    SearchPrefixRank,
    SearchRank,
    SearchTerm,
    SearchTermCount,
    copy_rank_columns,
    count_ranks,
)
from .register_import import RegisterImport, RegisterImportStatus
from .version_file import VersionFile, version_upload_to

__all__ = [
    "BODY_DECIDERS",
    "OWN_AREA_ALWAYS",
    "OWN_AREA_NEVER",
    "RANK_DOCUMENT_COLUMNS",
    "RANK_VERSION_COLUMNS",
    "AdoptionRule",
    "ArchivalCopy",
    "ArchivalFailure",
    "Decision",
    "DecisionKind",
    "DecisionOutcome",
    "DeciderKind",
    "DiaryCaseFacts",
    "DiaryCounter",
    "DiaryEntry",
    "format_diarienummer",
    "MandatePeriod",
    "DiarySeries",
    "DiaryStatus",
    "Document",
    "DocumentStatus",
    "DocumentType",
    "DocumentVersion",
    "RankedRow",
    "RegisterGeneration",
    "RegisterImport",
    "RegisterImportStatus",
    "SearchField",
    "SearchPrefix",
    "SearchPrefixRank",
    "SearchCompound",
    "SearchRank",
    "SearchHistory",
    "SearchHistoryKey",
    "SearchTerm",
    "SearchTermCount",
    "VersionFile",
    "VersionStatus",
    "copy_rank_columns",
    "count_ranks",
    "kinds_of",
    "copy_to_versions",
    "version_upload_to",
]
