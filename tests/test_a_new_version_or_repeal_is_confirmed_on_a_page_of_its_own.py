""" "Start a new version" and "Propose repeal" first show, on a page of their own, what will
happen (a case, the next diarienummer, who decides); only the confirmation (POST) creates
the case and takes the number. Refusals are shown there, with nothing to confirm."""

from __future__ import annotations

import datetime

from django.urls import reverse

from documents.models import DiaryCounter, DiaryEntry
from org.models import PositionKind
from tests.factories import PositionFactory, PositionHoldingFactory, UserFactory
from tests.lifecycle import today, valid_document
from workflows.models import Case


def _counts():
    return (
        Case.objects.count(),
        DiaryEntry.objects.count(),
        list(DiaryCounter.objects.values_list("last_number", flat=True)),
    )


def test_the_document_page_links_to_the_confirmation_page(town):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    html = town.desk("hrstrateg").get(reverse("documents:detail", args=[document.pk]))
    text = html.content.decode()
    assert f'href="{reverse("workflows:start_revision", args=[document.pk])}"' in text
    assert f'href="{reverse("workflows:start_repeal", args=[document.pk])}"' in text


def test_get_shows_the_case_and_number_and_creates_nothing(town):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    official = town.desk("hrstrateg")
    before = _counts()
    page = official.get(reverse("workflows:start_revision", args=[document.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"KS {today().year}/1" in text
    assert "Decided by: Kommunstyrelsen." in text
    assert "Confirm: start the new version" in text
    assert _counts() == before

    case = official.start_revision(document)  # the POST
    assert case.diarienummer == f"KS {today().year}/1"
    assert case.kind == "revision"


def test_the_repeal_page_shows_the_number_and_creates_only_on_confirmation(town):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    official = town.desk("hrstrateg")
    before = _counts()
    page = official.get(reverse("workflows:start_repeal", args=[document.pk]))
    assert f"KS {today().year}/1" in page.content.decode()
    assert _counts() == before
    # Without a motivation: the error, nothing created.
    refused = official.post(reverse("workflows:start_repeal", args=[document.pk]), {})
    assert refused.status_code == 200
    assert refused.context["form"].errors["motivation"]
    assert _counts() == before
    case = official.start_repeal(document, "Ersätts av resepolicyn.")
    assert case.kind == "repeal" and case.diarienummer == f"KS {today().year}/1"


def test_a_document_with_an_open_case_shows_why_and_nothing_to_confirm(town):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    official = town.desk("hrstrateg")
    case = official.start_revision(document)
    for name in ("workflows:start_revision", "workflows:start_repeal"):
        page = official.get(reverse(name, args=[document.pk]))
        assert page.status_code == (409 if name == "workflows:start_revision" else 200)
        text = page.content.decode()
        assert f"The document already has an open case, {case.diarienummer}." in text
        assert "Confirm:" not in text
    assert Case.objects.count() == 1


def test_an_employee_is_told_they_cannot_start_and_posting_starts_nothing(town):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    position = PositionFactory(title="Lärare", kind=PositionKind.OTHER, unit=town.units["unit"])
    user = UserFactory(username="larare")
    PositionHoldingFactory(position=position, user=user, start=datetime.date(2020, 1, 1))
    employee = town.desk(user)
    page = employee.get(reverse("workflows:start_revision", args=[document.pk]))
    assert page.status_code == 403
    assert "Only officials" in page.content.decode()
    assert "Confirm:" not in page.content.decode()
    response = employee.post(reverse("workflows:start_revision", args=[document.pk]))
    assert response.status_code == 302
    assert not Case.objects.exists()
