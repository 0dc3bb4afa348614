"""Anyone logged in follows a document (its page's button) or a register search (the
register page's button saves the filter query) and is told, as they chose, of new
versions, repeals and new matches. The page *Följer* lists the follows and removes them;
nobody follows what they may not see or removes someone else's follow (issue 18)."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from notifications.models import Follow, Frequency
from tests.lifecycle import days_pass, open_tasks, run_to_end, run_until, valid_document
from tests.notification_support import about, choose, digest, document_url, handlingsplan, swedish

FOLLOWS = "/following/"


def follow_url(document) -> str:
    return reverse("notifications:follow_document", args=[document.pk])


def test_a_person_follows_a_document_from_its_page_and_hears_of_its_new_version(town):
    choose(town, "hrstrateg", Frequency.IMMEDIATELY)
    document = handlingsplan(town).document  # for Förskolan Solrosen: not hrstrateg's unit
    desk = swedish(town.desk("hrstrateg"))

    page = desk.get(document_url(document.pk)).content.decode()
    assert "Följ dokumentet" in page and follow_url(document) in page
    response = desk.post(follow_url(document), {"next": document_url(document.pk)})
    assert response.status_code == 302 and response.url == document_url(document.pk)
    assert Follow.objects.filter(user=town.users["hrstrateg"], document=document).exists()
    assert AuditEntry.objects.filter(
        action="follow_started", actor=town.users["hrstrateg"]
    ).exists()
    page = desk.get(document_url(document.pk)).content.decode()
    assert "Du följer det här dokumentet." in page and "Sluta följa" in page
    desk.post(follow_url(document))  # again: still one follow
    assert Follow.objects.filter(document=document).count() == 1
    mail.outbox.clear()

    run_to_end(town, town.desk("samordnare").start_revision(document))

    [message] = [
        m for m in about("Ny version: Handlingsplan 2027") if m.to == ["hrstrateg@example.invalid"]
    ]
    assert "Du följer det här dokumentet." in message.body
    assert "Det gäller din enhet." not in message.body


def test_a_follower_hears_of_the_repeal(town):
    choose(town, "utvecklare", Frequency.IMMEDIATELY)
    document = valid_document(town, type_code="rutin", title="Rutin för nyckelkvittens")
    town.desk("utvecklare").post(follow_url(document))
    case = town.desk("hrstrateg").start_repeal(document, "Ersatt av passersystemet.")
    mail.outbox.clear()

    run_to_end(town, case)

    [message] = about("Upphävd: Rutin för nyckelkvittens")
    assert message.to == ["utvecklare@example.invalid"]
    assert "Du följer det här dokumentet." in message.body


def test_a_followed_register_search_tells_of_new_matches_only(town):
    choose(town, "utvecklare", Frequency.IMMEDIATELY)
    desk = swedish(town.desk("utvecklare"))
    query = f"type={town.types['handlingsplan'].pk}&page=2"
    register = desk.get(f"{reverse('register')}?{query}").content.decode()
    assert "Följ den här sökningen" in register

    response = desk.post(reverse("notifications:follow_search"), {"query": query})

    assert response.status_code == 302
    follow = Follow.objects.get(user=town.users["utvecklare"])
    assert follow.query == f"type={town.types['handlingsplan'].pk}"  # the page is no search
    assert follow.label == "Typ: Handlingsplan"
    mail.outbox.clear()

    handlingsplan(town, "Handlingsplan för språkutveckling")  # matches
    valid_document(town, type_code="rutin", title="Rutin för nycklar")  # no case: no news

    [message] = [
        m
        for m in mail.outbox
        if m.to == ["utvecklare@example.invalid"] and "Nytt dokument" in m.subject
    ]
    assert "Handlingsplan för språkutveckling" in message.subject
    assert "Det träffas av registersökningen du följer: Typ: Handlingsplan" in message.body


def test_a_search_that_does_not_match_tells_nothing(town):
    choose(town, "utvecklare", Frequency.IMMEDIATELY)
    town.desk("utvecklare").post(reverse("notifications:follow_search"), {"query": "q=brandskydd"})
    mail.outbox.clear()

    handlingsplan(town, "Handlingsplan för språkutveckling")

    assert not [m for m in mail.outbox if m.to == ["utvecklare@example.invalid"]]


def test_the_whole_register_or_an_invalid_search_cannot_be_followed(town):
    desk = town.desk("utvecklare")
    for query in ["", "page=3", "q=&type=", "q=" + "lång" * 400, "valid_on=igår"]:
        response = desk.post(reverse("notifications:follow_search"), {"query": query})
        assert response.status_code == 302
    assert not Follow.objects.exists()
    assert not AuditEntry.objects.filter(action="follow_started").exists()


def test_the_following_page_lists_the_follows_and_removes_them(town):
    document = valid_document(town, type_code="rutin", title="Rutin för nyckelkvittens")
    desk = swedish(town.desk("utvecklare"))
    desk.post(follow_url(document))
    desk.post(reverse("notifications:follow_search"), {"query": "q=introduktion"})

    page = desk.get(FOLLOWS)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Följer</h1>" in html
    assert "Rutin för nyckelkvittens" in html and "Sök: introduktion" in html
    assert 'href="/following/"' in desk.get("/register/?all=1").content.decode()  # the menu

    [document_follow, search_follow] = sorted(
        Follow.objects.filter(user=town.users["utvecklare"]), key=lambda f: f.document_id is None
    )
    response = desk.post(reverse("notifications:stop", args=[search_follow.pk]))
    assert response.status_code == 302 and response.url == FOLLOWS
    assert list(Follow.objects.all()) == [document_follow]
    assert AuditEntry.objects.filter(action="follow_stopped").count() == 1
    assert "Sök: introduktion" not in desk.get(FOLLOWS).content.decode()


def test_nobody_removes_or_sees_someone_elses_follow(town):
    document = valid_document(town, type_code="rutin", title="Rutin för nyckelkvittens")
    town.desk("utvecklare").post(follow_url(document))
    follow = Follow.objects.get()
    other = town.desk("hrstrateg")

    assert other.post(reverse("notifications:stop", args=[follow.pk])).status_code == 404
    assert other.post(reverse("notifications:stop", args=[follow.pk + 999])).status_code == 404
    assert "Rutin för nyckelkvittens" not in other.get(FOLLOWS).content.decode()
    assert Follow.objects.filter(pk=follow.pk).exists()
    assert not AuditEntry.objects.filter(action="follow_stopped").exists()


def test_nobody_follows_a_document_they_may_not_see_and_anonymous_visitors_log_in(town, client):
    case = handlingsplan(town, "Handlingsplan under arbete", finish=False)
    run_until(town, case, "decision")
    assert open_tasks(case)
    draft = case.document  # never adopted: case material

    assert town.desk("ekonom").post(follow_url(draft)).status_code == 404
    assert (
        town.desk("ekonom").post(reverse("notifications:follow_document", args=[99999])).status_code
        == 404
    )
    assert (
        "Följ dokumentet"
        not in swedish(town.desk("ekonom")).get(document_url(draft.pk)).content.decode()
    )
    response = client.post(follow_url(draft))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(FOLLOWS).status_code == 302
    assert not Follow.objects.exists()


def test_a_weekly_follower_hears_in_the_digest_not_at_once(town):
    document = valid_document(
        town,
        type_code="handlingsplan",
        title="Handlingsplan 2026",
        scope="unit",
        owner="enhetschef",
        decided_by="enhetschef",
    )
    town.desk("ekonom").post(follow_url(document))  # default: weekly
    mail.outbox.clear()

    run_to_end(town, town.desk("samordnare").start_revision(document))
    assert not [m for m in mail.outbox if m.to == ["ekonom@example.invalid"]]

    with days_pass(7):
        digest()
    [message] = [m for m in mail.outbox if m.to == ["ekonom@example.invalid"]]
    assert "Ny version: Handlingsplan 2026" in message.body
    assert "Du följer det här dokumentet." in message.body
