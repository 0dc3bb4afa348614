"""Forms of the registrar's desk. They only collect input; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from documents.models import DecisionOutcome
from org.models import Body

from .actions.meetings import MatterDecision
from .models import Case, CaseKind, Meeting, RecordDirection


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(
        label=_("Body"), queryset=Body.objects.filter(is_active=True).order_by("name")
    )
    date = forms.DateField(label=_("Meeting date"), widget=DateInput)
    deadline = forms.DateField(label=_("Deadline for matters"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = Body.objects.filter(pk__in=[b.pk for b in bodies])


class TargetMeetingForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Target meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("No meeting yet"),
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["meeting"].queryset = meetings


class RecordForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            (RecordDirection.INCOMING, RecordDirection.INCOMING.label),
            (RecordDirection.OUTGOING, RecordDirection.OUTGOING.label),
        ],
        widget=forms.RadioSelect,
    )
    record_date = forms.DateField(label=_("Date"), widget=DateInput)
    counterpart = forms.CharField(label=_("Sender or recipient"), max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    upload = forms.FileField(
        label=_("File (PDF, DOCX or ODT)"), required=False, help_text=_("Optional.")
    )


OUTCOME_CHOICES = [
    ("", _("Not decided at this meeting")),
    (DecisionOutcome.ADOPTED, _("Adopted")),
    (DecisionOutcome.RETURNED, _("Sent back (återremiss)")),
    (DecisionOutcome.REJECTED, _("Rejected")),
]


def outcome_choices(case: Case) -> list[tuple[str, str]]:
    """The meeting's choices for one matter, worded for its kind: a repeal is decided with
    "Repeal", a review with "Confirm"."""
    choices = list(OUTCOME_CHOICES)
    if case.kind == CaseKind.REPEAL:
        choices[1] = (DecisionOutcome.ADOPTED, pgettext_lazy("decision option", "Repeal"))
    elif case.kind == CaseKind.REVIEW:
        choices[1] = (DecisionOutcome.ADOPTED, _("Confirm: still current"))
    return choices


def _initial_paragraphs(cases: list[Case]) -> list[int]:
    """1, 2, 3 … in agenda order, except that the reviews (aktualitetsprövning) share the
    first review's paragraph: the body confirms its list of documents in one decision."""
    numbers, number, review_list = [], 0, None
    for case in cases:
        if case.kind == CaseKind.REVIEW and review_list is not None:
            numbers.append(review_list)
            continue
        number += 1
        numbers.append(number)
        if case.kind == CaseKind.REVIEW:
            review_list = number
    return numbers


class MeetingDecisionsForm(forms.Form):
    """One line per matter: paragraph, outcome, motivation, valid from/until.

    The lines are the matters of the agenda waiting for this body's decision; a posted
    case id that is not among them still gets a line, so the service can refuse it with
    its reason next to the input.
    """

    def __init__(self, *args, cases: list[Case], meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases
        self.meeting = meeting
        self.line_errors: dict[int, str] = {}
        for case, number in zip(cases, _initial_paragraphs(cases), strict=True):
            pk = case.pk
            self.fields[f"paragraph_{pk}"] = forms.CharField(
                label=_("§"), max_length=20, required=False, initial=f"§ {number}"
            )
            self.fields[f"outcome_{pk}"] = forms.ChoiceField(
                label=_("Decision"), choices=outcome_choices(case), required=False
            )
            self.fields[f"motivation_{pk}"] = forms.CharField(
                label=_("Motivation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"valid_from_{pk}"] = forms.DateField(
                label=_("Valid from"), required=False, widget=DateInput, initial=meeting.date
            )
            self.fields[f"valid_until_{pk}"] = forms.DateField(
                label=_("Valid until"), required=False, widget=DateInput
            )
            self._reading_fields(case)
            self._name_inputs(case)

    def _name_inputs(self, case: Case) -> None:
        """The table's inputs have no label of their own: each is named by its column and
        its matter (for screen readers; the checkboxes are wrapped in their labels)."""
        for name in ("paragraph", "outcome", "motivation", "valid_from", "valid_until"):
            field = self.fields[f"{name}_{case.pk}"]
            field.widget.attrs["aria-label"] = f"{field.label}: {case.diarienummer}"

    def _reading_fields(self, case: Case) -> None:
        """Read acknowledgement (default: the document type's) and, for a new version,
        whether its change is material."""
        pk = case.pk
        if case.kind == CaseKind.REPEAL:
            return
        self.fields[f"requires_reading_{pk}"] = forms.BooleanField(
            label=_("Read acknowledgement"),
            required=False,
            initial=case.document.document_type.reading_required,
        )
        if case.kind == CaseKind.REVISION:
            self.fields[f"material_change_{pk}"] = forms.BooleanField(
                label=_("Material change"), required=False
            )

    def _optional(self, name: str):
        return self[name] if name in self.fields else None

    def lines(self):
        for case in self.cases:
            pk = case.pk
            yield {
                "case": case,
                "paragraph": self[f"paragraph_{pk}"],
                "outcome": self[f"outcome_{pk}"],
                "motivation": self[f"motivation_{pk}"],
                "valid_from": self[f"valid_from_{pk}"],
                "valid_until": self[f"valid_until_{pk}"],
                "requires_reading": self._optional(f"requires_reading_{pk}"),
                "material_change": self._optional(f"material_change_{pk}"),
                "error": self.line_errors.get(pk, ""),
            }

    def decisions(self) -> list[MatterDecision]:
        out = []
        for case in self.cases:
            pk = case.pk
            outcome = self.cleaned_data.get(f"outcome_{pk}")
            if not outcome:
                continue
            out.append(
                MatterDecision(
                    case_id=pk,
                    paragraph=self.cleaned_data.get(f"paragraph_{pk}") or "",
                    outcome=outcome,
                    motivation=self.cleaned_data.get(f"motivation_{pk}") or "",
                    valid_from=self.cleaned_data.get(f"valid_from_{pk}"),
                    valid_until=self.cleaned_data.get(f"valid_until_{pk}"),
                    requires_reading=self.cleaned_data.get(f"requires_reading_{pk}"),
                    material_change=bool(self.cleaned_data.get(f"material_change_{pk}")),
                )
            )
        return out
