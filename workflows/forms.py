"""Forms of the lifecycle's pages. They parse input; the rules are in actions and access."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import rules
from documents.models import Document, DocumentStatus, DocumentType
from documents.widgets import RichTextWidget
from org.models import Position, Process, Unit

from .actions.base import decider_choices
from .actions.engine import last_decision
from .models import (
    Agreement,
    Case,
    CaseKind,
    NegotiationOutcome,
    PreparationOutcome,
    ReviewAnswer,
    UnionStance,
)

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StartDocumentForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    scope_unit = forms.ModelChoiceField(
        label=_("Applies to"),
        queryset=Unit.objects.filter(is_active=True).select_related("level"),
        help_text=_(
            "The part of the organisation the document applies to, including all units below."
        ),
    )
    process = forms.ModelChoiceField(
        label=_("Process"),
        queryset=Process.objects.filter(is_active=True),
        required=False,
        help_text=_("For rutiner: the process the document belongs to."),
    )
    owner_position = forms.ModelChoiceField(
        label=_("Owner (dokumentansvarig)"),
        queryset=Position.objects.filter(is_active=True).select_related("unit"),
    )
    parent = forms.ModelChoiceField(
        label=_("Implements (parent document)"),
        queryset=Document.objects.filter(status=DocumentStatus.VALID).select_related(
            "document_type"
        ),
        required=False,
    )
    is_public = forms.BooleanField(
        label=_("Public document"),
        required=False,
        initial=True,
        help_text=_("Public documents appear in the public register when valid."),
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReaderGrantForm(forms.Form):
    """The registrar names a person who may read one case."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("The log-in name of the person who may read the case."),
    )
    action = forms.ChoiceField(
        choices=[("grant", _("Grant")), ("revoke", _("Withdraw"))],
        initial="grant",
        widget=forms.HiddenInput,
    )

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no active user with that username."))
        return user


class RevisionForm(forms.Form):
    confirm = forms.BooleanField(label=_("Start a new version of this document"), required=True)


class RepealStartForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why should the document be repealed?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CaseStepForm(forms.Form):
    """Base for a step's form: knows its case."""

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


def _decider_field(case: Case) -> forms.ChoiceField:
    choices = [(key, str(d)) for key, d in decider_choices(case.document)]
    current = rules.decider_key(body_id=case.decider_body_id, position_id=case.decider_position_id)
    return forms.ChoiceField(
        label=_("Decided by"),
        choices=choices,
        initial=current,
        help_text=_("Only those the rule set allows to adopt this document are listed."),
    )


