"""The public e-diarium (/diarium/): anyone sees every record's diarienummer, date,
registry and status; the subject, the decider and the public documents only once the
registrar has marked the record public (audited); never a person's name, in the page, the
Atom feed or the CSV download."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from documents.diarium import allocate
from documents.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    DiaryEntry,
    Document,
    DocumentVersion,
    VersionStatus,
)
from documents.services import publish_version
from tests.desk_support import ks_policy
from tests.lifecycle import days, refresh, run_to_end, today

PAGE = reverse("public_diarium")
FEED = reverse("public_diarium_feed")
CSV = reverse("public_diarium_csv")
MARK = reverse("workflows:desk_diarium_public")
SECRET_SUBJECT = "Klagomål från Anna Hemlig om hemtjänsten"


def public() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def mark(town, entry: DiaryEntry, public: bool = True, who: str = "registrator"):
    return town.desk(who).post(MARK, {"entry": entry.pk, "public": "1" if public else "0"})


def test_an_unmarked_record_shows_its_number_date_registry_and_status_only(town):
    entry = allocate(town.series["KS"], SECRET_SUBJECT)

    page = public().get(PAGE)

    assert page.status_code == 200
    body = text(page)
    assert entry.diarienummer in body
    assert today().isoformat() in body
    assert town.bodies["KS"].name in body
    assert "Not public: ask the registrar" in body
    assert "Hemlig" not in body
    for leak in (public().get(FEED), public().get(CSV)):
        assert entry.diarienummer in text(leak)
        assert "Hemlig" not in text(leak)


def test_the_registrar_makes_a_record_public_and_hides_it_again_in_the_audit_trail(town):
    case = run_to_end(town, ks_policy(town, "Policy för öppenhet"))
    entry = case.diary_entry
    assert refresh(case).outcome == "published"
    before = text(public().get(PAGE))
    assert "Policy för öppenhet" not in before

    answer = mark(town, entry)

    assert answer.status_code == 302
    entry.refresh_from_db()
    assert entry.is_public
    body = text(public().get(PAGE))
    assert "Policy för öppenhet" in body
    assert town.bodies["KS"].name in body  # the deciding body
    version = case.version
    assert reverse("documents:version", args=[version.document_id, version.number]) in body
    assert "Adopted and published" in body
    logged = AuditEntry.objects.filter(
        target_type="documents.diaryentry", target_id=str(entry.pk)
    ).values_list("action", "case")
    assert list(logged) == [("diary_entry_published", case.pk)]

    mark(town, entry, public=False)

    entry.refresh_from_db()
    assert not entry.is_public
    assert "Policy för öppenhet" not in text(public().get(PAGE))
    assert (
        AuditEntry.objects.filter(action="diary_entry_hidden", target_id=str(entry.pk)).count() == 1
    )


def test_no_person_is_named_even_when_the_record_is_public(town):
    case = run_to_end(town, ks_policy(town, "Policy för samverkan"))
    mark(town, case.diary_entry)
    open_case = ks_policy(town, "Policy under arbete", until="decision")
    mark(town, open_case.diary_entry)

    shown = [text(public().get(PAGE)), text(public().get(FEED)), text(public().get(CSV))]

    assert all("Policy för samverkan" in s and "Policy under arbete" in s for s in shown)
    people = get_user_model().objects.all()
    names = {u.get_full_name() for u in people} | {u.last_name for u in people}
    names |= {u.username for u in people}
    names.discard("")
    for s in shown:
        # Whole words: a short user name ("vd") may stand inside another word
        # ("avdelning") or a random token of the page.
        assert [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", s)] == []


@pytest.mark.parametrize("who", ["sekr_ks", "hrstrateg"])
def test_only_the_registrar_marks_records_public(town, who):
    entry = allocate(town.series["KS"], SECRET_SUBJECT)

    answer = mark(town, entry, who=who)

    assert answer.status_code == 403
    entry.refresh_from_db()
    assert not entry.is_public
    assert not AuditEntry.objects.filter(action="diary_entry_published").exists()


def test_anonymous_visitors_and_bad_marks_change_nothing(town):
    entry = allocate(town.series["KS"], SECRET_SUBJECT)

    anonymous = public().post(MARK, {"entry": entry.pk, "public": "1"})
    missing = town.desk("registrator").post(MARK, {"entry": entry.pk + 999, "public": "1"})
    not_a_number = town.desk("registrator").post(MARK, {"entry": "x", "public": "1"})
    read_with_get = town.desk("registrator").get(MARK)

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert (missing.status_code, not_a_number.status_code) == (404, 404)
    assert read_with_get.status_code == 405
    entry.refresh_from_db()
    assert not entry.is_public


def test_the_desk_offers_the_registrar_the_marking_and_not_the_secretary(town):
    allocate(town.series["KS"], SECRET_SUBJECT)
    url = reverse("workflows:desk_diarium")
    data = {"series": town.series["KS"].pk, "year": today().year}

    registrar = town.desk("registrator").get(url, data=data)
    secretary = town.desk("sekr_ks").get(url, data=data)

    assert "Make public" in registrar.content.decode()
    assert "Make public" not in secretary.content.decode()
    assert "Masked" in secretary.content.decode()


def test_words_of_a_masked_subject_find_nothing_its_number_finds_it(town):
    hidden = allocate(town.series["KS"], SECRET_SUBJECT)
    shown = allocate(town.series["KS"], "Hemlig men offentlig rubrik")
    mark(town, shown)

    by_word = public().get(PAGE, {"q": "Hemlig"})
    by_number = public().get(PAGE, {"q": hidden.diarienummer})
    by_number_without_series = public().get(PAGE, {"q": f"{hidden.year}/{hidden.number}"})

    assert [r.entry_id for r in by_word.context["rows"]] == [shown.pk]
    assert [r.entry_id for r in by_number.context["rows"]] == [hidden.pk]
    assert hidden.pk in [r.entry_id for r in by_number_without_series.context["rows"]]
    assert "Anna" not in text(by_number)


def test_filters_by_series_year_and_status(town):
    open_case = ks_policy(town, "Pågående policy")
    old = allocate(town.series["BUN"], "Gammalt ärende", on=today().replace(year=2020))
    closed = run_to_end(town, ks_policy(town, "Beslutad policy"))

    def ids(**filters):
        page = public().get(PAGE, filters)
        assert page.status_code == 200
        return {r.entry_id for r in page.context["rows"]}

    assert ids(series="BUN") == {old.pk}
    assert ids(year=2020) == {old.pk}
    assert ids(status="open") == {open_case.diary_entry_id}
    assert ids(status="decided") == {closed.diary_entry_id}
    assert ids(status="closed") == set()
    assert ids(series="KS", status="open", year=today().year) == {open_case.diary_entry_id}


@pytest.mark.parametrize(
    "bad", [{"year": "tjugo"}, {"series": "XYZ"}, {"status": "hemlig"}, {"q": "a" * 101}]
)
def test_a_bad_filter_is_refused_in_swedish_with_the_input_kept(town, bad):
    allocate(town.series["KS"], SECRET_SUBJECT)

    page = Client().get(PAGE, bad)

    assert page.status_code == 400
    body = page.content.decode()
    assert 'class="errorlist"' in body
    assert any(w in body for w in ("Ange", "Välj", "Fyll i", "Säkerställ"))
    assert page.context["form"].data.dict() == bad and not page.context["rows"]
    assert Client().get(CSV, bad).status_code == 400


def test_the_page_costs_the_same_queries_for_few_and_many_records(town):
    for n in range(3):
        ks_policy(town, f"Policy {n}")

    def cost() -> int:
        client = public()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE, {"status": "open"}).status_code == 200
        return len(queries)

    few = cost()
    for n in range(3, 12):
        mark(town, refresh(ks_policy(town, f"Policy {n}")).diary_entry)
    assert cost() == few


def test_the_feed_lists_the_newest_records_masked_as_the_page(town):
    hidden = allocate(town.series["KS"], SECRET_SUBJECT)
    shown = allocate(town.series["KS"], "Offentligt ärende")
    mark(town, shown)

    feed = public().get(FEED)

    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = text(feed)
    assert f"{hidden.diarienummer}: Subject not public" in body
    assert f"{shown.diarienummer}: Offentligt ärende" in body
    assert urlencode({"q": shown.diarienummer}) in body.replace("&amp;", "&")


def _registered_document(town, title: str, entry: DiaryEntry, *, public: bool) -> None:
    """A document adopted by KS and valid, its version registered under ``entry`` (as the
    registry of a municipality that numbered it before Styrdok)."""
    document = Document.objects.create(
        title=title,
        document_type=town.types["policy"],
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
        is_public=public,
    )
    version = DocumentVersion.objects.create(
        document=document, number=1, title=title, body="<p>Text.</p>", diary_entry=entry
    )
    decision = Decision.objects.create(
        document=document,
        version=version,
        kind=DecisionKind.ADOPTION,
        outcome=DecisionOutcome.ADOPTED,
        body=town.bodies["KS"],
        decision_date=days(-100),
        paragraph="§ 9",
    )
    version.status = VersionStatus.ADOPTED
    version.adoption = decision
    version.valid_from = days(-100)
    version.save()
    with transaction.atomic():
        publish_version(version, on=days(-100))


def test_a_record_without_a_case_shows_the_public_version_registered_under_it(town):
    entry = allocate(town.series["KS"], "Fastställande av äldre policy")
    other = allocate(town.series["KS"], "Fastställande av intern policy")
    _registered_document(town, "Äldre policy", entry, public=True)
    _registered_document(town, "Intern äldre policy", other, public=False)
    mark(town, entry)
    mark(town, other)

    rows = {r.entry_id: r for r in public().get(PAGE).context["rows"]}

    assert [d.title for d in rows[entry.pk].documents] == ["Äldre policy"]
    assert rows[entry.pk].decider == town.bodies["KS"].name
    assert rows[entry.pk].status_text == "Registered"
    assert rows[other.pk].subject == "Fastställande av intern policy"
    assert rows[other.pk].documents == []  # an internal document is not public
