"""A confirmation of an earlier version still counts for a new version, unless the new
version's decision marked its change as material (väsentlig ändring): then the person is
asked again and sees the changes since the version they confirmed."""

from __future__ import annotations

from django.urls import reverse

from reading import services
from tests.reading_helpers import new_version, rutin, staff


def waiting(client):
    return client.get(reverse("reading:to_read"))


def test_a_change_that_is_not_material_is_not_asked_again(client, town):
    document = rutin(town, "Rutin för hygien")
    anna = staff(town, "anna", "unit")
    services.confirm_reading(user=anna, version_id=document.current_version_id)
    new_version(town, document, material=False)
    client.force_login(anna)
    assert waiting(client).context["waiting"] == []


def test_a_material_change_is_asked_again_with_the_changes_since_the_confirmed_version(
    client, town
):
    document = rutin(town, "Rutin för hygien")
    anna = staff(town, "anna", "unit")
    services.confirm_reading(user=anna, version_id=document.current_version_id)
    version = new_version(town, document, material=True, body="<p>Handsprit före varje besök.</p>")
    client.force_login(anna)

    response = waiting(client)
    (row,) = response.context["waiting"]
    assert (row.version_id, row.confirmed_number, row.is_material_change) == (version.pk, 1, True)
    diff = reverse("documents:diff", args=[document.pk]) + "?from=1&amp;to=2"
    assert diff in response.content.decode()
    assert "har ändrats väsentligt sedan du bekräftade version 1" in response.content.decode()
    assert (
        client.get(reverse("documents:diff", args=[document.pk]), {"from": 1, "to": 2}).status_code
        == 200
    )

    client.post(reverse("reading:confirm", args=[version.pk]))
    assert waiting(client).context["waiting"] == []


def test_a_material_change_between_counts_for_every_later_version(client, town):
    """Confirmed v1; v2 material; v3 not material: v1's confirmation does not count for v3."""
    document = rutin(town, "Rutin för hygien")
    anna = staff(town, "anna", "unit")
    services.confirm_reading(user=anna, version_id=document.current_version_id)
    new_version(town, document, material=True)
    third = new_version(town, document, material=False)
    client.force_login(anna)
    (row,) = waiting(client).context["waiting"]
    assert (row.number, row.confirmed_number) == (third.number, 1)
    services.confirm_reading(user=anna, version_id=third.pk)
    assert waiting(client).context["waiting"] == []


def test_someone_who_never_confirmed_sees_the_new_version_without_a_diff(client, town):
    document = rutin(town, "Rutin för hygien")
    new_version(town, document, material=True)
    client.force_login(staff(town, "anna", "unit"))
    (row,) = waiting(client).context["waiting"]
    assert row.number == 2 and not row.is_material_change
