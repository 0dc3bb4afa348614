"""The desk's case list: every column can be filtered, sorted by waiting time, paged, and
closed cases found by diarienummer, title, year and outcome; the page costs a fixed
number of queries whatever its size."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.desk_support import aim, clear_figures, ks_meeting, ks_policy
from tests.lifecycle import build_town, refresh, run_until, today
from workflows.actions.tasks import complete_task
from workflows.models import Case

URL = reverse("workflows:desk")


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module, rolled back after it:

    - ``decision``: a KS policy waiting for the decision, aimed at a coming KS meeting;
    - ``draft``: a rutin in drafting for 100 days (over the 90-day limit), started 120
      days ago, its task claimed by its author;
    - ``late``: a KS policy in drafting aimed at a KS meeting whose deadline has passed;
    - ``closed``: a KS policy rejected by KS.
    """
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        town = build_town()
        decision = ks_policy(town, "Arbetsgivarpolicy", until="decision")
        coming = ks_meeting(town, in_days=20)
        aim(decision, coming)
        draft = town.desk("hrstrateg").start_document(
            document_type=town.types["rutin"],
            title="Rutin för rekrytering",
            scope_unit=town.units["top"],
            process=town.process,
            owner_position=town.positions["processagare"],
        )
        now = timezone.now()
        Case.objects.filter(pk=draft.pk).update(
            step_since=now - datetime.timedelta(days=100),
            created=now - datetime.timedelta(days=120),
        )
        late = ks_policy(town, "Policy för resor")
        passed = ks_meeting(town, in_days=3, deadline_days_before=5)
        aim(late, passed)
        closed = ks_policy(town, "Policy för representation")
        task = run_until(town, closed, "decision")
        complete_task(
            user=town.users["sekr_ks"],
            task_id=task.pk,
            data={
                "outcome": "rejected",
                "decision_date": today(),
                "paragraph": "§ 9",
                "motivation": "Behövs inte.",
            },
        )
        yield {
            "town": town,
            "decision": refresh(decision),
            "draft": refresh(draft),
            "late": refresh(late),
            "closed": refresh(closed),
            "coming": coming,
        }
        transaction.set_rollback(True)


@pytest.fixture
def desk(scene, db):
    clear_figures()
    return scene["town"].desk("registrator")


def listed(desk, **params) -> list[str]:
    response = desk.get(URL, data=params)
    assert response.status_code == 200
    return [row.case.document.title for row in response.context["rows"]]


OPEN = {"Arbetsgivarpolicy", "Rutin för rekrytering", "Policy för resor"}


def test_the_list_shows_every_open_case_by_default(desk):
    assert set(listed(desk)) == OPEN


def test_a_row_shows_where_the_case_is_who_holds_it_and_for_how_long(desk, scene):
    response = desk.get(URL, data={"title": "Rutin"})
    (row,) = response.context["rows"]
    assert row.step_title == "Drafting"
    assert row.days_in_step == 100
    assert row.days_total == 120
    assert row.step_late and not row.deadline_late
    assert row.holder == "The authors"
    (decision,) = desk.get(URL, data={"title": "Arbetsgivarpolicy"}).context["rows"]
    assert decision.holder == "KS (Kommunsekreterare KS)"
    assert decision.case.target_meeting == scene["coming"]
    page = desk.get(URL).content.decode()
    assert scene["draft"].diarienummer in page and "too long in step" in page


def test_status_closed_finds_closed_cases_and_all_finds_both(desk):
    assert listed(desk, status="closed") == ["Policy för representation"]
    assert set(listed(desk, status="all")) == OPEN | {"Policy för representation"}


def test_search_by_diarienummer_title_year_and_outcome(desk, scene):
    closed = scene["closed"]
    assert listed(desk, status="all", q=closed.diarienummer) == ["Policy för representation"]
    assert listed(desk, status="all", q="representation") == ["Policy för representation"]
    assert listed(desk, status="closed", year=today().year) == ["Policy för representation"]
    assert listed(desk, status="closed", year=today().year - 1) == []
    assert listed(desk, status="all", outcome="rejected") == ["Policy för representation"]
    assert listed(desk, status="all", outcome="published") == []


def test_diarienummer_column(desk, scene):
    dnr = scene["decision"].diarienummer
    assert listed(desk, dnr=dnr) == ["Arbetsgivarpolicy"]
    assert listed(desk, dnr=dnr.replace("KS", "BUN")) == []


def test_title_type_and_kind_columns(desk, scene):
    town = scene["town"]
    assert listed(desk, title="resor") == ["Policy för resor"]
    assert listed(desk, type=town.types["rutin"].pk) == ["Rutin för rekrytering"]
    assert set(listed(desk, kind="new")) == OPEN
    assert listed(desk, kind="repeal") == []


def test_step_column(desk):
    assert listed(desk, step="decision") == ["Arbetsgivarpolicy"]
    assert set(listed(desk, step="draft")) == {"Rutin för rekrytering", "Policy för resor"}


def test_holder_column_by_position_or_person(desk, scene):
    assert listed(desk, holder="Kommunsekreterare") == ["Arbetsgivarpolicy"]
    assert listed(desk, holder="nobody like this") == []


def test_days_in_step_and_in_all_columns(desk):
    assert listed(desk, min_days_in_step=50) == ["Rutin för rekrytering"]
    assert listed(desk, min_days_total=110) == ["Rutin för rekrytering"]
    assert set(listed(desk, min_days_in_step=0)) == OPEN


def test_deciding_body_and_meeting_columns(desk, scene):
    town = scene["town"]
    assert set(listed(desk, body=town.bodies["KS"].pk)) == {"Arbetsgivarpolicy", "Policy för resor"}
    assert listed(desk, meeting=scene["coming"].pk) == ["Arbetsgivarpolicy"]


def test_overdue_column_by_step_limit_or_passed_deadline(desk):
    assert set(listed(desk, overdue="true")) == {"Rutin för rekrytering", "Policy för resor"}
    assert listed(desk, overdue="false") == ["Arbetsgivarpolicy"]
    (late,) = desk.get(URL, data={"title": "resor"}).context["rows"]
    assert late.deadline_late and not late.step_late


def test_sorting_by_waiting_time_both_ways(desk):
    assert listed(desk, sort="waiting")[0] == "Rutin för rekrytering"
    assert listed(desk, sort="-waiting")[-1] == "Rutin för rekrytering"
    assert listed(desk, sort="-total")[-1] == "Rutin för rekrytering"
    assert listed(desk, sort="title") == sorted(OPEN)
    assert listed(desk, sort="-title") == sorted(OPEN, reverse=True)


def test_bad_filter_values_show_the_form_errors_not_a_server_error(desk):
    response = desk.get(URL, data={"type": "999999", "min_days_in_step": "abc", "sort": "x"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["filter"].form.errors


def test_pages_of_the_list(desk):
    response = desk.get(URL, data={"per_page": 25})
    assert response.context["page"].paginator.per_page == 25
    assert desk.get(URL, data={"per_page": 7}).context["page"].paginator.per_page == 50


def test_the_page_costs_the_same_queries_whatever_its_size(desk):
    counts = []
    for size in (25, 200):
        desk.get(URL, data={"per_page": size})  # warm the figures' cache
        with CaptureQueriesContext(connection) as captured:
            response = desk.get(URL, data={"per_page": size, "sort": "dnr"})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    # 13, one for the overdue reviews (aktualitetsprövning) and one for the current mandate
    # period, whose deadline can make a review due earlier (documents.due)
    assert counts[0] <= 15
