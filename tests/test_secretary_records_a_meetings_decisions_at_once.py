"""After a KS meeting the secretary records the decisions of all its matters from the
agenda in one go; each goes through the same decision service and rules as one by one.
One illegal line refuses the batch with its reason next to it, nothing is saved, and the
others' input is kept in the form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from documents.models import DecisionOutcome
from tests.desk_support import aim, held_today, ks_meeting, ks_policy
from tests.lifecycle import decisions, english, open_steps, refresh, today
from workflows.actions.meetings import MatterDecision, record_meeting_decisions
from workflows.refusals import BatchRefused, CaseError


def setup_meeting(town, n=3):
    meeting = ks_meeting(town)
    cases = [ks_policy(town, f"Policy {i}", until="decision") for i in range(1, n + 1)]
    for case in cases:
        aim(case, meeting)
    return held_today(meeting), cases


def url(meeting):
    return reverse("workflows:desk_meeting", args=[meeting.pk])


def post_data(cases, lines):
    data = {"case": [c.pk for c in cases]}
    for case, (paragraph, outcome, motivation) in zip(cases, lines, strict=True):
        data[f"paragraph_{case.pk}"] = paragraph
        data[f"outcome_{case.pk}"] = outcome
        data[f"motivation_{case.pk}"] = motivation
        data[f"valid_from_{case.pk}"] = today().isoformat()
    return data


def test_the_secretary_records_every_decision_of_the_meeting(town):
    meeting, cases = setup_meeting(town)
    secretary = town.desk("sekr_ks")
    page = secretary.get(url(meeting))
    assert page.status_code == 200
    form = page.context["form"]
    assert [c.pk for c in form.cases] == [c.pk for c in cases]
    assert [form[f"paragraph_{c.pk}"].value() for c in cases] == ["§ 1", "§ 2", "§ 3"]

    response = secretary.post(
        url(meeting),
        post_data(
            cases,
            [
                ("§ 11", "adopted", ""),
                ("§ 12", "returned", "Komplettera med konsekvensanalys."),
                ("§ 13", "rejected", "Behövs inte."),
            ],
        ),
    )

    assert response.status_code == 302
    adopted, returned, rejected = (refresh(c) for c in cases)
    assert [d.paragraph for d in decisions(adopted)] == ["§ 11"]
    assert decisions(adopted)[0].decision_date == meeting.date
    assert decisions(adopted)[0].recorded_by == town.users["sekr_ks"]
    assert open_steps(adopted) == ["registration"]
    assert decisions(returned)[0].outcome == DecisionOutcome.RETURNED
    assert open_steps(returned) == ["draft"]
    assert rejected.outcome == "rejected" and rejected.finished is not None
    for case in cases:
        assert AuditEntry.objects.filter(case=case, action="decision").count() == 1


def test_one_illegal_line_refuses_the_batch_and_keeps_every_input(town):
    meeting, cases = setup_meeting(town)
    secretary = town.desk("sekr_ks")
    lines = [
        ("§ 21", "adopted", ""),
        ("§ 22", "rejected", ""),  # rejecting needs a motivation: the single rule
        ("§ 23", "returned", "Mer underlag behövs."),
    ]

    response = secretary.post(url(meeting), post_data(cases, lines))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.line_errors == {
        cases[1].pk: f"{cases[1].diarienummer}: Give a motivation when sending back or rejecting."
    }
    assert "Nothing was saved" in form.non_field_errors()[0]
    for case, (paragraph, outcome, motivation) in zip(cases, lines, strict=True):
        assert form[f"paragraph_{case.pk}"].value() == paragraph
        assert form[f"outcome_{case.pk}"].value() == outcome
        assert form[f"motivation_{case.pk}"].value() == motivation
        assert list(decisions(case)) == []
        assert open_steps(case) == ["decision"]
    assert "Mer underlag behövs." in response.content.decode()


def test_a_case_another_body_decides_is_refused_by_name(town):
    meeting, cases = setup_meeting(town, n=1)
    other = town.desk("hrstrateg").start_document(
        document_type=town.types["riktlinje"],
        title="Riktlinje för förskolan",
        scope_unit=town.units["sector"],
        owner_position=town.positions["utvecklare"],
    )
    other = refresh(other)
    assert other.decider_body != town.bodies["KS"]
    secretary = town.desk("sekr_ks")

    response = secretary.post(
        url(meeting),
        post_data([cases[0], other], [("§ 1", "adopted", ""), ("§ 2", "adopted", "")]),
    )

    assert response.status_code == 400
    errors = response.context["form"].line_errors
    assert errors == {
        other.pk: f"{other.diarienummer} is decided by {other.decider}, not by {meeting.body}."
    }
    assert list(decisions(cases[0])) == []


def test_a_matter_not_yet_at_the_decision_is_refused(town):
    meeting, cases = setup_meeting(town, n=1)
    early = ks_policy(town, "Policy i utkast")
    aim(early, meeting)

    with_early = [*cases, early]
    with english(), pytest.raises(BatchRefused) as refused:
        record_meeting_decisions(
            user=town.users["sekr_ks"],
            meeting_id=meeting.pk,
            decisions=[
                MatterDecision(c.pk, f"§ {i}", "adopted", valid_from=today())
                for i, c in enumerate(with_early, 1)
            ],
        )
    assert refused.value.errors == {
        early.pk: f"{early.diarienummer} is not waiting for a decision (it is in: Drafting)."
    }
    assert list(decisions(cases[0])) == []


def test_a_paragraph_given_twice_or_out_of_order_is_refused(town):
    meeting, cases = setup_meeting(town)
    secretary = town.desk("sekr_ks")

    twice = secretary.post(
        url(meeting),
        post_data(
            cases,
            [("§ 5", "adopted", ""), ("§ 5", "adopted", ""), ("§ 6", "adopted", "")],
        ),
    )
    assert twice.context["form"].line_errors == {cases[1].pk: "§ 5 is given to two matters."}

    backwards = secretary.post(
        url(meeting),
        post_data(
            cases,
            [("§ 7", "adopted", ""), ("§ 9", "adopted", ""), ("§ 8", "adopted", "")],
        ),
    )
    assert backwards.context["form"].line_errors == {
        cases[2].pk: "The paragraphs must follow the order of the agenda (§ 8 comes after § 9)."
    }
    assert all(list(decisions(c)) == [] for c in cases)


def test_a_paragraph_already_used_that_day_is_refused(town):
    meeting, cases = setup_meeting(town, n=2)
    secretary = town.desk("sekr_ks")
    assert (
        secretary.post(url(meeting), post_data(cases[:1], [("§ 1", "adopted", "")])).status_code
        == 302
    )

    response = secretary.post(url(meeting), post_data(cases[1:], [("§ 1", "adopted", "")]))

    assert response.context["form"].line_errors == {
        cases[1].pk: "§ 1 of this meeting's minutes is already used by another decision."
    }


def test_lines_left_undecided_stay_on_the_agenda(town):
    meeting, cases = setup_meeting(town, n=2)
    response = town.desk("sekr_ks").post(
        url(meeting), post_data(cases, [("§ 1", "adopted", ""), ("§ 2", "", "")])
    )
    assert response.status_code == 302
    assert open_steps(refresh(cases[0])) == ["registration"]
    assert open_steps(refresh(cases[1])) == ["decision"]


def test_only_the_bodys_secretary_records_and_only_after_the_meeting(town):
    meeting, cases = setup_meeting(town, n=1)
    data = post_data(cases, [("§ 1", "adopted", "")])
    for who in ("sekr_ksau", "registrator"):
        response = town.desk(who).post(url(meeting), data)
        assert response.status_code == 403, who
    # the KSAU secretary sees the meeting, but no form to record it
    page = town.desk("sekr_ksau").get(url(meeting))
    assert page.status_code == 200 and page.context["form"] is None

    coming = ks_meeting(town, in_days=5)
    aim(cases[0], coming)
    assert town.desk("sekr_ks").get(url(coming)).context["form"] is None
    with english(), pytest.raises(CaseError) as refused:
        record_meeting_decisions(
            user=town.users["sekr_ks"],
            meeting_id=coming.pk,
            decisions=[MatterDecision(cases[0].pk, "§ 1", "adopted", valid_from=today())],
        )
    assert refused.value.message == "The meeting has not been held yet."
    assert list(decisions(cases[0])) == []


def test_the_author_cannot_record_their_own_matter_in_a_batch(town):
    """The four-eyes rule of the single decision applies in the batch too."""
    meeting, cases = setup_meeting(town, n=1)
    case = cases[0]
    case.authors.add(town.users["sekr_ks"])

    response = town.desk("sekr_ks").post(url(meeting), post_data(cases, [("§ 1", "adopted", "")]))

    assert response.status_code == 400
    assert "four-eyes" in response.context["form"].line_errors[case.pk]
    assert list(decisions(case)) == []
