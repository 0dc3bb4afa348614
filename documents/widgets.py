from django import forms
from django.utils.html import format_html


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
