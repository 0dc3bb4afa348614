"""The decision step carries the two choices of read acknowledgement: whether the people
the document applies to must confirm reading it (default: the document type's setting)
and, for a new version, whether its change is material. So does the meeting's batch
recording of a body's decisions."""

from __future__ import annotations

from django.urls import reverse

from reading import services
from tests.desk_support import aim, held_today, ks_meeting, ks_policy
from tests.lifecycle import decisions, refresh, run_to_end, run_until, today
from tests.reading_helpers import staff


def start_rutin(town, title="Rutin för hygien"):
    return town.desk("samordnare").start_document(
        document_type=town.types["rutin"],
        title=title,
        scope_unit=town.units["unit"],
        owner_position=town.positions["samordnare"],
    )


def require_reading(town, code="rutin"):
    doc_type = town.types[code]
    doc_type.reading_required = True
    doc_type.save()


def test_the_decision_form_offers_the_types_default(town):
    require_reading(town)
    case = start_rutin(town)
    run_until(town, case, "decision")
    _task, page = town.desk("enhetschef").open(case, "decision")
    form = page.context["form"]
    assert form["requires_reading"].value() is True
    assert "material_change" not in form.fields  # a first version changes nothing read


def test_the_decider_can_waive_the_acknowledgement_for_one_version(town):
    require_reading(town)
    case = start_rutin(town)
    run_until(town, case, "decision")
    town.desk("enhetschef").complete(
        case,
        "decision",
        outcome="adopted",
        decision_date=today(),
        valid_from=today(),
        requires_reading=False,
    )
    (decision,) = decisions(refresh(case))
    assert decision.requires_reading is False
    case = run_to_end(town, case)
    anna = staff(town, "anna", "unit")
    from reading.selectors import waiting_for

    assert waiting_for(anna) == []


def test_a_revision_marked_material_asks_again(town):
    require_reading(town)
    case = run_to_end(town, start_rutin(town))
    document = refresh(case).document
    anna = staff(town, "anna", "unit")
    services.confirm_reading(user=anna, version_id=document.current_version_id)

    revision = town.desk("samordnare").start_revision(document)
    run_until(town, revision, "decision")
    _task, page = town.desk("enhetschef").open(revision, "decision")
    assert page.context["form"]["material_change"].value() in (False, None)
    town.desk("enhetschef").complete(
        revision,
        "decision",
        outcome="adopted",
        decision_date=today(),
        valid_from=today(),
        requires_reading=True,
        material_change=True,
    )
    (decision,) = decisions(refresh(revision))
    assert (decision.requires_reading, decision.material_change) == (True, True)
    run_to_end(town, revision)

    from reading.selectors import waiting_for

    (row,) = waiting_for(anna)
    assert (row.number, row.confirmed_number) == (2, 1)


def test_a_repeal_decision_carries_neither_choice(town):
    require_reading(town)
    document = refresh(run_to_end(town, start_rutin(town))).document
    repeal = town.desk("samordnare").start_repeal(document, "Behövs inte längre.")
    run_until(town, repeal, "decision")
    _task, page = town.desk("enhetschef").open(repeal, "decision")
    assert "requires_reading" not in page.context["form"].fields
    assert "material_change" not in page.context["form"].fields


def test_the_meetings_batch_recording_carries_the_choice(town):
    meeting = ks_meeting(town)
    asked = ks_policy(town, "Policy som ska läsas", until="decision")
    silent = ks_policy(town, "Policy utan läskvittens", until="decision")
    for case in (asked, silent):
        aim(case, meeting)
    meeting = held_today(meeting)
    secretary = town.desk("sekr_ks")
    url = reverse("workflows:desk_meeting", args=[meeting.pk])
    page = secretary.get(url)
    assert page.context["form"][f"requires_reading_{asked.pk}"].value() in (False, None)
    data = {"case": [asked.pk, silent.pk]}
    for n, case in enumerate((asked, silent), 1):
        data[f"paragraph_{case.pk}"] = f"§ {n}"
        data[f"outcome_{case.pk}"] = "adopted"
        data[f"valid_from_{case.pk}"] = today().isoformat()
    data[f"requires_reading_{asked.pk}"] = "on"
    response = secretary.post(url, data)
    assert response.status_code == 302
    assert decisions(refresh(asked))[0].requires_reading is True
    assert decisions(refresh(silent))[0].requires_reading is False
