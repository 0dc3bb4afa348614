"""The accessibility statement that the law on accessible public digital services asks
for: public, in Swedish, linked from every page's footer, with the status, the known gaps,
where to report a problem and the supervisory authority (Digg)."""

from __future__ import annotations

import pytest

from config.accessibility import DIGG_URL

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_statement_in_swedish(client, settings):
    settings.STYRDOK_ACCESSIBILITY_CONTACT = "tillganglighet@exempel.se"
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tillgänglighetsredogörelse</h1>" in html
    for heading in (
        "Hur tillgänglig är tjänsten?",
        "Kända tillgänglighetsproblem",
        "Rapportera en brist",
        "Tillsyn",
    ):
        assert f">{heading}</h2>" in html
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in html
    assert "tillganglighet@exempel.se" in html
    assert f'href="{DIGG_URL}"' in html


@pytest.mark.parametrize("path", ["/", "/login/", "/register/", "/anslagstavla/"])
def test_every_page_links_to_it_from_the_footer(client, path):
    html = client.get(path, follow=True).content.decode()
    footer = html[html.index('<footer class="site-footer') :]
    assert 'href="/tillganglighet/">Tillgänglighetsredogörelse</a>' in footer


def test_the_register_has_a_skip_link_to_its_results(client):
    html = client.get("/register/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<a class="skip-link" href="#results">Hoppa till sökresultaten</a>' in html
    assert 'id="results"' in html


def test_flash_messages_are_a_list_inside_the_status_region(client, django_user_model):
    user = django_user_model.objects.create_user(username="ingen.befattning", password="x")
    client.force_login(user)
    # Saving one's choice of e-mail is confirmed with a message.
    response = client.post("/following/preferences/", {"documents": "never"}, follow=True)
    html = response.content.decode()
    assert '<div role="status"><ul class="messages">' in html
    assert '<ul class="messages" role="status">' not in html
