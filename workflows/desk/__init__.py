"""The registrar's desk, read side: the case list with its filters, who holds each case,
overdue marks, lead-time figures, the records of a case, the diarium and meeting agendas.

Selectors only; every write is in ``workflows.actions``. One module per part:
``steps`` (the steps' order and overdue), ``filters`` (the list's filters and sorts),
``rows`` (the list's and the exports' rows), ``figures``, ``records`` (of a case),
``diarium`` and ``meetings``. The names below are what the views and tests use.
"""

from .diarium import DiariumLine, diarium_register, diarium_years
from .figures import (
    LeadTime,
    StepCount,
    figures,
    percentile,
    step_counts,
    step_lead_times,
    type_lead_times,
)
from .filters import (
    SORT_CHOICES,
    SORTS,
    STATUS_CHOICES,
    DeskFilter,
    NumberInput,
    diarienummer_q,
    parse_diarienummer,
)
from .meetings import Agenda, AgendaItem, agenda, calendar, coming_meetings_for
from .records import CaseRecordRow, case_records
from .reviews import overdue_reviews
from .rows import (
    EXPORT_COLUMNS,
    ROW_FIELDS,
    DeskRow,
    desk_cases,
    export_rows,
    export_values,
    holders_of,
    page_of_cases,
    rows_for,
)
from .steps import (
    EARLY_STEPS,
    STEP_ORDER,
    deadline_passed_q,
    overdue_q,
    step_name,
    step_overdue_q,
    with_marks,
)

__all__ = [
    "EARLY_STEPS",
    "overdue_reviews",
    "EXPORT_COLUMNS",
    "ROW_FIELDS",
    "SORTS",
    "SORT_CHOICES",
    "STATUS_CHOICES",
    "STEP_ORDER",
    "Agenda",
    "AgendaItem",
    "CaseRecordRow",
    "DeskFilter",
    "DeskRow",
    "DiariumLine",
    "LeadTime",
    "NumberInput",
    "StepCount",
    "agenda",
    "calendar",
    "case_records",
    "coming_meetings_for",
    "deadline_passed_q",
    "desk_cases",
    "diarienummer_q",
    "diarium_register",
    "diarium_years",
    "export_rows",
    "export_values",
    "figures",
    "holders_of",
    "overdue_q",
    "page_of_cases",
    "parse_diarienummer",
    "percentile",
    "rows_for",
    "step_counts",
    "step_lead_times",
    "step_name",
    "step_overdue_q",
    "type_lead_times",
    "with_marks",
]
