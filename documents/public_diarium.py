"""The public e-diarium: what an anonymous visitor may read of the diarium, as rows.

Which fields of a record are shown is decided by ``documents.access`` (the registrar's
marking, ``DiaryEntry.is_public``); what the public may know of a record's case (its
status, decider, version) is answered by the app that owns cases through the
``CaseQuestions`` hook. Nothing here names a person: a record's ``registered_by``, a
case's authors, union representatives and position holders are never read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, diarium
from .models import DiaryCaseFacts, DiaryEntry, DiarySeries, DiaryStatus, DocumentVersion
from .open_csv import keyset_chunks

PAGE_SIZE = 50
CSV_CHUNK = 500


class PublicDiariumForm(forms.Form):
    """The e-diarium's search and filters; every value optional."""

    q = forms.CharField(
        label=gettext_lazy("Diarienummer or subject"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("E.g. KS 2026/17, or words of the subject of a public record."),
    )
    series = forms.ModelChoiceField(
        label=gettext_lazy("Series"),
        queryset=DiarySeries.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All series"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1900, max_value=2999
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(DiaryStatus.choices),
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        if "\x00" in text:
            raise forms.ValidationError(_("The search text contains a character not allowed."))
        return text.strip()


def search_q(text: str) -> Q:
    """A diarienummer finds its record whatever the marking; other words search only the
    subjects of public records (searching masked ones would tell what they are about)."""
    number = diarium.diarienummer_q(text)
    if number is not None:
        return number
    return access.diary_details_public_q() & Q(title__icontains=text)


def public_entries(
    *,
    q: str = "",
    series: DiarySeries | None = None,
    year: int | None = None,
    status: str = "",
) -> QuerySet[DiaryEntry]:
    """The diarium records matching the e-diarium's search and filters, newest first."""
    entries = DiaryEntry.objects.select_related("series__body")
    if q:
        entries = entries.filter(search_q(q))
    if series is not None:
        entries = entries.filter(series=series)
    if year is not None:
        entries = entries.filter(year=year)
    if status:
        entries = entries.filter(pk__in=access.cases().diary_entry_ids(status))
    return entries.order_by("-registered_at", "-pk")


@dataclass
class PublicDocument:
    title: str
    document_id: int
    number: int


@dataclass
class PublicDiaryRow:
    """One record as the public sees it: ``subject``, ``decider`` and ``documents`` are
    empty unless the record is public."""

    entry_id: int
    diarienummer: str
    series_code: str
    year: int
    number: int
    registered_at: datetime.datetime
    registry: str
    status: str
    status_text: str
    public: bool
    subject: str = ""
    decider: str = ""
    documents: list[PublicDocument] = field(default_factory=list)


def _decider(facts: DiaryCaseFacts | None, adoption) -> str:
    body = facts.decider_body if facts else (adoption.body if adoption else None)
    position = facts.decider_position if facts else (adoption.position if adoption else None)
    if body is not None:
        return body.name
    if position is not None:  # the position and its unit, never the person holding it
        return f"{position.title}, {position.unit.name}"
    return ""


def _row(
    entry: DiaryEntry, facts: DiaryCaseFacts | None, versions: list[DocumentVersion]
) -> PublicDiaryRow:
    series = entry.series
    row = PublicDiaryRow(
        entry_id=entry.pk,
        diarienummer=entry.diarienummer,
        series_code=series.code,
        year=entry.year,
        number=entry.number,
        registered_at=entry.registered_at,
        registry=series.body.name if series.body_id else series.name,
        status=facts.status if facts else "",
        status_text=facts.status_text if facts else _("Registered"),
        public=access.diary_details_public(entry),
    )
    if not row.public:
        return row
    row.subject = entry.title
    row.decider = _decider(facts, versions[0].adoption if versions else None)
    shown = list(versions)
    case_version = facts.version if facts is not None else None
    if access.in_public_register(case_version) and case_version not in shown:
        shown.append(case_version)
    row.documents = [PublicDocument(v.title, v.document_id, v.number) for v in shown]
    return row


def rows_for(entries: list[DiaryEntry]) -> list[PublicDiaryRow]:
    """The rows of ``entries``: one query for their cases and one for the public register
    versions registered under them, whatever their number."""
    ids = [e.pk for e in entries]
    facts = access.cases().diary_facts(ids)
    versions: dict[int, list[DocumentVersion]] = {}
    public_versions = (
        DocumentVersion.objects.filter(
            access.register_versions_q(AnonymousUser()), diary_entry_id__in=ids
        )
        .select_related("adoption__body", "adoption__position__unit")
        .order_by("number")
    )
    for version in public_versions:
        versions.setdefault(version.diary_entry_id, []).append(version)
    return [_row(e, facts.get(e.pk), versions.get(e.pk, [])) for e in entries]


def page_of(entries: QuerySet[DiaryEntry], number) -> tuple[Page, list[PublicDiaryRow]]:
    page = Paginator(entries, PAGE_SIZE).get_page(number)
    return page, rows_for(list(page.object_list))


def all_rows(entries: QuerySet[DiaryEntry]) -> Iterator[PublicDiaryRow]:
    """Every row of ``entries`` in diarium order (series, year, number), read ``CSV_CHUNK``
    records at a time by keyset: three queries per chunk however many there are."""
    for chunk in keyset_chunks(entries, ("series__code", "year", "number"), CSV_CHUNK):
        yield from rows_for(chunk)
