"""The yearly review report (/desk/review-report/) per body and for the whole
municipality: for a year, the documents due, done (and how) and overdue, those not done
sorted by a priority whose factors are shown (days overdue, people the scope covers,
parent changed or repealed since the last review, unread read acknowledgements). Excel
and PDF exports; the PDF can be saved as a record of an open case. The registrar and administrators see every report, a
body's secretary that body's; nobody else."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    DocumentStatus,
    MandatePeriod,
)
from org.models import PositionHolding
from tests.factories import DiaryEntryFactory, UserFactory
from tests.lifecycle import days, valid_document
from workflows.actions.review import open_due_reviews
from workflows.actions.review_report import attach_review_report
from workflows.flows import ReviewFlow
from workflows.models import Case, CaseKind, CaseOutcome, RecordDirection, RegisteredRecord
from workflows.refusals import Refusal
from workflows.review_report import DONE, DUE, OVERDUE, PARENT_POINTS, review_report

YEAR = 2026
ON = datetime.date(YEAR, 6, 1)


@pytest.fixture(autouse=True)
def no_mandate_period(db):
    """The report's rows by their own next review (the mandate rule has its own tests)."""
    MandatePeriod.objects.all().delete()


def policy(town, title, next_review, decided_by="KS", scope="top", **fields):
    document = valid_document(
        town,
        type_code="policy",
        title=title,
        decided_by=decided_by,
        scope=scope,
        valid_from=datetime.date(YEAR - 3, 1, 10),
    )
    version = document.current_version
    version.next_review = next_review
    version.save(update_fields=["next_review"])
    for name, value in fields.items():
        setattr(document, name, value)
    if fields:
        document.save(update_fields=list(fields))
    return document


def finished_review(document, outcome, on=datetime.date(YEAR, 3, 1), body=None):
    finished = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    return Case.objects.create(
        flow_class=ReviewFlow,
        status="DONE",
        finished=finished,
        kind=CaseKind.REVIEW,
        document=document,
        version=document.current_version,
        diary_entry=DiaryEntryFactory(year=on.year),
        outcome=outcome,
        decider_body=body,
    )


def people_under(unit) -> int:
    return (
        PositionHolding.objects.filter(position__unit__path__startswith=unit.path)
        .values("user")
        .distinct()
        .count()
    )


def by_title(report):
    return {row.document.title: row for row in report.rows}


def test_due_overdue_and_done_with_how(town):
    ks = town.bodies["KS"]
    policy(town, "Försenad policy", datetime.date(YEAR, 5, 2))
    policy(town, "Policy i höst", datetime.date(YEAR, 9, 1))
    policy(town, "Policy nästa år", datetime.date(YEAR + 1, 2, 1))
    confirmed = policy(town, "Bekräftad policy", datetime.date(YEAR + 1, 3, 1))
    finished_review(confirmed, CaseOutcome.CONFIRMED, body=ks)
    to_repeal = policy(town, "Upphävd policy", datetime.date(YEAR, 2, 1))
    finished_review(to_repeal, CaseOutcome.REPEAL_STARTED, body=ks)
    to_revise = policy(town, "Policy under revidering", datetime.date(YEAR, 2, 1))
    finished_review(to_revise, CaseOutcome.REVISION, body=ks)
    last_year = policy(town, "Prövad i fjol", datetime.date(YEAR + 1, 3, 1))
    finished_review(last_year, CaseOutcome.CONFIRMED, on=datetime.date(YEAR - 1, 11, 1))
    rutin = valid_document(town, type_code="rutin", title="Rutin", decided_by="enhetschef")
    rutin.current_version.next_review = datetime.date(YEAR, 4, 1)
    rutin.current_version.save(update_fields=["next_review"])

    report = review_report(YEAR, ks, ON)
    rows = by_title(report)
    assert set(rows) == {
        "Försenad policy",
        "Policy i höst",
        "Bekräftad policy",
        "Upphävd policy",
        "Policy under revidering",
    }
    assert rows["Försenad policy"].status == OVERDUE
    assert rows["Försenad policy"].days_overdue == 30
    assert rows["Policy i höst"].status == DUE and rows["Policy i höst"].days_overdue == 0
    assert [
        rows[t].how for t in ("Bekräftad policy", "Upphävd policy", "Policy under revidering")
    ] == [
        "confirmed",
        "repeal_started",
        "revision_started",
    ]
    assert (report.due, report.overdue, report.done) == (1, 1, 3)
    # The whole municipality also has the rutin an official adopted.
    whole = by_title(review_report(YEAR, None, ON))
    assert whole["Rutin"].status == OVERDUE


