"""Named refusals of following documents and searches and of the notification choices
(``notifications.following``): a stable code, an HTTP status and a Swedish message, as
``workflows.refusals`` (which lists these in ``all_refusals``). A document the person may
not see, or someone else's follow, is refused as one that does not exist."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.refusals import InvalidInput, NotAllowed, NotFound


class FollowingNotAllowed(NotAllowed):
    code = "following_not_allowed"
    message = _("Log in to follow documents and searches and to choose how you hear of them.")


class NoDocumentToFollow(NotFound):
    code = "no_document_to_follow"
    message = _("There is no such document to follow.")


class NoSuchFollow(NotFound):
    code = "no_such_follow"
    message = _("You do not follow this.")


class InvalidNotificationChoice(InvalidInput):
    code = "invalid_notification_choice"
    message = _("Choose one of the options offered.")


class SearchNotFollowable(InvalidInput):
    code = "search_not_followable"
    message = _("Choose a search or a filter first: the whole register cannot be followed.")


class InvalidSearch(InvalidInput):
    code = "invalid_search"
    message = _("The search cannot be followed: check its words and filters and try again.")
