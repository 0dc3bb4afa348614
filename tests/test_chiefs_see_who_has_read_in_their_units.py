"""A chief sees, for their unit and the units below it, who has and has not confirmed each
document that asks for it; can remind those who have not (e-mail after the commit,
audited) and export the list to Excel. Nobody else sees a unit's acknowledgements."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from mailer.models import Message
from openpyxl import load_workbook

from audit.models import AuditEntry
from reading import services
from tests import mail_support as transports
from tests.factories import SubstitutionFactory
from tests.lifecycle import days
from tests.reading_helpers import new_version, rutin, staff
from workflows.refusals import NoOneToRemind, NotChiefOfUnit


@pytest.fixture
def hygiene(town):
    """A rutin for Förskolan Solrosen; Anna has confirmed it, Bertil has not. The unit's
    chief and its samordnare hold positions there too (they have not confirmed)."""
    document = rutin(town, "Rutin för hygien", scope="unit")
    anna = staff(town, "anna", "unit")
    staff(town, "bertil", "unit")
    services.confirm_reading(user=anna, version_id=document.current_version_id)
    return document


def overview(client, unit):
    return client.get(reverse("reading:overview_unit", args=[unit.pk]))


def test_the_unit_chief_sees_the_counts_and_the_people(client, town, hygiene):
    unit = town.units["unit"]
    client.force_login(town.users["enhetschef"])
    response = client.get(reverse("reading:overview"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    # Anna, Bertil, the chief herself and the samordnare hold positions in the unit.
    assert (row.title, row.audience, row.confirmed, row.pending) == ("Rutin för hygien", 4, 1, 3)
    assert "Läskvittenser" in client.get(reverse("home")).content.decode()

    page = client.get(reverse("reading:overview_document", args=[unit.pk, row.version_id]))
    assert page.status_code == 200
    status = {p.username: p.counts for p in page.context["people"]}
    assert status == {"anna": True, "bertil": False, "enhetschef": False, "samordnare": False}


def test_chiefs_above_see_the_units_below(client, town, hygiene):
    client.force_login(town.users["sektorschef"])
    (row,) = overview(client, town.units["sector"]).context["rows"]
    assert (row.audience, row.confirmed) == (4, 1)
    assert overview(client, town.units["unit"]).status_code == 200


def test_a_municipality_wide_document_is_counted_within_the_chiefs_unit(client, town):
    document = rutin(town, "Kommungemensam rutin", scope="top")
    services.confirm_reading(
        user=staff(town, "anna", "unit"), version_id=document.current_version_id
    )
    client.force_login(town.users["enhetschef"])
    (row,) = overview(client, town.units["unit"]).context["rows"]
    assert (row.audience, row.confirmed) == (3, 1)  # Anna, the chief, the samordnare


def test_a_material_change_resets_the_count(client, town, hygiene):
    new_version(town, hygiene, material=True)
    client.force_login(town.users["enhetschef"])
    (row,) = overview(client, town.units["unit"]).context["rows"]
    assert (row.number, row.confirmed) == (2, 0)


def test_an_acting_chief_substitute_sees_the_unit(client, town, hygiene):
    substitute = staff(town, "vikarie", "area")
    SubstitutionFactory(
        position=town.positions["enhetschef"], user=substitute, start=days(-1), end=days(10)
    )
    client.force_login(substitute)
    assert overview(client, town.units["unit"]).status_code == 200


def test_the_chief_reminds_those_who_have_not_read(client, town, hygiene):
    unit = town.units["unit"]
    client.force_login(town.users["enhetschef"])
    url = reverse("reading:remind", args=[unit.pk, hygiene.current_version_id])
    response = client.post(url)  # sent in the reminder's transaction, not after it
    assert response.status_code == 302
    assert mail.outbox[0].body.count("http://testserver/reading/") == 1  # the request's host
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [
        "bertil@example.invalid",
        "enhetschef@example.invalid",
        "samordnare@example.invalid",
    ]
    assert "Rutin för hygien" in mail.outbox[0].subject
    assert "/reading/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="reading_reminder_sent")
    assert entry.actor == town.users["enhetschef"]


def test_the_chief_exports_the_list_to_excel(client, town, hygiene):
    unit = town.units["unit"]
    client.force_login(town.users["enhetschef"])
    response = client.get(reverse("reading:export", args=[unit.pk, hygiene.current_version_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Rutin för hygien"
    assert rows[1][0] == "Namn"
    confirmed = {r[1]: r[4] for r in rows[2:]}
    assert confirmed == {"anna": "ja", "bertil": "nej", "enhetschef": "nej", "samordnare": "nej"}


def test_the_overview_costs_the_same_queries_for_one_document_and_a_full_page(client, town):
    unit = town.units["unit"]
    rutin(town, "Rutin 0", scope="unit")
    staff(town, "anna", "unit")
    client.force_login(town.users["enhetschef"])
    overview(client, unit)
    with CaptureQueriesContext(connection) as few:
        overview(client, unit)
    for n in range(1, 30):
        rutin(town, f"Rutin {n:02}", scope="top" if n % 3 else "unit")
    with CaptureQueriesContext(connection) as many:
        response = overview(client, unit)
    assert len(response.context["rows"]) == 25
    # 10 on a running server; 11 here, where the register's generation never moved on
    # (the tests' transactions never commit) and the count is not cached; the same on
    # PostgreSQL (the counts no longer need a planner setting of their own).
    assert len(few) == len(many) <= 11


# --- Refusals ---------------------------------------------------------------------


def test_someone_who_is_no_chief_is_refused(client, town, hygiene):
    worker = staff(town, "cecilia", "unit")
    client.force_login(worker)
    assert client.get(reverse("reading:overview")).status_code == 403
    assert overview(client, town.units["unit"]).status_code == 403
    unit = town.units["unit"]
    version_id = hygiene.current_version_id
    for name in ("overview_document", "export"):
        assert client.get(reverse(f"reading:{name}", args=[unit.pk, version_id])).status_code == 403
    assert client.post(reverse("reading:remind", args=[unit.pk, version_id])).status_code == 403
    with pytest.raises(NotChiefOfUnit) as refused:
        services.send_reminder(user=worker, unit_id=unit.pk, version_id=version_id)
    assert refused.value.code == "not_chief_of_unit"
    assert not mail.outbox


def test_a_chief_of_another_unit_is_refused(client, town, hygiene):
    client.force_login(town.users["vd"])
    unit = town.units["unit"]
    assert overview(client, unit).status_code == 403
    url = reverse("reading:overview_document", args=[unit.pk, hygiene.current_version_id])
    assert client.get(url).status_code == 403
    with pytest.raises(NotChiefOfUnit):
        services.send_reminder(
            user=town.users["vd"], unit_id=unit.pk, version_id=hygiene.current_version_id
        )


def test_a_chief_below_does_not_see_the_unit_above(client, town, hygiene):
    client.force_login(town.users["enhetschef"])
    assert overview(client, town.units["sector"]).status_code == 403


def test_no_reminder_when_everyone_has_confirmed(town):
    document = rutin(town, "Rutin för chefer", scope="unit", kinds="chief")
    chief = town.users["enhetschef"]
    services.confirm_reading(user=chief, version_id=document.current_version_id)
    with pytest.raises(NoOneToRemind) as refused:
        services.send_reminder(
            user=chief, unit_id=town.units["unit"].pk, version_id=document.current_version_id
        )
    assert refused.value.code == "no_one_to_remind"


def test_a_document_that_asks_nothing_has_no_overview(client, town):
    document = rutin(town, "Rutin utan kvittens", type_requires=False)
    client.force_login(town.users["enhetschef"])
    unit = town.units["unit"]
    url = reverse("reading:overview_document", args=[unit.pk, document.current_version_id])
    assert client.get(url).status_code == 404


@override_settings(EMAIL_BACKEND=transports.QUEUE, MAILER_EMAIL_BACKEND=transports.DELIVERED)
def test_the_reminders_are_queued_with_the_reminder_and_lost_with_it(client, town, hygiene):
    unit = town.units["unit"]
    client.force_login(town.users["enhetschef"])
    url = reverse("reading:remind", args=[unit.pk, hygiene.current_version_id])
    client.post(url)
    assert Message.objects.count() == 3  # in the database queue: sent by send_queued_mail

    Message.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_reminder(
            user=town.users["enhetschef"], unit_id=unit.pk, version_id=hygiene.current_version_id
        )
        raise RuntimeError("the reminder's transaction fails")
    assert Message.objects.count() == 0


def test_the_reminder_is_written_in_the_sites_language_whatever_the_chief_reads_in(
    client, town, hygiene
):
    unit = town.units["unit"]
    client.force_login(town.users["enhetschef"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("reading:remind", args=[unit.pk, hygiene.current_version_id])
    client.post(url)
    assert mail.outbox and all(m.subject.startswith("Att läsa: ") for m in mail.outbox)
