"""The compiled statements (``config.compiled_query``) run on a cursor kept per database
connection. When that connection is lost (closed by the application, or ended by the
server: a restart, an idle timeout, an administrator), the next statement after Django's
own clean-up at a request's edge gets a new connection and a new cursor, and answers as
before; nothing keeps using the dead cursor."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, close_old_connections, connection

from config.compiled_query import CompiledQuery, statement_cursor
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

User = get_user_model()

_USER_BY_ID = CompiledQuery(lambda user_id: User.objects.filter(pk=user_id), ids=("user_id",))


def _names(user_id: int) -> list[str]:
    return [u.username for u in _USER_BY_ID.run(user_id=user_id)]


def _end_this_connection_from_outside() -> None:
    pid = connection.connection.info.backend_pid
    settings = connection.get_connection_params()
    settings.pop("cursor_factory", None)
    settings.pop("context", None)
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_closed_connection_is_opened_again_with_a_new_cursor():
    user = UserFactory(username="ansgar")
    assert _names(user.pk) == ["ansgar"]
    kept = statement_cursor(connection)

    connection.close()

    assert _names(user.pk) == ["ansgar"]
    assert statement_cursor(connection) is not kept


def test_a_connection_ended_by_the_server_is_replaced_at_the_next_request():
    user = UserFactory(username="birgitta")
    assert _names(user.pk) == ["birgitta"]
    kept = statement_cursor(connection)

    _end_this_connection_from_outside()

    # Inside the request that was running, the statement fails as any query would ...
    with pytest.raises(DatabaseError):
        _names(user.pk)
    # ... and Django's clean-up at the request's end and the next one's start drops the
    # broken connection, after which the compiled statement answers again.
    close_old_connections()
    assert _names(user.pk) == ["birgitta"]
    assert statement_cursor(connection) is not kept
