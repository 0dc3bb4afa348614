"""The archive page's request form: what to export."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType

from .models import SelectionKind


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to export"),
        choices=SelectionKind.choices,
        initial=SelectionKind.BODY_YEAR,
        widget=forms.RadioSelect,
    )
    document = forms.IntegerField(
        label=_("Document number"), required=False, min_value=1, max_value=2**31 - 1
    )
    case = forms.IntegerField(
        label=_("Case number"), required=False, min_value=1, max_value=2**31 - 1
    )
    body = forms.CharField(
        label=_("Body (code, e.g. KS)"), required=False, max_length=20, initial="KS"
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1, max_value=9999)
    document_type = forms.ChoiceField(label=_("Document type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = DocumentType.objects.order_by("name").values_list("code", "name")
        self.fields["document_type"].choices = [("", _("Every type")), *types]

    def selection(self) -> dict:
        """The chosen selection's values only (the other fields are ignored)."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == SelectionKind.DOCUMENT:
            return {"document": data.get("document")}
        if kind == SelectionKind.CASE:
            return {"case": data.get("case")}
        return {
            "body": data.get("body"),
            "year": data.get("year"),
            "document_type": data.get("document_type") or None,
        }