def test_repealed_since_the_review_is_told_as_repealed(town):
    document = policy(town, "Gammal policy", datetime.date(YEAR, 2, 1))
    finished_review(document, CaseOutcome.REPEAL_STARTED)
    document.status, document.repealed_on = DocumentStatus.REPEALED, datetime.date(YEAR, 4, 1)
    document.save(update_fields=["status", "repealed_on"])
    [row] = review_report(YEAR, None, ON).rows
    assert row.status == DONE and row.how == "repealed"


def test_priority_is_the_sum_of_the_factors_shown(town):
    parent = valid_document(town, type_code="policy", title="Överordnad", valid_from=days(-100))
    parent.current_version.next_review = datetime.date(YEAR, 12, 1)
    parent.current_version.save(update_fields=["next_review"])
    child = policy(town, "Riktlinje under", datetime.date(YEAR, 5, 22), parent=parent, scope="unit")
    late = policy(town, "Mycket sen", datetime.date(YEAR, 1, 1), scope="unit")
    report = review_report(YEAR, None, ON)
    rows = by_title(report)
    people = people_under(town.units["unit"])
    assert people > 0 and rows["Riktlinje under"].people == people
    assert rows["Riktlinje under"].parent_changed is True
    assert rows["Mycket sen"].parent_changed is False
    assert rows["Riktlinje under"].priority == 10 + -(-people // 10) + PARENT_POINTS
    assert rows["Mycket sen"].priority == 151 + -(-people // 10)
    assert [r.document for r in report.rows if r.status != DONE][:2] == [late, child]
    assert rows["Överordnad"].people == people_under(town.units["top"])


def test_a_review_after_the_parents_change_clears_the_factor(town):
    parent = valid_document(town, type_code="policy", title="Överordnad", valid_from=days(-100))
    child = policy(town, "Riktlinje under", datetime.date(YEAR, 5, 22), parent=parent)
    Decision.objects.create(
        document=child,
        version=child.current_version,
        kind=DecisionKind.REVIEW,
        outcome=DecisionOutcome.ADOPTED,
        body=town.bodies["KS"],
        decision_date=days(-10),
        paragraph="§ 4",
    )
    assert by_title(review_report(YEAR, None, ON))["Riktlinje under"].parent_changed is False


def test_the_mandate_rule_decides_the_report_too(town):
    MandatePeriod.objects.create(
        starts_on=datetime.date(YEAR - 1, 10, 15), ends_on=datetime.date(YEAR + 3, 10, 14)
    )
    policy(town, "Ärvd policy", datetime.date(YEAR + 2, 1, 1))
    [row] = review_report(YEAR, town.bodies["KS"], ON).rows
    assert row.due_on == datetime.date(YEAR, 10, 14) and row.mandate_due


@pytest.mark.parametrize("documents", [2, 12])
def test_the_report_asks_the_same_number_of_queries_for_any_number_of_documents(
    town, django_assert_max_num_queries, documents
):
    parent = valid_document(town, type_code="policy", title="Överordnad", valid_from=days(-100))
    for n in range(documents):
        doc = policy(town, f"Policy {n}", datetime.date(YEAR, 1 + n % 12, 1), parent=parent)
        if n % 3 == 0:
            finished_review(doc, CaseOutcome.CONFIRMED)
    with django_assert_max_num_queries(4):
        report = review_report(YEAR, None, ON)
    assert len(report.rows) >= documents


# --- The page, its exports and who sees it ---------------------------------------------


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("workflows:review_report"), params)


def test_the_registrar_sees_the_whole_municipality_in_swedish(town, client):
    year = timezone.localdate().year
    policy(town, "Försenad policy", days(-30))
    response = page(client, town.users["registrator"], year=year)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Aktualitetsprövning {year}: hela kommunen" in html
    assert "Försenad policy" in html and "<strong>Försenat</strong>" in html
    assert 'class="table-scroll" role="region"' in html
    assert "Dagar försenad" in html and "Personer i omfattningen" in html
    assert "Olästa läskvittenser" in html  # the factor of unread acknowledgements


def test_excel_and_pdf_exports(town, client):
    year = timezone.localdate().year
    policy(town, '=HYPERLINK("x")', days(-30))
    response = page(client, town.users["registrator"], year=year, format="xlsx")
    assert response.status_code == 200
    assert "aktualitetsprovning" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[4]]
    assert values[1] == "Försenat" and values[2] == '\'=HYPERLINK("x")'
    assert sheet["C3"].value == "Titel"
    response = page(client, town.users["registrator"], year=year, format="pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_secretary_sees_only_her_bodys_report(town, client):
    sekr = town.users["sekr_ks"]
    response = page(client, sekr)
    assert response.status_code == 200
    assert "Kommunstyrelsen" in response.content.decode()
    assert "Hela kommunen" not in response.content.decode()
    assert page(client, sekr, body=town.bodies["KF"].pk).status_code == 403


@pytest.mark.parametrize("who", ["hrstrateg", "samordnare"])
def test_others_are_refused(town, client, who):
    assert page(client, town.users[who]).status_code == 403


def test_anonymous_visitors_log_in_first(town, client):
    response = client.get(reverse("workflows:review_report"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_administrator_sees_every_report(town, client):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert page(client, admin).status_code == 200
    assert page(client, admin, body=town.bodies["KF"].pk).status_code == 200


def test_a_year_that_is_not_a_year_is_refused_with_an_explanation(town, client):
    response = page(client, town.users["registrator"], year="tjugo")
    assert response.status_code == 400
    assert "Välj ett år mellan 2000 och 2100." in response.content.decode()


# --- Saving the PDF on a case ----------------------------------------------------------


@pytest.fixture
def ks_review(town):
    """An open review of a KS policy: a case KS decides."""
    document = policy(town, "Policy att pröva", days(10))
    [case] = open_due_reviews()
    assert case.document == document and case.decider_body == town.bodies["KS"]
    return case


def test_the_secretary_saves_the_pdf_on_her_bodys_case_and_it_is_audited(town, client, ks_review):
    client.force_login(town.users["sekr_ks"])
    year = timezone.localdate().year
    response = client.post(
        reverse("workflows:review_report_attach"),
        {"case": ks_review.pk, "year": year, "body": town.bodies["KS"].pk},
        follow=True,
    )
    assert response.status_code == 200
    record = RegisteredRecord.objects.get(case=ks_review)
    assert record.direction == RecordDirection.DRAWN_UP
    assert record.file.read().startswith(b"%PDF")
    assert record.original_name == f"aktualitetsprovning-{year}-ks.pdf"
    assert f"Rapporten är sparad som handling 1 i {ks_review.diarienummer}." in (
        response.content.decode()
    )
    entry = AuditEntry.objects.get(action="review_report_attached")
    assert entry.case_id == ks_review.pk and entry.actor == town.users["sekr_ks"]
    assert entry.acting_as == town.positions["sekr_ks"]


def test_the_registrar_saves_the_whole_municipalitys_report(town, ks_review):
    record = attach_review_report(
        user=town.users["registrator"], case_id=ks_review.pk, body=None, year=YEAR
    )
    assert record.subject == f"Aktualitetsprövning {YEAR}: hela kommunen"
    assert record.original_name == f"aktualitetsprovning-{YEAR}-kommunen.pdf"


def refusal(**kwargs) -> str:
    with pytest.raises(Refusal) as caught:
        attach_review_report(**kwargs)
    assert not RegisteredRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="review_report_attached").exists()
    return caught.value.code


def test_refusals(town, ks_review):
    sekr_ks, sekr_kf = town.users["sekr_ks"], town.users["sekr_kf"]
    ks, kf = town.bodies["KS"], town.bodies["KF"]
    assert refusal(user=sekr_kf, case_id=ks_review.pk, body=ks, year=YEAR) == (
        "review_report_not_allowed"
    )
    assert refusal(user=sekr_ks, case_id=ks_review.pk, body=None, year=YEAR) == (
        "review_report_not_allowed"
    )
    assert refusal(user=town.users["hrstrateg"], case_id=ks_review.pk, body=ks, year=YEAR) == (
        "review_report_not_allowed"
    )
    assert refusal(user=sekr_kf, case_id=ks_review.pk, body=kf, year=YEAR) == (
        "review_report_case_not_allowed"
    )
    assert refusal(user=sekr_ks, case_id=ks_review.pk, body=ks, year=1900) == (
        "review_report_year_invalid"
    )
    assert refusal(user=sekr_ks, case_id=0, body=ks, year=YEAR) == "no_such_case"
    closed = finished_review(ks_review.document, CaseOutcome.CONFIRMED, body=ks)
    assert refusal(user=sekr_ks, case_id=closed.pk, body=ks, year=YEAR) == "case_closed"


def test_a_refusal_in_the_ui_is_shown_and_saves_nothing(town, client, ks_review):
    client.force_login(town.users["sekr_kf"])
    response = client.post(
        reverse("workflows:review_report_attach"),
        {"case": ks_review.pk, "year": YEAR, "body": town.bodies["KF"].pk},
        follow=True,
    )
    assert "bara till ett öppet ärende som organet beslutar" in response.content.decode()
    assert not RegisteredRecord.objects.exists()


def test_the_page_asks_as_many_queries_for_twelve_documents_as_for_two(town, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parent = valid_document(town, type_code="policy", title="Överordnad", valid_from=days(-100))
    client.force_login(town.users["registrator"])
    counts = []
    for batch in range(2):
        for n in range(2 if batch == 0 else 10):
            doc = policy(town, f"Policy {batch}-{n}", days(-n - 1), parent=parent, scope="unit")
            if n % 3 == 0:
                finished_review(doc, CaseOutcome.CONFIRMED, on=days(-1))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("workflows:review_report"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_shows_the_rows_a_page_at_a_time_and_the_exports_hold_them_all(
    town, client, monkeypatch
):
    from workflows import review_report_views

    monkeypatch.setattr(review_report_views, "ROWS_PER_PAGE", 2)
    year = timezone.localdate().year
    for n, late in enumerate((90, 60, 30)):
        policy(town, f"Policy {n}", days(-late))
    registrar = town.users["registrator"]
    first = page(client, registrar, year=year)
    second = page(client, registrar, year=year, page=2)
    titles = [
        [row.document.title for row in r.context["page"].object_list] for r in (first, second)
    ]
    # By priority (the most days overdue first), two to a page.
    assert titles == [["Policy 0", "Policy 1"], ["Policy 2"]]
    assert "Sida 1 av 2" in first.content.decode()
    assert f"?year={year}&amp;body=&amp;page=2" in first.content.decode()
    sheet = load_workbook(io.BytesIO(page(client, registrar, year=year, format="xlsx").content))
    assert [c.value for c in sheet.active["C"][3:]] == ["Policy 0", "Policy 1", "Policy 2"]
