"""The case timeline reads as a registrar would write it, in Swedish, with no stored codes.

A policy is clicked through samverkan (one union supports, one demands an MBL negotiation),
KSAU's preparation and KS's decision (its paragraph typed as a bare number), and the
registration; then the registrar opens the case page in Swedish.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from documents.models import Decision, DocumentVersion
from tests.lifecycle import days, pdf, refresh, today
from workflows.timeline import CODES

TEXT = "<p>Kommunen ska vara en attraktiv arbetsgivare.</p>"


def _timeline_text(response) -> str:
    html = response.content.decode()
    section = html[
        html.index('id="timeline-h"') : html.index("</section>", html.index('id="timeline-h"'))
    ]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def _policy_through_every_step(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
        summary="Övergripande mål.",
    )
    hr.attempt(case, "draft", action="save", body=TEXT)
    hr.do(case, "draft")
    town.desk("vision_central").do(case, "union_statement", stance="supports", comment="Bra.")
    town.desk("kommunal_central").do(case, "union_statement", stance="demands_mbl", comment="")
    town.desk("kommunchef").do(
        case,
        "samverkan_meeting",
        meeting_date=days(-20),
        agreement="disagreement",
        minutes_reference="Protokoll CSG § 4",
        reservations="",
    )
    town.desk("kommunchef").do(
        case,
        "negotiation",
        negotiation_date=days(-15),
        outcome="not_agreed",
        minutes_reference="MBL-protokoll 7",
    )
    town.desk("sekr_ksau").do(case, "proposal", proposal="KS föreslås anta policyn.")
    town.desk("sekr_ksau").do(
        case, "preparation", meeting_date=days(-12), paragraph="45", outcome="forwarded", note=""
    )
    town.desk("sekr_ks").do(
        case,
        "decision",
        outcome="adopted",
        decision_date=days(-10),
        paragraph="245",
        valid_from=today(),
    )
    town.desk("registrator").do(
        case,
        "registration",
        minutes_extract=pdf(),
        justering_date=days(-8),
        anslag_date=days(-7),
    )
    return refresh(case)


def test_every_step_of_a_policy_is_a_swedish_sentence_without_codes(town):
    case = _policy_through_every_step(town)
    registrar = town.desk("registrator")
    registrar.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    text = _timeline_text(registrar.get(reverse("workflows:case", args=[case.pk])))

    ksau_day = f"{days(-12):%Y-%m-%d}"
    ks_day = f"{days(-10):%Y-%m-%d}"
    for sentence in [
        f"Ärendet öppnades med diarienummer {case.diarienummer}: nytt dokument.",
        "Uppgiften ”Utkast” gick till författarna.",
        "Utkastet sparades; ändrat: texten och titeln.",
        "Beslutsförslaget skrevs.",
        "Vision tillstyrker förslaget. Bra.",
        "Kommunal begär förhandling enligt MBL § 11.",
        "Samverkansmötet slutade i oenighet (Protokoll CSG § 4).",
        "MBL-förhandlingen avslutades i oenighet (MBL-protokoll 7).",
        f"Beredning i KSAU {ksau_day} § 45: ärendet gick vidare med förslaget.",
        f"Fastställt av Kommunstyrelsen {ks_day} § 245.",
        "Beslutet registrerades med protokollsutdrag, justering och anslag.",
        f"Arbetsgivarpolicy (v1) gäller från {today():%Y-%m-%d}.",
    ]:
        assert sentence in text, sentence
    assert "→" not in text
    for code in CODES:
        assert not re.search(rf"\b{re.escape(code)}\b", text), code


def test_a_bare_paragraph_is_stored_and_shown_with_its_sign(town):
    case = _policy_through_every_step(town)
    [decision] = Decision.objects.filter(diary_entry=case.diary_entry)
    assert decision.paragraph == "§ 245"
    assert case.preparation_steps.get().paragraph == "§ 45"

    registrar = town.desk("registrator")
    registrar.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = registrar.get(reverse("workflows:case", args=[case.pk])).content.decode()
    assert f"{days(-10):%Y-%m-%d} § 245" in page
    assert f"{days(-10):%Y-%m-%d} 245" not in page


def test_a_company_board_keeps_its_capitals_in_the_decision_record(town):
    board = next(b for b in town.bodies.values() if b.name.startswith("Styrelsen"))
    version = DocumentVersion(adoption=Decision(body=board, decision_date=days(-3), paragraph="12"))
    line = version.adoption_line
    assert "Styrelsen för Ådalens Energi AB" in line
    assert "§ 12" in line


def test_claims_uploads_readers_and_skipped_samverkan_are_sentences_in_the_readers_language():
    """Events recorded in English (the step's title, as the person who acted read it) are
    read in Swedish, each as a sentence, never as a label followed by a code."""
    from django.utils import translation

    from audit.models import AuditEntry
    from workflows.timeline import sentence

    written = {
        ("task_claimed", "Decision", ""): "Uppgiften ”Beslut” togs.",
        ("task_released", "Beslut", ""): "Uppgiften ”Beslut” lämnades tillbaka till alla",
        ("file_uploaded", "policy.pdf", ""): "Filen policy.pdf laddades upp.",
        ("samverkan_skipped", "Rutiner samverkas inte.", ""): "Ärendet behöver ingen samverkan.",
        ("reader_granted", "Eva Ek", ""): "Eva Ek får läsa ärendet.",
        ("reader_revoked", "Eva Ek", ""): "Eva Ek får inte längre läsa ärendet.",
        ("review_report_attached", "", "2026"): "aktualitetsprövningen 2026 bifogades",
        ("diary_entry_published", "", ""): "gjordes offentlig i e-diariet",
    }
    with translation.override("sv"):
        for (action, comment, to_state), expected in written.items():
            entry = AuditEntry(action=action, comment=comment, to_state=to_state)
            text = sentence(entry, None)
            assert expected in text, (action, text)
            assert action not in text


@pytest.mark.django_db
def test_paragraphs_stored_bare_before_the_sign_was_added_get_it_by_migration():
    """Rows written before the paragraph was normalised on save: the migration gives them
    their sign, so pages show the stored paragraph as it is."""
    import importlib

    from django.apps import apps

    from tests.factories import DecisionFactory

    bare, sign, free = DecisionFactory.create_batch(3)
    Decision.objects.filter(pk=bare.pk).update(paragraph="26")
    Decision.objects.filter(pk=free.pk).update(paragraph="§ 26 p. 3")
    migration = importlib.import_module("documents.migrations.0021_decision_paragraph_with_sign")
    migration.normalise(apps, None)
    stored = dict(Decision.objects.values_list("pk", "paragraph"))
    assert stored == {bare.pk: "§ 26", sign.pk: "§ 26", free.pk: "§ 26 p. 3"}
