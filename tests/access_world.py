"""A municipality with one case or document in every state, and a person in every role:
the world of the access matrix and the hostile-id tests.

Every case is driven through the real pages (``tests.lifecycle.Desk``). All cases are
riktlinjer for Sektor Utbildning owned by an investigator of Område Förskola, so:

- the owner unit's chief is the områdeschef (who has no task in any case);
- the consulting group is the sector group (chair: the sektorschef);
- the deciding body is the nämnd (BUN), whose secretary writes the proposal and records
  the decision.

Roles (keys of ``World.users``): see ``ROLES``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Group, Permission
from rest_framework.authtoken.models import Token
from viewflow.workflow.models import Task

from documents.models import Document, DocumentVersion
from org.models import PositionKind
from tests.factories import (
    BodyMembershipFactory,
    PositionFactory,
    PositionHoldingFactory,
    SubstitutionFactory,
    UserFactory,
)
from tests.lifecycle import (
    Desk,
    Town,
    build_town,
    days,
    default_answers,
    open_tasks,
    pdf,
    refresh,
    run_to_end,
    run_until,
)
from workflows.actions.readers import grant_case_reader
from workflows.models import Case

ROLES = [
    "anonymous",
    "employee",  # an official with no part in any case
    "author",
    "coauthor",
    "chief",  # chief of the owner position's unit
    "substitute_in",  # the chief's substitute, today inside the substitution's dates
    "substitute_out",  # the chief's substitute, whose dates are over
    "registrar",
    "rep_group",  # union representative in the consulting group
    "rep_other",  # union representative in another group
    "chair",  # the consulting group's employer-side chair
    "secretary",  # the deciding body's secretary
    "body_member",  # member of the deciding body
    "other_body_member",  # member of another body
    "process_owner",
    "granted",  # an official the registrar gave read access to the draft and decision cases
    "staff",  # staff with admin permissions on documents, not a superuser
    "administrator",  # superuser
]

# State: what the case or document is, and the unique word of its title (for search).
STATES = {
    "draft": "Abborre",
    "samverkan": "Braxen",
    "samverkan_meeting": "Citronfjäril",
    "preparation": "Dovhjort",
    "decision": "Ejder",
    "registration": "Falkenberg",
    "registered": "Gädda",
    "published": "Hermelin",
    "superseded": "Hermelin",  # version 1 of the published document
    "internal": "Igelkott",
    "repealed": "Järv",
}

# The open task of each state whose task is looked at, by step.
OPEN_STEP = {
    "draft": "draft",
    "samverkan": "union_statement",
    "samverkan_meeting": "samverkan_meeting",
    "preparation": "proposal",
    "decision": "decision",
    "registration": "registration",
}


@dataclass
class Subject:
    """What the matrix looks at in one state."""

    case: Case
    version: DocumentVersion
    document: Document
    task: Task | None
    word: str


@dataclass
class World:
    town: Town
    users: dict
    states: dict[str, Subject]


def _people(town: Town) -> dict:
    area = town.units["area"]
    author_position = PositionFactory(
        title="Utredare Förskola", kind=PositionKind.OFFICIAL, unit=area
    )
    author = UserFactory(username="forfattare", first_name="Fanny", last_name="Författarsson")
    PositionHoldingFactory(position=author_position, user=author)
    coauthor = UserFactory(username="medforfattare", first_name="Maja", last_name="Medsson")
    PositionHoldingFactory(
        position=PositionFactory(title="Pedagog Förskola", unit=area), user=coauthor
    )
    chief_position = town.positions["omradeschef"]
    substitute_in = UserFactory(username="vikarie_nu", first_name="Vera", last_name="Vikariesson")
    SubstitutionFactory(position=chief_position, user=substitute_in, start=days(-5), end=days(5))
    substitute_out = UserFactory(username="vikarie_da", first_name="Ville", last_name="Vikström")
    SubstitutionFactory(
        position=chief_position, user=substitute_out, start=days(-60), end=days(-30)
    )
    body_member = UserFactory(username="ledamot_bun", first_name="Lena", last_name="Ledamotsson")
    BodyMembershipFactory(body=town.bodies["namnd"], user=body_member, start=days(-400))
    other_member = UserFactory(username="ledamot_kf", first_name="Kalle", last_name="Kfsson")
    BodyMembershipFactory(body=town.bodies["KF"], user=other_member, start=days(-400))
    staff = UserFactory(username="konfig", first_name="Konny", last_name="Konfigsson")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="documents",
            codename__in=["view_document", "change_document", "view_diaryentry"],
        )
    )
    granted = UserFactory(username="expert", first_name="Erik", last_name="Expertsson")
    PositionHoldingFactory(
        position=PositionFactory(title="Jurist", unit=town.units["top"]), user=granted
    )
    # Rows for every model the admin shows, so its addresses are tried with real ids.
    Group.objects.create(name="Regelverk")
    Token.objects.create(user=staff)
    admin = UserFactory(username="admin", first_name="Ada", last_name="Adminsson")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return {
        "anonymous": AnonymousUser(),
        "employee": town.users["ekonom"],
        "author": author,
        "coauthor": coauthor,
        "chief": town.users["omradeschef"],
        "substitute_in": substitute_in,
        "substitute_out": substitute_out,
        "registrar": town.users["registrator"],
        "rep_group": town.users["lärare_utb"],
        "rep_other": town.users["vision_central"],
        "chair": town.users["sektorschef"],
        "secretary": town.users["sekr_bun"],
        "body_member": body_member,
        "other_body_member": other_member,
        "process_owner": town.users["processagare"],
        "granted": granted,
        "staff": staff,
        "administrator": admin,
    }


def _start(author_desk: Desk, word: str, *, public: bool = True) -> Case:
    town = author_desk.town
    return author_desk.start_document(
        document_type=town.types["riktlinje"],
        title=f"Riktlinje {word}",
        scope_unit=town.units["sector"],
        owner_position=author_desk.position,
        is_public=public,
        summary=f"Sammanfattning {word}",
    )


def _draft(author_desk: Desk, case: Case, word: str, *, save_only: bool = False) -> None:
    fields = {
        "body": f"<p>Texten om {word.lower()} i utkastet.</p>",
        "upload": pdf(f"{word}.pdf"),
        "co_authors": "medforfattare",
    }
    if save_only:
        response = author_desk.attempt(case, "draft", action="save", look=False, **fields)
        assert response.status_code == 302, response.status_code
    else:
        author_desk.complete(case, "draft", look=False, **fields)


def build_world() -> World:
    town = build_town()
    users = _people(town)
    author = Desk(users["author"])
    author.town = town
    author.position = users["author"].position_holdings.get().position
    states: dict[str, Subject] = {}

    def subject(state: str, case: Case, version=None, document=None) -> Subject:
        case = refresh(case)
        task = None
        if state in OPEN_STEP:
            tasks = open_tasks(case, OPEN_STEP[state])
            if state == "samverkan":
                tasks = [t for t in tasks if t.owner_id == users["rep_group"].pk]
            task = tasks[0]
        return Subject(
            case=case,
            version=version or case.version,
            document=document or case.document,
            task=task,
            word=STATES[state],
        )

    # A draft saved (not submitted), with a co-author and a file.
    case = _start(author, STATES["draft"])
    _draft(author, case, STATES["draft"], save_only=True)
    states["draft"] = subject("draft", case)

    for state, step in [
        ("samverkan", "union_statement"),
        ("samverkan_meeting", "samverkan_meeting"),
        ("preparation", "proposal"),
        ("decision", "decision"),
        ("registration", "registration"),
    ]:
        case = _start(author, STATES[state])
        _draft(author, case, STATES[state])
        run_until(town, case, step)
        states[state] = subject(state, case)

    # Adopted and registered, valid from a later day.
    case = _start(author, STATES["registered"])
    _draft(author, case, STATES["registered"])
    run_until(town, case, "decision")
    answers = default_answers(refresh(case), "decision") | {"valid_from": days(30)}
    Desk(users["secretary"]).complete(case, "decision", look=False, **answers)
    run_until(town, case, "registration")
    Desk(users["registrar"]).complete(
        case, "registration", look=False, **default_answers(refresh(case), "registration")
    )
    assert not open_tasks(case)
    states["registered"] = subject("registered", case)

    # Published, then revised: version 1 superseded, version 2 valid.
    first = _start(author, STATES["published"])
    _draft(author, first, STATES["published"])
    first = run_to_end(town, first)
    second = author.start_revision(first.document)
    _draft(author, second, STATES["published"])
    second = run_to_end(town, second)
    states["superseded"] = subject("superseded", first)
    states["published"] = subject("published", second)

    case = _start(author, STATES["internal"], public=False)
    _draft(author, case, STATES["internal"])
    states["internal"] = subject("internal", run_to_end(town, case))

    # Published, then repealed by a repeal case.
    adopted = _start(author, STATES["repealed"])
    _draft(author, adopted, STATES["repealed"])
    adopted = run_to_end(town, adopted)
    repeal = author.start_repeal(adopted.document, "Ersätts av en ny rutin.")
    run_to_end(town, repeal)
    version = DocumentVersion.objects.get(pk=adopted.version_id)
    states["repealed"] = subject("repealed", repeal, version=version)

    # The desk's objects: a meeting of the deciding body and a registered letter with a
    # file on the draft case.
    from workflows.actions.records import register_record
    from workflows.models import Meeting

    Meeting.objects.create(
        body=town.bodies["namnd"],
        date=datetime.date.today() + datetime.timedelta(days=30),
        deadline=datetime.date.today() + datetime.timedelta(days=16),
        place="Kommunhuset",
    )
    register_record(
        user=users["registrar"],
        case_id=states["draft"].case.pk,
        direction="in",
        record_date=datetime.date.today(),
        counterpart="Författarsson",
        subject=f"Yttrande om {states['draft'].word.lower()}",
        upload=pdf("yttrande.pdf"),
    )

    for state in ("draft", "decision"):
        grant_case_reader(
            user=users["registrar"], case_id=states[state].case.pk, reader=users["granted"]
        )

    for key, expected in [
        ("superseded", "superseded"),
        ("published", "valid"),
        ("internal", "valid"),
        ("repealed", "repealed"),
        ("registered", "adopted"),
        ("draft", "draft"),
    ]:
        assert states[key].version.status == expected, (key, states[key].version.status)
    assert not states["internal"].document.is_public
    return World(town=town, users=users, states=states)
