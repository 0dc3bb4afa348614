"""Following, notification choices and read acknowledgement refuse with named refusals:
a stable code, an HTTP status and a Swedish message (as ``workflows.refusals``). The
tests match the codes, never the English text; the pages answer by the status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from notifications import following
from notifications import refusals as notification_refusals
from notifications.models import Follow, Preference
from reading import services as reading
from tests.lifecycle import valid_document
from tests.notification_support import swedish
from tests.reading_helpers import rutin, staff
from workflows import refusals


def refused(function, *args, **kwargs) -> tuple[str, int]:
    with pytest.raises(refusals.Refusal) as caught:
        function(*args, **kwargs)
    return caught.value.code, caught.value.status


def test_the_notification_refusals_are_among_all_refusals_in_swedish():
    codes = {cls.code for cls in refusals.all_refusals()}
    ours = [
        notification_refusals.FollowingNotAllowed,
        notification_refusals.NoDocumentToFollow,
        notification_refusals.NoSuchFollow,
        notification_refusals.InvalidNotificationChoice,
        notification_refusals.SearchNotFollowable,
        notification_refusals.InvalidSearch,
    ]
    assert {cls.code for cls in ours} <= codes
    for cls in ours:
        assert issubclass(cls, refusals.Refusal)
        with translation.override("sv"):
            swedish = str(cls.message)
        with translation.override("en"):
            assert swedish != str(cls.message)


def test_following_refusals_by_code(town):
    user = town.users["hrstrateg"]
    document = valid_document(town, type_code="rutin", title="Rutin för nycklar")
    assert refused(following.follow_document, AnonymousUser(), document.pk) == (
        "following_not_allowed",
        403,
    )
    assert refused(following.follow_document, user, 99999) == ("no_document_to_follow", 404)
    assert refused(following.set_frequency, user, "daily") == ("invalid_notification_choice", 400)
    assert refused(following.follow_search, user, "page=2") == ("search_not_followable", 400)
    assert refused(following.follow_search, user, "q=" + "x" * 1200) == ("invalid_search", 400)
    follow = following.follow_document(town.users["utvecklare"], document.pk)
    assert refused(following.stop_following, user, follow.pk) == ("no_such_follow", 404)
    assert refused(following.stop_following, user, follow.pk + 999) == ("no_such_follow", 404)
    assert Follow.objects.count() == 1 and not Preference.objects.exists()
    assert not AuditEntry.objects.filter(action="follow_stopped").exists()


def test_the_pages_answer_the_refusals_by_their_status_in_swedish(town):
    desk = swedish(town.desk("hrstrateg"))
    response = desk.post(reverse("notifications:follow_search"), {"query": "page=2"}, follow=True)
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    with translation.override("sv"):
        assert message == str(notification_refusals.SearchNotFollowable.message)
    assert "Välj först en sökning" in message
    assert not Follow.objects.exists()
    missing = reverse("notifications:follow_document", args=[99999])
    assert desk.post(missing).status_code == 404
    assert desk.post(reverse("notifications:stop", args=[99999])).status_code == 404


def test_reading_refusals_by_code(town):
    document = rutin(town, "Rutin för hygien", scope="unit")
    anna = staff(town, "anna", "unit")
    outsider = town.users["ekonom"]  # works in the municipal company, not in the unit
    version_id = document.current_version_id
    assert refused(reading.confirm_reading, user=anna, version_id=99999) == (
        "no_such_version",
        404,
    )
    assert refused(reading.confirm_reading, user=outsider, version_id=version_id) == (
        "not_in_reading_audience",
        403,
    )
    reading.confirm_reading(user=anna, version_id=version_id)
    assert refused(reading.confirm_reading, user=anna, version_id=version_id) == (
        "reading_already_confirmed",
        409,
    )
    unit = town.units["unit"]
    assert refused(reading.send_reminder, user=anna, unit_id=unit.pk, version_id=version_id) == (
        "not_chief_of_unit",
        403,
    )
    chief = town.users["enhetschef"]
    assert refused(reading.send_reminder, user=chief, unit_id=unit.pk, version_id=99999) == (
        "no_such_version",
        404,
    )
