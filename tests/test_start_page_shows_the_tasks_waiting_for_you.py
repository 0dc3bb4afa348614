"""After log-in people land on the start page, which shows the tasks waiting for them (how
many and the first few); the inbox lists the cases they have a task in and never says
they have no open cases while a task waits."""

from __future__ import annotations

from django.urls import reverse

from tests.lifecycle import run_until


def _policy(town, title="Arbetsgivarpolicy"):
    return town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title=title,
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )


def test_log_in_lands_on_the_start_page_with_the_waiting_tasks(town, client):
    _policy(town, "Arbetsgivarpolicy")
    _policy(town, "Policy för distansarbete")
    user = town.users["hrstrateg"]
    user.set_password("lösenord-123")
    user.save()
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("login"), {"username": "hrstrateg", "password": "lösenord-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "2 tasks wait for you." in html
    assert "Arbetsgivarpolicy" in html and "Policy för distansarbete" in html
    assert reverse("workflows:inbox") in html


def test_the_start_page_shows_only_the_first_five(town):
    for n in range(7):
        _policy(town, f"Policy {n}")
    html = town.desk("hrstrateg").get(reverse("home")).content.decode()
    assert "7 tasks wait for you." in html
    assert html.count('class="waiting-tasks"') == 1
    assert sum(f"Policy {n}" in html for n in range(7)) == 5


def test_someone_without_tasks_is_told_so(town):
    html = town.desk("ekonom").get(reverse("home")).content.decode()
    assert "No tasks wait for you." in html


def test_the_start_page_shows_no_tasks_to_a_visitor(db, client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "The register holds" in html
    assert "wait for you" not in html and "Waiting for you" not in html


def test_the_inbox_lists_the_case_of_a_waiting_task_the_user_did_not_write(town):
    case = _policy(town)
    run_until(town, case, "decision")
    secretary = town.desk("sekr_ks")
    page = secretary.inbox()
    assert [r["diarienummer"] for r in page.context["rows"]] == [case.diarienummer]
    assert [c.pk for c in page.context["my_cases"]] == [case.pk]
    assert "You have no open cases." not in page.content.decode()


def test_the_inbox_says_no_open_cases_only_when_nothing_waits(town):
    page = town.desk("ekonom").inbox()
    assert not page.context["rows"]
    assert "You have no open cases." in page.content.decode()
