"""Django's ``flush``, past the database's protection of official records.

Emptying the whole database is the one thing the triggers of ``documents.protection`` let
through, and only as ``suspended_for_flush`` allows: on PostgreSQL for a superuser (the
test suite flushes after every transactional test), on SQLite for whoever runs it.
"""

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from documents.protection import FlushRefused, suspended_for_flush


class Command(flush.Command):
    def handle(self, **options):
        try:
            with suspended_for_flush(connections[options["database"]]):
                return super().handle(**options)
        except FlushRefused as exc:
            raise CommandError(str(exc)) from exc
