"""*Att läsa*: the page and the menu's count share one list per request (the list is not
worked out twice), and the count the page shows is the menu's too. The chief's reminder
is written from the notification mail templates, as every other mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from reading import context_processors, selectors, services
from tests.reading_helpers import rutin, staff


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = selectors.waiting_for

    def waiting_for(user):
        calls.append(user.pk)
        return real(user)

    monkeypatch.setattr(selectors, "waiting_for", waiting_for)
    return calls


def test_the_page_and_the_menu_count_work_out_the_list_once(client, town, counted):
    rutin(town, "Rutin för hygien", scope="unit")
    anna = staff(town, "anna", "unit")
    client.force_login(anna)
    session = client.session
    session.pop(context_processors.NAV_KEY, None)  # the menu must work out its count
    session.save()
    counted.clear()

    html = client.get(reverse("reading:to_read")).content.decode()
    assert counted == [anna.pk]
    assert 'Att läsa <span class="count">1' in html


def test_the_page_shows_its_own_count_in_the_menu_whatever_the_session_keeps(client, town, counted):
    anna = staff(town, "anna", "unit")
    client.force_login(anna)  # the count (nothing to read) is kept at log-in
    rutin(town, "Rutin för hygien", scope="unit")
    assert 'class="count"' not in client.get(reverse("home")).content.decode()

    html = client.get(reverse("reading:to_read")).content.decode()
    assert 'Att läsa <span class="count">1' in html


def test_the_reminder_is_the_template_mail(client, town):
    document = rutin(town, "Rutin för hygien", scope="unit")
    staff(town, "bertil", "unit")
    chief = town.users["enhetschef"]
    services.send_reminder(
        user=chief, unit_id=town.units["unit"].pk, version_id=document.current_version_id
    )
    assert mail.outbox
    sent = mail.outbox[0]
    expected = render_to_string(
        "notifications/mail/reading_reminder_body.txt",
        {
            "sender": chief.get_full_name() or chief.get_username(),
            "title": "Rutin för hygien",
            "number": 1,
            "link": sent.body.split("Dina dokument att läsa: ")[1].strip(),
        },
    )
    assert sent.subject == "Att läsa: Rutin för hygien"
    assert sent.body == expected
    assert "ber dig läsa och bekräfta dokumentet Rutin för hygien (version 1)" in sent.body
    assert sent.body.rstrip().endswith(reverse("reading:to_read"))
