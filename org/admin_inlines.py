"""Tabular inlines whose inputs are named for screen readers.

A tabular inline shows its inputs under column headings, with no label of their own, so
axe reports every row's inputs as unlabelled. Each input gets its column's name and the
row's number as ``aria-label``.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = gettext("new row") if index is None else gettext("row %(n)s") % {"n": index + 1}
        for field in form.fields.values():
            if field.widget.is_hidden:
                continue
            field.widget.attrs["aria-label"] = f"{field.label} ({row})"


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet
