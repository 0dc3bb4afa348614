"""The desk is for the registrar and the political bodies' secretaries: everyone else is
refused (403), anonymous visitors are sent to the log-in page; the registrar-only actions
refuse secretaries too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.desk_support import ks_meeting, ks_policy
from workflows import access

PAGES = ["desk", "desk_csv", "desk_xlsx", "desk_diarium", "desk_meetings"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(town, name):
    response = Client().get(reverse(f"workflows:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["hrstrateg", "processagare", "vision_central", "kommunchef"])
@pytest.mark.parametrize("name", PAGES)
def test_others_are_refused(town, who, name):
    if who not in town.users:
        pytest.skip(f"no {who} in the test town")
    assert town.desk(who).get(reverse(f"workflows:{name}")).status_code == 403


@pytest.mark.parametrize("who", ["registrator", "sekr_ks", "sekr_bun", "sekr_kf"])
@pytest.mark.parametrize("name", PAGES)
def test_the_registrar_and_every_secretary_see_the_whole_desk(town, who, name):
    assert town.desk(who).get(reverse(f"workflows:{name}")).status_code == 200


def test_others_may_not_see_a_meeting_page(town):
    meeting = ks_meeting(town)
    url = reverse("workflows:desk_meeting", args=[meeting.pk])
    assert town.desk("hrstrateg").get(url).status_code == 403
    assert town.desk("sekr_bun").get(url).status_code == 200


def test_the_permits_explain_themselves(town):
    refused = access.can_see_desk(town.users["hrstrateg"])
    assert not refused
    assert refused.reason
    assert access.can_see_desk(town.users["registrator"])
    case = ks_policy(town)
    assert access.can_register_records(town.users["registrator"], case)
    assert not access.can_register_records(town.users["sekr_ks"], case)
    assert access.can_set_target_meeting(town.users["sekr_ksau"], case)
    assert not access.can_set_target_meeting(town.users["sekr_bun"], case)
    assert access.can_plan_meetings(town.users["sekr_ks"], town.bodies["KS"])
    assert not access.can_plan_meetings(town.users["sekr_ks"], town.bodies["namnd"])


def test_a_secretary_may_not_register_records(town):
    case = ks_policy(town)
    url = reverse("workflows:desk_record", args=[case.pk])
    assert town.desk("sekr_ks").get(url).status_code == 403
    assert town.desk("registrator").get(url).status_code == 200


def test_the_inbox_links_the_desk_only_for_those_who_see_it(town):
    link = reverse("workflows:desk")
    assert link in town.desk("registrator").inbox().content.decode()
    assert link not in town.desk("hrstrateg").inbox().content.decode()
