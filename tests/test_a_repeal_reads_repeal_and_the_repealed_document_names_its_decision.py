"""A repeal's decision option reads "Repeal" (Upphäv), its recorded outcome "Repealed"
(Upphävd), never "Adopted"; the repealed document's page names the repealing decision:
the body, the date, the paragraph and the diarienummer."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from tests.desk_support import aim, ks_policy
from tests.factories import MeetingFactory
from tests.lifecycle import days, run_to_end, run_until, valid_document
from workflows.desk_forms import MeetingDecisionsForm


def _repeal(town):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    case = town.desk("hrstrateg").start_repeal(document, "Ersätts av resepolicyn 2026.")
    return document, case


def test_the_decision_form_and_the_meeting_offer_repeal_not_adopt(town):
    document, case = _repeal(town)
    task = run_until(town, case, "decision")
    secretary = town.desk("sekr_ks")
    page = secretary.get(reverse("workflows:task", args=[task.pk])).content.decode()
    assert "Repeal the document" in page
    assert ">Adopted<" not in page

    meeting = MeetingFactory(body=town.bodies["KS"], date=days(0), deadline=days(-7))
    case = aim(case, meeting)
    with translation.override("sv"):
        choices = dict(
            MeetingDecisionsForm(cases=[case], meeting=meeting).fields[f"outcome_{case.pk}"].choices
        )
        assert str(choices["adopted"]) == "Upphäv"
        assert "Fastställd" not in [str(label) for label in choices.values()]


def test_an_adoption_still_reads_adopted_at_the_meeting(town):
    meeting = MeetingFactory(body=town.bodies["KS"], date=days(0), deadline=days(-7))
    case = aim(ks_policy(town, until="decision"), meeting)
    with translation.override("sv"):
        choices = dict(
            MeetingDecisionsForm(cases=[case], meeting=meeting).fields[f"outcome_{case.pk}"].choices
        )
        assert str(choices["adopted"]) == "Fastställd"


def test_the_repealed_document_names_the_repealing_decision(town, client):
    document, case = _repeal(town)
    case = run_to_end(town, case)
    assert case.outcome == "repealed"

    summary = town.desk("hrstrateg").get(reverse("workflows:case", args=[case.pk]))
    html = summary.content.decode()
    assert "Repealed" in html and "Adopted" not in html.split("Records in the case")[0]
    assert f'href="{reverse("documents:detail", args=[document.pk])}"' in html

    sv = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert f"Upphävd av Kommunstyrelsen den {days(0).isoformat()}, § 1" in sv
    client.cookies["django_language"] = "en"
    text = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert (
        f"Repealed by Kommunstyrelsen on {days(0).isoformat()}, § 1, Dnr {case.diarienummer}."
        in text
    )


def test_a_valid_document_names_no_repeal(town, client):
    document = valid_document(town, type_code="policy", title="Policy för resor")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("documents:detail", args=[document.pk]))
    assert "Repealed by" not in page.content.decode()
