"""The mail queue in the admin, for administrators only (``documents.access``).

django-mailer registers its queue (messages waiting or deferred), its log (every attempt,
with the server's answer) and its do-not-send list; they hold the text of every mail, so
only administrators see them. Only administrators may also send the queue from the admin
(django-mailer's action) or delete a message.
"""

from __future__ import annotations

from django.contrib import admin
from mailer.admin import DontSendEntryAdmin, MessageAdmin, MessageLogAdmin
from mailer.models import DontSendEntry, Message, MessageLog

from documents import access


class AdministratorsOnly:
    def has_module_permission(self, request) -> bool:
        return access.can_see_mail_queue(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return access.can_see_mail_queue(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_see_mail_queue(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.can_see_mail_queue(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # mail is queued by the application, never typed in here


class QueuedMessageAdmin(AdministratorsOnly, MessageAdmin):
    pass


class MessageLogEntryAdmin(AdministratorsOnly, MessageLogAdmin):
    pass


class DoNotSendAdmin(AdministratorsOnly, DontSendEntryAdmin):
    def has_add_permission(self, request) -> bool:
        return access.can_see_mail_queue(request.user)


for model, model_admin in [
    (Message, QueuedMessageAdmin),
    (MessageLog, MessageLogEntryAdmin),
    (DontSendEntry, DoNotSendAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
