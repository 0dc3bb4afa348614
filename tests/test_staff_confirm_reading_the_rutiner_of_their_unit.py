"""*Att läsa*: every person holding a position in a document's scope unit or below it sees
the documents that ask for a read acknowledgement, confirms with one button, and the
confirmation is stored (person, version, time) and audited. Nothing is stored per person
before that: a person who joins the unit sees the documents at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from reading import services
from reading.models import ReadConfirmation
from tests.reading_helpers import leave, rutin, staff
from workflows.refusals import (
    NoSuchVersion,
    NotInReadingAudience,
    ReadingAlreadyConfirmed,
    ReadingNotRequired,
    ReadingVersionNotValid,
)


def waiting_titles(client) -> list[str]:
    response = client.get(reverse("reading:to_read"))
    assert response.status_code == 200
    return [w.title for w in response.context["waiting"]]


def test_a_worker_sees_the_rutin_of_her_unit_and_confirms_it(client, town):
    document = rutin(town, "Rutin för hygien i hemtjänsten", scope="unit")
    anna = staff(town, "anna", "unit")
    client.force_login(anna)

    page = client.get(reverse("reading:to_read"))
    assert [w.title for w in page.context["waiting"]] == ["Rutin för hygien i hemtjänsten"]
    assert "Jag har läst och förstått" in page.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert 'Att läsa <span class="count">1' in home

    version = document.current_version
    response = client.post(reverse("reading:confirm", args=[version.pk]))
    assert response.status_code == 302
    confirmation = ReadConfirmation.objects.get()
    assert (confirmation.user, confirmation.version, confirmation.version_number) == (
        anna,
        version,
        1,
    )
    entry = AuditEntry.objects.get(action="reading_confirmed")
    assert (entry.actor, entry.target_id) == (anna, str(version.pk))
    assert waiting_titles(client) == []
    assert 'class="count"' not in client.get(reverse("home")).content.decode()


def test_documents_of_units_above_apply_and_of_other_units_do_not(client, town):
    rutin(town, "Kommungemensam rutin", scope="top")
    rutin(town, "Rutin för sektorn", scope="sector")
    rutin(town, "Rutin för bolaget", scope="company")
    client.force_login(staff(town, "anna", "unit"))
    assert waiting_titles(client) == ["Kommungemensam rutin", "Rutin för sektorn"]


def test_the_type_can_narrow_the_audience_to_chiefs(client, town):
    rutin(town, "Rutin för chefer", scope="top", kinds="chief")
    client.force_login(staff(town, "anna", "unit"))
    assert waiting_titles(client) == []
    client.force_login(town.users["enhetschef"])
    assert waiting_titles(client) == ["Rutin för chefer"]


def test_a_person_who_joins_the_unit_sees_its_documents_and_one_who_leaves_does_not(client, town):
    rutin(town, "Rutin för hygien", scope="unit")
    assert ReadConfirmation.objects.count() == 0  # nothing materialised per person
    newcomer = staff(town, "nyanstalld", "unit")
    client.force_login(newcomer)
    assert waiting_titles(client) == ["Rutin för hygien"]
    leave(newcomer)
    assert waiting_titles(client) == []


def test_a_type_without_acknowledgement_asks_nobody_unless_the_decision_does(client, town):
    rutin(town, "Rutin utan kvittens", type_requires=False)
    rutin(town, "Rutin med kvittens genom beslutet", type_requires=False, requires=True)
    client.force_login(staff(town, "anna", "unit"))
    assert waiting_titles(client) == ["Rutin med kvittens genom beslutet"]


def test_a_decision_can_waive_what_the_type_asks(client, town):
    rutin(town, "Rutin där beslutet avstår", requires=False)
    client.force_login(staff(town, "anna", "unit"))
    assert waiting_titles(client) == []


def test_the_page_costs_the_same_queries_for_one_document_and_many(client, town):
    anna = staff(town, "anna", "unit")
    client.force_login(anna)
    rutin(town, "Rutin 0", scope="unit")
    client.get(reverse("reading:to_read"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reading:to_read"))
    for n in range(1, 8):
        rutin(town, f"Rutin {n}", scope="top" if n % 2 else "unit")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reading:to_read"))
    assert len(response.context["waiting"]) == 8
    assert len(few) == len(many) <= 8


# --- Refusals ---------------------------------------------------------------------


def test_someone_outside_the_scope_is_refused(client, town):
    document = rutin(town, "Rutin för Solrosen", scope="unit")
    outsider = town.users["ekonom"]
    with pytest.raises(NotInReadingAudience) as refused:
        services.confirm_reading(user=outsider, version_id=document.current_version_id)
    assert refused.value.code == "not_in_reading_audience"
    client.force_login(outsider)
    response = client.post(reverse("reading:confirm", args=[document.current_version_id]))
    assert response.status_code == 403
    assert ReadConfirmation.objects.count() == 0


def test_someone_of_another_position_kind_is_refused(town):
    document = rutin(town, "Rutin för chefer", scope="top", kinds="chief")
    with pytest.raises(NotInReadingAudience):
        services.confirm_reading(
            user=staff(town, "anna", "unit"), version_id=document.current_version_id
        )


def test_a_document_that_asks_nothing_is_refused(town):
    document = rutin(town, "Rutin utan kvittens", type_requires=False)
    with pytest.raises(ReadingNotRequired) as refused:
        services.confirm_reading(
            user=staff(town, "anna", "unit"), version_id=document.current_version_id
        )
    assert refused.value.code == "reading_not_required"


def test_confirming_twice_is_refused(client, town):
    document = rutin(town, "Rutin för hygien")
    anna = staff(town, "anna", "unit")
    services.confirm_reading(user=anna, version_id=document.current_version_id)
    with pytest.raises(ReadingAlreadyConfirmed) as refused:
        services.confirm_reading(user=anna, version_id=document.current_version_id)
    assert refused.value.code == "reading_already_confirmed"
    client.force_login(anna)
    response = client.post(reverse("reading:confirm", args=[document.current_version_id]))
    assert response.status_code == 409
    assert ReadConfirmation.objects.count() == 1


def test_a_version_that_is_not_valid_and_a_missing_one_are_refused(town):
    from tests.reading_helpers import new_version

    document = rutin(town, "Rutin för hygien")
    old = document.current_version
    new_version(town, document, material=False)
    anna = staff(town, "anna", "unit")
    with pytest.raises(ReadingVersionNotValid) as refused:
        services.confirm_reading(user=anna, version_id=old.pk)
    assert refused.value.code == "reading_version_not_valid"
    with pytest.raises(NoSuchVersion) as missing:
        services.confirm_reading(user=anna, version_id=10**9)
    assert missing.value.code == "no_such_version"


def test_anonymous_visitors_are_sent_to_log_in(client, town):
    document = rutin(town, "Rutin för hygien")
    assert client.get(reverse("reading:to_read")).status_code == 302
    response = client.post(reverse("reading:confirm", args=[document.current_version_id]))
    assert response.status_code == 302
    assert ReadConfirmation.objects.count() == 0


def test_confirmations_are_never_changed_or_deleted(town):
    from django.db import IntegrityError, transaction

    document = rutin(town, "Rutin för hygien")
    confirmation = services.confirm_reading(
        user=staff(town, "anna", "unit"), version_id=document.current_version_id
    )
    with pytest.raises(PermissionError):
        confirmation.save()
    with pytest.raises(PermissionError):
        ReadConfirmation.objects.all().delete()
    with (
        pytest.raises(IntegrityError, match="reading_protect_confirmation_delete"),
        transaction.atomic(),
    ):
        ReadConfirmation.objects.all()._raw_delete(ReadConfirmation.objects.db)
    with (
        pytest.raises(IntegrityError, match="reading_protect_confirmation_update"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE reading_readconfirmation SET version_number = 7")
