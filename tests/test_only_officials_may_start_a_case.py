"""Only people allowed to start a case (officials, chiefs, process owners, secretaries,
registrars) see "New document" and can open its form; an employee without such a
position gets a 403 for the form and does not see the link."""

from __future__ import annotations

import datetime

from django.urls import reverse

from org.models import PositionKind
from tests.factories import PositionFactory, PositionHoldingFactory, UserFactory
from workflows import access
from workflows.models import Case


def _employee(town):
    position = PositionFactory(
        title="Barnskötare Solrosen", kind=PositionKind.OTHER, unit=town.units["unit"]
    )
    user = UserFactory(username="barnskotare")
    PositionHoldingFactory(position=position, user=user, start=datetime.date(2020, 1, 1))
    return town.desk(user)


def test_an_official_sees_new_document_and_opens_the_form(town):
    official = town.desk("hrstrateg")
    home = official.get(reverse("home")).content.decode()
    assert f'href="{reverse("workflows:start")}"' in home
    assert official.get(reverse("workflows:start")).status_code == 200


def test_an_employee_does_not_see_new_document(town):
    employee = _employee(town)
    for url in (reverse("home"), reverse("workflows:inbox")):
        html = employee.get(url).content.decode()
        assert f'href="{reverse("workflows:start")}"' not in html


def test_an_employee_gets_403_for_the_form_and_starts_nothing(town):
    employee = _employee(town)
    page = employee.get(reverse("workflows:start"))
    assert page.status_code == 403
    response = employee.post(
        reverse("workflows:start"),
        {
            "document_type": town.types["vision"].pk,
            "title": "Vision 2040",
            "scope_unit": town.units["top"].pk,
            "owner_position": town.positions["hrstrateg"].pk,
        },
    )
    assert response.status_code == 403
    assert not Case.objects.exists()
    permit = access.can_start_case(employee.user)
    assert not permit and permit.code == "no_position"


def test_someone_without_any_position_gets_403(town):
    nobody = town.desk(UserFactory(username="utan_befattning"))
    assert nobody.get(reverse("workflows:start")).status_code == 403


def test_a_union_representative_as_such_cannot_start_a_case(town):
    rep = town.desk("vision_central")
    assert rep.get(reverse("workflows:start")).status_code == 403
