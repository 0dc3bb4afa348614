from django import template
from django.utils.safestring import mark_safe

from documents.sanitize import clean_html

register = template.Library()


@register.filter
def sanitized(html: str) -> str:
    """Render stored rich text, sanitised again on output."""
    return mark_safe(clean_html(html))  # noqa: S308 - cleaned by nh3 just above
