"""Whoever gets a new task gets an e-mail with a link to it, once the step is saved."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from org.models import Position, PositionKind
from tests.factories import (
    PositionFactory,
    PositionHoldingFactory,
    SubstitutionFactory,
    UserFactory,
)
from tests.lifecycle import days, open_tasks, run_until


def test_union_representatives_are_mailed_their_samverkan_task(
    town, django_capture_on_commit_callbacks
):
    author = town.desk("hrstrateg")
    case = author.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        author.complete(case, "draft", body="<p>Text</p>")

    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {
        ("vision_central@example.invalid",),
        ("kommunal_central@example.invalid",),
    }
    for task in open_tasks(case, "union_statement"):
        message = by_recipient[(task.owner.email,)]
        assert case.diarienummer in message.subject
        assert reverse("workflows:task", args=[task.pk]) in message.body
        assert "Arbetsgivarpolicy" in message.body


def test_a_position_task_is_mailed_to_the_holder_and_the_active_substitute(
    town, django_capture_on_commit_callbacks
):
    SubstitutionFactory(
        position=town.positions["kommunchef"],
        user=town.users["hrstrateg"],
        start=days(-1),
        end=days(7),
    )
    SubstitutionFactory(  # an old substitution: no mail
        position=town.positions["kommunchef"],
        user=town.users["utvecklare"],
        start=days(-60),
        end=days(-30),
    )
    case = town.desk("samordnare").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    run_until(town, case, "union_statement")
    [first, second] = open_tasks(case, "union_statement")
    town.desk(first.owner).complete(case, "union_statement", stance="supports")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        town.desk(second.owner).complete(case, "union_statement", stance="supports")

    [message] = mail.outbox
    assert sorted(message.to) == ["hrstrateg@example.invalid", "kommunchef@example.invalid"]
    [task] = open_tasks(case, "samverkan_meeting")
    assert reverse("workflows:task", args=[task.pk]) in message.body


def test_no_mail_when_the_step_is_refused(town, django_capture_on_commit_callbacks):
    case = town.desk("hrstrateg").start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = town.desk("hrstrateg").attempt(case, "draft", body="")

    assert response.status_code == 400
    assert callbacks == []
    assert mail.outbox == []


def _adopt_a_handlingsplan(town, django_capture_on_commit_callbacks) -> None:
    """A handlingsplan run to its decision and adopted, the mails before the decision
    cleared: the outbox then holds what the adoption sent."""
    case = town.desk("samordnare").start_document(
        document_type=town.types["handlingsplan"],
        title="Handlingsplan 2027",
        scope_unit=town.units["unit"],
        owner_position=town.positions["enhetschef"],
    )
    run_until(town, case, "decision")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        town.desk("enhetschef").complete(
            case, "decision", outcome="adopted", decision_date=days(0), valid_from=days(0)
        )


def test_the_registrar_is_mailed_the_registration(town, django_capture_on_commit_callbacks):
    _adopt_a_handlingsplan(town, django_capture_on_commit_callbacks)

    # (The authors and the union that stated a position hear of the outcome: another mail.)
    task_mails = [m for m in mail.outbox if m.subject.startswith(("New task", "Ny uppgift"))]
    assert [m.to for m in task_mails] == [["registrator@example.invalid"]]


def test_every_registrar_and_substitute_is_mailed_the_registration_once(
    town, django_capture_on_commit_callbacks
):
    registrar = Position.objects.get(kind=PositionKind.REGISTRAR)
    second = PositionFactory(kind=PositionKind.REGISTRAR, unit=registrar.unit)
    PositionHoldingFactory(position=second, user=town.users["registrator"])  # holds both
    PositionHoldingFactory(position=second, user=UserFactory(email="andra@example.invalid"))
    SubstitutionFactory(
        position=registrar,
        user=UserFactory(email="vikarie@example.invalid"),
        start=days(-1),
        end=days(7),
    )
    SubstitutionFactory(  # an old substitution: no mail
        position=second,
        user=UserFactory(email="forra@example.invalid"),
        start=days(-60),
        end=days(-30),
    )
    PositionHoldingFactory(  # a holder whose account is closed: no mail
        position=second, user=UserFactory(email="stangd@example.invalid", is_active=False)
    )
    _adopt_a_handlingsplan(town, django_capture_on_commit_callbacks)

    [message] = [m for m in mail.outbox if m.subject.startswith(("New task", "Ny uppgift"))]
    assert message.to == [
        "andra@example.invalid",
        "registrator@example.invalid",
        "vikarie@example.invalid",
    ]
