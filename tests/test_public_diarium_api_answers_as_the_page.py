"""The e-diarium's API (/api/v1/diarium/) answers as the public page does: every record's
diarienummer, date, registry and status; the subject, the deciding body and the public
documents only once the registrar has made the record public; never a person's name; the
page's filters, paged, at a fixed number of queries; bad input refused naming each
parameter."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.diarium import allocate
from tests.desk_support import ks_policy
from tests.lifecycle import run_to_end, today

LIST = "/api/v1/diarium/"
MARK = reverse("workflows:desk_diarium_public")
SECRET_SUBJECT = "Klagomål från Anna Hemlig om hemtjänsten"


def api(path: str = LIST, **params):
    client = Client()
    client.cookies["django_language"] = "en"
    return client.get(path, params)


def mark(town, entry) -> None:
    answer = town.desk("registrator").post(MARK, {"entry": entry.pk, "public": "1"})
    assert answer.status_code == 302


def test_an_unmarked_record_shows_its_number_date_registry_and_status_only(town):
    entry = allocate(town.series["KS"], SECRET_SUBJECT)

    answer = api()

    assert answer.status_code == 200
    [record] = [r for r in answer.json()["results"] if r["id"] == entry.pk]
    assert record["diarienummer"] == entry.diarienummer
    # An instant with its offset (UTC): its day is the local one (Stockholm) of that instant.
    registered = datetime.datetime.fromisoformat(record["registered"])
    assert timezone.localtime(registered).date() == today()
    assert record["registry"] == town.bodies["KS"].name
    assert (record["public"], record["subject"], record["decided_by"]) == (False, "", "")
    assert record["documents"] == []
    assert "Hemlig" not in answer.content.decode()
    assert api(f"{LIST}{entry.pk}/").json() == record


def test_a_public_record_shows_its_subject_decider_and_documents_and_no_person(town):
    case = run_to_end(town, ks_policy(town, "Policy för samverkan"))
    mark(town, case.diary_entry)

    answer = api(f"{LIST}{case.diary_entry.pk}/")

    record = answer.json()
    assert record["public"] is True
    assert record["subject"] == case.diary_entry.title
    assert record["decided_by"] == town.bodies["KS"].name
    assert record["status"] == "decided"
    version = case.version
    path = reverse("documents:version", args=[version.document_id, version.number])
    assert [d["url"] for d in record["documents"]] == [f"http://testserver{path}"]
    people = get_user_model().objects.all()
    names = {u.get_full_name() for u in people} | {u.username for u in people}
    names.discard("")
    text = answer.content.decode()
    # Whole words: a short user name ("vd") may stand inside another word ("avdelning").
    assert [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)] == []


def test_the_pages_filters_and_a_series_no_one_has(town):
    ks = allocate(town.series["KS"], "Första ärendet")
    hidden = allocate(town.series["KS"], SECRET_SUBJECT)

    def ids(**params) -> list[int]:
        answer = api(**params)
        assert answer.status_code == 200, answer.content
        return [r["id"] for r in answer.json()["results"]]

    assert ids(q=hidden.diarienummer) == [hidden.pk]
    assert ids(q="Hemlig") == []  # the words of a masked subject find nothing
    assert set(ids(series="ks", year=today().year)) >= {ks.pk, hidden.pk}
    assert ids(series="NOPE") == []
    assert ids(year=today().year - 5) == []
    assert ids(status="", series="", q="") == ids()  # empty counts as not given


@pytest.mark.parametrize(
    "params, refused",
    [
        ({"year": "abc"}, {"year"}),
        ({"status": "secret", "page": "0"}, {"status", "page"}),
        ({"q": "a\x00b", "page_size": "500"}, {"q", "page_size"}),
        ({"series": "X" * 21}, {"series"}),
    ],
)
def test_bad_parameters_are_refused_each_by_name(town, params, refused):
    answer = api(**params)

    assert answer.status_code == 400
    assert set(answer.json()) == refused


def test_missing_records_and_pages_are_not_found(town):
    entry = allocate(town.series["KS"], "Ett ärende")

    for path in (f"{LIST}{entry.pk + 999}/", f"{LIST}abc/", f"{LIST}0/", f"{LIST}{10**30}/"):
        answer = api(path)
        assert answer.status_code == 404, path
        assert "detail" in answer.json()
    assert api(page=99).status_code == 404


def test_a_page_costs_the_same_queries_for_one_record_or_many(town):
    case = run_to_end(town, ks_policy(town, "Policy för öppenhet"))
    mark(town, case.diary_entry)
    api()  # session and content types

    with CaptureQueriesContext(connection) as one:
        assert api(q=case.diary_entry.diarienummer).json()["count"] == 1
    for n in range(5):
        mark(town, allocate(town.series["KS"], f"Ärende {n}"))
    with CaptureQueriesContext(connection) as many:
        assert api().json()["count"] >= 6

    assert len(one) == len(many) <= 5
