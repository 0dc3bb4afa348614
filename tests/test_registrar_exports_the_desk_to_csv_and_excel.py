"""The filtered case list is exported whole (not just the page) to CSV and to Excel."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.desk_support import aim, ks_meeting, ks_policy

HEADER = [
    "Diarienummer",
    "Title",
    "Type",
    "Kind",
    "Current step",
    "Held by",
    "Days in step",
    "Days in all",
    "Deciding body",
    "Target meeting",
    "Overdue",
    "Started",
    "Closed",
]


def cases(town):
    decision = ks_policy(town, "Arbetsgivarpolicy", until="decision")
    meeting = ks_meeting(town)
    aim(decision, meeting)
    draft = ks_policy(town, "Policy för resor")
    return decision, draft, meeting


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_has_every_column_and_the_filtered_rows(town):
    decision, draft, meeting = cases(town)
    registrar = town.desk("registrator")

    response = registrar.get(reverse("workflows:desk_csv"), data={"step": "decision"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == HEADER
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Diarienummer"] == decision.diarienummer
    assert row["Title"] == "Arbetsgivarpolicy"
    assert row["Current step"] == "Decision"
    assert row["Held by"] == "KS (Kommunsekreterare KS)"
    assert row["Deciding body"] == "Kommunstyrelsen" or row["Deciding body"] == str(
        decision.decider
    )
    assert row["Target meeting"] == str(meeting)
    assert row["Days in step"] == "0" and row["Overdue"] == ""


def test_csv_without_filters_has_every_open_case_beyond_one_page(town):
    cases(town)
    response = town.desk("registrator").get(reverse("workflows:desk_csv"), data={"per_page": 25})
    _, *rows = read_csv(response)
    assert sorted(r[1] for r in rows) == ["Arbetsgivarpolicy", "Policy för resor"]


def test_excel_has_the_same_rows_as_the_list(town):
    decision, draft, meeting = cases(town)
    response = town.desk("registrator").get(
        reverse("workflows:desk_xlsx"), data={"title": "policy", "sort": "dnr"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    assert [v[0] for v in values[1:]] == [decision.diarienummer, draft.diarienummer]
    assert values[2][4] == "Drafting" and values[2][5] == "The authors"
    assert isinstance(values[1][7], int)


def test_an_export_with_bad_filters_is_empty_not_an_error(town):
    cases(town)
    response = town.desk("registrator").get(reverse("workflows:desk_csv"), data={"type": "x"})
    assert response.status_code == 200
    assert read_csv(response) == [HEADER]


def test_a_title_that_looks_like_a_formula_is_exported_as_text(town):
    case = ks_policy(town, "Policy")
    case.document.title = '=HYPERLINK("http://x.example","Klicka")'
    case.document.save(update_fields=["title"])
    registrar = town.desk("registrator")

    _, *rows = read_csv(registrar.get(reverse("workflows:desk_csv")))
    assert rows[0][1] == "'" + case.document.title

    sheet = load_workbook(io.BytesIO(registrar.get(reverse("workflows:desk_xlsx")).content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == "'" + case.document.title
