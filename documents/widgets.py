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

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                inner = "".join(self._option(v, lbl, chosen) for v, lbl in label)
                parts.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                parts.append(self._option(option_value, label, chosen))
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308 - every value and label is escaped
        )

    @staticmethod
    def _option(value, label, chosen: set[str]) -> str:
        value = "" if value is None else str(value)
        selected = " selected" if value in chosen else ""
        return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'
