"""The registrar reads the audit trail at /work/audit/: newest first, paged, filtered by
date, person, position, event, diarienummer, object type and object name; each row names
the person and the position they acted in ("som ersättare" for a substitute). The filtered
list exports to CSV for Excel in a fixed number of queries. Nobody else may read it."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import UserFactory

URL = reverse("workflows:audit")
EXPORT = reverse("workflows:audit_export")


def at(day: str, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


@pytest.fixture
def trail(town):
    """A started case plus hand-made entries on known days."""
    desk = town.desk("samordnare")
    case = desk.start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan för Solrosen",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    chief = town.users["enhetschef"]
    rows = {
        "old": AuditEntry.objects.create(
            at=at("2026-01-10"),
            actor=chief,
            acting_as=town.positions["enhetschef"],
            as_substitute=True,
            action="decision",
            target_type="workflows.case",
            target_id=str(case.pk),
            target_label="Beslut om =SUMMA(A1)",
            case=case,
        ),
        "mid": AuditEntry.objects.create(
            at=at("2026-02-15"),
            actor=town.users["registrator"],
            acting_as=town.positions["registrator"],
            action="role_added",
            target_type="org.positionholding",
            target_id="77",
            target_label="Åsa Öberg: Förskolechef",
        ),
        "new": AuditEntry.objects.create(
            at=at("2026-03-20"),
            action="login_failed",
            target_type="auth.user",
            target_label="okänd",
            ip_address="10.1.2.3",
        ),
    }
    return town, case, rows


def registrar(town) -> Client:
    return town.desk("registrator").client


def shown(response) -> list[int]:
    return [e.pk for e in response.context["page"].object_list]


def matching(response) -> list[int]:
    """Every entry the filters let through, on any page (building the town writes entries
    of its own: the organisation and the rule set)."""
    return [e.pk for e in response.context["page"].paginator.object_list]


def test_newest_first_with_person_position_and_substitute(trail):
    town, case, rows = trail
    response = registrar(town).get(URL, {"date_to": "2026-06-30"})

    assert response.status_code == 200
    pks = shown(response)
    assert pks == sorted(pks, key=lambda pk: AuditEntry.objects.get(pk=pk).at, reverse=True)
    html = response.content.decode()
    assert "Enhetschef" in html or town.positions["enhetschef"].title in html
    assert "as substitute" in html  # the desk uses English
    assert html.index(rows["new"].target_label) < html.index("Åsa Öberg")


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"date_from": "2026-02-01"}, {"mid", "new"}),
        ({"date_to": "2026-02-15"}, {"old", "mid"}),
        ({"date_from": "2026-02-15", "date_to": "2026-02-15"}, {"mid"}),
        ({"person": "registrator"}, {"mid"}),
        ({"position": "registrator"}, {"mid"}),
        ({"action": "login_failed"}, {"new"}),
        ({"target_type": "org.positionholding"}, {"mid"}),
        ({"text": "Öberg"}, {"mid"}),
        ({"text": "SUMMA"}, {"old"}),
    ],
)
def test_each_filter(trail, query, expected):
    town, case, rows = trail
    response = registrar(town).get(URL, query)

    assert response.status_code == 200
    hand_made = {k for k, e in rows.items() if e.pk in matching(response)}
    assert hand_made == expected


def test_filter_by_diarienummer(trail):
    town, case, rows = trail
    dnr = case.diarienummer
    series, number = dnr.split(" ")
    for value in [dnr, dnr.lower(), number, f"{series}  {number.replace('/', ' / ')}"]:
        response = registrar(town).get(URL, {"case": value})
        entries = AuditEntry.objects.filter(pk__in=matching(response))
        assert response.status_code == 200, value
        assert entries.exists() and {e.case_id for e in entries} == {case.pk}, value
    other = registrar(town).get(URL, {"case": "XX 1999/1"})
    assert shown(other) == []


@pytest.mark.parametrize(
    "query, field",
    [
        ({"case": "inte ett nummer"}, "case"),
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
        ({"action": "no_such_event"}, "action"),
        ({"target_type": "<script>"}, "target_type"),
    ],
)
def test_bad_filters_get_a_form_error(trail, query, field):
    town, _case, _rows = trail
    response = registrar(town).get(URL, query)

    assert response.status_code == 400
    assert field in response.context["filter"].form.errors
    assert registrar(town).get(EXPORT, query).status_code == 400


def test_the_list_is_paged(trail):
    town, _case, _rows = trail
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="login", target_label=f"u{n}") for n in range(60)]
    )
    client = registrar(town)  # logging in writes an entry: log in once
    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(shown(first)) == 50
    assert set(shown(first)).isdisjoint(shown(second))
    assert registrar(town).get(URL, {"page": "x<y"}).status_code == 200


def _csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_export_the_filtered_list_to_csv(trail):
    town, case, rows = trail
    response = registrar(town).get(EXPORT, {"date_to": "2026-02-28"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="granskningslogg-')
    table = _csv(response)
    assert table[0][:3] == ["Time", "Person", "User name"]
    body = table[1:]
    assert [r[6] for r in body] == ["role_added", "decision"]
    mid, old = body
    assert mid[9] == "Åsa Öberg: Förskolechef"  # Swedish letters survive
    assert old[4] == "yes" and old[10] == case.diarienummer
    assert old[9] == "Beslut om =SUMMA(A1)"


def test_formulas_are_not_run_by_the_spreadsheet(trail):
    town, _case, _rows = trail
    AuditEntry.objects.create(action="login_failed", target_label='=HYPERLINK("x")')
    table = _csv(registrar(town).get(EXPORT, {"action": "login_failed"}))

    assert '\'=HYPERLINK("x")' in [r[9] for r in table[1:]]


def test_export_in_swedish_by_default(trail):
    town, _case, _rows = trail
    client = Client()
    client.force_login(town.users["registrator"])
    table = _csv(client.get(EXPORT, {"action": "role_added"}))

    assert table[0][:2] == ["Tid", "Person"]
    assert table[1][5] == "Befattning eller uppdrag tillagt"


def test_export_runs_a_fixed_number_of_queries(trail, django_assert_max_num_queries):
    town, _case, _rows = trail
    client = registrar(town)

    def run():
        return len(_csv(client.get(EXPORT)))

    with django_assert_max_num_queries(12) as few:
        small = run()
    users = [UserFactory() for _ in range(5)]
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="login", actor=users[n % 5], target_label=f"u{n}") for n in range(40)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run() == small + 40


def test_others_may_not_read_it(trail):
    town, _case, _rows = trail
    official = town.desk("samordnare")

    assert official.get(URL).status_code == 403
    assert official.get(EXPORT).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert Client().get(EXPORT).status_code == 302
    assert "/work/audit/" not in official.get(reverse("workflows:inbox")).content.decode()


def test_the_registrar_and_superusers_find_it_in_the_menu(trail):
    town, _case, _rows = trail
    assert "/work/audit/" in registrar(town).get(reverse("workflows:inbox")).content.decode()
    root = Client()
    root.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert root.get(URL).status_code == 200
    assert "/work/audit/" in root.get("/").content.decode()
