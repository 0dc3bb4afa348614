"""The inbox's open cases (``workflows.inbox.open_cases_of``: those a person writes or has
a task waiting in) are cases that person may see: for every person of the access world,
the list is exactly the cases of ``access.visible_cases`` that they write or have a task
waiting in. The inbox does not filter through ``visible_cases`` (it made PostgreSQL work
out every case a unit chief may see, docs/performance.md); this holds the rules and the
inbox's routes to the same answer."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from workflows import access
from workflows.inbox import open_cases_of
from workflows.models import Case


def test_every_open_case_in_the_inbox_is_one_its_reader_may_see(access_world, db):
    users = list(get_user_model().objects.all())
    assert len(users) > 25
    checked = 0
    for user in users:
        listed = list(open_cases_of(user, limit=1000).values_list("pk", flat=True))
        waiting = access.inbox(user).values("process_id").order_by()
        written = Case.authors.through.objects.filter(user=user).values("case_id").order_by()
        expected = set(
            access.visible_cases(user)
            .filter(finished__isnull=True)
            .filter(pk__in=written.union(waiting))
            .values_list("pk", flat=True)
        )
        assert set(listed) == expected, user
        assert all(access.can_view_case(user, case) for case in Case.objects.filter(pk__in=listed))
        checked += len(listed)
    assert checked > 10  # the world's people do have open cases in their inboxes
