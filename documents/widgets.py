from collections.abc import Callable

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class RichTextWidget(forms.Textarea):
    """A Trix editor (shipped with viewflow's static files) backed by a hidden input.

    Without JavaScript the plain textarea is shown. The HTML is sanitised on save
    and on output (documents.sanitize), whatever the editor sends.
    """

    class Media:
        css = {"all": ["viewflow/css/trix.css"]}
        js = ["viewflow/js/trix.js"]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        field_id = attrs.get("id", f"id_{name}")
        textarea = super().render(name, value, {**attrs, "class": "rich-text-fallback"}, renderer)
        return format_html(
            '<div class="rich-text" data-input="{}">{}<trix-editor input="{}" class="trix-content" '
            'aria-labelledby="{}_label"></trix-editor></div>',
            field_id,
            textarea,
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
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.options_html is not None:
            return self._render_prerendered(name, final_attrs, chosen)
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                inner = "".join(self._option(v, lbl, chosen) for v, lbl in label)
                parts.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                parts.append(self._option(option_value, label, chosen))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308 - every value and label is escaped
        )

    def _render_prerendered(self, name, final_attrs, chosen: set[str]) -> str:
        parts = []
        empty_label = getattr(self.choices, "field", None) and self.choices.field.empty_label
        if empty_label is not None:
            parts.append(self._option("", empty_label, chosen))
        for value, html in self.options_html():
            parts.append(html.replace('">', '" selected>', 1) if value in chosen else html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308 - rendered from escaped values and labels
        )

    @staticmethod
    def _option(value, label, chosen: set[str]) -> str:
        value = "" if value is None else str(value)
        selected = " selected" if value in chosen else ""
        return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'
