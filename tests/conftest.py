"""Shared fixtures: a small municipality with the default rule set, and test settings."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tests.factories import Municipality, build_municipality


def pytest_collection_modifyitems(config, items):
    """Skip ``postgres_only`` tests on other databases."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers cost a tenth of a second per password; tests do not need them.

    The default hashers stay listed after the fast one, so stored hashes still verify.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def org_tree(db) -> Municipality:
    """The municipality of ``tests.factories.build_municipality`` with the default rule set."""
    return build_municipality()


@pytest.fixture(scope="module")
def shared_org_tree(django_db_setup, django_db_blocker) -> Municipality:
    """One municipality for a whole module of read-only tests (the rule matrix).

    Built once inside an outer transaction that is rolled back after the module; each test
    still runs in its own savepoint (request ``db`` too). Tests using it must not change
    data they do not roll back themselves, and the module must not hold transactional tests.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_municipality()
        yield tree
        transaction.set_rollback(True)


@pytest.fixture
def town(db, settings, tmp_path):
    """The municipality of ``tests.lifecycle.build_town``: ready for whole cases.

    Uploaded files go to a temporary directory.
    """
    from tests.lifecycle import build_town

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_town()


@pytest.fixture(scope="module")
def access_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """``tests.access_world.build_world``: a case or document in every state and a person
    in every role, built once per module (rolled back after it; read-only tests only)."""
    from django.test import override_settings

    from tests.access_world import build_world

    media = str(tmp_path_factory.mktemp("media"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        world = build_world()
        yield world
        transaction.set_rollback(True)
