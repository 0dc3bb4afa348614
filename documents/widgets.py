from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class RichTextWidget(forms.Textarea):
    """A Trix editor (shipped with viewflow's static files) backed by a hidden input, with
    our own toolbar (Swedish labels, every button reachable by keyboard).

    Without JavaScript the plain textarea is shown. The HTML is sanitised on save
    and on output (documents.sanitize), whatever the editor sends.
    """

    class Media:
        css = {"all": ["viewflow/css/trix.css"]}
        # Deferred: Trix fills a <trix-toolbar> with its own English buttons if the element
        # is still empty when Trix meets it, as it is while the page is being parsed.
        js = [
            forms.Script("viewflow/js/trix.js", defer=True),
            forms.Script("js/editor.js", defer=True),
        ]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        field_id = attrs.get("id", f"id_{name}")
        textarea = super().render(name, value, {**attrs, "class": "rich-text-fallback"}, renderer)
        toolbar = render_to_string(
            "documents/widgets/rich_text_toolbar.html",
            {"toolbar_id": f"{field_id}_toolbar", "editor_id": f"{field_id}_editor"},
        )
        return format_html(
            '<div class="rich-text" data-input="{}">{}{}<trix-editor id="{}_editor" input="{}" '
            'toolbar="{}_toolbar" class="trix-content" aria-labelledby="{}_label"></trix-editor>'
            "</div>",
            field_id,
            textarea,
            mark_safe(toolbar),  # noqa: S308 - rendered by the template engine, escaped there
            field_id,
            field_id,
            field_id,
            field_id,
        )


class FastSelect(forms.Select):
    """A ``<select>`` rendered as one string: no template and no dict per ``<option>``.

    The register's filter form offers every unit, owner position, process and body (about
    1,100 options at municipal scale). Django's ``Select`` renders each option through its
    own template, which was two thirds of the register page's server time. This renders the
    same HTML (every option, so the form works without JavaScript) in a single pass.
    """

    # Set by the field: returns the options rendered once, as ``(value, html)``
    # (documents.cache); only the empty choice and the chosen option are rendered for
    # each request.
    options_html: Callable[[], list[tuple[str, str]]] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        if self.options_html is not None:
            parts = self._cached_options(chosen)
        else:
            parts = self._options(chosen)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # noqa: S308 - every value and label is escaped
        )

    def _options(self, chosen: set[str]) -> list[str]:
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                inner = "".join(self._option(v, lbl, chosen) for v, lbl in label)
                parts.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                parts.append(self._option(option_value, label, chosen))
        return parts

    def _cached_options(self, chosen: set[str]) -> list[str]:
        parts = []
        empty_label = getattr(self.choices, "field", None) and self.choices.field.empty_label
        if empty_label is not None:
            parts.append(self._option("", empty_label, chosen))
        for value, html in self.options_html():
            parts.append(html.replace('">', '" selected>', 1) if value in chosen else html)
        return parts

    @staticmethod
    def _option(value, label, chosen: set[str]) -> str:
        value = "" if value is None else str(value)
        return FastSelect.option_html(value, label, selected=value in chosen)

    @staticmethod
    def option_html(value, label, selected: bool = False) -> str:
        """One ``<option>``, escaped; also what ``documents.cache`` renders once."""
        mark = " selected" if selected else ""
        # str() first: escape() of a lazy translation returns another lazy object.
        return f'<option value="{escape(str(value))}"{mark}>{escape(str(label))}</option>'


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Check boxes rendered as one string, as Django's ``CheckboxSelectMultiple`` renders
    them through four templates per option: a ``<div>`` with the field's id around one
    ``<div><label for="…"><input type="checkbox" …> label</label></div>`` per choice (option
    ids ``<id>_<index>``, or ``<id>_<group>_<index>`` inside an option group)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))
        final_attrs = self.build_attrs(self.attrs, attrs)
        field_id = final_attrs.get("id")
        # Every box carries the field's attributes (aria-invalid, class, …) but its own id.
        shared = flatatt({k: v for k, v in final_attrs.items() if k != "id"})
        parts = []
        for index, (option_value, label) in enumerate(self.choices):
            if isinstance(label, list | tuple):  # an option group
                inner = "".join(
                    self._box(name, v, lbl, f"{index}_{sub}", field_id, shared, chosen)
                    for sub, (v, lbl) in enumerate(label)
                )
                parts.append(f"<div><label>{escape(option_value)}</label>{inner}</div>")
            else:
                parts.append(
                    self._box(name, option_value, label, str(index), field_id, shared, chosen)
                )
        return format_html(
            "<div{}{}>{}</div>",
            format_html(' id="{}"', field_id) if field_id else "",
            format_html(' class="{}"', final_attrs["class"]) if final_attrs.get("class") else "",
            mark_safe("".join(parts)),  # noqa: S308 - every value, label and attribute is escaped
        )

    @staticmethod
    def _box(
        name: str, value, label, index: str, field_id: str | None, shared: str, chosen: set[str]
    ) -> str:
        value = "" if value is None else str(value)
        box_id = f"{field_id}_{index}" if field_id else ""
        id_attr = f' id="{escape(box_id)}"' if box_id else ""
        for_attr = f' for="{escape(box_id)}"' if box_id else ""
        checked = " checked" if value in chosen else ""
        return (
            f'<div><label{for_attr}><input type="checkbox" name="{escape(name)}" '
            f'value="{escape(value)}"{shared}{id_attr}{checked}> {escape(str(label))}</label></div>'
        )


class FastInputMixin:
    """An ``<input>`` rendered as one string instead of through Django's two templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        value = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', value) if value is not None else "",
            flatatt(self.build_attrs(self.attrs, attrs)),
        )


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    input_type = "date"