class DraftForm(CaseStepForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    body = forms.CharField(
        label=_("Text"),
        widget=RichTextWidget(attrs={"rows": 20}),
        required=False,
        help_text=_(
            "Headings, paragraphs, lists and tables are kept; other formatting is removed."
        ),
    )
    upload = forms.FileField(
        label=_("Document file"),
        required=False,
        help_text=_(
            "PDF, Word (DOCX) or OpenDocument (ODT), at most 20 MB. Earlier files are kept."
        ),
    )
    is_public = forms.BooleanField(label=_("Public document"), required=False)
    co_authors = forms.CharField(
        label=_("Add co-authors"),
        required=False,
        help_text=_("User names, separated by commas."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["decider"] = _decider_field(case)
        version = case.version
        self.initial.setdefault("title", version.title)
        self.initial.setdefault("summary", case.document.summary)
        self.initial.setdefault("body", version.body)
        self.initial.setdefault("is_public", case.document.is_public)

    def clean_co_authors(self):
        names = [n.strip() for n in self.cleaned_data["co_authors"].split(",") if n.strip()]
        users = list(User.objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {u.username for u in users})
        if missing:
            raise forms.ValidationError(
                _("No such user: %(names)s") % {"names": ", ".join(missing)}
            )
        return users

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["upload"] = data.get("upload") or None
        return data


class RepealDraftForm(CaseStepForm):
    motivation = forms.CharField(
        label=_("Why should the document be repealed?"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["decider"] = _decider_field(case)
        self.initial.setdefault("motivation", case.repeal_motivation)


class StatementForm(CaseStepForm):
    stance = forms.ChoiceField(
        label=_("The union's position"), choices=UnionStance.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class SamverkanMeetingForm(CaseStepForm):
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    agreement = forms.ChoiceField(
        label=_("Result"), choices=Agreement.choices, widget=forms.RadioSelect
    )
    minutes_reference = forms.CharField(label=_("Minutes reference"), max_length=200)
    reservations = forms.CharField(
        label=_("Reservations (protokollsanteckningar)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_meeting_date(self):
        day = self.cleaned_data["meeting_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Record the meeting after it has been held."))
        return day


class NegotiationForm(CaseStepForm):
    negotiation_date = forms.DateField(label=_("Negotiation concluded"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=NegotiationOutcome.choices, widget=forms.RadioSelect
    )
    minutes_reference = forms.CharField(label=_("Minutes reference"), max_length=200)


class ProposalForm(CaseStepForm):
    proposal = forms.CharField(
        label=_("Decision proposal (beslutsförslag)"), widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.initial.setdefault("proposal", case.proposal)


class PreparationForm(CaseStepForm):
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    paragraph = forms.CharField(label=_("Paragraph (§)"), max_length=20, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=PreparationOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Proposal or motivation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecisionForm(CaseStepForm):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    paragraph = forms.CharField(label=_("Paragraph (§)"), max_length=20, required=False)
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when sending back or rejecting; the author sees it."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=DateInput(),
        required=False,
        help_text=_("Required when the document is adopted."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False)
    requires_reading = forms.BooleanField(
        label=_("Those the document applies to must confirm reading it (läskvittens)"),
        required=False,
        help_text=_("The document type's setting is the default."),
    )
    material_change = forms.BooleanField(
        label=_("Material change (väsentlig ändring): everyone must read the new version"),
        required=False,
        help_text=_("Without it, a confirmation of an earlier version still counts for this one."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        from documents.models import DecisionOutcome

        labels = dict(DecisionOutcome.choices)
        self.initial.setdefault("requires_reading", case.document.document_type.reading_required)
        if case.kind == CaseKind.REVIEW:
            labels = {
                DecisionOutcome.ADOPTED: _("Confirm: the document is still current"),
                DecisionOutcome.RETURNED: _("Do not confirm: back to the owner"),
            }
            for name in ("valid_from", "valid_until", "requires_reading", "material_change"):
                del self.fields[name]
            self.fields["motivation"].help_text = _(
                "Required when not confirming; the owner sees it."
            )
        elif case.kind == CaseKind.REPEAL:
            labels[DecisionOutcome.ADOPTED] = _("Repeal the document")
            for name in ("valid_from", "valid_until", "requires_reading", "material_change"):
                del self.fields[name]
        elif case.kind != CaseKind.REVISION:
            del self.fields["material_change"]
        self.fields["outcome"].choices = list(labels.items())
        if case.decider_body_id:
            self.fields["paragraph"].required = True

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ReviewAnswerForm(CaseStepForm):
    answer = forms.ChoiceField(
        label=_("Is the document still current?"),
        choices=ReviewAnswer.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Your answers to the questions above. Required when the document should be "
            "repealed: it becomes the repeal's motivation."
        ),
    )


class RegistrationForm(CaseStepForm):
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    paragraph = forms.CharField(label=_("Paragraph (§)"), max_length=20, required=False)
    minutes_extract = forms.FileField(
        label=_("Minutes extract (protokollsutdrag)"),
        required=False,
        help_text=_("PDF, DOCX or ODT. Required for decisions of political bodies."),
    )
    justering_date = forms.DateField(
        label=_("Minutes checked (justering)"), widget=DateInput(), required=False
    )
    anslag_date = forms.DateField(
        label=_("Posted on the notice board (anslag)"), widget=DateInput(), required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        decision = last_decision(case)
        if decision:
            self.initial.setdefault("decision_date", decision.decision_date)
            self.initial.setdefault("paragraph", decision.paragraph)
        if case.decider_body_id:
            for name in ("minutes_extract", "justering_date", "anslag_date", "paragraph"):
                self.fields[name].required = True

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["minutes_extract"] = data.get("minutes_extract") or None
        return data


STEP_FORMS = {
    "draft": DraftForm,
    "repeal_draft": RepealDraftForm,
    "union_statement": StatementForm,
    "samverkan_meeting": SamverkanMeetingForm,
    "negotiation": NegotiationForm,
    "proposal": ProposalForm,
    "preparation": PreparationForm,
    "decision": DecisionForm,
    "registration": RegistrationForm,
    "review_answer": ReviewAnswerForm,
}
