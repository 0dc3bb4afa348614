"""``{% follow_button document %}`` for the document page (documents' templates name the
tag; the documents app does not import this one)."""

from __future__ import annotations

from django import template

from documents import access

from .. import selectors

register = template.Library()


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context, document):
    user = context["request"].user
    shown = access.can_follow_document(user, document)
    return {
        "shown": shown,
        "document": document,
        "follow": selectors.is_following(user, document) if shown else None,
        "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path(),
    }
