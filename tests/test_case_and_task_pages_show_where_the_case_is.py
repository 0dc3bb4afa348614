"""The case page and the task pages show where a case is: its steps in order, the ones
done, the current one with who holds it and since when, and the ones next; the full flow
chart is one link away. Read in a fixed number of queries however long the case has run.
A closed case links to the version it published."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.lifecycle import days, english, refresh, run_to_end, run_until
from workflows.progress import CURRENT, DONE, NEXT, SKIPPED, case_progress

KF_TEXT = "<p>Kommunen ska trygga kompetensen till 2030.</p>"


def _program(town):
    author = town.desk("hrstrateg")
    case = author.start_document(
        document_type=town.types["program"],
        title="Program för kompetensförsörjning",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    return author, case


def _states(case):
    return [(s.key, s.state) for s in case_progress(refresh(case))]


def test_a_kf_matter_shows_its_steps_done_current_and_next(town):
    author, case = _program(town)
    assert _states(case) == [
        ("draft", CURRENT),
        ("proposal", NEXT),
        ("preparation:0", NEXT),
        ("preparation:1", NEXT),
        ("decision", NEXT),
        ("registration", NEXT),
        ("publication", NEXT),
    ]
    author.do(case, "draft", body=KF_TEXT)
    town.desk("sekr_ksau").do(case, "proposal", proposal="KF föreslås anta programmet.")

    with english():
        stages = case_progress(refresh(case))
    assert [s.state for s in stages] == [DONE, DONE, CURRENT, NEXT, NEXT, NEXT, NEXT]
    current = stages[2]
    assert current.title == "Preparation in Kommunstyrelsens arbetsutskott (KSAU)"
    assert current.holder == "Sekreterare KSAU"  # routed to the position, not yet claimed
    assert current.since is not None
    assert stages[3].title == "Preparation in Kommunstyrelsen (KS)"
    assert stages[0].done_on is not None

    page = author.get(reverse("workflows:case", args=[case.pk]))
    html = page.content.decode()
    assert 'aria-current="step"' in html
    assert "Preparation in Kommunstyrelsens arbetsutskott (KSAU)" in html
    assert "now: Sekreterare KSAU, since" in html
    assert reverse("workflows:chart", args=[case.pk]) in html


def test_the_task_page_shows_the_same_picture_with_who_holds_it(town):
    author, case = _program(town)
    task = author.task(case, "draft")
    html = author.get(reverse("workflows:task", args=[task.pk])).content.decode()
    assert "Where the case is" in html
    # The draft is routed to the authors: their names hold it.
    assert f"now: {town.users['hrstrateg'].get_full_name()}, since" in html
    assert reverse("workflows:chart", args=[case.pk]) in html


def test_a_claimed_task_is_held_by_the_person(town):
    author, case = _program(town)
    author.do(case, "draft", body=KF_TEXT)
    secretary = town.desk("sekr_ksau")
    secretary.claim(secretary.task(case, "proposal"))
    [_draft, proposal, *_rest] = case_progress(refresh(case))
    assert proposal.state == CURRENT
    assert proposal.holder == town.users["sekr_ksau"].get_full_name()


def test_union_representatives_hold_the_samverkan_step_for_their_unions(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    hr.do(case, "draft", body=KF_TEXT)
    stage = next(s for s in case_progress(refresh(case)) if s.state == CURRENT)
    assert stage.key == "union_statement"
    assert "(Kommunal)" in stage.holder and "(Vision)" in stage.holder


def test_the_picture_costs_the_same_queries_early_and_late(town):
    _author, case = _program(town)
    with CaptureQueriesContext(connection) as early:
        case_progress(refresh(case))
    run_until(town, case, "registration")
    with CaptureQueriesContext(connection) as late:
        case_progress(refresh(case))
    assert len(early) <= 4
    assert len(late) == len(early)


def test_a_closed_case_links_to_the_version_it_published(town):
    author, case = _program(town)
    case = run_to_end(town, case)
    assert case.outcome == "published"
    assert [s.state for s in case_progress(case)] == [DONE] * 7
    html = author.get(reverse("workflows:case", args=[case.pk])).content.decode()
    link = reverse("documents:version", args=[case.document_id, case.version.number])
    assert f'href="{link}"' in html
    assert "The adopted document, version 1" in html


def test_a_rejected_case_shows_the_steps_it_never_reached(town):
    author, case = _program(town)
    run_until(town, case, "decision")
    town.desk("sekr_kf").do(
        refresh(case),
        "decision",
        outcome="rejected",
        decision_date=days(0),
        paragraph="§ 3",
        motivation="Inte aktuellt.",
        valid_from="",
    )
    case = refresh(case)
    assert case.outcome == "rejected"
    states = dict(_states(case))
    assert states["decision"] == DONE
    assert states["registration"] == SKIPPED and states["publication"] == SKIPPED
    html = author.get(reverse("workflows:case", args=[case.pk])).content.decode()
    assert "not reached" in html
    assert "The adopted document" not in html
